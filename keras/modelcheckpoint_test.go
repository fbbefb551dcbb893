package keras_test

import (
	"bytes"
	"fmt"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"testing"

	"github.com/tensorgo/tensorgo/keras"
	"github.com/tensorgo/tensorgo/tensor"
)

func files(t *testing.T, dir string) []string {
	t.Helper()
	ents, err := os.ReadDir(dir)
	if err != nil {
		t.Fatal(err)
	}
	var out []string
	for _, e := range ents {
		out = append(out, e.Name())
	}
	sort.Strings(out)
	return out
}

// Every epoch's weights go to the file its placeholders name, and the file
// holds that epoch's weights.
func TestModelCheckpointEveryEpoch(t *testing.T) {
	dir := t.TempDir()
	x, y := blobs(30, 1)
	xv, yv := blobs(12, 2)
	m := smallModel(t, 0.1)
	var perEpoch [][]*tensor.Tensor
	grab := &keras.LambdaCallback{OnEpochEndFn: func(int, keras.Logs) error { perEpoch = append(perEpoch, m.GetWeights()); return nil }}
	cp := keras.NewModelCheckpoint(filepath.Join(dir, "sub", "w.{epoch:02d}-{val_loss:.2f}.tgckpt"))
	h, err := m.Fit(x, y, keras.Epochs(3), keras.Verbose(0), keras.ValidationData(xv, yv), keras.Callbacks(grab, cp))
	if err != nil {
		t.Fatal(err)
	}
	var want []string
	for e, vl := range h.History["val_loss"] {
		want = append(want, fmt.Sprintf("w.%02d-%.2f.tgckpt", e+1, vl))
	}
	sort.Strings(want)
	got := files(t, filepath.Join(dir, "sub"))
	if strings.Join(got, " ") != strings.Join(want, " ") {
		t.Fatalf("files %v, want %v", got, want)
	}
	m2 := smallModel(t, 0.1)
	for e, vl := range h.History["val_loss"] {
		if err := m2.LoadWeights(filepath.Join(dir, "sub", fmt.Sprintf("w.%02d-%.2f.tgckpt", e+1, vl))); err != nil {
			t.Fatal(err)
		}
		sameWeights(t, m2.GetWeights(), perEpoch[e], fmt.Sprintf("epoch %d's file", e+1))
	}
}

// SaveBestOnly saves only when the monitored value improves, and prints
// Keras's lines.
func TestModelCheckpointSaveBestOnly(t *testing.T) {
	dir := t.TempDir()
	x, y := blobs(30, 1)
	m := smallModel(t, 0.1)
	var out bytes.Buffer
	vals := []float64{0.9, 0.5, 0.7, 0.4, 0.4}
	cp := keras.NewModelCheckpoint(filepath.Join(dir, "best-{epoch}.tgckpt"))
	cp.SaveBestOnly, cp.Verbose, cp.Monitor = true, 1, "score_loss"
	_, err := m.Fit(x, y, keras.Epochs(5), keras.Verbose(0), keras.Output(&out),
		keras.Callbacks(&scripted{key: "score_loss", vals: vals}, cp))
	if err != nil {
		t.Fatal(err)
	}
	// Improvements (minimising): epochs 1, 2 and 4 (1-based); 0.4 at epoch
	// 5 does not beat 0.4.
	if got := files(t, dir); strings.Join(got, " ") != "best-1.tgckpt best-2.tgckpt best-4.tgckpt" {
		t.Fatalf("files %v", got)
	}
	for _, want := range []string{
		"\nEpoch 1: score_loss improved from inf to 0.90000, saving model to " + filepath.Join(dir, "best-1.tgckpt") + "\n",
		"\nEpoch 3: score_loss did not improve from 0.50000\n",
		"\nEpoch 5: score_loss did not improve from 0.40000\n",
	} {
		if !strings.Contains(out.String(), want) {
			t.Errorf("output lacks %q:\n%s", want, out.String())
		}
	}
	// A threshold the values never beat: no file; mode max inverts.
	dir2 := t.TempDir()
	thr := 0.3
	cp2 := keras.NewModelCheckpoint(filepath.Join(dir2, "b.tgckpt"))
	cp2.SaveBestOnly, cp2.Monitor, cp2.InitialValueThreshold = true, "score_loss", &thr
	cp3 := keras.NewModelCheckpoint(filepath.Join(dir2, "max-{epoch}.tgckpt"))
	cp3.SaveBestOnly, cp3.Monitor, cp3.Mode = true, "score_loss", "max"
	if _, err := smallModel(t, 0.1).Fit(x, y, keras.Epochs(5), keras.Verbose(0), keras.Callbacks(&scripted{key: "score_loss", vals: vals}, cp2, cp3)); err != nil {
		t.Fatal(err)
	}
	if got := files(t, dir2); strings.Join(got, " ") != "max-1.tgckpt" {
		t.Fatalf("with a threshold of 0.3 and in max mode: files %v", got)
	}
}

