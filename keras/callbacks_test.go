package keras_test

import (
	"bytes"
	"math"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/tensorgo/tensorgo/data"
	"github.com/tensorgo/tensorgo/keras"
	"github.com/tensorgo/tensorgo/keras/layers"
	"github.com/tensorgo/tensorgo/optimizers"
	"github.com/tensorgo/tensorgo/tensor"
)

func smallModel(t *testing.T, lr float64) *keras.Model {
	t.Helper()
	m := keras.NewSequential(layers.Dense(3, layers.Activation("softmax"), layers.InputShape(4)))
	if err := m.Compile(optimizers.NewSGD(lr), "sparse_categorical_crossentropy", keras.Metrics("accuracy")); err != nil {
		t.Fatal(err)
	}
	return m
}

// scripted feeds EarlyStopping / ReduceLROnPlateau a fixed sequence of
// monitored values, one per epoch, before they see the logs.
type scripted struct {
	keras.CallbackBase
	key  string
	vals []float64
}

func (s *scripted) OnEpochEnd(e int, logs keras.Logs) error {
	logs[s.key] = s.vals[e]
	return nil
}

func TestEarlyStoppingPatienceAndRestore(t *testing.T) {
	x, y := blobs(30, 1)
	m := smallModel(t, 0.1)
	// Best at epoch 1 (0-based); then no improvement beyond MinDelta.
	vals := []float64{1.0, 0.5, 0.49, 0.6, 0.7, 0.8, 0.9, 1.0}
	var atBest []*tensor.Tensor
	grab := &keras.LambdaCallback{OnEpochEndFn: func(e int, _ keras.Logs) error {
		if e == 1 {
			atBest = m.GetWeights()
		}
		return nil
	}}
	es := &keras.EarlyStopping{Monitor: "score", Patience: 2, MinDelta: 0.05, RestoreBestWeights: true}
	h, err := m.Fit(x, y, keras.Epochs(8), keras.Verbose(0), keras.Callbacks(grab, &scripted{key: "score", vals: vals}, es))
	if err != nil {
		t.Fatal(err)
	}
	// Epochs 2 (0.49: not better by 0.05) and 3 wait; training stops after epoch 3.
	if len(h.Epoch) != 4 || es.StoppedEpoch != 3 || es.BestEpoch != 1 {
		t.Fatalf("ran %v epochs, stopped at %d, best %d", h.Epoch, es.StoppedEpoch, es.BestEpoch)
	}
	w := m.GetWeights()
	for i := range w {
		for j := 0; j < w[i].Size(); j++ {
			if w[i].Float(j) != atBest[i].Float(j) {
				t.Fatal("weights were not restored to the best epoch's")
			}
		}
	}
}

func TestLearningRateCallbacks(t *testing.T) {
	x, y := blobs(30, 2)
	m := smallModel(t, 0.1)
	var seen []float64
	sched := &keras.LearningRateScheduler{Schedule: func(e int, lr float64) float64 { return 0.1 / float64(e+1) }}
	rec := &keras.LambdaCallback{OnEpochEndFn: func(e int, logs keras.Logs) error {
		seen = append(seen, logs["learning_rate"])
		return nil
	}}
	if _, err := m.Fit(x, y, keras.Epochs(3), keras.Verbose(0), keras.Callbacks(sched, rec)); err != nil {
		t.Fatal(err)
	}
	if len(seen) != 3 || seen[0] != 0.1 || seen[1] != 0.05 || seen[2] != 0.1/3 {
		t.Fatalf("learning rates %v", seen)
	}
	m2 := smallModel(t, 0.1)
	plateau := &keras.ReduceLROnPlateau{Monitor: "score", Factor: 0.5, Patience: 2}
	_, err := m2.Fit(x, y, keras.Epochs(5), keras.Verbose(0), keras.Callbacks(&scripted{key: "score", vals: []float64{1, 1, 1, 1, 1}}, plateau))
	if err != nil {
		t.Fatal(err)
	}
	// Epoch 0 sets the best; 1, 2 wait -> halve; 3, 4 wait -> halve again.
	if lr := m2.Optimizer().LearningRate(); lr != 0.025 {
		t.Fatalf("learning rate after plateau %v, want 0.025", lr)
	}
}

