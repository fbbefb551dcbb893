package conv

import (
	"fmt"
	"math"

	"github.com/tensorgo/tensorgo/internal/parallel"
	"github.com/tensorgo/tensorgo/internal/vec"
)

// bnBlock is the number of rows whose per-channel sums one partial holds.
// Partials are combined in order, so the sums do not depend on the thread
// count.
const bnBlock = 256

// NormWorkspace holds the scratch of the batch-normalisation kernels. It
// must not be used by two calls at once.
type NormWorkspace[T Float] struct {
	part            []float64 // per-block partial sums, blocks × 2C
	x, y, dy, dx    []T
	gamma, beta     []T
	mean, invstd    []float64
	dgamma, dbeta   []float64
	g64, b64, coef  []float64 // float32 loops: gamma, beta, dx's factor as float64
	rows, c         int
	sumsFn, applyFn func(lo, hi int)
	gradSumsFn      func(lo, hi int)
	gradApplyFn     func(lo, hi int)
	inferFn         func(lo, hi int)
	inferGradFn     func(lo, hi int)
	m               float64
	relu            bool // BatchNormInfer's activation
	reluY           []T  // BatchNormInferGrad's ReLU output, or nil
}

func (ws *NormWorkspace[T]) bind(rows, c int) {
	if ws.sumsFn == nil {
		ws.sumsFn, ws.applyFn, ws.gradSumsFn, ws.gradApplyFn = ws.sums, ws.apply, ws.gradSums, ws.gradApply
	}
	ws.rows, ws.c = rows, c
	nb := (rows + bnBlock - 1) / bnBlock
	if cap(ws.part) < nb*2*c {
		ws.part = make([]float64, nb*2*c)
	}
	ws.part = ws.part[:nb*2*c]
	if cap(ws.mean) < c {
		ws.mean, ws.invstd = make([]float64, c), make([]float64, c)
		ws.dgamma, ws.dbeta = make([]float64, c), make([]float64, c)
	}
	ws.mean, ws.invstd, ws.dgamma, ws.dbeta = ws.mean[:c], ws.invstd[:c], ws.dgamma[:c], ws.dbeta[:c]
	if cap(ws.g64) < c {
		ws.g64, ws.b64, ws.coef = make([]float64, c), make([]float64, c), make([]float64, c)
	}
	ws.g64, ws.b64, ws.coef = ws.g64[:c], ws.b64[:c], ws.coef[:c]
}

// rows32 returns rows [lo, hi) of v (c channels) as []float32 when T is
// float32, else nil.
func rows32[T Float](v []T, lo, hi, c int) []float32 {
	if f, ok := any(v).([]float32); ok && f != nil {
		return f[lo*c : hi*c]
	}
	return nil
}

// sums writes, for each block of rows, the per-channel sum and sum of
// squared deviations from ws.mean (when the mean is known) — two passes
// keep the variance accurate.
func (ws *NormWorkspace[T]) sums(lo, hi int) {
	c := ws.c
	for b := lo; b < hi; b++ {
		s, q := ws.part[b*2*c:b*2*c+c], ws.part[b*2*c+c:(b+1)*2*c]
		clear(s)
		clear(q)
		r0, r1 := b*bnBlock, min(ws.rows, (b+1)*bnBlock)
		if x := rows32(ws.x, r0, r1, c); x != nil {
			vec.BNSums(x, r1-r0, c, ws.mean, s, q)
			continue
		}
		for r := r0; r < r1; r++ {
			row := ws.x[r*c : (r+1)*c]
			for j, v := range row {
				d := float64(v) - ws.mean[j]
				s[j] += d
				q[j] += d * d
			}
		}
	}
}

// reduce adds the blocks' partials in order into a and b.
func (ws *NormWorkspace[T]) reduce(a, b []float64) {
	c := ws.c
	clear(a)
	clear(b)
	for blk := 0; blk*2*c < len(ws.part); blk++ {
		for j := 0; j < c; j++ {
			a[j] += ws.part[blk*2*c+j]
			b[j] += ws.part[blk*2*c+c+j]
		}
	}
}

