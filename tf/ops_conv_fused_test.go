package tf

import (
	"math/rand/v2"
	"testing"
)

func TestForwardFusedConv2D(t *testing.T) {
	x, w := seq(1, 3, 3, 1), ones64(2, 2, 1, 1)
	// Windows of 1..9 by a 2×2 filter of ones: 12, 16, 24, 28; minus 20, relu.
	expect(t, "FusedConv2D relu", runBoth(t, "FusedConv2D", func(xs []*Tensor) *Tensor {
		return FusedConv2D(xs[0], xs[1], xs[2], nil, "valid", "relu")
	}, x, w, f64([]float64{-20}, 1)), Float64, []int{1, 2, 2, 1}, []float64{0, 0, 4, 8}, 0)
	expect(t, "FusedConv2D linear", runBoth(t, "FusedConv2D", func(xs []*Tensor) *Tensor {
		return FusedConv2D(xs[0], xs[1], xs[2], []int{2}, "same", "")
	}, x, w, f64([]float64{-20}, 1)), Float64, []int{1, 2, 2, 1}, []float64{-8, -11, -5, -11}, 0)
	// Random shapes against the reference loops, and against the unfused ops.
	r := rand.New(rand.NewPCG(11, 12))
	for _, c := range convCases {
		cin := c.c
		if c.c == 4 && c.o == 4 {
			cin = 2
		}
		xv := f64(vals(r, c.n*c.h*c.w*c.c, uniform(-1, 1)), c.n, c.h, c.w, c.c)
		wv := f64(vals(r, c.kh*c.kw*cin*c.o, uniform(-1, 1)), c.kh, c.kw, cin, c.o)
		bv := f64(vals(r, c.o, uniform(-1, 1)), c.o)
		fused := runBoth(t, "FusedConv2D "+c.String(), func(xs []*Tensor) *Tensor {
			return FusedConv2D(xs[0], xs[1], xs[2], c.st, c.pad, "relu", Dilations(c.dil...))
		}, xv, wv, bv)
		plain := Relu(BiasAdd(Conv2D(Constant(xv), Constant(wv), c.st, c.pad, Dilations(c.dil...)), Constant(bv))).Value()
		matchRef(t, "FusedConv2D vs Relu(BiasAdd(Conv2D)) "+c.String(), fused, plain)
	}
	if err := Catch(func() { FusedConv2D(Constant(x), Constant(w), Constant(ones64(2)), nil, "valid", "") }); err == nil {
		t.Error("bias of 2 for 1 output channel: no error")
	}
	if err := Catch(func() { FusedConv2D(Constant(x), Constant(w), Constant(ones64(1)), nil, "valid", "tanh") }); err == nil {
		t.Error("activation tanh: no error")
	}
}

func TestFusedConv2DGradients(t *testing.T) {
	for _, c := range []gradCase{
		{name: "FusedConv2D relu same s2", shapes: [][]int{{2, 5, 6, 2}, {3, 3, 2, 3}, {3}}, f: func(xs []*Tensor) *Tensor {
			return FusedConv2D(xs[0], xs[1], xs[2], []int{2}, "same", "relu")
		}},
		{name: "FusedConv2D linear valid s1", shapes: [][]int{{1, 4, 4, 3}, {2, 2, 3, 2}, {2}}, f: func(xs []*Tensor) *Tensor {
			return FusedConv2D(xs[0], xs[1], xs[2], nil, "valid", "")
		}},
	} {
		t.Run(c.name, func(t *testing.T) { checkGrad(t, c) })
	}
}
