package keras_test

import (
	"bytes"
	"fmt"
	"math"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/tensorgo/tensorgo/keras"
	"github.com/tensorgo/tensorgo/keras/initializers"
	"github.com/tensorgo/tensorgo/keras/layers"
	"github.com/tensorgo/tensorgo/keras/losses"
	"github.com/tensorgo/tensorgo/keras/metrics"
	"github.com/tensorgo/tensorgo/keras/regularizers"
	"github.com/tensorgo/tensorgo/optimizers"
	"github.com/tensorgo/tensorgo/tensor"
	"github.com/tensorgo/tensorgo/tf"
)

func mnistMLP() *keras.Model {
	return keras.NewSequential(
		layers.Flatten(layers.InputShape(28, 28)),
		layers.Dense(128, layers.Activation("relu")),
		layers.Dropout(0.2),
		layers.Dense(10, layers.Activation("softmax")),
	)
}

func TestSummaryMatchesKeras(t *testing.T) {
	keras.ClearSession()
	want, err := os.ReadFile(filepath.Join("testdata", "summary_mnist_mlp.txt"))
	if err != nil {
		t.Fatal(err)
	}
	got, err := mnistMLP().SummaryString()
	if err != nil {
		t.Fatal(err)
	}
	if got != string(want) {
		t.Fatalf("summary differs from Keras's.\ngot:\n%s\nwant:\n%s", got, want)
	}
}

func TestParamCountsAndNames(t *testing.T) {
	keras.ClearSession()
	m := mnistMLP()
	if n := m.CountParams(); n != 101770 {
		t.Errorf("CountParams = %d, want 101770", n)
	}
	var names []string
	for _, l := range m.Layers() {
		names = append(names, l.LayerBase().Name())
	}
	if got := strings.Join(names, ","); got != "flatten,dense,dropout,dense_1" {
		t.Errorf("names %s", got)
	}
	m2 := mnistMLP()
	if m2.Name() != "sequential_1" || m2.Layers()[1].LayerBase().Name() != "dense_2" {
		t.Errorf("second model: %s, %s", m2.Name(), m2.Layers()[1].LayerBase().Name())
	}
	if _, err := keras.NewSequential(layers.Dense(3)).SummaryString(); err == nil {
		t.Error("summary of an unbuilt model gave no error")
	}
}

// blobs returns n points of 3 well separated classes in 4-D.
func blobs(n int, seed int64) (*tensor.Tensor, *tensor.Tensor) {
	r := tensor.NewRNG(seed)
	x := tensor.New(tensor.Float32, n, 4)
	y := tensor.New(tensor.Int64, n)
	xs, ys := x.Float32s(), y.Int64s()
	for i := 0; i < n; i++ {
		c := i % 3
		ys[i] = int64(c)
		for j := 0; j < 4; j++ {
			center := 0.0
			if j == c {
				center = 3
			}
			xs[i*4+j] = float32(center + r.NormFloat64()*0.5)
		}
	}
	return x, y
}

func TestFitBlobsSequential(t *testing.T) {
	tensor.SetSeed(1)
	x, y := blobs(300, 2)
	m := keras.NewSequential(
		layers.Dense(16, layers.Activation("relu"), layers.InputShape(4)),
		layers.Dense(3, layers.Activation("softmax")),
	)
	if err := m.Compile(optimizers.NewAdam(0.01), "sparse_categorical_crossentropy", keras.Metrics("accuracy")); err != nil {
		t.Fatal(err)
	}
	h, err := m.Fit(x, y, keras.Epochs(20), keras.Verbose(0), keras.ValidationSplit(0.2))
	if err != nil {
		t.Fatal(err)
	}
	if len(h.Epoch) != 20 || len(h.History["loss"]) != 20 || len(h.History["val_accuracy"]) != 20 {
		t.Fatalf("history: epochs %v keys %v", h.Epoch, h.History)
	}
	if h.History["loss"][19] >= h.History["loss"][0] {
		t.Errorf("loss did not fall: %v", h.History["loss"])
	}
	loss, ms, err := m.Evaluate(x, y, keras.Verbose(0))
	if err != nil {
		t.Fatal(err)
	}
	if ms["accuracy"] < 0.95 || loss > 0.3 {
		t.Errorf("evaluate: loss %v metrics %v", loss, ms)
	}
	p, err := m.Predict(x, keras.Verbose(0))
	if err != nil {
		t.Fatal(err)
	}
	if !p.Shape().Equal(tensor.Shape{300, 3}) {
		t.Fatalf("predict shape %v", p.Shape())
	}
	var s float64
	for j := 0; j < 3; j++ {
		s += p.At(0, j)
	}
	if math.Abs(s-1) > 1e-5 {
		t.Errorf("softmax row sums to %v", s)
	}
}