func (ws *NormWorkspace[T]) apply(lo, hi int) {
	c := ws.c
	if x := rows32(ws.x, lo, hi, c); x != nil {
		vec.BNApply(x, rows32(ws.y, lo, hi, c), hi-lo, c, ws.mean, ws.invstd, ws.g64, ws.b64)
		return
	}
	for r := lo; r < hi; r++ {
		x, y := ws.x[r*c:(r+1)*c], ws.y[r*c:(r+1)*c]
		for j, v := range x {
			y[j] = T((float64(v)-ws.mean[j])*ws.invstd[j]*float64(ws.gamma[j]) + float64(ws.beta[j]))
		}
	}
}

// BatchNormTrain normalises x (rows × c, channels last) with the batch's
// own statistics, as batch normalisation does in training:
// y = gamma·(x − mean)/sqrt(var + eps) + beta, where var is the biased
// variance. It writes y and the batch mean and variance (c values each),
// which the caller folds into the moving averages. gamma and beta may be
// nil (scale 1, offset 0).
func BatchNormTrain[T Float](x, gamma, beta []T, eps float64, rows, c int, y, mean, variance []T, ws *NormWorkspace[T]) {
	if len(x) < rows*c || len(y) < rows*c || len(mean) < c || len(variance) < c {
		panic(fmt.Sprintf("conv: BatchNormTrain: buffers too small for %d rows of %d channels", rows, c))
	}
	ws.bind(rows, c)
	ws.x, ws.y = x, y
	ws.gamma, ws.beta = ones(gamma, c), zerosT(beta, c)
	nb := (rows + bnBlock - 1) / bnBlock
	clear(ws.mean)
	parallel.For(nb, 1, ws.sumsFn)
	ws.reduce(ws.dgamma, ws.dbeta) // scratch: sums
	for j := 0; j < c; j++ {
		ws.mean[j] = ws.dgamma[j] / float64(rows)
	}
	// Second pass: deviations from the mean, for an accurate variance.
	parallel.For(nb, 1, ws.sumsFn)
	ws.reduce(ws.dgamma, ws.dbeta)
	for j := 0; j < c; j++ {
		v := ws.dbeta[j] / float64(rows)
		mean[j], variance[j] = T(ws.mean[j]), T(v)
		ws.invstd[j] = 1 / math.Sqrt(v+eps)
		ws.g64[j], ws.b64[j] = float64(ws.gamma[j]), float64(ws.beta[j])
	}
	parallel.For(rows, 256, ws.applyFn)
}

// BatchNormGrad computes the gradients of BatchNormTrain's y with respect
// to x, gamma and beta, given dy and the batch mean and variance it used:
// with x̂ = (x − mean)·invstd, dbeta = Σ dy, dgamma = Σ dy·x̂ and
// dx = gamma·invstd/m · (m·dy − dbeta − x̂·dgamma). dgamma and dbeta may be
// nil.
func BatchNormGrad[T Float](x, dy, gamma, mean, variance []T, eps float64, rows, c int, dx, dgamma, dbeta []T, ws *NormWorkspace[T]) {
	if len(x) < rows*c || len(dy) < rows*c || len(dx) < rows*c {
		panic(fmt.Sprintf("conv: BatchNormGrad: buffers too small for %d rows of %d channels", rows, c))
	}
	ws.gradStart(x, dy, dx, gamma, mean, variance, eps, rows, c)
	ws.gradSumsInto(dgamma, dbeta)
	ws.m = float64(rows)
	for j := 0; j < c; j++ {
		// The factor of dx, as gradApply's Go loop computes it.
		ws.coef[j] = float64(ws.gamma[j]) * ws.invstd[j] / ws.m
	}
	parallel.For(rows, 256, ws.gradApplyFn)
}

// gradSums writes per-block sums of dy and dy·x̂.
func (ws *NormWorkspace[T]) gradSums(lo, hi int) {
	c := ws.c
	for b := lo; b < hi; b++ {
		s, q := ws.part[b*2*c:b*2*c+c], ws.part[b*2*c+c:(b+1)*2*c]
		clear(s)
		clear(q)
		r0, r1 := b*bnBlock, min(ws.rows, (b+1)*bnBlock)
		if x := rows32(ws.x, r0, r1, c); x != nil {
			vec.BNGradSums(x, rows32(ws.dy, r0, r1, c), rows32(ws.reluY, r0, r1, c), r1-r0, c, ws.mean, ws.invstd, s, q)
			continue
		}
		for r := r0; r < r1; r++ {
			x, dy := ws.x[r*c:(r+1)*c], ws.dy[r*c:(r+1)*c]
			for j := range x {
				g := float64(dy[j])
				if ws.reluOff(r*c + j) {
					g = 0
				}
				s[j] += g
				q[j] += g * (float64(x[j]) - ws.mean[j]) * ws.invstd[j]
			}
		}
	}
}

