package tensor

import (
	"math"

	"github.com/tensorgo/tensorgo/internal/vec"
)

// Elementwise loops. Each loop is written once over the element type; the op
// switch sits outside the loops so every inner loop is a plain range loop
// over equal-length slices (bounds checks eliminated).

// bufLen is the length of the stack buffer a broadcast scalar is expanded
// into, so that scalar and vector operands share the vector-vector loops.
const bufLen = 64

func unaryDispatch(j *job, lo, hi int) {
	op := j.uop
	switch d := j.dst.data.(type) {
	case []float32:
		unaryLoop(op, d[lo:hi], j.in[0].data.([]float32)[lo:hi])
	case []float64:
		unaryLoop(op, d[lo:hi], j.in[0].data.([]float64)[lo:hi])
	case []int32:
		unaryLoop(op, d[lo:hi], j.in[0].data.([]int32)[lo:hi])
	case []int64:
		unaryLoop(op, d[lo:hi], j.in[0].data.([]int64)[lo:hi])
	case []uint8:
		unaryLoop(op, d[lo:hi], j.in[0].data.([]uint8)[lo:hi])
	case []bool:
		x := j.in[0].data.([]bool)[lo:hi]
		d = d[lo:hi]
		if op == OpIdentity {
			copy(d, x)
			return
		}
		x = x[:len(d)]
		for i, v := range x {
			d[i] = !v
		}
	}
}

const (
	seluScale = 1.0507009873554804934193349852946
	seluAlpha = 1.6732632423543772848170429916717
)

func sigmoid64(v float64) float64 {
	if v >= 0 {
		return 1 / (1 + math.Exp(-v))
	}
	z := math.Exp(v)
	return z / (1 + z)
}

// tanh64 is tanh through one math.Exp (assembly on amd64), about twice as
// fast as math.Tanh; near zero, where 1-2/(e^2x+1) would cancel, a Taylor
// polynomial keeps it accurate to a few ulps.
func tanh64(v float64) float64 {
	if a := math.Abs(v); a < 0.03 {
		v2 := v * v
		return v * (1 + float64(v2*(-1.0/3+float64(v2*(2.0/15+float64(v2*(-17.0/315)))))))
	} else if a > 20 {
		return math.Copysign(1, v)
	}
	return 1 - 2/(math.Exp(2*v)+1)
}

// sigmoidf is the float32 sigmoid through expf (Swish uses it; Sigmoid and
// Tanh use internal/vec).
func sigmoidf(v float64) float64 {
	if v >= 0 {
		return 1 / (1 + expf(-v))
	}
	z := expf(v)
	return z / (1 + z)
}

func softplus64(v float64) float64 {
	return max(v, 0) + math.Log1p(math.Exp(-math.Abs(v)))
}

