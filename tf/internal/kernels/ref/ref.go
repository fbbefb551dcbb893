// Package ref holds the reference kernels: deliberately plain loops that
// read and write every element through tensor.Tensor's Float and SetFloat
// (so every dtype goes through float64), with explicit index arithmetic and
// no fast paths, blocking, assembly or worker pool. They are written apart
// from the fast CPU kernels so that each checks the other; int64 values
// beyond 2^53 lose precision here.
package ref

import (
	"fmt"

	"github.com/tensorgo/tensorgo/tensor"
)

// coords writes the coordinates of flat index i in shape s into c.
func coords(i int, s []int, c []int) {
	for d := len(s) - 1; d >= 0; d-- {
		if s[d] == 0 {
			c[d] = 0
			continue
		}
		c[d] = i % s[d]
		i /= s[d]
	}
}

// offsetOf returns the flat index in shape s of output coordinates c
// (right-aligned, size-1 dimensions of s broadcast).
func offsetOf(c []int, s []int) int {
	k := len(c) - len(s)
	off := 0
	for d, n := range s {
		x := c[k+d]
		if n == 1 {
			x = 0
		}
		off = off*n + x
	}
	return off
}

// Map sets dst[i] = f(x[i]).
func Map(dst, x *tensor.Tensor, f func(float64) float64) {
	for i := 0; i < x.Size(); i++ {
		dst.SetFloat(i, f(x.Float(i)))
	}
}

// Map2 sets dst = f(a, b) with NumPy broadcasting of a and b to dst's shape.
func Map2(dst, a, b *tensor.Tensor, f func(x, y float64) float64) {
	s := dst.Shape()
	c := make([]int, len(s))
	for i := 0; i < dst.Size(); i++ {
		coords(i, s, c)
		dst.SetFloat(i, f(a.Float(offsetOf(c, a.Shape())), b.Float(offsetOf(c, b.Shape()))))
	}
}

// Where sets dst = a where cond, else b (all three broadcast).
func Where(dst, cond, a, b *tensor.Tensor) {
	s := dst.Shape()
	c := make([]int, len(s))
	for i := 0; i < dst.Size(); i++ {
		coords(i, s, c)
		if cond.Float(offsetOf(c, cond.Shape())) != 0 {
			dst.SetFloat(i, a.Float(offsetOf(c, a.Shape())))
		} else {
			dst.SetFloat(i, b.Float(offsetOf(c, b.Shape())))
		}
	}
}

// Fill sets every element of dst to v.
func Fill(dst *tensor.Tensor, v float64) {
	for i := 0; i < dst.Size(); i++ {
		dst.SetFloat(i, v)
	}
}

// Copy copies x's elements into dst in order (same count).
func Copy(dst, x *tensor.Tensor) {
	for i := 0; i < x.Size(); i++ {
		dst.SetFloat(i, x.Float(i))
	}
}

// BroadcastTo sets dst to x broadcast to dst's shape.
func BroadcastTo(dst, x *tensor.Tensor) {
	s := dst.Shape()
	c := make([]int, len(s))
	for i := 0; i < dst.Size(); i++ {
		coords(i, s, c)
		dst.SetFloat(i, x.Float(offsetOf(c, x.Shape())))
	}
}

// SumTo sets dst to the sum of x over the dimensions dst broadcasts along
// (dst's shape right-aligned against x's, size-1 dimensions summed).
func SumTo(dst, x *tensor.Tensor) {
	Fill(dst, 0)
	s := x.Shape()
	c := make([]int, len(s))
	for i := 0; i < x.Size(); i++ {
		coords(i, s, c)
		j := offsetOf(c, dst.Shape())
		dst.SetFloat(j, dst.Float(j)+x.Float(i))
	}
}

