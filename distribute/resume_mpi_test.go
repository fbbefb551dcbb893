//go:build mpi

package distribute_test

import (
	"errors"
	"flag"
	"fmt"
	"math"
	"os"
	"syscall"
	"testing"
	"time"

	"github.com/tensorgo/tensorgo/checkpoint"
	"github.com/tensorgo/tensorgo/distribute"
	"github.com/tensorgo/tensorgo/keras"
	"github.com/tensorgo/tensorgo/tensor"
)

var (
	ckptDir  = flag.String("dist.ckpt", "", "TestKillAndResume: the checkpoint directory (empty: skip the test)")
	killRank = flag.Bool("dist.kill", false, "TestKillAndResume: the last rank kills itself (SIGKILL) in the second epoch")
	resume   = flag.Bool("dist.resume", false, "TestKillAndResume: resume from the latest checkpoint in -dist.ckpt")
	backup   = flag.Bool("dist.backup", false, "TestKillAndResume: save and restore with a keras.BackupAndRestore per rank (RankDir) rather than rank 0's checkpoints")
)

const resumeEpochs = 3

// saveState writes the model's weights and optimizer state and the epoch
// just finished as a checkpoint of m (what a Keras checkpoint callback
// does; wrapped in ChiefOnly, rank 0 alone writes).
type saveState struct {
	keras.CallbackBase
	mgr *checkpoint.Manager
}

func (c *saveState) OnEpochEnd(epoch int, _ keras.Logs) error {
	m := c.Model
	s := &checkpoint.State{Step: m.Optimizer().Iterations(), Tensors: map[string]*tensor.Tensor{}}
	for _, nv := range m.NamedVariables() {
		s.Tensors[nv.Key] = nv.Variable.Value().Clone()
	}
	for i, v := range m.Optimizer().Variables() {
		s.Tensors[fmt.Sprintf("optimizer/%d", i)] = v.Value().Clone()
	}
	if err := s.SetValue("epoch", epoch); err != nil {
		return err
	}
	_, err := c.mgr.Save(s)
	return err
}

// restoreState sets m's weights and optimizer state from a checkpoint and
// returns the epoch it finished.
func restoreState(m *keras.Model, path string) (int, error) {
	s, err := checkpoint.Read(path)
	if err != nil {
		return 0, err
	}
	for _, nv := range m.NamedVariables() {
		x, ok := s.Tensors[nv.Key]
		if !ok {
			return 0, fmt.Errorf("%s: no tensor %q", path, nv.Key)
		}
		if err := nv.Variable.SetValue(x); err != nil {
			return 0, err
		}
	}
	for i, v := range m.Optimizer().Variables() {
		if err := v.SetValue(s.Tensors[fmt.Sprintf("optimizer/%d", i)]); err != nil {
			return 0, err
		}
	}
	var epoch int
	if ok, err := s.Value("epoch", &epoch); !ok || err != nil {
		return 0, fmt.Errorf("%s: no epoch (%v)", path, err)
	}
	return epoch, nil
}

// killer makes the last rank kill itself in the middle of the second epoch.
type killer struct {
	keras.CallbackBase
	epoch int
}

func (k *killer) OnEpochBegin(e int, _ keras.Logs) error { k.epoch = e; return nil }

func (k *killer) OnTrainBatchEnd(b int, _ keras.Logs) error {
	if k.epoch == 1 && b == 2 {
		// Long enough after the last epoch's end for every rank's backup
		// (written in the background) to be on disk, as when a job dies
		// well into an epoch.
		time.Sleep(300 * time.Millisecond)
		fmt.Fprintf(os.Stderr, "rank %d: killing myself (SIGKILL) in epoch 2, batch 3, on purpose\n", world.Rank())
		syscall.Kill(os.Getpid(), syscall.SIGKILL)
	}
	return nil
}

