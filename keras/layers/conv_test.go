package layers

import (
	"fmt"
	"strings"
	"testing"

	"github.com/tensorgo/tensorgo/keras/initializers"
	"github.com/tensorgo/tensorgo/keras/internal/layerutil"
	"github.com/tensorgo/tensorgo/tensor"
	"github.com/tensorgo/tensorgo/tf"
)

// panicMessage returns what f panics with, as text ("" for no panic).
func panicMessage(f func()) (msg string) {
	defer func() {
		if r := recover(); r != nil {
			msg = fmt.Sprint(r)
		}
	}()
	f()
	return ""
}

// Output shapes and parameter counts by Keras's rules, worked out by hand:
// "valid": (n − k_eff)/s + 1; "same": ceil(n/s); a transposed "valid"
// convolution n·s + max(k − s, 0).
func TestSpatialShapesAndParams(t *testing.T) {
	layerutil.ResetNames()
	for _, c := range []struct {
		l      Layer
		in     []int
		out    []int
		params int
	}{
		{Conv2D(32, []int{3}), []int{-1, 28, 28, 1}, []int{-1, 26, 26, 32}, 3*3*1*32 + 32},
		{Conv2D(8, []int{3, 2}, Strides(2), Padding("same")), []int{-1, 7, 6, 3}, []int{-1, 4, 3, 8}, 3*2*3*8 + 8},
		{Conv2D(4, []int{3}, DilationRate(2), UseBias(false)), []int{-1, 9, 9, 2}, []int{-1, 5, 5, 4}, 3 * 3 * 2 * 4},
		{Conv2D(6, []int{1}, Groups(3)), []int{-1, 4, 4, 6}, []int{-1, 4, 4, 6}, 1*1*2*6 + 6},
		{Conv1D(5, 3, Strides(2)), []int{-1, 10, 4}, []int{-1, 4, 5}, 3*4*5 + 5},
		{Conv1D(5, 3, Padding("same")), []int{-1, 10, 4}, []int{-1, 10, 5}, 3*4*5 + 5},
		{Conv2DTranspose(3, []int{3}, Strides(2)), []int{-1, 5, 5, 2}, []int{-1, 11, 11, 3}, 3*3*3*2 + 3},
		{Conv2DTranspose(3, []int{3}, Strides(2), Padding("same")), []int{-1, 5, 5, 2}, []int{-1, 10, 10, 3}, 3*3*3*2 + 3},
		{DepthwiseConv2D([]int{3}, DepthMultiplier(2)), []int{-1, 6, 6, 3}, []int{-1, 4, 4, 6}, 3*3*3*2 + 6},
		{SeparableConv2D(8, []int{3}, Padding("same")), []int{-1, 6, 6, 3}, []int{-1, 6, 6, 8}, 3*3*3 + 3*8 + 8},
		{MaxPooling2D(), []int{-1, 7, 7, 3}, []int{-1, 3, 3, 3}, 0},
		{MaxPooling2D(Padding("same")), []int{-1, 7, 7, 3}, []int{-1, 4, 4, 3}, 0},
		{AveragePooling2D(PoolSize(3), Strides(1)), []int{-1, 7, 6, 3}, []int{-1, 5, 4, 3}, 0},
		{MaxPooling1D(), []int{-1, 9, 2}, []int{-1, 4, 2}, 0},
		{AveragePooling1D(PoolSize(3), Strides(2), Padding("same")), []int{-1, 9, 2}, []int{-1, 5, 2}, 0},
		{GlobalAveragePooling2D(), []int{-1, 5, 4, 3}, []int{-1, 3}, 0},
		{GlobalMaxPooling2D(KeepDims(true)), []int{-1, 5, 4, 3}, []int{-1, 1, 1, 3}, 0},
		{GlobalAveragePooling1D(), []int{-1, 5, 3}, []int{-1, 3}, 0},
		{GlobalMaxPooling1D(), []int{-1, 5, 3}, []int{-1, 3}, 0},
	} {
		name := c.l.LayerBase().ClassName()
		if got := c.l.ComputeOutputShape(c.in); !got.Equal(c.out) {
			t.Errorf("%s: ComputeOutputShape(%v) = %v, want %v", name, c.in, got, c.out)
		}
		g := tf.NewGraph()
		y := Apply(c.l, tf.Placeholder(g, tensor.Float32, c.in))
		if !y.Shape().Equal(c.out) {
			t.Errorf("%s: output %v, want %v", name, y.Shape(), c.out)
		}
		if n := c.l.LayerBase().CountParams(); n != c.params {
			t.Errorf("%s: %d parameters, want %d", name, n, c.params)
		}
		// Eagerly with a batch of 2: the same shape with the batch filled in.
		in := append([]int{2}, c.in[1:]...)
		ye := Apply(c.l, tf.Constant(tensor.RandomUniform(tensor.Float32, in, -1, 1, 1)))
		want := append(tensor.Shape{2}, c.out[1:]...)
		if !ye.Shape().Equal(want) {
			t.Errorf("%s: eager output %v, want %v", name, ye.Shape(), want)
		}
	}
}

