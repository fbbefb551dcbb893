//go:build amd64 && !purego

package gemm

import (
	"unsafe"

	"github.com/tensorgo/tensorgo/internal/cpu"
)

//go:generate go run gen.go

// The assembly micro-kernels (kernels_amd64.s); see kernelFunc for the contract.

//go:noescape
func sgemmAVX512(k int, a *float32, ars, acs int, b *float32, bs int, c *float32, ldc int, alpha, beta float32)

//go:noescape
func dgemmAVX512(k int, a *float64, ars, acs int, b *float64, bs int, c *float64, ldc int, alpha, beta float64)

//go:noescape
func sgemmAVX2(k int, a *float32, ars, acs int, b *float32, bs int, c *float32, ldc int, alpha, beta float32)

//go:noescape
func dgemmAVX2(k int, a *float64, ars, acs int, b *float64, bs int, c *float64, ldc int, alpha, beta float64)

// The Tiles kernels run tiles tiles in one call: tile i reads A from
// a + i*aStep and B from b + i*bStep, and writes C from c + i*cStep on (down
// a column of tiles: bStep 0 and cStep mr*ldc; along a row: aStep 0).

//go:noescape
func sgemmAVX512Tiles(k int, a *float32, ars, acs int, b *float32, bs int, c *float32, ldc int, alpha, beta float32, tiles, aStep, bStep, cStep int)

//go:noescape
func dgemmAVX512Tiles(k int, a *float64, ars, acs int, b *float64, bs int, c *float64, ldc int, alpha, beta float64, tiles, aStep, bStep, cStep int)

//go:noescape
func sgemmAVX2Tiles(k int, a *float32, ars, acs int, b *float32, bs int, c *float32, ldc int, alpha, beta float32, tiles, aStep, bStep, cStep int)

//go:noescape
func dgemmAVX2Tiles(k int, a *float64, ars, acs int, b *float64, bs int, c *float64, ldc int, alpha, beta float64, tiles, aStep, bStep, cStep int)

//go:noescape
func sgemmAVX512Half(k int, a *float32, ars, acs int, b *float32, bs int, c *float32, ldc int, alpha, beta float32)

//go:noescape
func dgemmAVX512Half(k int, a *float64, ars, acs int, b *float64, bs int, c *float64, ldc int, alpha, beta float64)

//go:noescape
func sgemmAVX2Half(k int, a *float32, ars, acs int, b *float32, bs int, c *float32, ldc int, alpha, beta float32)

//go:noescape
func dgemmAVX2Half(k int, a *float64, ars, acs int, b *float64, bs int, c *float64, ldc int, alpha, beta float64)

//go:noescape
func sgemmAVX512Edge3(k int, a *float32, ars, acs int, b *float32, bs int, c *float32, ldc int, alpha, beta float32, mr int, mask uint32)

//go:noescape
func sgemmAVX512Edge6(k int, a *float32, ars, acs int, b *float32, bs int, c *float32, ldc int, alpha, beta float32, mr int, mask uint32)

//go:noescape
func sgemmAVX512Edge9(k int, a *float32, ars, acs int, b *float32, bs int, c *float32, ldc int, alpha, beta float32, mr int, mask uint32)

//go:noescape
func sgemmAVX512Edge12(k int, a *float32, ars, acs int, b *float32, bs int, c *float32, ldc int, alpha, beta float32, mr int, mask uint32)

//go:noescape
func sgemmAVX512EdgeHalf3(k int, a *float32, ars, acs int, b *float32, bs int, c *float32, ldc int, alpha, beta float32, mr int, mask uint32)

//go:noescape
func sgemmAVX512EdgeHalf6(k int, a *float32, ars, acs int, b *float32, bs int, c *float32, ldc int, alpha, beta float32, mr int, mask uint32)

//go:noescape
func sgemmAVX512EdgeHalf9(k int, a *float32, ars, acs int, b *float32, bs int, c *float32, ldc int, alpha, beta float32, mr int, mask uint32)

//go:noescape
func sgemmAVX512EdgeHalf12(k int, a *float32, ars, acs int, b *float32, bs int, c *float32, ldc int, alpha, beta float32, mr int, mask uint32)

//go:noescape
func dgemmAVX512Edge3(k int, a *float64, ars, acs int, b *float64, bs int, c *float64, ldc int, alpha, beta float64, mr int, mask uint32)

//go:noescape
func dgemmAVX512Edge6(k int, a *float64, ars, acs int, b *float64, bs int, c *float64, ldc int, alpha, beta float64, mr int, mask uint32)

//go:noescape
func dgemmAVX512Edge9(k int, a *float64, ars, acs int, b *float64, bs int, c *float64, ldc int, alpha, beta float64, mr int, mask uint32)

//go:noescape
func dgemmAVX512Edge12(k int, a *float64, ars, acs int, b *float64, bs int, c *float64, ldc int, alpha, beta float64, mr int, mask uint32)

//go:noescape
func dgemmAVX512EdgeHalf3(k int, a *float64, ars, acs int, b *float64, bs int, c *float64, ldc int, alpha, beta float64, mr int, mask uint32)

//go:noescape
func dgemmAVX512EdgeHalf6(k int, a *float64, ars, acs int, b *float64, bs int, c *float64, ldc int, alpha, beta float64, mr int, mask uint32)

//go:noescape
func dgemmAVX512EdgeHalf9(k int, a *float64, ars, acs int, b *float64, bs int, c *float64, ldc int, alpha, beta float64, mr int, mask uint32)

