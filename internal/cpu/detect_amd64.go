//go:build amd64 && !purego

package cpu

import "golang.org/x/sys/cpu"

// detect checks FMA with AVX2 (and AVX-512F); x/sys/cpu also checks that the
// operating system saves the wide registers.
func detect() ISA {
	x := &cpu.X86
	switch {
	case x.HasAVX2 && x.HasFMA && x.HasAVX512F:
		return AVX512
	case x.HasAVX2 && x.HasFMA:
		return AVX2
	}
	return Generic
}