// A Conv2D layer computes activation(conv + bias): a 2×2 kernel of ones
// and bias −20 over the 3×3 image 1..9 sum each window, minus 20, relu.
func TestConv2DLayerValues(t *testing.T) {
	l := Conv2D(1, []int{2}, KernelInitializer(initializers.Constant(1)), BiasInitializer(initializers.Constant(-20)), Activation("relu"))
	x := tensor.New(tensor.Float32, 1, 3, 3, 1)
	for i := range x.Float32s() {
		x.Float32s()[i] = float32(i + 1)
	}
	y := Apply(l, tf.Constant(x)).Value()
	// windows: 1+2+4+5 = 12, 2+3+5+6 = 16, 4+5+7+8 = 24, 5+6+8+9 = 28
	want := []float64{0, 0, 4, 8}
	for i, w := range want {
		if y.Float(i) != w {
			t.Fatalf("Conv2D layer output %v, want %v", y, want)
		}
	}
	p := MaxPooling2D(PoolSize(2), Strides(1))
	if z := Apply(p, tf.Constant(x)).Value(); z.Float(0) != 5 || z.Float(3) != 9 {
		t.Errorf("MaxPooling2D output %v, want [5 6 8 9]", z)
	}
	ga := Apply(GlobalAveragePooling2D(), tf.Constant(x)).Value()
	if ga.Float(0) != 5 {
		t.Errorf("GlobalAveragePooling2D of 1..9 = %v, want 5", ga)
	}
}

// Bad input panics at build time with the layer, the shapes and what was
// expected.
func TestSpatialLayerErrors(t *testing.T) {
	layerutil.ResetNames()
	g := tf.NewGraph()
	small := tf.Placeholder(g, tensor.Float32, tensor.Shape{-1, 2, 2, 1})
	rgb := tf.Placeholder(g, tensor.Float32, tensor.Shape{-1, 8, 8, 3})
	gray := tf.Placeholder(g, tensor.Float32, tensor.Shape{-1, 8, 8, 1})
	shared := Conv2D(4, []int{3})
	Apply(shared, rgb)
	for _, c := range []struct {
		name string
		f    func()
		want []string
	}{
		{"kernel larger than the input", func() { Apply(Conv2D(4, []int{3}), small) },
			[]string{"conv2d", "(Conv2D)", "(None, 2, 2, 1)", "kernel size (3, 3)", "larger than the input 2"}},
		{"channels that do not match the kernel", func() { Apply(shared, gray) },
			[]string{shared.Name(), "(Conv2D)", "built for input shape", "(None, 8, 8, 3)", "(None, 8, 8, 1)"}},
		{"stride 0", func() { Conv2D(4, []int{3}, Strides(0)) }, []string{"Conv2D", "strides [0 0]", "at least 1"}},
		{"pool window 0", func() { MaxPooling2D(PoolSize(0, 2)) }, []string{"MaxPooling2D", "pool size [0 2]", "at least 1"}},
		{"pool larger than the input", func() { Apply(AveragePooling2D(PoolSize(3)), small) },
			[]string{"average_pooling2d", "(AveragePooling2D)", "(None, 2, 2, 1)", "pool size (3, 3)", "larger than the input 2"}},
		{"rank", func() { Apply(Conv2D(4, []int{3}), tf.Placeholder(g, tensor.Float32, tensor.Shape{-1, 8, 3})) },
			[]string{"(Conv2D)", "(batch, height, width, channels)", "(None, 8, 3)"}},
		{"groups", func() { Apply(Conv2D(4, []int{1}, Groups(2)), rgb) }, []string{"(Conv2D)", "3 channels", "2 groups"}},
		{"padding", func() { Conv2D(4, []int{3}, Padding("full")) }, []string{"Conv2D", `padding "full"`}},
		{"option", func() { MaxPooling2D(KernelInitializer("zeros")) }, []string{"MaxPooling2D", "KernelInitializer"}},
	} {
		msg := panicMessage(c.f)
		if msg == "" {
			t.Errorf("%s: no panic", c.name)
			continue
		}
		for _, w := range c.want {
			if !strings.Contains(msg, w) {
				t.Errorf("%s: %q does not mention %q", c.name, msg, w)
			}
		}
	}
}

