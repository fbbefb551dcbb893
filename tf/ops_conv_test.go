package tf

import (
	"errors"
	"fmt"
	"math/rand/v2"
	"strings"
	"testing"

	"github.com/tensorgo/tensorgo/tensor"
)

// seq is 1, 2, ..., n in the given shape.
func seq(shape ...int) *tensor.Tensor {
	n := numel(shape)
	v := make([]float64, n)
	for i := range v {
		v[i] = float64(i + 1)
	}
	return f64(v, shape...)
}

func ones64(shape ...int) *tensor.Tensor {
	v := make([]float64, numel(shape))
	for i := range v {
		v[i] = 1
	}
	return f64(v, shape...)
}

// Hand-computed convolutions of the 3×3 image 1..9 by a 2×2 filter of ones:
// "SAME" pads one cell at the bottom and right only (TF's odd extra).
func TestForwardConvHandValues(t *testing.T) {
	x, w := seq(1, 3, 3, 1), ones64(2, 2, 1, 1)
	conv := func(st []int, pad string) func(xs []*Tensor) *Tensor {
		return func(xs []*Tensor) *Tensor { return Conv2D(xs[0], xs[1], st, pad) }
	}
	expect(t, "Conv2D same s1", runBoth(t, "Conv2D", conv([]int{1}, "same"), x, w), Float64, []int{1, 3, 3, 1},
		[]float64{12, 16, 9, 24, 28, 15, 15, 17, 9}, 0)
	expect(t, "Conv2D valid s2", runBoth(t, "Conv2D", conv([]int{2}, "valid"), x, w), Float64, []int{1, 1, 1, 1}, []float64{12}, 0)
	expect(t, "Conv2D same s2", runBoth(t, "Conv2D", conv([]int{2, 2}, "SAME"), x, w), Float64, []int{1, 2, 2, 1}, []float64{12, 9, 15, 9}, 0)
	// Dilation 2: the 2×2 filter covers the corners of the 3×3 image.
	expect(t, "Conv2D dilated", runBoth(t, "Conv2D", func(xs []*Tensor) *Tensor {
		return Conv2D(xs[0], xs[1], nil, "valid", Dilations(2))
	}, x, w), Float64, []int{1, 1, 1, 1}, []float64{1 + 3 + 7 + 9}, 0)
	// Two groups: channel 0 of x feeds output 0, channel 1 output 1.
	xg := f64([]float64{1, 10, 2, 20, 3, 30, 4, 40}, 1, 2, 2, 2)
	wg := f64([]float64{1, 2, 1, 2, 1, 2, 1, 2}, 2, 2, 1, 2)
	expect(t, "Conv2D groups", runBoth(t, "Conv2D", conv(nil, "valid"), xg, wg), Float64, []int{1, 1, 1, 2}, []float64{10, 200}, 0)

	pool := func(f func(*Tensor, []int, []int, string) *Tensor) func(xs []*Tensor) *Tensor {
		return func(xs []*Tensor) *Tensor { return f(xs[0], []int{2}, nil, "same") }
	}
	expect(t, "MaxPool same", runBoth(t, "MaxPool", pool(MaxPool), x), Float64, []int{1, 2, 2, 1}, []float64{5, 6, 8, 9}, 0)
	// Padding is -inf: it never wins, even over negative values.
	neg := seq(1, 3, 3, 1)
	for i, v := range neg.Float64s() {
		neg.Float64s()[i] = -v
	}
	expect(t, "MaxPool negative", runBoth(t, "MaxPool", pool(MaxPool), neg), Float64, []int{1, 2, 2, 1}, []float64{-1, -3, -7, -9}, 0)
	// "SAME" average pooling leaves the padding out of the divisor.
	expect(t, "AvgPool same", runBoth(t, "AvgPool", pool(AvgPool), x), Float64, []int{1, 2, 2, 1}, []float64{3, 4.5, 7.5, 9}, 0)
	expect(t, "AvgPool valid 3", runBoth(t, "AvgPool", func(xs []*Tensor) *Tensor {
		return AvgPool(xs[0], []int{3}, []int{1}, "valid")
	}, x), Float64, []int{1, 1, 1, 1}, []float64{5}, 0)
	// The gradient of MaxPool goes to the window's (first) maximum, that
	// of AvgPool evenly to the window's cells inside the input.
	dy := f64([]float64{1, 2, 3, 4}, 1, 2, 2, 1)
	expect(t, "MaxPoolGrad", runBoth(t, "MaxPoolGrad", func(xs []*Tensor) *Tensor {
		return Gradients([]*Tensor{MaxPool(xs[0], []int{2}, nil, "same")}, xs[:1], xs[1])[0]
	}, x, dy), Float64, []int{1, 3, 3, 1}, []float64{0, 0, 0, 0, 1, 2, 0, 3, 4}, 0)
	expect(t, "AvgPoolGrad", runBoth(t, "AvgPoolGrad", func(xs []*Tensor) *Tensor {
		return Gradients([]*Tensor{AvgPool(xs[0], []int{2}, nil, "same")}, xs[:1], xs[1])[0]
	}, x, dy), Float64, []int{1, 3, 3, 1}, []float64{0.25, 0.25, 1, 0.25, 0.25, 1, 1.5, 1.5, 4}, 1e-15)
	// Backprop ops by hand: dy of ones through "SAME" stride 1 counts the
	// windows each input cell is in; the filter gradient sums the windows.
	dy1 := ones64(1, 3, 3, 1)
	expect(t, "Conv2DBackpropInput", runBoth(t, "Conv2DBackpropInput", func(xs []*Tensor) *Tensor {
		return Gradients([]*Tensor{Conv2D(xs[0], xs[1], nil, "same")}, xs[:1], xs[2])[0]
	}, x, w, dy1), Float64, []int{1, 3, 3, 1}, []float64{1, 2, 2, 2, 4, 4, 2, 4, 4}, 0)
	expect(t, "Conv2DBackpropFilter", runBoth(t, "Conv2DBackpropFilter", func(xs []*Tensor) *Tensor {
		return Gradients([]*Tensor{Conv2D(xs[0], xs[1], nil, "same")}, xs[1:2], xs[2])[0]
	}, x, w, dy1), Float64, []int{2, 2, 1, 1}, []float64{45, 45 - 1 - 4 - 7, 45 - 1 - 2 - 3, 5 + 6 + 8 + 9}, 0)
}

