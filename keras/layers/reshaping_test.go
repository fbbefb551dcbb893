package layers

import (
	"math"
	"testing"

	"github.com/tensorgo/tensorgo/tensor"
	"github.com/tensorgo/tensorgo/tf"
)

func img(h, w int) *tf.Tensor {
	x := tensor.New(tensor.Float32, 1, h, w, 1)
	for i := range x.Float32s() {
		x.Float32s()[i] = float32(i + 1)
	}
	return tf.Constant(x)
}

func same(t *testing.T, name string, got *tensor.Tensor, shape []int, want []float64) {
	t.Helper()
	if !got.Shape().Equal(shape) {
		t.Fatalf("%s: shape %v, want %v", name, got.Shape(), tensor.Shape(shape))
	}
	for i, w := range want {
		if math.Abs(got.Float(i)-w) > 1e-6 {
			t.Fatalf("%s: %v, want %v", name, got, want)
		}
	}
}

func TestReshapingLayers(t *testing.T) {
	x := img(2, 2) // 1 2 / 3 4
	same(t, "ZeroPadding2D", Apply(ZeroPadding2D([]int{1, 0, 0, 1}), x).Value(), []int{1, 3, 3, 1},
		[]float64{0, 0, 0, 1, 2, 0, 3, 4, 0})
	if s := ZeroPadding2D(nil).ComputeOutputShape(tensor.Shape{-1, 28, 28, 3}); !s.Equal(tensor.Shape{-1, 30, 30, 3}) {
		t.Errorf("ZeroPadding2D default: %v, want (None, 30, 30, 3)", s)
	}
	same(t, "Cropping2D", Apply(Cropping2D([]int{1, 0, 0, 1}), img(3, 3)).Value(), []int{1, 2, 2, 1}, []float64{4, 5, 7, 8})
	same(t, "UpSampling2D", Apply(UpSampling2D([]int{2, 3}), x).Value(), []int{1, 4, 6, 1},
		[]float64{1, 1, 1, 2, 2, 2, 1, 1, 1, 2, 2, 2, 3, 3, 3, 4, 4, 4, 3, 3, 3, 4, 4, 4})
	same(t, "Rescaling", Apply(Rescaling(0.5, -1), x).Value(), []int{1, 2, 2, 1}, []float64{-0.5, 0, 0.5, 1})
	u8 := tf.Constant(tensor.From([]uint8{0, 255}))
	same(t, "Rescaling uint8", Apply(Rescaling(1.0/255, 0), u8).Value(), []int{2}, []float64{0, 1})
	// SpatialDropout2D keeps or drops whole channels: every pixel of a
	// (sample, channel) has the same factor, 0 or 1/(1 − rate).
	in := tf.Constant(tensor.Ones(tensor.Float32, 4, 3, 3, 8))
	y := ApplyTraining(SpatialDropout2D(0.5, Seed(3)), true, in).Value()
	kept := 0
	for n := 0; n < 4; n++ {
		for c := 0; c < 8; c++ {
			v := y.Float(n*72 + c)
			if v != 0 && v != 2 {
				t.Fatalf("SpatialDropout2D factor %v, want 0 or 2", v)
			}
			if v == 2 {
				kept++
			}
			for p := 1; p < 9; p++ {
				if y.Float(n*72+p*8+c) != v {
					t.Fatalf("SpatialDropout2D: sample %d channel %d differs between pixels", n, c)
				}
			}
		}
	}
	if kept == 0 || kept == 32 {
		t.Errorf("SpatialDropout2D(0.5) kept %d of 32 channels", kept)
	}
	if z := ApplyTraining(SpatialDropout2D(0.5), false, in); z != in {
		t.Error("SpatialDropout2D at inference is not the identity")
	}
	for _, c := range []struct {
		name string
		f    func()
	}{
		{"cropping everything", func() { Apply(Cropping2D([]int{1}), x) }},
		{"negative padding", func() { ZeroPadding2D([]int{-1}) }},
		{"three padding values", func() { ZeroPadding2D([]int{1, 2, 3}) }},
		{"bilinear", func() { UpSampling2D(nil, Interpolation("bilinear")) }},
		{"rank", func() { Apply(ZeroPadding2D(nil), tf.Constant(tensor.Ones(tensor.Float32, 2, 3))) }},
	} {
		if panicMessage(c.f) == "" {
			t.Errorf("%s: no panic", c.name)
		}
	}
}

func TestMergeLayers(t *testing.T) {
	a := tf.Constant(tensor.From([][]float32{{1, 5}}))
	b := tf.Constant(tensor.From([][]float32{{3, 2}}))
	c := tf.Constant(tensor.From([][]float32{{2, 8}}))
	for _, m := range []struct {
		l    *MergeLayer
		want []float64
	}{
		{Subtract(), []float64{-2, 3}},
		{Multiply(), []float64{6, 80}},
		{Average(), []float64{2, 5}},
		{Maximum(), []float64{3, 8}},
		{Minimum(), []float64{1, 2}},
	} {
		ins := []*tf.Tensor{a, b, c}
		if m.l.ClassName() == "Subtract" {
			ins = ins[:2]
		}
		same(t, m.l.ClassName(), Apply(m.l, ins...).Value(), []int{1, 2}, m.want)
	}
	if panicMessage(func() { Apply(Subtract(), a, b, c) }) == "" {
		t.Error("Subtract of 3 inputs: no panic")
	}
	if panicMessage(func() { Apply(Maximum(), a, tf.Constant(tensor.Ones(tensor.Float32, 1, 3))) }) == "" {
		t.Error("Maximum of shapes (1, 2) and (1, 3): no panic")
	}
}
