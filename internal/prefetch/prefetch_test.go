package prefetch

import (
	"math"
	"math/rand/v2"
	"testing"
)

// Prefetching is invisible to the program: it tolerates any index and row
// length without faulting or changing memory.
func TestRowsChangesNothing(t *testing.T) {
	src := make([]float32, 1000)
	for i := range src {
		src[i] = float32(i)
	}
	Rows(src, []int{0, 9, -1, 10, math.MaxInt / 2}, 100)
	Rows(src, []int{3}, 0)
	Rows([]uint8(nil), []int{0}, 4)
	for i, v := range src {
		if v != float32(i) {
			t.Fatalf("element %d changed to %v", i, v)
		}
	}
}

// BenchmarkGather copies 32 random rows of 784 bytes out of a 49 MiB array,
// as a shuffled MNIST batch does, with and without prefetching first.
func BenchmarkGather(b *testing.B) {
	const rows, rowLen = 1 << 16, 784
	src := make([]uint8, rows*rowLen)
	for i := range src {
		src[i] = uint8(i) // touch every page: untouched ones all map to one zero page
	}
	dst := make([]uint8, 32*rowLen)
	r := rand.New(rand.NewPCG(1, 2))
	idx := make([]int, 32)
	for _, pf := range []bool{false, true} {
		name := "plain"
		if pf {
			name = "prefetch"
		}
		b.Run(name, func(b *testing.B) {
			for i := 0; i < b.N; i++ {
				for k := range idx {
					idx[k] = r.IntN(rows)
				}
				if pf {
					Rows(src, idx, rowLen)
				}
				for j, k := range idx {
					copy(dst[j*rowLen:(j+1)*rowLen], src[k*rowLen:(k+1)*rowLen])
				}
			}
		})
	}
}
