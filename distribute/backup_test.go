package distribute_test

import (
	"errors"
	"math"
	"os"
	"path/filepath"
	"sync"
	"testing"

	"github.com/tensorgo/tensorgo/distribute"
	"github.com/tensorgo/tensorgo/keras"
	"github.com/tensorgo/tensorgo/tensor"
)

var errInterrupt = errors.New("interrupted on purpose")

// interrupt stops Fit with an error in the second epoch, on every rank.
type interrupt struct {
	keras.CallbackBase
	epoch int
}

func (c *interrupt) OnEpochBegin(e int, _ keras.Logs) error { c.epoch = e; return nil }

func (c *interrupt) OnTrainBatchEnd(b int, _ keras.Logs) error {
	if c.epoch == 1 && b == 1 {
		return errInterrupt
	}
	return nil
}

// Each rank's BackupAndRestore in its own directory (RankDir), and a
// ModelCheckpoint on rank 0 alone (ChiefOnly): a run interrupted in its
// second epoch and started again ends with the weights of one process
// training on the global batch without interruption. The weights file is
// written by rank 0, and the wrapped ModelCheckpoint keeps its state in
// the backups (it is still a StatefulCallback).
func TestBackupAndRestorePerRank(t *testing.T) {
	const n, per, epochs = 2, 4, 3
	x, y := blobs(n * per * 5)
	tensor.SetSeed(3)
	ref := smallModel(t, nil, 0.1)
	init := ref.GetWeights()
	if _, err := ref.Fit(x, y, keras.BatchSize(n*per), keras.Epochs(epochs), keras.Shuffle(false), keras.Verbose(0)); err != nil {
		t.Fatal(err)
	}
	want := ref.GetWeights()
	dir := t.TempDir()
	weights := filepath.Join(dir, "model.tgckpt")

	// run trains on n ranks; the resumed run starts from other weights,
	// which the backups must replace.
	epochsRun := make([]int, n)
	run := func(stop bool) ([][]*tensor.Tensor, []error) {
		comms := distribute.NewLocalGroup(n)
		got := make([][]*tensor.Tensor, n)
		errs := make([]error, n)
		var wg sync.WaitGroup
		for r := range n {
			s, _ := distribute.New(comms[r])
			m := smallModel(t, s, 0.1)
			w := init
			if !stop {
				w = perturbed(init)
			}
			if err := m.SetWeights(w); err != nil {
				t.Fatal(err)
			}
			epochsRun[r] = 0
			count := &keras.LambdaCallback{OnEpochBeginFn: func(int, keras.Logs) error { epochsRun[r]++; return nil }}
			cp := keras.NewModelCheckpoint(weights)
			wrapped := distribute.ChiefOnly(s, cp)
			if _, ok := wrapped[0].(keras.StatefulCallback); !ok {
				t.Fatal("ChiefOnly(ModelCheckpoint) is not a StatefulCallback")
			}
			cbs := append([]keras.Callback{count, keras.NewBackupAndRestore(distribute.RankDir(filepath.Join(dir, "backup"), s), "epoch", true)}, wrapped...)
			if stop {
				cbs = append(cbs, &interrupt{})
			}
			wg.Add(1)
			go func() {
				defer wg.Done()
				_, errs[r] = m.Fit(x, y, keras.BatchSize(per), keras.Epochs(epochs), keras.Shuffle(false), keras.Verbose(0), keras.Callbacks(cbs...))
				got[r] = m.GetWeights()
			}()
		}
		wg.Wait()
		return got, errs
	}
	if _, errs := run(true); !errors.Is(errs[0], errInterrupt) || !errors.Is(errs[1], errInterrupt) {
		t.Fatalf("the interrupted run returned %v", errs)
	}
	for r := range n {
		if _, err := os.Stat(filepath.Join(dir, "backup", "rank-"+string(rune('0'+r)))); err != nil {
			t.Fatalf("rank %d's backup: %v", r, err)
		}
	}
	got, errs := run(false)
	for r := range n {
		if errs[r] != nil {
			t.Fatalf("rank %d: the resumed run: %v", r, errs[r])
		}
		if epochsRun[r] != epochs-1 {
			t.Errorf("rank %d: the resumed run trained %d epochs, want %d (the first was backed up)", r, epochsRun[r], epochs-1)
		}
		for i, w := range got[r] {
			for j := range w.Size() {
				if d := math.Abs(w.Float(j) - want[i].Float(j)); d > 2e-5 {
					t.Fatalf("rank %d: resumed weight %d[%d] = %v, one process with the global batch: %v", r, i, j, w.Float(j), want[i].Float(j))
				}
			}
		}
	}
	if _, err := os.Stat(weights); err != nil {
		t.Errorf("rank 0's ModelCheckpoint wrote nothing: %v", err)
	}
}
