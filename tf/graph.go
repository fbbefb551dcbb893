package tf

import (
	"fmt"
	"strconv"
	"strings"
	"sync"

	"github.com/tensorgo/tensorgo/tensor"
)

// Element types, re-exported so that graph-building code needs one import.
const (
	Float32 = tensor.Float32
	Float64 = tensor.Float64
	Int32   = tensor.Int32
	Int64   = tensor.Int64
	Uint8   = tensor.Uint8
	Bool    = tensor.Bool
)

// Shape is tensor.Shape: -1 marks an unknown dimension (printed None).
type Shape = tensor.Shape

// DefaultDevice is the device string every op is placed on unless told
// otherwise: tensorgo runs on the local CPU.
const DefaultDevice = "/job:localhost/replica:0/task:0/device:CPU:0"

// Graph is a TensorFlow-1 style data-flow graph: Operations whose outputs
// (Tensors) feed other Operations. Build it from one goroutine; once built,
// Sessions may run it from many.
type Graph struct {
	ops     []*Operation
	byName  map[string]*Operation
	used    map[string]int // names (ops and scopes) in use, for uniquifying
	scopes  []string
	vars    []*Variable
	nextVar int

	devScopes []string             // open device scopes, innermost last
	varScopes []varScope           // open variable scopes, innermost last
	byVarName map[string]*Variable // variables made by GetVariable
}

// NewGraph returns an empty graph.
func NewGraph() *Graph {
	return &Graph{byName: map[string]*Operation{}, used: map[string]int{}}
}

var (
	defaultMu    sync.Mutex
	defaultGraph = NewGraph()
)

// DefaultGraph returns the process-wide default graph, a convenience for
// TF1-style code, which passes it where a graph is wanted
// (Placeholder(tf.DefaultGraph(), ...)): a nil graph always means eager.
func DefaultGraph() *Graph {
	defaultMu.Lock()
	defer defaultMu.Unlock()
	return defaultGraph
}

// ResetDefaultGraph replaces the default graph by an empty one.
func ResetDefaultGraph() {
	defaultMu.Lock()
	defer defaultMu.Unlock()
	defaultGraph = NewGraph()
}

// NameScope opens a name scope: ops created until exit is called get names
// prefixed with the scope ("loss/Mean"). Reusing a scope name gives a unique
// scope ("loss_1"), as in TensorFlow; a name ending in "/" is used as is.
// Use it as: defer g.NameScope("loss")().
func (g *Graph) NameScope(name string) (exit func()) {
	var full string
	if strings.HasSuffix(name, "/") {
		full = strings.TrimSuffix(name, "/")
	} else if name == "" {
		full = ""
	} else {
		full = g.uniqueName(g.prefix() + name)
	}
	n := len(g.scopes)
	g.scopes = append(g.scopes, full)
	return func() { g.scopes = g.scopes[:n] }
}

// WithNameScope calls fn inside the name scope name.
func (g *Graph) WithNameScope(name string, fn func()) {
	defer g.NameScope(name)()
	fn()
}

func (g *Graph) prefix() string {
	if len(g.scopes) == 0 || g.scopes[len(g.scopes)-1] == "" {
		return ""
	}
	return g.scopes[len(g.scopes)-1] + "/"
}

// uniqueName returns name, or name_1, name_2, ... whichever is not yet used,
// and marks it used (TensorFlow's unique_name).
func (g *Graph) uniqueName(name string) string {
	key := strings.ToLower(name)
	if _, ok := g.used[key]; !ok {
		g.used[key] = 1
		return name
	}
	for i := g.used[key]; ; i++ {
		cand := name + "_" + strconv.Itoa(i)
		if _, ok := g.used[strings.ToLower(cand)]; !ok {
			g.used[key] = i + 1
			g.used[strings.ToLower(cand)] = 1
			return cand
		}
	}
}

// Operations returns the graph's operations in creation order.
func (g *Graph) Operations() []*Operation { return append([]*Operation(nil), g.ops...) }

// Operation returns the operation with the given name, or nil.
func (g *Graph) Operation(name string) *Operation { return g.byName[name] }

// Tensor returns the tensor with the given name ("Const_1:0"; "Const_1"
// means output 0).
func (g *Graph) Tensor(name string) (*Tensor, error) {
	opName, idx := name, 0
	if i := strings.LastIndexByte(name, ':'); i >= 0 {
		n, err := strconv.Atoi(name[i+1:])
		if err != nil {
			return nil, fmt.Errorf("tf: Graph.Tensor: bad tensor name %q", name)
		}
		opName, idx = name[:i], n
	}
	op := g.byName[opName]
	if op == nil {
		return nil, fmt.Errorf("tf: Graph.Tensor: the graph has no operation %q", opName)
	}
	if idx < 0 || idx >= len(op.outputs) {
		return nil, fmt.Errorf("tf: Graph.Tensor: operation %q has %d outputs, no output %d", opName, len(op.outputs), idx)
	}
	return op.outputs[idx], nil
}

// Operation is one node of a graph (or, in eager mode, the record of one
// computed op kept for gradients).
type Operation struct {
	graph    *Graph
	def      *OpDef
	name     string
	device   string
	id       int
	inputs   []*Tensor
	control  []*Operation
	outputs  []*Tensor
	attrVals []any          // values of the OpDef's declared attributes, in order
	extra    map[string]any // undeclared attributes (ops defined outside tf)
	state    any            // per-op kernel state (a random stream)
	slots    []*Variable    // optimizer slot variables of an update op
	variable *Variable
}

