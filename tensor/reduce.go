package tensor

import (
	"fmt"
	"math"

	"github.com/tensorgo/tensorgo/internal/vec"
)

// ReduceOp names a reduction over a set of axes. Reduce and ReduceInto apply
// one; Sum, Mean, ... are shorthands.
type ReduceOp uint8

// The reductions. Sum, Max, Min and Prod accept every numeric dtype; Mean
// too (integers divide with truncation, as tf.reduce_mean); LogSumExp is
// float only. Reducing an empty set of elements gives the op's identity (0,
// the lowest value, the highest value, 1; NaN for Mean, -Inf for LogSumExp).
const (
	OpSum ReduceOp = iota + 1
	OpMean
	OpMax
	OpMin
	OpProd
	OpLogSumExp
	numReduceOps
)

var reduceNames = [...]string{OpSum: "Sum", OpMean: "Mean", OpMax: "Max", OpMin: "Min", OpProd: "Prod", OpLogSumExp: "LogSumExp"}

// String returns the op's name ("Sum").
func (op ReduceOp) String() string {
	if op > 0 && op < numReduceOps {
		return reduceNames[op]
	}
	return fmt.Sprintf("ReduceOp(%d)", uint8(op))
}

// Supports reports whether op accepts tensors of dtype d.
func (op ReduceOp) Supports(d DType) bool {
	switch {
	case op == 0 || op >= numReduceOps:
		return false
	case op == OpLogSumExp:
		return d.IsFloat()
	}
	return d.IsFloat() || d.IsInteger()
}

// colBlock is the width of the column strips a leading-axis reduction
// accumulates on the stack.
const colBlock = 256

// redGeom views the input as (k1, r, k2) and reduces the middle axis. With
// k1 == k2 == 1 the whole tensor is reduced in fixed blocks whose partial
// results are combined in order, so the result does not depend on the number
// of threads.
type redGeom struct {
	k1, r, k2 int
	ncb       int // column strips per k1 (k2 > 1)
	block     int // elements per block (total reduction)
	nblocks   int
	partF     [maxBlocks]float64
	partI     [maxBlocks]int64
}

// A whole-tensor reduction uses at most maxBlocks blocks (so at most that
// many threads) of at least minBlockSize elements. The partials live in the
// job, which every op zeroes on its stack, so maxBlocks stays small.
const (
	maxBlocks    = 16
	minBlockSize = 8192
)

// reduceMask turns axes (nil = all) into a bit set, checking their range.
func reduceMask(op string, axes []int, rank int) uint64 {
	if rank > 64 {
		panic(fmt.Sprintf("%s: rank %d is more than 64", op, rank))
	}
	if axes == nil {
		return 1<<uint(rank) - 1
	}
	var m uint64
	for _, a := range axes {
		m |= 1 << uint(NormAxis(op, a, rank))
	}
	return m
}

// reducedShape is x's shape with the axes in mask removed (or set to 1).
func reducedShape(x Shape, mask uint64, keepDims bool) Shape {
	out := make(Shape, 0, len(x))
	for i, d := range x {
		switch {
		case mask&(1<<uint(i)) == 0:
			out = append(out, d)
		case keepDims:
			out = append(out, 1)
		}
	}
	return out
}

func checkReducedDst(op string, dst *Tensor, x *Tensor, mask uint64) {
	if dst.dtype != x.dtype {
		panic(fmt.Sprintf("%s: destination dtype is %v, want %v", op, dst.dtype, x.dtype))
	}
	ok := func(keep bool) bool {
		j := 0
		for i, d := range x.shape {
			red := mask&(1<<uint(i)) != 0
			if red && !keep {
				continue
			}
			if red {
				d = 1
			}
			if j >= len(dst.shape) || dst.shape[j] != d {
				return false
			}
			j++
		}
		return j == len(dst.shape)
	}
	if !ok(false) && !ok(true) {
		panic(fmt.Sprintf("%s: destination shape %v does not match reducing %v (axes mask %b)", op, dst.shape, x.shape, mask))
	}
}

// Reduce applies op over the given axes of x (nil means all; negative axes
// count from the end). With keepDims the reduced axes stay with size 1.
func Reduce(op ReduceOp, x *Tensor, axes []int, keepDims bool) *Tensor {
	checkReduceOp(op, x)
	mask := reduceMask(op.String(), axes, x.Rank())
	dst := New(x.dtype, reducedShape(x.shape, mask, keepDims)...)
	reduceRun(op, dst, x, mask)
	return dst
}

