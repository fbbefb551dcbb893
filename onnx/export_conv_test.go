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

// mnistCNN is the MNIST CNN of the project's third workload (Conv2D 32
// relu, MaxPool, Conv2D 64 relu, MaxPool, Flatten, Dense 64 relu, Dense
// 10), built with keras/layers.
func mnistCNN(t *testing.T) *keras.Model {
	keras.ClearSession()
	tensor.SetSeed(5)
	m := keras.NewSequential(
		layers.Conv2D(32, []int{3, 3}, layers.Activation("relu"), layers.InputShape(28, 28, 1)),
		layers.MaxPooling2D(),
		layers.Conv2D(64, []int{3, 3}, layers.Activation("relu")),
		layers.MaxPooling2D(),
		layers.Flatten(),
		layers.Dense(64, layers.Activation("relu")),
		layers.Dense(10),
	)
	if err := m.Compile("adam", "sparse_categorical_crossentropy"); err != nil {
		t.Fatal(err)
	}
	return m
}

// randomizeBN gives every batch normalisation layer's statistics and
// scales values other than their initial ones, so that an export that
// dropped or swapped them would show.
func randomizeBN(t *testing.T, bns ...*layers.BatchNormalizationLayer) {
	for i, bn := range bns {
		for j, v := range []*tf.Variable{bn.Gamma, bn.Beta, bn.MovingMean, bn.MovingVariance} {
			lo, hi := -0.5, 0.5
			if j == 0 || j == 3 {
				lo, hi = 0.5, 1.5
			}
			val := tensor.RandomUniform(tensor.Float32, v.Value().Shape(), lo, hi, int64(100+10*i+j))
			if err := v.SetValue(val); err != nil {
				t.Fatal(err)
			}
		}
	}
}

// resBlock is a ResNet-style functional model: a strided "same" stem,
// then Conv-BN-Relu-Conv-BN plus the skip, Relu, a "same" average pool
// (whose border windows count only real cells), global average pooling
// and a Dense head.
func resBlock(t *testing.T) *keras.Model {
	keras.ClearSession()
	tensor.SetSeed(7)
	in := keras.Input(9, 9, 3)
	stem := layers.Conv2D(8, []int{3, 3}, layers.Strides(2), layers.Padding("same"), layers.Activation("relu")).Apply(in)
	bn1, bn2 := layers.BatchNormalization(), layers.BatchNormalization()
	h := layers.Conv2D(8, []int{3, 3}, layers.Padding("same"), layers.UseBias(false)).Apply(stem)
	h = layers.Activation("relu").Apply(bn1.Apply(h))
	h = layers.Conv2D(8, []int{3, 3}, layers.Padding("same"), layers.DilationRate(2)).Apply(h)
	h = bn2.Apply(h)
	h = layers.Activation("relu").Apply(layers.Add().Apply(h, stem))
	h = layers.ZeroPadding2D([]int{1, 1}).Apply(h)
	h = layers.AveragePooling2D(layers.PoolSize(2), layers.Strides(2), layers.Padding("same")).Apply(h)
	h = layers.MaxPooling2D(layers.PoolSize(2), layers.Strides(1), layers.Padding("same")).Apply(h)
	h = layers.GlobalAveragePooling2D().Apply(h)
	out := layers.Dense(4, layers.Activation("softmax")).Apply(h)
	m := keras.NewModel(in, out)
	if err := m.Compile("adam", "sparse_categorical_crossentropy"); err != nil {
		t.Fatal(err)
	}
	randomizeBN(t, bn1, bn2)
	return m
}

func exportAndCompare(t *testing.T, name string, m *keras.Model, x *tensor.Tensor, wantOps ...string) {
	t.Helper()
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
	for _, op := range wantOps {
		if ops[op] == 0 {
			t.Fatalf("%s: no %s among the exported ops %v", name, op, ops)
		}
	}
	// The ONNX model round-trips through the wire format and imports
	// back into tensorgo with the same predictions.
	b, err := onnx.Encode(model)
	if err != nil {
		t.Fatal(err)
	}
	back, err := onnx.Decode(b, onnx.Limits{})
	if err != nil {
		t.Fatal(err)
	}
	im, err := onnx.Import(back)
	if err != nil {
		t.Fatal(err)
	}
	re, err := im.Predict(x)
	if err != nil {
		t.Fatal(err)
	}
	if d := maxAbsDiff(re[0], want); d > 1e-5 {
		t.Fatalf("%s: re-imported model differs from tensorgo by %g", name, d)
	}
	got := runORT(t, model, map[string]*tensor.Tensor{m.Inputs()[0].Name(): x})
	assertClose(t, name, got[m.Outputs()[0].Name()], want, 1e-5)
}

func maxAbsDiff(a, b *tensor.Tensor) float64 {
	if !a.Shape().Equal(b.Shape()) {
		return 1e300
	}
	var worst float64
	for i := 0; i < a.Size(); i++ {
		d := a.Float(i) - b.Float(i)
		if d < 0 {
			d = -d
		}
		if d > worst {
			worst = d
		}
	}
	return worst
}