func unaryLoop[T Number](op UnaryOp, d, x []T) {
	d = d[:len(x)]
	isF := isFloat[T]()
	switch op {
	case OpNeg:
		for i, v := range x {
			d[i] = -v
		}
	case OpAbs:
		if isF {
			for i, v := range x {
				d[i] = T(math.Abs(float64(v)))
			}
			return
		}
		for i, v := range x {
			if v < 0 {
				v = -v
			}
			d[i] = v
		}
	case OpSign:
		one := T(1)
		for i, v := range x {
			switch {
			case v > 0:
				d[i] = one
			case v < 0:
				d[i] = -one
			default:
				d[i] = v // 0 (or NaN) stays
			}
		}
	case OpSquare:
		for i, v := range x {
			d[i] = v * v
		}
	case OpRelu:
		if d32, ok := any(d).([]float32); ok {
			vec.ReluTo(d32, any(x).([]float32)) // the vector loop
			return
		}
		for i, v := range x {
			d[i] = max(v, 0) // branch-free: signs of activations are unpredictable
		}
	case OpRelu6:
		for i, v := range x {
			d[i] = min(max(v, 0), 6)
		}
	case OpIdentity:
		copy(d, x)
	case OpExp:
		if isFloat32[T]() {
			var buf [256]float64
			for c0 := 0; c0 < len(x); c0 += len(buf) {
				xs := x[c0:min(len(x), c0+len(buf))]
				e := buf[:len(xs)]
				for i, v := range xs {
					e[i] = float64(v)
				}
				vec.Exp64s(e, e)
				for i, v := range e {
					d[c0+i] = T(v)
				}
			}
			return
		}
		for i, v := range x {
			d[i] = T(math.Exp(float64(v)))
		}
	case OpLog:
		for i, v := range x {
			d[i] = T(math.Log(float64(v)))
		}
	case OpLog1p:
		for i, v := range x {
			d[i] = T(math.Log1p(float64(v)))
		}
	case OpExpm1:
		for i, v := range x {
			d[i] = T(math.Expm1(float64(v)))
		}
	case OpSqrt:
		for i, v := range x {
			d[i] = T(math.Sqrt(float64(v)))
		}
	case OpRsqrt:
		for i, v := range x {
			d[i] = T(1 / math.Sqrt(float64(v)))
		}
	case OpReciprocal:
		for i, v := range x {
			d[i] = 1 / v
		}
	case OpFloor:
		for i, v := range x {
			d[i] = T(math.Floor(float64(v)))
		}
	case OpCeil:
		for i, v := range x {
			d[i] = T(math.Ceil(float64(v)))
		}
	case OpRound:
		for i, v := range x {
			d[i] = T(math.RoundToEven(float64(v)))
		}
	case OpSin:
		for i, v := range x {
			d[i] = T(math.Sin(float64(v)))
		}
	case OpCos:
		for i, v := range x {
			d[i] = T(math.Cos(float64(v)))
		}
	case OpTan:
		for i, v := range x {
			d[i] = T(math.Tan(float64(v)))
		}
	case OpTanh:
		if d32, ok := any(d).([]float32); ok {
			// internal/vec's polynomial, eight lanes at a time.
			copy(d32, any(x).([]float32))
			vec.Tanh(d32)
			return
		}
		for i, v := range x {
			d[i] = T(tanh64(float64(v)))
		}
	case OpSigmoid:
		if d32, ok := any(d).([]float32); ok {
			copy(d32, any(x).([]float32))
			vec.Sigmoid(d32)
			return
		}
		for i, v := range x {
			d[i] = T(sigmoid64(float64(v)))
		}
	case OpLogSigmoid:
		for i, v := range x {
			d[i] = T(-softplus64(-float64(v)))
		}
	case OpSoftplus:
		for i, v := range x {
			d[i] = T(softplus64(float64(v)))
		}
	case OpSoftsign:
		for i, v := range x {
			f := float64(v)
			d[i] = T(f / (1 + math.Abs(f)))
		}
	case OpElu:
		for i, v := range x {
			if v <= 0 {
				v = T(math.Expm1(float64(v)))
			}
			d[i] = v
		}
	case OpSelu:
		for i, v := range x {
			f := float64(v)
			if f > 0 {
				d[i] = T(seluScale * f)
			} else {
				d[i] = T(seluScale * seluAlpha * math.Expm1(f))
			}
		}
	case OpSwish:
		if isFloat32[T]() {
			for i, v := range x {
				f := float64(v)
				d[i] = T(f * sigmoidf(f))
			}
			return
		}
		for i, v := range x {
			f := float64(v)
			d[i] = T(f * sigmoid64(f))
		}
	case OpGelu:
		for i, v := range x {
			f := float64(v)
			d[i] = T(0.5 * f * (1 + math.Erf(f/math.Sqrt2)))
		}
	case OpErf:
		for i, v := range x {
			d[i] = T(math.Erf(float64(v)))
		}
	case OpHardSigmoid:
		for i, v := range x {
			d[i] = T(min(max(float64(0.2*float64(v))+0.5, 0), 1))
		}
	}
}

func binaryDispatch(j *job, lo, hi int) {
	op, g := j.bop, &j.geo
	if op.IsComparison() {
		d := j.dst.data.([]bool)
		switch a := j.in[0].data.(type) {
		case []float32:
			cmpRange(op, d, a, j.in[1].data.([]float32), g, lo, hi)
		case []float64:
			cmpRange(op, d, a, j.in[1].data.([]float64), g, lo, hi)
		case []int32:
			cmpRange(op, d, a, j.in[1].data.([]int32), g, lo, hi)
		case []int64:
			cmpRange(op, d, a, j.in[1].data.([]int64), g, lo, hi)
		case []uint8:
			cmpRange(op, d, a, j.in[1].data.([]uint8), g, lo, hi)
		case []bool:
			boolRange(op, d, a, j.in[1].data.([]bool), g, lo, hi)
		}
		return
	}
	switch d := j.dst.data.(type) {
	case []float32:
		arithRange(op, d, j.in[0].data.([]float32), j.in[1].data.([]float32), g, lo, hi)
	case []float64:
		arithRange(op, d, j.in[0].data.([]float64), j.in[1].data.([]float64), g, lo, hi)
	case []int32:
		arithRange(op, d, j.in[0].data.([]int32), j.in[1].data.([]int32), g, lo, hi)
	case []int64:
		arithRange(op, d, j.in[0].data.([]int64), j.in[1].data.([]int64), g, lo, hi)
	case []uint8:
		arithRange(op, d, j.in[0].data.([]uint8), j.in[1].data.([]uint8), g, lo, hi)
	case []bool:
		boolRange(op, d, j.in[0].data.([]bool), j.in[1].data.([]bool), g, lo, hi)
	}
}