// convCase is one convolution configuration of the random tests.
type convCase struct {
	n, h, w, c, kh, kw, o int
	st, dil               []int
	pad                   string
}

func (c convCase) String() string {
	return fmt.Sprintf("%dx%dx%dx%d k%dx%d o%d s%v d%v %s", c.n, c.h, c.w, c.c, c.kh, c.kw, c.o, c.st, c.dil, c.pad)
}

var convCases = []convCase{
	{2, 5, 5, 3, 3, 3, 4, []int{1}, nil, "valid"},
	{2, 5, 5, 3, 3, 3, 4, []int{1}, nil, "same"},
	{1, 6, 6, 2, 3, 3, 3, []int{2}, nil, "same"},
	{1, 6, 7, 2, 3, 2, 3, []int{2}, nil, "valid"},
	{1, 7, 6, 2, 2, 3, 2, []int{2, 1}, []int{1}, "same"},
	{1, 6, 6, 4, 2, 2, 4, []int{1}, nil, "valid"},     // groups 2 (filter in = 2)
	{1, 7, 7, 2, 3, 3, 2, []int{1}, []int{2}, "same"}, // dilation
}

// TestForwardConvRandom runs Conv2D, its gradients and pooling on random
// inputs on the CPU and the reference device (whose direct loops carry
// TF's padding rules) and compares.
func TestForwardConvRandom(t *testing.T) {
	r := rand.New(rand.NewPCG(3, 4))
	for _, c := range convCases {
		cin := c.c
		if c.c == 4 && c.o == 4 {
			cin = 2
		}
		x := f64(vals(r, c.n*c.h*c.w*c.c, uniform(-1, 1)), c.n, c.h, c.w, c.c)
		w := f64(vals(r, c.kh*c.kw*cin*c.o, uniform(-1, 1)), c.kh, c.kw, cin, c.o)
		y := runBoth(t, "Conv2D "+c.String(), func(xs []*Tensor) *Tensor {
			return Conv2D(xs[0], xs[1], c.st, c.pad, Dilations(c.dil...))
		}, x, w)
		dy := f64(vals(r, y.Size(), uniform(-1, 1)), y.Shape()...)
		runBoth(t, "Conv2D gradients "+c.String(), func(xs []*Tensor) *Tensor {
			g := Gradients([]*Tensor{Conv2D(xs[0], xs[1], c.st, c.pad, Dilations(c.dil...))}, xs[:2], xs[2])
			return Add(ReduceSum(g[0], nil, false), ReduceSum(Square(g[1]), nil, false))
		}, x, w, dy)
		runBoth(t, "Conv2D float32 "+c.String(), func(xs []*Tensor) *Tensor {
			return Conv2D(Cast(xs[0], Float32), Cast(xs[1], Float32), c.st, c.pad, Dilations(c.dil...))
		}, x, w)
		pk := []int{c.kh, c.kw}
		runBoth(t, "MaxPool "+c.String(), func(xs []*Tensor) *Tensor { return MaxPool(xs[0], pk, c.st, c.pad) }, x)
		runBoth(t, "AvgPool "+c.String(), func(xs []*Tensor) *Tensor { return AvgPool(xs[0], pk, c.st, c.pad) }, x)
	}
}

