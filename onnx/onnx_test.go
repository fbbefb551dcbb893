package onnx

import (
	"encoding/json"
	"errors"
	"os"
	"os/exec"
	"path/filepath"
	"reflect"
	"strings"
	"testing"

	"google.golang.org/protobuf/proto"

	"github.com/tensorgo/tensorgo/onnx/internal/onnxpb"
	"github.com/tensorgo/tensorgo/tensor"
)

func load(t testing.TB, name string) []byte {
	t.Helper()
	b, err := os.ReadFile(filepath.Join("testdata", name))
	if err != nil {
		t.Fatal(err)
	}
	return b
}

// A model written by the onnx Python package decodes with every value
// intact.
func TestDecodePythonMLP(t *testing.T) {
	m, err := Decode(load(t, "mlp.onnx"), Limits{})
	if err != nil {
		t.Fatal(err)
	}
	if m.IRVersion != 8 || m.Opsets[""] != 17 || m.ProducerName != "make_testdata" {
		t.Errorf("header: IR %d, opsets %v, producer %q", m.IRVersion, m.Opsets, m.ProducerName)
	}
	var want struct{ W, B []float64 }
	if err := json.Unmarshal(load(t, "mlp.weights.json"), &want); err != nil {
		t.Fatal(err)
	}
	w := m.Graph.Initializers["W"]
	if w == nil || !w.Shape().Equal(tensor.Shape{4, 3}) {
		t.Fatalf("W = %v", w)
	}
	for i, v := range want.W {
		if float64(w.Float32s()[i]) != float64(float32(v)) {
			t.Fatalf("W[%d] = %v, want %v", i, w.Float32s()[i], v)
		}
	}
	in := m.Graph.Inputs
	if len(in) != 1 || in[0].Name != "x" || in[0].Shape[0] != -1 || in[0].DimParams[0] != "batch" || in[0].Shape[1] != 4 {
		t.Fatalf("inputs %+v", in)
	}
	var ops []string
	for _, n := range m.Graph.Nodes {
		ops = append(ops, n.OpType)
	}
	if strings.Join(ops, ",") != "Gemm,Relu,Softmax" {
		t.Fatalf("ops %v", ops)
	}
	if a := m.Graph.Nodes[2].Attrs["axis"]; a.Kind != AttrInt || a.Int != -1 {
		t.Fatalf("Softmax axis %+v", a)
	}
}

func TestDecodeAttributes(t *testing.T) {
	m, err := Decode(load(t, "conv.onnx"), Limits{})
	if err != nil {
		t.Fatal(err)
	}
	conv := m.Graph.Nodes[0]
	if conv.OpType != "Conv" || !reflect.DeepEqual(conv.Attrs["pads"].Ints, []int64{1, 1, 1, 1}) {
		t.Fatalf("conv %+v", conv)
	}
	var bn, c *Node
	for i := range m.Graph.Nodes {
		switch m.Graph.Nodes[i].OpType {
		case "BatchNormalization":
			bn = &m.Graph.Nodes[i]
		case "Constant":
			c = &m.Graph.Nodes[i]
		}
	}
	if a := bn.Attrs["epsilon"]; a.Kind != AttrFloat || float32(a.Float) != 1e-3 {
		t.Fatalf("epsilon %+v", a)
	}
	if a := c.Attrs["value"]; a.Kind != AttrTensor || a.Tensor.Int64s()[1] != -1 {
		t.Fatalf("constant %+v", a)
	}
	if a := m.Graph.Nodes[2].Attrs["auto_pad"]; a.Kind != AttrString || a.String != "NOTSET" {
		t.Fatalf("auto_pad %+v (node %s)", a, m.Graph.Nodes[2].OpType)
	}
}

// Encode(Decode(f)) decodes to the same model, and Encode is
// deterministic.
func TestRoundTrip(t *testing.T) {
	for _, f := range []string{"mlp.onnx", "conv.onnx"} {
		m, err := Decode(load(t, f), Limits{})
		if err != nil {
			t.Fatal(err)
		}
		b, err := Encode(m)
		if err != nil {
			t.Fatal(err)
		}
		b2, _ := Encode(m)
		if string(b) != string(b2) {
			t.Fatalf("%s: Encode is not deterministic", f)
		}
		m2, err := Decode(b, Limits{})
		if err != nil {
			t.Fatal(err)
		}
		if len(m2.Graph.Nodes) != len(m.Graph.Nodes) || len(m2.Graph.Initializers) != len(m.Graph.Initializers) {
			t.Fatalf("%s: round trip changed the graph", f)
		}
		for k, v := range m.Graph.Initializers {
			if v.String() != m2.Graph.Initializers[k].String() {
				t.Fatalf("%s: initializer %s changed", f, k)
			}
		}
	}
}

