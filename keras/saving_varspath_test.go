package keras_test

import (
	"path/filepath"
	"testing"

	"github.com/tensorgo/tensorgo/internal/hdf5"
	"github.com/tensorgo/tensorgo/keras"
	"github.com/tensorgo/tensorgo/keras/initializers"
	"github.com/tensorgo/tensorgo/keras/layers"
	"github.com/tensorgo/tensorgo/tensor"
	"github.com/tensorgo/tensorgo/tf"
)

// toyRecurrent stands for a layer that keeps its variables in a cell, as
// Keras's SimpleRNN, LSTM and GRU do (/layers/lstm/cell/vars/0..2).
type toyRecurrent struct {
	layers.Base
	units int
}

func newToyRecurrent(units int, opts ...layers.Option) *toyRecurrent {
	l := &toyRecurrent{units: units}
	l.Init(l, "ToyRecurrent", opts...)
	return l
}

func (l *toyRecurrent) Build(in tensor.Shape) {
	l.AddWeight("kernel", tensor.Shape{in[len(in)-1], l.units}, initializers.RandomNormal(0, 1, 3), nil, true)
}
func (l *toyRecurrent) Call(x *tf.Tensor, training bool) *tf.Tensor {
	return tf.MatMul(x, l.WeightList()[0].Var.In(x.Graph()))
}
func (l *toyRecurrent) ComputeOutputShape(in tensor.Shape) tensor.Shape {
	return tensor.Shape{in[0], l.units}
}

func init() {
	layers.RegisterSerializer(layers.Serializer{
		ClassName: "ToyRecurrent",
		Module:    "tensorgo.test",
		VarsPath:  "cell/vars",
		GetConfig: func(l layers.Layer) (map[string]any, error) {
			return map[string]any{"units": l.(*toyRecurrent).units}, nil
		},
		FromConfig: func(r *layers.ConfigReader) (layers.Layer, error) {
			return newToyRecurrent(r.Int("units", 1), r.BaseOptions()...), r.Err()
		},
		WeightShapes: func(l layers.Layer, in []tensor.Shape) []tensor.Shape {
			return []tensor.Shape{{in[0][len(in[0])-1], l.(*toyRecurrent).units}}
		},
	})
}

// TestVarsPath: a serializer's VarsPath puts the layer's variables where
// Keras's recurrent layers keep them, in both file kinds, and they load
// back from there.
func TestVarsPath(t *testing.T) {
	keras.ClearSession()
	m := keras.NewSequential(newToyRecurrent(3, layers.InputShape(2)))
	dir := t.TempDir()
	wpath := filepath.Join(dir, "toy.weights.h5")
	if err := keras.SaveKerasWeights(m, wpath); err != nil {
		t.Fatal(err)
	}
	f, err := hdf5.OpenFile(wpath)
	if err != nil {
		t.Fatal(err)
	}
	d, ok := f.Root().Dataset("layers/toy_recurrent/cell/vars/0")
	if !ok || len(d.Shape) != 2 || d.Shape[0] != 2 || d.Shape[1] != 3 {
		t.Errorf("no (2, 3) dataset at /layers/toy_recurrent/cell/vars/0: %v", d)
	}
	if g, ok := f.Root().Group("layers/toy_recurrent/vars"); !ok || len(g.Datasets()) != 0 {
		t.Error("no empty /layers/toy_recurrent/vars group")
	}
	f.Close()
	m2 := keras.NewSequential(newToyRecurrent(3, layers.InputShape(2)))
	if err := keras.LoadKerasWeights(m2, wpath); err != nil {
		t.Fatal(err)
	}
	sameValues(t, "kernel", m.GetWeights()[0], m2.GetWeights()[0])
	mpath := filepath.Join(dir, "toy.keras")
	if err := keras.SaveModel(m, mpath); err != nil {
		t.Fatal(err)
	}
	m3, err := keras.LoadModel(mpath)
	if err != nil {
		t.Fatal(err)
	}
	sameValues(t, "kernel via .keras", m.GetWeights()[0], m3.GetWeights()[0])
}
