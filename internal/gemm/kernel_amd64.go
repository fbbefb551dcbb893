//go:build amd64

package gemm

import "golang.org/x/sys/cpu"

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

//go:noescape
func sdotAVX2(n int, x, y *float32) float32

//go:noescape
func ddotAVX2(n int, x, y *float64) float64

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

// Blocking: the KC×NR B micro-panel stays in L1 (48 KiB here), the MC×KC A
// block in L2 (1 MiB) and the KC×NC B block in L3.
var (
	avx512Kernel32 = kernel[float32]{
		name: "avx512", mr: 12, nr: 32, kc: 256, mc: 384, nc: 2048,
		fn: sgemmAVX512, half: sgemmAVX512Half,
		edge:     []edgeFunc[float32]{sgemmAVX512Edge3, sgemmAVX512Edge6, sgemmAVX512Edge9, sgemmAVX512Edge12},
		edgeHalf: []edgeFunc[float32]{sgemmAVX512EdgeHalf3, sgemmAVX512EdgeHalf6, sgemmAVX512EdgeHalf9, sgemmAVX512EdgeHalf12},
		dot:      sdotAVX2, axpy: saxpyAVX2, tpack: transpose4x4s, tpack8: transpose8x8s,
	}
	avx512Kernel64 = kernel[float64]{
		name: "avx512", mr: 12, nr: 16, kc: 256, mc: 192, nc: 2048,
		fn: dgemmAVX512, half: dgemmAVX512Half,
		edge:     []edgeFunc[float64]{dgemmAVX512Edge3, dgemmAVX512Edge6, dgemmAVX512Edge9, dgemmAVX512Edge12},
		edgeHalf: []edgeFunc[float64]{dgemmAVX512EdgeHalf3, dgemmAVX512EdgeHalf6, dgemmAVX512EdgeHalf9, dgemmAVX512EdgeHalf12},
		dot:      ddotAVX2, axpy: daxpyAVX2, tpack: transpose4x4d,
	}
	avx2Kernel32 = kernel[float32]{
		name: "avx2", mr: 6, nr: 16, kc: 256, mc: 192, nc: 2048,
		fn: sgemmAVX2, half: sgemmAVX2Half,
		dot: sdotAVX2, axpy: saxpyAVX2, tpack: transpose4x4s, tpack8: transpose8x8s,
	}
	avx2Kernel64 = kernel[float64]{
		name: "avx2", mr: 6, nr: 8, kc: 256, mc: 192, nc: 2048,
		fn: dgemmAVX2, half: dgemmAVX2Half,
		dot: ddotAVX2, axpy: daxpyAVX2, tpack: transpose4x4d,
	}
)

// The kernels need FMA with AVX2 (or AVX-512F); x/sys/cpu also checks that
// the OS saves the wide registers.
var (
	hasAVX2   = cpu.X86.HasAVX2 && cpu.X86.HasFMA
	hasAVX512 = hasAVX2 && cpu.X86.HasAVX512F
)

func init() {
	s32.kern, s64.kern = kernels32()[0], kernels64()[0]
}

// kernels32 lists the float32 kernels this CPU can run, the default first.
func kernels32() []*kernel[float32] {
	var ks []*kernel[float32]
	if hasAVX512 {
		ks = append(ks, &avx512Kernel32)
	}
	if hasAVX2 {
		ks = append(ks, &avx2Kernel32)
	}
	return append(ks, &goKernel32)
}

// kernels64 lists the float64 kernels this CPU can run, the default first.
func kernels64() []*kernel[float64] {
	var ks []*kernel[float64]
	if hasAVX512 {
		ks = append(ks, &avx512Kernel64)
	}
	if hasAVX2 {
		ks = append(ks, &avx2Kernel64)
	}
	return append(ks, &goKernel64)
}
