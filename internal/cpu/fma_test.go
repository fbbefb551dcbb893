package cpu

import (
	"math"
	"math/big"
	"math/rand/v2"
	"testing"
)

// fma32Exact rounds x*y + z once to float32 with math/big, as an independent
// reference.
func fma32Exact(x, y, z float32) float32 {
	if math.IsNaN(float64(x)) || math.IsNaN(float64(y)) || math.IsNaN(float64(z)) ||
		math.IsInf(float64(x), 0) || math.IsInf(float64(y), 0) || math.IsInf(float64(z), 0) {
		return float32(float64(x)*float64(y) + float64(z))
	}
	bx := new(big.Float).SetPrec(0).SetFloat64(float64(x))
	by := new(big.Float).SetPrec(0).SetFloat64(float64(y))
	bz := new(big.Float).SetPrec(0).SetFloat64(float64(z))
	prod := new(big.Float).SetPrec(200).Mul(bx, by)
	sum := new(big.Float).SetPrec(400).Add(prod, bz)
	if sum.Sign() == 0 {
		// The sign of an exact zero follows IEEE's rules, as float64 gives.
		return float32(float64(x)*float64(y) + float64(z))
	}
	f, _ := sum.Float32()
	return f
}

func TestFMA32MatchesExactRounding(t *testing.T) {
	r := rand.New(rand.NewPCG(7, 7))
	check := func(x, y, z float32) {
		t.Helper()
		got, want := FMA32(x, y, z), fma32Exact(x, y, z)
		if got != got && want != want {
			return
		}
		if math.Float32bits(got) != math.Float32bits(want) {
			t.Fatalf("FMA32(%g, %g, %g) = %g (%#x), want %g (%#x)", x, y, z, got, math.Float32bits(got), want, math.Float32bits(want))
		}
	}
	// Double-rounding cases: x*y + z lands a hair off a float32 midpoint.
	// 1 + 2^-24 is the midpoint between 1 and 1+2^-23; adding 2^-60 more
	// must round up, subtracting must round down.
	check(1+0x1p-23, 1+0x1p-23, -0x1p-22-0x1p-46+0x1p-24+0x1p-50)
	check(1, 1, 0x1p-24)                  // an exact tie: to even (1)
	check(1+0x1p-12, 1+0x1p-12, 0x1p-25)  // product 1 + 2^-11 + 2^-24 exactly, plus a little
	check(1+0x1p-12, 1+0x1p-12, -0x1p-48) // product just below a midpoint after adding
	check(0x1p-75, 0x1p-75, 0x1p-149)     // subnormal results
	check(0x1p-140, 0x1.8p-10, 0x1p-149)
	check(math.MaxFloat32, 2, -math.MaxFloat32)
	check(math.MaxFloat32, 1, math.MaxFloat32*0x1p-24) // overflow near the last midpoint
	for i := 0; i < 200000; i++ {
		// Values built to hit midpoints often: short mantissas and a z that
		// cancels most of the product.
		x := float32(1+r.IntN(1<<12)) * float32(math.Ldexp(1, r.IntN(40)-20))
		y := float32(1+r.IntN(1<<12)) * float32(math.Ldexp(1, r.IntN(40)-20))
		var z float32
		switch i % 4 {
		case 0:
			z = float32(r.NormFloat64())
		case 1:
			z = -x * y * (1 + float32(r.IntN(8))*0x1p-23)
		case 2:
			z = float32(math.Ldexp(float64(1+r.IntN(1<<24)), r.IntN(60)-90))
		default:
			z = float32(math.Ldexp(r.Float64(), -r.IntN(150)))
		}
		check(x, y, z)
		check(math.Float32frombits(r.Uint32()), math.Float32frombits(r.Uint32()), math.Float32frombits(r.Uint32()))
	}
}
