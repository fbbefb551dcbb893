package onnx_test

import (
	"encoding/json"
	"math"
	"os"
	"os/exec"
	"path/filepath"
	"testing"

	"github.com/tensorgo/tensorgo/keras"
	"github.com/tensorgo/tensorgo/keras/layers"
	"github.com/tensorgo/tensorgo/onnx"
	"github.com/tensorgo/tensorgo/tensor"
)

// ortNodePath finds a node_modules folder that holds onnxruntime-node:
// $TENSORGO_ORT_NODE_PATH (CI installs it there), else none.
func ortNodePath(t *testing.T) string {
	t.Helper()
	node, err := exec.LookPath("node")
	if err != nil {
		t.Skip("SKIPPED: node is not installed; ONNX Runtime was not run")
	}
	_ = node
	p := os.Getenv("TENSORGO_ORT_NODE_PATH")
	if p == "" {
		t.Skip("SKIPPED: TENSORGO_ORT_NODE_PATH is not set (a node_modules folder with onnxruntime-node: ONNXRUNTIME_NODE_INSTALL=skip npm install onnxruntime-node); ONNX Runtime was not run")
	}
	if _, err := os.Stat(filepath.Join(p, "onnxruntime-node")); err != nil {
		t.Skipf("SKIPPED: %s has no onnxruntime-node; ONNX Runtime was not run", p)
	}
	return p
}

type jsonTensor struct {
	Dims []int     `json:"dims"`
	Data []float64 `json:"data"`
}

// runORT runs model on inputs in ONNX Runtime and returns its outputs.
func runORT(t *testing.T, model *onnx.Model, inputs map[string]*tensor.Tensor) map[string]jsonTensor {
	t.Helper()
	nodePath := ortNodePath(t)
	b, err := onnx.Encode(model)
	if err != nil {
		t.Fatal(err)
	}
	dir := t.TempDir()
	mp := filepath.Join(dir, "model.onnx")
	os.WriteFile(mp, b, 0o644)
	in := map[string]jsonTensor{}
	for k, v := range inputs {
		jt := jsonTensor{Dims: v.Shape()}
		for _, x := range v.Float32s() {
			jt.Data = append(jt.Data, float64(x))
		}
		in[k] = jt
	}
	ib, _ := json.Marshal(in)
	ip := filepath.Join(dir, "inputs.json")
	os.WriteFile(ip, ib, 0o644)
	js, _ := filepath.Abs("testdata/ort_run.js")
	cmd := exec.Command("node", js, mp, ip)
	cmd.Env = append(os.Environ(), "NODE_PATH="+nodePath)
	out, err := cmd.Output()
	if err != nil {
		msg := ""
		if ee, ok := err.(*exec.ExitError); ok {
			msg = string(ee.Stderr)
		}
		t.Fatalf("ONNX Runtime: %v\n%s", err, msg)
	}
	res := map[string]jsonTensor{}
	if err := json.Unmarshal(out, &res); err != nil {
		t.Fatalf("ONNX Runtime output %q: %v", out, err)
	}
	return res
}

func assertClose(t *testing.T, name string, got jsonTensor, want *tensor.Tensor, tol float64) {
	t.Helper()
	if !tensor.Shape(got.Dims).Equal(want.Shape()) {
		t.Fatalf("%s: ONNX Runtime gives shape %v, tensorgo %v", name, got.Dims, want.Shape())
	}
	var worst float64
	for i, v := range got.Data {
		worst = math.Max(worst, math.Abs(v-want.Float(i)))
	}
	if worst > tol {
		t.Fatalf("%s: largest difference from tensorgo %g, want ≤ %g", name, worst, tol)
	}
	t.Logf("%s: ONNX Runtime matches tensorgo within %g", name, worst)
}

// The course's stock model (LSTM(80) over 60 days of one scaled price,
// returning sequences, Dropout, LSTM(100), Dense(1)) exports and runs in
// ONNX Runtime with tensorgo's predictions. Its weights are Keras's
// initial ones with small random biases, so that no gate saturates and
// every bias counts.
func TestExportStockLSTMRunsInORT(t *testing.T) {
	keras.ClearSession()
	tensor.SetSeed(11)
	m := keras.NewSequential(
		layers.LSTM(80, layers.ReturnSequences(true), layers.InputShape(60, 1)),
		layers.Dropout(0.2),
		layers.LSTM(100),
		layers.Dropout(0.2),
		layers.Dense(1),
	)
	if err := m.Compile("adam", "mean_squared_error"); err != nil {
		t.Fatal(err)
	}
	for i, v := range m.Weights() {
		if v.Value().Shape().Rank() == 1 {
			if err := v.SetValue(tensor.RandomUniform(tensor.Float32, v.Value().Shape(), -0.3, 0.3, int64(200+i))); err != nil {
				t.Fatal(err)
			}
		}
	}
	x := tensor.RandomUniform(tensor.Float32, tensor.Shape{8, 60, 1}, 0, 1, 12)
	exportAndCompare(t, "stock LSTM", m, x, "LSTM")
}

// A GRU model (Keras's default reset_after, then reset_after=False,
// stacked) runs in ONNX Runtime with tensorgo's predictions.
func TestExportGRURunsInORT(t *testing.T) {
	m := sequential(t, 13,
		layers.GRU(16, layers.ReturnSequences(true), layers.InputShape(20, 4)),
		layers.GRU(8, layers.ResetAfter(false)),
		layers.Dense(3, layers.Activation("softmax")),
	)
	x := tensor.RandomUniform(tensor.Float32, tensor.Shape{6, 20, 4}, -1, 1, 14)
	exportAndCompare(t, "GRU", m, x, "GRU")
}

// The course's letter-prediction model (Embedding, SimpleRNN, Dense
// softmax) exports with its lookup as Gather and runs in ONNX Runtime
// with tensorgo's predictions.
func TestExportEmbeddingRNNRunsInORT(t *testing.T) {
	m := sequential(t, 15,
		layers.Embedding(5, 2, layers.InputShape(4)),
		layers.SimpleRNN(3),
		layers.Dense(5, layers.Activation("softmax")),
	)
	x := tensor.New(tensor.Float32, 5, 4) // the letters a..e as 0..4
	for i := range x.Float32s() {
		x.SetFloat(i, float64((i+i/4)%5))
	}
	exportAndCompare(t, "Embedding SimpleRNN", m, x, "Gather", "RNN")
}
