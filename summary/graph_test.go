package summary

import (
	"testing"

	"google.golang.org/protobuf/proto"

	"github.com/tensorgo/tensorgo/summary/internal/tbpb"
	"github.com/tensorgo/tensorgo/tensor"
	"github.com/tensorgo/tensorgo/tf"
)

// twoOutputs is an op with two outputs, to see how GraphDef names the
// second (no built-in op has several outputs).
func init() {
	tf.RegisterOp(&tf.OpDef{Type: "SummaryTestTwoOutputs",
		Infer: func(op *tf.Operation, in []tf.TensorSpec) []tf.TensorSpec { return []tf.TensorSpec{in[0], in[0]} },
		Kernel: func(op *tf.Operation, in, out []*tensor.Tensor) error {
			out[0].CopyFrom(in[0])
			out[1].CopyFrom(in[0])
			return nil
		}})
}

func parseGraphDef(t *testing.T, b []byte) map[string]*tbpb.NodeDef {
	t.Helper()
	var gd tbpb.GraphDef
	if err := proto.Unmarshal(b, &gd); err != nil {
		t.Fatal(err)
	}
	if gd.Versions.GetProducer() == 0 {
		t.Error("no GraphDef producer version")
	}
	nodes := map[string]*tbpb.NodeDef{}
	for _, n := range gd.Node {
		if nodes[n.Name] != nil {
			t.Errorf("node %q twice", n.Name)
		}
		nodes[n.Name] = n
	}
	return nodes
}

func TestGraphDef(t *testing.T) {
	g := tf.NewGraph()
	x := tf.Placeholder(g, tf.Float32, tf.Shape{-1, 2}, tf.Name("x"))
	two := tf.NewOp("SummaryTestTwoOutputs", []*tf.Tensor{x}, nil, tf.Name("two"))
	var y *tf.Tensor
	g.WithNameScope("dense", func() {
		w := tf.NewVariable(g, tensor.FromSlice([]float32{1, 2, 3, 4}, 2, 2), tf.Name("kernel"))
		y = tf.MatMul(two.Output(1), w.Tensor(), tf.TransposeB(true))
		y.Op().AddControlInput(w.Initializer())
	})
	big := tf.Const(g, tensor.New(tensor.Float32, MaxGraphTensorElements+1), tf.Name("big"))
	tf.Add(tf.ReduceSum(y, nil, false), tf.ReduceSum(big, nil, false))
	Scalar("loss", tf.ReduceSum(y, nil, false))

	nodes := parseGraphDef(t, GraphDef(g))
	if len(nodes) != len(g.Operations()) {
		t.Fatalf("%d nodes for %d ops", len(nodes), len(g.Operations()))
	}
	for _, op := range g.Operations() {
		n := nodes[op.Name()]
		if n == nil {
			t.Fatalf("no node %q", op.Name())
		}
		if n.Op != op.Type() || n.Device != op.Device() || n.Device == "" {
			t.Errorf("%s: op %q device %q, want %q %q", op.Name(), n.Op, n.Device, op.Type(), op.Device())
		}
	}
	mm := nodes["dense/MatMul"]
	if mm == nil {
		t.Fatal("no dense/MatMul")
	}
	wantIn := []string{"two:1", "dense/kernel", "^dense/kernel/Assign"}
	if len(mm.Input) != len(wantIn) {
		t.Fatalf("MatMul inputs %q, want %q", mm.Input, wantIn)
	}
	for i := range wantIn {
		if mm.Input[i] != wantIn[i] {
			t.Errorf("MatMul input %d is %q, want %q", i, mm.Input[i], wantIn[i])
		}
	}
	if !mm.Attr["transpose_b"].GetB() || mm.Attr["transpose_a"].GetB() {
		t.Errorf("MatMul attributes %v, want transpose_b alone", mm.Attr)
	}
	if s := mm.Attr["_output_shapes"].GetList().GetShape(); len(s) != 1 || len(s[0].Dim) != 2 || s[0].Dim[0].Size != -1 || s[0].Dim[1].Size != 2 {
		t.Errorf("MatMul _output_shapes %v, want [(-1, 2)]", s)
	}
	ph := nodes["x"]
	if ph.Attr["dtype"].GetType() != tbpb.DataType_DT_FLOAT {
		t.Errorf("Placeholder dtype %v, want DT_FLOAT", ph.Attr["dtype"])
	}
	if s := ph.Attr["shape"].GetShape(); len(s.GetDim()) != 2 || s.Dim[0].Size != -1 || s.Dim[1].Size != 2 {
		t.Errorf("Placeholder shape %v, want (-1, 2)", s)
	}
	if s := nodes["two"].Attr["_output_shapes"].GetList().GetShape(); len(s) != 2 {
		t.Errorf("two-output op: %d output shapes, want 2", len(s))
	}
	// The variable's initial value, a small constant, is written in full;
	// a big constant only with its dtype and shape.
	init := nodes["dense/kernel/initial_value"].Attr["value"].GetTensor()
	if init.GetDtype() != tbpb.DataType_DT_FLOAT || len(init.FloatVal) != 4 || init.FloatVal[3] != 4 {
		t.Errorf("initial value %v, want float [1 2 3 4]", init)
	}
	bt := nodes["big"].Attr["value"].GetTensor()
	if len(bt.FloatVal) != 0 || len(bt.TensorContent) != 0 || bt.TensorShape.Dim[0].Size != MaxGraphTensorElements+1 {
		t.Errorf("big constant written with %d values, shape %v", len(bt.FloatVal), bt.TensorShape)
	}
	if tag := nodes["loss"].Attr["tag"].GetS(); string(tag) != "loss" {
		t.Errorf("summary tag attribute %q, want loss", tag)
	}
}

