//go:build amd64 && !purego

package kernels

import "golang.org/x/sys/cpu"

// useAVX2 reports AVX2 and FMA with OS support for the YMM registers.
var useAVX2 = cpu.X86.HasAVX2 && cpu.X86.HasFMA

// useAVX512 reports AVX-512F with OS support for the ZMM registers.
var useAVX512 = useAVX2 && cpu.X86.HasAVX512F

// adamAVX2 runs the Adam step on the first n (a multiple of 8) elements,
// flushing denormals to zero.
//
//go:noescape
func adamAVX2(w, m, v, gr *float32, n int, lrt, b1, c1, b2, c2, eps float32)

// adamAVX512 runs the Adam step on the first n (a multiple of 16) elements,
// flushing denormals to zero.
//
//go:noescape
func adamAVX512(w, m, v, gr *float32, n int, lrt, b1, c1, b2, c2, eps float32)
