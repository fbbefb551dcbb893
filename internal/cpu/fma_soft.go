//go:build !(gc && (arm64 || loong64 || ppc64 || ppc64le || riscv64))

package cpu

// FusedFMA32 reports whether FMA32 is one hardware instruction in this
// build. It is not: without fused hardware the compiler can be relied on to
// use (plain amd64, 386, 32-bit ARM, s390x, wasm, gccgo), FMA32 is computed
// in float64.
const FusedFMA32 = false

func fma32(x, y, z float32) float32 { return fma32Soft(x, y, z) }
