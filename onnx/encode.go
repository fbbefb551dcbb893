package onnx

import (
	"fmt"
	"sort"

	"google.golang.org/protobuf/proto"

	"github.com/tensorgo/tensorgo/onnx/internal/onnxpb"
	"github.com/tensorgo/tensorgo/tensor"
)

// The versions Encode writes when a Model leaves them zero: IR version 8
// and opset 17, which both ONNX Runtime and Debian's onnx checker accept.
const (
	DefaultIRVersion = 8
	DefaultOpset     = 17
)

// Encode serialises m as an ONNX model file. Initializers are written in
// name order and attributes in name order, so that the same model gives
// the same bytes.
func Encode(m *Model) ([]byte, error) {
	ir := m.IRVersion
	if ir == 0 {
		ir = DefaultIRVersion
	}
	mp := &onnxpb.ModelProto{IrVersion: ir, ProducerName: m.ProducerName, ProducerVersion: m.ProducerVersion}
	opsets := m.Opsets
	if len(opsets) == 0 {
		opsets = map[string]int64{"": DefaultOpset}
	}
	for _, d := range sortedKeys(opsets) {
		mp.OpsetImport = append(mp.OpsetImport, &onnxpb.OperatorSetIdProto{Domain: d, Version: opsets[d]})
	}
	for _, k := range sortedKeys(m.Metadata) {
		mp.MetadataProps = append(mp.MetadataProps, &onnxpb.StringStringEntryProto{Key: k, Value: m.Metadata[k]})
	}
	g := &onnxpb.GraphProto{Name: m.Graph.Name}
	if g.Name == "" {
		g.Name = "main"
	}
	for _, name := range sortedKeys(m.Graph.Initializers) {
		t, err := encodeTensor(name, m.Graph.Initializers[name])
		if err != nil {
			return nil, err
		}
		g.Initializer = append(g.Initializer, t)
	}
	for _, v := range m.Graph.Inputs {
		vi, err := encodeValue(v)
		if err != nil {
			return nil, err
		}
		g.Input = append(g.Input, vi)
	}
	for _, v := range m.Graph.Outputs {
		vi, err := encodeValue(v)
		if err != nil {
			return nil, err
		}
		g.Output = append(g.Output, vi)
	}
	for _, n := range m.Graph.Nodes {
		np := &onnxpb.NodeProto{Name: n.Name, OpType: n.OpType, Domain: n.Domain, Input: n.Inputs, Output: n.Outputs}
		for _, k := range sortedKeys(n.Attrs) {
			a, err := encodeAttr(n.Name, k, n.Attrs[k])
			if err != nil {
				return nil, err
			}
			np.Attribute = append(np.Attribute, a)
		}
		g.Node = append(g.Node, np)
	}
	mp.Graph = g
	b, err := proto.MarshalOptions{Deterministic: true}.Marshal(mp)
	if err != nil {
		return nil, fmt.Errorf("onnx: %w", err)
	}
	return b, nil
}

func sortedKeys[V any](m map[string]V) []string {
	ks := make([]string, 0, len(m))
	for k := range m {
		ks = append(ks, k)
	}
	sort.Strings(ks)
	return ks
}

func encodeValue(v Value) (*onnxpb.ValueInfoProto, error) {
	et := onnxType(v.DType)
	if et == 0 {
		return nil, errorf("value "+v.Name, "dtype %v has no ONNX type", v.DType)
	}
	shape := &onnxpb.TensorShapeProto{}
	for i, d := range v.Shape {
		dim := &onnxpb.TensorShapeProto_Dimension{}
		switch {
		case d >= 0:
			dim.Value = &onnxpb.TensorShapeProto_Dimension_DimValue{DimValue: int64(d)}
		case i < len(v.DimParams) && v.DimParams[i] != "":
			dim.Value = &onnxpb.TensorShapeProto_Dimension_DimParam{DimParam: v.DimParams[i]}
		}
		shape.Dim = append(shape.Dim, dim)
	}
	return &onnxpb.ValueInfoProto{Name: v.Name, Type: &onnxpb.TypeProto{Value: &onnxpb.TypeProto_TensorType{
		TensorType: &onnxpb.TypeProto_Tensor{ElemType: et, Shape: shape}}}}, nil
}

// encodeTensor writes t's values as little-endian raw_data.
func encodeTensor(name string, t *tensor.Tensor) (*onnxpb.TensorProto, error) {
	et := onnxType(t.DType())
	if et == 0 {
		return nil, errorf("tensor "+name, "dtype %v has no ONNX type", t.DType())
	}
	tp := &onnxpb.TensorProto{Name: name, DataType: et}
	for _, d := range t.Shape() {
		tp.Dims = append(tp.Dims, int64(d))
	}
	raw := t.Bytes()
	tp.RawData = raw
	return tp, nil
}

func encodeAttr(node, name string, a Attr) (*onnxpb.AttributeProto, error) {
	ap := &onnxpb.AttributeProto{Name: name}
	switch a.Kind {
	case AttrFloat:
		ap.Type, ap.F = onnxpb.AttributeProto_FLOAT, float32(a.Float)
	case AttrInt:
		ap.Type, ap.I = onnxpb.AttributeProto_INT, a.Int
	case AttrString:
		ap.Type, ap.S = onnxpb.AttributeProto_STRING, []byte(a.String)
	case AttrTensor:
		t, err := encodeTensor("", a.Tensor)
		if err != nil {
			return nil, err
		}
		ap.Type, ap.T = onnxpb.AttributeProto_TENSOR, t
	case AttrFloats:
		ap.Type = onnxpb.AttributeProto_FLOATS
		for _, f := range a.Floats {
			ap.Floats = append(ap.Floats, float32(f))
		}
	case AttrInts:
		ap.Type, ap.Ints = onnxpb.AttributeProto_INTS, a.Ints
	case AttrStrings:
		ap.Type = onnxpb.AttributeProto_STRINGS
		for _, s := range a.Strings {
			ap.Strings = append(ap.Strings, []byte(s))
		}
	default:
		return nil, errorf("node "+node+" attribute "+name, "no kind set")
	}
	return ap, nil
}
