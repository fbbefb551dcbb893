package tensor

import "fmt"

// Gather picks slices of x along axis by indices (Int32 or Int64), as
// tf.gather: the result's shape is x.shape[:axis] + indices.shape +
// x.shape[axis+1:]. An index outside [0, x.shape[axis]) panics, naming it.
func Gather(x, indices *Tensor, axis int) *Tensor {
	axis = gatherCheck(x, indices, axis)
	shape := make(Shape, 0, x.Rank()+indices.Rank()-1)
	shape = append(append(append(shape, x.shape[:axis]...), indices.shape...), x.shape[axis+1:]...)
	dst := New(x.dtype, shape...)
	gatherRun(dst, x, indices, axis)
	return dst
}

// GatherInto is Gather writing into dst, which must have x's dtype and the
// result's shape. It does not allocate.
func GatherInto(dst, x, indices *Tensor, axis int) {
	axis = gatherCheck(x, indices, axis)
	ok := dst.dtype == x.dtype && dst.Rank() == x.Rank()+indices.Rank()-1
	for i := 0; ok && i < dst.Rank(); i++ {
		var want int
		switch {
		case i < axis:
			want = x.shape[i]
		case i < axis+indices.Rank():
			want = indices.shape[i-axis]
		default:
			want = x.shape[i-indices.Rank()+1]
		}
		ok = dst.shape[i] == want
	}
	if !ok {
		panic(fmt.Sprintf("Gather: destination is %v %v, which is not the result of gathering %v along axis %d of %v %v", dst.dtype, dst.shape, indices.shape, axis, x.dtype, x.shape))
	}
	gatherRun(dst, x, indices, axis)
}

func gatherCheck(x, indices *Tensor, axis int) int {
	if indices.dtype != Int32 && indices.dtype != Int64 {
		panic(fmt.Sprintf("Gather: indices have dtype %v, want int32 or int64", indices.dtype))
	}
	if x.Rank() == 0 {
		panic("Gather: cannot gather from a scalar (want rank >= 1)")
	}
	axis = NormAxis("Gather", axis, x.Rank())
	n := int64(x.shape[axis])
	bad := -1
	switch ix := indices.data.(type) {
	case []int32:
		bad = firstOutOfRange(ix, n)
	case []int64:
		bad = firstOutOfRange(ix, n)
	}
	if bad >= 0 {
		panic(fmt.Sprintf("Gather: index %v (position %d of the indices) is out of range for axis %d of shape %v (want 0 <= index < %d)",
			indices.Float(bad), bad, axis, x.shape, n))
	}
	return axis
}

func firstOutOfRange[I int32 | int64](ix []I, n int64) int {
	for i, v := range ix {
		if v < 0 || int64(v) >= n {
			return i
		}
	}
	return -1
}

func gatherRun(dst, x, indices *Tensor, axis int) {
	if dst.Size() == 0 {
		return
	}
	var j job
	j.kind = jobGather
	j.dst = dst
	j.in[0], j.in[1] = x, indices
	g := &j.red
	g.k1, g.r, g.k2 = axisSplit(x.shape, axis)
	g.block = indices.Size()
	rows := g.k1 * g.block
	j.exec(rows, (grainCheap+g.k2-1)/max(g.k2, 1))
}

func gatherDispatch(j *job, lo, hi int) {
	switch ix := j.in[1].data.(type) {
	case []int32:
		gatherIdx(j, ix, lo, hi)
	case []int64:
		gatherIdx(j, ix, lo, hi)
	}
}

func gatherIdx[I int32 | int64](j *job, ix []I, lo, hi int) {
	g := &j.red
	switch d := j.dst.data.(type) {
	case []float32:
		gatherRows(d, j.in[0].data.([]float32), ix, g, lo, hi)
	case []float64:
		gatherRows(d, j.in[0].data.([]float64), ix, g, lo, hi)
	case []int32:
		gatherRows(d, j.in[0].data.([]int32), ix, g, lo, hi)
	case []int64:
		gatherRows(d, j.in[0].data.([]int64), ix, g, lo, hi)
	case []uint8:
		gatherRows(d, j.in[0].data.([]uint8), ix, g, lo, hi)
	case []bool:
		gatherRows(d, j.in[0].data.([]bool), ix, g, lo, hi)
	case []Float16Value:
		gatherRows(d, j.in[0].data.([]Float16Value), ix, g, lo, hi)
	case []BFloat16Value:
		gatherRows(d, j.in[0].data.([]BFloat16Value), ix, g, lo, hi)
	}
}

// gatherRows copies output rows [lo, hi): row u is (outer a, index position
// p), and holds x[a, ix[p], :].
func gatherRows[T Elem, I int32 | int64](d, x []T, ix []I, g *redGeom, lo, hi int) {
	np, r, k2 := g.block, g.r, g.k2
	for u := lo; u < hi; u++ {
		a, p := u/np, u%np
		src := (a*r + int(ix[p])) * k2
		copy(d[u*k2:u*k2+k2], x[src:src+k2])
	}
}

// OneHot returns a tensor of shape indices.shape + (depth,) with 1 at each
// index and 0 elsewhere, as tf.one_hot; an index outside [0, depth) gives a
// row of zeros. indices must be an integer tensor.
func OneHot(indices *Tensor, depth int, dtype DType) *Tensor {
	if !indices.dtype.IsInteger() {
		panic(fmt.Sprintf("OneHot: indices have dtype %v, want %s", indices.dtype, dtypeList(Int32, Int64, Uint8)))
	}
	if depth < 0 {
		panic(fmt.Sprintf("OneHot: depth %d is negative", depth))
	}
	if !dtype.Valid() {
		panic(fmt.Sprintf("OneHot: invalid dtype %v", dtype))
	}
	shape := append(indices.shape.Clone(), depth)
	dst := New(dtype, shape...)
	n := indices.Size()
	for i := 0; i < n; i++ {
		v := indices.Float(i)
		if v >= 0 && v < float64(depth) {
			dst.SetFloat(i*depth+int(v), 1)
		}
	}
	return dst
}