// A Conv2D with a bias and relu (or no activation) is one fused op; with
// another activation, the three ops.
func TestConv2DLayerFusesBiasRelu(t *testing.T) {
	types := func(l Layer) map[string]bool {
		g := tf.NewGraph()
		Apply(l, tf.Placeholder(g, tensor.Float32, tensor.Shape{-1, 5, 5, 2}))
		m := map[string]bool{}
		for _, op := range g.Operations() {
			m[op.Type()] = true
		}
		return m
	}
	if m := types(Conv2D(3, []int{3}, Activation("relu"))); !m["FusedConv2D"] || m["Conv2D"] || m["Relu"] {
		t.Errorf("Conv2D relu builds %v, want FusedConv2D alone", m)
	}
	if m := types(Conv2D(3, []int{3}, Activation("tanh"))); m["FusedConv2D"] || !m["Conv2D"] || !m["BiasAdd"] || !m["Tanh"] {
		t.Errorf("Conv2D tanh builds %v, want Conv2D, BiasAdd, Tanh", m)
	}
}

// Causal Conv1D: output t sums inputs t−2..t (a kernel of three ones),
// zeros before the first step.
func TestConv1DCausal(t *testing.T) {
	l := Conv1D(1, 3, Padding("causal"), KernelInitializer(initializers.Constant(1)), UseBias(false))
	x := tf.Constant(tensor.From([][][]float32{{{1}, {2}, {3}, {4}, {5}}}))
	y := Apply(l, x).Value()
	for i, w := range []float64{1, 3, 6, 9, 12} {
		if y.Float(i) != w {
			t.Fatalf("causal Conv1D %v, want [1 3 6 9 12]", y)
		}
	}
	d := Conv1D(1, 2, Padding("causal"), DilationRate(2), Strides(2), KernelInitializer(initializers.Constant(1)), UseBias(false))
	// taps t−2 and t at t = 0, 2, 4: 1, 1+3, 3+5
	yd := Apply(d, x).Value()
	for i, w := range []float64{1, 4, 8} {
		if yd.Float(i) != w || yd.Size() != 3 {
			t.Fatalf("causal dilated strided Conv1D %v, want [1 4 8]", yd)
		}
	}
	if s := d.ComputeOutputShape(tensor.Shape{-1, 10, 4}); !s.Equal(tensor.Shape{-1, 5, 1}) {
		t.Errorf("causal stride 2 on 10 steps: %v, want (None, 5, 1)", s)
	}
	if panicMessage(func() { Conv2D(1, []int{3}, Padding("causal")) }) == "" {
		t.Error("causal Conv2D: no panic")
	}
}
