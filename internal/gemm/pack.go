package gemm

import (
	"github.com/tensorgo/tensorgo/internal/vec"
)

// packA copies rows [i0, i0+mc) and columns [p0, p0+kc) of op(A) into
// MR-row panels: panel q holds op(A)[i0+q*MR+r][p0+p] at dst[q*MR*kc+p*MR+r],
// zero-padded to a whole panel.
func packA[T float](kern *kernel[T], dst []T, trans bool, a []T, lda, i0, mc, p0, kc int) {
	MR := kern.mr
	for q := 0; q < mc; q += MR {
		mr := min(MR, mc-q)
		pan := dst[q*kc : q*kc+MR*kc]
		if trans {
			// op(A)[i][p] = a[p*lda+i]: each step p is a contiguous run of
			// rows. For float32, one strided copy takes them all (copy
			// would call memmove for each run of a few values).
			if a32, ok := any(a).([]float32); ok {
				if mr < MR {
					clear(pan)
				}
				vec.CopyStrided(any(pan).([]float32), MR, a32[p0*lda+i0+q:], vec.Strided{Blocks: kc, C: mr, Stride: lda})
				continue
			}
			for p := 0; p < kc; p++ {
				src := a[(p0+p)*lda+i0+q:]
				d := pan[p*MR : p*MR+MR]
				copy(d, src[:mr])
				clear(d[mr:])
			}
			continue
		}
		transpose(kern, pan, MR, a[(i0+q)*lda+p0:], lda, mr, kc)
		for r := mr; r < MR; r++ {
			for p := 0; p < kc; p++ {
				pan[p*MR+r] = 0
			}
		}
	}
}

// packB copies rows [p0, p0+kc) and columns [j0, j0+nc) of op(B) into
// NR-column panels: panel q holds op(B)[p0+p][j0+q*NR+j] at
// dst[q*NR*kc+p*NR+j], zero-padded to a whole panel.
func packB[T float](kern *kernel[T], dst []T, trans bool, b []T, ldb, p0, kc, j0, nc int) {
	NR := kern.nr
	for q := 0; q < nc; q += NR {
		nr := min(NR, nc-q)
		pan := dst[q*kc : q*kc+NR*kc]
		// Only the columns a kernel reads need zero padding: a last,
		// narrow panel is cleared, then its nr columns are written.
		w := NR
		if nr <= NR/2 && kern.half != nil {
			w = NR / 2
		}
		if nr < w {
			clear(pan)
		}
		if trans {
			// op(B)[p][j] = b[j*ldb+p]: a transpose.
			transpose(kern, pan, NR, b[(j0+q)*ldb+p0:], ldb, nr, kc)
			continue
		}
		if b32, ok := any(b).([]float32); ok {
			// One strided copy for float32, whole panels or not: a loop
			// over the few columns of each row cost the first
			// convolution's filter gradient in LeNet5 (6 filters) more
			// than its product.
			vec.CopyStrided(any(pan).([]float32), NR, b32[p0*ldb+j0+q:], vec.Strided{Blocks: kc, C: nr, Stride: ldb})
			continue
		}
		if nr == NR && (NR == 16 || NR == 32) {
			// Whole panels: fixed-size block copies (copy would call
			// memmove for each 64- or 128-byte row).
			for p := 0; p < kc; p++ {
				src := b[(p0+p)*ldb+j0+q:]
				if NR == 16 {
					*(*[16]T)(pan[p*16:]) = *(*[16]T)(src)
				} else {
					*(*[32]T)(pan[p*32:]) = *(*[32]T)(src)
				}
			}
			continue
		}
		for p := 0; p < kc; p++ {
			copy(pan[p*NR:p*NR+nr], b[(p0+p)*ldb+j0+q:])
		}
	}
}

// transpose sets dst[p*ldd+r] = src[r*ld+p] for r < rows, p < kc.
func transpose[T float](kern *kernel[T], dst []T, ldd int, src []T, ld int, rows, kc int) {
	if kern.tpack6 != nil && rows == 6 && ldd == 6 && kc >= 8 {
		kc8 := kc &^ 7
		_, _ = src[5*ld+kc8-1], dst[(kc8-1)*6+5]
		kern.tpack6(kc8, &src[0], ld, &dst[0])
		transposeTail(dst, ldd, src, ld, 0, rows, kc8, kc)
		return
	}
	r := 0
	if kern.tpack8 != nil && kc >= 8 {
		kc8 := kc &^ 7
		for ; r+8 <= rows; r += 8 {
			// The assembly writes through raw pointers: check the extents here.
			_, _ = src[(r+7)*ld+kc8-1], dst[(kc8-1)*ldd+r+7]
			kern.tpack8(kc8, &src[r*ld], ld, &dst[r], ldd)
		}
		transposeTail(dst, ldd, src, ld, 0, r, kc8, kc)
	}
	if r0 := r; kern.tpack != nil && kc >= 4 {
		kc4 := kc &^ 3
		for ; r+4 <= rows; r += 4 {
			_, _ = src[(r+3)*ld+kc4-1], dst[(kc4-1)*ldd+r+3]
			kern.tpack(kc4, &src[r*ld], ld, &dst[r], ldd)
		}
		if kern.tpack2 != nil && r+2 <= rows {
			_, _ = src[(r+1)*ld+kc4-1], dst[(kc4-1)*ldd+r+1]
			kern.tpack2(kc4, &src[r*ld], ld, &dst[r], ldd)
			r += 2
		}
		transposeTail(dst, ldd, src, ld, r0, r, kc4, kc)
	}
	transposeTail(dst, ldd, src, ld, r, rows, 0, kc)
}

// transposeTail is transpose's scalar loop over rows [r0, r1) and
// columns [p0, p1).
func transposeTail[T float](dst []T, ldd int, src []T, ld int, r0, r1, p0, p1 int) {
	for r := r0; r < r1; r++ {
		row := src[r*ld+p0 : r*ld+p1]
		for p, v := range row {
			dst[(p0+p)*ldd+r] = v
		}
	}
}