func TestErrors(t *testing.T) {
	x, y := blobs(30, 3)
	m := keras.NewSequential(layers.Dense(3, layers.Activation("softmax"), layers.InputShape(4)))
	if _, err := m.Fit(x, y); err == nil || !strings.Contains(err.Error(), "Compile") {
		t.Errorf("fit before compile: %v", err)
	}
	if err := m.Compile("adamm", "mse"); err == nil || !strings.Contains(err.Error(), "adamm") {
		t.Errorf("unknown optimizer: %v", err)
	}
	if err := m.Compile("adam", "msee"); err == nil || !strings.Contains(err.Error(), "msee") {
		t.Errorf("unknown loss: %v", err)
	}
	if err := m.Compile("adam", "mse", keras.Metrics("acuracy")); err == nil || !strings.Contains(err.Error(), "acuracy") {
		t.Errorf("unknown metric: %v", err)
	}
	if err := m.Compile("sgd", "sparse_categorical_crossentropy", keras.Metrics("accuracy")); err != nil {
		t.Fatal(err)
	}
	short := tensor.FromSlice(y.Int64s()[:29], 29)
	if _, err := m.Fit(x, short, keras.Verbose(0)); err == nil || !strings.Contains(err.Error(), "different numbers of samples") {
		t.Errorf("x/y lengths: %v", err)
	}
	bad := y.Clone()
	bad.Int64s()[5] = 3
	if _, err := m.Fit(x, bad, keras.Verbose(0)); err == nil || !strings.Contains(err.Error(), "out of range") {
		t.Errorf("label out of range: %v", err)
	}
	if _, _, err := m.Evaluate(x, bad, keras.Verbose(0)); err == nil || !strings.Contains(err.Error(), "out of range") {
		t.Errorf("evaluate label out of range: %v", err)
	}
	wide := tensor.New(tensor.Float32, 30, 5)
	if _, err := m.Fit(wide, y, keras.Verbose(0)); err == nil || !strings.Contains(err.Error(), "expects") {
		t.Errorf("input shape: %v", err)
	}
	if _, err := m.Predict(wide, keras.Verbose(0)); err == nil || !strings.Contains(err.Error(), "expects") {
		t.Errorf("predict input shape: %v", err)
	}
	// A NaN in the data makes the loss NaN: Fit stops with an error.
	nan := x.Clone()
	nan.Float32s()[7] = float32(math.NaN())
	if _, err := m.Fit(nan, y, keras.Verbose(0), keras.Shuffle(false)); err == nil || !strings.Contains(err.Error(), "NaN") {
		t.Errorf("NaN loss: %v", err)
	}
	// With TerminateOnNaN it stops quietly, as Keras.
	var out bytes.Buffer
	h, err := m.Fit(nan, y, keras.Verbose(0), keras.Epochs(3), keras.Output(&out), keras.Callbacks(&keras.TerminateOnNaN{}))
	if err != nil || len(h.Epoch) != 1 || !strings.Contains(out.String(), "Invalid loss") {
		t.Errorf("TerminateOnNaN: err %v epochs %v out %q", err, h.Epoch, out.String())
	}
}