func TestCSVLoggerAndHistory(t *testing.T) {
	x, y := blobs(30, 3)
	m := smallModel(t, 0.1)
	path := filepath.Join(t.TempDir(), "log.csv")
	csv := &keras.CSVLogger{Filename: path}
	h, err := m.Fit(x, y, keras.Epochs(3), keras.Verbose(0), keras.ValidationData(x, y), keras.Callbacks(csv))
	if err != nil {
		t.Fatal(err)
	}
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	lines := strings.Split(strings.TrimSpace(string(b)), "\n")
	if len(lines) != 4 || lines[0] != "epoch,accuracy,loss,val_accuracy,val_loss" || !strings.HasPrefix(lines[3], "2,") {
		t.Fatalf("csv:\n%s", b)
	}
	if len(h.History["val_loss"]) != 3 || h.Last("loss") != h.History["loss"][2] {
		t.Fatalf("history %v", h.History)
	}
}

func TestInitialEpochAndValidationFreq(t *testing.T) {
	x, y := blobs(30, 4)
	m := smallModel(t, 0.1)
	h, err := m.Fit(x, y, keras.Epochs(5), keras.InitialEpoch(2), keras.Verbose(0), keras.ValidationSplit(0.2), keras.ValidationFreq(2))
	if err != nil {
		t.Fatal(err)
	}
	if len(h.Epoch) != 3 || h.Epoch[0] != 2 {
		t.Fatalf("epochs %v", h.Epoch)
	}
	if len(h.History["val_loss"]) != 1 { // only epoch index 3 (the 4th) validates
		t.Fatalf("val_loss %v", h.History["val_loss"])
	}
}

func TestSampleAndClassWeights(t *testing.T) {
	x, y := blobs(30, 5)
	// Zero weight for every sample: the loss is 0 and nothing changes.
	m := smallModel(t, 0.5)
	before := m.GetWeights()
	h, err := m.Fit(x, y, keras.Verbose(0), keras.SampleWeight(tensor.Zeros(tensor.Float32, 30)))
	if err != nil {
		t.Fatal(err)
	}
	if h.History["loss"][0] != 0 {
		t.Errorf("loss with zero weights %v", h.History["loss"])
	}
	after := m.GetWeights()
	for i := range after {
		for j := 0; j < after[i].Size(); j++ {
			if after[i].Float(j) != before[i].Float(j) {
				t.Fatal("weights changed with zero sample weights")
			}
		}
	}
	// Class weights scale the loss of their class: doubling every class
	// doubles the first batch's loss.
	m1, m2 := smallModel(t, 0), smallModel(t, 0)
	if err := m2.SetWeights(m1.GetWeights()); err != nil {
		t.Fatal(err)
	}
	l1, _, _ := m1.Evaluate(x, y, keras.Verbose(0))
	l2, _, err := m2.Evaluate(x, y, keras.Verbose(0), keras.ClassWeight(map[int]float64{0: 2, 1: 2, 2: 2}))
	if err != nil || l2 < 1.999*l1 || l2 > 2.001*l1 {
		t.Errorf("class weights: %v vs %v (%v)", l2, l1, err)
	}
}

func TestFitDataset(t *testing.T) {
	x, y := blobs(96, 6)
	ds := data.FromTensorSlices(x, y).Shuffle(96, 1, true).Batch(32, false)
	m := smallModel(t, 0.5)
	h, err := m.Fit(ds, nil, keras.Epochs(10), keras.Verbose(0))
	if err != nil {
		t.Fatal(err)
	}
	if len(h.History["loss"]) != 10 || h.History["loss"][9] >= h.History["loss"][0] {
		t.Fatalf("loss %v", h.History["loss"])
	}
	_, ms, err := m.Evaluate(data.FromTensorSlices(x, y).Batch(32, false), nil, keras.Verbose(0))
	if err != nil || ms["accuracy"] < 0.9 {
		t.Fatalf("evaluate on a dataset: %v %v", ms, err)
	}
	p, err := m.Predict(data.FromTensorSlices(x).Batch(40, false), keras.Verbose(0))
	if err != nil || p.Dim(0) != 96 {
		t.Fatalf("predict on a dataset: %v %v", p, err)
	}
}

