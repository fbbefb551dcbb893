package conv

import (
	"fmt"

	"github.com/tensorgo/tensorgo/internal/parallel"
	"github.com/tensorgo/tensorgo/internal/vec"
)

// Activation is an elementwise function fused into a convolution's output
// pass.
type Activation uint8

// The fused activations.
const (
	Linear Activation = iota
	Relu
)

// colBudget bounds the elements of one block of the im2col matrix, so that
// the matrix for a large batch is built and multiplied a block of rows at a
// time: 1 MiB of float32, a core's L2 cache, where the product reads it
// back. It does not depend on the thread count, so neither do the results.
const colBudget = 1 << 18

// Workspace holds the scratch buffers of the convolution kernels, grown on
// first use and reused after, so that a compiled step does not allocate.
// A Workspace must not be used by two calls at once.
type Workspace[T Float] struct {
	col []T
	// The input and geometry whose whole im2col matrix col holds after a
	// Forward (colOK), for BackwardFilter to reuse.
	colX  *T
	colP  Params
	colOK bool
	j     job[T]
	// The job's methods, bound once: a closure handed to the worker pool
	// would be allocated on every call.
	im2colFn, col2imFn, epilogueFn, biasFn, splitFn func(lo, hi int)
	part                                            []T    // filterProduct's partial sums
	turned                                          []T    // BackwardInput's turned filter
	turnedP                                         Params // ... and its geometry
	wino                                            winoState
	direct                                          directState
}

// job holds the arguments of the parallel loops of one call.
type job[T Float] struct {
	p             *Params
	x, col, dx, y []T
	g, r0, r1, n0 int
	o             int
	b             []T  // the bias (epilogue)
	relu          bool // the epilogue's activation
	trans         bool // filterProduct's parts are transposed
}

func (ws *Workspace[T]) bind() {
	if ws.im2colFn == nil {
		ws.im2colFn, ws.col2imFn, ws.epilogueFn, ws.biasFn = ws.j.im2col, ws.j.col2im, ws.j.epilogue, ws.j.bias
		ws.splitFn = ws.j.split
	}
}

func (ws *Workspace[T]) buf(n int) []T {
	ws.colOK = false
	if cap(ws.col) < n {
		ws.col = make([]T, n)
	}
	return ws.col[:n]
}

// blockRows is how many rows of the im2col matrix (output pixels) one block
// holds: whole images where they fit. It depends on the shape only, never
// on the thread count. (Building matrices of a few MiB whole, so that the
// filter gradient reuses the forward's, measured slower: the blocks stay
// in L2.)
func (p *Params) blockRows(k int) int {
	img := p.OH * p.OW
	if img*k <= colBudget {
		return img * max(1, colBudget/(img*k))
	}
	return max(1, colBudget/k)
}

func (p *Params) check(what string, n, want int) {
	if n < want {
		panic(fmt.Sprintf("conv: %s has %d elements, the convolution needs %d", what, n, want))
	}
}

// fuseBias lets Forward apply the bias and activation as each path
// finishes a block of the output; benchmarks turn it off to compare.
var fuseBias = true

// fusedBias is the float32 bias that a float32-only path applies itself:
// bias when fused, else nil (Forward's own pass then applies it).
func fusedBias[T Float](fused bool, bias []T) []float32 {
	if !fused {
		return nil
	}
	return any(bias).([]float32)
}

