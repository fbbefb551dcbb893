package summary

import (
	"fmt"
	"strings"

	"google.golang.org/protobuf/proto"

	"github.com/tensorgo/tensorgo/summary/internal/tbpb"
	"github.com/tensorgo/tensorgo/tensor"
	"github.com/tensorgo/tensorgo/tf"
)

// graphProducer is the GraphDef version (VersionDef.producer) GraphDef
// writes: that of the TensorFlow 1.15 graphs TensorBoard draws.
const graphProducer = 134

// MaxGraphTensorElements bounds the tensor attributes (a Const's value)
// GraphDef writes in full: a larger tensor is written with its dtype and
// shape alone, so that a graph holding big constants stays small.
const MaxGraphTensorElements = 1024

// GraphDef returns g as a serialized TensorFlow GraphDef, what TensorBoard's
// Graphs tab draws: for every op its name, type, inputs ("op" for an op's
// first output, "op:1" for the next, "^op" for a control input), device
// and attributes (those tf.Operation.Attrs lists whose values a GraphDef
// can hold: numbers, strings, lists of them, dtypes, shapes, tensors),
// plus "_output_shapes", the shapes of its outputs (-1 for an unknown
// dimension), which TensorBoard shows on the edges. Ops are listed in the
// order they were added.
//
// Building the graph must be finished (or paused): GraphDef reads it
// without a lock.
func GraphDef(g *tf.Graph) []byte {
	b, err := proto.MarshalOptions{Deterministic: true}.Marshal(graphDefProto(g))
	if err != nil {
		// Every field set above is valid proto3 (strings are checked to be
		// UTF-8 when ops are named), so this cannot happen.
		panic(fmt.Sprintf("summary: GraphDef: %v", err))
	}
	return b
}

func graphDefProto(g *tf.Graph) *tbpb.GraphDef {
	gd := &tbpb.GraphDef{Versions: &tbpb.VersionDef{Producer: graphProducer}}
	for _, op := range g.Operations() {
		gd.Node = append(gd.Node, nodeDef(op))
	}
	return gd
}

// inputName is how a GraphDef names a tensor as an input: "op" for output
// 0, "op:i" otherwise.
func inputName(t *tf.Tensor) string {
	if t.Index() == 0 {
		return t.Op().Name()
	}
	return fmt.Sprintf("%s:%d", t.Op().Name(), t.Index())
}

func nodeDef(op *tf.Operation) *tbpb.NodeDef {
	n := &tbpb.NodeDef{Name: validUTF8(op.Name()), Op: op.Type(), Device: op.Device(),
		Attr: map[string]*tbpb.AttrValue{}}
	for _, in := range op.Inputs() {
		n.Input = append(n.Input, validUTF8(inputName(in)))
	}
	for _, c := range op.ControlInputs() {
		n.Input = append(n.Input, "^"+validUTF8(c.Name()))
	}
	for _, a := range op.Attrs() {
		if v, ok := attrValue(a.Value); ok {
			n.Attr[validUTF8(a.Name)] = v
		}
	}
	if op.NumOutputs() > 0 {
		shapes := &tbpb.AttrValue_ListValue{}
		for _, t := range op.Outputs() {
			shapes.Shape = append(shapes.Shape, shapeOf(t.Shape()))
		}
		n.Attr["_output_shapes"] = &tbpb.AttrValue{Value: &tbpb.AttrValue_List{List: shapes}}
	}
	return n
}

// validUTF8 keeps a string that proto3 can carry: invalid UTF-8 bytes
// become U+FFFD.
func validUTF8(s string) string { return strings.ToValidUTF8(s, "\uFFFD") }

// shapeOf is a TensorShapeProto of s; -1 stands for an unknown dimension,
// as in TensorFlow.
func shapeOf(s tensor.Shape) *tbpb.TensorShapeProto {
	p := &tbpb.TensorShapeProto{}
	for _, d := range s {
		p.Dim = append(p.Dim, &tbpb.TensorShapeProto_Dim{Size: int64(d)})
	}
	return p
}