func TestConvGradients(t *testing.T) {
	var cases []gradCase
	for _, c := range convCases {
		cin := c.c
		if c.c == 4 && c.o == 4 {
			cin = 2
		}
		cc := c
		cases = append(cases, gradCase{name: "Conv2D " + c.String(),
			shapes: [][]int{{c.n, c.h, c.w, c.c}, {c.kh, c.kw, cin, c.o}},
			f: x01(func(x, w *Tensor) *Tensor {
				return Conv2D(x, w, cc.st, cc.pad, Dilations(cc.dil...))
			})})
		cases = append(cases, gradCase{name: "MaxPool " + c.String(), shapes: [][]int{{c.n, c.h, c.w, c.c}},
			f: x0(func(x *Tensor) *Tensor { return MaxPool(x, []int{cc.kh, cc.kw}, cc.st, cc.pad) })})
		cases = append(cases, gradCase{name: "AvgPool " + c.String(), shapes: [][]int{{c.n, c.h, c.w, c.c}},
			f: x0(func(x *Tensor) *Tensor { return AvgPool(x, []int{cc.kh, cc.kw}, cc.st, cc.pad) })})
	}
	cases = append(cases,
		// The filter's shape is known (a weight); the batch is not.
		gradCase{name: "Conv2D unknown batch", shapes: [][]int{{2, 5, 4, 2}}, unknownBatch: true,
			f: x0(func(x *Tensor) *Tensor { return Conv2D(x, Const(x.Graph(), seq(3, 3, 2, 3)), []int{2}, "same") })},
		gradCase{name: "AvgPool unknown batch", shapes: [][]int{{2, 5, 4, 2}}, unknownBatch: true,
			f: x0(func(x *Tensor) *Tensor { return AvgPool(x, []int{2}, nil, "same") })},
		gradCase{name: "Conv2DTranspose s2 same", shapes: [][]int{{1, 3, 3, 2}, {3, 3, 4, 2}},
			f: x01(func(x, w *Tensor) *Tensor { return Conv2DTranspose(x, w, []int{1, 6, 6, 4}, []int{2}, "same") })},
		gradCase{name: "Conv2DTranspose s2 valid odd", shapes: [][]int{{2, 2, 3, 2}, {3, 3, 1, 2}},
			f: x01(func(x, w *Tensor) *Tensor { return Conv2DTranspose(x, w, []int{2, 5, 7, 1}, []int{2}, "valid") })},
		gradCase{name: "DepthwiseConv2D", shapes: [][]int{{1, 5, 5, 2}, {3, 3, 2, 2}},
			f: x01(func(x, w *Tensor) *Tensor { return DepthwiseConv2D(x, w, []int{2}, "same") })},
		gradCase{name: "SeparableConv2D", shapes: [][]int{{1, 4, 5, 2}, {3, 3, 2, 1}, {1, 1, 2, 3}},
			f: func(xs []*Tensor) *Tensor { return SeparableConv2D(xs[0], xs[1], xs[2], []int{1}, "valid") }},
		gradCase{name: "Conv1D", shapes: [][]int{{2, 7, 2}, {3, 2, 3}},
			f: x01(func(x, w *Tensor) *Tensor { return Conv1D(x, w, 2, "same") })},
		gradCase{name: "MaxPool1D", shapes: [][]int{{2, 7, 2}}, f: x0(func(x *Tensor) *Tensor { return MaxPool1D(x, 2, 0, "same") })},
		gradCase{name: "AvgPool1D", shapes: [][]int{{2, 6, 2}}, f: x0(func(x *Tensor) *Tensor { return AvgPool1D(x, 3, 1, "valid") })},
	)
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) { checkGrad(t, c) })
	}
	// Second order: the backprop ops' own gradients.
	t.Run("second order Conv2D", func(t *testing.T) {
		checkGrad(t, gradCase{name: "d/dx,dw Conv2D", shapes: [][]int{{1, 5, 4, 2}, {2, 3, 2, 3}},
			f: gradOf(func(xs []*Tensor) *Tensor { return Square(Conv2D(xs[0], xs[1], []int{2}, "same")) }, []int{1, 3, 2, 3})})
	})
	// The backprop ops as functions of their own inputs: dw(x, dy) and
	// dx(w, dy), both bilinear.
	for pad, dyShape := range map[string][]int{"valid": {2, 2, 3, 3}, "same": {2, 3, 3, 3}} {
		t.Run("Conv2DBackpropFilter "+pad, func(t *testing.T) {
			checkGrad(t, gradCase{name: "Conv2DBackpropFilter " + pad, shapes: [][]int{{2, 5, 6, 2}, dyShape},
				f: x01(func(x, dy *Tensor) *Tensor {
					w := Const(x.Graph(), seq(3, 2, 2, 3))
					return Gradients([]*Tensor{Conv2D(x, w, []int{2}, pad)}, []*Tensor{w}, dy)[0]
				})})
		})
		t.Run("Conv2DBackpropInput "+pad, func(t *testing.T) {
			checkGrad(t, gradCase{name: "Conv2DBackpropInput " + pad, shapes: [][]int{{3, 2, 2, 3}, dyShape},
				f: x01(func(w, dy *Tensor) *Tensor {
					x := Const(w.Graph(), seq(2, 5, 6, 2))
					return Gradients([]*Tensor{Conv2D(x, w, []int{2}, pad)}, []*Tensor{x}, dy)[0]
				})})
		})
	}
	t.Run("second order AvgPool", func(t *testing.T) {
		checkGrad(t, gradCase{name: "d/dx AvgPool", shapes: [][]int{{1, 5, 4, 2}},
			f: gradOf(x0(func(x *Tensor) *Tensor { return Square(AvgPool(x, []int{2}, nil, "same")) }), []int{1, 3, 2, 2})})
	})
}

