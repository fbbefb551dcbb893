package tensor

import (
	"math"

	"github.com/tensorgo/tensorgo/internal/vec"
)

// Softmax returns exp(x) / sum(exp(x)) along axis (-1 is the last, as
// tf.nn.softmax's default). The maximum along the axis is subtracted first,
// so large logits do not overflow.
func Softmax(x *Tensor, axis int) *Tensor {
	dst := New(x.dtype, x.shape...)
	softmaxRun("Softmax", false, dst, x, axis)
	return dst
}

// SoftmaxInto is Softmax writing into dst (x's dtype and shape; it may be x).
// It does not allocate.
func SoftmaxInto(dst, x *Tensor, axis int) { softmaxRun("Softmax", false, dst, x, axis) }

// LogSoftmax returns x - log(sum(exp(x))) along axis, computed stably.
func LogSoftmax(x *Tensor, axis int) *Tensor {
	dst := New(x.dtype, x.shape...)
	softmaxRun("LogSoftmax", true, dst, x, axis)
	return dst
}

// LogSoftmaxInto is LogSoftmax writing into dst (x's dtype and shape; it may
// be x). It does not allocate.
func LogSoftmaxInto(dst, x *Tensor, axis int) { softmaxRun("LogSoftmax", true, dst, x, axis) }

func softmaxRun(name string, log bool, dst, x *Tensor, axis int) {
	if !x.dtype.IsFloat() {
		unsupported(name, x.dtype, floatTypes...)
	}
	if x.Rank() == 0 {
		panic(name + ": input is a scalar (want rank >= 1)")
	}
	axis = NormAxis(name, axis, x.Rank())
	checkDst(name, dst, x.dtype, x.shape)
	if x.Size() == 0 {
		return
	}
	var j job
	j.kind = jobSoftmax
	j.log = log
	j.dst = dst
	j.in[0] = x
	g := &j.red
	g.k1, g.r, g.k2 = axisSplit(x.shape, axis)
	if g.k2 == 1 {
		j.exec(g.k1, (grainMath+g.r-1)/g.r)
	} else {
		g.ncb = (g.k2 + colBlock - 1) / colBlock
		j.exec(g.k1*g.ncb, (grainMath+g.r*colBlock-1)/(g.r*colBlock))
	}
}

func softmaxDispatch(j *job, lo, hi int) {
	switch x := j.in[0].data.(type) {
	case []float32:
		softmaxRange(j.log, j.dst.data.([]float32), x, &j.red, lo, hi)
	case []float64:
		softmaxRange(j.log, j.dst.data.([]float64), x, &j.red, lo, hi)
	}
}

func softmaxRange[T Float](log bool, d, x []T, g *redGeom, lo, hi int) {
	r, k2 := g.r, g.k2
	if k2 == 1 {
		if isFloat32[T]() && r <= 32 {
			softmaxRowsF32(log, d[lo*r:hi*r], x[lo*r:hi*r], r)
			return
		}
		for i := lo; i < hi; i++ {
			softmaxRow(log, d[i*r:i*r+r], x[i*r:i*r+r])
		}
		return
	}
	var mb [colBlock]T
	var sb [colBlock]float64
	for u := lo; u < hi; u++ {
		a, cb := u/g.ncb, u%g.ncb
		c0 := cb * colBlock
		c1 := min(c0+colBlock, k2)
		w := c1 - c0
		base := a*r*k2 + c0
		m, s := mb[:w], sb[:w]
		copy(m, x[base:base+w])
		for b := 1; b < r; b++ {
			row := x[base+b*k2 : base+b*k2+w]
			row = row[:len(m)]
			for i, v := range row {
				m[i] = max(m[i], v)
			}
		}
		for i := range s {
			s[i] = 0
		}
		for b := 0; b < r; b++ {
			row := x[base+b*k2 : base+b*k2+w]
			out := d[base+b*k2 : base+b*k2+w]
			row, out = row[:len(m)], out[:len(m)]
			for i, v := range row {
				e := math.Exp(float64(v - m[i]))
				s[i] += e
				if !log {
					out[i] = T(e)
				}
			}
		}
		for b := 0; b < r; b++ {
			row := x[base+b*k2 : base+b*k2+w]
			out := d[base+b*k2 : base+b*k2+w]
			row, out = row[:len(m)], out[:len(m)]
			if log {
				for i, v := range row {
					out[i] = T(float64(v-m[i]) - math.Log(s[i]))
				}
			} else {
				for i := range out {
					out[i] = T(float64(out[i]) / s[i])
				}
			}
		}
	}
}

