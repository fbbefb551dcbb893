package tf

import (
	"sync"
	"testing"

	"github.com/tensorgo/tensorgo/tensor"
)

// Runs of one compiled graph from several goroutines (Predict) share the
// convolution, pooling and normalisation ops' scratch safely: each gets
// the result it would get alone (go test -race checks the sharing).
func TestConcurrentConvRuns(t *testing.T) {
	g := NewGraph()
	x := Placeholder(g, Float32, tensor.Shape{-1, 8, 8, 2})
	w := Const(g, tensor.RandomUniform(Float32, tensor.Shape{3, 3, 2, 4}, -1, 1, 1))
	h := MaxPool(Relu(Conv2D(x, w, []int{1}, "same")), []int{2}, nil, "valid")
	gamma := Const(g, tensor.Ones(Float32, 4))
	h, _, _ = FusedBatchNorm(AvgPool(h, []int{2}, nil, "same"), gamma, gamma, 1e-3)
	y := ReduceSum(Square(h), []int{1, 2, 3}, false)
	s := NewSession(g)
	ins := make([]*tensor.Tensor, 4)
	want := make([]float64, len(ins))
	for k := range ins {
		ins[k] = tensor.RandomUniform(Float32, tensor.Shape{3, 8, 8, 2}, 0, 1, int64(10+k))
		out, err := s.Run(Feeds{x: ins[k]}, []*Tensor{y})
		if err != nil {
			t.Fatal(err)
		}
		want[k] = out[0].Float(0)
	}
	var wg sync.WaitGroup
	errs := make(chan string, len(ins))
	for k := range ins {
		wg.Add(1)
		go func(k int) {
			defer wg.Done()
			for i := 0; i < 30; i++ {
				out, err := s.Run(Feeds{x: ins[k]}, []*Tensor{y})
				if err != nil {
					errs <- err.Error()
					return
				}
				if got := out[0].Float(0); got != want[k] {
					errs <- "a concurrent run gave another result"
					return
				}
			}
		}(k)
	}
	wg.Wait()
	close(errs)
	for e := range errs {
		t.Error(e)
	}
}