// ReduceInto is Reduce writing into dst, whose dtype is x's and whose shape
// is the result's with or without the kept dimensions. It does not allocate
// when the reduced axes are contiguous (a leading, a trailing or one middle
// group, after dropping size-1 dimensions) and x is not integer for Mean.
func ReduceInto(dst *Tensor, op ReduceOp, x *Tensor, axes []int) {
	checkReduceOp(op, x)
	mask := reduceMask(op.String(), axes, x.Rank())
	checkReducedDst(op.String(), dst, x, mask)
	reduceRun(op, dst, x, mask)
}

func checkReduceOp(op ReduceOp, x *Tensor) {
	if op == 0 || op >= numReduceOps {
		panic(fmt.Sprintf("Reduce: unknown op %d", uint8(op)))
	}
	if !op.Supports(x.dtype) {
		if op == OpLogSumExp {
			unsupported(op.String(), x.dtype, floatTypes...)
		}
		unsupported(op.String(), x.dtype, numberTypes...)
	}
}

// Sum adds the elements over axes (nil = all).
func Sum(x *Tensor, axes []int, keepDims bool) *Tensor { return Reduce(OpSum, x, axes, keepDims) }

// Mean averages the elements over axes (nil = all).
func Mean(x *Tensor, axes []int, keepDims bool) *Tensor { return Reduce(OpMean, x, axes, keepDims) }

// Max takes the largest element over axes (nil = all).
func Max(x *Tensor, axes []int, keepDims bool) *Tensor { return Reduce(OpMax, x, axes, keepDims) }

// Min takes the smallest element over axes (nil = all).
func Min(x *Tensor, axes []int, keepDims bool) *Tensor { return Reduce(OpMin, x, axes, keepDims) }

// Prod multiplies the elements over axes (nil = all).
func Prod(x *Tensor, axes []int, keepDims bool) *Tensor { return Reduce(OpProd, x, axes, keepDims) }

// LogSumExp returns log(sum(exp(x))) over axes (nil = all), computed without
// overflow by factoring out the maximum.
func LogSumExp(x *Tensor, axes []int, keepDims bool) *Tensor {
	return Reduce(OpLogSumExp, x, axes, keepDims)
}

// Any reports along axes (nil = all) whether any element of the Bool tensor
// x is true (tf.reduce_any).
func Any(x *Tensor, axes []int, keepDims bool) *Tensor {
	return boolReduce("Any", OpMax, x, axes, keepDims)
}

// All reports along axes (nil = all) whether every element of the Bool
// tensor x is true (tf.reduce_all).
func All(x *Tensor, axes []int, keepDims bool) *Tensor {
	return boolReduce("All", OpMin, x, axes, keepDims)
}

func boolReduce(name string, op ReduceOp, x *Tensor, axes []int, keepDims bool) *Tensor {
	if x.dtype != Bool {
		unsupported(name, x.dtype, boolTypes...)
	}
	mask := reduceMask(name, axes, x.Rank())
	u := New(Uint8, reducedShape(x.shape, mask, keepDims)...)
	reduceRun(op, u, Cast(x, Uint8), mask)
	return Cast(u, Bool)
}

// reduceRun reduces x over mask into dst (whose element count is the
// result's).
func reduceRun(op ReduceOp, dst, x *Tensor, mask uint64) {
	if op == OpMean && x.dtype.IsInteger() {
		// Accumulate in int64 so that, say, a uint8 image's mean does not
		// wrap; integer Mean is rare enough to afford the temporaries.
		s := New(Int64, dst.shape...)
		reduceRun(OpSum, s, Cast(x, Int64), mask)
		n := int64(1)
		for i, d := range x.shape {
			if mask&(1<<uint(i)) != 0 {
				n *= int64(d)
			}
		}
		if n == 0 {
			n = 1 // an empty mean of integers is 0
		}
		for i, v := range s.Int64s() {
			s.Int64s()[i] = v / n
		}
		castRun(dst, s)
		return
	}
	// Collapse x into kept / reduced groups, dropping size-1 dims.
	k1, r, k2 := 1, 1, 1
	stage := 0 // 0: leading kept, 1: reduced, 2: trailing kept, 3: more groups
	for i, d := range x.shape {
		if d == 1 || stage == 3 {
			continue
		}
		red := mask&(1<<uint(i)) != 0
		switch {
		case stage == 0 && !red:
			k1 *= d
		case stage <= 1 && red:
			stage = 1
			r *= d
		case stage >= 1 && !red:
			stage = 2
			k2 *= d
		default:
			stage = 3
		}
	}
	if stage == 3 {
		reduceByTranspose(op, dst, x, mask)
		return
	}
	if dst.Size() == 0 {
		return
	}
	var j job
	j.kind = jobReduce
	j.rop = op
	j.dst = dst
	j.in[0] = x
	g := &j.red
	g.k1, g.r, g.k2 = k1, r, k2
	switch {
	case k1 == 1 && k2 == 1 && r > 0 && op != OpLogSumExp:
		g.block = max(minBlockSize, (r+maxBlocks-1)/maxBlocks)
		g.nblocks = (r + g.block - 1) / g.block
		j.exec(g.nblocks, (grainCheap+g.block-1)/g.block)
		reduceFinishTotal(&j)
	case k2 == 1:
		j.exec(k1, (grainCheap+r-1)/max(r, 1))
	default:
		g.ncb = (k2 + colBlock - 1) / colBlock
		j.exec(k1*g.ncb, (grainCheap+r*colBlock-1)/max(r*colBlock, 1))
	}
}

