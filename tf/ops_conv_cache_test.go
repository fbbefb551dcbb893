package tf

import (
	"math"
	"sync"
	"testing"

	"github.com/tensorgo/tensorgo/tensor"
)

// The filter gradient of a convolution reuses the im2col matrix its
// forward op built for the same input. It must give the bits of the
// gradient computed from scratch in every case: after runs of the forward
// alone on other inputs, with the forward's output fed, and with runs of
// the forward on other inputs in other goroutines.
func TestConvFilterGradReusesForwardColumns(t *testing.T) {
	g := NewGraph()
	x := Placeholder(g, Float32, tensor.Shape{-1, 7, 6, 3})
	w := Const(g, tensor.RandomUniform(Float32, tensor.Shape{3, 3, 3, 4}, -1, 1, 2))
	b := Const(g, tensor.RandomUniform(Float32, tensor.Shape{4}, -1, 1, 3))
	y := FusedConv2D(x, w, b, []int{1}, "same", "relu")
	loss := ReduceSum(Square(y), nil, false)
	dw := Gradients([]*Tensor{loss}, []*Tensor{w})[0]
	// The same gradient from the unlinked op, which always builds its own
	// matrix.
	dy := Gradients([]*Tensor{loss}, []*Tensor{y})[0]
	dz := reluGrad(dy, y)
	ref := conv2DBackpropFilter(x, w.Shape(), dz, y.Op().attrVals[:3])
	s := NewSession(g)
	in := func(seed int64) *tensor.Tensor {
		return tensor.RandomUniform(Float32, tensor.Shape{2, 7, 6, 3}, -1, 1, seed)
	}
	same := func(what string, a, b *tensor.Tensor) {
		t.Helper()
		av, bv := a.Float32s(), b.Float32s()
		for i := range av {
			if math.Float32bits(av[i]) != math.Float32bits(bv[i]) {
				t.Fatalf("%s: dw[%d] = %v, want %v", what, i, av[i], bv[i])
			}
		}
	}
	want := func(xv *tensor.Tensor) *tensor.Tensor {
		out, err := s.Run(Feeds{x: xv}, []*Tensor{ref})
		if err != nil {
			t.Fatal(err)
		}
		return out[0].Clone()
	}
	grad := func(f Feeds) *tensor.Tensor {
		out, err := s.Run(f, []*Tensor{dw})
		if err != nil {
			t.Fatal(err)
		}
		return out[0].Clone()
	}
	x1, x2 := in(10), in(11)
	same("first run", grad(Feeds{x: x1}), want(x1))
	// The forward alone on another input, then the gradient again.
	if _, err := s.Run(Feeds{x: x2}, []*Tensor{y}); err != nil {
		t.Fatal(err)
	}
	same("after a forward run on another input", grad(Feeds{x: x1}), want(x1))
	// The forward's output fed: the gradient is that of the fed output,
	// and the filter gradient still sees x1's columns.
	yv, err := s.Run(Feeds{x: x1}, []*Tensor{y})
	if err != nil {
		t.Fatal(err)
	}
	yFed := yv[0].Clone()
	if _, err := s.Run(Feeds{x: x2}, []*Tensor{y}); err != nil {
		t.Fatal(err)
	}
	same("with the forward's output fed", grad(Feeds{x: x1, y: yFed}), want(x1))
	// Gradients and forward runs on other inputs at once.
	w1 := want(x1)
	var wg sync.WaitGroup
	bad := make(chan string, 8)
	for k := 0; k < 4; k++ {
		wg.Add(1)
		go func(k int) {
			defer wg.Done()
			for i := 0; i < 20; i++ {
				if k%2 == 0 {
					out, err := s.Run(Feeds{x: x1}, []*Tensor{dw})
					if err != nil {
						bad <- err.Error()
						return
					}
					for j, v := range out[0].Float32s() {
						if math.Float32bits(v) != math.Float32bits(w1.Float32s()[j]) {
							bad <- "a concurrent gradient differs"
							return
						}
					}
				} else if _, err := s.Run(Feeds{x: in(int64(20 + k))}, []*Tensor{y}); err != nil {
					bad <- err.Error()
					return
				}
			}
		}(k)
	}
	wg.Wait()
	close(bad)
	for e := range bad {
		t.Error(e)
	}
}
