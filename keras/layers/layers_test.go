package layers

import (
	"math"
	"strings"
	"testing"

	"github.com/tensorgo/tensorgo/keras/initializers"
	"github.com/tensorgo/tensorgo/keras/internal/layerutil"
	"github.com/tensorgo/tensorgo/tensor"
	"github.com/tensorgo/tensorgo/tf"
)

func eager(v any) *tf.Tensor { return tf.Constant(tensor.From(v)) }

func TestDenseForward(t *testing.T) {
	layerutil.ResetNames()
	d := Dense(2, KernelInitializer(initializers.Constant(0.5)), BiasInitializer(initializers.Constant(1)), Activation("relu"))
	x := eager([][]float32{{1, 2, 3}, {-4, -5, -6}})
	y := d.Apply(x)
	// row 1: 0.5·6 + 1 = 4; row 2: 0.5·(-15) + 1 = -6.5 -> relu 0
	want := []float64{4, 4, 0, 0}
	for i, w := range want {
		if got := y.Value().Float(i); got != w {
			t.Fatalf("dense output %v, want %v", y.Value(), want)
		}
	}
	if d.Name() != "dense" || d.CountParams() != 8 || !d.Kernel.Shape().Equal(tensor.Shape{3, 2}) {
		t.Fatalf("name %s params %d kernel %v", d.Name(), d.CountParams(), d.Kernel.Shape())
	}
	if d.Kernel.Name() != "dense/kernel:0" {
		t.Errorf("kernel name %s", d.Kernel.Name())
	}
	// Rank 3 input: Dense works on the last axis.
	x3 := eager([][][]float32{{{1, 1, 1}}, {{2, 2, 2}}})
	if y3 := d.Apply(x3); !y3.Shape().Equal(tensor.Shape{2, 1, 2}) || y3.Value().Float(2) != 4 {
		t.Errorf("rank-3 dense: %v", y3.Value())
	}
}

func TestShapesAndGraphMode(t *testing.T) {
	layerutil.ResetNames()
	g := tf.NewGraph()
	x := tf.Placeholder(g, tensor.Float32, tensor.Shape{-1, 4, 6})
	f := Flatten()
	r := Reshape([]int{3, -1})
	h := r.Apply(f.Apply(x))
	if !h.Shape().Equal(tensor.Shape{-1, 3, 8}) {
		t.Fatalf("flatten+reshape shape %v", h.Shape())
	}
	if got := f.ComputeOutputShape(tensor.Shape{-1, 4, 6}); !got.Equal(tensor.Shape{-1, 24}) {
		t.Errorf("flatten output shape %v", got)
	}
	d := Dense(5)
	out := d.Apply(h)
	if !out.Shape().Equal(tensor.Shape{-1, 3, 5}) || !d.ComputeOutputShape(h.Shape()).Equal(out.Shape()) {
		t.Errorf("dense output shape %v", out.Shape())
	}
	if f.Name() != "flatten" || r.Name() != "reshape" || d.Name() != "dense" {
		t.Errorf("names %s %s %s", f.Name(), r.Name(), d.Name())
	}
	// The same layer on an input of another width is an error naming it.
	defer func() {
		r := recover()
		if r == nil || !strings.Contains(r.(string), "dense") {
			t.Errorf("shape mismatch: %v", r)
		}
	}()
	d.Apply(tf.Placeholder(g, tensor.Float32, tensor.Shape{-1, 7}))
}

func TestDropoutTrainingOnly(t *testing.T) {
	x := tf.Constant(tensor.Ones(tensor.Float32, 200, 50))
	d := Dropout(0.5, Seed(3))
	if y := ApplyTraining(d, false, x); y != x {
		t.Error("inference dropout is not the identity")
	}
	y := ApplyTraining(d, true, x).Value()
	zeros, sum := 0, 0.0
	for i := 0; i < y.Size(); i++ {
		v := y.Float(i)
		if v == 0 {
			zeros++
		} else if v != 2 {
			t.Fatalf("kept value %v, want 2 (1/(1-rate))", v)
		}
		sum += v
	}
	if frac := float64(zeros) / float64(y.Size()); math.Abs(frac-0.5) > 0.05 {
		t.Errorf("dropped fraction %v", frac)
	}
}

