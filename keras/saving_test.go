package keras_test

import (
	"encoding/json"
	"errors"
	"math"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/tensorgo/tensorgo/keras"
	"github.com/tensorgo/tensorgo/keras/layers"
	"github.com/tensorgo/tensorgo/keras/regularizers"
	"github.com/tensorgo/tensorgo/optimizers"
	"github.com/tensorgo/tensorgo/tensor"
	"github.com/tensorgo/tensorgo/tf"
)

// keras3Expected is testdata/keras3/expected.json, written by
// make_keras_files.py with real Keras 3 next to the model files.
type keras3Expected struct {
	KerasVersion string `json:"keras_version"`
	MLP          struct {
		XShape              []int     `json:"x_shape"`
		X                   []float64 `json:"x"`
		Y                   []float64 `json:"y"`
		OptimizerIterations int64     `json:"optimizer_iterations"`
		LearningRate        float64   `json:"learning_rate"`
	} `json:"mlp"`
	Layers struct {
		XShape []int     `json:"x_shape"`
		X      []float64 `json:"x"`
		Y      []float64 `json:"y"`
	} `json:"layers"`
}

func readExpected(t *testing.T) keras3Expected {
	t.Helper()
	b, err := os.ReadFile(filepath.Join("testdata", "keras3", "expected.json"))
	if err != nil {
		t.Fatal(err)
	}
	var e keras3Expected
	if err := json.Unmarshal(b, &e); err != nil {
		t.Fatal(err)
	}
	return e
}

func floatTensor(shape []int, v []float64) *tensor.Tensor {
	t := tensor.New(tensor.Float32, shape...)
	for i, f := range v {
		t.SetFloat(i, f)
	}
	return t
}

// closeTo reports the largest difference between got and want.
func maxDiff(t *testing.T, got *tensor.Tensor, want []float64) float64 {
	t.Helper()
	if got.Size() != len(want) {
		t.Fatalf("got %d values %v, want %d", got.Size(), got.Shape(), len(want))
	}
	d := 0.0
	for i, w := range want {
		d = math.Max(d, math.Abs(got.Float(i)-w))
	}
	return d
}

// TestLoadKerasWrittenMLP loads a .keras file real Keras 3 wrote and checks
// the predictions against the ones Keras made, and the compile config and
// optimizer state against what the script set.
func TestLoadKerasWrittenMLP(t *testing.T) {
	keras.ClearSession()
	e := readExpected(t)
	mf, err := keras.ReadModelFile(filepath.Join("testdata", "keras3", "mlp.keras"))
	if err != nil {
		t.Fatal(err)
	}
	if mf.KerasVersion != e.KerasVersion {
		t.Errorf("keras_version %q, want %q", mf.KerasVersion, e.KerasVersion)
	}
	m := mf.Model
	y, err := m.Predict(floatTensor(e.MLP.XShape, e.MLP.X))
	if err != nil {
		t.Fatal(err)
	}
	if d := maxDiff(t, y, e.MLP.Y); d > 1e-6 {
		t.Errorf("predictions differ from Keras's by %g", d)
	}
	var names []string
	for _, l := range m.Layers() {
		names = append(names, l.LayerBase().Name()+":"+l.LayerBase().ClassName())
	}
	if got, want := strings.Join(names, " "), "flatten:Flatten dense:Dense dropout:Dropout dense_1:Dense"; got != want {
		t.Errorf("layers %q, want %q", got, want)
	}
	opt := m.Optimizer()
	if opt == nil {
		t.Fatal("the model is not compiled")
	}
	if opt.Name() != "Adam" || math.Abs(opt.LearningRate()-e.MLP.LearningRate) > 1e-7 || opt.Iterations() != e.MLP.OptimizerIterations {
		t.Errorf("optimizer %s lr %v iterations %d, want Adam %v %d", opt.Name(), opt.LearningRate(), opt.Iterations(), e.MLP.LearningRate, e.MLP.OptimizerIterations)
	}
	// The script filled the slots with values in [0, 0.01): none is zero.
	for _, v := range m.TrainableWeights() {
		for _, s := range opt.Slots(v) {
			val := s.Variable.Value()
			if val.Float(0) == 0 || val.Float(0) >= 0.01 {
				t.Errorf("slot %s of %s = %v..., not restored", s.Name, v.OpName(), val.Float(0))
			}
		}
	}
	// Training goes on from Keras's state: one more step is step 8.
	y8 := tensor.New(tensor.Int64, 3)
	if _, err := m.Fit(floatTensor(e.MLP.XShape, e.MLP.X), y8, keras.Epochs(1), keras.BatchSize(3), keras.Verbose(0)); err != nil {
		t.Fatal(err)
	}
	if opt.Iterations() != e.MLP.OptimizerIterations+1 {
		t.Errorf("after one more step: %d iterations, want %d", opt.Iterations(), e.MLP.OptimizerIterations+1)
	}
}

