package keras_test

import (
	"encoding/json"
	"os"
	"os/exec"
	"path/filepath"
	"testing"

	"github.com/tensorgo/tensorgo/keras"
	"github.com/tensorgo/tensorgo/keras/layers"
	"github.com/tensorgo/tensorgo/tensor"
	"github.com/tensorgo/tensorgo/tf"
)

// mnistCNN is note 001's MNIST CNN.
func mnistCNN() *keras.Model {
	return keras.NewSequential(
		layers.Reshape([]int{28, 28, 1}, layers.InputShape(28, 28)),
		layers.Conv2D(32, []int{3, 3}, layers.Activation("relu")),
		layers.MaxPooling2D(layers.PoolSize(2, 2)),
		layers.Conv2D(64, []int{3, 3}, layers.Activation("relu")),
		layers.MaxPooling2D(layers.PoolSize(2, 2)),
		layers.Flatten(),
		layers.Dense(64, layers.Activation("relu")),
		layers.Dense(10, layers.Activation("softmax")),
	)
}

// TestKerasLoadsTensorgoCNN: note 001's MNIST CNN, trained for a few
// steps in tensorgo and saved with SaveModel, loads in real Keras 3 and
// predicts what tensorgo predicts. It needs KERAS_PYTHONPATH to hold
// Keras and the directory of lax_numpy_shim.py (Keras's numpy backend has
// no convolution of its own).
func TestKerasLoadsTensorgoCNN(t *testing.T) {
	keras.ClearSession()
	tensor.SetSeed(21)
	m := mnistCNN()
	if err := m.Compile("adam", "sparse_categorical_crossentropy", keras.Metrics("accuracy")); err != nil {
		t.Fatal(err)
	}
	x := randomInput(8, 24, 28, 28)
	y := tensor.New(tensor.Int64, 24)
	for i := range y.Int64s() {
		y.Int64s()[i] = int64(i % 10)
	}
	if _, err := m.Fit(x, y, keras.Epochs(1), keras.BatchSize(8), keras.Verbose(0)); err != nil {
		t.Fatal(err)
	}
	path := filepath.Join(t.TempDir(), "mnist_cnn.keras")
	if err := keras.SaveModel(m, path); err != nil {
		t.Fatal(err)
	}
	want, err := m.Predict(x, keras.Verbose(0))
	if err != nil {
		t.Fatal(err)
	}
	got := kerasPredict(t, path, x)
	d := maxDiff(t, want, got.Y)
	t.Logf("Keras 3 sees layers %v, optimizer %v, iterations %v; predictions of 24 samples differ by at most %g", got.Layers, *got.Optimizer, *got.Iterations, d)
	if d > 1e-5 {
		t.Errorf("Keras's predictions differ from tensorgo's by %g", d)
	}
	if len(got.Layers) != 8 {
		t.Errorf("Keras sees layers %v, want 8", got.Layers)
	}
	if got.Iterations == nil || *got.Iterations != 3 {
		t.Errorf("Keras's optimizer iterations %v, want 3", got.Iterations)
	}
}

// kerasPredictInputs is kerasPredict for a model of several inputs.
func kerasPredictInputs(t *testing.T, model string, xs []*tensor.Tensor) (ys []float64, layerList [][]any) {
	t.Helper()
	pp := os.Getenv("KERAS_PYTHONPATH")
	if pp == "" {
		t.Skip("KERAS_PYTHONPATH is not set: skipping the check with real Keras 3 (see /work/shared/formats/keras/setup_keras.sh)")
	}
	var shapes [][]int
	var vals [][]float64
	for _, x := range xs {
		v := make([]float64, x.Size())
		for i := range v {
			v[i] = x.Float(i)
		}
		shapes, vals = append(shapes, []int(x.Shape())), append(vals, v)
	}
	in, _ := json.Marshal(map[string]any{"x_shapes": shapes, "xs": vals})
	inPath := filepath.Join(t.TempDir(), "input.json")
	if err := os.WriteFile(inPath, in, 0o644); err != nil {
		t.Fatal(err)
	}
	script, _ := filepath.Abs(filepath.Join("testdata", "keras3", "keras_predict.py"))
	cmd := exec.Command("/usr/bin/python3", script, model, inPath)
	cmd.Env = append(os.Environ(), "KERAS_BACKEND=numpy", "PYTHONPATH="+pp)
	stdout, err := cmd.Output()
	if err != nil {
		if ee, ok := err.(*exec.ExitError); ok {
			t.Fatalf("Keras failed to load %s: %v\n%s", model, err, ee.Stderr)
		}
		t.Fatal(err)
	}
	var out struct {
		Layers [][]any   `json:"layers"`
		Y      []float64 `json:"y"`
	}
	if err := json.Unmarshal(stdout, &out); err != nil {
		t.Fatalf("keras_predict.py printed %q: %v", stdout, err)
	}
	return out.Y, out.Layers
}

