package mlp

import (
	"bytes"
	"encoding/json"
	"flag"
	"strings"
	"testing"

	"github.com/tensorgo/tensorgo/tensor"
)

// tinyData is MNIST-shaped random data: 64 training and 32 test images.
func tinyData() (xTrain, yTrain, xTest, yTest *tensor.Tensor, err error) {
	mk := func(n int, seed int64) (*tensor.Tensor, *tensor.Tensor) {
		r := tensor.NewRNG(seed)
		x := tensor.New(tensor.Uint8, n, 28, 28)
		for i, xs := 0, x.Uint8s(); i < len(xs); i++ {
			xs[i] = uint8(r.IntN(256))
		}
		y := tensor.New(tensor.Uint8, n)
		for i, ys := 0, y.Uint8s(); i < len(ys); i++ {
			ys[i] = uint8(r.IntN(10))
		}
		return x, y
	}
	xTrain, yTrain = mk(64, 1)
	xTest, yTest = mk(32, 2)
	return xTrain, yTrain, xTest, yTest, nil
}

// With -json an example writes exactly one line to standard output, the
// JSON; the progress bar, the summary and the accuracy go to standard
// error. Without it they all go to standard output.
func TestJSONIsTheOnlyLineOnStdout(t *testing.T) {
	fs := flag.NewFlagSet("mnist", flag.PanicOnError)
	c := Flags(fs, "mnist_mlp", 5)
	if err := fs.Parse([]string{"-json", "-epochs", "2", "-batch", "16"}); err != nil {
		t.Fatal(err)
	}
	var stdout, stderr bytes.Buffer
	c.LoadData, c.Out, c.Err = tinyData, &stdout, &stderr
	if _, err := Run(*c); err != nil {
		t.Fatal(err)
	}
	lines := strings.Split(strings.TrimSuffix(stdout.String(), "\n"), "\n")
	if len(lines) != 1 {
		t.Fatalf("standard output has %d lines, want 1:\n%s", len(lines), stdout.String())
	}
	var r Result
	if err := json.Unmarshal([]byte(lines[0]), &r); err != nil || r.Epochs != 2 || r.Batch != 16 || len(r.TrainLoss) != 2 {
		t.Fatalf("standard output %q is not the run's JSON (%v)", lines[0], err)
	}
	for _, want := range []string{"Epoch 2/2", "Total params: 101,770", "test accuracy:"} {
		if !strings.Contains(stderr.String(), want) {
			t.Errorf("standard error lacks %q:\n%s", want, stderr.String())
		}
	}
	// Without -json everything is on standard output.
	stdout.Reset()
	stderr.Reset()
	c.JSON = false
	if _, err := Run(*c); err != nil {
		t.Fatal(err)
	}
	if stderr.Len() != 0 || !strings.Contains(stdout.String(), "Epoch 2/2") || !strings.Contains(stdout.String(), "test accuracy:") || strings.Contains(stdout.String(), "{") {
		t.Fatalf("without -json: stdout %q, stderr %q", stdout.String(), stderr.String())
	}
}