// Reduce sets dst to the reduction of x over axes (nil: all): acc starts
// at init, takes every element through step, and fin turns the
// accumulator and the count into the result.
func Reduce(dst, x *tensor.Tensor, axes []int, init float64, step func(acc, v float64) float64, fin func(acc float64, n int) float64) {
	s := x.Shape()
	reduced := make([]bool, len(s))
	n := 1
	for d := range s {
		if axes == nil || contains(axes, d) {
			reduced[d] = true
			n *= s[d]
		}
	}
	// The kept dimensions, in order, index dst.
	var keptShape []int
	for d := range s {
		if !reduced[d] {
			keptShape = append(keptShape, s[d])
		}
	}
	acc := make([]float64, dst.Size())
	for i := range acc {
		acc[i] = init
	}
	c := make([]int, len(s))
	kc := make([]int, len(keptShape))
	for i := 0; i < x.Size(); i++ {
		coords(i, s, c)
		k := 0
		for d := range s {
			if !reduced[d] {
				kc[k] = c[d]
				k++
			}
		}
		j := 0
		for d, v := range kc {
			j = j*keptShape[d] + v
		}
		acc[j] = step(acc[j], x.Float(i))
	}
	for j := range acc {
		dst.SetFloat(j, fin(acc[j], n))
	}
}

func contains(xs []int, v int) bool {
	for _, x := range xs {
		if x == v {
			return true
		}
	}
	return false
}

// ArgBest sets dst (x's shape without axis) to the index along axis of the
// first element that no later one beats (better(a, b): a beats b).
func ArgBest(dst, x *tensor.Tensor, axis int, better func(a, b float64) bool) {
	s := x.Shape()
	outer, inner := 1, 1
	for _, d := range s[:axis] {
		outer *= d
	}
	for _, d := range s[axis+1:] {
		inner *= d
	}
	for o := 0; o < outer; o++ {
		for r := 0; r < inner; r++ {
			best, bi := x.Float(o*s[axis]*inner+r), 0
			for k := 1; k < s[axis]; k++ {
				if v := x.Float((o*s[axis]+k)*inner + r); better(v, best) {
					best, bi = v, k
				}
			}
			dst.SetFloat(o*inner+r, float64(bi))
		}
	}
}

// MatMul sets dst = op(a) x op(b) over the last two dimensions with a
// triple loop, op transposing when asked; leading batch dimensions
// broadcast.
func MatMul(dst, a, b *tensor.Tensor, transA, transB bool) {
	as, bs, ds := a.Shape(), b.Shape(), dst.Shape()
	ra, rb, rd := len(as), len(bs), len(ds)
	m, n := ds[rd-2], ds[rd-1]
	k := as[ra-1]
	if transA {
		k = as[ra-2]
	}
	batch := ds[:rd-2]
	nb := 1
	for _, d := range batch {
		nb *= d
	}
	c := make([]int, len(batch))
	for bi := 0; bi < nb; bi++ {
		coords(bi, batch, c)
		aOff := offsetOf(c, as[:ra-2]) * as[ra-2] * as[ra-1]
		bOff := offsetOf(c, bs[:rb-2]) * bs[rb-2] * bs[rb-1]
		dOff := bi * m * n
		for i := 0; i < m; i++ {
			for j := 0; j < n; j++ {
				var sum float64
				for p := 0; p < k; p++ {
					var av, bv float64
					if transA {
						av = a.Float(aOff + p*as[ra-1] + i)
					} else {
						av = a.Float(aOff + i*as[ra-1] + p)
					}
					if transB {
						bv = b.Float(bOff + j*bs[rb-1] + p)
					} else {
						bv = b.Float(bOff + p*bs[rb-1] + j)
					}
					sum += av * bv
				}
				dst.SetFloat(dOff+i*n+j, sum)
			}
		}
	}
}

// Transpose sets dst[c] = x[c permuted back]: output dimension i is input
// dimension perm[i].
func Transpose(dst, x *tensor.Tensor, perm []int) {
	ds, xs := dst.Shape(), x.Shape()
	c := make([]int, len(ds))
	for i := 0; i < dst.Size(); i++ {
		coords(i, ds, c)
		off := 0
		for d := range xs {
			// input coordinate d is the output coordinate i with perm[i] == d
			var v int
			for j, p := range perm {
				if p == d {
					v = c[j]
				}
			}
			off = off*xs[d] + v
		}
		dst.SetFloat(i, x.Float(off))
	}
}

