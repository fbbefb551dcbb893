package onnx_test

import (
	"encoding/json"
	"math"
	"os"
	"os/exec"
	"path/filepath"
	"testing"

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