// Transposed convolution against its definition: Conv2DTranspose(x, w)
// is the input gradient of a Conv2D of the output shape.
func TestForwardConvComposites(t *testing.T) {
	r := rand.New(rand.NewPCG(5, 6))
	x := f64(vals(r, 2*3*3*2, uniform(-1, 1)), 2, 3, 3, 2)
	w := f64(vals(r, 3*3*4*2, uniform(-1, 1)), 3, 3, 4, 2)
	tr := runBoth(t, "Conv2DTranspose", x01(func(x, w *Tensor) *Tensor {
		return Conv2DTranspose(x, w, []int{-1, 6, 6, 4}, []int{2}, "same")
	}), x, w)
	// <Conv2DTranspose(x, w), z> = <x, Conv2D(z, w)> for every z.
	z := f64(vals(r, 2*6*6*4, uniform(-1, 1)), 2, 6, 6, 4)
	cz := Conv2D(Constant(z), Constant(w), []int{2}, "same").Value()
	lhs, rhs := 0.0, 0.0
	for i, v := range tr.Float64s() {
		lhs += v * z.Float64s()[i]
	}
	for i, v := range x.Float64s() {
		rhs += v * cz.Float64s()[i]
	}
	if d := lhs - rhs; d > 1e-9 || d < -1e-9 {
		t.Errorf("Conv2DTranspose: <T(x), z> = %v, <x, conv(z)> = %v", lhs, rhs)
	}
	// Depthwise: output channel c·M+m is channel c convolved with
	// filter[:, :, c, m], computed here as separate one-channel Conv2Ds.
	xd := f64(vals(r, 1*4*4*2, uniform(-1, 1)), 1, 4, 4, 2)
	wd := f64(vals(r, 2*2*2*3, uniform(-1, 1)), 2, 2, 2, 3)
	dw := runBoth(t, "DepthwiseConv2D", x01(func(x, w *Tensor) *Tensor { return DepthwiseConv2D(x, w, nil, "valid") }), xd, wd)
	for c := 0; c < 2; c++ {
		xc := Slice(Constant(xd), []int{0, 0, 0, c}, []int{1, 4, 4, 1})
		wc := Reshape(Slice(Constant(wd), []int{0, 0, c, 0}, []int{2, 2, 1, 3}), 2, 2, 1, 3)
		yc := Conv2D(xc, wc, nil, "valid").Value()
		for i := 0; i < yc.Size(); i++ {
			pix, m := i/3, i%3
			if got, want := dw.Float(pix*6+c*3+m), yc.Float(i); got != want {
				t.Fatalf("DepthwiseConv2D: pixel %d channel %d: %v, want %v", pix, c*3+m, got, want)
			}
		}
	}
	// Conv1D is a Conv2D of height 1: the direct sum, by hand, "same"
	// stride 1 with k=3 pads one step on each side.
	x1 := f64([]float64{1, 2, 3, 4}, 1, 4, 1)
	w1 := f64([]float64{1, 10, 100}, 3, 1, 1)
	expect(t, "Conv1D", runBoth(t, "Conv1D", x01(func(x, w *Tensor) *Tensor { return Conv1D(x, w, 1, "same") }), x1, w1),
		Float64, []int{1, 4, 1}, []float64{210, 321, 432, 43}, 0)
	expect(t, "MaxPool1D", runBoth(t, "MaxPool1D", x0(func(x *Tensor) *Tensor { return MaxPool1D(x, 3, 1, "valid") }), x1),
		Float64, []int{1, 2, 1}, []float64{3, 4}, 0)
	expect(t, "AvgPool1D", runBoth(t, "AvgPool1D", x0(func(x *Tensor) *Tensor { return AvgPool1D(x, 3, 2, "same") }), x1),
		Float64, []int{1, 2, 1}, []float64{2, 3.5}, 0)
}