func (ws *NormWorkspace[T]) gradApply(lo, hi int) {
	c := ws.c
	if x := rows32(ws.x, lo, hi, c); x != nil {
		vec.BNGradApply(x, rows32(ws.dy, lo, hi, c), rows32(ws.dx, lo, hi, c), hi-lo, c, ws.mean, ws.invstd, ws.dgamma, ws.dbeta, ws.coef, ws.m)
		return
	}
	for r := lo; r < hi; r++ {
		x, dy, dx := ws.x[r*c:(r+1)*c], ws.dy[r*c:(r+1)*c], ws.dx[r*c:(r+1)*c]
		for j := range x {
			xh := (float64(x[j]) - ws.mean[j]) * ws.invstd[j]
			dx[j] = T(float64(ws.gamma[j]) * ws.invstd[j] / ws.m * (ws.m*float64(dy[j]) - ws.dbeta[j] - xh*ws.dgamma[j]))
		}
	}
}

// BatchNormInferGrad computes the gradients of BatchNormInfer's y with
// respect to x, gamma and beta, given dy: with r = 1/sqrt(var + eps) and
// x̂ = (x − mean)·r, dx = dy·gamma·r, dgamma = Σ dy·x̂ and dbeta = Σ dy
// (the statistics are constants here). dgamma and dbeta may be nil. When
// relu is not nil it is the output of BatchNormInfer with act Relu, and dy
// that of the ReLU: dy counts as zero where relu > 0 fails.
func BatchNormInferGrad[T Float](x, dy, relu, gamma, mean, variance []T, eps float64, rows, c int, dx, dgamma, dbeta []T, ws *NormWorkspace[T]) {
	if len(x) < rows*c || len(dy) < rows*c || len(dx) < rows*c || len(mean) < c || len(variance) < c || (relu != nil && len(relu) < rows*c) {
		panic(fmt.Sprintf("conv: BatchNormInferGrad: buffers too small for %d rows of %d channels", rows, c))
	}
	ws.gradStart(x, dy, dx, gamma, mean, variance, eps, rows, c)
	ws.reluY = relu
	defer func() { ws.reluY = nil }()
	if ws.inferGradFn == nil {
		ws.inferGradFn = ws.inferGrad
	}
	for j := 0; j < c; j++ {
		ws.coef[j] = float64(ws.gamma[j]) * ws.invstd[j]
	}
	if dgamma != nil || dbeta != nil {
		ws.gradSumsInto(dgamma, dbeta)
	}
	parallel.For(rows, 1024, ws.inferGradFn)
}

// gradStart binds the operands of a gradient kernel and sets the mean and
// 1/sqrt(variance + eps) it normalised with.
func (ws *NormWorkspace[T]) gradStart(x, dy, dx, gamma, mean, variance []T, eps float64, rows, c int) {
	ws.bind(rows, c)
	ws.x, ws.dy, ws.dx, ws.gamma = x, dy, dx, ones(gamma, c)
	for j := 0; j < c; j++ {
		ws.mean[j] = float64(mean[j])
		ws.invstd[j] = 1 / math.Sqrt(float64(variance[j])+eps)
	}
}

// gradSumsInto sums dy (into ws.dbeta and dbeta) and dy·x̂ (into
// ws.dgamma and dgamma) per channel, blocks of rows in order; dgamma and
// dbeta may be nil.
func (ws *NormWorkspace[T]) gradSumsInto(dgamma, dbeta []T) {
	nb := (ws.rows + bnBlock - 1) / bnBlock
	parallel.For(nb, 1, ws.gradSumsFn)
	ws.reduce(ws.dbeta, ws.dgamma)
	for j := 0; j < ws.c; j++ {
		if dgamma != nil {
			dgamma[j] = T(ws.dgamma[j])
		}
		if dbeta != nil {
			dbeta[j] = T(ws.dbeta[j])
		}
	}
}