// TestKerasLoadsTensorgoCNNLayers: a two-input functional model with
// every convolution, pooling, normalisation, reshaping and merge layer
// tensorgo can save, trained a few steps (so that BatchNormalization's
// moving statistics move), saved with SaveModel, loads in real Keras 3 and
// predicts what tensorgo predicts.
func TestKerasLoadsTensorgoCNNLayers(t *testing.T) {
	keras.ClearSession()
	tensor.SetSeed(22)
	img := keras.Input(9, 9, 2)
	a := layers.Rescaling(2, -0.5).Apply(img)
	a = layers.ZeroPadding2D([]int{1, 0, 2, 1}).Apply(a)
	a = layers.Cropping2D([]int{0, 1, 1, 1}).Apply(a)
	a = layers.DepthwiseConv2D([]int{3, 3}, layers.DepthMultiplier(2), layers.Activation("tanh")).Apply(a)
	a = layers.BatchNormalization(layers.Momentum(0.5)).Apply(a)
	a = layers.SpatialDropout2D(0.3).Apply(a)
	b := layers.SeparableConv2D(4, []int{3, 3}, layers.Padding("same"), layers.DepthMultiplier(2), layers.Activation("relu")).Apply(a)
	b = layers.Conv2DTranspose(4, []int{3, 3}, layers.Strides(2), layers.Padding("same")).Apply(b)
	b = layers.AveragePooling2D(layers.Padding("same")).Apply(b)
	c := layers.Conv2D(4, []int{1, 1}, layers.Activation("sigmoid")).Apply(a)
	m2 := layers.Concatenate(-1).Apply(layers.Subtract().Apply(b, c), layers.Multiply().Apply(b, c),
		layers.Average().Apply(b, c), layers.Maximum().Apply(b, c), layers.Minimum().Apply(b, c), layers.Add().Apply(b, c))
	m2 = layers.UpSampling2D([]int{2, 1}).Apply(m2)
	m2 = layers.MaxPooling2D(layers.PoolSize(3, 3), layers.Strides(2, 1), layers.Padding("same")).Apply(m2)
	g := layers.GlobalMaxPooling2D().Apply(m2)
	g2 := layers.GlobalAveragePooling2D().Apply(m2)

	seq := keras.Input(12, 3)
	s := layers.Conv1D(5, 3, layers.Padding("causal"), layers.DilationRate(2), layers.Activation("relu")).Apply(seq)
	s = layers.MaxPooling1D().Apply(s)
	s = layers.Conv1D(6, 2, layers.Padding("same")).Apply(s)
	s = layers.LayerNormalization(layers.Epsilon(1e-4)).Apply(s)
	s1 := layers.GlobalAveragePooling1D().Apply(layers.AveragePooling1D(layers.Padding("same")).Apply(s))
	s2 := layers.GlobalMaxPooling1D().Apply(s)

	out := layers.Dense(3, layers.Activation("softmax")).Apply(layers.Concatenate(-1).Apply(g, g2, s1, s2))
	m := keras.NewModel([]*tf.Tensor{img, seq}, out)
	if err := m.Compile("adam", "sparse_categorical_crossentropy"); err != nil {
		t.Fatal(err)
	}
	xs := []*tensor.Tensor{randomInput(9, 8, 9, 9, 2), randomInput(10, 8, 12, 3)}
	y := tensor.New(tensor.Int64, 8)
	for i := range y.Int64s() {
		y.Int64s()[i] = int64(i % 3)
	}
	if _, err := m.Fit(xs, y, keras.Epochs(2), keras.BatchSize(4), keras.Verbose(0)); err != nil {
		t.Fatal(err)
	}
	path := filepath.Join(t.TempDir(), "cnn_layers.keras")
	if err := keras.SaveModel(m, path); err != nil {
		t.Fatal(err)
	}
	want, err := m.Predict(xs, keras.Verbose(0))
	if err != nil {
		t.Fatal(err)
	}
	got, seen := kerasPredictInputs(t, path, xs)
	d := maxDiff(t, want, got)
	t.Logf("Keras 3 sees %d layers; predictions of 8 samples differ by at most %g", len(seen), d)
	if d > 1e-5 {
		t.Errorf("Keras's predictions differ from tensorgo's by %g", d)
	}
}
