// Package onnx reads and writes ONNX models (the Open Neural Network
// Exchange format): Decode turns a model file into a Model — its graph's
// nodes, inputs, outputs and weights as tensorgo tensors — checking it as
// it goes, and Encode writes a Model back, so that models move between
// tensorgo, ONNX Runtime, PyTorch and other tools.
//
// Decoding treats the file as untrusted: the file size, every tensor's
// declared size and the number of nodes are bounded before anything is
// allocated, and a graph that uses a value nothing defines, or whose nodes
// form a cycle, is an error that names the node.
//
// ExportGraph and ExportKeras write tf graphs (convolutional ones
// included) as ONNX models; Import and Load read ONNX models, PyTorch's
// exports among them, as tf graphs. tensorgo's images are NHWC and ONNX's
// NCHW: each convolution, pooling or batch normalisation op is converted
// between transposes, so every other value keeps its own format's layout.
// Shape arithmetic (PyTorch's x.view(x.size(0), -1)) is folded into
// constants at import, the batch dimension staying dynamic.
package onnx

import (
	"encoding/binary"
	"fmt"
	"math"
	"sort"

	"google.golang.org/protobuf/proto"

	"github.com/tensorgo/tensorgo/onnx/internal/onnxpb"
	"github.com/tensorgo/tensorgo/tensor"
)

// Model is an ONNX model.
type Model struct {
	IRVersion       int64
	Opsets          map[string]int64 // domain ("" for the default ai.onnx) → opset version
	ProducerName    string
	ProducerVersion string
	Graph           Graph
	Metadata        map[string]string
}

// Graph is a model's computation: Nodes in topological order (each node's
// inputs are graph inputs, initializers or earlier nodes' outputs).
type Graph struct {
	Name         string
	Nodes        []Node
	Inputs       []Value // the values the caller feeds (initializers excluded)
	Outputs      []Value
	Initializers map[string]*tensor.Tensor // weights and constants by name
}

// Value is a graph input or output: its name, element type and shape, where
// a dimension of -1 is unknown or symbolic (DimParams holds its name, such
// as "batch").
type Value struct {
	Name      string
	DType     tensor.DType
	Shape     []int
	DimParams []string
}

// Node is one operator application.
type Node struct {
	Name    string
	OpType  string
	Domain  string
	Inputs  []string // "" marks an omitted optional input
	Outputs []string
	Attrs   map[string]Attr
}

// Attr is a node attribute: exactly one of its fields is meaningful, as
// Kind says.
type Attr struct {
	Kind    AttrKind
	Float   float64
	Int     int64
	String  string
	Tensor  *tensor.Tensor
	Floats  []float64
	Ints    []int64
	Strings []string
}

// AttrKind is the type of an attribute.
type AttrKind int

// The attribute kinds tensorgo handles.
const (
	AttrFloat AttrKind = iota + 1
	AttrInt
	AttrString
	AttrTensor
	AttrFloats
	AttrInts
	AttrStrings
)

// Limits bound what Decode accepts.
type Limits struct {
	// MaxBytes bounds the model file (default 2 GiB, protobuf's own
	// limit).
	MaxBytes int
	// MaxTensorElems bounds the elements of one tensor (default 1<<28).
	MaxTensorElems int64
	// MaxNodes bounds the nodes of the graph (default 1<<20).
	MaxNodes int
}

func (l Limits) withDefaults() Limits {
	if l.MaxBytes <= 0 {
		l.MaxBytes = int(min(2<<30, math.MaxInt)) // 2 GiB, or all a 32-bit int holds
	}
	if l.MaxTensorElems <= 0 {
		l.MaxTensorElems = 1 << 28
	}
	if l.MaxNodes <= 0 {
		l.MaxNodes = 1 << 20
	}
	return l
}

// Error is a model that cannot be decoded or is not well formed.
type Error struct {
	Where string // the node, tensor or field at fault ("" for the file)
	What  string
}

func (e *Error) Error() string {
	if e.Where == "" {
		return "onnx: " + e.What
	}
	return "onnx: " + e.Where + ": " + e.What
}

func errorf(where, format string, args ...any) error {
	return &Error{Where: where, What: fmt.Sprintf(format, args...)}
}