// A model tensorgo writes passes the onnx package's own checker (full
// check, with shape inference), where Debian's python3-onnx is installed.
func TestEncodedModelPassesONNXChecker(t *testing.T) {
	py := "/usr/bin/python3"
	// onnx.checker, not onnx: libonnx-testdata's bare onnx directory in
	// dist-packages imports as an empty namespace package.
	if exec.Command(py, "-c", "import onnx.checker").Run() != nil {
		t.Skip("SKIPPED: python3-onnx is not installed (apt-get install python3-onnx); the ONNX checker was not run")
	}
	m, err := Decode(load(t, "conv.onnx"), Limits{})
	if err != nil {
		t.Fatal(err)
	}
	b, _ := Encode(m)
	path := filepath.Join(t.TempDir(), "m.onnx")
	os.WriteFile(path, b, 0o644)
	out, err := exec.Command(py, "-c", `import onnx,sys
m = onnx.load(sys.argv[1])
onnx.checker.check_model(m, full_check=True)
print(len(m.graph.node), m.ir_version, m.opset_import[0].version)`, path).CombinedOutput()
	if err != nil {
		t.Fatalf("the ONNX checker rejected the file: %v\n%s", err, out)
	}
	if got := strings.TrimSpace(string(out)); got != "5 8 17" {
		t.Fatalf("checker read %q, want 5 nodes, IR 8, opset 17", got)
	}
}

func graphModel(nodes []*onnxpb.NodeProto, inits ...*onnxpb.TensorProto) []byte {
	f := int32(onnxpb.TensorProto_FLOAT)
	vi := func(n string) *onnxpb.ValueInfoProto {
		return &onnxpb.ValueInfoProto{Name: n, Type: &onnxpb.TypeProto{Value: &onnxpb.TypeProto_TensorType{
			TensorType: &onnxpb.TypeProto_Tensor{ElemType: f}}}}
	}
	b, _ := proto.Marshal(&onnxpb.ModelProto{IrVersion: 8, Graph: &onnxpb.GraphProto{
		Node: nodes, Initializer: inits, Input: []*onnxpb.ValueInfoProto{vi("x")}, Output: []*onnxpb.ValueInfoProto{vi("y")}}})
	return b
}

func TestHostileModels(t *testing.T) {
	node := func(op string, in []string, out ...string) *onnxpb.NodeProto {
		return &onnxpb.NodeProto{OpType: op, Name: op + "_" + out[0], Input: in, Output: out}
	}
	for _, c := range []struct {
		name string
		b    []byte
		want string
	}{
		{"cycle", graphModel([]*onnxpb.NodeProto{node("Add", []string{"x", "b"}, "a"), node("Relu", []string{"a"}, "b"), node("Identity", []string{"a"}, "y")}), "cycle"},
		{"missing input", graphModel([]*onnxpb.NodeProto{node("Add", []string{"x", "nope"}, "y")}), `input "nope"`},
		{"huge tensor", graphModel([]*onnxpb.NodeProto{node("Identity", []string{"x"}, "y")},
			&onnxpb.TensorProto{Name: "w", DataType: int32(onnxpb.TensorProto_FLOAT), Dims: []int64{1 << 20, 1 << 20, 1 << 20}}), "limit"},
		{"wrong data size", graphModel([]*onnxpb.NodeProto{node("Identity", []string{"x"}, "y")},
			&onnxpb.TensorProto{Name: "w", DataType: int32(onnxpb.TensorProto_FLOAT), Dims: []int64{4}, RawData: make([]byte, 12)}), "raw data of 12 bytes"},
		{"no producer of output", graphModel([]*onnxpb.NodeProto{node("Relu", []string{"x"}, "z")}), "output y"},
		{"truncated", load(t, "mlp.onnx")[:100], "not an ONNX model"},
		{"two producers", graphModel([]*onnxpb.NodeProto{node("Relu", []string{"x"}, "y"), node("Abs", []string{"x"}, "y")}), "also an output"},
	} {
		_, err := Decode(c.b, Limits{})
		var oe *Error
		if !errors.As(err, &oe) || !strings.Contains(err.Error(), c.want) {
			t.Errorf("%s: err %v, want an *onnx.Error containing %q", c.name, err, c.want)
		}
	}
}

func FuzzDecode(f *testing.F) {
	f.Add(load(f, "mlp.onnx"))
	f.Add(load(f, "conv.onnx"))
	f.Add(load(f, "mlp.onnx")[:60])
	f.Fuzz(func(t *testing.T, b []byte) {
		m, err := Decode(b, Limits{MaxTensorElems: 1 << 20, MaxNodes: 1 << 12})
		if err != nil {
			return
		}
		// Whatever decodes must encode and decode again.
		out, err := Encode(m)
		if err != nil {
			return // e.g. a name that encodes but a dtype we refuse to write
		}
		if _, err := Decode(out, Limits{}); err != nil {
			t.Fatalf("re-encoded model does not decode: %v", err)
		}
	})
}
