package keras_test

import (
	"bufio"
	"crypto/sha256"
	"encoding/binary"
	"fmt"
	"io"
	"math"
	"math/rand/v2"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/tensorgo/tensorgo"
	"github.com/tensorgo/tensorgo/checkpoint"
	"github.com/tensorgo/tensorgo/datasets/mnist"
	"github.com/tensorgo/tensorgo/keras"
	"github.com/tensorgo/tensorgo/keras/layers"
	"github.com/tensorgo/tensorgo/tensor"
)

// The crash test re-runs this test binary as a training program: with
// crashChildEnv set to a backup directory, TestMain trains instead of
// testing, writes "training" to standard error when Fit is about to begin,
// and prints nothing on standard output but the hash of the final weights.
const crashChildEnv = "TENSORGO_KERAS_CRASH_CHILD"

func TestMain(m *testing.M) {
	if dir := os.Getenv(crashChildEnv); dir != "" {
		h, err := crashTrain(dir, os.Stderr)
		if err != nil {
			fmt.Fprintln(os.Stderr, "crash child:", err)
			os.Exit(2)
		}
		fmt.Println(h)
		os.Exit(0)
	}
	os.Exit(m.Run())
}

// crashTrain trains an MLP on 2,000 real MNIST images for 3 epochs with
// shuffling, Adam and a backup every 7 batches, and returns the hash of
// its final weights.
func crashTrain(dir string, progress io.Writer) (string, error) {
	tensorgo.SetNumThreads(1)
	tensor.SetSeed(12)
	xs, ys, _, _, err := mnist.LoadData()
	if err != nil {
		return "", err
	}
	const n = 2000
	x := tensor.New(tensor.Float32, n, 28, 28)
	for i, v := range xs.Uint8s()[:n*28*28] {
		x.Float32s()[i] = float32(v) / 255
	}
	y := tensor.FromSlice(append([]uint8(nil), ys.Uint8s()[:n]...), n)
	// Dropout's masks continue exactly too: the backup holds its stream.
	m := keras.NewSequential(
		layers.Flatten(layers.InputShape(28, 28)),
		layers.Dense(64, layers.Activation("relu")),
		layers.Dropout(0.2),
		layers.Dense(10, layers.Activation("softmax")),
	)
	if err := m.Compile("adam", "sparse_categorical_crossentropy", keras.Metrics("accuracy")); err != nil {
		return "", err
	}
	fmt.Fprintln(progress, "training")
	b := &keras.BackupAndRestore{BackupDir: dir, SaveFreq: 7}
	es := &keras.EarlyStopping{Monitor: "loss", Patience: 5}
	// A millisecond per batch (which changes no number) makes the run last
	// long enough on a fast machine for the parent's kills to land before
	// it ends.
	slow := &keras.LambdaCallback{OnBatchEndFn: func(int, keras.Logs) error { time.Sleep(time.Millisecond); return nil }}
	if _, err := m.Fit(x, y, keras.Epochs(3), keras.BatchSize(32), keras.Verbose(0), keras.Callbacks(b, es, slow)); err != nil {
		return "", err
	}
	return weightsHash(m), nil
}

func weightsHash(m *keras.Model) string {
	h := sha256.New()
	for _, nv := range m.NamedVariables() {
		io.WriteString(h, nv.Key)
		for _, v := range nv.Variable.Value().Float32s() {
			binary.Write(h, binary.LittleEndian, math.Float32bits(v))
		}
	}
	return fmt.Sprintf("%x", h.Sum(nil))
}

// crashRun starts the training program on dir. started is closed when it
// says training begins; done receives the hash (or an error) when it ends.
func crashRun(t *testing.T, dir string, writeDelay time.Duration) (cmd *exec.Cmd, started chan struct{}, done chan string) {
	t.Helper()
	cmd = exec.Command(os.Args[0], "-test.run=^$")
	cmd.Env = append(os.Environ(), crashChildEnv+"="+dir)
	if writeDelay > 0 {
		cmd.Env = append(cmd.Env, checkpoint.WriteDelayEnv+"="+writeDelay.String())
	}
	stdout, _ := cmd.StdoutPipe()
	stderr, _ := cmd.StderrPipe()
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	started, done = make(chan struct{}), make(chan string, 1)
	var errText strings.Builder
	errDone := make(chan struct{})
	go func() {
		sc := bufio.NewScanner(stderr)
		once := false
		for sc.Scan() {
			if sc.Text() == "training" && !once {
				once = true
				close(started)
				continue
			}
			errText.WriteString(sc.Text() + "\n")
		}
		if !once {
			close(started)
		}
		close(errDone)
	}()
	go func() {
		out, _ := io.ReadAll(stdout)
		<-errDone
		err := cmd.Wait()
		if err != nil {
			done <- fmt.Sprintf("error: %v: %s", err, errText.String())
			return
		}
		done <- strings.TrimSpace(string(out))
	}()
	return cmd, started, done
}

