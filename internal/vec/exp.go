package vec

import "math"

// Exp64 is e^x to float32 accuracy (relative error below 1e-7, well under
// float32's half ulp of 6e-8 after rounding, give or take one ulp), computed
// in float64 without math.Exp's full-precision cost. float32 kernels (Exp,
// Sigmoid, Tanh, Softmax) use it; float64 kernels keep math.Exp.
func Exp64(x float64) float64 {
	switch {
	case x != x:
		return x
	case x > 89:
		return math.Inf(1)
	case x < -104:
		return 0
	}
	// x = k*ln2 + r with |r| <= ln2/2; e^x = 2^k * e^r.
	const round = 0x1.8p52 // adding and subtracting rounds to an integer
	// (The float64 conversions round every product before the sum, so that
	// no compiler fuses them into FMAs: the bits must not depend on the
	// build's GOAMD64 level or GOARCH.)
	kf := (float64(x*math.Log2E) + round) - round
	r := x - float64(kf*math.Ln2)
	// Taylor series of e^r to r^7: error below 5e-9 relative for |r| <= 0.35.
	p := 1.0/720 + float64(r*(1.0/5040))
	p = 1.0/120 + float64(r*p)
	p = 1.0/24 + float64(r*p)
	p = 1.0/6 + float64(r*p)
	p = 1.0/2 + float64(r*p)
	p = 1 + float64(r*p)
	p = 1 + float64(r*p)
	return p * math.Float64frombits(uint64(int64(kf)+1023)<<52)
}

// Exp64s sets dst[i] to Exp64(src[i]), with the same bits, four at a time
// in vector registers where the machine has AVX2. dst and src may be the
// same slice.
func Exp64s(dst, src []float64) {
	n := len(src)
	need("Exp64s", n, len(dst))
	full := 0
	if vector() {
		full = n &^ 3
		if full > 0 {
			exp64sAVX2(&dst[0], &src[0], full)
		}
	}
	for i := full; i < n; i++ {
		dst[i] = Exp64(src[i])
	}
}
