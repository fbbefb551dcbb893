package keras_test

import (
	"errors"
	"math"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"

	"github.com/tensorgo/tensorgo/checkpoint"
	"github.com/tensorgo/tensorgo/keras"
	"github.com/tensorgo/tensorgo/keras/layers"
	"github.com/tensorgo/tensorgo/optimizers"
	"github.com/tensorgo/tensorgo/tensor"
)

// resumeModel is a small MLP trained with Adam, built the same way in every
// "process" (after the same SetSeed).
func resumeModel(t *testing.T, opt optimizers.Optimizer) *keras.Model {
	t.Helper()
	tensor.SetSeed(7)
	m := keras.NewSequential(
		layers.Dense(8, layers.Activation("relu"), layers.InputShape(4)),
		layers.Dense(3, layers.Activation("softmax")),
	)
	if opt == nil {
		opt = optimizers.NewAdam(0.01)
	}
	if err := m.Compile(opt, "sparse_categorical_crossentropy", keras.Metrics("accuracy")); err != nil {
		t.Fatal(err)
	}
	return m
}

var errKilled = errors.New("killed")

// killAt fails Fit after the given number of batches of this run, as a
// kill would stop it (nothing after the batch runs: no train-end hooks).
type killAt struct {
	keras.CallbackBase
	after, seen int
}

func (k *killAt) OnTrainBatchEnd(int, keras.Logs) error {
	k.seen++
	if k.seen == k.after {
		return errKilled
	}
	return nil
}

// trainRun is one "process": the callbacks a test gives, and the result.
type trainRun struct {
	weights []*tensor.Tensor
	hist    *keras.History
	lr      float64
}

func runWithBackup(t *testing.T, dir string, kill int, extra func() []keras.Callback) (trainRun, error) {
	t.Helper()
	tensor.SetSeed(7) // the data's seeds mix with the global seed
	x, y := blobs(50, 3)
	xv, yv := blobs(20, 4)
	m := resumeModel(t, nil)
	cbs := []keras.Callback{&keras.BackupAndRestore{BackupDir: dir, SaveFreq: 3}}
	if extra != nil {
		cbs = append(cbs, extra()...)
	}
	if kill > 0 {
		cbs = append(cbs, &killAt{after: kill})
	}
	h, err := m.Fit(x, y, keras.Epochs(6), keras.BatchSize(8), keras.Verbose(0), keras.ValidationData(xv, yv), keras.Callbacks(cbs...))
	return trainRun{weights: m.GetWeights(), hist: h, lr: m.Optimizer().LearningRate()}, err
}

