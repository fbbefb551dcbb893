package keras_test

import (
	"errors"
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
	"github.com/tensorgo/tensorgo/tf"
)

// A callback's error stops Fit at once (no further epoch or batch) and Fit
// returns it, naming the callback, as an exception in a Keras callback
// stops fit.
func TestCallbackErrorStopsFit(t *testing.T) {
	x, y := blobs(30, 1)
	boom := errors.New("boom")
	m := smallModel(t, 0.1)
	var begun, batches int
	cb := &keras.LambdaCallback{
		OnEpochBeginFn: func(int, keras.Logs) error { begun++; return nil },
		OnEpochEndFn: func(e int, _ keras.Logs) error {
			if e == 1 {
				return boom
			}
			return nil
		},
	}
	h, err := m.Fit(x, y, keras.Epochs(5), keras.BatchSize(10), keras.Verbose(0), keras.Callbacks(cb))
	if !errors.Is(err, boom) || !strings.Contains(err.Error(), "*keras.LambdaCallback") || !strings.Contains(err.Error(), "OnEpochEnd") {
		t.Fatalf("Fit returned %v, want the callback's error naming it", err)
	}
	if begun != 2 || len(h.Epoch) != 1 { // History comes after the failing callback
		t.Fatalf("%d epochs begun, History has %v; want 2 and [0]", begun, h.Epoch)
	}
	// A batch hook's error stops the epoch too.
	cb = &keras.LambdaCallback{OnBatchEndFn: func(b int, _ keras.Logs) error {
		batches++
		if b == 1 {
			return boom
		}
		return nil
	}}
	if _, err := m.Fit(x, y, keras.Epochs(5), keras.BatchSize(10), keras.Verbose(0), keras.Callbacks(cb)); !errors.Is(err, boom) {
		t.Fatalf("Fit returned %v", err)
	}
	if batches != 2 {
		t.Fatalf("%d batches ran after a batch hook failed at the second", batches)
	}
}

// CSVLogger returns the error opening its file instead of keeping it.
func TestCSVLoggerErrorStopsFit(t *testing.T) {
	x, y := blobs(30, 1)
	m := smallModel(t, 0.1)
	path := filepath.Join(t.TempDir(), "no", "such", "dir", "log.csv")
	var epochs int
	count := &keras.LambdaCallback{OnEpochBeginFn: func(int, keras.Logs) error { epochs++; return nil }}
	_, err := m.Fit(x, y, keras.Epochs(3), keras.Verbose(0), keras.Callbacks(&keras.CSVLogger{Filename: path}, count))
	if err == nil || !strings.Contains(err.Error(), "log.csv") || !strings.Contains(err.Error(), "*keras.CSVLogger") || epochs != 0 {
		t.Fatalf("Fit returned %v after %d epochs; want CSVLogger's open error before any epoch", err, epochs)
	}
}

// twoByTwo is a functional model with two inputs and two outputs (a class
// and a regression), and data for it: the class is the blob, the target
// the sum of the features.
func twoByTwo(t *testing.T, n int) (*keras.Model, []*tensor.Tensor, []*tensor.Tensor) {
	t.Helper()
	keras.ClearSession()
	tensor.SetSeed(5)
	x, y := blobs(n, 9)
	a, b := tensor.New(tensor.Float32, n, 2), tensor.New(tensor.Float32, n, 2)
	s := tensor.New(tensor.Float32, n, 1)
	for i := 0; i < n; i++ {
		sum := 0.0
		for j := 0; j < 2; j++ {
			a.SetFloat(i*2+j, x.At(i, j))
			b.SetFloat(i*2+j, x.At(i, j+2))
			sum += x.At(i, j) + x.At(i, j+2)
		}
		s.SetFloat(i, sum/4)
	}
	ina, inb := keras.Input(2), keras.Input(2)
	h := layers.Concatenate(-1).Apply(layers.Dense(8, layers.Activation("tanh")).Apply(ina), layers.Dense(8, layers.Activation("tanh")).Apply(inb))
	cls := layers.Dense(3, layers.Activation("softmax"), layers.Name("class")).Apply(h)
	reg := layers.Dense(1, layers.Name("value")).Apply(h)
	m := keras.NewModel([]*tf.Tensor{ina, inb}, []*tf.Tensor{cls, reg})
	if err := m.Compile(optimizers.NewAdam(0.02), []any{"sparse_categorical_crossentropy", "mse"}, keras.Metrics("accuracy")); err != nil {
		t.Fatal(err)
	}
	return m, []*tensor.Tensor{a, b}, []*tensor.Tensor{y, s}
}