// arithRange applies an arithmetic op over output positions [lo, hi) run by
// run. A broadcast scalar operand is expanded into a stack buffer so that
// arithVV only ever sees equal-length slices. (cmpRange below is the same
// loop for comparisons; they are two functions, not one taking the vector
// kernel as a func value, because a func value would make the buffer escape
// to the heap.)
func arithRange[T Number](op BinaryOp, d, a, b []T, g *geometry, lo, hi int) {
	_, sa, sb, _ := g.inner()
	var c cursor
	c.start(g, lo)
	var buf [bufLen]T
	fOff, fN := -1, 0 // which scalar buf holds, and how many copies
	for c.pos < hi {
		n := c.run(g, hi)
		od, oa, ob := c.off[0], c.off[1], c.off[2]
		dd := d[od : od+n]
		switch {
		case sa != 0 && sb != 0:
			arithVV(op, dd, a[oa:oa+n], b[ob:ob+n])
		case sa != 0:
			fillBuf(&buf, b[ob], n, ob, &fOff, &fN)
			for k := 0; k < n; k += bufLen {
				m := min(bufLen, n-k)
				arithVV(op, dd[k:k+m], a[oa+k:oa+k+m], buf[:m])
			}
		case sb != 0:
			fillBuf(&buf, a[oa], n, oa, &fOff, &fN)
			for k := 0; k < n; k += bufLen {
				m := min(bufLen, n-k)
				arithVV(op, dd[k:k+m], buf[:m], b[ob+k:ob+k+m])
			}
		default:
			arithVV(op, dd[:1], a[oa:oa+1], b[ob:ob+1])
			for k := 1; k < n; k++ {
				dd[k] = dd[0]
			}
		}
		c.advance(g, n)
	}
}

func cmpRange[T Number](op BinaryOp, d []bool, a, b []T, g *geometry, lo, hi int) {
	_, sa, sb, _ := g.inner()
	var c cursor
	c.start(g, lo)
	var buf [bufLen]T
	fOff, fN := -1, 0
	for c.pos < hi {
		n := c.run(g, hi)
		od, oa, ob := c.off[0], c.off[1], c.off[2]
		dd := d[od : od+n]
		switch {
		case sa != 0 && sb != 0:
			cmpVV(op, dd, a[oa:oa+n], b[ob:ob+n])
		case sa != 0:
			fillBuf(&buf, b[ob], n, ob, &fOff, &fN)
			for k := 0; k < n; k += bufLen {
				m := min(bufLen, n-k)
				cmpVV(op, dd[k:k+m], a[oa+k:oa+k+m], buf[:m])
			}
		case sb != 0:
			fillBuf(&buf, a[oa], n, oa, &fOff, &fN)
			for k := 0; k < n; k += bufLen {
				m := min(bufLen, n-k)
				cmpVV(op, dd[k:k+m], buf[:m], b[ob+k:ob+k+m])
			}
		default:
			cmpVV(op, dd[:1], a[oa:oa+1], b[ob:ob+1])
			for k := 1; k < n; k++ {
				dd[k] = dd[0]
			}
		}
		c.advance(g, n)
	}
}

// boolRange handles the Bool ops; broadcast operands are read with stride 0.
func boolRange(op BinaryOp, d, a, b []bool, g *geometry, lo, hi int) {
	_, sa, sb, _ := g.inner()
	var c cursor
	c.start(g, lo)
	for c.pos < hi {
		n := c.run(g, hi)
		od, oa, ob := c.off[0], c.off[1], c.off[2]
		if sa != 0 && sb != 0 {
			boolVV(op, d[od:od+n], a[oa:oa+n], b[ob:ob+n])
		} else {
			for k := 0; k < n; k++ {
				boolVV(op, d[od+k:od+k+1], a[oa+k*sa:oa+k*sa+1], b[ob+k*sb:ob+k*sb+1])
			}
		}
		c.advance(g, n)
	}
}

