package tensor

import (
	"fmt"
	"slices"
)

// Shape ops move elements without arithmetic. All of them go through one
// strided-copy kernel: the destination and source are each addressed with
// their own strides and base offset over a common index space.

// copyRun copies per the geometry g (operand 0: dst, operand 1: src).
func copyRun(dst, src *Tensor, g *geometry) {
	if g.size == 0 {
		return
	}
	var j job
	j.kind = jobCopy
	j.dst = dst
	j.in[0] = src
	j.geo = *g
	if g.rank == 2 && g.st[0][0] == g.dims[1] && g.st[0][1] == 1 && g.st[1][0] == 1 && g.st[1][1] == g.dims[0] {
		// A plain matrix transpose: tile it, splitting the work by rows.
		j.log = true
		j.exec(g.dims[0], (grainCheap+g.dims[1]-1)/g.dims[1])
		return
	}
	j.exec(g.size, grainCheap)
}

func copyDispatch(j *job, lo, hi int) {
	g := &j.geo
	if j.log {
		transposeDispatch(j, lo, hi)
		return
	}
	switch d := j.dst.data.(type) {
	case []float32:
		copyRange(d, j.in[0].data.([]float32), g, lo, hi)
	case []float64:
		copyRange(d, j.in[0].data.([]float64), g, lo, hi)
	case []int32:
		copyRange(d, j.in[0].data.([]int32), g, lo, hi)
	case []int64:
		copyRange(d, j.in[0].data.([]int64), g, lo, hi)
	case []uint8:
		copyRange(d, j.in[0].data.([]uint8), g, lo, hi)
	case []bool:
		copyRange(d, j.in[0].data.([]bool), g, lo, hi)
	case []Float16Value:
		copyRange(d, j.in[0].data.([]Float16Value), g, lo, hi)
	case []BFloat16Value:
		copyRange(d, j.in[0].data.([]BFloat16Value), g, lo, hi)
	}
}

func transposeDispatch(j *job, lo, hi int) {
	g := &j.geo
	switch d := j.dst.data.(type) {
	case []float32:
		transpose2D(d, j.in[0].data.([]float32), g, lo, hi)
	case []float64:
		transpose2D(d, j.in[0].data.([]float64), g, lo, hi)
	case []int32:
		transpose2D(d, j.in[0].data.([]int32), g, lo, hi)
	case []int64:
		transpose2D(d, j.in[0].data.([]int64), g, lo, hi)
	case []uint8:
		transpose2D(d, j.in[0].data.([]uint8), g, lo, hi)
	case []bool:
		transpose2D(d, j.in[0].data.([]bool), g, lo, hi)
	case []Float16Value:
		transpose2D(d, j.in[0].data.([]Float16Value), g, lo, hi)
	case []BFloat16Value:
		transpose2D(d, j.in[0].data.([]BFloat16Value), g, lo, hi)
	}
}

// transposeTile is the side of the square tiles a 2-D transpose copies, so
// both the reads and the writes stay within a few cache lines.
const transposeTile = 16

func copyRange[T Elem](d, s []T, g *geometry, lo, hi int) {
	sd, ss, _, _ := g.inner()
	var c cursor
	c.start(g, lo)
	for c.pos < hi {
		n := c.run(g, hi)
		od, os := c.off[0], c.off[1]
		switch {
		case sd == 1 && ss == 1:
			copy(d[od:od+n], s[os:os+n])
		case sd == 1 && ss == 0:
			dd := d[od : od+n]
			v := s[os]
			for i := range dd {
				dd[i] = v
			}
		default:
			for i := 0; i < n; i++ {
				d[od+i*sd] = s[os+i*ss]
			}
		}
		c.advance(g, n)
	}
}

// transpose2D writes rows [r0, r1) of the (rows, cols) destination from the
// (cols, rows) source, tile by tile.
func transpose2D[T Elem](d, s []T, g *geometry, r0, r1 int) {
	rows, cols := g.dims[0], g.dims[1]
	bd, bs := g.base[0], g.base[1]
	for i0 := r0; i0 < r1; i0 += transposeTile {
		i1 := min(i0+transposeTile, r1)
		for j0 := 0; j0 < cols; j0 += transposeTile {
			j1 := min(j0+transposeTile, cols)
			for i := i0; i < i1; i++ {
				row := d[bd+i*cols+j0 : bd+i*cols+j1]
				for k := range row {
					row[k] = s[bs+(j0+k)*rows+i]
				}
			}
		}
	}
}

