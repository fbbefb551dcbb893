package rnn

import (
	"fmt"
	"strconv"
	"strings"

	"github.com/tensorgo/tensorgo/internal/gemm"
)

// Float is the element type of the kernels: float32 or float64.
type Float interface{ float32 | float64 }

// Weights are a layer's parameters, in Keras's layouts (see the package
// doc). Bias is nil when the Spec has no bias. In Backward, a Weights value
// names the parameters and a Grads value receives their gradients.
type Weights[T Float] struct {
	Kernel    []T // (features, gates·units)
	Recurrent []T // (units, gates·units)
	Bias      []T // (gates·units), or (2, 3·units) for GRU with ResetAfter
}

// Input is one batch of sequences and the initial states.
type Input[T Float] struct {
	Batch, Steps int
	X            []T    // (batch, steps, features)
	Mask         []bool // (batch, steps), true where a step is kept; nil keeps all
	H0           []T    // (batch, units); nil starts from zeros
	C0           []T    // (batch, units), LSTM only; nil starts from zeros
	// RecurrentMask is recurrent dropout (Keras's recurrent_dropout), nil
	// for none: (batch, gates·units), already scaled (0 or 1/(1−rate)).
	// Block g multiplies h_{t-1} in gate g's recurrent product at every
	// step: z_g = x_t·W_g + (h_{t-1}⊙M_g)·U_g + b_g, and for GRU without
	// ResetAfter the candidate's (r⊙h_{t-1}⊙M_h)·U_h. GRU's update
	// z·h_{t-1} uses h_{t-1} itself, as Keras's cell does.
	RecurrentMask []T
	// InputMask is input dropout with one mask per gate, nil for none:
	// (batch, gates·features), already scaled. Block g multiplies x_t in
	// gate g's input product: z_g = (x_t⊙M_g)·W_g + .... Keras's cells use
	// one per gate when recurrent_dropout is set too (implementation 1);
	// a single mask for all gates is cheaper applied to X itself.
	InputMask []T
}

// Output holds a layer's results: the outputs Y (Spec.OutputLen) and the
// final states H and C (batch, units; C for LSTM only). Forward writes the
// fields that are not nil. Backward reads an Output of gradients with
// respect to those results, where nil stands for zeros.
type Output[T Float] struct {
	Y, H, C []T
}

// Grads receives Backward's gradients: with respect to the inputs X
// (batch, steps, features), the weights (in the layouts of Weights) and the initial
// states H0 and C0 (batch, units). Backward overwrites the fields that are
// not nil and skips the others.
type Grads[T Float] struct {
	X                       []T
	Kernel, Recurrent, Bias []T
	H0, C0                  []T
}

type gemmFunc[T Float] func(transA, transB bool, m, n, k int, alpha T, a []T, lda int, b []T, ldb int, beta T, c []T, ldc int)

// Kernel runs one recurrent layer forward and backward. It owns scratch
// buffers, so it is not safe for concurrent use: give each goroutine its own.
type Kernel[T Float] struct {
	spec Spec
	gemm gemmFunc[T]

	// Scratch, grown to the largest batch and sequence seen.
	infer        []T   // the reserve of a Forward given none
	hLast, cLast []T   // (batch, units): the states after the last step
	rstep        []T   // (batch, 3·units): GRU ResetAfter's recurrent projection of one step
	dzx, dzh     []T   // (steps, batch, gates·units): pre-activation gradients, input and recurrent side
	dh, dhPrev   []T   // (batch, units): gradient with respect to h after and before a step
	dc, drh      []T   // (batch, units): LSTM's c gradient; GRU's gradient with respect to r·h_{t-1}
	first        []int // (batch): each sample's first kept step, in processed order
	hm, dhm      []T   // (batch, gates·units): recurrent dropout's masked h_{t-1} of a step, its gradient
	hmAll        []T   // (steps, batch, gates·units): the masked h_{t-1} of every step, for dU
	xs, dxs      []T   // (steps, batch, features): x and its gradient, step-major
	xm, dxm      []T   // (steps, batch, features): x⊙M_g of one gate under InputMask, and dz_g·W_gᵀ
	ut           []T   // (gates·units, units): the recurrent kernel transposed
	ones         []T   // (batch·steps) ones, for the bias gradient's column sums

	// The call in progress, read by the row passes that internal/parallel runs.
	cur call[T]
	// Row passes bound once, so that handing them to the pool does not allocate.
	fwdFn, bwdFn, fwd2Fn, bwd2Fn func(lo, hi int)
}

