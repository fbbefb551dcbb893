package vec

import "math"

// Fast float32 sigmoid and tanh for the activations. math.Exp and
// math.Tanh work in float64 and cost more than the rest of a float32 step
// together, so the float32 kernels use these instead: Cephes-style
// polynomials accurate to a few units in the last place, written without
// fused multiply-adds and with every product rounded (the float32
// conversions stop the compiler from fusing), so that the AVX2 assembly
// (act_amd64.s), which runs the same steps in the same order eight lanes at
// a time, gives the same bits. Results therefore depend neither on the
// thread count nor on the instruction set. A NaN stays a NaN.

// The constants, as float32; act_amd64.s holds the same bit patterns.
const (
	expHi float32 = 88 // exp's input is clamped to [expLo, expHi]: 2^n stays a normal float32
	expLo float32 = -87
	log2e float32 = 1.44269504088896341
	ln2Hi float32 = 0.693359375 // ln 2 = ln2Hi + ln2Lo; ln2Hi·n is exact for |n| < 2^15
	ln2Lo float32 = -2.12194440e-4

	// e^r ≈ 1 + r + r²·P(r) on [−ln2/2, ln2/2] (Cephes expf's coefficients).
	expP0 float32 = 1.9875691500e-4
	expP1 float32 = 1.3981999507e-3
	expP2 float32 = 8.3334519073e-3
	expP3 float32 = 4.1665795894e-2
	expP4 float32 = 1.6666665459e-1
	expP5 float32 = 5.0000001201e-1

	// tanh x ≈ x + x·z·Q(z), z = x², for |x| < tanhSmall (Cephes tanhf's).
	tanhSmall float32 = 0.625
	tanhBig   float32 = 9 // tanh(9) rounds to 1 in float32
	tanhQ0    float32 = -5.70498872745e-3
	tanhQ1    float32 = 2.06390887954e-2
	tanhQ2    float32 = -5.37397155531e-2
	tanhQ3    float32 = 1.33314422036e-1
	tanhQ4    float32 = -3.33332819422e-1
)

// exp32 returns e^x for x in float32: n = round(x·log2 e), r = x − n·ln 2
// in two parts, e^r by a polynomial, times 2^n built in the exponent bits.
func exp32(x float32) float32 {
	if expHi < x {
		x = expHi
	}
	if expLo > x {
		x = expLo
	}
	fn := float32(math.RoundToEven(float64(x * log2e)))
	r := x - float32(fn*ln2Hi)
	r -= float32(fn * ln2Lo)
	z := float32(r * r)
	p := float32(expP0*r) + expP1
	p = float32(p*r) + expP2
	p = float32(p*r) + expP3
	p = float32(p*r) + expP4
	p = float32(p*r) + expP5
	y := float32(p*z) + r
	y++
	return y * math.Float32frombits(uint32(int32(fn)+127)<<23)
}

// sigmoid32 returns 1/(1+e^−x).
func sigmoid32(x float32) float32 {
	y := 1 / (exp32(-x) + 1)
	if y < 0x1p-126 {
		// A subnormal result (x below about −87) is flushed to zero, as
		// TensorFlow's kernels do: subnormals would slow down every op
		// they reach.
		return 0
	}
	return y
}

// tanh32 returns tanh x: a polynomial for |x| < 0.625, else
// 1 − 2/(e^{2|x|}+1) with the sign of x.
func tanh32(x float32) float32 {
	a := math.Float32frombits(math.Float32bits(x) &^ (1 << 31))
	if a < tanhSmall {
		z := float32(x * x)
		p := float32(tanhQ0*z) + tanhQ1
		p = float32(p*z) + tanhQ2
		p = float32(p*z) + tanhQ3
		p = float32(p*z) + tanhQ4
		return float32(float32(p*z)*x) + x
	}
	if tanhBig < a {
		a = tanhBig
	}
	e := exp32(a + a)
	y := 1 - 2/(e+1)
	return math.Float32frombits(math.Float32bits(y) | math.Float32bits(x)&(1<<31))
}

// sigmoidGo and tanhGo are the portable loops over a slice.
func sigmoidGo(x []float32) {
	for i, v := range x {
		x[i] = sigmoid32(v)
	}
}

func tanhGo(x []float32) {
	for i, v := range x {
		x[i] = tanh32(v)
	}
}

// Sigmoid replaces every x[i] by 1/(1+e^−x[i]) in place, to within a few
// units in the last place, with the same bits on every path.
func Sigmoid(x []float32) {
	n := len(x)
	if vector() && n >= lanes {
		sigmoidAVX2(&x[0], n)
		x = x[n&^(lanes-1):]
	}
	sigmoidGo(x)
}

// Tanh replaces every x[i] by tanh x[i] in place, to within a few units in
// the last place, with the same bits on every path.
func Tanh(x []float32) {
	n := len(x)
	if vector() && n >= lanes {
		tanhAVX2(&x[0], n)
		x = x[n&^(lanes-1):]
	}
	tanhGo(x)
}
