package tf

import (
	"fmt"
	"sort"
	"sync"

	"github.com/tensorgo/tensorgo/tensor"
)

// TensorSpec is the static type of a tensor: its dtype and shape (-1 for an
// unknown dimension).
type TensorSpec struct {
	DType tensor.DType // the element type
	Shape tensor.Shape // may hold -1 while a graph is built
}

// KernelFunc computes an op's outputs from its inputs on one device. out
// holds preallocated tensors of the inferred specs (buffers may be reused
// between runs), unless the OpDef SetsOutputs, in which case the kernel
// stores its outputs in out.
type KernelFunc func(op *Operation, in, out []*tensor.Tensor) error

// OpDef defines an op once for graph mode, eager mode and gradients: its
// attributes, shape inference, its kernels (one per device type), its
// gradient, and the properties plans and gradients go by.
type OpDef struct {
	// Type is the op type name ("MatMul"), also the default op name.
	Type string
	// Attrs declares the op's attributes (name, type, default) in the
	// order their values are stored; see Operation.Attrs and AttrAt.
	Attrs []AttrDef
	// Infer returns the output specs for the input specs. Shapes may hold
	// unknown (-1) dimensions while a graph is built; when a plan is
	// compiled or an op runs eagerly they are concrete. Impossible inputs
	// panic with a *ShapeError or *DTypeError naming the op and the shapes.
	Infer func(op *Operation, in []TensorSpec) []TensorSpec
	// Kernel is the op's CPU kernel (device type "CPU"); RegisterKernel adds
	// kernels for other device types.
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
	// Constant marks an op whose only output is its first attribute, a
	// *tensor.Tensor (Const): plans bind the value when they compile and
	// run nothing.
	Constant bool
	// Fed marks an op whose output must be fed (Placeholder): a Run that
	// needs it unfed is an error.
	Fed bool
	// ControlOnly marks an op that computes nothing and only orders the
	// ops it depends on (NoOp).
	ControlOnly bool
	// ReadsVariable marks the read of a variable (VariableV2): gradients
	// with respect to the variable flow out of it.
	ReadsVariable bool
	// AssignsVariable marks an op that writes its variable (Assign, the
	// optimizer updates): plans run it after every op that does not depend
	// on it, so that reads in the same Run see the value before the step.
	AssignsVariable bool
	// Host marks an op whose kernel only moves references or host state
	// (constants, feeds, variable reads): it is the same on every device,
	// so devices need no kernel of their own for it.
	Host bool
}

// kernelKey indexes the kernel table: an op type on a device type.
type kernelKey struct{ op, device string }

// kernelTable is the kernel table, read when plans compile (never per Run).
var kernelTable = map[kernelKey]KernelFunc{}

// KernelFor returns the op's kernel for a device type ("CPU", "REF"), or
// nil when that device has none. A Host op's CPU kernel serves every
// device.
func (def *OpDef) KernelFor(deviceType string) KernelFunc {
	regMu.RLock()
	defer regMu.RUnlock()
	if k := kernelTable[kernelKey{def.Type, deviceType}]; k != nil {
		return k
	}
	if def.Host {
		return kernelTable[kernelKey{def.Type, "CPU"}]
	}
	return nil
}

// RegisterKernel adds the kernel of an op type for a device type ("REF",
// later "GPU"); the op may be registered before or after. It panics if the
// device type is not known (RegisterDeviceType) or the kernel is already
// there. A backend calls it from an init function.
func RegisterKernel(opType, deviceType string, k KernelFunc) {
	if !knownDeviceType(deviceType) {
		panic(fmt.Sprintf("tf: RegisterKernel %s: unknown device type %q", opType, deviceType))
	}
	regMu.Lock()
	defer regMu.Unlock()
	if k == nil {
		panic(fmt.Sprintf("tf: RegisterKernel %s on %s: nil kernel", opType, deviceType))
	}
	key := kernelKey{opType, deviceType}
	if _, dup := kernelTable[key]; dup {
		panic(fmt.Sprintf("tf: RegisterKernel: op %s already has a %s kernel", opType, deviceType))
	}
	kernelTable[key] = k
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
	for _, a := range def.Attrs {
		if a.Name == "" || a.Type == 0 || a.Type > AttrAny {
			panic(fmt.Sprintf("tf: RegisterOp %q: attribute %q needs a name and a type", def.Type, a.Name))
		}
		if a.Default != nil {
			if _, ok := checkAttr(a.Type, a.Default); !ok {
				panic(fmt.Sprintf("tf: RegisterOp %q: default %v of attribute %s is not of type %v", def.Type, a.Default, a.Name, a.Type))
			}
		}
	}
	if _, dup := kernelTable[kernelKey{def.Type, "CPU"}]; dup {
		panic(fmt.Sprintf("tf: RegisterOp %q: a CPU kernel is already registered", def.Type))
	}
	kernelTable[kernelKey{def.Type, "CPU"}] = def.Kernel
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

// NewOp adds an op of a registered type: to the inputs' graph when any input
// is symbolic (eager inputs then become constants of that graph), otherwise
// it runs at once and returns a record holding the values. attrMap gives
// attribute values by name: declared attributes are type-checked, others
// are kept as extra attributes; all are available through Operation.Attr.
func NewOp(typ string, inputs []*Tensor, attrMap map[string]any, opts ...Option) *Operation {
	op := buildNamed(mustOp(typ), nil, inputs, nil, attrMap, nil, opts)
	if op.graph == nil {
		runEager(op)
	}
	return op
}

// build creates an op. In graph mode it is added to the graph; in eager
// mode the caller runs it (runEager).
func build(def *OpDef, g *Graph, inputs []*Tensor, a attrs, v *Variable, opts []Option) *Operation {
	return buildNamed(def, g, inputs, a, nil, v, opts)
}

func buildNamed(def *OpDef, g *Graph, inputs []*Tensor, a attrs, m map[string]any, v *Variable, opts []Option) *Operation {
	for _, in := range inputs {
		if in == nil {
			panic(opErr(def.Type, "nil input"))
		}
		if in.graph != nil {
			if g != nil && g != in.graph {
				panic(opErr(def.Type, "inputs %s and %s belong to different graphs", describe(inputs[0]), in.Name()))
			}
			g = in.graph
		}
	}
	if v != nil && v.graph != nil && g == nil {
		g = v.graph
	}
	if v != nil && v.graph != nil {
		if g != v.graph {
			panic(opErr(def.Type, "variable %s belongs to another graph than the inputs", v.name))
		}
	}
	op := &Operation{def: def, variable: v}
	op.setAttrs(a, m)
	var cfg opConfig
	for _, o := range opts {
		o(&cfg)
	}
	if cfg.device == "" && g != nil && len(g.devScopes) > 0 {
		cfg.device = g.devScopes[len(g.devScopes)-1]
	}
	if cfg.device != "" {
		op.device = canonicalDevice(cfg.device)
	}
	if g == nil {
		op.inputs = inputs
		return op
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
	_, k := placeOp(op, "")
	if err := k(op, in, vals); err != nil {
		if e, ok := err.(Error); ok {
			panic(e)
		}
		panic(&KernelError{Op: op.def.Type, Err: err})
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
