package tf

import (
	"sync"
	"testing"

	"github.com/tensorgo/tensorgo/tensor"
)

func TestConcurrentRuns(t *testing.T) {
	g := NewGraph()
	x := Placeholder(g, Float32, Shape{-1, 3}, Name("x"))
	w := NewVariable(g, [][]float32{{1}, {2}, {3}}, Name("w"))
	y := ReduceSum(Relu(MatMul(x, w.Tensor())), nil, false)
	s := NewSession(g)
	if err := w.Initializer().Run(s, nil); err != nil {
		t.Fatal(err)
	}
	var wg sync.WaitGroup
	errs := make(chan string, 8)
	for k := 0; k < 8; k++ {
		wg.Add(1)
		go func(k int) {
			defer wg.Done()
			in := tensor.Fill(tensor.Float32, float64(k), 2, 3)
			for i := 0; i < 200; i++ {
				out, err := s.Run(Feeds{x: in}, []*Tensor{y})
				if err != nil {
					errs <- err.Error()
					return
				}
				if got := out[0].Item(); got != float64(12*k) {
					errs <- "wrong value"
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