// dataType is the TensorFlow DataType of d.
func dataType(d tensor.DType) tbpb.DataType {
	switch d {
	case tensor.Float32:
		return tbpb.DataType_DT_FLOAT
	case tensor.Float64:
		return tbpb.DataType_DT_DOUBLE
	case tensor.Int32:
		return tbpb.DataType_DT_INT32
	case tensor.Int64:
		return tbpb.DataType_DT_INT64
	case tensor.Uint8:
		return tbpb.DataType_DT_UINT8
	case tensor.Bool:
		return tbpb.DataType_DT_BOOL
	case tensor.Float16:
		return tbpb.DataType_DT_HALF
	case tensor.BFloat16:
		return tbpb.DataType_DT_BFLOAT16
	}
	return tbpb.DataType_DT_INVALID
}

// attrValue converts an op attribute's value (as tf.Operation.Attrs lists
// them) to a GraphDef AttrValue: int, float64, bool and string to i, f, b
// and s; []int, []float64 and []string to lists; tensor.DType to type;
// tensor.Shape to shape; *tensor.Tensor to tensor (with its values when it
// has at most MaxGraphTensorElements of them). It reports false for nil and
// for any other Go value (the private attributes of ops defined outside
// tf, such as an optimizer), which a GraphDef leaves out.
func attrValue(v any) (*tbpb.AttrValue, bool) {
	a := &tbpb.AttrValue{}
	switch x := v.(type) {
	case int:
		a.Value = &tbpb.AttrValue_I{I: int64(x)}
	case int64:
		a.Value = &tbpb.AttrValue_I{I: x}
	case int32:
		a.Value = &tbpb.AttrValue_I{I: int64(x)}
	case float64:
		a.Value = &tbpb.AttrValue_F{F: float32(x)}
	case float32:
		a.Value = &tbpb.AttrValue_F{F: x}
	case bool:
		a.Value = &tbpb.AttrValue_B{B: x}
	case string:
		a.Value = &tbpb.AttrValue_S{S: []byte(x)}
	case tensor.DType:
		a.Value = &tbpb.AttrValue_Type{Type: dataType(x)}
	case tensor.Shape:
		a.Value = &tbpb.AttrValue_Shape{Shape: shapeOf(x)}
	case []int:
		l := &tbpb.AttrValue_ListValue{}
		for _, i := range x {
			l.I = append(l.I, int64(i))
		}
		a.Value = &tbpb.AttrValue_List{List: l}
	case []float64:
		l := &tbpb.AttrValue_ListValue{}
		for _, f := range x {
			l.F = append(l.F, float32(f))
		}
		a.Value = &tbpb.AttrValue_List{List: l}
	case []string:
		l := &tbpb.AttrValue_ListValue{}
		for _, s := range x {
			l.S = append(l.S, []byte(s))
		}
		a.Value = &tbpb.AttrValue_List{List: l}
	case *tensor.Tensor:
		if x == nil {
			return nil, false
		}
		a.Value = &tbpb.AttrValue_Tensor{Tensor: tensorProto(x)}
	default:
		return nil, false
	}
	return a, true
}

// tensorProto is a TensorProto of t: dtype, shape and, for tensors of at
// most MaxGraphTensorElements values, the values as little-endian bytes.
func tensorProto(t *tensor.Tensor) *tbpb.TensorProto {
	p := &tbpb.TensorProto{Dtype: dataType(t.DType()), TensorShape: shapeOf(t.Shape())}
	if t.Size() <= MaxGraphTensorElements {
		switch t.DType() {
		case tensor.Float32:
			p.FloatVal = append([]float32(nil), t.Float32s()...)
		case tensor.Float64:
			p.DoubleVal = append([]float64(nil), t.Float64s()...)
		case tensor.Int32:
			p.IntVal = append([]int32(nil), t.Int32s()...)
		case tensor.Int64:
			p.Int64Val = append([]int64(nil), t.Int64s()...)
		case tensor.Bool:
			p.BoolVal = append([]bool(nil), t.Bools()...)
		default: // uint8, float16, bfloat16: their raw bytes
			p.TensorContent = append([]byte(nil), t.Bytes()...)
		}
	}
	return p
}