// Transpose permutes the dimensions of x: result dimension i is x's dimension
// perm[i]. With no perm the dimensions are reversed (a matrix transpose for
// rank 2), as tf.transpose.
func Transpose(x *Tensor, perm ...int) *Tensor {
	perm = transposePerm(x, perm)
	shape := make(Shape, len(perm))
	for i, p := range perm {
		shape[i] = x.shape[p]
	}
	dst := New(x.dtype, shape...)
	transposeRun(dst, x, perm)
	return dst
}

// TransposeInto is Transpose writing into dst, which must have x's dtype and
// the permuted shape. It does not allocate when perm is given.
func TransposeInto(dst, x *Tensor, perm ...int) {
	perm = transposePerm(x, perm)
	ok := dst.dtype == x.dtype && len(dst.shape) == len(perm)
	for i := 0; ok && i < len(perm); i++ {
		ok = dst.shape[i] == x.shape[perm[i]]
	}
	if !ok {
		panic(fmt.Sprintf("Transpose: destination is %v %v, want %v with x's shape %v permuted by %v", dst.dtype, dst.shape, x.dtype, x.shape, slices.Clone(perm)))
	}
	transposeRun(dst, x, perm)
}

func transposePerm(x *Tensor, perm []int) []int {
	r := x.Rank()
	if len(perm) == 0 {
		perm = make([]int, r)
		for i := range perm {
			perm[i] = r - 1 - i
		}
		return perm
	}
	var seen uint64
	ok := len(perm) == r && r <= 64
	for _, p := range perm {
		if !ok || p < 0 || p >= r || seen&(1<<uint(p)) != 0 {
			ok = false
			break
		}
		seen |= 1 << uint(p)
	}
	if !ok {
		// Clone: handing perm itself to Sprintf would make every caller's
		// variadic slice escape to the heap.
		panic(fmt.Sprintf("Transpose: perm %v is not a permutation of the %d axes of shape %v", slices.Clone(perm), r, x.shape))
	}
	return perm
}

func transposeRun(dst, x *Tensor, perm []int) {
	if len(perm) > maxRank {
		panic(fmt.Sprintf("Transpose: rank %d is more than %d", len(perm), maxRank))
	}
	var st [4][maxRank]int
	var xs [maxRank]int
	contiguousStrides(dst.shape, &st[0])
	contiguousStrides(x.shape, &xs)
	for i, p := range perm {
		st[1][i] = xs[p]
	}
	var g geometry
	g.build("Transpose", dst.shape, &st, 2)
	copyRun(dst, x, &g)
}

// ExpandDims inserts a dimension of size 1 at axis (-1 appends one), sharing
// memory with x.
func ExpandDims(x *Tensor, axis int) *Tensor {
	axis = NormAxis("ExpandDims", axis, x.Rank()+1)
	s := make(Shape, 0, x.Rank()+1)
	s = append(append(append(s, x.shape[:axis]...), 1), x.shape[axis:]...)
	return &Tensor{dtype: x.dtype, shape: s, data: x.data}
}

// Squeeze removes the given size-1 axes (all size-1 axes when none are
// given), sharing memory with x.
func Squeeze(x *Tensor, axes ...int) *Tensor {
	var mask uint64
	if len(axes) == 0 {
		for i, d := range x.shape {
			if d == 1 {
				mask |= 1 << uint(i)
			}
		}
	} else {
		mask = reduceMask("Squeeze", axes, x.Rank())
	}
	s := make(Shape, 0, x.Rank())
	for i, d := range x.shape {
		if mask&(1<<uint(i)) == 0 {
			s = append(s, d)
		} else if d != 1 {
			panic(fmt.Sprintf("Squeeze: cannot squeeze axis %d of shape %v: its size is %d, want 1", i, x.shape, d))
		}
	}
	return &Tensor{dtype: x.dtype, shape: s, data: x.data}
}

