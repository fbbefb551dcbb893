package keras

import (
	"path/filepath"
	"testing"
	"time"

	"github.com/tensorgo/tensorgo/checkpoint"
	"github.com/tensorgo/tensorgo/keras/layers"
	"github.com/tensorgo/tensorgo/tensor"
)

// timedBackup times the batch-end hook that saves.
type timedBackup struct {
	*BackupAndRestore
	saves, waits []time.Duration
}

func (t *timedBackup) afterBatch(last bool) error {
	due := t.Model.fit.global%int64(t.SaveFreq) == 0 && !last
	if due {
		// The wait for the previous save's write, if it is still
		// running, timed apart.
		t0 := time.Now()
		if err := t.wait(); err != nil {
			return err
		}
		t.waits = append(t.waits, time.Since(t0))
	}
	t0 := time.Now()
	err := t.BackupAndRestore.afterBatch(last)
	if due {
		t.saves = append(t.saves, time.Since(t0))
	}
	return err
}

// BenchmarkBackupStall measures how long a BackupAndRestore save holds up
// the training of the MNIST MLP with Adam: the time of the batch-end hook
// that saves (it gathers and copies the state and hands the copy to a
// background write), the time that hook waited for the previous save's
// write to end (nonzero only when saves come faster than the disk takes
// them), against the time checkpoint.Manager.Save takes to write the same
// state (the write itself: file, fsync, rename, index), in milliseconds per
// save.
func BenchmarkBackupStall(b *testing.B) {
	const n, every = 3200, 10
	tensor.SetSeed(1)
	x := tensor.RandomUniform(tensor.Float32, tensor.Shape{n, 28, 28}, 0, 1)
	y := tensor.New(tensor.Int64, n)
	for i := range y.Int64s() {
		y.Int64s()[i] = int64(i % 10)
	}
	var stall, wait, write time.Duration
	saves, writes := 0, 0
	for i := 0; i < b.N; i++ {
		m := NewSequential(
			layers.Flatten(layers.InputShape(28, 28)),
			layers.Dense(128, layers.Activation("relu")),
			layers.Dense(10, layers.Activation("softmax")),
		)
		m.Compile("adam", "sparse_categorical_crossentropy")
		dir := b.TempDir()
		tb := &timedBackup{BackupAndRestore: &BackupAndRestore{BackupDir: dir, SaveFreq: every, KeepCheckpoint: true}}
		if _, err := m.Fit(x, y, Epochs(1), BatchSize(32), Verbose(0), Callbacks(tb)); err != nil {
			b.Fatal(err)
		}
		for j, d := range tb.saves {
			stall += d
			wait += tb.waits[j]
			saves++
		}
		latest, _ := checkpoint.LatestCheckpoint(dir)
		s, err := checkpoint.Read(latest)
		if err != nil {
			b.Fatal(err)
		}
		mgr, err := checkpoint.NewManager(filepath.Join(dir, "again"), 2)
		if err != nil {
			b.Fatal(err)
		}
		for j := 0; j < 5; j++ {
			s.Step = int64(j)
			t0 := time.Now()
			if _, err := mgr.Save(s); err != nil {
				b.Fatal(err)
			}
			write += time.Since(t0)
			writes++
		}
	}
	b.ReportMetric(float64(stall.Microseconds())/1000/float64(saves), "stall-ms/save")
	b.ReportMetric(float64(wait.Microseconds())/1000/float64(saves), "wait-ms/save")
	b.ReportMetric(float64(write.Microseconds())/1000/float64(writes), "write-ms/save")
}
