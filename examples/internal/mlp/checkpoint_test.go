package mlp

import (
	"bytes"
	"flag"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/tensorgo/tensorgo/checkpoint"
)

// -checkpoint DIR: the first run saves its best weights and the weights as
// text in DIR; the second loads them before training (the course's
// 断点续训), and its first epoch starts from them.
func TestCheckpointFlagResumes(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "ckpt")
	run := func(epochs string) (string, *Result) {
		fs := flag.NewFlagSet("mnist", flag.PanicOnError)
		c := Flags(fs, "mnist_mlp", 5)
		if err := fs.Parse([]string{"-epochs", epochs, "-batch", "16", "-checkpoint", dir, "-verbose", "0"}); err != nil {
			t.Fatal(err)
		}
		var out bytes.Buffer
		c.LoadData, c.Out = tinyData, &out
		r, err := Run(*c)
		if err != nil {
			t.Fatal(err)
		}
		return out.String(), r
	}
	out1, r1 := run("1")
	if strings.Contains(out1, "load the model") {
		t.Fatal("the first run loaded a model")
	}
	path := filepath.Join(dir, "mnist_mlp.tgckpt")
	first, err := checkpoint.Read(path)
	if err != nil {
		t.Fatalf("the first run saved no weights: %v", err)
	}
	if len(first.Tensors) != 4 || first.Tensors["dense/kernel"] == nil {
		t.Fatalf("saved %d tensors", len(first.Tensors))
	}
	text, err := os.ReadFile(filepath.Join(dir, "weights.txt"))
	if err != nil || !strings.HasPrefix(string(text), "dense/kernel\n(784, 128)\n[[") || !strings.Contains(string(text), "dense_1/bias\n(10,)\n[") {
		t.Fatalf("weights.txt: %v %.80q", err, text)
	}
	// No training: the test loss is that of the loaded weights, the first
	// run's only (so best) epoch.
	out0, r0 := run("0")
	if !strings.Contains(out0, "-------------load the model-----------------") {
		t.Fatalf("the second run did not load the checkpoint:\n%s", out0)
	}
	if r0.TestLoss != r1.TestLoss {
		t.Fatalf("test loss %v from the loaded weights, %v at the end of the first run", r0.TestLoss, r1.TestLoss)
	}
	run("2")
	// The second run's first epoch saves (the best starts afresh), so the
	// file holds trained weights that differ from the first run's.
	second, err := checkpoint.Read(path)
	if err != nil {
		t.Fatal(err)
	}
	a, b := first.Tensors["dense/kernel"].Float32s(), second.Tensors["dense/kernel"].Float32s()
	same := true
	for i := range a {
		if a[i] != b[i] {
			same = false
			break
		}
	}
	if same {
		t.Fatal("the second run did not save new weights")
	}
}