// Decode parses and checks an ONNX model file.
func Decode(b []byte, lim Limits) (*Model, error) {
	lim = lim.withDefaults()
	if len(b) > lim.MaxBytes {
		return nil, errorf("", "the file is %d bytes, more than the limit of %d", len(b), lim.MaxBytes)
	}
	var mp onnxpb.ModelProto
	if err := proto.Unmarshal(b, &mp); err != nil {
		return nil, errorf("", "not an ONNX model: %v", err)
	}
	m := &Model{IRVersion: mp.GetIrVersion(), Opsets: map[string]int64{}, ProducerName: mp.GetProducerName(),
		ProducerVersion: mp.GetProducerVersion(), Metadata: map[string]string{}}
	for _, o := range mp.GetOpsetImport() {
		d := o.GetDomain()
		if d == "ai.onnx" {
			d = ""
		}
		m.Opsets[d] = o.GetVersion()
	}
	for _, kv := range mp.GetMetadataProps() {
		m.Metadata[kv.GetKey()] = kv.GetValue()
	}
	g := mp.GetGraph()
	if g == nil {
		return nil, errorf("", "the model has no graph")
	}
	if len(g.GetNode()) > lim.MaxNodes {
		return nil, errorf("graph", "%d nodes, more than the limit of %d", len(g.GetNode()), lim.MaxNodes)
	}
	m.Graph = Graph{Name: g.GetName(), Initializers: map[string]*tensor.Tensor{}}
	for _, t := range g.GetInitializer() {
		v, err := decodeTensor(t, lim)
		if err != nil {
			return nil, err
		}
		if _, dup := m.Graph.Initializers[t.GetName()]; dup {
			return nil, errorf("initializer "+t.GetName(), "defined twice")
		}
		m.Graph.Initializers[t.GetName()] = v
	}
	for _, vi := range g.GetInput() {
		if _, isInit := m.Graph.Initializers[vi.GetName()]; isInit {
			continue // IR < 4 lists initializers among the inputs
		}
		v, err := decodeValue(vi)
		if err != nil {
			return nil, err
		}
		m.Graph.Inputs = append(m.Graph.Inputs, v)
	}
	for _, vi := range g.GetOutput() {
		v, err := decodeValue(vi)
		if err != nil {
			return nil, err
		}
		m.Graph.Outputs = append(m.Graph.Outputs, v)
	}
	for i, n := range g.GetNode() {
		node := Node{Name: n.GetName(), OpType: n.GetOpType(), Domain: n.GetDomain(),
			Inputs: n.GetInput(), Outputs: n.GetOutput(), Attrs: map[string]Attr{}}
		if node.Domain == "ai.onnx" {
			node.Domain = ""
		}
		if node.Name == "" {
			node.Name = fmt.Sprintf("%s_%d", node.OpType, i)
		}
		for _, a := range n.GetAttribute() {
			at, err := decodeAttr(node.Name, a, lim)
			if err != nil {
				return nil, err
			}
			node.Attrs[a.GetName()] = at
		}
		m.Graph.Nodes = append(m.Graph.Nodes, node)
	}
	if err := m.Graph.sort(); err != nil {
		return nil, err
	}
	return m, nil
}

// sort puts the nodes in topological order (ONNX requires files to be
// sorted already; PyTorch's are) and checks that every input is defined
// and no value is defined twice.
func (g *Graph) sort() error {
	producer := map[string]int{}
	defined := map[string]bool{"": true}
	for _, v := range g.Inputs {
		defined[v.Name] = true
	}
	for name := range g.Initializers {
		defined[name] = true
	}
	for i, n := range g.Nodes {
		for _, o := range n.Outputs {
			if o == "" {
				continue
			}
			if defined[o] {
				return errorf("node "+n.Name, "output %q is already a graph input or initializer", o)
			}
			if j, dup := producer[o]; dup {
				return errorf("node "+n.Name, "output %q is also an output of node %s", o, g.Nodes[j].Name)
			}
			producer[o] = i
		}
	}
	for _, n := range g.Nodes {
		for _, in := range n.Inputs {
			if _, ok := producer[in]; !ok && !defined[in] {
				return errorf("node "+n.Name, "input %q is not a graph input, an initializer or any node's output", in)
			}
		}
	}
	// Kahn's algorithm, stable: among ready nodes the earliest in the file
	// goes first.
	indeg := make([]int, len(g.Nodes))
	users := make([][]int, len(g.Nodes))
	for i, n := range g.Nodes {
		for _, in := range n.Inputs {
			if j, ok := producer[in]; ok {
				indeg[i]++
				users[j] = append(users[j], i)
			}
		}
	}
	var ready []int
	for i, d := range indeg {
		if d == 0 {
			ready = append(ready, i)
		}
	}
	order := make([]Node, 0, len(g.Nodes))
	for len(ready) > 0 {
		sort.Ints(ready)
		i := ready[0]
		ready = ready[1:]
		order = append(order, g.Nodes[i])
		for _, u := range users[i] {
			if indeg[u]--; indeg[u] == 0 {
				ready = append(ready, u)
			}
		}
	}
	if len(order) != len(g.Nodes) {
		for i, d := range indeg {
			if d > 0 {
				return errorf("node "+g.Nodes[i].Name, "is part of a cycle")
			}
		}
	}
	for _, o := range g.Outputs {
		if _, ok := producer[o.Name]; !ok && !defined[o.Name] {
			return errorf("output "+o.Name, "nothing in the graph produces it")
		}
	}
	g.Nodes = order
	return nil
}