// SaveFreq counts batches across epochs, as Keras's does.
func TestModelCheckpointBatches(t *testing.T) {
	dir := t.TempDir()
	x, y := blobs(30, 1) // 3 batches of 10 per epoch
	m := smallModel(t, 0.1)
	cp := keras.NewModelCheckpoint(filepath.Join(dir, "e{epoch}-b{batch}.tgckpt"))
	cp.SaveFreq = 2
	if _, err := m.Fit(x, y, keras.Epochs(2), keras.BatchSize(10), keras.Verbose(0), keras.Callbacks(cp)); err != nil {
		t.Fatal(err)
	}
	// Batches 1..6 overall; saves after the 2nd, 4th and 6th: epoch 1
	// batch 2, epoch 2 batch 1, epoch 2 batch 3.
	if got := files(t, dir); strings.Join(got, " ") != "e1-b2.tgckpt e2-b1.tgckpt e2-b3.tgckpt" {
		t.Fatalf("files %v", got)
	}
}

func TestModelCheckpointErrors(t *testing.T) {
	x, y := blobs(30, 1)
	dir := t.TempDir()
	for _, c := range []struct {
		cp   *keras.ModelCheckpoint
		want string
	}{
		{&keras.ModelCheckpoint{Filepath: filepath.Join(dir, "m.keras")}, "SaveWeightsOnly is false"},
		{keras.NewModelCheckpoint(filepath.Join(dir, "m.weights.h5")), "supported ones are"},
		{keras.NewModelCheckpoint(filepath.Join(dir, "m-{nope}.tgckpt")), `no value named "nope"`},
		{keras.NewModelCheckpoint(filepath.Join(dir, "m-{epoch:.2}.tgckpt")), "precision not allowed"},
		{&keras.ModelCheckpoint{Filepath: filepath.Join(dir, "m.tgckpt"), SaveWeightsOnly: true, Mode: "maximum"}, `Mode "maximum"`},
	} {
		_, err := smallModel(t, 0.1).Fit(x, y, keras.Epochs(1), keras.Verbose(0), keras.Callbacks(c.cp))
		if err == nil || !strings.Contains(err.Error(), c.want) || !strings.Contains(err.Error(), "ModelCheckpoint") {
			t.Errorf("%s: %v, want an error saying %q", c.cp.Filepath, err, c.want)
		}
	}
	// A save that fails (the directory is a file) stops Fit.
	block := filepath.Join(dir, "file")
	os.WriteFile(block, nil, 0o644)
	var epochs int
	count := &keras.LambdaCallback{OnEpochBeginFn: func(int, keras.Logs) error { epochs++; return nil }}
	_, err := smallModel(t, 0.1).Fit(x, y, keras.Epochs(3), keras.Verbose(0), keras.Callbacks(count, keras.NewModelCheckpoint(filepath.Join(block, "w.tgckpt"))))
	if err == nil || epochs != 1 {
		t.Fatalf("a failing save: %v after %d epochs", err, epochs)
	}
}

// With BackupAndRestore, a resumed run's ModelCheckpoint saves at the
// batches, and keeps the best values, of the uninterrupted run: its
// counters and best value are part of the backup.
func TestModelCheckpointResumes(t *testing.T) {
	run := func(dir, ckdir string, kill int) error {
		tensor.SetSeed(7)
		x, y := blobs(50, 3)
		m := resumeModel(t, nil)
		cp := keras.NewModelCheckpoint(filepath.Join(ckdir, "e{epoch}-b{batch}-{loss:.4f}.tgckpt"))
		cp.SaveFreq, cp.SaveBestOnly, cp.Monitor = 4, true, "loss"
		cbs := []keras.Callback{&keras.BackupAndRestore{BackupDir: dir, SaveFreq: 3}, cp}
		if kill > 0 {
			cbs = append(cbs, &killAt{after: kill})
		}
		_, err := m.Fit(x, y, keras.Epochs(3), keras.BatchSize(8), keras.Verbose(0), keras.Callbacks(cbs...))
		return err
	}
	want := t.TempDir()
	if err := run(t.TempDir(), want, 0); err != nil {
		t.Fatal(err)
	}
	for _, kill := range []int{5, 10, 17} {
		dir, got := t.TempDir(), t.TempDir()
		if err := run(dir, got, kill); err == nil {
			t.Fatal("not killed")
		}
		if err := run(dir, got, 0); err != nil {
			t.Fatal(err)
		}
		if g, w := files(t, got), files(t, want); strings.Join(g, " ") != strings.Join(w, " ") {
			t.Fatalf("kill at %d: files %v, want %v", kill, g, w)
		}
	}
}
