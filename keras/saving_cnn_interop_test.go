package keras_test

import (
	"path/filepath"
	"testing"

	"github.com/tensorgo/tensorgo/keras"
	"github.com/tensorgo/tensorgo/keras/layers"
	"github.com/tensorgo/tensorgo/tensor"
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
