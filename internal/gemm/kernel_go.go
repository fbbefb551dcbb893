package gemm

import "unsafe"

// The portable kernels: a 4×4 register tile in plain Go, used on every
// platform without an assembly kernel and by the tests as a second opinion.
var (
	goKernel32 = kernel[float32]{name: "go", mr: 4, nr: 4, kc: 256, mc: 128, nc: 1024, fn: goKernel[float32], dot: goDot[float32], axpy: goAxpy[float32]}
	goKernel64 = kernel[float64]{name: "go", mr: 4, nr: 4, kc: 256, mc: 128, nc: 1024, fn: goKernel[float64], dot: goDot[float64], axpy: goAxpy[float64]}
)

func goKernel[T float](k int, a *T, ars, acs int, b *T, bs int, c *T, ldc int, alpha, beta T) {
	var c00, c01, c02, c03, c10, c11, c12, c13 T
	var c20, c21, c22, c23, c30, c31, c32, c33 T
	if k > 0 {
		as := unsafe.Slice(a, 3*ars+(k-1)*acs+1)
		bv := unsafe.Slice(b, (k-1)*bs+4)
		for p := 0; p < k; p++ {
			ar := as[p*acs:]
			a0, a1, a2, a3 := ar[0], ar[ars], ar[2*ars], ar[3*ars]
			br := bv[p*bs : p*bs+4]
			b0, b1, b2, b3 := br[0], br[1], br[2], br[3]
			c00 += a0 * b0
			c01 += a0 * b1
			c02 += a0 * b2
			c03 += a0 * b3
			c10 += a1 * b0
			c11 += a1 * b1
			c12 += a1 * b2
			c13 += a1 * b3
			c20 += a2 * b0
			c21 += a2 * b1
			c22 += a2 * b2
			c23 += a2 * b3
			c30 += a3 * b0
			c31 += a3 * b1
			c32 += a3 * b2
			c33 += a3 * b3
		}
	}
	cs := unsafe.Slice(c, 3*ldc+4)
	store := func(row []T, x0, x1, x2, x3 T) {
		row = row[:4]
		if beta == 0 {
			row[0], row[1], row[2], row[3] = alpha*x0, alpha*x1, alpha*x2, alpha*x3
		} else {
			row[0] = alpha*x0 + beta*row[0]
			row[1] = alpha*x1 + beta*row[1]
			row[2] = alpha*x2 + beta*row[2]
			row[3] = alpha*x3 + beta*row[3]
		}
	}
	store(cs[0:], c00, c01, c02, c03)
	store(cs[ldc:], c10, c11, c12, c13)
	store(cs[2*ldc:], c20, c21, c22, c23)
	store(cs[3*ldc:], c30, c31, c32, c33)
}

func goDot[T float](n int, x, y *T) T {
	xs, ys := unsafe.Slice(x, n), unsafe.Slice(y, n)
	var s0, s1, s2, s3 T
	i := 0
	for ; i+4 <= n; i += 4 {
		s0 += xs[i] * ys[i]
		s1 += xs[i+1] * ys[i+1]
		s2 += xs[i+2] * ys[i+2]
		s3 += xs[i+3] * ys[i+3]
	}
	for ; i < n; i++ {
		s0 += xs[i] * ys[i]
	}
	return (s0 + s1) + (s2 + s3)
}

func goAxpy[T float](n int, alpha T, x, y *T) {
	xs, ys := unsafe.Slice(x, n), unsafe.Slice(y, n)
	for i, v := range xs {
		ys[i] += alpha * v
	}
}