// reduceByTranspose handles reduced axes that are not one contiguous group:
// it moves them last and reduces the trailing group.
func reduceByTranspose(op ReduceOp, dst, x *Tensor, mask uint64) {
	perm := make([]int, 0, x.Rank())
	for i := range x.shape {
		if mask&(1<<uint(i)) == 0 {
			perm = append(perm, i)
		}
	}
	nk := len(perm)
	for i := range x.shape {
		if mask&(1<<uint(i)) != 0 {
			perm = append(perm, i)
		}
	}
	xt := Transpose(x, perm...)
	var m uint64
	for i := nk; i < x.Rank(); i++ {
		m |= 1 << uint(i)
	}
	reduceRun(op, dst, xt, m)
}

func reduceDispatch(j *job, lo, hi int) {
	switch x := j.in[0].data.(type) {
	case []float32:
		reduceRange(j.rop, j.dst.data.([]float32), x, &j.red, lo, hi)
	case []float64:
		reduceRange(j.rop, j.dst.data.([]float64), x, &j.red, lo, hi)
	case []int32:
		reduceRange(j.rop, j.dst.data.([]int32), x, &j.red, lo, hi)
	case []int64:
		reduceRange(j.rop, j.dst.data.([]int64), x, &j.red, lo, hi)
	case []uint8:
		reduceRange(j.rop, j.dst.data.([]uint8), x, &j.red, lo, hi)
	}
}

func reduceRange[T Number](op ReduceOp, d, x []T, g *redGeom, lo, hi int) {
	switch {
	case g.nblocks > 0:
		isF := isFloat[T]()
		for b := lo; b < hi; b++ {
			v := reduceRow(op, x[b*g.block:min((b+1)*g.block, g.r)])
			if isF {
				g.partF[b] = float64(v)
			} else {
				g.partI[b] = int64(v)
			}
		}
	case g.k2 == 1:
		r := g.r
		for i := lo; i < hi; i++ {
			v := reduceRow(op, x[i*r:i*r+r])
			if op == OpMean {
				v /= T(r)
			}
			d[i] = v
		}
	default:
		for u := lo; u < hi; u++ {
			a, cb := u/g.ncb, u%g.ncb
			c0 := cb * colBlock
			c1 := min(c0+colBlock, g.k2)
			reduceCols(op, d[a*g.k2+c0:a*g.k2+c1], x[a*g.r*g.k2:], g.r, g.k2, c0)
		}
	}
}

// reduceRow reduces a contiguous run. Sums and products use four
// accumulators, which shortens the dependency chain and the rounding error.
func reduceRow[T Number](op ReduceOp, x []T) T {
	switch op {
	case OpSum, OpMean:
		var s0, s1, s2, s3 T
		i := 0
		for ; i+4 <= len(x); i += 4 {
			v := x[i : i+4 : i+4]
			s0 += v[0]
			s1 += v[1]
			s2 += v[2]
			s3 += v[3]
		}
		for ; i < len(x); i++ {
			s0 += x[i]
		}
		return (s0 + s1) + (s2 + s3)
	case OpProd:
		p := T(1)
		for _, v := range x {
			p *= v
		}
		return p
	case OpMax:
		m := lowest[T]()
		for _, v := range x {
			m = max(m, v)
		}
		return m
	case OpMin:
		m := highest[T]()
		for _, v := range x {
			m = min(m, v)
		}
		return m
	case OpLogSumExp:
		m := lowest[T]()
		for _, v := range x {
			m = max(m, v)
		}
		mf := float64(m)
		if math.IsInf(mf, 0) {
			return m
		}
		s := 0.0
		for _, v := range x {
			s += math.Exp(float64(v) - mf)
		}
		return T(mf + math.Log(s))
	}
	return 0
}