// TestKillAndResume runs in two jobs (see .ci/distribute_test.sh). With
// -dist.kill, rank 0 checkpoints every epoch and the last rank dies in
// the second: mpirun must end the job. With -dist.resume, the next job
// resumes from the latest checkpoint, which must be readable: rank 0
// restores it (Fit broadcasts the state to the others) and every rank gets
// its epoch; the run goes on from the next epoch and ends with the weights
// of an uninterrupted run, which this job trains first.
func TestKillAndResume(t *testing.T) {
	if *ckptDir == "" {
		t.Skip("give -dist.ckpt (and -dist.kill or -dist.resume)")
	}
	const per = 5
	n := world.Size()
	x, y := blobs(n * per * 6)
	fitOpts := func(cbs ...keras.Callback) []keras.FitOption {
		return []keras.FitOption{keras.BatchSize(per), keras.Epochs(resumeEpochs), keras.Shuffle(false), keras.Verbose(0), keras.Callbacks(cbs...)}
	}
	newModel := func() *keras.Model {
		tensor.SetSeed(11)
		return smallModel(t, world, 0.1)
	}
	if *backup {
		killAndResumeBackup(t, newModel, x, y, fitOpts)
		return
	}
	switch {
	case *killRank:
		mgr, err := checkpoint.NewManager(*ckptDir, 2)
		if err != nil {
			t.Fatal(err)
		}
		cbs := distribute.ChiefOnly(world, &saveState{mgr: mgr})
		if world.Rank() == n-1 {
			cbs = append(cbs, &killer{})
		}
		_, err = newModel().Fit(x, y, fitOpts(cbs...)...)
		t.Fatalf("rank %d: Fit returned (%v) although rank %d was killed", world.Rank(), err, n-1)
	case *resume:
		full := newModel()
		if _, err := full.Fit(x, y, fitOpts()...); err != nil {
			t.Fatal(err)
		}
		want := full.GetWeights()

		m := newModel()
		epoch := int64(-1)
		if world.IsChief() {
			latest, err := checkpoint.LatestCheckpoint(*ckptDir)
			if err != nil {
				t.Fatal(err)
			}
			e, err := restoreState(m, latest)
			if err != nil {
				t.Fatalf("the latest checkpoint does not restore: %v", err)
			}
			t.Logf("rank 0: restored %s, epoch %d", latest, e+1)
			epoch = int64(e)
		}
		epoch, err := world.BroadcastInt(epoch)
		if err != nil {
			t.Fatal(err)
		}
		if epoch != 0 {
			t.Errorf("the latest checkpoint finished epoch %d (0-based), want 0: the job was killed in epoch 1", epoch)
		}
		h, err := m.Fit(x, y, append(fitOpts(), keras.InitialEpoch(int(epoch)+1))...)
		if err != nil {
			t.Fatal(err)
		}
		if len(h.Epoch) != resumeEpochs-int(epoch)-1 || h.Epoch[0] != int(epoch)+1 {
			t.Errorf("the resumed run trained epochs %v, want %d to %d", h.Epoch, epoch+1, resumeEpochs-1)
		}
		for i, w := range m.GetWeights() {
			for j := range w.Size() {
				if d := math.Abs(w.Float(j) - want[i].Float(j)); d > 1e-6 {
					t.Fatalf("rank %d: resumed weight %d[%d] = %v, an uninterrupted run: %v", world.Rank(), i, j, w.Float(j), want[i].Float(j))
				}
			}
		}
	default:
		t.Fatal(errors.New("-dist.ckpt needs -dist.kill or -dist.resume"))
	}
}

// killAndResumeBackup is TestKillAndResume with a keras.BackupAndRestore on
// every rank, each in its own directory: the resumed job restores every
// rank's own state and trains the epochs left.
func killAndResumeBackup(t *testing.T, newModel func() *keras.Model, x, y *tensor.Tensor, fitOpts func(...keras.Callback) []keras.FitOption) {
	bk := keras.NewBackupAndRestore(distribute.RankDir(*ckptDir, world), "epoch", true)
	switch {
	case *killRank:
		cbs := []keras.Callback{bk}
		if world.Rank() == world.Size()-1 {
			cbs = append(cbs, &killer{})
		}
		_, err := newModel().Fit(x, y, fitOpts(cbs...)...)
		t.Fatalf("rank %d: Fit returned (%v) although rank %d was killed", world.Rank(), err, world.Size()-1)
	case *resume:
		full := newModel()
		if _, err := full.Fit(x, y, fitOpts()...); err != nil {
			t.Fatal(err)
		}
		want := full.GetWeights()
		epochs := 0
		count := &keras.LambdaCallback{OnEpochBeginFn: func(int, keras.Logs) error { epochs++; return nil }}
		m := newModel()
		if _, err := m.Fit(x, y, fitOpts(count, bk)...); err != nil {
			t.Fatal(err)
		}
		if epochs != resumeEpochs-1 {
			t.Errorf("rank %d: the resumed run trained %d epochs, want %d", world.Rank(), epochs, resumeEpochs-1)
		}
		for i, w := range m.GetWeights() {
			for j := range w.Size() {
				if d := math.Abs(w.Float(j) - want[i].Float(j)); d > 1e-6 {
					t.Fatalf("rank %d: resumed weight %d[%d] = %v, an uninterrupted run: %v", world.Rank(), i, j, w.Float(j), want[i].Float(j))
				}
			}
		}
	default:
		t.Fatal("-dist.ckpt needs -dist.kill or -dist.resume")
	}
}
