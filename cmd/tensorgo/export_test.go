package main

import (
	"bytes"
	"math"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/tensorgo/tensorgo/keras"
	"github.com/tensorgo/tensorgo/keras/layers"
	"github.com/tensorgo/tensorgo/onnx"
	"github.com/tensorgo/tensorgo/tensor"
)

// A saved model exported to ONNX and imported back predicts what the
// model predicts.
func TestExportONNX(t *testing.T) {
	tensor.SetSeed(4)
	m := keras.NewSequential(
		layers.Conv2D(4, []int{3, 3}, layers.Activation("relu"), layers.InputShape(8, 8, 1)),
		layers.MaxPooling2D(layers.PoolSize(2, 2)),
		layers.Flatten(),
		layers.Dense(3, layers.Activation("softmax")),
	)
	if err := m.Compile("adam", "sparse_categorical_crossentropy"); err != nil {
		t.Fatal(err)
	}
	dir := t.TempDir()
	path := filepath.Join(dir, "m.keras")
	if err := keras.SaveModel(m, path); err != nil {
		t.Fatal(err)
	}
	out := filepath.Join(dir, "m.onnx")
	var stdout, stderr bytes.Buffer
	if code := run([]string{"export", path, out}, &stdout, &stderr); code != 0 {
		t.Fatalf("export: exit %d, %s", code, stderr.String())
	}
	if !strings.Contains(stdout.String(), "wrote "+out) {
		t.Errorf("stdout %q", stdout.String())
	}
	f, err := os.Open(out)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	im, err := onnx.Load(f, onnx.Limits{})
	if err != nil {
		t.Fatal(err)
	}
	x := tensor.RandomUniform(tensor.Float32, tensor.Shape{2, 8, 8, 1}, 0, 1, 5)
	want, err := m.Predict(x, keras.Verbose(0))
	if err != nil {
		t.Fatal(err)
	}
	got, err := im.Predict(x)
	if err != nil {
		t.Fatal(err)
	}
	g, w := got[0].Float32s(), want.Float32s()
	if len(g) != len(w) {
		t.Fatalf("%d outputs, want %d", len(g), len(w))
	}
	for i := range g {
		if math.Abs(float64(g[i]-w[i])) > 1e-5 {
			t.Fatalf("output %d: %v, want %v", i, g[i], w[i])
		}
	}
	// Bad usage and a format it does not know.
	if code := run([]string{"export", path}, &stdout, &stderr); code != 2 {
		t.Errorf("one argument: exit %d", code)
	}
	stderr.Reset()
	if code := run([]string{"export", "-format", "tflite", path, out}, &stdout, &stderr); code != 1 || !strings.Contains(stderr.String(), "tflite") {
		t.Errorf("-format tflite: exit %d, %q", code, stderr.String())
	}
}