// DTypeOf maps an ONNX element type to tensorgo's.
func dtypeOf(t int32) (tensor.DType, bool) {
	switch onnxpb.TensorProto_DataType(t) {
	case onnxpb.TensorProto_FLOAT:
		return tensor.Float32, true
	case onnxpb.TensorProto_DOUBLE:
		return tensor.Float64, true
	case onnxpb.TensorProto_INT32:
		return tensor.Int32, true
	case onnxpb.TensorProto_INT64:
		return tensor.Int64, true
	case onnxpb.TensorProto_UINT8:
		return tensor.Uint8, true
	case onnxpb.TensorProto_BOOL:
		return tensor.Bool, true
	case onnxpb.TensorProto_FLOAT16:
		return tensor.Float16, true
	case onnxpb.TensorProto_BFLOAT16:
		return tensor.BFloat16, true
	}
	return tensor.Invalid, false
}

func onnxType(d tensor.DType) int32 {
	switch d {
	case tensor.Float32:
		return int32(onnxpb.TensorProto_FLOAT)
	case tensor.Float64:
		return int32(onnxpb.TensorProto_DOUBLE)
	case tensor.Int32:
		return int32(onnxpb.TensorProto_INT32)
	case tensor.Int64:
		return int32(onnxpb.TensorProto_INT64)
	case tensor.Uint8:
		return int32(onnxpb.TensorProto_UINT8)
	case tensor.Bool:
		return int32(onnxpb.TensorProto_BOOL)
	case tensor.Float16:
		return int32(onnxpb.TensorProto_FLOAT16)
	case tensor.BFloat16:
		return int32(onnxpb.TensorProto_BFLOAT16)
	}
	return 0
}

func typeName(t int32) string {
	return onnxpb.TensorProto_DataType(t).String()
}

func decodeValue(vi *onnxpb.ValueInfoProto) (Value, error) {
	v := Value{Name: vi.GetName()}
	tt := vi.GetType().GetTensorType()
	if tt == nil {
		return v, errorf("value "+v.Name, "is not a tensor (sequences and maps are not supported)")
	}
	dt, ok := dtypeOf(tt.GetElemType())
	if !ok {
		return v, errorf("value "+v.Name, "element type %s is not supported", typeName(tt.GetElemType()))
	}
	v.DType = dt
	if tt.GetShape() != nil {
		for _, d := range tt.GetShape().GetDim() {
			switch x := d.GetValue().(type) {
			case *onnxpb.TensorShapeProto_Dimension_DimValue:
				if x.DimValue < 0 || x.DimValue > math.MaxInt32 {
					return v, errorf("value "+v.Name, "dimension %d is out of range", x.DimValue)
				}
				v.Shape = append(v.Shape, int(x.DimValue))
				v.DimParams = append(v.DimParams, "")
			case *onnxpb.TensorShapeProto_Dimension_DimParam:
				v.Shape = append(v.Shape, -1)
				v.DimParams = append(v.DimParams, x.DimParam)
			default:
				v.Shape = append(v.Shape, -1)
				v.DimParams = append(v.DimParams, "")
			}
		}
	}
	return v, nil
}