// A run stopped after any batch and started again with the same code gives
// the final weights, History and learning rate of a run never stopped,
// bit for bit: the shuffle order, the Adam slots and iterations, the
// callbacks' state (EarlyStopping, ReduceLROnPlateau) all continue.
func TestBackupAndRestoreResumesExactly(t *testing.T) {
	callbacks := func() []keras.Callback {
		p := keras.NewReduceLROnPlateau()
		p.Patience, p.Factor, p.Monitor = 1, 0.5, "loss"
		// The scheduler runs at every epoch's start, a resumed epoch's
		// too: the saved rate must win over its second change.
		s := &keras.LearningRateScheduler{Schedule: func(_ int, lr float64) float64 { return lr * 0.9 }}
		return []keras.Callback{s, p, &keras.EarlyStopping{Monitor: "val_loss", Patience: 10, RestoreBestWeights: true}}
	}
	want, err := runWithBackup(t, t.TempDir(), 0, callbacks)
	if err != nil {
		t.Fatal(err)
	}
	if len(want.hist.Epoch) != 6 {
		t.Fatalf("the uninterrupted run trained %d epochs", len(want.hist.Epoch))
	}
	// 7 batches per epoch (50 rows, batch 8), 42 in all: stop after
	// every one of the first 12 batches, then after epochs' ends.
	for _, kill := range []int{1, 2, 3, 4, 6, 7, 8, 9, 13, 14, 20, 27, 41} {
		dir := t.TempDir()
		if _, err := runWithBackup(t, dir, kill, callbacks); !errors.Is(err, errKilled) {
			t.Fatalf("kill after %d: %v", kill, err)
		}
		got, err := runWithBackup(t, dir, 0, callbacks)
		if err != nil {
			t.Fatalf("resume after a kill at batch %d: %v", kill, err)
		}
		sameWeights(t, got.weights, want.weights, "resumed after a kill at batch "+strconv.Itoa(kill))
		if got.lr != want.lr {
			t.Fatalf("kill at %d: learning rate %v, want %v", kill, got.lr, want.lr)
		}
		for k, w := range want.hist.History {
			g := got.hist.History[k]
			if k == "accuracy" {
				// The interrupted epoch's accuracy starts again: the
				// metrics package's metrics cannot save their state yet.
				continue
			}
			if len(g) != len(w) {
				t.Fatalf("kill at %d: History[%q] %v, want %v", kill, k, g, w)
			}
			for i := range w {
				if g[i] != w[i] && !(math.IsNaN(g[i]) && math.IsNaN(w[i])) {
					t.Fatalf("kill at %d: History[%q] %v, want %v", kill, k, g, w)
				}
			}
		}
		// Training completed: the backup is gone.
		if _, err := os.Stat(dir); !os.IsNotExist(err) {
			t.Fatalf("kill at %d: the backup directory is still there after training completed (%v)", kill, err)
		}
	}
}

// Killed twice, then resumed: still the same bits.
func TestBackupAndRestoreSeveralKills(t *testing.T) {
	want, err := runWithBackup(t, t.TempDir(), 0, nil)
	if err != nil {
		t.Fatal(err)
	}
	dir := t.TempDir()
	for _, kill := range []int{5, 11, 2} {
		if _, err := runWithBackup(t, dir, kill, nil); !errors.Is(err, errKilled) {
			t.Fatal(err)
		}
		latest, err := checkpoint.LatestCheckpoint(dir)
		if err != nil || latest == "" {
			t.Fatalf("no latest backup after a kill: %q %v", latest, err)
		}
		if _, err := checkpoint.Read(latest); err != nil {
			t.Fatal(err)
		}
	}
	got, err := runWithBackup(t, dir, 0, nil)
	if err != nil {
		t.Fatal(err)
	}
	sameWeights(t, got.weights, want.weights, "resumed after three kills")
}

// A backup of another model, optimizer or data is refused, naming what
// differs, and the model is left alone.
func TestBackupAndRestoreRefusesMismatch(t *testing.T) {
	dir := t.TempDir()
	if _, err := runWithBackup(t, dir, 4, nil); !errors.Is(err, errKilled) {
		t.Fatal(err)
	}
	x, y := blobs(50, 3)
	m := keras.NewSequential(layers.Dense(5, layers.InputShape(4)), layers.Dense(3, layers.Activation("softmax")))
	m.Compile(optimizers.NewAdam(0.01), "sparse_categorical_crossentropy")
	before := m.GetWeights()
	_, err := m.Fit(x, y, keras.Epochs(1), keras.Verbose(0), keras.Callbacks(&keras.BackupAndRestore{BackupDir: dir}))
	if err == nil {
		t.Fatal("a backup of another model was restored")
	}
	for _, want := range []string{"dense/kernel", "the file has float32 (4, 8), the model float32 (4, 5)"} {
		if !strings.Contains(err.Error(), want) {
			t.Errorf("error %q does not say %q", err, want)
		}
	}
	sameWeights(t, m.GetWeights(), before, "after a refused restore")
	// Other data: 40 rows instead of 50.
	m2 := resumeModel(t, nil)
	x2, y2 := blobs(40, 3)
	_, err = m2.Fit(x2, y2, keras.Epochs(1), keras.Verbose(0), keras.Callbacks(&keras.BackupAndRestore{BackupDir: dir}))
	if err == nil || !strings.Contains(err.Error(), "50 rows") {
		t.Fatalf("a backup of other data: %v", err)
	}
}