// Forward computes y = act(conv(x, w) + bias) for the convolution p: x is
// NHWC (p.InSize elements), w HWIO, bias (O values) may be nil, and y
// (p.OutSize elements) is overwritten.
func Forward[T Float](p *Params, x, w, bias, y []T, act Activation, ws *Workspace[T]) {
	p.check("input", len(x), p.InSize())
	p.check("filter", len(w), p.FilterSize())
	p.check("output", len(y), p.OutSize())
	if bias != nil {
		p.check("bias", len(bias), p.O)
	}
	m := p.N * p.OH * p.OW
	if m == 0 {
		return
	}
	cg, og := p.C/p.Groups, p.O/p.Groups
	k := p.KH * p.KW * cg
	var beta T // the bias is added after the product, with the activation
	// Each path applies the bias and the activation to each block of the
	// output as it finishes it, while it is in cache (BenchmarkBiasFusion:
	// Winograd 2-4% faster, the others 0-1%). An activation without a
	// bias takes a pass of its own, and so does the bias of a direct
	// convolution with channels not a multiple of 8, whose rows of a few
	// channels (LeNet5's 6) would each cost a call that the pass makes once,
	// and of a GEMM of depth under 64 (AlexNet8's first layer, Inception10's
	// 1×1 branches: 0.5-4% slower fused).
	fused := bias != nil && fuseBias
	if x32, ok := any(x).([]float32); ok && p.winograd() {
		ws.colOK = false
		winoForward(&ws.wino, p, x32, any(w).([]float32), fusedBias(fused, bias), any(y).([]float32), act == Relu)
	} else if r, q, ok := p.directTile(); ok && isFloat32(x) {
		ws.colOK = false
		fused = fused && p.O%8 == 0
		directForward(&ws.direct, p, any(x).([]float32), any(w).([]float32), fusedBias(fused, bias), any(y).([]float32), act == Relu, r, q)
	} else if p.pointwise() && p.Groups == 1 {
		if fused = fused && p.C >= 64; fused {
			mmBiasAct(m, p.O, p.C, x, p.C, w, p.O, y, p.O, bias, act == Relu)
		} else {
			mm(false, false, m, p.O, p.C, x, p.C, w, p.O, beta, y, p.O)
		}
	} else {
		fused = fused && k >= 64
		rows := p.blockRows(k)
		for r0 := 0; r0 < m; r0 += rows {
			r1 := min(m, r0+rows)
			col := ws.buf((r1 - r0) * k)
			for g := 0; g < p.Groups; g++ {
				im2col(ws, p, x, g, r0, r1, col)
				if fused {
					mmBiasAct(r1-r0, og, k, col, k, w[g*og:], p.O, y[r0*p.O+g*og:], p.O, bias[g*og:(g+1)*og], act == Relu)
				} else {
					mm(false, false, r1-r0, og, k, col, k, w[g*og:], p.O, beta, y[r0*p.O+g*og:], p.O)
				}
			}
		}
		if rows >= m && p.Groups == 1 {
			ws.colX, ws.colP, ws.colOK = &x[0], *p, true
		}
	}
	if !fused && (bias != nil || act == Relu) {
		// One pass over the output: bias, then activation.
		ws.bind()
		ws.j = job[T]{y: y[:m*p.O], b: bias, o: p.O, relu: act == Relu}
		parallel.For(m, max(1, (1<<14)/p.O), ws.epilogueFn)
	}
}

// backwardInputSpread is BackwardInput of a strided 1×1 convolution
// without padding (Inception10's stride-2 branches): each input pixel is
// read by one output pixel at most, so dx is the product dy·wᵀ spread out,
// with zeros between. It is written a row of the input at a time, once,
// instead of being cleared whole and then scattered into.
func backwardInputSpread[T Float](ws *Workspace[T], p *Params, dy, w, dx []T) {
	m := p.N * p.OH * p.OW
	rows := max(1, min(m, colBudget/p.C)) // output pixels a block
	for r0 := 0; r0 < m; r0 += rows {
		r1 := min(m, r0+rows)
		col := ws.buf((r1 - r0) * p.C)
		mm(false, true, r1-r0, p.C, p.O, dy[r0*p.O:], p.O, w, p.O, 0, col, p.C)
		spreadRows(p, col, r0, r1, dx)
	}
}

// spreadRows writes the input rows that output pixels [r0, r1) read (they
// are whole output rows, or a part of one at either end): each such input
// row takes its pixels from col, zeros between them, and the stride−1 input
// rows after it take zeros. A 1×1 window has OH = ⌈H/stride⌉ with either
// padding, so that covers every row.
func spreadRows[T Float](p *Params, col []T, r0, r1 int, dx []T) {
	C, rowLen := p.C, p.W*p.C
	for r := r0; r < r1; {
		n, oh, ow := r/(p.OH*p.OW), r/p.OW%p.OH, r%p.OW
		e := min(r1, r-ow+p.OW) // the end of this output row in the block
		ih := oh * p.StrideH
		row := dx[(n*p.H+ih)*rowLen : (n*p.H+ih+1)*rowLen]
		if ow == 0 {
			clear(row)
			for k := 1; k < p.StrideH && ih+k < p.H; k++ {
				clear(dx[(n*p.H+ih+k)*rowLen : (n*p.H+ih+k+1)*rowLen])
			}
		}
		copyRows(row[ow*p.StrideW*C:], p.StrideW*C, col[(r-r0)*C:], vec.Strided{Blocks: e - r, C: C, Stride: C})
		r = e
	}
}

