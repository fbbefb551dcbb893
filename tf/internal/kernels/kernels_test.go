package kernels

import (
	"math"
	"math/rand/v2"
	"testing"

	"github.com/tensorgo/tensorgo/internal/cpu"
)

// Every instruction-set path gives the Go loop's bits on every length,
// tails included, with denormal inputs among the values.
func TestAdamF32SameBitsOnEveryISA(t *testing.T) {
	r := rand.New(rand.NewPCG(3, 4))
	defer cpu.Set(cpu.Selected())
	for _, n := range []int{1, 7, 8, 9, 15, 16, 17, 31, 64, 1001} {
		mk := func(scale float64) []float32 {
			s := make([]float32, n)
			for i := range s {
				s[i] = float32(r.NormFloat64() * scale)
				if i%5 == 0 {
					s[i] = float32(r.NormFloat64() * 1e-39) // denormal
				}
			}
			return s
		}
		w0, m0, g := mk(1), mk(1e-3), mk(1e-2)
		v0 := mk(1e-6)
		for i := range v0 {
			v0[i] = float32(math.Abs(float64(v0[i])))
		}
		want := func() []float32 {
			w, m, v := append([]float32(nil), w0...), append([]float32(nil), m0...), append([]float32(nil), v0...)
			for step := 0; step < 3; step++ {
				adamF32Go(w, m, v, g, 0.01, 0.9, 0.999, 1e-7)
			}
			return append(append(w, m...), v...)
		}()
		for _, isa := range cpu.Available() {
			cpu.Set(isa)
			w, m, v := append([]float32(nil), w0...), append([]float32(nil), m0...), append([]float32(nil), v0...)
			for step := 0; step < 3; step++ {
				AdamF32(w, m, v, g, 0.01, 0.9, 0.999, 1e-7)
			}
			got := append(append(w, m...), v...)
			for i := range got {
				if math.Float32bits(got[i]) != math.Float32bits(want[i]) {
					t.Fatalf("%v, n=%d: element %d (of w, m, v) = %v, the Go loop gives %v", isa, n, i, got[i], want[i])
				}
			}
		}
	}
}

// The kernel is the textbook step up to rounding and the flushing of
// denormals.
func TestAdamF32MatchesGo(t *testing.T) {
	r := rand.New(rand.NewPCG(1, 2))
	for _, n := range []int{0, 1, 7, 8, 9, 31, 64, 1001} {
		mk := func() []float32 {
			s := make([]float32, n)
			for i := range s {
				s[i] = float32(r.NormFloat64())
			}
			return s
		}
		w, m, g := mk(), mk(), mk()
		v := make([]float32, n)
		for i := range v {
			v[i] = float32(r.Float64())
		}
		w2, m2, v2 := append([]float32(nil), w...), append([]float32(nil), m...), append([]float32(nil), v...)
		for step := 0; step < 3; step++ {
			AdamF32(w, m, v, g, 0.01, 0.9, 0.999, 1e-7)
			Adam(w2, m2, v2, g, 0.01, 0.9, 0.999, 1e-7)
		}
		for i := range w {
			if math.Abs(float64(w[i]-w2[i])) > 1e-6*math.Max(1, math.Abs(float64(w2[i]))) ||
				math.Abs(float64(m[i]-m2[i])) > 1e-6 || math.Abs(float64(v[i]-v2[i])) > 1e-6 {
				t.Fatalf("n=%d i=%d: asm w,m,v = %v %v %v, Go %v %v %v", n, i, w[i], m[i], v[i], w2[i], m2[i], v2[i])
			}
		}
	}
}

func BenchmarkAdamF32(b *testing.B) {
	n := 101770
	w, m, v, g := make([]float32, n), make([]float32, n), make([]float32, n), make([]float32, n)
	for i := range g {
		g[i] = float32(i%7) * 0.01
	}
	for i := 0; i < b.N; i++ {
		AdamF32(w, m, v, g, 0.001, 0.9, 0.999, 1e-7)
	}
	b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(b.N)/float64(n), "ns/param")
}