// reduceCols reduces rows r of a (r, k2) block over the first axis for the
// columns [c0, c0+len(d)), accumulating on the stack.
func reduceCols[T Number](op ReduceOp, d, x []T, r, k2, c0 int) {
	w := len(d)
	var buf [colBlock]T
	acc := buf[:w]
	var init T
	switch op {
	case OpMax, OpLogSumExp:
		init = lowest[T]()
	case OpMin:
		init = highest[T]()
	case OpProd:
		init = 1
	}
	for i := range acc {
		acc[i] = init
	}
	a32, vectorSum := any(acc).([]float32)
	vectorSum = vectorSum && (op == OpSum || op == OpMean)
	if vectorSum {
		// Row by row into the accumulators, vectorised across the
		// columns: each column still sums in row order.
		if r > 0 {
			vec.SumRows(a32, any(x).([]float32)[c0:], r, k2)
		}
	}
	for b := 0; b < r && !vectorSum; b++ {
		row := x[b*k2+c0 : b*k2+c0+w]
		row = row[:len(acc)]
		switch op {
		case OpSum, OpMean:
			for i, v := range row {
				acc[i] += v
			}
		case OpProd:
			for i, v := range row {
				acc[i] *= v
			}
		case OpMax, OpLogSumExp:
			for i, v := range row {
				acc[i] = max(acc[i], v)
			}
		case OpMin:
			for i, v := range row {
				acc[i] = min(acc[i], v)
			}
		}
	}
	switch op {
	case OpMean:
		n := T(r)
		for i, v := range acc {
			d[i] = v / n
		}
	case OpLogSumExp:
		var s [colBlock]float64
		for b := 0; b < r; b++ {
			row := x[b*k2+c0 : b*k2+c0+w]
			row = row[:len(acc)]
			for i, v := range row {
				s[i] += math.Exp(float64(v) - float64(acc[i]))
			}
		}
		for i, m := range acc {
			if math.IsInf(float64(m), 0) {
				d[i] = m
			} else {
				d[i] = T(float64(m) + math.Log(s[i]))
			}
		}
	default:
		copy(d, acc)
	}
}

// reduceFinishTotal combines the block partials of a whole-tensor reduction
// in block order.
func reduceFinishTotal(j *job) {
	g := &j.red
	switch d := j.dst.data.(type) {
	case []float32:
		d[0] = float32(combineF(j.rop, g.partF[:g.nblocks], g.r))
	case []float64:
		d[0] = combineF(j.rop, g.partF[:g.nblocks], g.r)
	case []int32:
		d[0] = int32(combineI(j.rop, g.partI[:g.nblocks]))
	case []int64:
		d[0] = combineI(j.rop, g.partI[:g.nblocks])
	case []uint8:
		d[0] = uint8(combineI(j.rop, g.partI[:g.nblocks]))
	}
}

func combineF(op ReduceOp, p []float64, n int) float64 {
	var v float64
	switch op {
	case OpSum, OpMean:
		for _, x := range p {
			v += x
		}
		if op == OpMean {
			v /= float64(n)
		}
	case OpProd:
		v = 1
		for _, x := range p {
			v *= x
		}
	case OpMax:
		v = negInf
		for _, x := range p {
			v = max(v, x)
		}
	case OpMin:
		v = posInf
		for _, x := range p {
			v = min(v, x)
		}
	}
	return v
}

func combineI(op ReduceOp, p []int64) int64 {
	var v int64
	switch op {
	case OpSum:
		for _, x := range p {
			v += x
		}
	case OpProd:
		v = 1
		for _, x := range p {
			v *= x
		}
	case OpMax:
		v = math.MinInt64
		for _, x := range p {
			v = max(v, x)
		}
	case OpMin:
		v = math.MaxInt64
		for _, x := range p {
			v = min(v, x)
		}
	}
	return v
}

// ArgMax returns the index of the largest element along axis (the first one
// on ties) as Int64, with axis removed from the shape.
func ArgMax(x *Tensor, axis int) *Tensor { return argReduce("ArgMax", OpMax, x, axis) }

// ArgMin returns the index of the smallest element along axis (the first one
// on ties) as Int64, with axis removed from the shape.
func ArgMin(x *Tensor, axis int) *Tensor { return argReduce("ArgMin", OpMin, x, axis) }