// Concat joins tensors of one dtype along axis; their other dimensions must
// agree.
func Concat(axis int, xs ...*Tensor) *Tensor {
	if len(xs) == 0 {
		panic("Concat: no tensors to concatenate")
	}
	x0 := xs[0]
	if x0.Rank() == 0 {
		panic("Concat: cannot concatenate scalars (want rank >= 1; use Stack)")
	}
	axis = NormAxis("Concat", axis, x0.Rank())
	shape := x0.shape.Clone()
	shape[axis] = 0
	for i, x := range xs {
		if x.dtype != x0.dtype {
			panic(fmt.Sprintf("Concat: mixed dtypes %v (tensor 0) and %v (tensor %d)", x0.dtype, x.dtype, i))
		}
		ok := x.Rank() == x0.Rank()
		for k := 0; ok && k < x.Rank(); k++ {
			ok = k == axis || x.shape[k] == x0.shape[k]
		}
		if !ok {
			panic(fmt.Sprintf("Concat: shapes %v (tensor 0) and %v (tensor %d) differ outside axis %d", x0.shape, x.shape, i, axis))
		}
		shape[axis] += x.shape[axis]
	}
	dst := New(x0.dtype, shape...)
	if len(shape) > maxRank {
		panic(fmt.Sprintf("Concat: rank %d is more than %d", len(shape), maxRank))
	}
	var st [4][maxRank]int
	contiguousStrides(dst.shape, &st[0])
	off := 0
	for _, x := range xs {
		contiguousStrides(x.shape, &st[1])
		var g geometry
		g.build("Concat", x.shape, &st, 2)
		g.base[0] = off * st[0][axis]
		copyRun(dst, x, &g)
		off += x.shape[axis]
	}
	return dst
}

// Stack joins tensors of one shape and dtype along a new axis (tf.stack).
func Stack(axis int, xs ...*Tensor) *Tensor {
	if len(xs) == 0 {
		panic("Stack: no tensors to stack")
	}
	axis = NormAxis("Stack", axis, xs[0].Rank()+1)
	ys := make([]*Tensor, len(xs))
	for i, x := range xs {
		if !x.shape.Equal(xs[0].shape) {
			panic(fmt.Sprintf("Stack: shapes %v (tensor 0) and %v (tensor %d) differ (want all equal)", xs[0].shape, x.shape, i))
		}
		ys[i] = ExpandDims(x, axis)
	}
	return Concat(axis, ys...)
}

// Split cuts x along axis into pieces of the given sizes, which must add up to
// the axis's size; one size may be -1 and takes the rest (tf.split with
// size_splits).
func Split(x *Tensor, axis int, sizes ...int) []*Tensor {
	if x.Rank() == 0 {
		panic("Split: cannot split a scalar")
	}
	axis = NormAxis("Split", axis, x.Rank())
	sizes, err := SplitSizes(x.shape[axis], sizes)
	if err != nil {
		panic(fmt.Sprintf("Split: %v, but axis %d of shape %v has %d", err, axis, x.shape, x.shape[axis]))
	}
	out := make([]*Tensor, len(sizes))
	off := 0
	for i, s := range sizes {
		begin := make([]int, x.Rank())
		size := slices.Clone(x.shape)
		begin[axis], size[axis] = off, s
		out[i] = Slice(x, begin, size)
		off += s
	}
	return out
}

// SplitN cuts x along axis into n equal pieces; the axis's size must be a
// multiple of n.
func SplitN(x *Tensor, axis, n int) []*Tensor {
	if x.Rank() == 0 {
		panic("Split: cannot split a scalar")
	}
	a := NormAxis("Split", axis, x.Rank())
	if n <= 0 || x.shape[a]%n != 0 {
		panic(fmt.Sprintf("Split: axis %d of shape %v (size %d) cannot be split into %d equal pieces", axis, x.shape, x.shape[a], n))
	}
	sizes := make([]int, n)
	for i := range sizes {
		sizes[i] = x.shape[a] / n
	}
	return Split(x, a, sizes...)
}