// Type returns the op type ("MatMul").
func (op *Operation) Type() string { return op.def.Type }

// Name returns the op's unique name in its graph ("loss/Mean").
func (op *Operation) Name() string { return op.name }

// Graph returns the op's graph (nil for an eager record).
func (op *Operation) Graph() *Graph { return op.graph }

// Device returns the device the op was placed on when it was built (the
// full form of its Device option, DefaultDevice without one). A Session may
// run it elsewhere: on the session's device (SessionDevice) when the op
// names none, or on the CPU when the device does not exist (soft
// placement); LogDevicePlacement shows where it really runs.
func (op *Operation) Device() string {
	if op.device == "" {
		return DefaultDevice
	}
	return op.device
}

// Inputs returns the op's input tensors.
func (op *Operation) Inputs() []*Tensor { return op.inputs }

// ControlInputs returns the ops that must run before this one.
func (op *Operation) ControlInputs() []*Operation { return op.control }

// Outputs returns the op's output tensors.
func (op *Operation) Outputs() []*Tensor { return op.outputs }

// NumOutputs returns the number of outputs.
func (op *Operation) NumOutputs() int { return len(op.outputs) }

// Output returns output i.
func (op *Operation) Output(i int) *Tensor { return op.outputs[i] }

// Variable returns the variable a variable op (read, assign, optimizer
// update) works on, or nil.
func (op *Operation) Variable() *Variable { return op.variable }

// AddControlInput makes dep run before op whenever op runs.
func (op *Operation) AddControlInput(dep *Operation) {
	if dep.graph != op.graph {
		panic(opErr("AddControlInput", "%s and %s are in different graphs", op.name, dep.name))
	}
	op.control = append(op.control, dep)
}

// String describes the operation by name and type.
func (op *Operation) String() string {
	return fmt.Sprintf("tf.Operation %q type=%s", op.name, op.def.Type)
}

// Tensor is one output of an op. In graph mode it is symbolic (Graph() !=
// nil, Value() == nil): run it in a Session. In eager mode it holds a
// value, computed when the op was called. The same op functions build both.
type Tensor struct {
	op    *Operation // producer: graph op, or eager record (nil for an unrecorded eager value)
	index int
	dtype tensor.DType
	shape tensor.Shape
	value *tensor.Tensor // eager value
	// watched marks an eager tensor whose uses are recorded for gradients.
	watched bool
	graph   *Graph
	// source is the variable an eager read came from: a graph op given
	// this tensor reads the variable in its graph instead of freezing the
	// snapshot into a constant.
	source *Variable
}

// Name returns "<op name>:<output index>" ("Const_1:0"); eager tensors have
// no name and return "".
func (t *Tensor) Name() string {
	if t.graph == nil {
		return ""
	}
	return t.op.name + ":" + strconv.Itoa(t.index)
}

// Op returns the producing operation (nil for an eager value that is not
// recorded for gradients).
func (t *Tensor) Op() *Operation { return t.op }

// Index returns the output index within the producing op.
func (t *Tensor) Index() int { return t.index }

// Graph returns the graph t belongs to, nil in eager mode.
func (t *Tensor) Graph() *Graph { return t.graph }

// Shape returns the static shape (-1 for unknown dimensions). The caller
// must not modify it.
func (t *Tensor) Shape() tensor.Shape { return t.shape }

// DType returns the element type.
func (t *Tensor) DType() tensor.DType { return t.dtype }

// Rank returns the number of dimensions.
func (t *Tensor) Rank() int { return len(t.shape) }

// Value returns the eager value (nil in graph mode).
func (t *Tensor) Value() *tensor.Tensor { return t.value }

// IsEager reports whether t holds a value.
func (t *Tensor) IsEager() bool { return t.graph == nil }

// String describes t as TensorFlow does.
func (t *Tensor) String() string {
	if t.graph == nil {
		if t.value == nil {
			return "tf.Tensor(<nil>)"
		}
		return fmt.Sprintf("tf.Tensor(\n%v, shape=%v, dtype=%v)", t.value.ValuesString(), t.shape, t.dtype)
	}
	return fmt.Sprintf("Tensor(%q, shape=%v, dtype=%v)", t.Name(), t.shape, t.dtype)
}

// requiresGrad reports whether uses of an eager tensor are recorded.
func (t *Tensor) requiresGrad() bool { return t.graph == nil && (t.watched || t.op != nil) }

// Option configures an op being built.
type Option func(*opConfig)

type opConfig struct {
	name      string
	device    string
	trainable *bool
}

// Name names the op (made unique within its graph and scope).
func Name(n string) Option { return func(c *opConfig) { c.name = n } }

// Device places the op on a device: "/cpu:0", "/device:CPU:0", "/gpu:0",
// RefDevice or a full "/job:localhost/replica:0/task:0/device:CPU:0"
// string; partial specifications take the defaults of DeviceSpec.String.
// A string that is not a device specification panics with a *DeviceError
// naming it. A device the process does not have runs the op on the CPU
// (soft placement).
func Device(d string) Option {
	if _, err := ParseDevice(d); err != nil {
		panic(err)
	}
	return func(c *opConfig) { c.device = d }
}
