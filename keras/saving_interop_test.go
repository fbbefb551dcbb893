package keras_test

import (
	"encoding/json"
	"os"
	"os/exec"
	"path/filepath"
	"testing"

	"github.com/tensorgo/tensorgo/keras"
	"github.com/tensorgo/tensorgo/keras/layers"
	"github.com/tensorgo/tensorgo/keras/regularizers"
	"github.com/tensorgo/tensorgo/tensor"
)

// kerasPredict runs testdata/keras3/keras_predict.py on a model file with
// real Keras 3 (numpy backend) from KERAS_PYTHONPATH, skipping the test
// when that is not set.
func kerasPredict(t *testing.T, model string, x *tensor.Tensor) (out struct {
	Layers       [][]any   `json:"layers"`
	Y            []float64 `json:"y"`
	Optimizer    *string   `json:"optimizer"`
	LearningRate *float64  `json:"learning_rate"`
	Iterations   *int64    `json:"iterations"`
	Loss         any       `json:"loss"`
}) {
	t.Helper()
	pp := os.Getenv("KERAS_PYTHONPATH")
	if pp == "" {
		t.Skip("KERAS_PYTHONPATH is not set: skipping the check with real Keras 3 (see /work/shared/formats/keras/setup_keras.sh)")
	}
	xs := make([]float64, x.Size())
	for i := range xs {
		xs[i] = x.Float(i)
	}
	in, _ := json.Marshal(map[string]any{"x_shape": []int(x.Shape()), "x": xs})
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
	if err := json.Unmarshal(stdout, &out); err != nil {
		t.Fatalf("keras_predict.py printed %q: %v", stdout, err)
	}
	return out
}

// TestKerasLoadsTensorgoMLP: the course's MNIST MLP, trained for a few
// steps in tensorgo and saved with SaveModel, loads in real Keras 3 with
// its compile config and optimizer state, and predicts what tensorgo
// predicts.
func TestKerasLoadsTensorgoMLP(t *testing.T) {
	keras.ClearSession()
	tensor.SetSeed(11)
	m := mnistMLP()
	if err := m.Compile("adam", "sparse_categorical_crossentropy", keras.Metrics("accuracy")); err != nil {
		t.Fatal(err)
	}
	x := randomInput(5, 40, 28, 28)
	y := tensor.New(tensor.Int64, 40)
	for i := range y.Int64s() {
		y.Int64s()[i] = int64(i % 10)
	}
	if _, err := m.Fit(x, y, keras.Epochs(1), keras.BatchSize(8), keras.Verbose(0)); err != nil {
		t.Fatal(err)
	}
	path := filepath.Join(t.TempDir(), "mnist_mlp.keras")
	if err := keras.SaveModel(m, path); err != nil {
		t.Fatal(err)
	}
	want, err := m.Predict(x)
	if err != nil {
		t.Fatal(err)
	}
	got := kerasPredict(t, path, x)
	d := maxDiff(t, want, got.Y)
	t.Logf("Keras 3 sees layers %v, optimizer %v, iterations %v; predictions of 40 samples differ by at most %g", got.Layers, *got.Optimizer, *got.Iterations, d)
	if d > 1e-5 {
		t.Errorf("Keras's predictions differ from tensorgo's by %g", d)
	}
	if got.Optimizer == nil || *got.Optimizer != "Adam" || *got.Iterations != 5 || *got.LearningRate < 0.00099 || *got.LearningRate > 0.00101 {
		t.Errorf("Keras's optimizer %v, iterations %v, lr %v; want Adam, 5, 0.001", got.Optimizer, got.Iterations, got.LearningRate)
	}
	if len(got.Layers) != 4 {
		t.Errorf("Keras sees layers %v", got.Layers)
	}
}

// TestKerasLoadsTensorgoFunctional: a functional model with merges, a
// shared layer and two branches loads in real Keras 3 with the same
// predictions (its weights in the layers Keras orders them in).
func TestKerasLoadsTensorgoFunctional(t *testing.T) {
	keras.ClearSession()
	tensor.SetSeed(12)
	in := keras.Input(4)
	a := layers.Dense(6, layers.Activation("tanh")).Apply(in)
	b := layers.Dense(6, layers.UseBias(false), layers.KernelRegularizer(regularizers.L1L2(1e-3, 1e-4))).Apply(in)
	// A Dense reached through a longer path first: Keras orders it after
	// the shallower ones, and tensorgo must write the weights that way.
	deep := layers.Dense(6, layers.Activation("relu")).Apply(layers.Dense(6).Apply(a))
	s := layers.Add().Apply(deep, b)
	shared := layers.Dense(6, layers.Activation("relu"), layers.Name("shared"))
	c := layers.Concatenate(-1).Apply(shared.Apply(s), shared.Apply(a), in)
	r := layers.Flatten().Apply(layers.Reshape([]int{4, 4}).Apply(c))
	out := layers.Activation("sigmoid").Apply(layers.Dense(3).Apply(r))
	m := keras.NewModel(in, out)
	path := filepath.Join(t.TempDir(), "fn.keras")
	if err := keras.SaveModel(m, path); err != nil {
		t.Fatal(err)
	}
	x := randomInput(6, 5, 4)
	want, err := m.Predict(x)
	if err != nil {
		t.Fatal(err)
	}
	got := kerasPredict(t, path, x)
	d := maxDiff(t, want, got.Y)
	t.Logf("Keras 3 sees layers %v; predictions differ by at most %g", got.Layers, d)
	if d > 1e-5 {
		t.Errorf("Keras's predictions differ from tensorgo's by %g", d)
	}
}

// TestKerasLoadsTensorgoWeights: SaveKerasWeights's file loads into the
// same architecture built in real Keras 3 (model.load_weights), with the
// same predictions.
func TestKerasLoadsTensorgoWeights(t *testing.T) {
	keras.ClearSession()
	tensor.SetSeed(13)
	m := mnistMLP()
	path := filepath.Join(t.TempDir(), "mlp.weights.h5")
	if err := keras.SaveKerasWeights(m, path); err != nil {
		t.Fatal(err)
	}
	x := randomInput(7, 6, 28, 28)
	want, err := m.Predict(x)
	if err != nil {
		t.Fatal(err)
	}
	got := kerasPredict(t, path, x)
	if d := maxDiff(t, want, got.Y); d > 1e-5 {
		t.Errorf("Keras's predictions differ from tensorgo's by %g", d)
	}
}