// ArgMaxInto is ArgMax writing into dst (Int64, x's shape without axis).
// It does not allocate.
func ArgMaxInto(dst, x *Tensor, axis int) { argReduceInto("ArgMax", OpMax, dst, x, axis) }

// ArgMinInto is ArgMin writing into dst (Int64, x's shape without axis).
// It does not allocate.
func ArgMinInto(dst, x *Tensor, axis int) { argReduceInto("ArgMin", OpMin, dst, x, axis) }

func argCheck(name string, x *Tensor, axis int) int {
	if !x.dtype.IsFloat() && !x.dtype.IsInteger() {
		unsupported(name, x.dtype, numberTypes...)
	}
	axis = NormAxis(name, axis, x.Rank())
	if x.shape[axis] == 0 {
		panic(fmt.Sprintf("%s: axis %d of shape %v is empty (want at least one element)", name, axis, x.shape))
	}
	return axis
}

func argReduce(name string, op ReduceOp, x *Tensor, axis int) *Tensor {
	axis = argCheck(name, x, axis)
	shape := append(x.shape[:axis:axis], x.shape[axis+1:]...)
	dst := New(Int64, shape...)
	argRun(op, dst, x, axis)
	return dst
}

func argReduceInto(name string, op ReduceOp, dst, x *Tensor, axis int) {
	axis = argCheck(name, x, axis)
	ok := dst.dtype == Int64 && dst.Rank() == x.Rank()-1
	for i := 0; ok && i < dst.Rank(); i++ {
		k := i
		if i >= axis {
			k++
		}
		ok = dst.shape[i] == x.shape[k]
	}
	if !ok {
		panic(fmt.Sprintf("%s: destination is %v %v, want int64 of shape %v without axis %d", name, dst.dtype, dst.shape, x.shape, axis))
	}
	argRun(op, dst, x, axis)
}

func argRun(op ReduceOp, dst, x *Tensor, axis int) {
	var j job
	j.kind = jobArg
	j.rop = op
	j.dst = dst
	j.in[0] = x
	g := &j.red
	g.k1, g.r, g.k2 = axisSplit(x.shape, axis)
	if dst.Size() == 0 {
		return
	}
	if g.k2 == 1 {
		j.exec(g.k1, (grainCheap+g.r-1)/g.r)
	} else {
		g.ncb = (g.k2 + colBlock - 1) / colBlock
		j.exec(g.k1*g.ncb, (grainCheap+g.r*colBlock-1)/(g.r*colBlock))
	}
}

// axisSplit views shape as (before axis, axis, after axis).
func axisSplit(s Shape, axis int) (k1, r, k2 int) {
	k1, k2 = 1, 1
	for _, d := range s[:axis] {
		k1 *= d
	}
	for _, d := range s[axis+1:] {
		k2 *= d
	}
	return k1, s[axis], k2
}

func argDispatch(j *job, lo, hi int) {
	d := j.dst.data.([]int64)
	isMax := j.rop == OpMax
	switch x := j.in[0].data.(type) {
	case []float32:
		argRange(isMax, d, x, &j.red, lo, hi)
	case []float64:
		argRange(isMax, d, x, &j.red, lo, hi)
	case []int32:
		argRange(isMax, d, x, &j.red, lo, hi)
	case []int64:
		argRange(isMax, d, x, &j.red, lo, hi)
	case []uint8:
		argRange(isMax, d, x, &j.red, lo, hi)
	}
}

func argRange[T Number](isMax bool, d []int64, x []T, g *redGeom, lo, hi int) {
	r, k2 := g.r, g.k2
	if k2 == 1 {
		for i := lo; i < hi; i++ {
			row := x[i*r : i*r+r]
			best, bi := row[0], 0
			for k, v := range row {
				if (isMax && v > best) || (!isMax && v < best) {
					best, bi = v, k
				}
			}
			d[i] = int64(bi)
		}
		return
	}
	var buf [colBlock]T
	for u := lo; u < hi; u++ {
		a, cb := u/g.ncb, u%g.ncb
		c0 := cb * colBlock
		c1 := min(c0+colBlock, k2)
		w := c1 - c0
		base := a * r * k2
		best := buf[:w]
		idx := d[a*k2+c0 : a*k2+c1]
		copy(best, x[base+c0:base+c1])
		for i := range idx {
			idx[i] = 0
		}
		for b := 1; b < r; b++ {
			row := x[base+b*k2+c0 : base+b*k2+c1]
			row = row[:len(best)]
			for i, v := range row {
				if (isMax && v > best[i]) || (!isMax && v < best[i]) {
					best[i] = v
					idx[i] = int64(b)
				}
			}
		}
	}
}