// inferGrad writes rows [lo, hi) of dx = dy·gamma·r (ws.coef, as float64).
func (ws *NormWorkspace[T]) inferGrad(lo, hi int) {
	c := ws.c
	if dy := rows32(ws.dy, lo, hi, c); dy != nil {
		vec.BNScale(dy, rows32(ws.dx, lo, hi, c), rows32(ws.reluY, lo, hi, c), hi-lo, c, ws.coef)
		return
	}
	for r := lo; r < hi; r++ {
		dy, dx := ws.dy[r*c:(r+1)*c], ws.dx[r*c:(r+1)*c]
		for j, g := range dy {
			if ws.reluOff(r*c + j) {
				g = 0
			}
			dx[j] = T(float64(g) * ws.coef[j])
		}
	}
}

// reluOff reports whether element i of a BatchNormInferGrad with a ReLU
// after it is where the ReLU passes no gradient (its output not positive).
func (ws *NormWorkspace[T]) reluOff(i int) bool { return ws.reluY != nil && !(ws.reluY[i] > 0) }

// BatchNormInfer normalises x with the moving statistics, as batch
// normalisation does at inference: y = x·scale + shift with
// scale = gamma/sqrt(var + eps) and shift = beta − mean·scale. The same
// scale and shift fold into a preceding convolution's filter and bias
// (FoldIntoConv). With act Relu, negative results are set to zero in the
// same pass.
func BatchNormInfer[T Float](x, gamma, beta, mean, variance []T, eps float64, rows, c int, y []T, act Activation, ws *NormWorkspace[T]) {
	if len(x) < rows*c || len(y) < rows*c || len(mean) < c || len(variance) < c {
		panic(fmt.Sprintf("conv: BatchNormInfer: buffers too small for %d rows of %d channels", rows, c))
	}
	ws.bind(rows, c)
	if ws.inferFn == nil {
		ws.inferFn = ws.infer
	}
	ws.x, ws.y, ws.relu = x, y, act == Relu
	// The scale and shift go in the mean and invstd scratch.
	for j := 0; j < c; j++ {
		ws.invstd[j], ws.mean[j] = affine(gamma, beta, mean, variance, eps, j)
	}
	parallel.For(rows, 1024, ws.inferFn)
}

func (ws *NormWorkspace[T]) infer(lo, hi int) {
	c := ws.c
	if x := rows32(ws.x, lo, hi, c); x != nil {
		vec.BNAffine(x, rows32(ws.y, lo, hi, c), hi-lo, c, ws.invstd, ws.mean, ws.relu)
		return
	}
	for r := lo; r < hi; r++ {
		xr, yr := ws.x[r*c:(r+1)*c], ws.y[r*c:(r+1)*c]
		for j, v := range xr {
			u := T(float64(v)*ws.invstd[j] + ws.mean[j])
			if ws.relu && u < 0 {
				u = 0
			}
			yr[j] = u
		}
	}
}

func affine[T Float](gamma, beta, mean, variance []T, eps float64, j int) (scale, shift float64) {
	g, b := 1.0, 0.0
	if gamma != nil {
		g = float64(gamma[j])
	}
	if beta != nil {
		b = float64(beta[j])
	}
	scale = g / math.Sqrt(float64(variance[j])+eps)
	return scale, b - float64(mean[j])*scale
}

// FoldIntoConv folds inference batch normalisation into the convolution
// before it: w (HWIO, last dimension o) is scaled per output channel and
// bias (o values, overwritten; it may hold the convolution's own bias) gets
// the shift, so that conv(x, w') + bias' = BN(conv(x, w) + bias).
func FoldIntoConv[T Float](w, bias, gamma, beta, mean, variance []T, eps float64, o int) {
	for j := 0; j < o; j++ {
		scale, shift := affine(gamma, beta, mean, variance, eps, j)
		for i := j; i < len(w); i += o {
			w[i] = T(float64(w[i]) * scale)
		}
		bias[j] = T(float64(bias[j])*scale + shift)
	}
}

func ones[T Float](s []T, c int) []T {
	if s != nil {
		return s
	}
	return constant[T](1, c)
}

func zerosT[T Float](s []T, c int) []T {
	if s != nil {
		return s
	}
	return constant[T](0, c)
}

// constant returns c copies of v; the rare nil-gamma path allocates.
func constant[T Float](v T, c int) []T {
	s := make([]T, c)
	for i := range s {
		s[i] = v
	}
	return s
}