func TestActivationLayerAndOption(t *testing.T) {
	x := eager([][]float32{{0, 1}})
	s := Activation("softmax").Apply(x).Value()
	e := math.E / (1 + math.E)
	if math.Abs(s.Float(1)-e) > 1e-6 {
		t.Errorf("softmax %v", s)
	}
	d := Dense(1, Activation("sigmoid"), KernelInitializer("zeros"))
	if v := d.Apply(x).Value().Float(0); v != 0.5 {
		t.Errorf("sigmoid(0) through Dense = %v", v)
	}
	defer func() {
		if r := recover(); r == nil || !strings.Contains(r.(string), "relu") {
			t.Errorf("unknown activation: %v", r)
		}
	}()
	Activation("rleu")
}

func TestLambdaAndMerge(t *testing.T) {
	l := Lambda(func(x *tf.Tensor) *tf.Tensor { return tf.Mul(x, x) })
	if got := l.ComputeOutputShape(tensor.Shape{-1, 3}); !got.Equal(tensor.Shape{-1, 3}) {
		t.Errorf("lambda shape %v", got)
	}
	x := eager([][]float32{{1, 2}})
	if v := l.Apply(x).Value().Float(1); v != 4 {
		t.Errorf("lambda %v", v)
	}
	if v := Add().Apply(x, x, x).Value().Float(1); v != 6 {
		t.Errorf("add %v", v)
	}
	c := Concatenate(-1).Apply(x, eager([][]float32{{3}}))
	if !c.Shape().Equal(tensor.Shape{1, 3}) || c.Value().Float(2) != 3 {
		t.Errorf("concatenate %v", c.Value())
	}
}

func TestTrainableFlag(t *testing.T) {
	d := Dense(2)
	d.Apply(eager([][]float32{{1, 2}}))
	if len(d.TrainableWeights()) != 2 || len(d.NonTrainableWeights()) != 0 {
		t.Fatal("fresh layer not trainable")
	}
	d.SetTrainable(false)
	if len(d.TrainableWeights()) != 0 || len(d.NonTrainableWeights()) != 2 || d.Kernel.Trainable() {
		t.Fatal("frozen layer still trainable")
	}
	// A weight created non-trainable stays frozen when its layer is unfrozen.
	stat := d.AddWeight("moving_mean", tensor.Shape{2}, initializers.Zeros(), nil, false)
	d.SetTrainable(true)
	if stat.Trainable() || len(d.TrainableWeights()) != 2 || len(d.NonTrainableWeights()) != 1 || !d.Kernel.Trainable() {
		t.Fatal("unfreezing changed a non-trainable weight")
	}
}

// A Dense layer on matrices with a bias is one FusedMatMul, with relu
// folded in; without a bias, or on a higher rank, MatMul and the rest.
func TestDenseFusesBiasRelu(t *testing.T) {
	types := func(l Layer, shape tensor.Shape) map[string]int {
		g := tf.NewGraph()
		y := Apply(l, tf.Placeholder(g, tensor.Float32, shape))
		m := map[string]int{}
		for _, op := range g.Operations() {
			m[op.Type()]++
		}
		m["out:"+y.Op().Type()]++
		return m
	}
	if m := types(Dense(4, Activation("relu")), tensor.Shape{-1, 3}); m["out:FusedMatMul"] != 1 || m["MatMul"] > 0 || m["Relu"] > 0 || m["BiasAdd"] > 0 {
		t.Errorf("Dense relu builds %v, want FusedMatMul alone", m)
	}
	if m := types(Dense(4, Activation("tanh")), tensor.Shape{-1, 3}); m["out:Tanh"] != 1 || m["FusedMatMul"] != 1 || m["BiasAdd"] > 0 {
		t.Errorf("Dense tanh builds %v, want FusedMatMul then Tanh", m)
	}
	if m := types(Dense(4, UseBias(false)), tensor.Shape{-1, 3}); m["out:MatMul"] != 1 || m["FusedMatMul"] > 0 {
		t.Errorf("Dense without bias builds %v, want MatMul", m)
	}
	if m := types(Dense(4), tensor.Shape{-1, 2, 3}); m["FusedMatMul"] > 0 || m["BiasAdd"] != 1 {
		t.Errorf("Dense on rank 3 builds %v, want MatMul and BiasAdd", m)
	}
}