// Bad shapes panic at build time with a *ShapeError naming the op, the
// shapes and what was expected.
func TestConvShapeErrors(t *testing.T) {
	g := NewGraph()
	x := Placeholder(g, Float32, tensor.Shape{-1, 5, 5, 3})
	for _, c := range []struct {
		name string
		f    func()
		want []string
	}{
		{"kernel larger than input", func() { Conv2D(x, Placeholder(g, Float32, tensor.Shape{7, 3, 3, 4}), nil, "valid") },
			[]string{"Conv2D", "(None, 5, 5, 3)", "(7, 3, 3, 4)", "larger than the input 5"}},
		{"channels", func() { Conv2D(x, Placeholder(g, Float32, tensor.Shape{3, 3, 2, 4}), nil, "same") },
			[]string{"Conv2D", "input channels 3", "filter's input channels 2"}},
		{"stride 0", func() { Conv2D(x, Placeholder(g, Float32, tensor.Shape{3, 3, 3, 4}), []int{0}, "same") },
			[]string{"Conv2D", "strides [0 0]", "at least 1"}},
		{"pool window 0", func() { MaxPool(x, []int{0, 2}, nil, "valid") },
			[]string{"MaxPool", "pool size [0 2]", "at least 1"}},
		{"pool larger than input", func() { AvgPool(x, []int{6}, nil, "valid") },
			[]string{"AvgPool", "(None, 5, 5, 3)", "larger than the input 5"}},
		{"rank", func() { MaxPool(Placeholder(g, Float32, tensor.Shape{-1, 5}), []int{2}, nil, "valid") },
			[]string{"MaxPool", "rank 4"}},
	} {
		err := Catch(c.f)
		var se *ShapeError
		if !errors.As(err, &se) {
			t.Errorf("%s: got %v, want a *ShapeError", c.name, err)
			continue
		}
		for _, w := range c.want {
			if !strings.Contains(err.Error(), w) {
				t.Errorf("%s: %q does not mention %q", c.name, err, w)
			}
		}
	}
	if err := Catch(func() { Conv2D(x, x, nil, "full") }); err == nil || !strings.Contains(err.Error(), `padding "full"`) {
		t.Errorf("padding full: %v", err)
	}
}

