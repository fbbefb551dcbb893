package onnx_test

import (
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"github.com/tensorgo/tensorgo/keras"
	"github.com/tensorgo/tensorgo/keras/layers"
	"github.com/tensorgo/tensorgo/onnx"
	"github.com/tensorgo/tensorgo/tensor"
	"github.com/tensorgo/tensorgo/tf"
)

func mnistMLP(t *testing.T) *keras.Model {
	tensor.SetSeed(3)
	m := keras.NewSequential(
		layers.Flatten(layers.InputShape(28, 28)),
		layers.Dense(128, layers.Activation("relu")),
		layers.Dropout(0.2),
		layers.Dense(10, layers.Activation("softmax")),
	)
	if err := m.Compile("adam", "sparse_categorical_crossentropy"); err != nil {
		t.Fatal(err)
	}
	return m
}

// The exported MNIST MLP gives tensorgo's predictions in ONNX Runtime.
func TestExportMLPRunsInORT(t *testing.T) {
	m := mnistMLP(t)
	x := tensor.RandomUniform(tensor.Float32, tensor.Shape{5, 28, 28}, 0, 1, 11)
	want, err := m.Predict(x, keras.Verbose(0))
	if err != nil {
		t.Fatal(err)
	}
	model, err := onnx.ExportKeras(m)
	if err != nil {
		t.Fatal(err)
	}
	ops := map[string]int{}
	for _, n := range model.Graph.Nodes {
		ops[n.OpType]++
	}
	if ops["Gemm"] != 2 || ops["Relu"] != 1 || ops["Softmax"] != 1 || ops["Reshape"] != 1 || len(model.Graph.Initializers) != 5 {
		t.Fatalf("exported ops %v, %d initializers", ops, len(model.Graph.Initializers))
	}
	got := runORT(t, model, map[string]*tensor.Tensor{m.Inputs()[0].Name(): x})
	assertClose(t, "MLP", got[m.Outputs()[0].Name()], want, 1e-5)
}

// A graph-mode computation exports from its placeholders to its fetches,
// pruned: the training part of the graph is left out.
func TestExportGraphPrunes(t *testing.T) {
	g := tf.NewGraph()
	x := tf.Placeholder(g, tensor.Float32, tensor.Shape{-1, 3}, tf.Name("x"))
	w := tf.NewVariable(g, tensor.FromSlice([]float32{1, 2, 3, 4, 5, 6}, 3, 2), tf.Name("w"))
	y := tf.Tanh(tf.MatMul(x, w.Tensor()))
	loss := tf.ReduceMean(tf.Square(y), nil, false)
	_ = loss
	sess := tf.NewSession(g)
	sess.Run(nil, nil, tf.GlobalVariablesInitializer(g))
	model, err := onnx.ExportGraph([]*tf.Tensor{x}, []*tf.Tensor{y})
	if err != nil {
		t.Fatal(err)
	}
	for _, n := range model.Graph.Nodes {
		if n.OpType == "ReduceMean" || n.OpType == "Mul" {
			t.Fatalf("the loss was exported: %+v", n)
		}
	}
	xv := tensor.FromSlice([]float32{0.1, -0.2, 0.3, 1, 0, -1}, 2, 3)
	want, err := sess.Run(tf.Feeds{x: xv}, []*tf.Tensor{y})
	if err != nil {
		t.Fatal(err)
	}
	got := runORT(t, model, map[string]*tensor.Tensor{"x:0": xv})
	assertClose(t, "graph", got[y.Name()], want[0], 1e-6)
}

func TestExportUnsupportedOpsListed(t *testing.T) {
	g := tf.NewGraph()
	x := tf.Placeholder(g, tensor.Float32, tensor.Shape{-1, 4}, tf.Name("x"))
	y := tf.Add(tf.Log1p(x), tf.Expm1(x))
	_, err := onnx.ExportGraph([]*tf.Tensor{x}, []*tf.Tensor{y})
	if err == nil || !strings.Contains(err.Error(), "Expm1") || !strings.Contains(err.Error(), "Log1p") || !strings.Contains(err.Error(), "2 op(s)") {
		t.Fatalf("err %v, want one naming the op ONNX export lacks", err)
	}
}

// The exported MLP passes the onnx package's full checker, where Debian's
// python3-onnx is installed.
func TestExportedMLPPassesChecker(t *testing.T) {
	skipWithoutChecker(t)
	model, err := onnx.ExportKeras(mnistMLP(t))
	if err != nil {
		t.Fatal(err)
	}
	b, _ := onnx.Encode(model)
	path := filepath.Join(t.TempDir(), "mlp.onnx")
	os.WriteFile(path, b, 0o644)
	out, err := exec.Command("/usr/bin/python3", "-c",
		"import onnx,sys; onnx.checker.check_model(onnx.load(sys.argv[1]), full_check=True); print('ok')", path).CombinedOutput()
	if err != nil || strings.TrimSpace(string(out)) != "ok" {
		t.Fatalf("checker: %v\n%s", err, out)
	}
}

// skipWithoutChecker skips a test unless Debian's python3-onnx is
// installed. It imports onnx.checker, not onnx alone: libonnx-testdata
// leaves a bare onnx directory in dist-packages, which imports as an empty
// namespace package.
func skipWithoutChecker(t *testing.T) {
	t.Helper()
	if exec.Command("/usr/bin/python3", "-c", "import onnx.checker").Run() != nil {
		t.Skip("SKIPPED: python3-onnx is not installed; the ONNX checker was not run")
	}
}