func TestProgressOutput(t *testing.T) {
	x, y := blobs(64, 4)
	m := keras.NewSequential(layers.Dense(3, layers.Activation("softmax"), layers.InputShape(4)))
	if err := m.Compile("adam", "sparse_categorical_crossentropy", keras.Metrics("accuracy")); err != nil {
		t.Fatal(err)
	}
	var out bytes.Buffer
	if _, err := m.Fit(x, y, keras.Epochs(2), keras.Output(&out)); err != nil {
		t.Fatal(err)
	}
	lines := strings.Split(strings.TrimSpace(out.String()), "\n")
	if len(lines) != 4 || lines[0] != "Epoch 1/2" || !strings.HasPrefix(lines[1], "2/2 [==============================] - ") ||
		!strings.Contains(lines[1], "/step - loss: ") || !strings.Contains(lines[1], " - accuracy: ") {
		t.Fatalf("progress output:\n%s", out.String())
	}
	out.Reset()
	if _, err := m.Fit(x, y, keras.Epochs(1), keras.Output(&out), keras.ValidationData(x, y)); err != nil {
		t.Fatal(err)
	}
	if s := out.String(); !strings.Contains(s, " - accuracy: ") || !strings.Contains(s, " - val_loss: ") || !strings.HasSuffix(s, "\n") ||
		strings.Index(s, "val_accuracy") < strings.Index(s, "val_loss") {
		t.Fatalf("validation progress: %q", s)
	}
	out.Reset()
	if _, _, err := m.Evaluate(x, y, keras.Verbose(2), keras.Output(&out)); err != nil {
		t.Fatal(err)
	}
	if s := out.String(); !strings.HasPrefix(s, "2/2 - ") || !strings.Contains(s, "/epoch - ") {
		t.Fatalf("verbose 2: %q", s)
	}
}

type twoLayer struct {
	*keras.Model
	d1, d2 *layers.DenseLayer
	drop   *layers.DropoutLayer
}

func newTwoLayer() *twoLayer {
	m := &twoLayer{
		d1:   layers.Dense(16, layers.Activation("relu")),
		drop: layers.Dropout(0.1),
		d2:   layers.Dense(3, layers.Activation("softmax")),
	}
	m.Model = keras.NewSubclassed(m)
	return m
}

func (m *twoLayer) Call(x *tf.Tensor, training bool) *tf.Tensor {
	return m.d2.Apply(m.drop.Apply(m.d1.Apply(x)))
}

func TestSubclassedModel(t *testing.T) {
	keras.ClearSession()
	tensor.SetSeed(3)
	x, y := blobs(300, 5)
	m := newTwoLayer()
	if m.Name() != "two_layer" {
		t.Errorf("name %q", m.Name())
	}
	if err := m.Compile(optimizers.NewAdam(0.01), losses.SparseCategoricalCrossentropy(false), keras.Metrics(metrics.NewSparseCategoricalAccuracy())); err != nil {
		t.Fatal(err)
	}
	if _, err := m.Fit(x, y, keras.Epochs(10), keras.Verbose(0)); err != nil {
		t.Fatal(err)
	}
	_, ms, err := m.Evaluate(x, y, keras.Verbose(0))
	if err != nil {
		t.Fatal(err)
	}
	if ms["sparse_categorical_accuracy"] < 0.95 {
		t.Errorf("subclassed accuracy %v", ms)
	}
	if n := m.CountParams(); n != (4+1)*16+(16+1)*3 {
		t.Errorf("params %d", n)
	}
	if len(m.Layers()) != 3 {
		t.Errorf("layers %d", len(m.Layers()))
	}
}