// TestLoadKerasWrittenFunctional loads a functional model with merge,
// reshape, activation and shared layers that Keras wrote.
func TestLoadKerasWrittenFunctional(t *testing.T) {
	keras.ClearSession()
	e := readExpected(t)
	m, err := keras.LoadModel(filepath.Join("testdata", "keras3", "layers.keras"))
	if err != nil {
		t.Fatal(err)
	}
	y, err := m.Predict(floatTensor(e.Layers.XShape, e.Layers.X))
	if err != nil {
		t.Fatal(err)
	}
	if d := maxDiff(t, y, e.Layers.Y); d > 1e-6 {
		t.Errorf("predictions differ from Keras's by %g", d)
	}
	if m.Optimizer() != nil {
		t.Error("an uncompiled model came back compiled")
	}
}

// TestLoadKerasWrittenWeights reads Keras's save_weights output into a
// tensorgo model of the same architecture.
func TestLoadKerasWrittenWeights(t *testing.T) {
	keras.ClearSession()
	e := readExpected(t)
	m := keras.NewSequential(
		layers.Flatten(layers.InputShape(28, 28)),
		layers.Dense(16, layers.Activation("relu")),
		layers.Dropout(0.2),
		layers.Dense(10, layers.Activation("softmax")),
	)
	if err := keras.LoadKerasWeights(m, filepath.Join("testdata", "keras3", "mlp.weights.h5")); err != nil {
		t.Fatal(err)
	}
	y, err := m.Predict(floatTensor(e.MLP.XShape, e.MLP.X))
	if err != nil {
		t.Fatal(err)
	}
	if d := maxDiff(t, y, e.MLP.Y); d > 1e-6 {
		t.Errorf("predictions differ from Keras's by %g", d)
	}
	// Another architecture: a clear error, and the weights stay as they were.
	other := keras.NewSequential(layers.Flatten(layers.InputShape(28, 28)), layers.Dense(8), layers.Dense(10))
	before := other.GetWeights()[0].Clone()
	err = keras.LoadKerasWeights(other, filepath.Join("testdata", "keras3", "mlp.weights.h5"))
	if err == nil || !strings.Contains(err.Error(), "shape") {
		t.Errorf("loading into another architecture: %v, want a shape error", err)
	}
	if !sameBits(before, other.GetWeights()[0]) {
		t.Error("a failed load changed the weights")
	}
}

func randomInput(seed int64, shape ...int) *tensor.Tensor {
	r := tensor.NewRNG(seed)
	x := tensor.New(tensor.Float32, shape...)
	for i := range x.Float32s() {
		x.Float32s()[i] = float32(r.Float64())
	}
	return x
}

func sameValues(t *testing.T, what string, a, b *tensor.Tensor) {
	t.Helper()
	if !sameBits(a, b) {
		t.Errorf("%s: values differ after the round trip", what)
	}
}

// sameBits reports whether two tensors have the same dtype, shape and bytes.
func sameBits(a, b *tensor.Tensor) bool {
	return a.DType() == b.DType() && a.Shape().Equal(b.Shape()) && string(a.Bytes()) == string(b.Bytes())
}

