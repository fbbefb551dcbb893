package keras_test

import (
	"bytes"
	"strings"
	"testing"

	"github.com/tensorgo/tensorgo/keras"
	"github.com/tensorgo/tensorgo/tensor"
)

func sameWeights(t *testing.T, got, want []*tensor.Tensor, what string) {
	t.Helper()
	if len(got) != len(want) {
		t.Fatalf("%s: %d weights, want %d", what, len(got), len(want))
	}
	for i := range got {
		for j := 0; j < got[i].Size(); j++ {
			if got[i].Float(j) != want[i].Float(j) {
				t.Fatalf("%s: weight %d[%d] is %v, want %v", what, i, j, got[i].Float(j), want[i].Float(j))
			}
		}
	}
}

// Keras 3's EarlyStopping: best starts at +inf (minimising) and Baseline only
// decides whether the wait counter starts again. Worked by hand with
// Keras's on_epoch_end, patience 2, baseline 0.5:
// epoch 0: 0.9 improves on inf (best, epoch 0), misses the baseline, wait 1;
// epoch 1: 0.8 improves (best, epoch 1), misses the baseline, wait 2;
// epoch 2: 0.85 does not improve, wait 3 >= 2: stop at epoch 2.
func TestEarlyStoppingBaselineAsKeras3(t *testing.T) {
	x, y := blobs(30, 1)
	m := smallModel(t, 0.1)
	var atEpoch1 []*tensor.Tensor
	grab := &keras.LambdaCallback{OnEpochEndFn: func(e int, _ keras.Logs) error {
		if e == 1 {
			atEpoch1 = m.GetWeights()
		}
		return nil
	}}
	base := 0.5
	es := &keras.EarlyStopping{Monitor: "score", Patience: 2, Baseline: &base, RestoreBestWeights: true}
	vals := []float64{0.9, 0.8, 0.85, 0.86, 0.87, 0.88}
	h, err := m.Fit(x, y, keras.Epochs(6), keras.Verbose(0), keras.Callbacks(grab, &scripted{key: "score", vals: vals}, es))
	if err != nil {
		t.Fatal(err)
	}
	if len(h.Epoch) != 3 || es.StoppedEpoch != 2 || es.BestEpoch != 1 {
		t.Fatalf("ran %v, stopped at %d, best %d; want 3 epochs, stopped at 2, best 1", h.Epoch, es.StoppedEpoch, es.BestEpoch)
	}
	sameWeights(t, m.GetWeights(), atEpoch1, "after a stop with a baseline")
}

// RestoreBestWeights restores at the end of training even when another
// callback stopped it (Keras 3 restores in on_train_end).
func TestEarlyStoppingRestoresWhenAnotherCallbackStops(t *testing.T) {
	x, y := blobs(30, 1)
	m := smallModel(t, 0.1)
	var atEpoch0 []*tensor.Tensor
	other := &keras.LambdaCallback{OnEpochEndFn: func(e int, _ keras.Logs) error {
		if e == 0 {
			atEpoch0 = m.GetWeights()
		}
		if e == 2 {
			m.StopTraining = true
		}
		return nil
	}}
	es := &keras.EarlyStopping{Monitor: "score", Patience: 10, RestoreBestWeights: true}
	rising := []float64{1, 2, 3, 4, 5}
	h, err := m.Fit(x, y, keras.Epochs(5), keras.Verbose(0), keras.Callbacks(&scripted{key: "score", vals: rising}, es, other))
	if err != nil {
		t.Fatal(err)
	}
	if len(h.Epoch) != 3 || es.StoppedEpoch != 0 {
		t.Fatalf("ran %v, EarlyStopping stopped at %d", h.Epoch, es.StoppedEpoch)
	}
	sameWeights(t, m.GetWeights(), atEpoch0, "after another callback stopped training")
}

