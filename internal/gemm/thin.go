package gemm

import (
	"sync"

	"github.com/tensorgo/tensorgo/internal/parallel"
)

// The thin product: C (m×n) = A·B (+ C) for float32 with 2 ≤ n ≤ 8 columns, a
// depth of one K block and alpha 1, such as a convolution with few output
// channels (6 in the course's baseline and LeNet5) over many pixels. The
// blocked kernels would use a fraction of their register tile there; the
// thin kernel keeps B's k×8 values in cache and runs 8 rows' chains side
// by side. Each element is the same fused chain from zero, then the same
// addition of C, as in the blocked kernels, so the result has their bits.

// thinRows is the grain of the row split: rows are independent, so the
// split cannot change the result.
const thinRows = 256

type thinJob struct {
	m, k, n, lda, ldc int
	a, c              []float32
	bp                [blockK * 8]float32 // B, rows padded to 8
	beta              bool
	fn                func(lo, hi int)
}

var thinJobs = sync.Pool{New: func() any {
	j := new(thinJob)
	j.fn = j.run
	return j
}}

// thin runs the thin product and reports true, or reports false (and does
// nothing) when the product is not thin or the kernel is not available.
func thin(transA, transB bool, m, n, k int, alpha float32, a []float32, lda int, b []float32, ldb int, beta float32, c []float32, ldc int) bool {
	if !hasThin || transA || transB || n > 8 || n < 2 || k < 1 || k > blockK || m < 16 || alpha != 1 || (beta != 0 && beta != 1) || !thinOK() {
		return false
	}
	j := thinJobs.Get().(*thinJob)
	j.m, j.k, j.n, j.lda, j.ldc = m, k, n, lda, ldc
	j.a, j.c, j.beta = a, c, beta == 1
	for p := 0; p < k; p++ {
		row := j.bp[p*8 : p*8+8]
		copy(row, b[p*ldb:p*ldb+n])
		clear(row[n:])
	}
	parallel.For((m+thinRows-1)/thinRows, 1, j.fn)
	j.a, j.c = nil, nil
	thinJobs.Put(j)
	return true
}

func (j *thinJob) run(lo, hi int) {
	r0, r1 := lo*thinRows, min(hi*thinRows, j.m)
	// The checks make the assembly's reads and writes stay inside a and c.
	_ = j.a[(r1-1)*j.lda+j.k-1]
	_ = j.c[(r1-1)*j.ldc+j.n-1]
	sgemmThinAVX2(r1-r0, j.k, &j.a[r0*j.lda], j.lda, &j.bp[0], &j.c[r0*j.ldc], j.ldc, j.n, j.beta)
}
