package keras_test

import (
	"bytes"
	"errors"
	"math/rand/v2"
	"strings"
	"testing"

	"github.com/tensorgo/tensorgo/checkpoint"
	"github.com/tensorgo/tensorgo/data"
	"github.com/tensorgo/tensorgo/keras"
	"github.com/tensorgo/tensorgo/keras/layers"
	"github.com/tensorgo/tensorgo/tensor"
	"github.com/tensorgo/tensorgo/tf"
)

// A Dataset whose passes repeat resumes exactly: the interrupted pass is
// read again and the batches done are skipped. StepsPerEpoch shorter than a
// pass makes one pass run across epochs, which resumes too.
func TestBackupAndRestoreDataset(t *testing.T) {
	for _, steps := range []int{0, 4} {
		run := func(dir string, kill int) ([]*tensor.Tensor, error) {
			tensor.SetSeed(3)
			x, y := blobs(96, 6)
			ds := data.FromTensorSlices(x, y).Batch(10, false) // 10 batches a pass
			m := resumeModel(t, nil)
			cbs := []keras.Callback{&keras.BackupAndRestore{BackupDir: dir, SaveFreq: 3}}
			if kill > 0 {
				cbs = append(cbs, &killAt{after: kill})
			}
			epochs := 3
			if steps > 0 {
				epochs = 2 // 8 of the pass's 10 batches
			}
			_, err := m.Fit(ds, nil, keras.Epochs(epochs), keras.StepsPerEpoch(steps), keras.Verbose(0), keras.Callbacks(cbs...))
			return m.GetWeights(), err
		}
		want, err := run(t.TempDir(), 0)
		if err != nil {
			t.Fatal(err)
		}
		for _, kill := range []int{4, 7, 11} {
			if steps > 0 && kill > 7 {
				continue
			}
			dir := t.TempDir()
			if _, err := run(dir, kill); !errors.Is(err, errKilled) {
				t.Fatal(err)
			}
			got, err := run(dir, 0)
			if err != nil {
				t.Fatal(err)
			}
			sameWeights(t, got, want, "a Dataset resumed")
		}
	}
}

// fakeGen stands for an op's random generator.
type fakeGen struct{ pcg *rand.PCG }

func (f fakeGen) MarshalBinary() ([]byte, error) { return f.pcg.MarshalBinary() }
func (f fakeGen) UnmarshalBinary(b []byte) error { return f.pcg.UnmarshalBinary(b) }

// With RandomGenerators set, a backup holds each generator's state and a
// restore puts it back before training goes on.
func TestBackupAndRestoreRandomGenerators(t *testing.T) {
	gen := fakeGen{rand.NewPCG(1, 2)}
	old := keras.RandomGenerators
	keras.RandomGenerators = func(*tf.Graph) map[string]keras.RandomGenerator {
		return map[string]keras.RandomGenerator{"sequential/dropout/Dropout": gen}
	}
	defer func() { keras.RandomGenerators = old }()
	dir := t.TempDir()
	// The generator draws once a batch, as a Dropout op would.
	draw := &keras.LambdaCallback{OnBatchEndFn: func(int, keras.Logs) error { gen.pcg.Uint64(); return nil }}
	x, y := blobs(50, 3)
	m := resumeModel(t, nil)
	_, err := m.Fit(x, y, keras.Epochs(2), keras.BatchSize(8), keras.Verbose(0),
		keras.Callbacks(draw, &keras.BackupAndRestore{BackupDir: dir, SaveFreq: 5}, &killAt{after: 6}))
	if !errors.Is(err, errKilled) {
		t.Fatal(err)
	}
	// Saved after 5 batches: the state after 5 draws, computed apart.
	ref := rand.NewPCG(1, 2)
	for i := 0; i < 5; i++ {
		ref.Uint64()
	}
	wantState, _ := ref.MarshalBinary()
	latest, _ := checkpoint.LatestCheckpoint(dir)
	s, err := checkpoint.Read(latest)
	if err != nil {
		t.Fatal(err)
	}
	var rng map[string][]byte
	if ok, err := s.Value("random", &rng); !ok || err != nil || string(rng["sequential/dropout/Dropout"]) != string(wantState) {
		t.Fatalf("saved random states %v (%v, %v), want the state after 5 draws", rng, ok, err)
	}
	// Resume with the generator elsewhere: the first batch sees the saved
	// state again.
	gen.pcg.Seed(9, 9)
	var first uint64
	peek := &keras.LambdaCallback{OnBatchBeginFn: func(b int, _ keras.Logs) error {
		if first == 0 {
			c := *gen.pcg
			first = c.Uint64()
		}
		return nil
	}}
	m2 := resumeModel(t, nil)
	if _, err := m2.Fit(x, y, keras.Epochs(2), keras.BatchSize(8), keras.Verbose(0),
		keras.Callbacks(peek, &keras.BackupAndRestore{BackupDir: dir, SaveFreq: 5})); err != nil {
		t.Fatal(err)
	}
	if first != ref.Uint64() {
		t.Fatal("the generator was not restored before training went on")
	}
	// A backup without the generator's state is refused.
	keras.RandomGenerators = func(*tf.Graph) map[string]keras.RandomGenerator {
		return map[string]keras.RandomGenerator{"other": gen}
	}
	dir2 := t.TempDir()
	resumeModel(t, nil).Fit(x, y, keras.Epochs(1), keras.BatchSize(8), keras.Verbose(0), keras.Callbacks(&keras.BackupAndRestore{BackupDir: dir2, SaveFreq: 5}, &killAt{after: 6}))
	keras.RandomGenerators = func(*tf.Graph) map[string]keras.RandomGenerator {
		return map[string]keras.RandomGenerator{"another": gen}
	}
	_, err = resumeModel(t, nil).Fit(x, y, keras.Epochs(1), keras.BatchSize(8), keras.Verbose(0), keras.Callbacks(&keras.BackupAndRestore{BackupDir: dir2, SaveFreq: 5}))
	if err == nil || !strings.Contains(err.Error(), "no state for the random generator another") {
		t.Fatalf("a backup without a generator's state: %v", err)
	}
}

// Without RandomGenerators, a model with Dropout resumes with a warning
// that its masks start afresh.
func TestBackupAndRestoreWarnsAboutDropout(t *testing.T) {
	old := keras.RandomGenerators
	keras.RandomGenerators = nil // as where no op offers its stream
	defer func() { keras.RandomGenerators = old }()
	dir := t.TempDir()
	x, y := blobs(50, 3)
	mk := func() *keras.Model {
		tensor.SetSeed(7)
		m := keras.NewSequential(layers.Dense(8, layers.InputShape(4)), layers.Dropout(0.5), layers.Dense(3, layers.Activation("softmax")))
		m.Compile("adam", "sparse_categorical_crossentropy")
		return m
	}
	mk().Fit(x, y, keras.Epochs(1), keras.BatchSize(8), keras.Verbose(0), keras.Callbacks(&keras.BackupAndRestore{BackupDir: dir, SaveFreq: 2}, &killAt{after: 3}))
	var out bytes.Buffer
	if _, err := mk().Fit(x, y, keras.Epochs(1), keras.BatchSize(8), keras.Verbose(0), keras.Output(&out), keras.Callbacks(&keras.BackupAndRestore{BackupDir: dir, SaveFreq: 2})); err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(out.String(), "WARNING: resuming training of") || !strings.Contains(out.String(), "fresh dropout masks") {
		t.Fatalf("output %q", out.String())
	}
}