// Mode "auto" maximises a monitor named like an accuracy and "min" forces
// minimising; MinDelta counts in the direction of improvement (Keras).
func TestEarlyStoppingModes(t *testing.T) {
	x, y := blobs(30, 1)
	rising := []float64{0.5, 0.6, 0.7, 0.8, 0.9, 0.95}
	cases := []struct {
		monitor, mode string
		minDelta      float64
		epochs        int // epochs run
	}{
		{"val_accuracy", "", 0, 6},      // auto -> max: always improving
		{"val_accuracy", "max", 0.2, 3}, // +0.1 per epoch never beats 0.2: stop after patience 2
		{"val_accuracy", "min", 0, 3},   // rising is worse when minimising
		{"score", "", 0, 3},             // auto -> min for other names
	}
	for _, c := range cases {
		m := smallModel(t, 0.1)
		es := &keras.EarlyStopping{Monitor: c.monitor, Mode: c.mode, MinDelta: c.minDelta, Patience: 2}
		h, err := m.Fit(x, y, keras.Epochs(6), keras.Verbose(0), keras.Callbacks(&scripted{key: c.monitor, vals: rising}, es))
		if err != nil {
			t.Fatal(err)
		}
		if len(h.Epoch) != c.epochs {
			t.Errorf("%s mode %q min_delta %v: ran %d epochs, want %d", c.monitor, c.mode, c.minDelta, len(h.Epoch), c.epochs)
		}
	}
}

// Validation data may be a Dataset, whether training on tensors or on a
// Dataset; the last epoch's val_loss is the loss Evaluate then reports.
func TestValidationDataset(t *testing.T) {
	x, y := blobs(64, 7)
	vx, vy := blobs(40, 8)
	val := data.FromTensorSlices(vx, vy).Batch(16, false)
	for _, train := range []any{x, data.FromTensorSlices(x, y).Batch(16, false)} {
		m := smallModel(t, 0.3)
		var yy any = y
		if _, ok := train.(*data.Dataset); ok {
			yy = nil
		}
		h, err := m.Fit(train, yy, keras.Epochs(3), keras.Verbose(0), keras.ValidationData(val, nil))
		if err != nil {
			t.Fatal(err)
		}
		vl := h.History["val_loss"]
		want, ms, err := m.Evaluate(vx, vy, keras.Verbose(0))
		if err != nil || len(vl) != 3 || math.Abs(vl[2]-want) > 1e-6 || math.Abs(h.Last("val_accuracy")-ms["accuracy"]) > 1e-9 {
			t.Fatalf("%T: val_loss %v, evaluate %v %v (%v)", train, vl, want, ms, err)
		}
	}
}

// With StepsPerEpoch shorter than the dataset, each epoch continues where
// the last one stopped (Keras); a dataset that runs out stops training with
// a warning.
func TestStepsPerEpochContinues(t *testing.T) {
	x, y := blobs(60, 9)
	ds := data.FromTensorSlices(x, y).Batch(10, false) // 6 batches, no shuffle
	m := smallModel(t, 0.1)
	var firstRows []float64
	// A map that records the first feature of each batch it passes on.
	seen := data.FromTensorSlices(x, y).Batch(10, false).Map(func(e data.Element) (data.Element, error) {
		firstRows = append(firstRows, e[0].At(0, 0))
		return e, nil
	})
	var out strings.Builder
	h, err := m.Fit(seen.Repeat(-1), nil, keras.Epochs(3), keras.StepsPerEpoch(4), keras.Verbose(0), keras.Output(&out))
	if err != nil || len(h.Epoch) != 3 {
		t.Fatalf("epochs %v, %v", h.Epoch, err)
	}
	// 12 batches over 3 epochs: the 6 batches twice, in order.
	if len(firstRows) < 12 {
		t.Fatalf("%d batches read", len(firstRows))
	}
	for i := 0; i < 12; i++ {
		if firstRows[i] != x.At((i%6)*10, 0) {
			t.Fatalf("batch %d starts with %v, want row %d's %v", i, firstRows[i], (i%6)*10, x.At((i%6)*10, 0))
		}
	}
	// A finite dataset of 6 batches cannot give 3 epochs of 4.
	out.Reset()
	h, err = m.Fit(ds, nil, keras.Epochs(3), keras.StepsPerEpoch(4), keras.Verbose(0), keras.Output(&out))
	if err != nil || len(h.Epoch) != 2 || !strings.Contains(out.String(), "ran out of data") {
		t.Fatalf("epochs %v, err %v, output %q", h.Epoch, err, out.String())
	}
}

