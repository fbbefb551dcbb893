//go:build amd64

package kernels

var useAVX2 = detectAVX2()

func cpuid(eaxArg, ecxArg uint32) (eax, ebx, ecx, edx uint32)
func xgetbv() (eax, edx uint32)

// detectAVX2 reports AVX2 and FMA with OS support for the YMM registers
// (as golang.org/x/sys/cpu decides it, without the dependency).
func detectAVX2() bool {
	maxID, _, _, _ := cpuid(0, 0)
	if maxID < 7 {
		return false
	}
	_, _, ecx1, _ := cpuid(1, 0)
	const fma, osxsave, avx = 1 << 12, 1 << 27, 1 << 28
	if ecx1&(fma|osxsave|avx) != fma|osxsave|avx {
		return false
	}
	xcr0, _ := xgetbv()
	_, ebx7, _, _ := cpuid(7, 0)
	return xcr0&0x6 == 0x6 && ebx7&(1<<5) != 0
}

// adamAVX2 runs the Adam step on the first n (a multiple of 8) elements.
//
//go:noescape
func adamAVX2(w, m, v, gr *float32, n int, lrt, b1, c1, b2, c2, eps float32)