// Slice returns the block of x starting at begin with the given size in each
// dimension (size -1 means to the end), as tf.slice. The result is a copy.
func Slice(x *Tensor, begin, size []int) *Tensor {
	r := x.Rank()
	if len(begin) != r || len(size) != r {
		panic(fmt.Sprintf("Slice: begin %v and size %v must each have one entry per dimension of shape %v", begin, size, x.shape))
	}
	shape := make(Shape, r)
	for i := range shape {
		s := size[i]
		if s == -1 {
			s = x.shape[i] - begin[i]
		}
		if begin[i] < 0 || s < 0 || begin[i]+s > x.shape[i] {
			panic(fmt.Sprintf("Slice: begin %v size %v is out of bounds for shape %v (dimension %d)", begin, size, x.shape, i))
		}
		shape[i] = s
	}
	if r > maxRank {
		panic(fmt.Sprintf("Slice: rank %d is more than %d", r, maxRank))
	}
	dst := New(x.dtype, shape...)
	var st [4][maxRank]int
	contiguousStrides(dst.shape, &st[0])
	contiguousStrides(x.shape, &st[1])
	var g geometry
	g.build("Slice", dst.shape, &st, 2)
	for i, b := range begin {
		g.base[1] += b * st[1][i]
	}
	copyRun(dst, x, &g)
	return dst
}

// BroadcastTo returns x repeated along its size-1 (and missing leading)
// dimensions to shape, as tf.broadcast_to.
func BroadcastTo(x *Tensor, shape ...int) *Tensor {
	checkBroadcastTo("BroadcastTo", x.shape, shape)
	dst := New(x.dtype, shape...)
	broadcastRun(dst, x)
	return dst
}

// BroadcastToInto is BroadcastTo writing into dst (x's dtype, the target
// shape). It does not allocate.
func BroadcastToInto(dst, x *Tensor) {
	checkBroadcastTo("BroadcastTo", x.shape, dst.shape)
	if dst.dtype != x.dtype {
		panic(fmt.Sprintf("BroadcastTo: destination dtype is %v, want %v", dst.dtype, x.dtype))
	}
	broadcastRun(dst, x)
}

func broadcastRun(dst, x *Tensor) {
	if dst.Rank() > maxRank {
		panic(fmt.Sprintf("BroadcastTo: rank %d is more than %d", dst.Rank(), maxRank))
	}
	var st [4][maxRank]int
	contiguousStrides(dst.shape, &st[0])
	broadcastStrides(dst.shape, x.shape, &st[1])
	var g geometry
	g.build("BroadcastTo", dst.shape, &st, 2)
	copyRun(dst, x, &g)
}

// SumToShape sums x over the dimensions that broadcasting shape to x's shape
// would have added or stretched, giving a tensor of shape: the gradient of
// broadcasting.
func SumToShape(x *Tensor, shape ...int) *Tensor {
	dst := New(x.dtype, shape...)
	SumToShapeInto(dst, x)
	return dst
}

// SumToShapeInto is SumToShape writing into dst, whose shape is the target.
// It does not allocate.
func SumToShapeInto(dst, x *Tensor) {
	if !x.dtype.IsFloat() && !x.dtype.IsInteger() {
		unsupported("SumToShape", x.dtype, numberTypes...)
	}
	checkBroadcastTo("SumToShape", dst.shape, x.shape)
	if dst.dtype != x.dtype {
		panic(fmt.Sprintf("SumToShape: destination dtype is %v, want %v", dst.dtype, x.dtype))
	}
	if x.Rank() > 64 {
		panic(fmt.Sprintf("SumToShape: rank %d is more than 64", x.Rank()))
	}
	var mask uint64
	off := x.Rank() - dst.Rank()
	for i, d := range x.shape {
		if i < off || (dst.shape[i-off] == 1 && d != 1) {
			mask |= 1 << uint(i)
		}
	}
	if mask == 0 {
		copyData(dst.data, x.data)
		return
	}
	reduceRun(OpSum, dst, x, mask)
}
