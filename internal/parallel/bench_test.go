package parallel

import (
	"fmt"
	"testing"
)

var sink float64

func spin(n int) float64 {
	s := 0.0
	for i := 0; i < n; i++ {
		s += float64(i) * 1e-9
	}
	return s
}

// BenchmarkFor measures a two-way split of work of a given size: with a
// prompt worker, threads=2 takes about half the time of threads=1.
func BenchmarkFor(b *testing.B) {
	old := NumThreads()
	defer SetNumThreads(old)
	for _, work := range []int{1000, 10000, 100000} {
		for _, threads := range []int{1, 2} {
			b.Run(fmt.Sprintf("work=%d/threads=%d", work, threads), func(b *testing.B) {
				SetNumThreads(threads)
				var parts [2]float64
				for i := 0; i < b.N; i++ {
					ForChunks(2, threads, func(lo, hi int) {
						for c := lo; c < hi; c++ {
							parts[c] = spin(work)
						}
					})
				}
				sink = parts[0] + parts[1]
			})
		}
	}
}