// TestSaveLoadSequential saves a trained, compiled MLP and loads it back:
// same predictions bit for bit, same compile config and optimizer state.
func TestSaveLoadSequential(t *testing.T) {
	keras.ClearSession()
	tensor.SetSeed(3)
	m := keras.NewSequential(
		layers.Flatten(layers.InputShape(6, 2)),
		layers.Dense(8, layers.Activation("relu"), layers.KernelRegularizer(regularizers.L2(1e-3))),
		layers.Dropout(0.25, layers.Seed(5)),
		layers.Dense(3, layers.Activation("softmax")),
	)
	if err := m.Compile(optimizers.NewAdam(0.003), "sparse_categorical_crossentropy", keras.Metrics("accuracy")); err != nil {
		t.Fatal(err)
	}
	x := randomInput(1, 30, 6, 2)
	y := tensor.New(tensor.Int64, 30)
	for i := range y.Int64s() {
		y.Int64s()[i] = int64(i % 3)
	}
	if _, err := m.Fit(x, y, keras.Epochs(2), keras.BatchSize(10), keras.Verbose(0)); err != nil {
		t.Fatal(err)
	}
	path := filepath.Join(t.TempDir(), "mlp.keras")
	if err := keras.SaveModel(m, path, keras.WithClassNames("a", "b", "c")); err != nil {
		t.Fatal(err)
	}
	mf, err := keras.ReadModelFile(path)
	if err != nil {
		t.Fatal(err)
	}
	if strings.Join(mf.ClassNames, ",") != "a,b,c" {
		t.Errorf("class names %v", mf.ClassNames)
	}
	m2 := mf.Model
	want, _ := m.Predict(x)
	got, err := m2.Predict(x)
	if err != nil {
		t.Fatal(err)
	}
	sameValues(t, "predictions", want, got)
	o1, o2 := m.Optimizer(), m2.Optimizer()
	if o2 == nil || o2.Name() != "Adam" || o2.LearningRate() != float64(float32(0.003)) && o2.LearningRate() != 0.003 {
		t.Fatalf("loaded optimizer %v", o2)
	}
	if o1.Iterations() != 6 || o2.Iterations() != 6 {
		t.Errorf("iterations %d and %d, want 6 (2 epochs of 3 batches)", o1.Iterations(), o2.Iterations())
	}
	v1, v2 := o1.Variables(), o2.Variables()
	if len(v1) != len(v2) {
		t.Fatalf("optimizer variables %d and %d", len(v1), len(v2))
	}
	for i := range v1 {
		sameValues(t, "optimizer variable "+v1[i].OpName(), v1[i].Value(), v2[i].Value())
	}
	// The loaded model trains on (the compile config came back whole).
	if _, err := m2.Fit(x, y, keras.Epochs(1), keras.BatchSize(10), keras.Verbose(0)); err != nil {
		t.Fatal(err)
	}
	d := m2.Layers()[2].(*layers.DropoutLayer)
	if d.Rate != 0.25 {
		t.Errorf("dropout rate %v", d.Rate)
	}
}

// TestSaveLoadFunctional round-trips a functional model with every kind of
// layer tensorgo can save, a shared layer and two inputs and outputs.
func TestSaveLoadFunctional(t *testing.T) {
	keras.ClearSession()
	tensor.SetSeed(4)
	in1 := keras.Input(4)
	in2 := keras.InputOf(tensor.Float32, "side", 3)
	a := layers.Dense(5, layers.Activation("tanh")).Apply(in1)
	b := layers.Dense(5, layers.UseBias(false)).Apply(in1)
	s := layers.Add().Apply(a, b)
	shared := layers.Dense(5, layers.Activation("relu"), layers.Name("shared"))
	c := layers.Concatenate(-1).Apply(shared.Apply(s), shared.Apply(a), in2)
	r := layers.Flatten().Apply(layers.Reshape([]int{13, 1}).Apply(c))
	out1 := layers.Activation("sigmoid").Apply(layers.Dense(2).Apply(r))
	out2 := layers.Dense(1).Apply(s)
	m := keras.NewModel([]*tf.Tensor{in1, in2}, []*tf.Tensor{out1, out2})
	path := filepath.Join(t.TempDir(), "fn.keras")
	if err := keras.SaveModel(m, path); err != nil {
		t.Fatal(err)
	}
	m2, err := keras.LoadModel(path)
	if err != nil {
		t.Fatal(err)
	}
	x1, x2 := randomInput(2, 7, 4), randomInput(3, 7, 3)
	want, err := m.PredictAll([]*tensor.Tensor{x1, x2})
	if err != nil {
		t.Fatal(err)
	}
	got, err := m2.PredictAll([]*tensor.Tensor{x1, x2})
	if err != nil {
		t.Fatal(err)
	}
	for i := range want {
		sameValues(t, "output", want[i], got[i])
	}
	if m2.Layer("shared") == nil || m2.Layer("side") != nil && m2.Layer("side").LayerBase().ClassName() != "InputLayer" {
		t.Errorf("layers %v", m2.Layers())
	}
}