func TestFunctionalTwoInputs(t *testing.T) {
	keras.ClearSession()
	tensor.SetSeed(4)
	x, y := blobs(300, 6)
	// Split the 4 features into two inputs of 2, with a shared layer.
	a := tensor.New(tensor.Float32, 300, 2)
	b := tensor.New(tensor.Float32, 300, 2)
	for i := 0; i < 300; i++ {
		for j := 0; j < 2; j++ {
			a.SetFloat(i*2+j, x.At(i, j))
			b.SetFloat(i*2+j, x.At(i, j+2))
		}
	}
	ina, inb := keras.Input(2), keras.Input(2)
	shared := layers.Dense(8, layers.Activation("tanh"))
	h := layers.Concatenate(-1).Apply(shared.Apply(ina), shared.Apply(inb))
	out := layers.Dense(3, layers.Activation("softmax")).Apply(h)
	m := keras.NewModel([]*tf.Tensor{ina, inb}, out)
	if err := m.Compile(optimizers.NewAdam(0.02), "sparse_categorical_crossentropy", keras.Metrics("accuracy")); err != nil {
		t.Fatal(err)
	}
	if _, err := m.Fit([]*tensor.Tensor{a, b}, y, keras.Epochs(15), keras.Verbose(0)); err != nil {
		t.Fatal(err)
	}
	_, ms, err := m.Evaluate([]*tensor.Tensor{a, b}, y, keras.Verbose(0))
	if err != nil {
		t.Fatal(err)
	}
	if ms["accuracy"] < 0.9 {
		t.Errorf("functional accuracy %v", ms)
	}
	if n := m.CountParams(); n != (2+1)*8+(16+1)*3 {
		t.Errorf("shared layer counted twice? params %d", n)
	}
	s, err := m.SummaryString()
	if err != nil || !strings.Contains(s, "input_layer (InputLayer)") || !strings.Contains(s, "concatenate (Concatenate)") {
		t.Errorf("functional summary (%v):\n%s", err, s)
	}
}

func TestFreezeLayer(t *testing.T) {
	x, y := blobs(60, 7)
	d1 := layers.Dense(8, layers.InputShape(4))
	m := keras.NewSequential(d1, layers.Dense(3, layers.Activation("softmax")))
	d1.SetTrainable(false)
	before := d1.Kernel.Value().Clone()
	if err := m.Compile("sgd", "sparse_categorical_crossentropy"); err != nil {
		t.Fatal(err)
	}
	if _, err := m.Fit(x, y, keras.Verbose(0), keras.Epochs(2)); err != nil {
		t.Fatal(err)
	}
	after := d1.Kernel.Value()
	for i := 0; i < before.Size(); i++ {
		if before.Float(i) != after.Float(i) {
			t.Fatal("frozen kernel changed")
		}
	}
	s, _ := m.SummaryString()
	if !strings.Contains(s, " Non-trainable params: 40 (160.00 B)") {
		t.Errorf("summary:\n%s", s)
	}
}

func TestTwoOutputs(t *testing.T) {
	keras.ClearSession()
	tensor.SetSeed(5)
	x, y := blobs(150, 8)
	// Second output: regress the sum of the features.
	sum := tensor.New(tensor.Float32, 150, 1)
	for i := 0; i < 150; i++ {
		var s float64
		for j := 0; j < 4; j++ {
			s += x.At(i, j)
		}
		sum.SetFloat(i, s)
	}
	in := keras.Input(4)
	h := layers.Dense(16, layers.Activation("relu")).Apply(in)
	cls := layers.Dense(3, layers.Activation("softmax"), layers.Name("class")).Apply(h)
	reg := layers.Dense(1, layers.Name("sum")).Apply(h)
	m := keras.NewModel(in, []*tf.Tensor{cls, reg})
	if err := m.Compile(optimizers.NewAdam(0.01), []any{"sparse_categorical_crossentropy", "mse"}, keras.Metrics("accuracy")); err != nil {
		t.Fatal(err)
	}
	h0, err := m.Fit(x, []*tensor.Tensor{y, sum}, keras.Epochs(30), keras.Verbose(0))
	if err != nil {
		t.Fatal(err)
	}
	if l := h0.History["loss"]; l[len(l)-1] > 0.5*l[0] {
		t.Errorf("two-output loss did not fall: %v ... %v", l[0], l[len(l)-1])
	}
	outs, err := m.PredictAll(x, keras.Verbose(0))
	if err != nil || len(outs) != 2 || !outs[1].Shape().Equal(tensor.Shape{150, 1}) {
		t.Fatalf("predict: %v %v", outs, err)
	}
	// Keras names each output's loss and metrics after the layer that made
	// it, and the total loss is the sum of the outputs' losses.
	for _, k := range []string{"loss", "class_loss", "sum_loss", "class_accuracy", "sum_accuracy"} {
		if _, ok := h0.History[k]; !ok {
			t.Errorf("no %q in the history keys %v", k, h0.History)
		}
	}
	loss, ms, err := m.Evaluate(x, []*tensor.Tensor{y, sum}, keras.Verbose(0))
	if err != nil {
		t.Fatal(err)
	}
	if got := ms["class_loss"] + ms["sum_loss"]; math.Abs(got-loss) > 1e-5*math.Max(1, loss) {
		t.Errorf("evaluate: class_loss %v + sum_loss %v = %v, but loss is %v", ms["class_loss"], ms["sum_loss"], got, loss)
	}
}