// BackwardInput computes dx, the gradient of the input, from dy (NHWC, the
// output's gradient) and the filter w. dx is overwritten.
func BackwardInput[T Float](p *Params, dy, w, dx []T, ws *Workspace[T]) {
	p.check("output gradient", len(dy), p.OutSize())
	p.check("filter", len(w), p.FilterSize())
	p.check("input gradient", len(dx), p.InSize())
	m := p.N * p.OH * p.OW
	if dy32, ok := any(dy).([]float32); ok && m > 0 && p.winograd() {
		winoBackwardInput(&ws.wino, p, dy32, any(w).([]float32), any(dx).([]float32))
		return
	}
	if m > 0 && p.turnable() {
		backwardInputTurned(ws, p, dy, w, dx)
		return
	}
	if m == 0 {
		clear(dx[:p.InSize()])
		return
	}
	cg, og := p.C/p.Groups, p.O/p.Groups
	k := p.KH * p.KW * cg
	if p.pointwise() && p.Groups == 1 {
		// The product writes every element of dx (beta 0): no clearing.
		mm(false, true, m, p.C, p.O, dy, p.O, w, p.O, 0, dx, p.C)
		return
	}
	if p.KH == 1 && p.KW == 1 && p.Groups == 1 && p.PadT == 0 && p.PadL == 0 {
		backwardInputSpread(ws, p, dy, w, dx)
		return
	}
	clear(dx[:p.InSize()])
	rows := p.blockRows(k)
	for r0 := 0; r0 < m; r0 += rows {
		r1 := min(m, r0+rows)
		col := ws.buf((r1 - r0) * k)
		for g := 0; g < p.Groups; g++ {
			mm(false, true, r1-r0, k, og, dy[r0*p.O+g*og:], p.O, w[g*og:], p.O, 0, col, k)
			col2im(ws, p, col, g, r0, r1, dx)
		}
	}
}

// turnable reports whether BackwardInput runs as the forward convolution
// of dy with the filter turned by 180° and its channels swapped (which
// avoids col2im's scattered adds): stride 1, no dilation, one group,
// padding smaller than the kernel, enough input channels for the products'
// columns, and an input little bigger than the output, so that the turned
// convolution computes few more rows than the output has pixels.
func (p *Params) turnable() bool {
	return p.StrideH == 1 && p.StrideW == 1 && p.DilH == 1 && p.DilW == 1 && p.Groups == 1 && !p.pointwise() &&
		p.PadT < p.KH && p.PadL < p.KW && p.C >= 8 && 4*p.H*p.W <= 5*p.OH*p.OW
}

// backwardInputTurned is BackwardInput for turnable convolutions: dx[n,
// ih, iw, c] sums dy[n, ih+PadT-kh, iw+PadL-kw, o]·w[kh, kw, c, o], the
// convolution of dy, read with KH-1-PadT and KW-1-PadL cells of zeros
// before it, with wt[kh', kw', o, c] = w[KH-1-kh', KW-1-kw', c, o].
func backwardInputTurned[T Float](ws *Workspace[T], p *Params, dy, w, dx []T) {
	ws.turned = grow(ws.turned, p.FilterSize())
	wt := ws.turned
	for kh := 0; kh < p.KH; kh++ {
		for kw := 0; kw < p.KW; kw++ {
			src := w[((p.KH-1-kh)*p.KW+p.KW-1-kw)*p.C*p.O:][:p.C*p.O]
			dst := wt[(kh*p.KW+kw)*p.C*p.O:][:p.C*p.O]
			for c := 0; c < p.C; c++ {
				for o := 0; o < p.O; o++ {
					dst[o*p.C+c] = src[c*p.O+o]
				}
			}
		}
	}
	// The turned geometry lives in ws: Forward's loops keep a pointer to
	// it, which would make a local escape to the heap on every call.
	ws.turnedP = Params{N: p.N, H: p.OH, W: p.OW, C: p.O, KH: p.KH, KW: p.KW, O: p.C,
		StrideH: 1, StrideW: 1, DilH: 1, DilW: 1, PadT: p.KH - 1 - p.PadT, PadL: p.KW - 1 - p.PadL,
		OH: p.H, OW: p.W, Groups: 1}
	Forward(&ws.turnedP, dy, wt, nil, dx, Linear, ws)
	ws.colOK = false // the columns are dy's, not an input's
}

