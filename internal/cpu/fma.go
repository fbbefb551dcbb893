package cpu

import "math"

// FMA32 returns x*y + z rounded once to float32, as the FMA instructions
// (VFMADD231SS/PS) compute it. Portable code that must give the bits of a
// vector kernel with FMA — its scalar tail, or the generic path — uses it
// (math.FMA is the float64 version).
//
// The product of two float32 values is exact in float64, so s = p + z is the
// exact result rounded once to float64. Rounding s again to float32 gives the
// correctly rounded result unless s lies exactly halfway between two float32
// values while the exact sum does not (a double rounding); the slow path
// settles that case from the exact error of the addition.
func FMA32(x, y, z float32) float32 {
	p := float64(x) * float64(y)
	s := p + float64(z)
	b := math.Float64bits(s)
	// Normal float32 range (exponent at least -126) and not a midpoint: the
	// 29 bits that float32 drops are not 100...0.
	if b&(1<<29-1) != 1<<28 && b&(0x7ff<<52) >= (1023-126)<<52 {
		return float32(s)
	}
	return fma32Slow(p, float64(z), s)
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