// decodeTensor reads a TensorProto, from raw_data or the typed fields,
// after checking that its declared size is within the limit and matches
// the data it carries.
func decodeTensor(t *onnxpb.TensorProto, lim Limits) (*tensor.Tensor, error) {
	where := "tensor " + t.GetName()
	if t.GetDataLocation() == onnxpb.TensorProto_EXTERNAL {
		return nil, errorf(where, "external data is not supported")
	}
	dt, ok := dtypeOf(t.GetDataType())
	if !ok {
		return nil, errorf(where, "element type %s is not supported", typeName(t.GetDataType()))
	}
	n := int64(1)
	shape := make([]int, len(t.GetDims()))
	for i, d := range t.GetDims() {
		if d < 0 {
			return nil, errorf(where, "negative dimension %d", d)
		}
		if d > 0 && n > lim.MaxTensorElems/d {
			return nil, errorf(where, "shape %v has more than the limit of %d elements", t.GetDims(), lim.MaxTensorElems)
		}
		n *= d
		shape[i] = int(d)
	}
	if n > lim.MaxTensorElems {
		return nil, errorf(where, "shape %v has more than the limit of %d elements", t.GetDims(), lim.MaxTensorElems)
	}
	count := int(n)
	if raw := t.GetRawData(); len(raw) > 0 {
		if int64(len(raw)) != n*int64(dt.Size()) {
			return nil, errorf(where, "raw data of %d bytes for shape %v of %v (want %d)", len(raw), t.GetDims(), dt, n*int64(dt.Size()))
		}
		out, err := tensor.FromBytes(dt, raw, shape...)
		if err != nil {
			return nil, errorf(where, "%v", err)
		}
		return out, nil
	}
	out := tensor.New(dt, shape...)
	have := 0
	switch dt {
	case tensor.Float32:
		have = len(t.GetFloatData())
		if have == count {
			copy(out.Float32s(), t.GetFloatData())
		}
	case tensor.Float64:
		have = len(t.GetDoubleData())
		if have == count {
			copy(out.Float64s(), t.GetDoubleData())
		}
	case tensor.Int64:
		have = len(t.GetInt64Data())
		if have == count {
			copy(out.Int64s(), t.GetInt64Data())
		}
	case tensor.Int32, tensor.Uint8, tensor.Bool:
		// ONNX keeps int32, uint8 and bool values in int32_data.
		have = len(t.GetInt32Data())
		if have == count {
			for i, v := range t.GetInt32Data() {
				out.SetFloat(i, float64(v))
			}
		}
	case tensor.Float16, tensor.BFloat16:
		// ... and 16-bit floats as their bits.
		have = len(t.GetInt32Data())
		if have == count {
			b := make([]byte, 2*count)
			for i, v := range t.GetInt32Data() {
				binary.LittleEndian.PutUint16(b[2*i:], uint16(v))
			}
			var err error
			if out, err = tensor.FromBytes(dt, b, shape...); err != nil {
				return nil, errorf(where, "%v", err)
			}
		}
	}
	if have != count {
		return nil, errorf(where, "%d values for shape %v (want %d)", have, t.GetDims(), count)
	}
	return out, nil
}

func decodeAttr(node string, a *onnxpb.AttributeProto, lim Limits) (Attr, error) {
	where := "node " + node + " attribute " + a.GetName()
	switch a.GetType() {
	case onnxpb.AttributeProto_FLOAT:
		return Attr{Kind: AttrFloat, Float: float64(a.GetF())}, nil
	case onnxpb.AttributeProto_INT:
		return Attr{Kind: AttrInt, Int: a.GetI()}, nil
	case onnxpb.AttributeProto_STRING:
		return Attr{Kind: AttrString, String: string(a.GetS())}, nil
	case onnxpb.AttributeProto_TENSOR:
		t, err := decodeTensor(a.GetT(), lim)
		if err != nil {
			return Attr{}, fmt.Errorf("%s: %w", where, err)
		}
		return Attr{Kind: AttrTensor, Tensor: t}, nil
	case onnxpb.AttributeProto_FLOATS:
		fs := make([]float64, len(a.GetFloats()))
		for i, f := range a.GetFloats() {
			fs[i] = float64(f)
		}
		return Attr{Kind: AttrFloats, Floats: fs}, nil
	case onnxpb.AttributeProto_INTS:
		return Attr{Kind: AttrInts, Ints: a.GetInts()}, nil
	case onnxpb.AttributeProto_STRINGS:
		ss := make([]string, len(a.GetStrings()))
		for i, s := range a.GetStrings() {
			ss[i] = string(s)
		}
		return Attr{Kind: AttrStrings, Strings: ss}, nil
	}
	return Attr{}, errorf(where, "attribute type %v is not supported", a.GetType())
}
