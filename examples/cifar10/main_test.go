package main

import (
	"bytes"
	"encoding/json"
	"flag"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/tensorgo/tensorgo/tensor"
)

// tinyData is CIFAR-shaped random data: 64 training and 32 test images,
// with (n, 1) labels as cifar10.LoadData returns them.
func tinyData() (xTrain, yTrain, xTest, yTest *tensor.Tensor, err error) {
	xTrain, yTrain = synthetic(64, 1)
	xTest, yTest = synthetic(32, 2)
	return xTrain, yTrain.Reshape(64, 1), xTest, yTest.Reshape(32, 1), nil
}

// parse returns the config the command line args give.
func parse(t *testing.T, args ...string) *config {
	t.Helper()
	fs := flag.NewFlagSet("cifar10", flag.PanicOnError)
	c := flags(fs)
	if err := fs.Parse(args); err != nil {
		t.Fatal(err)
	}
	return c
}

// The defaults are the course's and examples/mnist's.
func TestFlagDefaults(t *testing.T) {
	c := parse(t)
	if c.Model != "baseline" || c.Batch != 32 || c.Epochs != 5 || c.Verbose != 1 || c.JSON || c.Synthetic || c.Steps != 200 || c.Warmup != 10 || c.Samples != 10000 {
		t.Fatalf("defaults %+v", *c)
	}
}

// With -json standard output holds exactly one line, the run's JSON; the
// summary and the accuracy go to standard error.
func TestJSONIsTheOnlyLineOnStdout(t *testing.T) {
	c := parse(t, "-json", "-epochs", "2", "-batch", "16", "-model", "lenet5", "-verbose", "2")
	var stdout, stderr bytes.Buffer
	c.LoadData, c.Out, c.Err = tinyData, &stdout, &stderr
	if _, err := run(*c); err != nil {
		t.Fatal(err)
	}
	lines := strings.Split(strings.TrimSuffix(stdout.String(), "\n"), "\n")
	if len(lines) != 1 {
		t.Fatalf("standard output has %d lines, want 1:\n%s", len(lines), stdout.String())
	}
	var line map[string]any
	if err := json.Unmarshal([]byte(lines[0]), &line); err != nil {
		t.Fatalf("standard output %q: %v", lines[0], err)
	}
	for _, k := range []string{"epoch_seconds", "test_accuracy", "test_loss", "train_loss", "train_accuracy", "workload", "model", "params"} {
		if _, ok := line[k]; !ok {
			t.Errorf("-json line lacks %q: %s", k, lines[0])
		}
	}
	if line["model"] != "lenet5" || line["params"] != float64(62006) || len(line["epoch_seconds"].([]any)) != 2 {
		t.Errorf("-json line %s", lines[0])
	}
	for _, want := range []string{"Epoch 2/2", "Total params: 62,006", "test accuracy:"} {
		if !strings.Contains(stderr.String(), want) {
			t.Errorf("standard error lacks %q:\n%s", want, stderr.String())
		}
	}
}

// -synthetic -steps 3 trains 3 timed steps after the warm-up ones and
// reports the time per step; the same seed gives the same losses.
func TestSyntheticReportsMsPerStep(t *testing.T) {
	runOnce := func() (map[string]any, *speedResult) {
		c := parse(t, "-synthetic", "-steps", "3", "-warmup", "2", "-samples", "100", "-json", "-verbose", "0", "-seed", "3")
		var stdout bytes.Buffer
		c.Out = &stdout
		r, err := runSynthetic(*c)
		if err != nil {
			t.Fatal(err)
		}
		var line map[string]any
		if err := json.Unmarshal(stdout.Bytes(), &line); err != nil || strings.Count(stdout.String(), "\n") != 1 {
			t.Fatalf("-json output %q: %v", stdout.String(), err)
		}
		return line, r
	}
	line, r := runOnce()
	for _, k := range []string{"ms_per_step", "ms_per_step_mean", "ms_per_step_p10", "ms_per_step_p90", "images_per_s_median", "train_loss_mean"} {
		v, ok := line[k].(float64)
		if !ok || !(v > 0) {
			t.Errorf("%s = %v, want a positive number", k, line[k])
		}
	}
	// The pool grows to hold the 5 steps' 160 images.
	if r.Steps != 3 || r.Warmup != 2 || r.Samples != 160 || !r.SyntheticData || r.Params != 198506 {
		t.Errorf("result %+v", *r)
	}
	_, again := runOnce()
	if again.TrainLossMean != r.TrainLossMean {
		t.Errorf("same seed, losses %v and %v", r.TrainLossMean, again.TrainLossMean)
	}
}

func TestSyntheticRejectsBadSteps(t *testing.T) {
	c := parse(t, "-synthetic", "-steps", "0")
	if _, err := runSynthetic(*c); err == nil || !strings.Contains(err.Error(), "-steps") {
		t.Fatalf("-steps 0: %v", err)
	}
}

// The data are found in the directory given, or in its
// cifar-10-batches-bin or cifar10/cifar-10-batches-bin sub-directory, and
// in $TENSORGO_DATA when no directory is given.
func TestFindData(t *testing.T) {
	root := t.TempDir()
	put := func(dir string) {
		if err := os.MkdirAll(dir, 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(filepath.Join(dir, "data_batch_1.bin"), nil, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	direct, nested, deep := filepath.Join(root, "a"), filepath.Join(root, "b"), filepath.Join(root, "c")
	put(direct)
	put(filepath.Join(nested, "cifar-10-batches-bin"))
	put(filepath.Join(deep, "cifar10", "cifar-10-batches-bin"))
	for dir, want := range map[string]string{
		direct: direct,
		nested: filepath.Join(nested, "cifar-10-batches-bin"),
		deep:   filepath.Join(deep, "cifar10", "cifar-10-batches-bin"),
	} {
		if got, err := findData(dir); err != nil || got != want {
			t.Errorf("findData(%q) = %q, %v; want %q", dir, got, err, want)
		}
	}
	t.Setenv("TENSORGO_DATA", nested)
	if got, err := findData(""); err != nil || got != filepath.Join(nested, "cifar-10-batches-bin") {
		t.Errorf("from $TENSORGO_DATA: %q, %v", got, err)
	}
	if _, err := findData(filepath.Join(root, "none")); err == nil || !strings.Contains(err.Error(), "data_batch_1.bin") {
		t.Errorf("missing data: %v", err)
	}
	t.Setenv("TENSORGO_DATA", "")
	if _, err := findData(""); err == nil || !strings.Contains(err.Error(), "-data") {
		t.Errorf("no directory: %v", err)
	}
	// A run with no data says so instead of training.
	c := parse(t, "-data", filepath.Join(root, "none"))
	if _, err := run(*c); err == nil {
		t.Error("run without data: no error")
	}
}

func TestQuantile(t *testing.T) {
	s := []float64{1, 2, 3, 4, 5}
	// Linear interpolation between order statistics: position q·(n-1).
	for q, want := range map[float64]float64{0: 1, 0.5: 3, 0.1: 1.4, 0.9: 4.6, 1: 5} {
		if got := quantile(s, q); got < want-1e-12 || got > want+1e-12 {
			t.Errorf("quantile(%v, %v) = %v, want %v", s, q, got, want)
		}
	}
	if got := quantile([]float64{7}, 0.9); got != 7 {
		t.Errorf("one value: %v", got)
	}
}
