package vec

import (
	"math"
	"math/rand"
	"testing"
)

// The batch-normalisation loops give the Go loops' bits on every path.
func TestBNLoops(t *testing.T) {
	r := rand.New(rand.NewSource(7))
	f64 := func(n int) []float64 {
		v := make([]float64, n)
		for i := range v {
			v[i] = r.NormFloat64()
		}
		return v
	}
	for _, c := range []int{1, 3, 4, 6, 16, 19} {
		rows := 5
		x, dy := sample(r, rows*c), sample(r, rows*c)
		for i := range x { // no NaN or Inf: these are activations
			if x[i] != x[i] || math.IsInf(float64(x[i]), 0) {
				x[i] = 1
			}
			if dy[i] != dy[i] || math.IsInf(float64(dy[i]), 0) {
				dy[i] = -1
			}
		}
		mean, invstd, g, b, coef := f64(c), f64(c), f64(c), f64(c), f64(c)
		s0, q0 := f64(c), f64(c)
		bits64 := func(v []float64) []float32 {
			out := make([]float32, 0, 2*len(v))
			for _, f := range v {
				u := math.Float64bits(f)
				out = append(out, math.Float32frombits(uint32(u)), math.Float32frombits(uint32(u>>32)))
			}
			return out
		}
		each(t, "BNSums", func() []float32 {
			s, q := append([]float64(nil), s0...), append([]float64(nil), q0...)
			BNSums(x, rows, c, mean, s, q)
			return append(bits64(s), bits64(q)...)
		})
		each(t, "BNApply", func() []float32 {
			y := make([]float32, rows*c)
			BNApply(x, y, rows, c, mean, invstd, g, b)
			return y
		})
		for _, relu := range []bool{false, true} {
			each(t, "BNAffine", func() []float32 {
				y := make([]float32, rows*c)
				BNAffine(x, y, rows, c, g, b, relu)
				return y
			})
		}
		each(t, "BNScale", func() []float32 {
			y := make([]float32, rows*c)
			BNScale(dy, y, nil, rows, c, coef)
			return y
		})
		each(t, "BNScale relu", func() []float32 {
			y := make([]float32, rows*c)
			BNScale(dy, y, x, rows, c, coef)
			return y
		})
		each(t, "BNGradSums", func() []float32 {
			s, q := append([]float64(nil), s0...), append([]float64(nil), q0...)
			BNGradSums(x, dy, nil, rows, c, mean, invstd, s, q)
			return append(bits64(s), bits64(q)...)
		})
		each(t, "BNGradSums relu", func() []float32 {
			s, q := append([]float64(nil), s0...), append([]float64(nil), q0...)
			BNGradSums(x, dy, x, rows, c, mean, invstd, s, q)
			// The same as the sums of ReLU's gradient (vec.ReluGrad).
			masked := make([]float32, rows*c)
			ReluGrad(masked, dy, x)
			ws, wq := append([]float64(nil), s0...), append([]float64(nil), q0...)
			BNGradSums(x, masked, nil, rows, c, mean, invstd, ws, wq)
			if !bitsEqual(append(bits64(s), bits64(q)...), append(bits64(ws), bits64(wq)...)) {
				t.Fatalf("c=%d: BNGradSums with relu differs from BNGradSums of ReluGrad", c)
			}
			return append(bits64(s), bits64(q)...)
		})
		each(t, "BNGradApply", func() []float32 {
			dx := make([]float32, rows*c)
			BNGradApply(x, dy, dx, rows, c, mean, invstd, g, b, coef, float64(rows))
			return dx
		})
		// One value by hand.
		y := make([]float32, rows*c)
		BNApply(x, y, rows, c, mean, invstd, g, b)
		if want := float32((float64(x[c-1])-mean[c-1])*invstd[c-1]*g[c-1] + b[c-1]); y[c-1] != want {
			t.Errorf("c=%d: BNApply y = %v, want %v", c, y[c-1], want)
		}
		BNScale(dy, y, nil, rows, c, coef)
		for i, v := range y {
			if want := float32(float64(dy[i]) * coef[i%c]); v != want {
				t.Fatalf("c=%d: BNScale y[%d] = %v, want %v", c, i, v, want)
			}
		}
		BNScale(dy, y, x, rows, c, coef)
		for i, v := range y {
			g := dy[i]
			if !(x[i] > 0) {
				g = 0
			}
			if want := float32(float64(g) * coef[i%c]); math.Float32bits(v) != math.Float32bits(want) {
				t.Fatalf("c=%d: BNScale relu y[%d] = %v, want %v", c, i, v, want)
			}
		}
		BNAffine(x, y, rows, c, g, b, true)
		for i, v := range y {
			want := float32(float64(x[i])*g[i%c] + b[i%c])
			if want < 0 {
				want = 0
			}
			if v != want {
				t.Fatalf("c=%d: BNAffine relu y[%d] = %v, want %v", c, i, v, want)
			}
		}
	}
}