// Callbacks print their messages where Fit prints its progress.
func TestCallbackMessagesGoToFitOutput(t *testing.T) {
	x, y := blobs(40, 3)
	m := keras.NewSequential(layers.Dense(3, layers.Activation("softmax"), layers.InputShape(4)))
	if err := m.Compile("sgd", "sparse_categorical_crossentropy"); err != nil {
		t.Fatal(err)
	}
	var out bytes.Buffer
	sched := &keras.LearningRateScheduler{Schedule: func(epoch int, lr float64) float64 { return lr / 2 }, Verbose: true}
	if _, err := m.Fit(x, y, keras.Epochs(2), keras.Verbose(0), keras.Output(&out), keras.Callbacks(sched)); err != nil {
		t.Fatal(err)
	}
	if got := strings.Count(out.String(), "LearningRateScheduler setting learning rate"); got != 2 {
		t.Fatalf("Fit's output has %d scheduler messages, want 2:\n%s", got, out.String())
	}
}

// ValidationSplit holds out the last fraction of the samples, as Keras does:
// the epoch's val_ values are the model's loss and metrics on those rows.
func TestValidationSplitUsesLastRows(t *testing.T) {
	tensor.SetSeed(3)
	x, y := blobs(40, 5)
	m := keras.NewSequential(layers.Dense(3, layers.Activation("softmax"), layers.InputShape(4)))
	if err := m.Compile("sgd", "sparse_categorical_crossentropy", keras.Metrics("accuracy")); err != nil {
		t.Fatal(err)
	}
	h, err := m.Fit(x, y, keras.Epochs(2), keras.Verbose(0), keras.ValidationSplit(0.25))
	if err != nil {
		t.Fatal(err)
	}
	xv := tensor.Slice(x, []int{30, 0}, []int{10, -1})
	yv := tensor.Slice(y, []int{30}, []int{10})
	loss, ms, err := m.Evaluate(xv, yv, keras.Verbose(0))
	if err != nil {
		t.Fatal(err)
	}
	if got := h.Last("val_loss"); math.Abs(got-loss) > 1e-6 {
		t.Fatalf("val_loss %v, but the loss on the last 10 rows is %v", got, loss)
	}
	if got := h.Last("val_accuracy"); math.Abs(got-ms["accuracy"]) > 1e-9 {
		t.Fatalf("val_accuracy %v, but the accuracy on the last 10 rows is %v", got, ms["accuracy"])
	}
}

// Predict prints Keras's progress bar unless told Verbose(0).
func TestPredictProgress(t *testing.T) {
	x, _ := blobs(40, 2)
	m := keras.NewSequential(layers.Dense(3, layers.Activation("softmax"), layers.InputShape(4)))
	var out bytes.Buffer
	if _, err := m.Predict(x, keras.Output(&out)); err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(out.String(), "2/2 [==============================]") {
		t.Fatalf("default Predict printed %q, want a finished bar for 2 batches", out.String())
	}
	out.Reset()
	if _, err := m.Predict(x, keras.Output(&out), keras.Verbose(0)); err != nil || out.Len() != 0 {
		t.Fatalf("Predict with Verbose(0) printed %q (err %v)", out.String(), err)
	}
}
