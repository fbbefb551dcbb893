package vec

import (
	"math"
	"testing"

	"github.com/tensorgo/tensorgo/internal/cpu"
)

func TestExpfAccuracy(t *testing.T) {
	worst := 0.0
	for x := -103.0; x < 88.7; x += 0.0137 {
		got, want := float32(Exp64(x)), float32(math.Exp(x))
		if want == 0 || math.IsInf(float64(want), 0) {
			continue
		}
		rel := math.Abs(float64(got)-float64(want)) / float64(want)
		if want < 1.2e-38 { // float32 subnormals have fewer significant bits
			rel = math.Abs(float64(got)-float64(want)) / 1.2e-38
		}
		worst = math.Max(worst, rel)
	}
	if worst > 1.2e-7 { // one float32 ulp
		t.Fatalf("Exp64 worst relative error %g, want <= 1.2e-7", worst)
	}
	for _, c := range []struct{ x, want float64 }{{0, 1}, {1, math.E}, {-1, 1 / math.E}, {100, math.Inf(1)}, {-200, 0}} {
		if got := Exp64(c.x); math.Abs(got-c.want) > 1e-7*c.want && got != c.want {
			t.Errorf("Exp64(%v) = %v, want %v", c.x, got, c.want)
		}
	}
	if !math.IsNaN(Exp64(math.NaN())) {
		t.Error("Exp64(NaN) is not NaN")
	}
}

// Exp64s gives Exp64's bits on every path, specials included.
func TestExp64sSameBits(t *testing.T) {
	old := cpu.Selected()
	defer cpu.Set(old)
	var src []float64
	for x := -110.0; x < 95; x += 0.173 {
		src = append(src, x)
	}
	src = append(src, 0, math.Copysign(0, -1), 88.9999, 89, 89.0001, -104, -104.0001, math.Inf(1), math.Inf(-1), math.NaN(), 1e300, -1e300, 5e-324)
	for _, isa := range cpu.Available() {
		cpu.Set(isa)
		for _, n := range []int{len(src), len(src) - 1, 3, 0} {
			dst := make([]float64, n)
			Exp64s(dst, src[:n])
			for i, v := range dst {
				want := Exp64(src[i])
				if math.Float64bits(v) != math.Float64bits(want) && !(v != v && want != want) {
					t.Fatalf("%v: Exp64s(%v) = %v (%#x), Exp64 gives %v (%#x)", isa, src[i], v, math.Float64bits(v), want, math.Float64bits(want))
				}
			}
		}
	}
}