func TestRegularizationAddsToLoss(t *testing.T) {
	x, y := blobs(32, 9)
	plain := keras.NewSequential(layers.Dense(3, layers.InputShape(4), layers.Activation("softmax")))
	reg := keras.NewSequential(layers.Dense(3, layers.InputShape(4), layers.Activation("softmax"), layers.KernelRegularizer("l2")))
	if err := reg.SetWeights(plain.GetWeights()); err != nil {
		t.Fatal(err)
	}
	for _, m := range []*keras.Model{plain, reg} {
		if err := m.Compile("sgd", "sparse_categorical_crossentropy"); err != nil {
			t.Fatal(err)
		}
	}
	l0, _, _ := plain.Evaluate(x, y, keras.Verbose(0))
	l1, _, _ := reg.Evaluate(x, y, keras.Verbose(0))
	var sq float64
	k := reg.Weights()[0].Value()
	for i := 0; i < k.Size(); i++ {
		sq += k.Float(i) * k.Float(i)
	}
	if math.Abs(l1-l0-0.01*sq) > 1e-5 {
		t.Fatalf("regularized loss %v, plain %v, penalty %v", l1, l0, 0.01*sq)
	}
}

func TestLambdaLayerInModel(t *testing.T) {
	x, y := blobs(60, 10)
	m := keras.NewSequential(
		layers.Lambda(func(x *tf.Tensor) *tf.Tensor { return tf.Mul(x, x) }, layers.InputShape(4)),
		layers.Dense(3, layers.Activation("softmax")),
	)
	if err := m.Compile("adam", "sparse_categorical_crossentropy"); err != nil {
		t.Fatal(err)
	}
	if _, err := m.Fit(x, y, keras.Verbose(0)); err != nil {
		t.Fatal(err)
	}
	if s, _ := m.SummaryString(); !strings.Contains(s, "lambda (Lambda)") {
		t.Errorf("summary:\n%s", s)
	}
}

// Same seed, same data: the same weights, bit for bit.
func TestFitDeterministic(t *testing.T) {
	x, y := blobs(100, 11)
	train := func() []*tensor.Tensor {
		keras.ClearSession()
		tensor.SetSeed(42)
		m := keras.NewSequential(
			layers.Dense(8, layers.Activation("relu"), layers.InputShape(4)),
			layers.Dropout(0.3),
			layers.Dense(3, layers.Activation("softmax")),
		)
		if err := m.Compile("adam", "sparse_categorical_crossentropy"); err != nil {
			t.Fatal(err)
		}
		if _, err := m.Fit(x, y, keras.Epochs(3), keras.BatchSize(16), keras.Verbose(0)); err != nil {
			t.Fatal(err)
		}
		return m.GetWeights()
	}
	a, b := train(), train()
	for i := range a {
		for j := 0; j < a[i].Size(); j++ {
			if a[i].Float(j) != b[i].Float(j) {
				t.Fatalf("weight %d[%d] differs: %v vs %v", i, j, a[i].Float(j), b[i].Float(j))
			}
		}
	}
}

