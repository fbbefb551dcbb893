package layers_test

import (
	"strings"
	"testing"

	"github.com/tensorgo/tensorgo/keras"
	"github.com/tensorgo/tensorgo/keras/layers"
	"github.com/tensorgo/tensorgo/tensor"
)

// In a model, BatchNormalization's moving statistics are non-trainable
// weights (summary counts them as Keras does) that Fit updates at every
// step, and a convolutional model trains.
func TestBatchNormalizationInFit(t *testing.T) {
	keras.ClearSession()
	bn := layers.BatchNormalization()
	m := keras.NewSequential(
		layers.Conv2D(4, []int{3}, layers.InputShape(6, 6, 1)),
		bn,
		layers.Flatten(),
		layers.Dense(2, layers.Activation("softmax")),
	)
	if err := m.Compile("adam", "sparse_categorical_crossentropy"); err != nil {
		t.Fatal(err)
	}
	s, err := m.SummaryString()
	if err != nil {
		t.Fatal(err)
	}
	// By Keras's rules: Conv2D (3·3·1 + 1)·4 = 40, BatchNormalization 4·4
	// = 16 of which 8 (moving mean and variance) non-trainable, Dense
	// (64 + 1)·2 = 130.
	for _, want := range []string{
		"│ batch_normalization (BatchNormalization) │ (None, 4, 4, 4)        │            16 │",
		" Total params: 186 (744.00 B)",
		" Trainable params: 178 (712.00 B)",
		" Non-trainable params: 8 (32.00 B)",
	} {
		if !strings.Contains(s, want) {
			t.Errorf("summary lacks %q:\n%s", want, s)
		}
	}
	// Class 1 images are bright, class 0 dark.
	n := 64
	x := tensor.RandomUniform(tensor.Float32, tensor.Shape{n, 6, 6, 1}, 0, 1, 7)
	y := tensor.New(tensor.Int64, n)
	for i := 0; i < n; i++ {
		if i%2 == 1 {
			y.SetFloat(i, 1)
			for j := 0; j < 36; j++ {
				x.SetFloat(i*36+j, x.Float(i*36+j)+2)
			}
		}
	}
	h, err := m.Fit(x, y, keras.Epochs(20), keras.BatchSize(16), keras.Verbose(0))
	if err != nil {
		t.Fatal(err)
	}
	loss := h.History["loss"]
	if loss[len(loss)-1] >= loss[0] {
		t.Errorf("loss %v does not fall", loss)
	}
	// The moving mean moved off its zero start.
	if mm := bn.MovingMean.Value(); mm.Float(0) == 0 && mm.Float(1) == 0 {
		t.Errorf("moving mean %v not updated by Fit", mm)
	}
}

// A residual block in a functional model — convolutions, batch
// normalisation, an Add merge, global pooling — trains with Fit, and
// Predict runs it in inference mode (the moving statistics).
func TestResidualBlockFits(t *testing.T) {
	keras.ClearSession()
	in := keras.Input(8, 8, 3)
	h := layers.Conv2D(4, []int{3}, layers.Padding("same"), layers.Activation("relu")).Apply(in)
	h = layers.BatchNormalization().Apply(h)
	short := layers.Conv2D(4, []int{1}).Apply(in)
	h = layers.Add().Apply(h, short)
	h = layers.MaxPooling2D(layers.Padding("same"), layers.PoolSize(3), layers.Strides(2)).Apply(h)
	out := layers.Dense(2, layers.Activation("softmax")).Apply(layers.GlobalAveragePooling2D().Apply(h))
	m := keras.NewModel(in, out)
	if err := m.Compile("adam", "sparse_categorical_crossentropy", keras.Metrics("accuracy")); err != nil {
		t.Fatal(err)
	}
	if n := m.CountParams(); n != (3*3*3+1)*4+4*4+(3+1)*4+(4+1)*2 {
		t.Errorf("%d parameters, want 158", n)
	}
	n := 64
	x := tensor.RandomUniform(tensor.Float32, tensor.Shape{n, 8, 8, 3}, 0, 1, 9)
	y := tensor.New(tensor.Int64, n)
	for i := 1; i < n; i += 2 { // class 1: a bright first channel
		y.SetFloat(i, 1)
		for p := 0; p < 64; p++ {
			x.SetFloat(i*192+p*3, x.Float(i*192+p*3)+1)
		}
	}
	h2, err := m.Fit(x, y, keras.Epochs(40), keras.BatchSize(8), keras.Verbose(0))
	if err != nil {
		t.Fatal(err)
	}
	if acc := h2.History["accuracy"]; acc[len(acc)-1] < 0.9 {
		t.Errorf("training accuracy %v, want >= 0.9 at the end", acc)
	}
	p, err := m.Predict(x, keras.Verbose(0))
	if err != nil {
		t.Fatal(err)
	}
	if !p.Shape().Equal(tensor.Shape{n, 2}) {
		t.Errorf("Predict shape %v", p.Shape())
	}
}
