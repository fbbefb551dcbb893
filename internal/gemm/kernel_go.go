package gemm

import "unsafe"

// The portable kernels: a 4×4 register tile in plain Go, used on every
// platform without an assembly kernel, under the purego tag, when
// internal/cpu selects the generic path, and by the tests as a second
// opinion. They fuse every multiply-add (fmaT) in the order the assembly
// does, so they give its bits.
var (
	goKernel32 = kernel[float32]{name: "go", mr: 4, nr: 4, mc: 128, nc: 1024, fn: goKernel[float32], dot: goDot[float32], axpy: goAxpy[float32]}
	goKernel64 = kernel[float64]{name: "go", mr: 4, nr: 4, mc: 128, nc: 1024, fn: goKernel[float64], dot: goDot[float64], axpy: goAxpy[float64]}
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
			c00 = fmaT(a0, b0, c00)
			c01 = fmaT(a0, b1, c01)
			c02 = fmaT(a0, b2, c02)
			c03 = fmaT(a0, b3, c03)
			c10 = fmaT(a1, b0, c10)
			c11 = fmaT(a1, b1, c11)
			c12 = fmaT(a1, b2, c12)
			c13 = fmaT(a1, b3, c13)
			c20 = fmaT(a2, b0, c20)
			c21 = fmaT(a2, b1, c21)
			c22 = fmaT(a2, b2, c22)
			c23 = fmaT(a2, b3, c23)
			c30 = fmaT(a3, b0, c30)
			c31 = fmaT(a3, b1, c31)
			c32 = fmaT(a3, b2, c32)
			c33 = fmaT(a3, b3, c33)
		}
	}
	cs := unsafe.Slice(c, 3*ldc+4)
	row := func(r []T, x0, x1, x2, x3 T) {
		r = r[:4]
		store(&r[0], alpha, beta, x0)
		store(&r[1], alpha, beta, x1)
		store(&r[2], alpha, beta, x2)
		store(&r[3], alpha, beta, x3)
	}
	row(cs[0:], c00, c01, c02, c03)
	row(cs[ldc:], c10, c11, c12, c13)
	row(cs[2*ldc:], c20, c21, c22, c23)
	row(cs[3*ldc:], c30, c31, c32, c33)
}

// dotLanes is the number of partial sums a dot product keeps: 128 bytes of
// them, 32 float32 or 16 float64 (four AVX2 registers). Element i of x·y is
// added into partial i mod dotLanes, and the partials are summed pairwise in
// a fixed tree (dotFinish), so every implementation gives the same bits.
func dotLanes[T float]() int {
	var z T
	return 128 / int(unsafe.Sizeof(z))
}

// goDot is x·y over n elements in the dotLanes layout.
func goDot[T float](n int, x, y *T) T {
	var buf [32]T
	acc := buf[:dotLanes[T]()]
	xs, ys := unsafe.Slice(x, n), unsafe.Slice(y, n)
	L := len(acc)
	i := 0
	for ; i+L <= n; i += L {
		xb, yb := xs[i:i+L], ys[i:i+L]
		for l := range acc {
			acc[l] = fmaT(xb[l], yb[l], acc[l])
		}
	}
	return dotFinish(acc, xs[i:], ys[i:])
}

// dotFinish adds the last len(x) < len(acc) products into the first
// partials, then sums the partials: acc[l] += acc[l+w] for w = L/2, L/4,
// ..., 1, and returns acc[0].
func dotFinish[T float](acc, x, y []T) T {
	y = y[:len(x)]
	for l, v := range x {
		acc[l] = fmaT(v, y[l], acc[l])
	}
	for w := len(acc) / 2; w > 0; w /= 2 {
		for l := 0; l < w; l++ {
			acc[l] += acc[l+w]
		}
	}
	return acc[0]
}

func goAxpy[T float](n int, alpha T, x, y *T) {
	xs, ys := unsafe.Slice(x, n), unsafe.Slice(y, n)
	for i, v := range xs {
		ys[i] = fmaT(alpha, v, ys[i])
	}
}
