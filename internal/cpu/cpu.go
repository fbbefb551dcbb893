// Package cpu chooses the instruction-set path that tensorgo's kernels take:
// AVX-512, AVX2 (both with FMA) or the portable Go code.
//
// By default every kernel takes the widest path the processor and the
// operating system support. The TENSORGO_ISA environment variable (read once,
// at start: "avx512", "avx2" or "generic") or Set narrows the choice; a path
// wider than the machine supports is never taken. Building with the purego
// tag leaves only the generic path.
//
// Every path gives the same bits: the kernels that have vector versions keep
// one accumulation order and one rounding per operation whatever the
// vector width, so the setting changes speed, not results. FMA32 is the
// portable float32 fused multiply-add that scalar tails and generic paths
// use to match vector FMA instructions.
package cpu

import (
	"fmt"
	"os"
	"strings"
	"sync/atomic"
)

// ISA is an instruction-set path, ordered from the narrowest.
type ISA int32

// The paths, narrowest first.
const (
	Generic ISA = iota // portable Go
	AVX2               // 256-bit vectors with FMA
	AVX512             // 512-bit vectors (AVX-512F) with FMA
)

// String returns the name that TENSORGO_ISA and Parse accept.
func (i ISA) String() string {
	switch i {
	case Generic:
		return "generic"
	case AVX2:
		return "avx2"
	case AVX512:
		return "avx512"
	}
	return fmt.Sprintf("ISA(%d)", int32(i))
}

// Parse returns the ISA with the given name ("avx512", "avx2" or "generic",
// any case; "go" and "purego" also mean generic).
func Parse(name string) (ISA, error) {
	switch strings.ToLower(strings.TrimSpace(name)) {
	case "avx512", "avx-512", "avx512f":
		return AVX512, nil
	case "avx2":
		return AVX2, nil
	case "generic", "go", "purego":
		return Generic, nil
	}
	return Generic, fmt.Errorf("cpu: unknown instruction set %q (want avx512, avx2 or generic)", name)
}

// Best is the widest path this build can run on this machine.
var Best = detect()

var selected atomic.Int32

func init() {
	selected.Store(int32(Best))
	if s := os.Getenv("TENSORGO_ISA"); s != "" {
		if isa, err := Parse(s); err == nil {
			Set(isa)
		}
	}
}

// Selected returns the path kernels take now.
func Selected() ISA { return ISA(selected.Load()) }

// Set makes kernels take isa, or Best if isa is wider than Best, and returns
// the path now in force. It is safe to call at any time; a kernel call
// already running finishes on the path it started with.
func Set(isa ISA) ISA {
	if isa > Best {
		isa = Best
	}
	if isa < Generic {
		isa = Generic
	}
	selected.Store(int32(isa))
	return isa
}

// Available lists the paths this machine can run, widest first.
func Available() []ISA {
	var l []ISA
	for i := Best; i >= Generic; i-- {
		l = append(l, i)
	}
	return l
}
