package tensor

import "math"

// Float16Value is one IEEE 754 binary16 value (1 sign bit, 5 exponent bits,
// 10 fraction bits), the element type of Float16 tensors; its bits are the
// uint16.
type Float16Value uint16

// BFloat16Value is one bfloat16 value (1 sign bit, 8 exponent bits, 7
// fraction bits: the top half of a float32), the element type of BFloat16
// tensors.
type BFloat16Value uint16

// Float16FromFloat64 rounds x to the nearest float16, ties to even:
// magnitudes from 65520 up become infinite, those below 2^-24 go through
// the subnormals to zero, NaN stays NaN (quiet, sign and leading payload
// bits kept).
func Float16FromFloat64(x float64) Float16Value { return Float16Value(roundSmall(x, 10, 15)) }

// Float16FromFloat32 rounds x to the nearest float16 as Float16FromFloat64
// does (x converts to float64 exactly, so there is one rounding).
func Float16FromFloat32(x float32) Float16Value { return Float16FromFloat64(float64(x)) }

// Float64 returns h's value exactly.
func (h Float16Value) Float64() float64 { return expandSmall(uint16(h), 10, 15) }

// Float32 returns h's value exactly.
func (h Float16Value) Float32() float32 { return float32(h.Float64()) }

// BFloat16FromFloat64 rounds x to the nearest bfloat16, ties to even, with
// float32's range (overflow to infinity, gradual underflow through the
// subnormals); NaN stays NaN.
func BFloat16FromFloat64(x float64) BFloat16Value { return BFloat16Value(roundSmall(x, 7, 127)) }

// BFloat16FromFloat32 rounds x to the nearest bfloat16, ties to even.
func BFloat16FromFloat32(x float32) BFloat16Value { return BFloat16FromFloat64(float64(x)) }

// Float64 returns b's value exactly.
func (b BFloat16Value) Float64() float64 { return expandSmall(uint16(b), 7, 127) }

// Float32 returns b's value exactly (its bits are b's followed by 16 zeros).
func (b BFloat16Value) Float32() float32 { return math.Float32frombits(uint32(b) << 16) }

// roundSmall rounds x to a 16-bit binary format with mant fraction bits and
// exponent bias bias, to nearest, ties to even.
func roundSmall(x float64, mant int, bias int) uint16 {
	b := math.Float64bits(x)
	sign := uint16(b>>48) & 0x8000
	exp := int(b>>52) & 0x7ff
	frac := b & (1<<52 - 1)
	expMax := uint16(2*bias+1) << mant // all exponent bits set
	switch {
	case exp == 0x7ff && frac != 0: // NaN: quiet, leading payload kept
		return sign | expMax | 1<<(mant-1) | uint16(frac>>(52-mant))
	case exp == 0x7ff:
		return sign | expMax
	case exp == 0: // zero or a float64 subnormal: far below any 16-bit value
		return sign
	}
	e := exp - 1023
	if e > bias {
		return sign | expMax
	}
	m := frac | 1<<52
	shift := 52 - mant
	if e < 1-bias {
		shift += 1 - bias - e // subnormal: fewer fraction bits
		if shift > 54 {
			return sign
		}
	}
	q := m >> shift
	rem := m & (1<<shift - 1)
	if half := uint64(1) << (shift - 1); rem > half || rem == half && q&1 == 1 {
		q++
	}
	if e < 1-bias {
		// q counts units of the smallest subnormal; q == 1<<mant is the
		// smallest normal, which the same bits encode.
		return sign | uint16(q)
	}
	// q holds the implicit bit; a carry out of the fraction moves into the
	// exponent, and past the largest exponent makes infinity.
	return sign | (uint16(e+bias)<<mant + uint16(q-1<<mant))
}

// expandSmall is roundSmall's inverse: the exact value of the 16-bit bits.
func expandSmall(h uint16, mant int, bias int) float64 {
	sign := 1.0
	if h&0x8000 != 0 {
		sign = -1
	}
	exp := int(h&0x7fff) >> mant
	frac := uint64(h) & (1<<mant - 1)
	switch {
	case exp == 2*bias+1 && frac != 0:
		// Keep the sign and payload in the float64 NaN.
		return math.Float64frombits(uint64(h&0x8000)<<48 | 0x7ff<<52 | 1<<51 | frac<<(52-mant))
	case exp == 2*bias+1:
		return math.Inf(int(sign))
	case exp == 0:
		return sign * math.Ldexp(float64(frac), 1-bias-mant)
	}
	return sign * math.Ldexp(float64(frac|1<<mant), exp-bias-mant)
}

// roundFloat16 and roundBFloat16 round a float64 to the 16-bit format and
// back: the printer's test that digits identify a value.
func roundFloat16(x float64) float64  { return Float16FromFloat64(x).Float64() }
func roundBFloat16(x float64) float64 { return BFloat16FromFloat64(x).Float64() }