func TestFunctionalErrorsAndDTypes(t *testing.T) {
	in := keras.Input(4)
	raw := tf.Relu(in) // a tf op, not a layer
	out := layers.Dense(2).Apply(raw)
	func() {
		defer func() {
			r := recover()
			if r == nil || !strings.Contains(fmt.Sprint(r), "Lambda") {
				t.Errorf("NewModel through a bare tf op: %v", r)
			}
		}()
		keras.NewModel(in, out)
	}()
	m := keras.NewSequential(layers.Dense(3, layers.InputShape(4)))
	if err := m.Compile("sgd", "mse"); err != nil {
		t.Fatal(err)
	}
	// Keras casts inputs to the model's dtype: a bool input is no number.
	b := tensor.New(tensor.Bool, 10, 4)
	if _, err := m.Predict(b, keras.Verbose(0)); err == nil || !strings.Contains(err.Error(), "bool") {
		t.Errorf("bool input: %v", err)
	}
	if _, err := m.Fit(tensor.New(tensor.Float32, 10, 4), tensor.New(tensor.Float32, 10, 5), keras.Verbose(0)); err == nil || !strings.Contains(err.Error(), "do not match") {
		t.Errorf("label shape: %v", err)
	}
}

// counter is a layer with a non-trainable weight that counts the training
// steps through AddUpdate, as BatchNormalization updates its moving
// statistics.
type counter struct {
	layers.Base
	n *tf.Variable
}

func newCounter() *counter {
	c := &counter{}
	c.Init(c, "Counter")
	return c
}

func (c *counter) Build(tensor.Shape) {
	c.n = c.AddWeight("n", tensor.Shape{}, initializers.Zeros(), nil, false)
}

func (c *counter) Call(x *tf.Tensor, training bool) *tf.Tensor {
	if training && x.Graph() != nil {
		c.AddUpdate(c.n.AssignAdd(tf.Const(x.Graph(), tensor.Scalar(float32(1)))).Op())
	}
	return x
}

func (c *counter) ComputeOutputShape(in tensor.Shape) tensor.Shape { return in }

func TestLayerUpdatesRunWithTraining(t *testing.T) {
	x, y := blobs(64, 12)
	c := newCounter()
	m := keras.NewSequential(c, layers.Dense(3, layers.Activation("softmax")))
	if err := m.Compile("sgd", "sparse_categorical_crossentropy"); err != nil {
		t.Fatal(err)
	}
	if _, err := m.Fit(x, y, keras.Epochs(2), keras.BatchSize(16), keras.Verbose(0)); err != nil {
		t.Fatal(err)
	}
	if _, _, err := m.Evaluate(x, y, keras.Verbose(0)); err != nil {
		t.Fatal(err)
	}
	if n := c.n.Value().Item(); n != 8 {
		t.Fatalf("counter = %v after 8 training steps (and an evaluation)", n)
	}
	if s, _ := m.SummaryString(); !strings.Contains(s, " Non-trainable params: 1 (4.00 B)") {
		t.Errorf("summary:\n%s", s)
	}
}

func TestFloat64Model(t *testing.T) {
	x32, y := blobs(90, 13)
	x := tensor.New(tensor.Float64, 90, 4)
	for i := 0; i < x.Size(); i++ {
		x.SetFloat(i, x32.Float(i))
	}
	m := keras.NewSequential(
		layers.Dense(8, layers.Activation("tanh"), layers.InputShape(4), layers.DType(tensor.Float64)),
		layers.Dense(3, layers.Activation("softmax"), layers.DType(tensor.Float64)),
	)
	if err := m.Compile(optimizers.NewAdam(0.05), "sparse_categorical_crossentropy", keras.Metrics("accuracy")); err != nil {
		t.Fatal(err)
	}
	if _, err := m.Fit(x, y, keras.Epochs(10), keras.Verbose(0)); err != nil {
		t.Fatal(err)
	}
	_, ms, err := m.Evaluate(x, y, keras.Verbose(0))
	if err != nil || ms["accuracy"] < 0.9 {
		t.Fatalf("float64 model: %v %v", ms, err)
	}
	if m.Weights()[0].DType() != tensor.Float64 {
		t.Errorf("kernel dtype %v", m.Weights()[0].DType())
	}
}