// Max pooling's second derivatives: MaxPoolGrad is linear in dy, its
// gradient MaxPoolGradGrad picks g at each window's maximum.
func TestMaxPoolSecondOrder(t *testing.T) {
	pa := attrs{[]int{2, 2}, []int{2, 2}, "SAME"}
	ggrad := func(xs []*Tensor) *Tensor { return applyState("MaxPoolGradGrad", pa, &poolState{}, xs[0], xs[1]) }
	g := seq(1, 3, 3, 1)
	for i := range g.Float64s() {
		g.Float64s()[i] *= 10
	}
	expect(t, "MaxPoolGradGrad", runBoth(t, "MaxPoolGradGrad", ggrad, seq(1, 3, 3, 1), g), Float64, []int{1, 2, 2, 1}, []float64{50, 60, 80, 90}, 0)
	r := rand.New(rand.NewPCG(13, 14))
	xc := f64(vals(r, 2*5*4*2, uniform(-1, 1)), 2, 5, 4, 2)
	for _, c := range []gradCase{
		{name: "MaxPoolGrad in dy", shapes: [][]int{{2, 3, 2, 2}}, f: x0(func(dy *Tensor) *Tensor {
			x := Const(dy.Graph(), xc)
			x.watched = x.Graph() == nil // eagerly, a recorded constant
			return Gradients([]*Tensor{MaxPool(x, []int{2}, nil, "same")}, []*Tensor{x}, dy)[0]
		})},
		{name: "MaxPoolGradGrad in g", shapes: [][]int{{2, 5, 4, 2}}, f: x0(func(g *Tensor) *Tensor {
			return applyState("MaxPoolGradGrad", attrs{[]int{3, 2}, []int{2, 1}, "VALID"}, &poolState{}, Const(g.Graph(), xc), g)
		})},
		{name: "d/dx MaxPool²", shapes: [][]int{{2, 5, 4, 2}}, f: gradOf(x0(func(x *Tensor) *Tensor {
			return Square(MaxPool(x, []int{2}, nil, "same"))
		}), []int{2, 3, 2, 2})},
	} {
		t.Run(c.name, func(t *testing.T) { checkGrad(t, c) })
	}
}
