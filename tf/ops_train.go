package tf

import (
	"fmt"
	"math"
	"sync"

	"github.com/tensorgo/tensorgo/internal/parallel"
	"github.com/tensorgo/tensorgo/tensor"
	"github.com/tensorgo/tensorgo/tf/internal/kernels"
)

// Fused, in-place optimizer updates. Each is one op that reads the learning
// rate (and step) from scalar inputs at run time, so changing them needs no
// recompilation, and updates the variable and its slots in place without
// allocating. In eager mode they run at once.

const updateGrain = 16384

func init() {
	noOutputs := func(op *Operation, in []TensorSpec) []TensorSpec {
		v := op.variable
		g := in[len(in)-1]
		if g.DType != v.dtype || !unknownCompatible(g.Shape, v.shape) {
			shapePanic(op, in, "gradient does not match variable %s (%v %v)", v.name, v.dtype, v.shape)
		}
		return nil
	}
	reg := func(typ string, k func(op *Operation, in []*tensor.Tensor) error) {
		RegisterOp(&OpDef{Type: typ, Stateful: true, Infer: noOutputs,
			Kernel: func(op *Operation, in, out []*tensor.Tensor) error {
				if op.variable.value == nil {
					return &uninitializedError{op.variable}
				}
				for _, s := range op.a.vars {
					if s != nil && s.value == nil {
						return &uninitializedError{s}
					}
				}
				return k(op, in)
			}})
	}
	reg("ApplyGradientDescent", func(op *Operation, in []*tensor.Tensor) error {
		lr := in[0].Float(0)
		switch w := op.variable.value.Data().(type) {
		case []float32:
			sgd(w, in[1].Float32s(), float32(lr))
		case []float64:
			sgd(w, in[1].Float64s(), lr)
		default:
			return fmt.Errorf("unsupported dtype %v", op.variable.dtype)
		}
		return nil
	})
	reg("ApplyMomentum", func(op *Operation, in []*tensor.Tensor) error {
		lr, mom, nest := in[0].Float(0), op.a.fs[0], op.a.fs[1] != 0
		vel := op.a.vars[0].value
		switch w := op.variable.value.Data().(type) {
		case []float32:
			momentum(w, vel.Float32s(), in[1].Float32s(), float32(lr), float32(mom), nest)
		case []float64:
			momentum(w, vel.Float64s(), in[1].Float64s(), lr, mom, nest)
		default:
			return fmt.Errorf("unsupported dtype %v", op.variable.dtype)
		}
		return nil
	})
	reg("ApplyAdagrad", func(op *Operation, in []*tensor.Tensor) error {
		lr, eps := in[0].Float(0), op.a.fs[0]
		acc := op.a.vars[0].value
		switch w := op.variable.value.Data().(type) {
		case []float32:
			adagrad(w, acc.Float32s(), in[1].Float32s(), float32(lr), float32(eps))
		case []float64:
			adagrad(w, acc.Float64s(), in[1].Float64s(), lr, eps)
		default:
			return fmt.Errorf("unsupported dtype %v", op.variable.dtype)
		}
		return nil
	})
	reg("ApplyRMSProp", func(op *Operation, in []*tensor.Tensor) error {
		lr := in[0].Float(0)
		rho, mom, eps := op.a.fs[0], op.a.fs[1], op.a.fs[2]
		ms, mo, mg := op.a.vars[0].value, op.a.vars[1], op.a.vars[2]
		switch w := op.variable.value.Data().(type) {
		case []float32:
			var mgd, mod []float32
			if mg != nil {
				mgd = mg.value.Float32s()
			}
			if mo != nil {
				mod = mo.value.Float32s()
			}
			rmsprop(w, ms.Float32s(), mod, mgd, in[1].Float32s(), float32(lr), float32(rho), float32(mom), float32(eps))
		case []float64:
			var mgd, mod []float64
			if mg != nil {
				mgd = mg.value.Float64s()
			}
			if mo != nil {
				mod = mo.value.Float64s()
			}
			rmsprop(w, ms.Float64s(), mod, mgd, in[1].Float64s(), lr, rho, mom, eps)
		default:
			return fmt.Errorf("unsupported dtype %v", op.variable.dtype)
		}
		return nil
	})
	reg("ApplyAdam", func(op *Operation, in []*tensor.Tensor) error {
		lr, t := in[0].Float(0), in[1].Float(0)+1
		b1, b2, eps := op.a.fs[0], op.a.fs[1], op.a.fs[2]
		lrt := lr * math.Sqrt(1-math.Pow(b2, t)) / (1 - math.Pow(b1, t))
		m, v, vh := op.a.vars[0].value, op.a.vars[1].value, op.a.vars[2]
		switch w := op.variable.value.Data().(type) {
		case []float32:
			var vhd []float32
			if vh != nil {
				vhd = vh.value.Float32s()
			}
			adam(w, m.Float32s(), v.Float32s(), vhd, in[2].Float32s(), float32(lrt), float32(b1), float32(b2), float32(eps))
		case []float64:
			var vhd []float64
			if vh != nil {
				vhd = vh.value.Float64s()
			}
			adam(w, m.Float64s(), v.Float64s(), vhd, in[2].Float64s(), lrt, b1, b2, eps)
		default:
			return fmt.Errorf("unsupported dtype %v", op.variable.dtype)
		}
		return nil
	})
}

