package vec

import (
	"math"
	"math/rand/v2"
	"testing"

	"github.com/tensorgo/tensorgo/internal/cpu"
)

// actInputs returns test points: a dense grid over [-20, 20], random values
// over several scales, and the edges of the algorithm's branches and clamps.
func actInputs() []float32 {
	var xs []float32
	for x := -20.0; x <= 20; x += 1.0 / 512 {
		xs = append(xs, float32(x))
	}
	r := rand.New(rand.NewPCG(3, 4))
	for _, scale := range []float64{1e-6, 1e-3, 0.1, 1, 10, 100} {
		for i := 0; i < 2000; i++ {
			xs = append(xs, float32(scale*r.NormFloat64()))
		}
	}
	for _, v := range []float32{0, 0.625, 9, 44, 87, 88, 89, 200, 1e-30, 1e-40} {
		xs = append(xs, v, -v, math.Nextafter32(v, 0), -math.Nextafter32(v, 0), math.Nextafter32(v, 1000), -math.Nextafter32(v, 1000))
	}
	return append(xs, float32(math.Inf(1)), float32(math.Inf(-1)), float32(math.MaxFloat32), -float32(math.MaxFloat32))
}

// ulps returns |got − want| in units of float32's last place at want (the
// spacing of float32 numbers at |want|, at least the smallest normal's).
func ulps(got float32, want float64) float64 {
	a := math.Max(math.Abs(want), 0x1p-126)
	ulp := math.Ldexp(1, math.Ilogb(a)-23)
	return math.Abs(float64(got)-want) / ulp
}

// TestAct32Accuracy checks sigmoid32, tanh32 and exp32 against float64's
// math.Exp and math.Tanh.
func TestAct32Accuracy(t *testing.T) {
	var worstS, worstT, worstE float64
	for _, x := range actInputs() {
		xf := float64(x)
		ws := 1 / (1 + math.Exp(-xf))
		if xf < -87 {
			// e^−x is clamped at e^88, and a result below float32's
			// smallest normal is flushed to zero.
			if got := float64(sigmoid32(x)); got != 0 && math.Abs(got-ws) > 1e-38 || got != 0 && got < 0x1p-126 {
				t.Errorf("sigmoid32(%v) = %v, want %v within 1e-38, and no subnormal", x, got, ws)
			}
		} else if u := ulps(sigmoid32(x), ws); u > worstS {
			worstS = u
		}
		if u := ulps(tanh32(x), math.Tanh(xf)); u > worstT {
			worstT = u
		}
		if xf >= -87 && xf <= 88 {
			if u := ulps(exp32(x), math.Exp(xf)); u > worstE {
				worstE = u
			}
		}
	}
	// Measured: sigmoid 2.4, tanh 1.2, exp 0.9 ulps; allow a little more.
	if worstS > 4 || worstT > 4 || worstE > 3 {
		t.Errorf("worst errors in ulps: sigmoid32 %.2f (want ≤ 4), tanh32 %.2f (≤ 4), exp32 %.2f (≤ 3)", worstS, worstT, worstE)
	}
	t.Logf("worst errors in ulps: sigmoid %.2f, tanh %.2f, exp %.2f", worstS, worstT, worstE)
	nan := float32(math.NaN())
	if !isNaN32(sigmoid32(nan)) || !isNaN32(tanh32(nan)) {
		t.Errorf("sigmoid32(NaN) = %v, tanh32(NaN) = %v: want NaN", sigmoid32(nan), tanh32(nan))
	}
}

func isNaN32(x float32) bool { return x != x }

// TestAct32SameBitsEveryISA checks that the slice functions give the bits
// of the scalar Go functions on every instruction set this machine has,
// for lengths that are and are not multiples of the vector width.
func TestAct32SameBitsEveryISA(t *testing.T) {
	xs := actInputs()
	xs = append(xs, float32(math.NaN()))
	defer cpu.Set(cpu.Selected())
	for _, isa := range cpu.Available() {
		cpu.Set(isa)
		for _, n := range []int{1, 7, 8, 9, 17, len(xs)} {
			for _, f := range []struct {
				name  string
				slice func([]float32)
				one   func(float32) float32
			}{{"sigmoid", Sigmoid, sigmoid32}, {"tanh", Tanh, tanh32}} {
				got := append([]float32(nil), xs[len(xs)-n:]...)
				f.slice(got)
				for i, x := range xs[len(xs)-n:] {
					want := f.one(x)
					if math.Float32bits(got[i]) != math.Float32bits(want) && !(isNaN32(got[i]) && isNaN32(want)) {
						t.Fatalf("%v: %s32s at x=%v (n=%d, i=%d) = %v (%#x), scalar %v (%#x)", isa, f.name, x, n, i,
							got[i], math.Float32bits(got[i]), want, math.Float32bits(want))
					}
				}
			}
		}
	}
}
