package kernels

import (
	"fmt"

	"github.com/tensorgo/tensorgo/tensor"
)

// The gradient of a reduction broadcasts dy, shaped as the reduction's
// kept-dimensions result, back over x's shape, scaled by 1/count for a mean:
// one fused pass that the tensor package has no allocation-free form of
// (its BroadcastToInto would need dy reshaped first).

// BroadcastLoop walks the big shape row by row (the innermost dimension), calling
// row with the flat offset into big, the matching offset into small (shape
// right-aligned, size-1 dimensions broadcast), small's stride along the row
// (0 or 1) and the row length.
func BroadcastLoop(big, small []int, row func(bi, si, sstride, n int)) {
	r := len(big)
	if r == 0 {
		row(0, 0, 0, 1)
		return
	}
	var sst [16]int
	if r > len(sst) {
		panic(fmt.Sprintf("rank %d is above 16", r))
	}
	acc := 1
	for i := r - 1; i >= 0; i-- {
		j := i - (r - len(small))
		if j >= 0 && small[j] != 1 {
			sst[i] = acc
			acc *= small[j]
		} else if j >= 0 {
			acc *= small[j]
		}
	}
	n := big[r-1]
	total := 1
	for _, d := range big {
		total *= d
	}
	if total == 0 {
		return
	}
	var idx [16]int
	si := 0
	for bi := 0; bi < total; bi += n {
		row(bi, si, sst[r-1], n)
		for d := r - 2; d >= 0; d-- {
			idx[d]++
			si += sst[d]
			if idx[d] < big[d] {
				break
			}
			si -= sst[d] * big[d]
			idx[d] = 0
		}
	}
}

// BroadcastScaled sets dst = scale * src broadcast to dst's shape.
func BroadcastScaled(dst, src *tensor.Tensor, srcShape []int, scale float64) {
	switch d := dst.Data().(type) {
	case []float32:
		s, k := src.Float32s(), float32(scale)
		BroadcastLoop(dst.Shape(), srcShape, func(bi, si, st, n int) {
			row := d[bi : bi+n]
			if st == 0 {
				v := s[si] * k
				for j := range row {
					row[j] = v
				}
				return
			}
			for j, v := range s[si : si+n] {
				row[j] = v * k
			}
		})
	case []float64:
		s := src.Float64s()
		BroadcastLoop(dst.Shape(), srcShape, func(bi, si, st, n int) {
			row := d[bi : bi+n]
			if st == 0 {
				v := s[si] * scale
				for j := range row {
					row[j] = v
				}
				return
			}
			for j, v := range s[si : si+n] {
				row[j] = v * scale
			}
		})
	default:
		if scale != 1 {
			panic(fmt.Sprintf("broadcast: cannot scale %v", dst.DType()))
		}
		total := dst.Size()
		BroadcastLoop(dst.Shape(), srcShape, func(bi, si, st, n int) {
			for j := 0; j < n && bi+j < total; j++ {
				dst.SetFloat(bi+j, src.Float(si+j*st))
			}
		})
	}
}