// KeepCheckpoint keeps the backup; a run started again after a completed
// one with the backup kept trains no further epoch.
func TestBackupAndRestoreKeepCheckpoint(t *testing.T) {
	dir := t.TempDir()
	x, y := blobs(30, 1)
	m := resumeModel(t, nil)
	b := keras.NewBackupAndRestore(dir, "epoch", false)
	if _, err := m.Fit(x, y, keras.Epochs(2), keras.Verbose(0), keras.Callbacks(b)); err != nil {
		t.Fatal(err)
	}
	latest, _ := checkpoint.LatestCheckpoint(dir)
	if latest == "" {
		t.Fatal("the backup was deleted")
	}
	w := m.GetWeights()
	var epochs int
	count := &keras.LambdaCallback{OnEpochBeginFn: func(int, keras.Logs) error { epochs++; return nil }}
	m2 := resumeModel(t, nil)
	h, err := m2.Fit(x, y, keras.Epochs(2), keras.Verbose(0), keras.Callbacks(keras.NewBackupAndRestore(dir, "epoch", false), count))
	if err != nil {
		t.Fatal(err)
	}
	if epochs != 0 || len(h.Epoch) != 2 {
		t.Fatalf("%d epochs ran after a completed backup, History %v", epochs, h.Epoch)
	}
	sameWeights(t, m2.GetWeights(), w, "restored from a completed run")
	if filepath.Dir(latest) != dir {
		t.Fatalf("backup %s outside %s", latest, dir)
	}
}

func TestNewBackupAndRestorePanicsOnBadFreq(t *testing.T) {
	defer func() {
		if r := recover(); r == nil || !strings.Contains(r.(string), "save_freq") {
			t.Fatalf("recovered %v", r)
		}
	}()
	keras.NewBackupAndRestore(t.TempDir(), "batch", true)
}

// An optimizer with a learning-rate schedule keeps it across a resume (the
// rate follows the restored iterations; it is not frozen at the saved
// value).
func TestBackupAndRestoreKeepsSchedules(t *testing.T) {
	sched := optimizers.ExponentialDecay(0.05, 4, 0.5, false)
	run := func(dir string, kill int) (trainRun, error) {
		tensor.SetSeed(7)
		x, y := blobs(50, 3)
		m := resumeModel(t, optimizers.NewAdam(0, optimizers.Schedule(sched)))
		cbs := []keras.Callback{&keras.BackupAndRestore{BackupDir: dir, SaveFreq: 4}}
		if kill > 0 {
			cbs = append(cbs, &killAt{after: kill})
		}
		_, err := m.Fit(x, y, keras.Epochs(3), keras.BatchSize(8), keras.Verbose(0), keras.Callbacks(cbs...))
		return trainRun{weights: m.GetWeights(), lr: m.Optimizer().LearningRate()}, err
	}
	want, err := run(t.TempDir(), 0)
	if err != nil {
		t.Fatal(err)
	}
	// 21 updates: the schedule's rate at step 21, computed apart.
	if r := 0.05 * math.Pow(0.5, 21.0/4); math.Abs(want.lr-r) > 1e-12 {
		t.Fatalf("the uninterrupted run ends at rate %v, want %v", want.lr, r)
	}
	dir := t.TempDir()
	if _, err := run(dir, 10); !errors.Is(err, errKilled) {
		t.Fatal(err)
	}
	got, err := run(dir, 0)
	if err != nil {
		t.Fatal(err)
	}
	sameWeights(t, got.weights, want.weights, "resumed with a schedule")
	if got.lr != want.lr {
		t.Fatalf("rate %v after the resume, want %v", got.lr, want.lr)
	}
}