// A monitor missing from the logs prints one warning to Fit's output, not
// one per epoch.
func TestEarlyStoppingMissingMonitorWarnsOnce(t *testing.T) {
	x, y := blobs(30, 1)
	m := smallModel(t, 0.1)
	var out bytes.Buffer
	es := &keras.EarlyStopping{Monitor: "val_nope"}
	plateau := &keras.ReduceLROnPlateau{Monitor: "val_nothing"}
	if _, err := m.Fit(x, y, keras.Epochs(4), keras.Verbose(0), keras.Output(&out), keras.Callbacks(es, plateau)); err != nil {
		t.Fatal(err)
	}
	if n := strings.Count(out.String(), "`val_nope` which is not available"); n != 1 {
		t.Fatalf("%d warnings for the missing monitor, want 1:\n%s", n, out.String())
	}
	if n := strings.Count(out.String(), "`val_nothing` which is not available"); n != 1 {
		t.Fatalf("%d ReduceLROnPlateau warnings, want 1:\n%s", n, out.String())
	}
	if !strings.Contains(out.String(), "Available metrics are: accuracy,loss") {
		t.Fatalf("the warning does not list the logs:\n%s", out.String())
	}
}

// Patience 0 and MinDelta 0 mean zero. By hand (Keras's on_epoch_end,
// min mode, improvement = current < best - min_delta):
// patience 0 on 1, 1, 1: epoch 0 sets best; epochs 1 and 2 each wait 1 >= 0
// and halve the rate: 0.1 -> 0.05 -> 0.025.
// min_delta 0, patience 1 on 1, 0.99995, 0.9999: every epoch improves, the
// rate stays 0.1 (with Keras's default 1e-4 epoch 1 would not improve and
// the rate would halve).
func TestReduceLROnPlateauZeroPatienceAndMinDelta(t *testing.T) {
	x, y := blobs(30, 2)
	m := smallModel(t, 0.1)
	p := &keras.ReduceLROnPlateau{Monitor: "score", Factor: 0.5, Patience: 0}
	if _, err := m.Fit(x, y, keras.Epochs(3), keras.Verbose(0), keras.Callbacks(&scripted{key: "score", vals: []float64{1, 1, 1}}, p)); err != nil {
		t.Fatal(err)
	}
	if lr := m.Optimizer().LearningRate(); lr != 0.025 {
		t.Fatalf("patience 0: learning rate %v, want 0.025", lr)
	}
	m = smallModel(t, 0.1)
	p = &keras.ReduceLROnPlateau{Monitor: "score", Factor: 0.5, Patience: 1, MinDelta: 0}
	if _, err := m.Fit(x, y, keras.Epochs(3), keras.Verbose(0), keras.Callbacks(&scripted{key: "score", vals: []float64{1, 0.99995, 0.9999}}, p)); err != nil {
		t.Fatal(err)
	}
	if lr := m.Optimizer().LearningRate(); lr != 0.1 {
		t.Fatalf("min_delta 0: learning rate %v, want 0.1", lr)
	}
	// NewReduceLROnPlateau has Keras's defaults (keras.callbacks.
	// ReduceLROnPlateau's signature: monitor="val_loss", factor=0.1,
	// patience=10, mode="auto", min_delta=1e-4, cooldown=0, min_lr=0.0).
	d := keras.NewReduceLROnPlateau()
	if d.Monitor != "val_loss" || d.Factor != 0.1 || d.Patience != 10 || d.MinDelta != 1e-4 || d.Mode != "auto" || d.Cooldown != 0 || d.MinLR != 0 {
		t.Fatalf("defaults %+v", d)
	}
}

// History records every key of the epoch's logs, the "learning_rate" a
// scheduler adds included, as Keras's History (called after the other
// callbacks) does.
func TestHistoryRecordsLearningRate(t *testing.T) {
	x, y := blobs(30, 2)
	m := smallModel(t, 0.1)
	sched := &keras.LearningRateScheduler{Schedule: func(e int, lr float64) float64 { return 0.1 / float64(e+1) }}
	h, err := m.Fit(x, y, keras.Epochs(3), keras.Verbose(0), keras.Callbacks(sched))
	if err != nil {
		t.Fatal(err)
	}
	got := h.History["learning_rate"]
	if len(got) != 3 || got[0] != 0.1 || got[1] != 0.05 || got[2] != 0.1/3 {
		t.Fatalf("History's learning_rate %v, want [0.1 0.05 0.0333...]", got)
	}
}