// call is the state of the Forward or Backward in progress.
type call[T Float] struct {
	batch, steps int
	s, tau, next int // processed step, its input step, the next step's input step (−1 after the last)
	mask         []bool
	rmask        []T // the recurrent dropout mask, or nil
	bias         []T
	res          []T
	resView[T]
	y, dy []T
}

// resView is the reserve cut into its parts, each (steps, batch, ·):
// step-major, unlike x and the outputs, so that the rows of one step are
// contiguous for the step's GEMMs and row passes (see call.row).
type resView[T Float] struct {
	gates []T // gate activations, gates·units
	hprev []T // h before the step
	cprev []T // LSTM: c before the step
	tc    []T // LSTM: act(c) after the step
	aux   []T // GRU: h_{t-1}·U_h + b_rec (ResetAfter) or r·h_{t-1}
}

// New returns a Kernel for the layer s describes. It panics if s is not
// usable (unknown cell or activation, sizes below 1).
func New[T Float](s Spec) *Kernel[T] {
	s.check("rnn.New")
	k := &Kernel[T]{spec: s}
	var z T
	switch any(z).(type) {
	case float32:
		k.gemm = any(gemmFunc[float32](gemm.Sgemm)).(gemmFunc[T])
	default:
		k.gemm = any(gemmFunc[float64](gemm.Dgemm)).(gemmFunc[T])
	}
	k.fwdFn = k.forwardRows
	k.fwd2Fn = k.forwardRows2
	k.bwdFn = k.backwardRows
	k.bwd2Fn = k.backwardRows2
	return k
}

// Spec returns the layer's Spec.
func (k *Kernel[T]) Spec() Spec { return k.spec }

// grow returns buf resliced to n elements, reallocated only if too short.
func grow[T any](buf *[]T, n int) []T {
	if cap(*buf) < n {
		*buf = make([]T, n)
	}
	*buf = (*buf)[:n]
	return *buf
}

// view cuts a reserve for batch·steps rows into its parts.
func (k *Kernel[T]) view(res []T, rows int) resView[T] {
	u, w := k.spec.Units, k.spec.width()
	var v resView[T]
	off := 0
	take := func(n int) []T {
		p := res[off : off+rows*n]
		off += rows * n
		return p
	}
	v.gates = take(w)
	v.hprev = take(u)
	switch k.spec.Cell {
	case LSTM:
		v.cprev = take(u)
		v.tc = take(u)
	case GRU:
		v.aux = take(u)
	}
	return v
}

// needLen panics unless buf has exactly the elements of an array of shape
// dims; nil passes when nilOK. The message is built only on failure, so
// that a call that passes allocates nothing.
func needLen[T any](op, what string, buf []T, nilOK bool, dims ...int) {
	n := 1
	for _, d := range dims {
		n *= d
	}
	if (buf == nil && nilOK) || len(buf) == n {
		return
	}
	shape := ""
	if len(dims) > 1 {
		var sb strings.Builder
		sb.WriteString(" (")
		for i, d := range dims {
			if i > 0 {
				sb.WriteString(", ")
			}
			sb.WriteString(strconv.Itoa(d))
		}
		sb.WriteString(")")
		shape = sb.String()
	}
	panic(fmt.Sprintf("%s: %s%s has %d elements, want %d", op, what, shape, len(buf), n))
}

// checkCall panics unless the weights and the input fit the Spec.
func (k *Kernel[T]) checkCall(op string, w Weights[T], in Input[T]) {
	s := k.spec
	if in.Batch < 0 || in.Steps < 1 {
		panic(fmt.Sprintf("%s: %v with batch=%d steps=%d: want batch ≥ 0 and steps ≥ 1", op, s.Cell, in.Batch, in.Steps))
	}
	needLen(op, "kernel", w.Kernel, false, s.Features, s.width())
	needLen(op, "recurrent kernel", w.Recurrent, false, s.Units, s.width())
	if s.UseBias {
		needLen(op, "bias", w.Bias, false, s.BiasLen())
	} else if w.Bias != nil {
		panic(fmt.Sprintf("%s: %v without UseBias got a bias of %d elements", op, s.Cell, len(w.Bias)))
	}
	b, t := in.Batch, in.Steps
	needLen(op, "x", in.X, false, b, t, s.Features)
	needLen(op, "mask", in.Mask, true, b, t)
	needLen(op, "h0", in.H0, true, b, s.Units)
	needLen(op, "recurrent mask", in.RecurrentMask, true, b, s.width())
	needLen(op, "input mask", in.InputMask, true, b, s.Cell.Gates()*s.Features)
	if s.Cell == LSTM {
		needLen(op, "c0", in.C0, true, b, s.Units)
	} else if in.C0 != nil {
		panic(fmt.Sprintf("%s: %v has no cell state but got c0", op, s.Cell))
	}
}