// A training run with a backup every 7 batches, killed with SIGKILL at
// random moments (some in the middle of a save) and started again with the
// same command each time, ends with the same weights, bit for bit, as a
// run never interrupted; after every kill the latest backup reads.
func TestCrashResumeBitIdentical(t *testing.T) {
	if testing.Short() {
		t.Skip("runs the training program about 15 times")
	}
	if _, _, _, _, err := mnist.LoadData(); err != nil {
		t.Fatalf("MNIST is needed for the crash test: %v", err)
	}
	// The uninterrupted run, timed.
	_, started, done := crashRun(t, t.TempDir(), 0)
	<-started
	want := <-done
	if len(want) != 64 {
		t.Fatalf("the uninterrupted run: %s", want)
	}

	dir := t.TempDir()
	rng := rand.New(rand.NewPCG(2026, 12))
	kills, inSave, runs := 0, 0, 0
	steps := map[int64]bool{}
	for kills < 10 || inSave < 3 {
		runs++
		if runs > 60 {
			t.Fatalf("after %d runs only %d kills, %d during a save", runs, kills, inSave)
		}
		// Every other run saves slowly (a pause in the middle of each
		// file), so that kills land during saves.
		var delay time.Duration
		if runs%2 == 0 {
			delay = 40 * time.Millisecond
		}
		cmd, started, done := crashRun(t, dir, delay)
		<-started
		// Let the run get past a point further on each time (spread over
		// the first 140 of the 189 batches, so that at a millisecond a
		// batch a kill 30 ms later still lands before the end), then kill
		// it at a random moment soon after:
		// within a save, or between saves.
		target := int64(min(runs*13, 140))
		deadline := time.Now().Add(time.Minute)
	poll:
		for backupStep(dir) < target {
			select {
			case h := <-done:
				t.Fatalf("run %d ended before batch %d: %s", runs, target, h)
			case <-time.After(time.Millisecond):
			}
			if time.Now().After(deadline) {
				break poll
			}
		}
		wait := time.Duration(rng.Int64N(int64(30*time.Millisecond) + 1))
		select {
		case h := <-done:
			t.Fatalf("run %d ended before its kill: %s", runs, h)
		case <-time.After(wait):
		}
		cmd.Process.Kill() // SIGKILL
		if h := <-done; !strings.HasPrefix(h, "error:") {
			t.Fatalf("run %d completed before its kill: %s", runs, h)
		}
		kills++
		temps, _ := filepath.Glob(filepath.Join(dir, ".*.tmp*"))
		if len(temps) > 0 {
			inSave++
		}
		latest, err := checkpoint.LatestCheckpoint(dir)
		if err != nil {
			t.Fatalf("after kill %d: %v", kills, err)
		}
		if latest != "" {
			s, err := checkpoint.Read(latest)
			if err != nil {
				t.Fatalf("after kill %d (during a save: %v) the latest backup does not read: %v", kills, len(temps) > 0, err)
			}
			steps[s.Step] = true
		}
	}
	// The kills left backups at several points of the run, so the runs
	// resumed from different places.
	if len(steps) < 3 {
		t.Fatalf("the kills left backups at only %d different batches", len(steps))
	}
	// The same command, left to finish.
	_, started, done = crashRun(t, dir, 0)
	<-started
	got := <-done
	t.Logf("%d kills, %d during a save; backups at batches %v", kills, inSave, steps)
	if got != want {
		t.Fatalf("after %d kills the final weights' hash is %s, want the uninterrupted run's %s", kills, got, want)
	}
	if _, err := os.Stat(dir); !os.IsNotExist(err) {
		t.Fatalf("the backup is still there after training completed: %v", err)
	}
}

// backupStep is the batch of the latest backup in dir, from the index
// (-1 when there is none).
func backupStep(dir string) int64 {
	latest, err := checkpoint.LatestCheckpoint(dir)
	if err != nil || latest == "" {
		return -1
	}
	var step int64
	if _, err := fmt.Sscanf(filepath.Base(latest), "backup-%d"+checkpoint.Ext, &step); err != nil {
		return -1
	}
	return step
}