//go:noescape
func dgemmAVX512EdgeHalf12(k int, a *float64, ars, acs int, b *float64, bs int, c *float64, ldc int, alpha, beta float64, mr int, mask uint32)

// sdotAVX2 and ddotAVX2 accumulate x[i]*y[i] into acc[i mod len(acc)]
// (dotLanes partials) over n elements, n a multiple of len(acc).
//
//go:noescape
func sdotAVX2(n int, x, y *float32, acc *[32]float32)

//go:noescape
func ddotAVX2(n int, x, y *float64, acc *[16]float64)

// sdot is x·y in goDot's layout: the assembly takes the whole 32-element
// blocks, dotFinish the rest.
func sdot(n int, x, y *float32) float32 {
	var acc [32]float32
	full := n &^ 31
	if full > 0 {
		sdotAVX2(full, x, y, &acc)
	}
	xs, ys := unsafe.Slice(x, n), unsafe.Slice(y, n)
	return dotFinish(acc[:], xs[full:], ys[full:])
}

// ddot is sdot for float64, 16 elements a block.
func ddot(n int, x, y *float64) float64 {
	var acc [16]float64
	full := n &^ 15
	if full > 0 {
		ddotAVX2(full, x, y, &acc)
	}
	xs, ys := unsafe.Slice(x, n), unsafe.Slice(y, n)
	return dotFinish(acc[:], xs[full:], ys[full:])
}

//go:noescape
func saxpyAVX2(n int, alpha float32, x, y *float32)

//go:noescape
func daxpyAVX2(n int, alpha float64, x, y *float64)

//go:noescape
func transpose4x4s(kc int, src *float32, ld int, dst *float32, ldd int)

//go:noescape
func transpose4x4d(kc int, src *float64, ld int, dst *float64, ldd int)

//go:noescape
func transpose8x8s(kc int, src *float32, ld int, dst *float32, ldd int)

//go:noescape
func transpose2x4s(kc int, src *float32, ld int, dst *float32, ldd int)

//go:noescape
func transpose6x8s(kc int, src *float32, ld int, dst *float32)

// Blocking: the KC×NR B micro-panel stays in L1 (48 KiB here), the MC×KC A
// block in L2 (1 MiB) and the KC×NC B block in L3.
var (
	avx512Kernel32 = kernel[float32]{
		name: "avx512", mr: 12, nr: 32, mc: 384, nc: 2048,
		fn: sgemmAVX512, half: sgemmAVX512Half, tiles: sgemmAVX512Tiles,
		edge:     []edgeFunc[float32]{sgemmAVX512Edge3, sgemmAVX512Edge6, sgemmAVX512Edge9, sgemmAVX512Edge12},
		edgeHalf: []edgeFunc[float32]{sgemmAVX512EdgeHalf3, sgemmAVX512EdgeHalf6, sgemmAVX512EdgeHalf9, sgemmAVX512EdgeHalf12},
		dot:      sdot, axpy: saxpyAVX2, tpack: transpose4x4s, tpack8: transpose8x8s, tpack2: transpose2x4s,
	}
	avx512Kernel64 = kernel[float64]{
		name: "avx512", mr: 12, nr: 16, mc: 192, nc: 2048,
		fn: dgemmAVX512, half: dgemmAVX512Half, tiles: dgemmAVX512Tiles,
		edge:     []edgeFunc[float64]{dgemmAVX512Edge3, dgemmAVX512Edge6, dgemmAVX512Edge9, dgemmAVX512Edge12},
		edgeHalf: []edgeFunc[float64]{dgemmAVX512EdgeHalf3, dgemmAVX512EdgeHalf6, dgemmAVX512EdgeHalf9, dgemmAVX512EdgeHalf12},
		dot:      ddot, axpy: daxpyAVX2, tpack: transpose4x4d,
	}
	avx2Kernel32 = kernel[float32]{
		name: "avx2", mr: 6, nr: 16, mc: 192, nc: 2048, nb: 256,
		fn: sgemmAVX2, half: sgemmAVX2Half, tiles: sgemmAVX2Tiles,
		dot: sdot, axpy: saxpyAVX2, tpack: transpose4x4s, tpack8: transpose8x8s, tpack2: transpose2x4s, tpack6: transpose6x8s,
	}
	avx2Kernel64 = kernel[float64]{
		name: "avx2", mr: 6, nr: 8, mc: 192, nc: 2048, nb: 128,
		fn: dgemmAVX2, half: dgemmAVX2Half, tiles: dgemmAVX2Tiles,
		dot: ddot, axpy: daxpyAVX2, tpack: transpose4x4d,
	}
)

// Each path's kernels; internal/cpu never selects a path wider than the
// machine runs.
func init() {
	s32.byISA[cpu.AVX2], s64.byISA[cpu.AVX2] = &avx2Kernel32, &avx2Kernel64
	s32.byISA[cpu.AVX512], s64.byISA[cpu.AVX512] = &avx512Kernel32, &avx512Kernel64
}

// kernels32 lists the float32 kernels this CPU can run, the default first.
func kernels32() []*kernel[float32] {
	var ks []*kernel[float32]
	for _, isa := range cpu.Available() {
		ks = append(ks, s32.byISA[isa])
	}
	return ks
}

// kernels64 lists the float64 kernels this CPU can run, the default first.
func kernels64() []*kernel[float64] {
	var ks []*kernel[float64]
	for _, isa := range cpu.Available() {
		ks = append(ks, s64.byISA[isa])
	}
	return ks
}