// Block copies between big and the block of it at begin with small's shape:
// small = big[block], or big[block] += small when add.
func Block(small, big *tensor.Tensor, begin []int, add bool) {
	ss, bs := small.Shape(), big.Shape()
	c := make([]int, len(ss))
	for i := 0; i < small.Size(); i++ {
		coords(i, ss, c)
		off := 0
		for d := range bs {
			off = off*bs[d] + c[d] + begin[d]
		}
		if add {
			big.SetFloat(off, big.Float(off)+small.Float(i))
		} else {
			small.SetFloat(i, big.Float(off))
		}
	}
}

// Concat sets dst to xs joined along axis.
func Concat(dst *tensor.Tensor, xs []*tensor.Tensor, axis int) {
	Fill(dst, 0)
	begin := make([]int, dst.Rank())
	for _, x := range xs {
		Block(x, dst, begin, true)
		begin[axis] += x.Shape()[axis]
	}
}

// Gather sets dst = x's slices along axis picked by indices; an index
// outside the axis is an error naming it.
func Gather(dst, x, indices *tensor.Tensor, axis int) error {
	xs := x.Shape()
	ni := indices.Size()
	ds := dst.Shape()
	c := make([]int, len(ds))
	for i := 0; i < dst.Size(); i++ {
		coords(i, ds, c)
		// dst coordinates: x's before axis, the indices', x's after.
		pos := 0
		for d := axis; d < axis+indices.Rank(); d++ {
			pos = pos*ds[d] + c[d]
		}
		k := int(indices.Float(pos))
		if k < 0 || k >= xs[axis] {
			return fmt.Errorf("index %d (position %d of the indices) is out of range (want 0 <= index < %d)", k, pos, xs[axis])
		}
		off := 0
		for d := range xs {
			var v int
			switch {
			case d < axis:
				v = c[d]
			case d == axis:
				v = k
			default:
				v = c[d-1+indices.Rank()]
			}
			off = off*xs[d] + v
		}
		dst.SetFloat(i, x.Float(off))
		_ = ni
	}
	return nil
}

// ScatterAdd sets dst = 0 and adds each slice of dy back at its index along
// axis (the gradient of Gather); an index outside the axis is an error.
func ScatterAdd(dst, dy, indices *tensor.Tensor, axis int) error {
	Fill(dst, 0)
	xs := dst.Shape()
	ds := dy.Shape()
	c := make([]int, len(ds))
	for i := 0; i < dy.Size(); i++ {
		coords(i, ds, c)
		pos := 0
		for d := axis; d < axis+indices.Rank(); d++ {
			pos = pos*ds[d] + c[d]
		}
		k := int(indices.Float(pos))
		if k < 0 || k >= xs[axis] {
			return fmt.Errorf("index %d (position %d of the indices) is out of range (want 0 <= index < %d)", k, pos, xs[axis])
		}
		off := 0
		for d := range xs {
			var v int
			switch {
			case d < axis:
				v = c[d]
			case d == axis:
				v = k
			default:
				v = c[d-1+indices.Rank()]
			}
			off = off*xs[d] + v
		}
		dst.SetFloat(off, dst.Float(off)+dy.Float(i))
	}
	return nil
}

// Strided copies between small and the elements of big at start + k*stride
// (k < length) in every dimension: it walks big's elements and keeps those
// on the lattice, so it shares no index arithmetic with the fast kernel.
// small = big[block], or big[block] = small when scatter.
func Strided(small, big *tensor.Tensor, start, stride, length []int, scatter bool) {
	bs := big.Shape()
	c := make([]int, len(bs))
	for i := 0; i < big.Size(); i++ {
		coords(i, bs, c)
		j, ok := 0, true
		for d := range bs {
			off := c[d] - start[d]
			if off%stride[d] != 0 {
				ok = false
				break
			}
			k := off / stride[d]
			if k < 0 || k >= length[d] {
				ok = false
				break
			}
			j = j*length[d] + k
		}
		if !ok {
			continue
		}
		if scatter {
			big.SetFloat(i, small.Float(j))
		} else {
			small.SetFloat(j, big.Float(i))
		}
	}
}
