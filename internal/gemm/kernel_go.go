package gemm

import (
	"math"
	"unsafe"

	"github.com/tensorgo/tensorgo/internal/cpu"
)

// The portable kernels: a 4×4 register tile in plain Go, used on every
// platform without an assembly kernel, under the purego tag, when
// internal/cpu selects the generic path, and by the tests as a second
// opinion. They fuse every multiply-add (fmaT) in the order the assembly
// does, so they give its bits. On load-store targets (arm64, riscv64, ...)
// cpu.FMA32 is the hardware's fused instruction, and a step of the float32
// kernel is 8 loads and 16 FMADDS in registers.
var (
	goKernel32 = kernel[float32]{name: "go", mr: 4, nr: 4, mc: 128, nc: 1024, fn: goKernelF32(), dot: goDot[float32], axpy: goAxpy[float32]}
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
	store4x4(c, ldc, alpha, beta, &[16]T{c00, c01, c02, c03, c10, c11, c12, c13, c20, c21, c22, c23, c30, c31, c32, c33})
}

// store4x4 writes a 4×4 tile t (row-major) into C, as store does.
func store4x4[T float](c *T, ldc int, alpha, beta T, t *[16]T) {
	cs := unsafe.Slice(c, 3*ldc+4)
	for i := range 4 {
		r, v := cs[i*ldc:i*ldc+4], t[4*i:4*i+4]
		store(&r[0], alpha, beta, v[0])
		store(&r[1], alpha, beta, v[1])
		store(&r[2], alpha, beta, v[2])
		store(&r[3], alpha, beta, v[3])
	}
}

// goKernelF32 is the float32 Go kernel for this build: goKernel where
// cpu.FMA32 is one fused instruction, goKernel32Soft elsewhere.
func goKernelF32() kernelFunc[float32] {
	if cpu.FusedFMA32 {
		return goKernel[float32]
	}
	return goKernel32Soft
}

// goKernel32Soft is goKernel for float32 without fused hardware. Each sum
// is taken in float64, where a float32 product is exact, and rounded to
// float32, which gives the fused result unless the float64 sum is a float32
// midpoint or in float32's subnormal range (cpu.Round32's test, here without
// a branch). If any sum was, the tile is done again by goKernel, whose
// cpu.FMA32 settles every case. Random data almost never needs that (a sum
// is a midpoint about once in 2^29); data of few significant bits, whose
// exact sums can be midpoints, needs it more often, which costs only time.
// On a Zen 3 this takes 2.3–2.8 ns a multiply-add (L1-resident panels),
// goKernel 4.7–8: its cpu.FMA32 is two calls a sum that do not inline.
func goKernel32Soft(k int, a *float32, ars, acs int, b *float32, bs int, c *float32, ldc int, alpha, beta float32) {
	var c00, c01, c02, c03, c10, c11, c12, c13 float32
	var c20, c21, c22, c23, c30, c31, c32, c33 float32
	// mid is the least of the sums' low 29 bits xor a midpoint's: 0 when
	// some sum is a midpoint; tiny is the least of (bits<<1)-1, below
	// tinyBelow when some sum is subnormal in float32 and not zero.
	const midBits, mid, tinyBelow = 1<<29 - 1, 1 << 28, (1023-126)<<53 - 1
	midMin, tinyMin := uint64(mid), uint64(math.MaxUint64)
	sum := func(x, y float64, c float32) float32 {
		s := x*y + float64(c)
		u := math.Float64bits(s)
		midMin = min(midMin, u&midBits^mid)
		tinyMin = min(tinyMin, u<<1-1)
		return float32(s)
	}
	if k > 0 {
		as := unsafe.Slice(a, 3*ars+(k-1)*acs+1)
		bv := unsafe.Slice(b, (k-1)*bs+4)
		for p := 0; p < k; p++ {
			ar := as[p*acs:]
			x0, x1, x2, x3 := float64(ar[0]), float64(ar[ars]), float64(ar[2*ars]), float64(ar[3*ars])
			br := bv[p*bs : p*bs+4]
			y0, y1, y2, y3 := float64(br[0]), float64(br[1]), float64(br[2]), float64(br[3])
			c00 = sum(x0, y0, c00)
			c01 = sum(x0, y1, c01)
			c02 = sum(x0, y2, c02)
			c03 = sum(x0, y3, c03)
			c10 = sum(x1, y0, c10)
			c11 = sum(x1, y1, c11)
			c12 = sum(x1, y2, c12)
			c13 = sum(x1, y3, c13)
			c20 = sum(x2, y0, c20)
			c21 = sum(x2, y1, c21)
			c22 = sum(x2, y2, c22)
			c23 = sum(x2, y3, c23)
			c30 = sum(x3, y0, c30)
			c31 = sum(x3, y1, c31)
			c32 = sum(x3, y2, c32)
			c33 = sum(x3, y3, c33)
		}
	}
	if midMin == 0 || tinyMin < tinyBelow {
		goKernel(k, a, ars, acs, b, bs, c, ldc, alpha, beta)
		return
	}
	store4x4(c, ldc, alpha, beta, &[16]float32{c00, c01, c02, c03, c10, c11, c12, c13, c20, c21, c22, c23, c30, c31, c32, c33})
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
