package cpu

import "math"

// FMA32 returns x*y + z rounded once to float32, as the FMA instructions
// (VFMADD231SS/PS) compute it. Portable code that must give the bits of a
// vector kernel with FMA — its scalar tail, or the generic path — uses it
// (math.FMA is the float64 version). Where the compiler turns x*y + z into
// one fused instruction (FusedFMA32), that is all it is; elsewhere it is
// computed in float64 (fma32Soft), and a hot loop does better to sum in
// float64 itself and round with Round32.
func FMA32(x, y, z float32) float32 { return fma32(x, y, z) }

// fma32Soft is FMA32 from float64 arithmetic. The product of two float32
// values is exact in float64, so s = p + z is the exact result rounded once
// to float64. Rounding s again to float32 gives the correctly rounded result
// unless s lies exactly halfway between two float32 values while the exact
// sum does not (a double rounding); the slow path settles that case from the
// exact error of the addition.
func fma32Soft(x, y, z float32) float32 {
	p := float64(x) * float64(y)
	s := p + float64(z)
	if Round32(s) {
		return float32(s)
	}
	return fma32Slow(p, float64(z), s)
}

// Round32 reports whether float32(s), for s = float64(x)*float64(y) +
// float64(z) rounded once to float64, is FMA32(x, y, z): s is not a float32
// midpoint (the 29 bits that float32 drops are not 100...0) and not in
// float32's subnormal range, unless it is zero. It is false for less than
// one sum in a million of ordinary data, where the caller calls FMA32. It is
// small enough to inline into the caller's loop, which FMA32 without fused
// hardware is not.
func Round32(s float64) bool {
	b := math.Float64bits(s)
	return b&(1<<29-1) != 1<<28 && (b&(0x7ff<<52) >= (1023-126)<<52 || b<<1 == 0)
}

// fma32Slow is FMA32's rare path: s = p + z rounded to float64, possibly a
// float32 midpoint or in float32's subnormal range.
func fma32Slow(p, z, s float64) float32 {
	if math.IsNaN(s) || math.IsInf(s, 0) {
		return float32(s)
	}
	// TwoSum: err is exactly (p + z) - s.
	bb := s - p
	err := (p - (s - bb)) + (z - bb)
	if err == 0 || !midpoint32(s) {
		return float32(s)
	}
	// The exact sum lies on err's side of the midpoint: move s off it.
	return float32(math.Nextafter(s, math.Copysign(math.Inf(1), err)))
}

// midpoint32 reports whether s lies exactly halfway between two adjacent
// float32 values.
func midpoint32(s float64) bool {
	a := math.Abs(s)
	if a >= 0x1p-126 {
		return math.Float64bits(s)&(1<<29-1) == 1<<28
	}
	// Subnormal float32 values are the multiples of 2^-149.
	t := a * 0x1p149
	return t-math.Floor(t) == 0.5
}