// The exported MNIST CNN gives tensorgo's outputs in ONNX Runtime.
func TestExportCNNRunsInORT(t *testing.T) {
	x := tensor.RandomUniform(tensor.Float32, tensor.Shape{3, 28, 28, 1}, 0, 1, 12)
	exportAndCompare(t, "CNN", mnistCNN(t), x, "Conv", "MaxPool", "Gemm")
}

// The exported residual block (batch norm, skip connection, "same"
// padding, strides, dilation, zero padding, average and global pooling)
// gives tensorgo's outputs in ONNX Runtime.
func TestExportResBlockRunsInORT(t *testing.T) {
	x := tensor.RandomUniform(tensor.Float32, tensor.Shape{2, 9, 9, 3}, -1, 1, 13)
	exportAndCompare(t, "ResBlock", resBlock(t), x, "Conv", "BatchNormalization", "AveragePool", "MaxPool", "Pad", "ReduceMean", "Add")
}

// Depthwise and separable convolutions (grouped Conv2Ds of a reshaped
// filter) export and run in ONNX Runtime.
func TestExportSeparableRunsInORT(t *testing.T) {
	keras.ClearSession()
	tensor.SetSeed(9)
	m := keras.NewSequential(
		layers.DepthwiseConv2D([]int{3, 3}, layers.DepthMultiplier(2), layers.Padding("same"), layers.InputShape(6, 6, 3)),
		layers.SeparableConv2D(4, []int{3, 3}, layers.Strides(2)),
		layers.Flatten(),
	)
	if err := m.Compile("adam", "mse"); err != nil {
		t.Fatal(err)
	}
	x := tensor.RandomUniform(tensor.Float32, tensor.Shape{2, 6, 6, 3}, -1, 1, 14)
	exportAndCompare(t, "Separable", m, x, "Conv")
}

// The exported residual block passes the onnx package's full checker
// (with shape inference), where Debian's python3-onnx is installed.
func TestExportedResBlockPassesChecker(t *testing.T) {
	skipWithoutChecker(t)
	model, err := onnx.ExportKeras(resBlock(t))
	if err != nil {
		t.Fatal(err)
	}
	b, _ := onnx.Encode(model)
	path := filepath.Join(t.TempDir(), "res.onnx")
	os.WriteFile(path, b, 0o644)
	out, err := exec.Command("/usr/bin/python3", "-c",
		"import onnx,sys; onnx.checker.check_model(onnx.load(sys.argv[1]), full_check=True); print('ok')", path).CombinedOutput()
	if err != nil || strings.TrimSpace(string(out)) != "ok" {
		t.Fatalf("checker: %v\n%s", err, out)
	}
}

// Transposed convolutions ("same" with strides, whose result is larger
// than the padding alone gives, and "valid") export as ConvTranspose and
// run in ONNX Runtime.
func TestExportConvTransposeRunsInORT(t *testing.T) {
	keras.ClearSession()
	tensor.SetSeed(10)
	m := keras.NewSequential(
		layers.Conv2DTranspose(4, []int{3, 3}, layers.Strides(2), layers.Padding("same"), layers.InputShape(5, 5, 2)),
		layers.Conv2DTranspose(3, []int{2, 2}, layers.Strides(1), layers.Padding("valid")),
	)
	if err := m.Compile("adam", "mse"); err != nil {
		t.Fatal(err)
	}
	x := tensor.RandomUniform(tensor.Float32, tensor.Shape{2, 5, 5, 2}, -1, 1, 15)
	want, err := m.Predict(x, keras.Verbose(0))
	if err != nil {
		t.Fatal(err)
	}
	model, err := onnx.ExportKeras(m)
	if err != nil {
		t.Fatal(err)
	}
	n := 0
	for _, nd := range model.Graph.Nodes {
		if nd.OpType == "ConvTranspose" {
			n++
		}
	}
	if n != 2 {
		t.Fatalf("%d ConvTranspose nodes, want 2", n)
	}
	got := runORT(t, model, map[string]*tensor.Tensor{m.Inputs()[0].Name(): x})
	assertClose(t, "ConvTranspose", got[m.Outputs()[0].Name()], want, 1e-5)
}

// Batch normalisation of (batch, features) values exports as a
// BatchNormalization without transposes and runs in ONNX Runtime.
func TestExportDenseBatchNormRunsInORT(t *testing.T) {
	keras.ClearSession()
	tensor.SetSeed(11)
	bn := layers.BatchNormalization()
	m := keras.NewSequential(layers.Dense(6, layers.InputShape(4)), bn, layers.Dense(2))
	if err := m.Compile("adam", "mse"); err != nil {
		t.Fatal(err)
	}
	randomizeBN(t, bn)
	x := tensor.RandomUniform(tensor.Float32, tensor.Shape{3, 4}, -1, 1, 16)
	exportAndCompare(t, "Dense+BN", m, x, "BatchNormalization")
}
