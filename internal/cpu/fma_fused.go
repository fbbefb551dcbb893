//go:build gc && (arm64 || loong64 || ppc64 || ppc64le || riscv64)

package cpu

// FusedFMA32 reports whether FMA32 is one hardware instruction in this
// build. It is: on these load-store targets the gc compiler turns x*y + z
// into one fused instruction (FMADDS and its kin), which rounds once, as
// FMA32 must. TestFMA32MatchesExactRounding and TestFMA32InLoops check it.
//
// (GOAMD64=v3 fuses too, but not when an operand comes from memory, where
// its loads fold into the multiply first.)
const FusedFMA32 = true

// The conversion rounds z, so that where z is itself a product in the
// caller (FMA32(b, c, a*t)) the compiler cannot fuse that product instead.
func fma32(x, y, z float32) float32 { return x*y + float32(z) }
