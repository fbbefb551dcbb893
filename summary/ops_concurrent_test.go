package summary

import (
	"sync"
	"testing"

	"github.com/tensorgo/tensorgo/tensor"
	"github.com/tensorgo/tensorgo/tf"
)

// Summary ops may run from many goroutines at once (a Session runs
// concurrent Runs on separate plans): each run's summary holds its own
// feed's values.
func TestSummaryOpsConcurrent(t *testing.T) {
	g := tf.NewGraph()
	x := tf.Placeholder(g, tf.Float32, tf.Shape{-1}, tf.Name("x"))
	m := Merge([]*tf.Tensor{Scalar("total", tf.ReduceSum(x, nil, false)), Histogram("values", x)})
	sess := tf.NewSession(g)
	var wg sync.WaitGroup
	for w := 0; w < 4; w++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := 0; i < 50; i++ {
				n := 1 + (w+i)%5
				xs := make([]float32, n)
				for j := range xs {
					xs[j] = float32(w + 1)
				}
				out, err := sess.Run(tf.Feeds{x: tensor.FromSlice(xs)}, []*tf.Tensor{m})
				if err != nil {
					t.Error(err)
					return
				}
				sum := decodeSummary(t, out[0])
				if got := sum.Value[0].GetSimpleValue(); got != float32(n*(w+1)) {
					t.Errorf("worker %d: total %v, want %v", w, got, n*(w+1))
				}
				if h := sum.Value[1].GetHisto(); h.GetNum() != float64(n) || h.GetMax() != float64(w+1) {
					t.Errorf("worker %d: histogram of %v values up to %v, want %d up to %d", w, h.GetNum(), h.GetMax(), n, w+1)
				}
			}
		}()
	}
	wg.Wait()
}