// fillBuf puts v in buf[:min(n, bufLen)] unless it is already there: a
// (1,)-shaped operand repeats the same scalar for every run.
func fillBuf[T any](buf *[bufLen]T, v T, n, off int, fOff, fN *int) {
	m := min(n, bufLen)
	if *fOff == off && *fN >= m {
		return
	}
	for i := range buf[:m] {
		buf[i] = v
	}
	*fOff, *fN = off, m
}

func arithVV[T Number](op BinaryOp, d, a, b []T) {
	a = a[:len(d)]
	b = b[:len(d)]
	if op == OpReluGrad {
		if d32, ok := any(d).([]float32); ok {
			// The vector loop: a branch per element mispredicts half the
			// time on a ReLU's inputs.
			vec.ReluGrad(d32, any(a).([]float32), any(b).([]float32))
			return
		}
	}
	switch op {
	case OpAdd:
		for i := range d {
			d[i] = a[i] + b[i]
		}
	case OpSub:
		for i := range d {
			d[i] = a[i] - b[i]
		}
	case OpMul:
		for i := range d {
			d[i] = a[i] * b[i]
		}
	case OpDiv:
		for i := range d {
			d[i] = a[i] / b[i]
		}
	case OpFloorDiv:
		if isFloat[T]() {
			for i := range d {
				d[i] = T(math.Floor(float64(a[i]) / float64(b[i])))
			}
			return
		}
		for i := range d {
			d[i] = T(floorDivInt(int64(a[i]), int64(b[i])))
		}
	case OpFloorMod:
		if isFloat[T]() {
			for i := range d {
				d[i] = T(floorModFloat(float64(a[i]), float64(b[i])))
			}
			return
		}
		for i := range d {
			d[i] = T(floorModInt(int64(a[i]), int64(b[i])))
		}
	case OpPow:
		if isFloat[T]() {
			for i := range d {
				d[i] = T(math.Pow(float64(a[i]), float64(b[i])))
			}
			return
		}
		for i := range d {
			d[i] = T(powInt(int64(a[i]), int64(b[i])))
		}
	case OpMaximum:
		for i := range d {
			d[i] = max(a[i], b[i])
		}
	case OpMinimum:
		for i := range d {
			d[i] = min(a[i], b[i])
		}
	case OpSquaredDifference:
		for i := range d {
			v := a[i] - b[i]
			d[i] = v * v
		}
	case OpDivNoNan:
		for i := range d {
			if b[i] == 0 {
				d[i] = 0
			} else {
				d[i] = a[i] / b[i]
			}
		}
	case OpReluGrad:
		for i := range d {
			if b[i] > 0 {
				d[i] = a[i]
			} else {
				d[i] = 0
			}
		}
	case OpSigmoidGrad:
		for i := range d {
			y := a[i]
			d[i] = b[i] * y * (1 - y)
		}
	case OpTanhGrad:
		for i := range d {
			y := a[i]
			d[i] = b[i] * (1 - T(y*y)) // T(): no fused multiply-add, whatever the build
		}
	}
}

func floorDivInt(a, b int64) int64 {
	q := a / b
	if (a%b != 0) && ((a < 0) != (b < 0)) {
		q--
	}
	return q
}

func floorModInt(a, b int64) int64 {
	r := a % b
	if r != 0 && (r < 0) != (b < 0) {
		r += b
	}
	return r
}

func floorModFloat(a, b float64) float64 {
	r := math.Mod(a, b)
	if r != 0 && (r < 0) != (b < 0) {
		r += b
	}
	return r
}

func powInt(a, e int64) int64 {
	r := int64(1)
	for e > 0 {
		if e&1 != 0 {
			r *= a
		}
		a *= a
		e >>= 1
	}
	return r
}

func cmpVV[T Number](op BinaryOp, d []bool, a, b []T) {
	a = a[:len(d)]
	b = b[:len(d)]
	switch op {
	case OpEqual:
		for i := range d {
			d[i] = a[i] == b[i]
		}
	case OpNotEqual:
		for i := range d {
			d[i] = a[i] != b[i]
		}
	case OpLess:
		for i := range d {
			d[i] = a[i] < b[i]
		}
	case OpLessEqual:
		for i := range d {
			d[i] = a[i] <= b[i]
		}
	case OpGreater:
		for i := range d {
			d[i] = a[i] > b[i]
		}
	case OpGreaterEqual:
		for i := range d {
			d[i] = a[i] >= b[i]
		}
	}
}