// BackwardFilter computes dw, the gradient of the filter, from the input x
// and dy, and (when dbias is not nil) the gradient of the bias. dw and
// dbias are overwritten. Blocks of rows are summed in a fixed order, so the
// result does not depend on the thread count.
func BackwardFilter[T Float](p *Params, x, dy, dw, dbias []T, ws *Workspace[T]) {
	BackwardFilterAfter(p, x, dy, dw, dbias, ws, nil)
}

// BackwardFilterAfter is BackwardFilter that reuses the im2col matrix the
// last Forward with workspace fwd built, when that Forward had the same
// input slice (x) and geometry and built the matrix whole. The caller must
// make sure that x has not changed since (tf runs the forward op in the
// same step) and that fwd is not in use by another call.
func BackwardFilterAfter[T Float](p *Params, x, dy, dw, dbias []T, ws, fwd *Workspace[T]) {
	p.check("input", len(x), p.InSize())
	p.check("output gradient", len(dy), p.OutSize())
	p.check("filter gradient", len(dw), p.FilterSize())
	m := p.N * p.OH * p.OW
	cg, og := p.C/p.Groups, p.O/p.Groups
	k := p.KH * p.KW * cg
	if dbias != nil {
		p.check("bias gradient", len(dbias), p.O)
		biasGrad(ws, dy[:m*p.O], p.O, dbias[:p.O])
	}
	if m == 0 {
		clear(dw[:p.FilterSize()])
		return
	}
	if x32, ok := any(x).([]float32); ok && p.winogradFilter() {
		winoBackwardFilter(&ws.wino, p, x32, any(dy).([]float32), any(dw).([]float32))
		return
	}
	if p.pointwise() && p.Groups == 1 {
		mm(true, false, p.C, p.O, m, x, p.C, dy, p.O, 0, dw, p.O)
		return
	}
	if r, q, ok := p.directFilterTile(); ok && isFloat32(x) {
		directFilter(&ws.direct, p, any(x).([]float32), any(dy).([]float32), any(dw).([]float32), r, q)
		return
	}
	if fwd != nil && fwd.colOK && fwd.colX == &x[0] && fwd.colP == *p {
		filterProduct(ws, k, p.O, m, fwd.col[:m*k], dy, dw)
		return
	}
	if p.Groups == 1 && p.blockRows(k) >= m {
		col := ws.buf(m * k)
		im2col(ws, p, x, 0, 0, m, col)
		filterProduct(ws, k, p.O, m, col, dy, dw)
		return
	}
	rows := p.blockRows(k)
	// Few filters: the sum runs transposed, dwᵀ += dyᵀ·col, which the GEMM
	// kernels run faster with the same bits (as in filterProduct), and dwᵀ
	// is turned at the end.
	trans := p.Groups == 1 && p.O <= 16 && k > p.O
	var dwT []T
	if trans {
		ws.part = grow(ws.part, k*p.O)
		dwT = ws.part
	}
	for r0 := 0; r0 < m; r0 += rows {
		r1 := min(m, r0+rows)
		col := ws.buf((r1 - r0) * k)
		var beta T
		if r0 > 0 {
			beta = 1
		}
		for g := 0; g < p.Groups; g++ {
			im2col(ws, p, x, g, r0, r1, col)
			if trans {
				mm(true, false, p.O, k, r1-r0, dy[r0*p.O:], p.O, col, k, beta, dwT, k)
			} else {
				mm(true, false, k, og, r1-r0, col, k, dy[r0*p.O+g*og:], p.O, beta, dw[g*og:], p.O)
			}
		}
	}
	if trans {
		for t := 0; t < k; t++ {
			for oc := 0; oc < p.O; oc++ {
				dw[t*p.O+oc] = dwT[oc*k+t]
			}
		}
	}
}

