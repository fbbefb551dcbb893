package kernels

import (
	"fmt"

	"github.com/tensorgo/tensorgo/internal/vec"
	"github.com/tensorgo/tensorgo/tensor"
)

// Concat copies xs one after another along axis into dst.
func Concat(dst *tensor.Tensor, xs []*tensor.Tensor, axis int) {
	shape := dst.Shape()
	outer := 1
	for _, d := range shape[:axis] {
		outer *= d
	}
	inner := 1
	for _, d := range shape[axis+1:] {
		inner *= d
	}
	rowOut := shape[axis] * inner
	off := 0
	for _, x := range xs {
		w := x.Shape()[axis] * inner
		if d, ok := dst.Data().([]float32); ok && w > 0 && outer > 0 {
			// One strided copy an input (Inception's channel concats: a
			// run of a few channels for every pixel).
			vec.CopyStrided(d[off:], rowOut, x.Float32s(), vec.Strided{Blocks: outer, C: w, Stride: w})
			off += w
			continue
		}
		for o := 0; o < outer; o++ {
			CopyRange(dst, o*rowOut+off, x, o*w, w)
		}
		off += w
	}
}

// CopyRange copies n elements of src from soff to dst at doff (one dtype).
func CopyRange(dst *tensor.Tensor, doff int, src *tensor.Tensor, soff, n int) {
	switch d := dst.Data().(type) {
	case []float32:
		copy(d[doff:doff+n], src.Float32s()[soff:soff+n])
	case []float64:
		copy(d[doff:doff+n], src.Float64s()[soff:soff+n])
	case []int32:
		copy(d[doff:doff+n], src.Int32s()[soff:soff+n])
	case []int64:
		copy(d[doff:doff+n], src.Int64s()[soff:soff+n])
	case []uint8:
		copy(d[doff:doff+n], src.Uint8s()[soff:soff+n])
	case []bool:
		copy(d[doff:doff+n], src.Bools()[soff:soff+n])
	}
}

// SliceCopy copies between a block (small, shape of small) and big at
// begin: small = big[block] or, when add, big[block] += small.
func SliceCopy(small, big *tensor.Tensor, begin []int, add bool) {
	ss, bs := small.Shape(), big.Shape()
	r := len(ss)
	if small.Size() == 0 {
		return
	}
	if r == 0 {
		CopyRange(small, 0, big, 0, 1)
		return
	}
	bst := bs.Strides()
	n := ss[r-1]
	if d, ok := small.Data().([]float32); ok && !add && r >= 2 && wholeInner(ss, bs, begin) {
		// The block spans every dimension but the first and last whole:
		// its rows are evenly spaced in big, one strided copy.
		off := begin[0]*bst[0] + begin[r-1]
		rows := small.Size() / n
		vec.CopyStrided(d, n, big.Float32s()[off:], vec.Strided{Blocks: rows, C: n, Stride: bs[r-1]})
		return
	}
	var idx [16]int
	for so := 0; so < small.Size(); so += n {
		bo := 0
		for k := 0; k < r-1; k++ {
			bo += (idx[k] + begin[k]) * bst[k]
		}
		bo += begin[r-1]
		if add {
			AddRange(big, bo, small, so, n)
		} else {
			CopyRange(small, so, big, bo, n)
		}
		for k := r - 2; k >= 0; k-- {
			idx[k]++
			if idx[k] < ss[k] {
				break
			}
			idx[k] = 0
		}
	}
}

// AddRange adds n float elements of src from soff to dst at doff.
func AddRange(dst *tensor.Tensor, doff int, src *tensor.Tensor, soff, n int) {
	switch d := dst.Data().(type) {
	case []float32:
		s := src.Float32s()[soff : soff+n]
		for i, v := range s {
			d[doff+i] += v
		}
	case []float64:
		s := src.Float64s()[soff : soff+n]
		for i, v := range s {
			d[doff+i] += v
		}
	default:
		panic(fmt.Sprintf("unsupported dtype %v", dst.DType()))
	}
}