func boolVV(op BinaryOp, d, a, b []bool) {
	a = a[:len(d)]
	b = b[:len(d)]
	switch op {
	case OpEqual:
		for i := range d {
			d[i] = a[i] == b[i]
		}
	case OpNotEqual, OpLogicalXor:
		for i := range d {
			d[i] = a[i] != b[i]
		}
	case OpLogicalAnd:
		for i := range d {
			d[i] = a[i] && b[i]
		}
	case OpLogicalOr:
		for i := range d {
			d[i] = a[i] || b[i]
		}
	}
}

func whereDispatch(j *job, lo, hi int) {
	c := j.in[0].data.([]bool)
	switch d := j.dst.data.(type) {
	case []float32:
		whereRange(d, c, j.in[1].data.([]float32), j.in[2].data.([]float32), &j.geo, lo, hi)
	case []float64:
		whereRange(d, c, j.in[1].data.([]float64), j.in[2].data.([]float64), &j.geo, lo, hi)
	case []int32:
		whereRange(d, c, j.in[1].data.([]int32), j.in[2].data.([]int32), &j.geo, lo, hi)
	case []int64:
		whereRange(d, c, j.in[1].data.([]int64), j.in[2].data.([]int64), &j.geo, lo, hi)
	case []uint8:
		whereRange(d, c, j.in[1].data.([]uint8), j.in[2].data.([]uint8), &j.geo, lo, hi)
	case []bool:
		whereRange(d, c, j.in[1].data.([]bool), j.in[2].data.([]bool), &j.geo, lo, hi)
	case []Float16Value:
		whereRange(d, c, j.in[1].data.([]Float16Value), j.in[2].data.([]Float16Value), &j.geo, lo, hi)
	case []BFloat16Value:
		whereRange(d, c, j.in[1].data.([]BFloat16Value), j.in[2].data.([]BFloat16Value), &j.geo, lo, hi)
	}
}

func whereRange[T Elem](d []T, cond []bool, a, b []T, g *geometry, lo, hi int) {
	_, sc, sa, sb := g.inner()
	var c cursor
	c.start(g, lo)
	for c.pos < hi {
		n := c.run(g, hi)
		od, oc, oa, ob := c.off[0], c.off[1], c.off[2], c.off[3]
		dd := d[od : od+n]
		if sc == 1 && sa == 1 && sb == 1 {
			cc, aa, bb := cond[oc:oc+n], a[oa:oa+n], b[ob:ob+n]
			for i := range dd {
				if cc[i] {
					dd[i] = aa[i]
				} else {
					dd[i] = bb[i]
				}
			}
		} else {
			for i := range dd {
				if cond[oc+i*sc] {
					dd[i] = a[oa+i*sa]
				} else {
					dd[i] = b[ob+i*sb]
				}
			}
		}
		c.advance(g, n)
	}
}

func clipDispatch(j *job, lo, hi int) {
	switch d := j.dst.data.(type) {
	case []float32:
		clipLoop(d[lo:hi], j.in[0].data.([]float32)[lo:hi], j.lo, j.hi)
	case []float64:
		clipLoop(d[lo:hi], j.in[0].data.([]float64)[lo:hi], j.lo, j.hi)
	case []int32:
		clipLoop(d[lo:hi], j.in[0].data.([]int32)[lo:hi], j.lo, j.hi)
	case []int64:
		clipLoop(d[lo:hi], j.in[0].data.([]int64)[lo:hi], j.lo, j.hi)
	case []uint8:
		clipLoop(d[lo:hi], j.in[0].data.([]uint8)[lo:hi], j.lo, j.hi)
	}
}

func clipLoop[T Number](d, x []T, lo, hi float64) {
	l, h := fromFloat[T](lo), fromFloat[T](hi)
	d = d[:len(x)]
	for i, v := range x {
		d[i] = min(max(v, l), h)
	}
}

// fromFloat converts v to T, saturating at T's range for integer types (a
// plain Go conversion of an out-of-range float is implementation-defined).
func fromFloat[T Number](v float64) T {
	if !isFloat[T]() {
		lo, hi := float64(lowest[T]()), float64(highest[T]())
		if v <= lo {
			return lowest[T]()
		}
		if v >= hi {
			return highest[T]()
		}
	}
	return T(v)
}