// A Dataset with two inputs and two outputs (x1, x2, y1, y2) trains a
// functional model, and Evaluate and Predict take it too, giving what they
// give on the same arrays.
func TestDatasetSeveralInputsAndOutputs(t *testing.T) {
	m, xs, ys := twoByTwo(t, 96)
	ds := data.FromTensorSlices(xs[0], xs[1], ys[0], ys[1]).Batch(16, false)
	h, err := m.Fit(ds.Shuffle(6, 1, true), nil, keras.Epochs(15), keras.Verbose(0))
	if err != nil {
		t.Fatal(err)
	}
	l := h.History["loss"]
	if len(l) != 15 || l[14] >= 0.5*l[0] {
		t.Fatalf("loss did not fall: %v", l)
	}
	if _, ok := h.History["class_accuracy"]; !ok {
		t.Fatalf("no per-output metric in %v", h.History)
	}
	wantLoss, wantMs, err := m.Evaluate(xs, ys, keras.Verbose(0))
	if err != nil {
		t.Fatal(err)
	}
	loss, ms, err := m.Evaluate(ds, nil, keras.Verbose(0))
	if err != nil {
		t.Fatal(err)
	}
	if math.Abs(loss-wantLoss) > 1e-6 || math.Abs(ms["class_accuracy"]-wantMs["class_accuracy"]) > 1e-12 || math.Abs(ms["value_loss"]-wantMs["value_loss"]) > 1e-6 {
		t.Fatalf("Evaluate on the dataset: %v %v; on arrays: %v %v", loss, ms, wantLoss, wantMs)
	}
	want, err := m.PredictAll(xs, keras.Verbose(0))
	if err != nil {
		t.Fatal(err)
	}
	// Inputs only, or the whole (x1, x2, y1, y2): the labels are ignored.
	for _, pds := range []*data.Dataset{data.FromTensorSlices(xs[0], xs[1]).Batch(20, false), ds} {
		got, err := m.PredictAll(pds, keras.Verbose(0))
		if err != nil {
			t.Fatal(err)
		}
		if len(got) != 2 {
			t.Fatalf("%d outputs", len(got))
		}
		for i := range got {
			if !got[i].Shape().Equal(want[i].Shape()) {
				t.Fatalf("output %d: shape %v, want %v", i, got[i].Shape(), want[i].Shape())
			}
			for j := 0; j < got[i].Size(); j++ {
				if got[i].Float(j) != want[i].Float(j) {
					t.Fatalf("output %d[%d]: %v from the dataset, %v from arrays", i, j, got[i].Float(j), want[i].Float(j))
				}
			}
		}
	}
	// Elements that are not (inputs, labels[, weights]) are refused.
	bad := data.FromTensorSlices(xs[0], xs[1], ys[0]).Batch(16, false)
	if _, err := m.Fit(bad, nil, keras.Verbose(0)); err == nil || !strings.Contains(err.Error(), "2 inputs, its 2 labels") {
		t.Fatalf("a 3-component dataset for 2 inputs and 2 outputs: %v", err)
	}
}

// CSVLogger returns its write error (here /dev/full's "no space left on
// device") and Fit stops after the epoch whose row failed.
func TestCSVLoggerWriteErrorStopsFit(t *testing.T) {
	if _, err := os.Stat("/dev/full"); err != nil {
		t.Skip("no /dev/full")
	}
	x, y := blobs(30, 1)
	m := smallModel(t, 0.1)
	h, err := m.Fit(x, y, keras.Epochs(3), keras.Verbose(0), keras.Callbacks(&keras.CSVLogger{Filename: "/dev/full"}))
	if err == nil || !strings.Contains(err.Error(), "/dev/full") || !strings.Contains(err.Error(), "no space left") {
		t.Fatalf("Fit returned %v, want CSVLogger's write error", err)
	}
	if len(h.Epoch) != 0 { // History comes after the logger: the failing epoch is not recorded
		t.Fatalf("History has %v after the first epoch's row failed", h.Epoch)
	}
}
