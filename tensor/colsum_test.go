package tensor

import (
	"math"
	"testing"

	"github.com/tensorgo/tensorgo/internal/parallel"
)

// A long float32 column sum (split into parts) is close to the float64
// sum and has the same bits at any thread count.
func TestSplitColumnSum(t *testing.T) {
	defer parallel.SetNumThreads(parallel.NumThreads())
	for _, k2 := range []int{7, 64} {
		x := RandomUniform(Float32, Shape{5000, k2}, -1, 1, 3)
		var first []float32
		for _, threads := range []int{1, 3} {
			parallel.SetNumThreads(threads)
			for _, op := range []ReduceOp{OpSum, OpMean} {
				got := Reduce(op, x, []int{0}, false)
				xs := x.Float32s()
				for c := 0; c < k2; c++ {
					var want float64
					for r := 0; r < 5000; r++ {
						want += float64(xs[r*k2+c])
					}
					if op == OpMean {
						want /= 5000
					}
					if math.Abs(float64(got.Float32s()[c])-want) > 1e-3 {
						t.Fatalf("k2=%d %v column %d: %v, want %v", k2, op, c, got.Float32s()[c], want)
					}
				}
				if op == OpSum {
					if first == nil {
						first = append([]float32(nil), got.Float32s()...)
					} else {
						for i, v := range got.Float32s() {
							if math.Float32bits(v) != math.Float32bits(first[i]) {
								t.Fatalf("k2=%d: %d threads give other bits", k2, threads)
							}
						}
					}
				}
			}
		}
	}
}