func TestAttrValue(t *testing.T) {
	cases := []struct {
		v    any
		want *tbpb.AttrValue
	}{
		{3, &tbpb.AttrValue{Value: &tbpb.AttrValue_I{I: 3}}},
		{0.5, &tbpb.AttrValue{Value: &tbpb.AttrValue_F{F: 0.5}}},
		{true, &tbpb.AttrValue{Value: &tbpb.AttrValue_B{B: true}}},
		{"same", &tbpb.AttrValue{Value: &tbpb.AttrValue_S{S: []byte("same")}}},
		{[]int{1, -2}, &tbpb.AttrValue{Value: &tbpb.AttrValue_List{List: &tbpb.AttrValue_ListValue{I: []int64{1, -2}}}}},
		{[]float64{0.25}, &tbpb.AttrValue{Value: &tbpb.AttrValue_List{List: &tbpb.AttrValue_ListValue{F: []float32{0.25}}}}},
		{tensor.Int64, &tbpb.AttrValue{Value: &tbpb.AttrValue_Type{Type: tbpb.DataType_DT_INT64}}},
		{tensor.Shape{}, &tbpb.AttrValue{Value: &tbpb.AttrValue_Shape{Shape: &tbpb.TensorShapeProto{}}}},
		{tensor.FromSlice([]int32{7}), &tbpb.AttrValue{Value: &tbpb.AttrValue_Tensor{Tensor: &tbpb.TensorProto{
			Dtype: tbpb.DataType_DT_INT32, TensorShape: &tbpb.TensorShapeProto{Dim: []*tbpb.TensorShapeProto_Dim{{Size: 1}}},
			IntVal: []int32{7}}}}},
	}
	for _, c := range cases {
		got, ok := attrValue(c.v)
		if !ok || !proto.Equal(got, c.want) {
			t.Errorf("attrValue(%v) = %v, %v; want %v", c.v, got, ok, c.want)
		}
	}
	for _, v := range []any{nil, struct{}{}, (*tensor.Tensor)(nil)} {
		if _, ok := attrValue(v); ok {
			t.Errorf("attrValue(%#v) converted; want it left out", v)
		}
	}
}
