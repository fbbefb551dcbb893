package kernels

import (
	"math"
	"sync"

	"github.com/tensorgo/tensorgo/internal/parallel"
	"github.com/tensorgo/tensorgo/tensor"
)

// updateGrain is the number of elements below which an update runs on the
// calling goroutine.
const updateGrain = 16384

// SGD: w -= lr*g.
func SGD[T tensor.Float](w, g []T, lr T) {
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

// Momentum is Keras's SGD with momentum: v = m*v - lr*g; w += v (Nesterov:
// w += m*v - lr*g).
func Momentum[T tensor.Float](w, v, g []T, lr, m T, nesterov bool) {
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

// Adagrad: acc += g^2; w -= lr*g/(sqrt(acc)+eps).
func Adagrad[T tensor.Float](w, acc, g []T, lr, eps T) {
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

// RMSProp is TensorFlow's RMSProp kernel: ms = rho*ms + (1-rho)g^2;
// (centered: mg = rho*mg + (1-rho)g, denominator ms - mg^2); step =
// lr*g/sqrt(denominator+eps); with momentum mom = m*mom + step, w -= mom.
// mom and mg may be nil.
func RMSProp[T tensor.Float](w, ms, mom, mg, g []T, lr, rho, m, eps T) {
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

// AdamUpdate: m = b1*m + (1-b1)g; v = b2*v + (1-b2)g^2; (AMSGrad: vh = max(vh, v));
// w -= lrt*m/(sqrt(v)+eps), lrt folding in the bias corrections. vh may be
// nil.
func AdamUpdate[T tensor.Float](w, m, v, vh, g []T, lrt, b1, b2, eps T) {
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
		AdamF32(j.w[lo:hi], j.m[lo:hi], j.v[lo:hi], j.g[lo:hi], j.lrt, j.b1, j.b2, j.eps)
	}
	return j
}}

// adamRange keeps the plain and AMSGrad loops apart so the hot one has no
// branch.
func adamRange[T tensor.Float](w, m, v, vh, g []T, lrt, b1, b2, eps T) {
	m, v, g = m[:len(w)], v[:len(w)], g[:len(w)]
	c1, c2 := 1-b1, 1-b2
	if w32, ok := any(w).([]float32); ok && vh == nil {
		AdamF32(w32, any(m).([]float32), any(v).([]float32), any(g).([]float32),
			float32(lrt), float32(b1), float32(b2), float32(eps))
		return
	}
	if vh == nil {
		Adam(w, m, v, g, lrt, b1, b2, eps)
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
