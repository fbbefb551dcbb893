package tf

import (
	"fmt"
	"math/rand/v2"
	"sort"
	"strings"
	"sync"

	"github.com/tensorgo/tensorgo/tensor"
)

// TensorSpec is the static type of a tensor: its dtype and shape (-1 for an
// unknown dimension).
type TensorSpec struct {
	DType tensor.DType // the element type
	Shape tensor.Shape // may hold -1 while a graph is built
}

// OpDef defines an op once for graph mode, eager mode and gradients.
type OpDef struct {
	// Type is the op type name ("MatMul"), also the default op name.
	Type string
	// Infer returns the output specs for the input specs. Shapes may hold
	// unknown (-1) dimensions while a graph is built; when a plan is
	// compiled or an op runs eagerly they are concrete. Impossible inputs
	// panic with a message naming the op and the shapes.
	Infer func(op *Operation, in []TensorSpec) []TensorSpec
	// Kernel computes the outputs. out holds preallocated tensors of the
	// inferred specs (buffers may be reused between runs), unless
	// SetsOutputs, in which case the kernel stores its outputs in out.
	Kernel func(op *Operation, in, out []*tensor.Tensor) error
	// Grad returns the gradients of the op's inputs given those of its
	// outputs (dys[i] may be nil: no gradient flows into output i), written
	// with tf ops so that it works in graph and eager mode and to any
	// order. need[i] says whether input i's gradient is wanted; entries
	// may be nil. A nil Grad makes the op non-differentiable.
	Grad func(op *Operation, dys []*Tensor, need []bool) []*Tensor
	// View marks an op whose output 0 is input 0's storage reshaped
	// (Reshape, Identity): plans alias instead of copying.
	View bool
	// SetsOutputs marks a kernel that sets out[i] itself (variable reads
	// and assignments return the variable's storage).
	SetsOutputs bool
	// Stateful marks ops with side effects or randomness (assignments,
	// dropout). It documents the op; plans run every op a Run needs.
	Stateful bool
}

var (
	regMu    sync.RWMutex
	registry = map[string]*OpDef{}
)

// RegisterOp adds an op definition. It panics if the type is already
// registered or the definition lacks Infer or Kernel.
func RegisterOp(def *OpDef) {
	regMu.Lock()
	defer regMu.Unlock()
	if def.Type == "" || def.Infer == nil || def.Kernel == nil {
		panic(fmt.Sprintf("tf: RegisterOp %q: Type, Infer and Kernel are required", def.Type))
	}
	if _, dup := registry[def.Type]; dup {
		panic(fmt.Sprintf("tf: RegisterOp: op %q registered twice", def.Type))
	}
	registry[def.Type] = def
}

// LookupOp returns the definition of an op type, or nil.
func LookupOp(typ string) *OpDef {
	regMu.RLock()
	defer regMu.RUnlock()
	return registry[typ]
}

// RegisteredOps returns the registered op types, sorted.
func RegisteredOps() []string {
	regMu.RLock()
	defer regMu.RUnlock()
	var names []string
	for n := range registry {
		names = append(names, n)
	}
	sort.Strings(names)
	return names
}

func mustOp(typ string) *OpDef {
	d := LookupOp(typ)
	if d == nil {
		panic(fmt.Sprintf("tf: op %q is not registered", typ))
	}
	return d
}

// attrs are the typed attributes of the built-in ops, read by kernels
// without map lookups.
type attrs struct {
	axes   []int
	keep   bool
	axis   int
	transA bool
	transB bool
	f      float64 // alpha, rate, lower bound, ...
	f2     float64 // upper bound, ...
	ints   []int   // shape, perm, begin
	ints2  []int   // size
	dtype  tensor.DType
	value  *tensor.Tensor
	n      int
	fs     []float64   // optimizer hyperparameters
	vars   []*Variable // optimizer slot variables
	pcg    *rand.PCG
	mu     *sync.Mutex
	set    uint32         // which of the names get reports
	m      map[string]any // attributes of ops defined outside this package
}

const (
	hasAxes = 1 << iota
	hasKeep
	hasAxis
	hasTrans
	hasAlpha
	hasBounds
	hasShape
	hasPerm
	hasBeginSize
	hasDType
	hasValue
	hasDepth
	hasRate
)

func (a *attrs) get(name string) any {
	switch {
	case name == "axes" && a.set&hasAxes != 0:
		return a.axes
	case name == "keep_dims" && a.set&hasKeep != 0:
		return a.keep
	case name == "axis" && a.set&hasAxis != 0:
		return a.axis
	case name == "transpose_a" && a.set&hasTrans != 0:
		return a.transA
	case name == "transpose_b" && a.set&hasTrans != 0:
		return a.transB
	case name == "alpha" && a.set&hasAlpha != 0:
		return a.f
	case name == "rate" && a.set&hasRate != 0:
		return a.f
	case name == "clip_value_min" && a.set&hasBounds != 0:
		return a.f
	case name == "clip_value_max" && a.set&hasBounds != 0:
		return a.f2
	case name == "shape" && a.set&hasShape != 0:
		return a.ints
	case name == "perm" && a.set&hasPerm != 0:
		return a.ints
	case name == "begin" && a.set&hasBeginSize != 0:
		return a.ints
	case name == "size" && a.set&hasBeginSize != 0:
		return a.ints2
	case name == "dtype" && a.set&hasDType != 0:
		return a.dtype
	case name == "value" && a.set&hasValue != 0:
		return a.value
	case name == "depth" && a.set&hasDepth != 0:
		return a.n
	}
	return nil
}