// checkStates panics unless the Output's fields fit: Y the outputs, H and
// C the states. grad says whether they are gradients.
func (k *Kernel[T]) checkStates(op string, grad bool, o Output[T], batch, steps int) {
	s := k.spec
	y, h, c := "output y", "output h", "output c"
	if grad {
		y, h, c = "gradient of y", "gradient of h", "gradient of c"
	}
	if s.ReturnSequences {
		needLen(op, y, o.Y, true, batch, steps, s.Units)
	} else {
		needLen(op, y, o.Y, true, batch, s.Units)
	}
	needLen(op, h, o.H, true, batch, s.Units)
	if s.Cell == LSTM {
		needLen(op, c, o.C, true, batch, s.Units)
	} else if o.C != nil {
		panic(fmt.Sprintf("%s: %v has no cell state but got %s", op, s.Cell, c))
	}
}

// firstKept fills k.first with each sample's first kept step in processed
// order (steps when none is kept).
func (k *Kernel[T]) firstKept(in Input[T]) {
	first := grow(&k.first, in.Batch)
	for b := range first {
		first[b] = 0
		if in.Mask == nil {
			continue
		}
		first[b] = in.Steps
		for s := 0; s < in.Steps; s++ {
			if in.Mask[b*in.Steps+k.inputStep(s, in.Steps)] {
				first[b] = s
				break
			}
		}
	}
}

// inputStep returns the input step that processed step s reads.
func (k *Kernel[T]) inputStep(s, steps int) int {
	if k.spec.GoBackwards {
		return steps - 1 - s
	}
	return s
}

// maskH writes into k.hm, for every sample b and gate block g, the state
// before the current step times the recurrent dropout mask's block g.
func (k *Kernel[T]) maskH() {
	c := &k.cur
	u, wd, gates := k.spec.Units, k.spec.width(), k.spec.Cell.Gates()
	for b := 0; b < c.batch; b++ {
		r := c.row(b, c.tau)
		hp := c.hprev[r*u : (r+1)*u]
		for g := 0; g < gates; g++ {
			m := c.rmask[b*wd+g*u : b*wd+(g+1)*u]
			dst := k.hm[b*wd+g*u : b*wd+(g+1)*u]
			for j := range dst {
				dst[j] = hp[j] * m[j]
			}
		}
	}
}

// onesOf returns n ones, from a buffer filled once per growth.
func (k *Kernel[T]) onesOf(n int) []T {
	if cap(k.ones) < n {
		k.ones = make([]T, n)
		for i := range k.ones {
			k.ones[i] = 1
		}
	}
	return k.ones[:n]
}

// row returns the row of sample b at input step t in the reserve and the
// gradient buffers, which are step-major.
func (c *call[T]) row(b, t int) int { return t*c.batch + b }

// stepMajorX returns the input x as (steps, batch, features): x itself
// when one of the two is 1, else a copy in k.xs.
func (k *Kernel[T]) stepMajorX(in Input[T]) []T {
	nb, ns, nf := in.Batch, in.Steps, k.spec.Features
	if nb == 1 || ns == 1 {
		return in.X
	}
	xs := grow(&k.xs, nb*ns*nf)
	for b := 0; b < nb; b++ {
		for t := 0; t < ns; t++ {
			copy(xs[(t*nb+b)*nf:(t*nb+b+1)*nf], in.X[(b*ns+t)*nf:(b*ns+t+1)*nf])
		}
	}
	return xs
}

// maskedX writes into k.xm the step-major x times the input mask's block
// g, each row by its sample's mask.
func (k *Kernel[T]) maskedX(xs, mask []T, nb, g int) []T {
	nf, gates := k.spec.Features, k.spec.Cell.Gates()
	xm := grow(&k.xm, len(xs))
	for r := 0; r < len(xs)/nf; r++ {
		m := mask[(r%nb)*gates*nf+g*nf:][:nf]
		x, out := xs[r*nf:(r+1)*nf], xm[r*nf:(r+1)*nf]
		for f := range out {
			out[f] = x[f] * m[f]
		}
	}
	return xm
}

// batchMajor copies src (steps, batch, n) into dst (batch, steps, n).
func batchMajor[T Float](dst, src []T, nb, ns, n int) {
	for b := 0; b < nb; b++ {
		for t := 0; t < ns; t++ {
			copy(dst[(b*ns+t)*n:(b*ns+t+1)*n], src[(t*nb+b)*n:(t*nb+b+1)*n])
		}
	}
}

// grain is how many rows of a row pass make a chunk worth a thread.
func (k *Kernel[T]) grain() int {
	g := 4096 / k.spec.width()
	if g < 1 {
		g = 1
	}
	return g
}