// TestSaveErrors: what cannot be saved says why.
func TestSaveErrors(t *testing.T) {
	keras.ClearSession()
	dir := t.TempDir()
	lam := keras.NewSequential(layers.Dense(2, layers.InputShape(3)), layers.Lambda(func(x *tf.Tensor) *tf.Tensor { return tf.Neg(x) }))
	sub := &negModel{d: layers.Dense(2)}
	sub.Model = keras.NewSubclassed(sub, 3)
	goAct := keras.NewSequential(layers.Dense(2, layers.InputShape(3), layers.Activation(func(x *tf.Tensor) *tf.Tensor { return x })))
	for _, c := range []struct {
		name string
		m    *keras.Model
		path string
		want string
	}{
		{"lambda", lam, "l.keras", "Lambda"},
		{"subclassed", sub.Model, "s.keras", "subclassed"},
		{"go activation", goAct, "a.keras", "Go function"},
		{"suffix", goAct, "a.h5", ".keras"},
	} {
		err := keras.SaveModel(c.m, filepath.Join(dir, c.path))
		if err == nil || !strings.Contains(err.Error(), c.want) {
			t.Errorf("%s: %v, want an error about %q", c.name, err, c.want)
		}
		if _, statErr := os.Stat(filepath.Join(dir, c.path)); statErr == nil {
			t.Errorf("%s: a file was left behind", c.name)
		}
	}
	// Weights files work for a subclassed model, and need the suffix.
	p := filepath.Join(dir, "s.weights.h5")
	if err := keras.SaveKerasWeights(sub.Model, p); err != nil {
		t.Fatal(err)
	}
	sub2 := &negModel{d: layers.Dense(2)}
	sub2.Model = keras.NewSubclassed(sub2, 3)
	if err := keras.LoadKerasWeights(sub2.Model, p); err != nil {
		t.Fatal(err)
	}
	sameValues(t, "subclassed kernel", sub.Model.GetWeights()[0], sub2.Model.GetWeights()[0])
	if err := keras.SaveKerasWeights(sub.Model, filepath.Join(dir, "x.h5")); err == nil {
		t.Error("SaveKerasWeights took a path without .weights.h5")
	}
}

type negModel struct {
	*keras.Model
	d *layers.DenseLayer
}

func (n *negModel) Call(x *tf.Tensor, training bool) *tf.Tensor { return tf.Neg(n.d.Apply(x)) }

// TestLoadModelConcurrently loads the Keras-written files from several
// goroutines at once (the layer registry and layer naming are shared).
func TestLoadModelConcurrently(t *testing.T) {
	e := readExpected(t)
	errs := make(chan error, 8)
	for i := 0; i < 8; i++ {
		go func() {
			name := []string{"mlp.keras", "layers.keras"}[i%2]
			m, err := keras.LoadModel(filepath.Join("testdata", "keras3", name))
			if err == nil && name == "layers.keras" {
				var y *tensor.Tensor
				if y, err = m.Predict(floatTensor(e.Layers.XShape, e.Layers.X), keras.Verbose(0)); err == nil && maxDiffNoT(y, e.Layers.Y) > 1e-6 {
					err = errors.New("wrong predictions")
				}
			}
			errs <- err
		}()
	}
	for i := 0; i < 8; i++ {
		if err := <-errs; err != nil {
			t.Error(err)
		}
	}
}

func maxDiffNoT(got *tensor.Tensor, want []float64) float64 {
	if got.Size() != len(want) {
		return math.Inf(1)
	}
	d := 0.0
	for i, w := range want {
		d = math.Max(d, math.Abs(got.Float(i)-w))
	}
	return d
}

// TestSaveUnbuiltSequential: a Sequential model without an input shape
// saves its architecture alone and loads unbuilt, as in Keras; the loaded
// model builds on its first data.
func TestSaveUnbuiltSequential(t *testing.T) {
	keras.ClearSession()
	m := keras.NewSequential(layers.Dense(4, layers.Activation("relu")), layers.Dense(2))
	path := filepath.Join(t.TempDir(), "unbuilt.keras")
	if err := keras.SaveModel(m, path); err != nil {
		t.Fatal(err)
	}
	m2, err := keras.LoadModel(path)
	if err != nil {
		t.Fatal(err)
	}
	if m2.Built() || len(m2.Layers()) != 2 || m2.Layers()[0].(*layers.DenseLayer).Units != 4 {
		t.Fatalf("loaded: built %v, layers %v", m2.Built(), m2.Layers())
	}
	y, err := m2.Predict(randomInput(1, 3, 5), keras.Verbose(0))
	if err != nil || !y.Shape().Equal(tensor.Shape{3, 2}) {
		t.Errorf("predict on the loaded model: %v %v", y, err)
	}
}
