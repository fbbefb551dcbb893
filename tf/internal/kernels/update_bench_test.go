package kernels

import (
	"testing"
)

func BenchmarkAdamKernel(b *testing.B) {
	n := 101770
	w, m, v, g := make([]float32, n), make([]float32, n), make([]float32, n), make([]float32, n)
	for i := range g {
		g[i] = float32(i%7) * 0.01
	}
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		AdamUpdate(w, m, v, nil, g, 0.001, 0.9, 0.999, 1e-7)
	}
	b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(b.N)/float64(n), "ns/param")
}
