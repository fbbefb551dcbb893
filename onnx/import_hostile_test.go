package onnx

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/tensorgo/tensorgo/tensor"
)

// hostile builds a one-input graph of nodes for the hostile-model tests.
func hostile(nodes []Node, inits map[string]*tensor.Tensor, out string) *Model {
	if inits == nil {
		inits = map[string]*tensor.Tensor{}
	}
	return &Model{Opsets: map[string]int64{"": 17}, Graph: Graph{Name: "g",
		Inputs:       []Value{{Name: "x", DType: tensor.Float32, Shape: []int{-1, 2, 4, 4}}},
		Nodes:        nodes,
		Outputs:      []Value{{Name: out, DType: tensor.Float32}},
		Initializers: inits}}
}

func wantImportError(t *testing.T, m *Model, o ImportOptions, words ...string) {
	t.Helper()
	_, err := ImportWith(m, o)
	if err == nil {
		t.Fatalf("imported; want an error mentioning %q", words)
	}
	for _, w := range words {
		if !strings.Contains(err.Error(), w) {
			t.Fatalf("error %q, want one mentioning %q", err, w)
		}
	}
}

// A model that uses a value no earlier node made (a missing input, or a
// cycle: nodes feeding each other) is an error, not a crash.
func TestImportMissingInputAndCycle(t *testing.T) {
	wantImportError(t, hostile([]Node{{Name: "r", OpType: "Relu", Inputs: []string{"nowhere"}, Outputs: []string{"y"}}}, nil, "y"),
		ImportOptions{}, "nowhere", "missing input")
	cycle := []Node{
		{Name: "a", OpType: "Add", Inputs: []string{"x", "b_out"}, Outputs: []string{"a_out"}},
		{Name: "b", OpType: "Relu", Inputs: []string{"a_out"}, Outputs: []string{"b_out"}},
	}
	wantImportError(t, hostile(cycle, nil, "b_out"), ImportOptions{}, "b_out", "cycle")
	wantImportError(t, hostile([]Node{{Name: "r", OpType: "Relu", Inputs: []string{"x"}, Outputs: []string{"y"}}}, nil, "z"),
		ImportOptions{}, "z", "no node")
}

// A Pad or a pooling window that would make a huge tensor is refused at
// import, before anything is allocated.
func TestImportHugeShapesRefused(t *testing.T) {
	pads := map[string]*tensor.Tensor{"p": tensor.FromSlice([]int64{0, 0, 1 << 20, 1 << 20, 0, 0, 1 << 20, 1 << 20}, 8)}
	wantImportError(t, hostile([]Node{{Name: "pad", OpType: "Pad", Inputs: []string{"x", "p"}, Outputs: []string{"y"}}}, pads, "y"),
		ImportOptions{}, "over the limit")
	huge := map[string]*tensor.Tensor{"p": tensor.FromSlice([]int64{0, 0, 1 << 40, 0, 0, 0, 0, 0}, 8)}
	wantImportError(t, hostile([]Node{{Name: "pad", OpType: "Pad", Inputs: []string{"x", "p"}, Outputs: []string{"y"}}}, huge, "y"),
		ImportOptions{}, "pads")
	pool := Node{Name: "mp", OpType: "MaxPool", Inputs: []string{"x"}, Outputs: []string{"y"},
		Attrs: map[string]Attr{"kernel_shape": intsAttr([]int{2, 2}), "pads": intsAttr([]int{1 << 30, 0, 0, 0})}}
	wantImportError(t, hostile([]Node{pool}, nil, "y"), ImportOptions{}, "pads")
	// A limit the caller sets applies too: 2·6·6 = 72 cells per example.
	small := map[string]*tensor.Tensor{"p": tensor.FromSlice([]int64{0, 0, 1, 1, 0, 0, 1, 1}, 8)}
	m := hostile([]Node{{Name: "pad", OpType: "Pad", Inputs: []string{"x", "p"}, Outputs: []string{"y"}}}, small, "y")
	wantImportError(t, m, ImportOptions{MaxElems: 71}, "72 elements")
	if _, err := ImportWith(m, ImportOptions{MaxElems: 72}); err != nil {
		t.Fatalf("a Pad within the limit: %v", err)
	}
}

// A shape known only at run time cannot feed an op that would compute
// with it: the import says so.
func TestImportRuntimeShapeRefused(t *testing.T) {
	nodes := []Node{
		{Name: "s", OpType: "Shape", Inputs: []string{"x"}, Outputs: []string{"s"}},
		{Name: "c", OpType: "Cast", Inputs: []string{"s"}, Outputs: []string{"f"}, Attrs: map[string]Attr{"to": {Kind: AttrInt, Int: 1}}},
	}
	wantImportError(t, hostile(nodes, nil, "f"), ImportOptions{}, "shape cast to FLOAT")
	wantImportError(t, hostile(nodes[:1], nil, "s"), ImportOptions{}, "run time")
	nodes[1] = Node{Name: "m", OpType: "Mul", Inputs: []string{"s", "s"}, Outputs: []string{"f"}}
	wantImportError(t, hostile(nodes, nil, "f"), ImportOptions{}, "run time", "Mul")
}

// FuzzImport imports whatever decodes: an import error is fine, a crash
// or a hang is not; a model that imports with small inputs also runs.
// testdata/fuzz/FuzzImport holds what it found: a node with fewer inputs
// than its operator needs.
func FuzzImport(f *testing.F) {
	for _, p := range []string{"mlp.onnx", "conv.onnx", "torch/mlp.onnx", "torch/cnn.onnx", "torch/resblock.onnx", "torch/lstm.onnx"} {
		b, err := os.ReadFile(filepath.Join("testdata", p))
		if err != nil {
			f.Fatal(err)
		}
		f.Add(b)
		f.Add(b[:len(b)/2])
		c := append([]byte(nil), b...)
		c[len(c)/3] ^= 0xff
		f.Add(c)
	}
	f.Fuzz(func(t *testing.T, b []byte) {
		m, err := Decode(b, Limits{MaxTensorElems: 1 << 16, MaxNodes: 1 << 8})
		if err != nil {
			return
		}
		// Small values keep every run fast: an op's work is bounded by
		// its output's size times its inputs'.
		im, err := ImportWith(m, ImportOptions{MaxElems: 1 << 12})
		if err != nil {
			return
		}
		var ins []*tensor.Tensor
		for _, p := range im.Inputs {
			s := p.Shape().Clone()
			for i := range s {
				if s[i] < 0 {
					s[i] = 1
				}
			}
			if s.NumElements() > 1<<12 {
				return
			}
			ins = append(ins, tensor.New(p.DType(), s...))
		}
		im.Predict(ins...) // errors are fine; panics are not
	})
}