// ScatterAdd sets dst = 0 and adds the slices of dy back at their indices
// along axis (the gradient of Gather).
func ScatterAdd(dst, dy, indices *tensor.Tensor, axis int) error {
	dst.FillValue(0)
	xs := dst.Shape()
	outer := 1
	for _, d := range xs[:axis] {
		outer *= d
	}
	inner := 1
	for _, d := range xs[axis+1:] {
		inner *= d
	}
	nIdx := indices.Size()
	for o := 0; o < outer; o++ {
		for j := 0; j < nIdx; j++ {
			k := int(indices.Float(j))
			if k < 0 || k >= xs[axis] {
				return fmt.Errorf("index %d is outside [0, %d)", k, xs[axis])
			}
			AddRange(dst, (o*xs[axis]+k)*inner, dy, (o*nIdx+j)*inner, inner)
		}
	}
	return nil
}

// OneHot sets dst (indices' shape with depth inserted at axis) to off
// everywhere and to on where the position along axis equals the index;
// indices outside [0, depth) leave their row off.
func OneHot(dst, indices *tensor.Tensor, depth, axis int, on, off float64) {
	dst.FillValue(off)
	s := indices.Shape()
	inner := 1
	for _, d := range s[axis:] {
		inner *= d
	}
	for i := 0; i < indices.Size(); i++ {
		k := int(indices.Float(i))
		if k < 0 || k >= depth {
			continue
		}
		o, r := i/inner, i%inner
		dst.SetFloat((o*depth+k)*inner+r, on)
	}
}

// StridedCopy copies between small and the strided block of big that
// starts at start with the given strides (negative ones walk backwards) and
// lengths (small holds their product, in any shape): small = big[block], or
// big[block] = small when scatter.
func StridedCopy(small, big *tensor.Tensor, start, strides, lengths []int, scatter bool) {
	ss := lengths
	r := len(ss)
	if small.Size() == 0 {
		return
	}
	if r == 0 {
		if scatter {
			big.SetFloat(0, small.Float(0))
		} else {
			small.SetFloat(0, big.Float(0))
		}
		return
	}
	bst := big.Shape().Strides()
	var idx [16]int
	n, step := ss[r-1], strides[r-1]
	for so := 0; so < small.Size(); so += n {
		bo := 0
		for k := 0; k < r-1; k++ {
			bo += (start[k] + idx[k]*strides[k]) * bst[k]
		}
		bo += start[r-1]
		if step == 1 {
			if scatter {
				CopyRange(big, bo, small, so, n)
			} else {
				CopyRange(small, so, big, bo, n)
			}
		} else {
			for j := 0; j < n; j++ {
				if scatter {
					big.SetFloat(bo+j*step, small.Float(so+j))
				} else {
					small.SetFloat(so+j, big.Float(bo+j*step))
				}
			}
		}
		for k := r - 2; k >= 0; k-- {
			idx[k]++
			if idx[k] < ss[k] {
				break
			}
			idx[k] = 0
		}
	}
}

// LookupRows copies row ids[i] of the table params into row i of dst (an
// embedding lookup); an id outside the table is an error naming it, and
// nothing is read outside the table.
func LookupRows(dst, params, ids *tensor.Tensor) error {
	rows := params.Shape()[0]
	width := 1
	for _, d := range params.Shape()[1:] {
		width *= d
	}
	for i := 0; i < ids.Size(); i++ {
		k := ids.Float(i)
		if k < 0 || k >= float64(rows) {
			return fmt.Errorf("id %d (position %d of the ids) is outside the table of %d rows", int64(k), i, rows)
		}
		CopyRange(dst, i*width, params, int(k)*width, width)
	}
	return nil
}

// ScatterAddRows sets dst (the table's shape) to zero and adds row i of dy
// into row ids[i]: the gradient of LookupRows, touching only the looked-up
// rows after the clear.
func ScatterAddRows(dst, dy, ids *tensor.Tensor) error {
	dst.FillValue(0)
	rows := dst.Shape()[0]
	width := 1
	for _, d := range dst.Shape()[1:] {
		width *= d
	}
	for i := 0; i < ids.Size(); i++ {
		k := ids.Float(i)
		if k < 0 || k >= float64(rows) {
			return fmt.Errorf("id %d (position %d of the ids) is outside the table of %d rows", int64(k), i, rows)
		}
		AddRange(dst, int(k)*width, dy, i*width, width)
	}
	return nil
}

// wholeInner reports whether a block of shape ss at begin covers dimensions
// 1 … r−2 of shape bs whole.
func wholeInner(ss, bs tensor.Shape, begin []int) bool {
	for k := 1; k < len(ss)-1; k++ {
		if ss[k] != bs[k] || begin[k] != 0 {
			return false
		}
	}
	return true
}