func sgd[T tensor.Float](w, g []T, lr T) {
	g = g[:len(w)]
	for i := range w {
		w[i] -= lr * g[i]
	}
}

// split runs fn over [0, n), on the pool when n is large. fn is built by
// the caller only in that case: a closure handed to the pool escapes and
// would cost an allocation per step, so small updates call their range
// function directly.
func split(n int) bool { return n >= updateGrain }

// momentum is Keras's SGD with momentum: v = m*v - lr*g; w += v (Nesterov:
// w += m*v - lr*g).
func momentum[T tensor.Float](w, v, g []T, lr, m T, nesterov bool) {
	if !split(len(w)) {
		momentumRange(w, v, g, lr, m, nesterov)
		return
	}
	parallel.For(len(w), updateGrain, func(lo, hi int) {
		momentumRange(w[lo:hi], v[lo:hi], g[lo:hi], lr, m, nesterov)
	})
}

func momentumRange[T tensor.Float](w, v, g []T, lr, m T, nesterov bool) {
	v, g = v[:len(w)], g[:len(w)]
	for i := range w {
		vi := m*v[i] - lr*g[i]
		v[i] = vi
		if nesterov {
			w[i] += m*vi - lr*g[i]
		} else {
			w[i] += vi
		}
	}
}

// adagrad: acc += g^2; w -= lr*g/(sqrt(acc)+eps).
func adagrad[T tensor.Float](w, acc, g []T, lr, eps T) {
	if !split(len(w)) {
		adagradRange(w, acc, g, lr, eps)
		return
	}
	parallel.For(len(w), updateGrain, func(lo, hi int) {
		adagradRange(w[lo:hi], acc[lo:hi], g[lo:hi], lr, eps)
	})
}

func adagradRange[T tensor.Float](w, acc, g []T, lr, eps T) {
	acc, g = acc[:len(w)], g[:len(w)]
	for i := range w {
		a := acc[i] + g[i]*g[i]
		acc[i] = a
		w[i] -= lr * g[i] / (T(math.Sqrt(float64(a))) + eps)
	}
}

// rmsprop is TensorFlow's RMSProp kernel: ms = rho*ms + (1-rho)g^2;
// (centered: mg = rho*mg + (1-rho)g, denominator ms - mg^2); step =
// lr*g/sqrt(denominator+eps); with momentum mom = m*mom + step, w -= mom.
// mom and mg may be nil.
func rmsprop[T tensor.Float](w, ms, mom, mg, g []T, lr, rho, m, eps T) {
	if !split(len(w)) {
		rmspropRange(w, ms, mom, mg, g, lr, rho, m, eps)
		return
	}
	parallel.For(len(w), updateGrain, func(lo, hi int) {
		var mo, mgr []T
		if mom != nil {
			mo = mom[lo:hi]
		}
		if mg != nil {
			mgr = mg[lo:hi]
		}
		rmspropRange(w[lo:hi], ms[lo:hi], mo, mgr, g[lo:hi], lr, rho, m, eps)
	})
}

func rmspropRange[T tensor.Float](w, ms, mom, mg, g []T, lr, rho, m, eps T) {
	ms, g = ms[:len(w)], g[:len(w)]
	for i := range w {
		gi := g[i]
		ms[i] = rho*ms[i] + (1-rho)*gi*gi
		den := ms[i]
		if mg != nil {
			mg[i] = rho*mg[i] + (1-rho)*gi
			den -= mg[i] * mg[i]
		}
		step := lr * gi / T(math.Sqrt(float64(den+eps)))
		if mom != nil {
			mom[i] = m*mom[i] + step
			step = mom[i]
		}
		w[i] -= step
	}
}

