//go:build amd64

package kernels

import "golang.org/x/sys/cpu"

// useAVX2 reports AVX2 and FMA with OS support for the YMM registers.
var useAVX2 = cpu.X86.HasAVX2 && cpu.X86.HasFMA

// adamAVX2 runs the Adam step on the first n (a multiple of 8) elements.
//
//go:noescape
func adamAVX2(w, m, v, gr *float32, n int, lrt, b1, c1, b2, c2, eps float32)
