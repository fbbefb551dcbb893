package onnx_test

import (
	"encoding/json"
	"math"
	"os"
	"path/filepath"
	"testing"

	"github.com/tensorgo/tensorgo/onnx"
	"github.com/tensorgo/tensorgo/tensor"
)

// PyTorch-exported models (testdata/make_torch.py, Debian's PyTorch 1.13:
// an MLP, a CNN with batch norm, a residual block and an LSTM)
// import and give PyTorch's outputs, which the script saved next to them.
func TestImportPyTorchModels(t *testing.T) {
	for _, c := range []struct {
		name string
		ops  []string // operators the export must hold, so the test covers them
	}{
		{"mlp", []string{"Gemm", "Softmax"}},
		{"cnn", []string{"Conv", "BatchNormalization", "MaxPool", "Pad", "AveragePool", "Shape", "Gather", "Unsqueeze", "Concat", "Reshape"}},
		{"resblock", []string{"Conv", "BatchNormalization", "Add", "GlobalAveragePool", "Flatten"}},
		// The zero initial states come from the input's batch size:
		// Shape → ... → ConstantOfShape of a run-time shape.
		{"lstm", []string{"LSTM", "ConstantOfShape", "Shape", "Gather", "Squeeze"}},
	} {
		t.Run(c.name, func(t *testing.T) {
			f, err := os.Open(filepath.Join("testdata", "torch", c.name+".onnx"))
			if err != nil {
				t.Fatal(err)
			}
			defer f.Close()
			im, err := onnx.Load(f, onnx.Limits{})
			if err != nil {
				t.Fatal(err)
			}
			b, err := os.ReadFile(filepath.Join("testdata", "torch", c.name+".onnx"))
			if err != nil {
				t.Fatal(err)
			}
			m, err := onnx.Decode(b, onnx.Limits{})
			if err != nil {
				t.Fatal(err)
			}
			have := map[string]bool{}
			for _, n := range m.Graph.Nodes {
				have[n.OpType] = true
			}
			for _, op := range c.ops {
				if !have[op] {
					t.Errorf("the PyTorch export has no %s", op)
				}
			}
			var e struct {
				XShape []int     `json:"x_shape"`
				X      []float32 `json:"x"`
				YShape []int     `json:"y_shape"`
				Y      []float64 `json:"y"`
			}
			jb, err := os.ReadFile(filepath.Join("testdata", "torch", c.name+".json"))
			if err != nil {
				t.Fatal(err)
			}
			if err := json.Unmarshal(jb, &e); err != nil {
				t.Fatal(err)
			}
			out, err := im.Predict(tensor.FromSlice(e.X, e.XShape...))
			if err != nil {
				t.Fatal(err)
			}
			if !out[0].Shape().Equal(tensor.Shape(e.YShape)) {
				t.Fatalf("output shape %v, PyTorch's %v", out[0].Shape(), e.YShape)
			}
			var worst float64
			for i, w := range e.Y {
				worst = math.Max(worst, math.Abs(out[0].Float(i)-w))
			}
			if worst > 1e-4 {
				t.Fatalf("outputs differ from PyTorch's by up to %g, want ≤ 1e-4", worst)
			}
			t.Logf("%s: within %g of PyTorch", c.name, worst)
		})
	}
}