func TestActivityRegularizer(t *testing.T) {
	x, y := blobs(32, 14)
	plain := keras.NewSequential(layers.Dense(3, layers.InputShape(4)), layers.Activation("softmax"))
	reg := keras.NewSequential(layers.Dense(3, layers.InputShape(4), layers.ActivityRegularizer(regularizers.L1(0.01))), layers.Activation("softmax"))
	if err := reg.SetWeights(plain.GetWeights()); err != nil {
		t.Fatal(err)
	}
	for _, m := range []*keras.Model{plain, reg} {
		if err := m.Compile("sgd", "sparse_categorical_crossentropy"); err != nil {
			t.Fatal(err)
		}
	}
	l0, _, _ := plain.Evaluate(x, y, keras.Verbose(0), keras.BatchSize(32))
	l1, _, _ := reg.Evaluate(x, y, keras.Verbose(0), keras.BatchSize(32))
	// The penalty: 0.01 · sum |x·W + b| over the batch.
	w, b := plain.Weights()[0].Value(), plain.Weights()[1].Value()
	var want float64
	for i := 0; i < 32; i++ {
		for j := 0; j < 3; j++ {
			v := b.Float(j)
			for k := 0; k < 4; k++ {
				v += x.At(i, k) * w.At(k, j)
			}
			want += math.Abs(v)
		}
	}
	if got := l1 - l0; math.Abs(got-0.01*want) > 1e-4 {
		t.Fatalf("activity penalty %v, want %v", got, 0.01*want)
	}
}

// A custom training loop: the model applied eagerly, gradients from a tape,
// the optimizer applied by hand (the seeds' hand-written loop).
func TestEagerTrainingLoop(t *testing.T) {
	tensor.SetSeed(6)
	x, y := blobs(90, 15)
	m := keras.NewSequential(layers.Dense(3, layers.InputShape(4)))
	opt := optimizers.NewAdam(0.05)
	loss := losses.SparseCategoricalCrossentropy(true)
	var first, last float64
	for step := 0; step < 60; step++ {
		tape := tf.NewGradientTape(false)
		logits := m.Apply(tf.Constant(x))
		l := losses.Compute(loss, tf.Constant(y), logits, nil)
		grads, err := tape.Gradient(l, m.TrainableWeights())
		if err != nil {
			t.Fatal(err)
		}
		if err := opt.ApplyGradients(grads, m.TrainableWeights()); err != nil {
			t.Fatal(err)
		}
		if step == 0 {
			first = l.Value().Item()
		}
		last = l.Value().Item()
	}
	if last > first/3 {
		t.Fatalf("eager loop: loss %v -> %v", first, last)
	}
}

// An l1_l2 bias regularizer adds l1·sum|b| + l2·sum b² to the loss, and a
// kernel and a bias regularizer add up.
func TestBiasRegularizer(t *testing.T) {
	x, y := blobs(32, 15)
	plain := keras.NewSequential(layers.Dense(3, layers.InputShape(4), layers.Activation("softmax"), layers.BiasInitializer(initializers.RandomNormal(0, 1, 3))))
	reg := keras.NewSequential(layers.Dense(3, layers.InputShape(4), layers.Activation("softmax"),
		layers.BiasRegularizer(regularizers.L1L2(0.1, 0.2)), layers.KernelRegularizer(regularizers.L1(0.05))))
	if err := reg.SetWeights(plain.GetWeights()); err != nil {
		t.Fatal(err)
	}
	for _, m := range []*keras.Model{plain, reg} {
		if err := m.Compile("sgd", "sparse_categorical_crossentropy"); err != nil {
			t.Fatal(err)
		}
	}
	l0, _, err0 := plain.Evaluate(x, y, keras.Verbose(0))
	l1, _, err1 := reg.Evaluate(x, y, keras.Verbose(0))
	if err0 != nil || err1 != nil {
		t.Fatal(err0, err1)
	}
	w, b := plain.Weights()[0].Value(), plain.Weights()[1].Value()
	var want float64
	for i := 0; i < b.Size(); i++ {
		want += 0.1*math.Abs(b.Float(i)) + 0.2*b.Float(i)*b.Float(i)
	}
	for i := 0; i < w.Size(); i++ {
		want += 0.05 * math.Abs(w.Float(i))
	}
	if math.Abs((l1-l0)-want) > 1e-5 {
		t.Fatalf("penalty %v, want %v", l1-l0, want)
	}
}