// adam: m = b1*m + (1-b1)g; v = b2*v + (1-b2)g^2; (AMSGrad: vh = max(vh, v));
// w -= lrt*m/(sqrt(v)+eps), lrt folding in the bias corrections. vh may be
// nil.
func adam[T tensor.Float](w, m, v, vh, g []T, lrt, b1, b2, eps T) {
	if !split(len(w)) {
		adamRange(w, m, v, vh, g, lrt, b1, b2, eps)
		return
	}
	if w32, ok := any(w).([]float32); ok && vh == nil {
		j := adamJobs.Get().(*adamJob)
		j.w, j.m, j.v, j.g = w32, any(m).([]float32), any(v).([]float32), any(g).([]float32)
		j.lrt, j.b1, j.b2, j.eps = float32(lrt), float32(b1), float32(b2), float32(eps)
		parallel.For(len(w), updateGrain, j.fn)
		*j = adamJob{fn: j.fn}
		adamJobs.Put(j)
		return
	}
	parallel.For(len(w), updateGrain, func(lo, hi int) {
		var h []T
		if vh != nil {
			h = vh[lo:hi]
		}
		adamRange(w[lo:hi], m[lo:hi], v[lo:hi], h, g[lo:hi], lrt, b1, b2, eps)
	})
}

// adamJob carries a float32 Adam update to the pool's workers; its fn is
// bound once, so a pooled job costs no allocation per step (the
// parameters of a Keras MLP step through here every batch).
type adamJob struct {
	w, m, v, g       []float32
	lrt, b1, b2, eps float32
	fn               func(lo, hi int)
}

var adamJobs = sync.Pool{New: func() any {
	j := new(adamJob)
	j.fn = func(lo, hi int) {
		kernels.AdamF32(j.w[lo:hi], j.m[lo:hi], j.v[lo:hi], j.g[lo:hi], j.lrt, j.b1, j.b2, j.eps)
	}
	return j
}}

// adamRange keeps the plain and AMSGrad loops apart so the hot one has no
// branch.
func adamRange[T tensor.Float](w, m, v, vh, g []T, lrt, b1, b2, eps T) {
	m, v, g = m[:len(w)], v[:len(w)], g[:len(w)]
	c1, c2 := 1-b1, 1-b2
	if w32, ok := any(w).([]float32); ok && vh == nil {
		kernels.AdamF32(w32, any(m).([]float32), any(v).([]float32), any(g).([]float32),
			float32(lrt), float32(b1), float32(b2), float32(eps))
		return
	}
	if vh == nil {
		kernels.Adam(w, m, v, g, lrt, b1, b2, eps)
		return
	}
	vh = vh[:len(w)]
	for i := range w {
		gi := g[i]
		mi := b1*m[i] + c1*gi
		vi := b2*v[i] + c2*gi*gi
		m[i], v[i] = mi, vi
		h := max(vh[i], vi)
		vh[i] = h
		w[i] -= lrt * mi / (T(math.Sqrt(float64(h))) + eps)
	}
}

func applyOp(typ string, v *Variable, a attrs, inputs ...*Tensor) *Operation {
	op := build(mustOp(typ), nil, inputs, a, v, nil)
	if op.graph == nil {
		runEager(op)
	}
	return op
}

// ApplyGradientDescent updates v -= lr*grad: an op in graph mode, at once in
// eager mode. lr is a scalar tensor (read at run time).
func ApplyGradientDescent(v *Variable, lr, grad *Tensor) *Operation {
	return applyOp("ApplyGradientDescent", v, attrs{}, lr, grad)
}

// ApplyMomentum is Keras's SGD with momentum (velocity slot vel).
func ApplyMomentum(v, vel *Variable, lr, grad *Tensor, momentum float64, nesterov bool) *Operation {
	n := 0.0
	if nesterov {
		n = 1
	}
	return applyOp("ApplyMomentum", v, attrs{fs: []float64{momentum, n}, vars: []*Variable{vel}}, lr, grad)
}

// ApplyAdagrad is Adagrad with accumulator slot acc.
func ApplyAdagrad(v, acc *Variable, lr, grad *Tensor, eps float64) *Operation {
	return applyOp("ApplyAdagrad", v, attrs{fs: []float64{eps}, vars: []*Variable{acc}}, lr, grad)
}

// ApplyRMSProp is RMSprop with slots ms, mom (nil without momentum) and mg
// (nil unless centered).
func ApplyRMSProp(v, ms, mom, mg *Variable, lr, grad *Tensor, rho, momentum, eps float64) *Operation {
	return applyOp("ApplyRMSProp", v, attrs{fs: []float64{rho, momentum, eps}, vars: []*Variable{ms, mom, mg}}, lr, grad)
}

// ApplyAdam is Adam with slots m, vel and vhat (nil unless AMSGrad); iter
// is the number of steps taken before this one.
func ApplyAdam(v, m, vel, vhat *Variable, lr, iter, grad *Tensor, beta1, beta2, eps float64) *Operation {
	return applyOp("ApplyAdam", v, attrs{fs: []float64{beta1, beta2, eps}, vars: []*Variable{m, vel, vhat}}, lr, iter, grad)
}