// epilogue finishes rows [lo, hi) of the output (j.o channels each): it
// adds the bias j.b, if any, then applies ReLU if j.relu.
func (j *job[T]) epilogue(lo, hi int) {
	y := j.y[lo*j.o : hi*j.o]
	if y32, ok := any(y).([]float32); ok {
		if j.b != nil {
			vec.BiasAct(y32, any(j.b).([]float32)[:j.o], j.relu)
		} else {
			vec.Relu(y32)
		}
		return
	}
	for i := range y {
		v := y[i]
		if j.b != nil {
			v += j.b[i%j.o]
		}
		if j.relu && v < 0 {
			v = 0
		}
		y[i] = v
	}
}

// biasGrad sums dy's rows (m×o) into db, one channel per loop iteration,
// so that the order of each sum never depends on the thread count.
func biasGrad[T Float](ws *Workspace[T], dy []T, o int, db []T) {
	ws.bind()
	ws.j = job[T]{x: dy, y: db, o: o}
	parallel.For(o, 16, ws.biasFn)
}

func (j *job[T]) bias(lo, hi int) {
	dy, db, o := j.x, j.y, j.o
	m := len(dy) / o
	for c := lo; c < hi; c++ {
		var s T
		for r := 0; r < m; r++ {
			s += dy[r*o+c]
		}
		db[c] = s
	}
}

// splitRows is the length of the parts that filterProduct cuts a long sum
// into. It is fixed, so that the result does not depend on the thread
// count.
const splitRows = 4096

// filterProduct sets dw (k×o) = colᵀ·dy over m rows. A small dw over many
// rows (a first layer's few taps and channels) is one tile of the GEMM,
// which would run on one thread: its sum is cut into parts of splitRows
// rows, computed in parallel and added in order. With few channels (o <
// 16) each part is computed transposed, dyᵀ·col, which the GEMM kernels
// run faster there and which gives the same bits: the same products in
// the same order.
func filterProduct[T Float](ws *Workspace[T], k, o, m int, col, dy, dw []T) {
	if !splitsFilter(k, o, m) {
		mm(true, false, k, o, m, col, k, dy, o, 0, dw, o)
		return
	}
	parts := (m + splitRows - 1) / splitRows
	ws.part = grow(ws.part, parts*k*o)
	ws.bind()
	trans := o < 16 && k > o
	ws.j = job[T]{col: col, y: dy, dx: ws.part[:parts*k*o], g: k, o: o, r1: m, trans: trans}
	parallel.For(parts, 1, ws.splitFn)
	if !trans {
		copy(dw[:k*o], ws.part[:k*o])
		for c := 1; c < parts; c++ {
			addTo(dw[:k*o], ws.part[c*k*o:(c+1)*k*o])
		}
		return
	}
	// The parts are o×k: dw[t][oc] is the sum of their [oc][t] in order.
	for t := 0; t < k; t++ {
		for oc := 0; oc < o; oc++ {
			v := ws.part[oc*k+t]
			for c := 1; c < parts; c++ {
				v += ws.part[c*k*o+oc*k+t]
			}
			dw[t*o+oc] = v
		}
	}
}

// splitsFilter reports whether filterProduct sums a k×o filter gradient
// over m rows in parallel parts (a small dw over many rows) rather than in
// one product.
func splitsFilter(k, o, m int) bool { return k*o <= 4096 && m > splitRows }

// split computes parts [lo, hi) of filterProduct into j.dx, transposed
// when j.trans is set.
func (j *job[T]) split(lo, hi int) {
	k, o, m := j.g, j.o, j.r1
	for c := lo; c < hi; c++ {
		r0 := c * splitRows
		rows := min(splitRows, m-r0)
		if j.trans {
			mm(true, false, o, k, rows, j.y[r0*o:], o, j.col[r0*k:], k, 0, j.dx[c*k*o:], k)
		} else {
			mm(true, false, k, o, rows, j.col[r0*k:], k, j.y[r0*o:], o, 0, j.dx[c*k*o:], o)
		}
	}
}
