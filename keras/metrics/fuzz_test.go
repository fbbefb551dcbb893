package metrics

import (
	"math"
	"testing"

	"github.com/tensorgo/tensorgo/tensor"
)

// FuzzGet: looking a metric up by name never panics, and a metric found
// has a name.
func FuzzGet(f *testing.F) {
	for _, s := range []string{"accuracy", "AUC", "mse", "f1_score", "r2_score", "true_positives", "", "auc\x00", "precision "} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		m, err := Get(s)
		if err == nil && m.Name() == "" {
			t.Fatalf("Get(%q) gave a metric without a name", s)
		}
	})
}

// FuzzSampleWeightShapes: any shapes of values and sample weights either
// give an error or finite sums, never a panic, and all-ones weights of the
// values' shape give the unweighted sums.
func FuzzSampleWeightShapes(f *testing.F) {
	f.Add(uint8(2), uint8(3), uint8(0), uint8(2), uint8(1), uint8(0))
	f.Add(uint8(4), uint8(1), uint8(0), uint8(4), uint8(0), uint8(0))
	f.Add(uint8(2), uint8(3), uint8(2), uint8(2), uint8(3), uint8(1))
	f.Add(uint8(0), uint8(0), uint8(0), uint8(0), uint8(0), uint8(0))
	f.Fuzz(func(t *testing.T, v0, v1, v2, w0, w1, w2 uint8) {
		vs := dims(v0, v1, v2)
		ws := dims(w0, w1, w2)
		n, m := prod(vs), prod(ws)
		if n > 512 || m > 512 {
			return
		}
		v := make([]float64, n)
		for i := range v {
			v[i] = float64(i%7) - 3
		}
		sw := tensor.Fill(tensor.Float32, 0.5, ws...)
		var w weighting
		tot, cnt, err := w.reduce(append([]float64(nil), v...), vs, sw)
		if err == nil && (math.IsNaN(tot) || math.IsNaN(cnt) || math.IsInf(tot, 0)) {
			t.Fatalf("values %v, weights %v: total %v count %v", vs, ws, tot, cnt)
		}
		if len(vs) > 0 && vs[0] > 0 {
			var w2 weighting
			t1, c1, err1 := w2.reduce(append([]float64(nil), v...), vs, tensor.Fill(tensor.Float32, 1, vs...))
			t0, c0, _ := w2.reduce(append([]float64(nil), v...), vs, nil)
			if err1 != nil || math.Abs(t1-t0) > 1e-9 || math.Abs(c1-c0) > 1e-9 {
				t.Fatalf("values %v: ones weights give %v/%v (%v), none %v/%v", vs, t1, c1, err1, t0, c0)
			}
		}
	})
}

// dims turns fuzz bytes into a shape of rank 0 to 3 (a 0 ends it), sizes 1
// to 8.
func dims(a, b, c uint8) []int {
	var s []int
	for _, x := range []uint8{a, b, c} {
		if x == 0 {
			break
		}
		s = append(s, int(x%8)+1)
	}
	return s
}