func softmaxRow[T Float](log bool, d, x []T) {
	if isFloat32[T]() {
		softmaxRowF32(log, d, x)
		return
	}
	d = d[:len(x)]
	m := rowMax(x)
	s := 0.0
	for i, v := range x {
		e := math.Exp(float64(v - m))
		if !log {
			d[i] = T(e)
		}
		s += e
	}
	softmaxFinish(log, d, x, m, s)
}

// softmaxRowF32 is softmaxRow with the float32-accurate expf.
func softmaxRowF32[T Float](log bool, d, x []T) {
	d = d[:len(x)]
	m := rowMax(x)
	// The exponentials a block at a time, in vector registers; the sum
	// adds them in order.
	var buf [64]float64
	s := 0.0
	for c0 := 0; c0 < len(x); c0 += len(buf) {
		xs := x[c0:min(len(x), c0+len(buf))]
		e := buf[:len(xs)]
		for i, v := range xs {
			e[i] = float64(v - m)
		}
		vec.Exp64s(e, e)
		s = addExps(log, d[c0:], e, s)
	}
	softmaxFinish(log, d, x, m, s)
}

// softmaxRowsF32 is softmaxRowF32 over consecutive rows of r ≤ 32 values,
// with one call of Exp64s for as many rows as its buffer holds: an MLP's
// 10-class outputs spent most of their time in the calls. Each row gets
// softmaxRowF32's values, sums and order; x may be d.
func softmaxRowsF32[T Float](log bool, d, x []T, r int) {
	var buf [64]float64
	var ms [64]T
	g := len(buf) / r * r
	for i0 := 0; i0 < len(x); i0 += g {
		xs := x[i0:min(len(x), i0+g)]
		e := buf[:len(xs)]
		rows := len(xs) / r
		for q := range rows {
			row := xs[q*r : q*r+r]
			m := rowMax(row)
			ms[q] = m
			es := e[q*r : q*r+r]
			for i, v := range row {
				es[i] = float64(v - m)
			}
		}
		vec.Exp64s(e, e)
		for q := range rows {
			out := d[i0+q*r : i0+q*r+r]
			s := addExps(log, out, e[q*r:q*r+r], 0)
			softmaxFinish(log, out, xs[q*r:q*r+r], ms[q], s)
		}
	}
}

// rowMax is the largest value of a non-empty row.
func rowMax[T Float](x []T) T {
	m := x[0]
	for _, v := range x {
		m = max(m, v)
	}
	return m
}

// addExps adds a row's exponentials e to its sum s, in order, and stores
// them in d unless log.
func addExps[T Float](log bool, d []T, e []float64, s float64) float64 {
	d = d[:len(e)]
	for i, v := range e {
		if !log {
			d[i] = T(v)
		}
		s += v
	}
	return s
}

// softmaxFinish ends a row of max m whose exponentials sum to s: d holds
// them (rounded to T) and is divided by s, or, for log, is set to
// x - m - log(s).
func softmaxFinish[T Float](log bool, d, x []T, m T, s float64) {
	if log {
		ls := math.Log(s)
		for i, v := range x {
			d[i] = T(float64(v-m) - ls)
		}
		return
	}
	inv := 1 / s
	for i, v := range d[:len(x)] {
		d[i] = T(float64(v) * inv)
	}
}
