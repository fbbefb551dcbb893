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
			t.Fatalf("FMA32(%g, %g, %g) = %g (%#x), want %g (%#x) (FusedFMA32 %v)", x, y, z, got, math.Float32bits(got), want, math.Float32bits(want), FusedFMA32)
		}
		// Where FMA32 is fused, the float64 route must still be right, for
		// the targets that use it.
		if soft := fma32Soft(x, y, z); math.Float32bits(soft) != math.Float32bits(want) {
			t.Fatalf("fma32Soft(%g, %g, %g) = %g, want %g", x, y, z, soft, want)
		}
		// A sum that Round32 passes rounds to the answer in one step.
		if s := float64(x)*float64(y) + float64(z); Round32(s) && math.Float32bits(float32(s)) != math.Float32bits(want) {
			t.Fatalf("Round32 passed %g for (%g, %g, %g), whose float32 %g is not %g", s, x, y, z, float32(s), want)
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

func TestRound32(t *testing.T) {
	for _, c := range []struct {
		s    float64
		want bool
	}{
		{1.5, true}, {0, true}, {math.Copysign(0, -1), true}, {-3e38, true}, {math.Inf(1), true},
		{1 + 0x1p-24, false},          // halfway between 1 and 1+2^-23
		{-(1 + 3*0x1p-24), false},     // halfway, negative
		{1 + 0x1p-24 + 0x1p-52, true}, // just off it
		{0x1p-140, false},             // a float32 subnormal
		{0x1p-126, true},              // the least normal float32
	} {
		if got := Round32(c.s); got != c.want {
			t.Errorf("Round32(%g) = %v, want %v", c.s, got, c.want)
		}
	}
}

// TestFMA32InLoops calls FMA32 as kernels do, on operands loaded from
// slices and with z itself a product, where a compiler that fuses x*y + z
// may fold a load first or fuse the wrong product. The triples are ones
// where rounding twice is wrong: x*y lands a hair below the midpoint above
// an odd z, the hair below float64's reach.
func TestFMA32InLoops(t *testing.T) {
	r := rand.New(rand.NewPCG(9, 9))
	n := 1000
	x, y, z, w := make([]float32, n), make([]float32, n), make([]float32, n), make([]float32, n)
	for i := range x {
		e, j := r.IntN(40)-20, 15+r.IntN(9)
		z[i] = float32(math.Ldexp(1+float64(2*r.IntN(1<<21)+1)*0x1p-23, e))
		x[i] = float32(math.Ldexp(1+math.Ldexp(1, -j), e-12))
		y[i] = float32(math.Ldexp(1-math.Ldexp(1, -j), -12))
		w[i] = 1
	}
	got, prod, want := make([]float32, n), make([]float32, n), make([]float32, n)
	for i := range got {
		got[i] = FMA32(x[i], y[i], z[i])
		prod[i] = FMA32(x[i], y[i], z[i]*w[i])
	}
	wrong := 0
	for i := range want {
		want[i] = fma32Exact(x[i], y[i], z[i])
		if float32(float64(x[i])*float64(y[i])+float64(z[i])) != want[i] {
			wrong++
		}
		if got[i] != want[i] || prod[i] != want[i] {
			t.Fatalf("FMA32(%g, %g, %g) in a loop = %g, with z a product %g, want %g (FusedFMA32 %v)", x[i], y[i], z[i], got[i], prod[i], want[i], FusedFMA32)
		}
	}
	if wrong == 0 {
		t.Fatal("no triple is a double-rounding case: the test tests nothing")
	}
}
