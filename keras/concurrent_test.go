package keras_test

import (
	"fmt"
	"sync"
	"testing"

	"github.com/tensorgo/tensorgo/data"
	"github.com/tensorgo/tensorgo/keras"
	"github.com/tensorgo/tensorgo/keras/layers"
	"github.com/tensorgo/tensorgo/keras/metrics"
	"github.com/tensorgo/tensorgo/optimizers"
	"github.com/tensorgo/tensorgo/tensor"
)

type evalResult struct {
	loss float64
	ms   map[string]float64
	pred *tensor.Tensor
}

// Evaluate and Predict on one trained model from many goroutines at once
// give exactly what they give one after the other: each call has its own
// metric state and buffers (metrics named in Compile), or calls are
// serialised (metric objects given to Compile).
func TestConcurrentEvaluateAndPredict(t *testing.T) {
	acc, err := metrics.Get("sparse_categorical_accuracy")
	if err != nil {
		t.Fatal(err)
	}
	for _, ms := range [][]any{{"accuracy"}, {"accuracy", acc}} {
		t.Run(fmt.Sprint(len(ms), "metrics"), func(t *testing.T) {
			tensor.SetSeed(7)
			m := keras.NewSequential(layers.Dense(8, layers.Activation("relu"), layers.InputShape(4)), layers.Dense(3, layers.Activation("softmax")))
			if err := m.Compile(optimizers.NewSGD(0.1), "sparse_categorical_crossentropy", keras.Metrics(ms...)); err != nil {
				t.Fatal(err)
			}
			x, y := blobs(120, 3)
			if _, err := m.Fit(x, y, keras.Epochs(2), keras.Verbose(0)); err != nil {
				t.Fatal(err)
			}
			// Subsets of different sizes and contents: 0..k rows, some of
			// them as Datasets.
			sizes := []int{7, 30, 61, 120}
			want := make([]evalResult, len(sizes))
			input := func(k int) (any, any) {
				xk := tensor.Slice(x, []int{0, 0}, []int{sizes[k], -1})
				yk := tensor.Slice(y, []int{0}, []int{sizes[k]})
				if k%2 == 1 {
					return data.FromTensorSlices(xk, yk).Batch(16, false), nil
				}
				return xk, yk
			}
			for k := range sizes {
				xk, yk := input(k)
				l, r, err := m.Evaluate(xk, yk, keras.Verbose(0))
				if err != nil {
					t.Fatal(err)
				}
				p, err := m.Predict(xk, keras.Verbose(0))
				if err != nil {
					t.Fatal(err)
				}
				want[k] = evalResult{l, r, p}
			}
			var wg sync.WaitGroup
			errs := make(chan error, 64)
			for g := 0; g < 8; g++ {
				wg.Add(1)
				go func(g int) {
					defer wg.Done()
					for i := 0; i < 20; i++ {
						k := (g + i) % len(sizes)
						xk, yk := input(k)
						l, r, err := m.Evaluate(xk, yk, keras.Verbose(0))
						if err != nil {
							errs <- err
							return
						}
						if l != want[k].loss || fmt.Sprint(r) != fmt.Sprint(want[k].ms) {
							errs <- fmt.Errorf("goroutine %d, %d rows: Evaluate %v %v, alone %v %v", g, sizes[k], l, r, want[k].loss, want[k].ms)
							return
						}
						p, err := m.Predict(xk, keras.Verbose(0), keras.BatchSize(8+g))
						if err != nil {
							errs <- err
							return
						}
						for j := 0; j < p.Size(); j++ {
							if p.Float(j) != want[k].pred.Float(j) {
								errs <- fmt.Errorf("goroutine %d, %d rows: Predict[%d] %v, alone %v", g, sizes[k], j, p.Float(j), want[k].pred.Float(j))
								return
							}
						}
					}
				}(g)
			}
			wg.Wait()
			close(errs)
			for err := range errs {
				t.Error(err)
			}
		})
	}
}
