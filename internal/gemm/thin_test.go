package gemm

import (
	"fmt"
	"math"
	"math/rand/v2"
	"testing"

	"github.com/tensorgo/tensorgo/internal/cpu"
	"github.com/tensorgo/tensorgo/internal/parallel"
)

// The thin kernel gives the blocked kernels' bits (here the portable Go
// kernel's, the reference on every path) for any thin shape, with beta 0
// and 1 and padded leading dimensions, at 1 and 3 threads.
func TestThinMatchesBlocked(t *testing.T) {
	if !hasThin || cpu.Best < cpu.AVX2 {
		t.Skip("no thin kernel on this machine")
	}
	old, oldThreads := cpu.Selected(), parallel.NumThreads()
	defer cpu.Set(old)
	defer parallel.SetNumThreads(oldThreads)
	r := rand.New(rand.NewPCG(8, 9))
	for _, s := range []struct{ m, n, k int }{{16, 2, 1}, {17, 6, 75}, {300, 8, 256}, {1023, 3, 9}, {4096, 6, 150}, {25, 7, 31}} {
		for _, beta := range []float32{0, 1} {
			lda, ldc := s.k+3, s.n+2
			a, b := randSlice32(r, s.m*lda), randSlice32(r, s.k*s.n)
			c0 := randSlice32(r, s.m*ldc)
			run := func(isa cpu.ISA, threads int) []float32 {
				cpu.Set(isa)
				parallel.SetNumThreads(threads)
				c := append([]float32(nil), c0...)
				Sgemm(false, false, s.m, s.n, s.k, 1, a, lda, b, s.n, beta, c, ldc)
				return c
			}
			want := run(cpu.Generic, 1)
			for _, isa := range cpu.Available() {
				for _, threads := range []int{1, 3} {
					got := run(isa, threads)
					for i := range got {
						if math.Float32bits(got[i]) != math.Float32bits(want[i]) {
							t.Fatalf("%v beta=%v %v %d threads: c[%d] = %v, want %v", s, beta, isa, threads, i, got[i], want[i])
						}
					}
				}
			}
		}
	}
	// The padding of ldc is left alone.
	cpu.Set(old)
	c := make([]float32, 20*5)
	for i := range c {
		c[i] = -7
	}
	Sgemm(false, false, 20, 3, 4, 1, make([]float32, 80), 4, make([]float32, 12), 3, 0, c, 5)
	for i, v := range c {
		if want := map[bool]float32{true: 0, false: -7}[i%5 < 3]; v != want {
			t.Fatalf("c[%d] = %v, want %v", i, v, want)
		}
	}
}

func BenchmarkThin(b *testing.B) {
	for _, s := range []struct{ m, n, k int }{{32768, 6, 75}, {25088, 6, 75}, {21632, 8, 9}} {
		b.Run(fmt.Sprintf("%dx%dx%d", s.m, s.k, s.n), func(b *testing.B) { benchGemm(b, 1, false, false, s.m, s.n, s.k) })
	}
}
