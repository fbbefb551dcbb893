package tensor

import (
	"math"
	"testing"
)

func TestExpfAccuracy(t *testing.T) {
	worst := 0.0
	for x := -103.0; x < 88.7; x += 0.0137 {
		got, want := float32(expf(x)), float32(math.Exp(x))
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
		t.Fatalf("expf worst relative error %g, want <= 1.2e-7", worst)
	}
	for _, c := range []struct{ x, want float64 }{{0, 1}, {1, math.E}, {-1, 1 / math.E}, {100, math.Inf(1)}, {-200, 0}} {
		if got := expf(c.x); math.Abs(got-c.want) > 1e-7*c.want && got != c.want {
			t.Errorf("expf(%v) = %v, want %v", c.x, got, c.want)
		}
	}
	if !math.IsNaN(expf(math.NaN())) {
		t.Error("expf(NaN) is not NaN")
	}
}