// NewOp adds an op of a registered type: to the inputs' graph when any input
// is symbolic (eager inputs then become constants of that graph), otherwise
// it runs at once and returns a record holding the values. attrs are
// available to the kernel through Operation.Attr.
func NewOp(typ string, inputs []*Tensor, attrMap map[string]any, opts ...Option) *Operation {
	op := build(mustOp(typ), nil, inputs, attrs{m: attrMap}, nil, opts)
	if op.graph == nil {
		runEager(op)
	}
	return op
}

// build creates an op. In graph mode it is added to the graph; in eager
// mode the caller runs it (runEager).
func build(def *OpDef, g *Graph, inputs []*Tensor, a attrs, v *Variable, opts []Option) *Operation {
	for _, in := range inputs {
		if in == nil {
			panic(fmt.Sprintf("tf: %s: nil input", def.Type))
		}
		if in.graph != nil {
			if g != nil && g != in.graph {
				panic(fmt.Sprintf("tf: %s: inputs %s and %s belong to different graphs", def.Type, describe(inputs[0]), in.Name()))
			}
			g = in.graph
		}
	}
	if v != nil && v.graph != nil && g == nil {
		g = v.graph
	}
	if v != nil && v.graph != nil {
		if g != v.graph {
			panic(fmt.Sprintf("tf: %s: variable %s belongs to another graph than the inputs", def.Type, v.name))
		}
	}
	op := &Operation{def: def, a: a, variable: v, attrs: a.m}
	if g == nil {
		op.inputs = inputs
		return op
	}
	var cfg opConfig
	for _, o := range opts {
		o(&cfg)
	}
	ins := make([]*Tensor, len(inputs))
	for i, in := range inputs {
		switch {
		case in.graph == nil && in.source != nil:
			in = in.source.In(g) // an eager variable read: read it in g
		case in.graph == nil:
			in = Const(g, in.value)
		}
		ins[i] = in
	}
	op.graph, op.inputs = g, ins
	name := cfg.name
	if name == "" {
		name = def.Type
	}
	op.name = g.uniqueName(g.prefix() + name)
	op.device = canonicalDevice(cfg.device)
	specs := inferSpecs(op, ins)
	op.outputs = make([]*Tensor, len(specs))
	for i, s := range specs {
		op.outputs[i] = &Tensor{op: op, index: i, dtype: s.DType, shape: s.Shape, graph: g}
	}
	op.id = len(g.ops)
	g.ops = append(g.ops, op)
	g.byName[op.name] = op
	return op
}

func describe(t *Tensor) string {
	if t.graph == nil {
		return fmt.Sprintf("<eager %v %v>", t.dtype, t.shape)
	}
	return t.Name()
}

func inferSpecs(op *Operation, ins []*Tensor) []TensorSpec {
	in := make([]TensorSpec, len(ins))
	for i, t := range ins {
		in[i] = TensorSpec{t.dtype, t.shape}
	}
	return op.def.Infer(op, in)
}

// runEager computes an eager op and records it when gradients may flow.
func runEager(op *Operation) {
	specs := inferSpecs(op, op.inputs)
	vals := make([]*tensor.Tensor, len(specs))
	if !op.def.SetsOutputs {
		for i, s := range specs {
			vals[i] = tensor.New(s.DType, s.Shape...)
		}
	}
	in := make([]*tensor.Tensor, len(op.inputs))
	for i, t := range op.inputs {
		in[i] = t.value
	}
	if err := op.def.Kernel(op, in, vals); err != nil {
		panic(fmt.Sprintf("tf: %s: %v", op.def.Type, err))
	}
	record := false
	if op.def.Grad != nil {
		for _, t := range op.inputs {
			if t.requiresGrad() {
				record = true
				break
			}
		}
	}
	op.outputs = make([]*Tensor, len(vals))
	for i, v := range vals {
		t := &Tensor{index: i, dtype: v.DType(), shape: v.Shape(), value: v}
		if record {
			t.op = op
		}
		op.outputs[i] = t
	}
	if !record {
		op.inputs = nil // let unrecorded eager inputs be collected
	}
}

// apply builds (graph) or runs (eager) a built-in op and returns its outputs.
func apply(typ string, a attrs, opts []Option, inputs ...*Tensor) []*Tensor {
	op := build(mustOp(typ), nil, inputs, a, nil, opts)
	if op.graph == nil {
		runEager(op)
	}
	return op.outputs
}

// apply1 is apply for single-output ops.
func apply1(typ string, a attrs, opts []Option, inputs ...*Tensor) *Tensor {
	return apply(typ, a, opts, inputs...)[0]
}

// shapePanic panics with a message naming the op and its input shapes.
func shapePanic(op *Operation, in []TensorSpec, format string, args ...any) {
	var b strings.Builder
	for i, s := range in {
		if i > 0 {
			b.WriteString(", ")
		}
		fmt.Fprintf(&b, "%v %v", s.DType, s.Shape)
	}
	name := op.name
	if name == "" {
		name = op.def.Type
	}
	panic(fmt.Sprintf("tf: %s (%s) with inputs [%s]: %s", name, op.def.Type, b.String(), fmt.Sprintf(format, args...)))
}
