package onnx_test

import (
	"bytes"
	"math"
	"strings"
	"testing"

	"github.com/tensorgo/tensorgo/keras"
	"github.com/tensorgo/tensorgo/onnx"
	"github.com/tensorgo/tensorgo/optimizers"
	"github.com/tensorgo/tensorgo/tensor"
	"github.com/tensorgo/tensorgo/tf"
)

// A Keras model exported to ONNX and imported back predicts the same.
func TestExportImportRoundTrip(t *testing.T) {
	m := mnistMLP(t)
	x := tensor.RandomUniform(tensor.Float32, tensor.Shape{4, 28, 28}, 0, 1, 5)
	want, err := m.Predict(x, keras.Verbose(0))
	if err != nil {
		t.Fatal(err)
	}
	exp, err := onnx.ExportKeras(m)
	if err != nil {
		t.Fatal(err)
	}
	b, _ := onnx.Encode(exp)
	im, err := onnx.Load(bytes.NewReader(b), onnx.Limits{})
	if err != nil {
		t.Fatal(err)
	}
	got, err := im.Predict(x)
	if err != nil {
		t.Fatal(err)
	}
	for i := 0; i < want.Size(); i++ {
		if math.Abs(got[0].Float(i)-want.Float(i)) > 1e-6 {
			t.Fatalf("output %d: %v after the round trip, %v before", i, got[0].Float(i), want.Float(i))
		}
	}
}

// An imported model's weights are trainable variables: a few steps of
// gradient descent on its graph lower a loss.
func TestImportedModelFineTunes(t *testing.T) {
	exp, err := onnx.ExportKeras(mnistMLP(t))
	if err != nil {
		t.Fatal(err)
	}
	im, err := onnx.Import(exp)
	if err != nil {
		t.Fatal(err)
	}
	if len(im.Variables) != 4 {
		t.Fatalf("variables %v", im.Variables)
	}
	for name, v := range im.Variables {
		if !v.Trainable() {
			t.Fatalf("variable %s is not trainable", name)
		}
	}
	g := im.Graph
	target := tf.Placeholder(g, tensor.Float32, tensor.Shape{-1, 10}, tf.Name("target"))
	loss := tf.ReduceMean(tf.Square(tf.Sub(im.Outputs[0], target)), nil, false)
	train := optimizers.NewGradientDescent(0.5).Minimize(loss)
	sess := tf.NewSession(g)
	sess.Run(nil, nil, tf.GlobalVariablesInitializer(g)) // the optimizer's own variables
	x := tensor.RandomUniform(tensor.Float32, tensor.Shape{8, 28, 28}, 0, 1, 9)
	y := tensor.OneHot(tensor.FromSlice([]int32{0, 1, 2, 3, 4, 5, 6, 7}), 10, tensor.Float32)
	feeds := tf.Feeds{im.Inputs[0]: x, target: y}
	first, err := sess.Run(feeds, []*tf.Tensor{loss})
	if err != nil {
		t.Fatal(err)
	}
	for i := 0; i < 50; i++ {
		if _, err := sess.Run(feeds, nil, train); err != nil {
			t.Fatal(err)
		}
	}
	last, _ := sess.Run(feeds, []*tf.Tensor{loss})
	if !(last[0].Item() < first[0].Item()/2) {
		t.Fatalf("loss %v after fine-tuning, %v before", last[0].Item(), first[0].Item())
	}
}

func TestImportListsMissingOperators(t *testing.T) {
	m := &onnx.Model{Graph: onnx.Graph{
		Inputs:  []onnx.Value{{Name: "x", DType: tensor.Float32, Shape: []int{1, 3, 8, 8}}},
		Outputs: []onnx.Value{{Name: "z"}},
		Nodes: []onnx.Node{
			{Name: "a", OpType: "LRN", Inputs: []string{"x"}, Outputs: []string{"y"}},
			{Name: "b", OpType: "Einsum", Inputs: []string{"y"}, Outputs: []string{"z"}},
		}}}
	_, err := onnx.Import(m)
	if err == nil || !strings.Contains(err.Error(), "Einsum, LRN") {
		t.Fatalf("err %v, want one listing Einsum and LRN", err)
	}
}
