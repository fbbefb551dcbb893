package tf

import (
	"fmt"
	"sync"

	"github.com/tensorgo/tensorgo/tensor"
)

// Variable is a mutable tensor that keeps its value itself (a resource
// variable): graphs read and assign it through ops, eager code reads and
// assigns it directly, and both see the same storage. A graph variable has
// no value until its initializer runs; an eager variable (NewVariable with a
// nil graph) is initialised at once and can also be used in any graph
// through In.
type Variable struct {
	graph     *Graph // graph it was created in (nil: eager)
	name      string
	dtype     tensor.DType
	shape     tensor.Shape
	trainable bool

	mu      sync.Mutex
	value   *tensor.Tensor
	reads   map[*Graph]*Tensor
	initOp  *Operation
	initial *Tensor
}

// Trainable sets whether a variable is trainable (default true): trainable
// variables are collected by TrainableVariables and recorded by gradient
// tapes automatically.
func Trainable(b bool) Option { return func(c *opConfig) { c.trainable = &b } }

// NewVariable creates a variable. initial is a *tensor.Tensor, a Go value
// (converted as Const converts it), a func() *tensor.Tensor, or (graph mode) a *Tensor
// of the graph computed when the initializer runs. With g == nil the
// variable is eager and initialised now; otherwise it is added to g and
// holds no value until Initializer (or GlobalVariablesInitializer) runs.
// Options: Name, Trainable, Device.
func NewVariable(g *Graph, initial any, opts ...Option) *Variable {
	var cfg opConfig
	for _, o := range opts {
		o(&cfg)
	}
	v := &Variable{graph: g, trainable: true}
	if cfg.trainable != nil {
		v.trainable = *cfg.trainable
	}
	var init *tensor.Tensor
	switch x := initial.(type) {
	case *Tensor:
		if x.graph == nil {
			init = x.value.Clone()
		} else {
			if g == nil || x.graph != g {
				panic(opErr("NewVariable", "initial value %s belongs to another graph", x.Name()))
			}
			v.initial = x
		}
	case *tensor.Tensor:
		init = x.Clone()
	case func() *tensor.Tensor:
		init = x()
	default:
		init = toTensor(initial).Clone()
	}
	if init != nil {
		v.dtype, v.shape = init.DType(), init.Shape().Clone()
	} else {
		v.dtype, v.shape = v.initial.dtype, v.initial.shape.Clone()
	}
	base := cfg.name
	if base == "" {
		base = "Variable"
	}
	if g == nil {
		v.name = base + ":0"
		v.value = init
		return v
	}
	read := build(mustOp("VariableV2"), g, nil, attrs{v.dtype, v.shape}, v, []Option{Name(base), Device(cfg.device)})
	v.name = read.name + ":0"
	v.reads = map[*Graph]*Tensor{g: read.outputs[0]}
	if v.initial == nil {
		exit := g.NameScope(read.name + "/")
		v.initial = Const(g, init, Name("initial_value"))
		exit()
	}
	exit := g.NameScope(read.name + "/")
	v.initOp = build(mustOp("Assign"), g, []*Tensor{v.initial}, attrs{}, v, []Option{Name("Assign")})
	exit()
	g.vars = append(g.vars, v)
	return v
}

// Name returns the variable's name as TensorFlow prints it ("w:0").
func (v *Variable) Name() string { return v.name }

// OpName returns the name without the output suffix ("w").
func (v *Variable) OpName() string { return v.name[:len(v.name)-2] }

// DType returns the element type.
func (v *Variable) DType() tensor.DType { return v.dtype }

// Shape returns the shape.
func (v *Variable) Shape() tensor.Shape { return v.shape }

// Trainable reports whether the variable is trainable.
func (v *Variable) Trainable() bool { return v.trainable }

// SetTrainable freezes (false) or unfreezes a variable (transfer learning).
// Plans already compiled keep what they computed.
func (v *Variable) SetTrainable(b bool) { v.trainable = b }

// Graph returns the graph the variable was created in (nil if eager).
func (v *Variable) Graph() *Graph { return v.graph }

// Initializer returns the op that assigns the initial value (nil for eager
// variables, which are initialised at creation).
func (v *Variable) Initializer() *Operation { return v.initOp }

// Initialized reports whether the variable holds a value.
func (v *Variable) Initialized() bool { return v.value != nil }

// Value returns the current value, shared with the variable (nil before
// initialisation). Callers must not keep it across updates if they need a
// snapshot: Clone it.
func (v *Variable) Value() *tensor.Tensor { return v.value }

// SetValue writes x into the variable (checkpoints, Keras set_weights). The
// shape and dtype must match the variable's.
func (v *Variable) SetValue(x *tensor.Tensor) error {
	if x.DType() != v.dtype || !x.Shape().Equal(v.shape) {
		return fmt.Errorf("tf: variable %s: cannot set a %v %v value on a %v %v variable", v.name, x.DType(), x.Shape(), v.dtype, v.shape)
	}
	if v.value == nil {
		v.value = x.Clone()
	} else {
		v.value.CopyFrom(x)
	}
	return nil
}

// Tensor returns the variable's value as a Tensor: in graph mode the
// variable's read tensor ("w:0"); in eager mode a snapshot of the current
// value, recorded for gradients when the variable is trainable.
func (v *Variable) Tensor() *Tensor {
	if v.graph != nil {
		return v.In(v.graph)
	}
	return v.eagerRead()
}

// In returns the tensor reading v in graph g (created once per graph), so an
// eager variable can be used by a compiled graph and still share its value.
func (v *Variable) In(g *Graph) *Tensor {
	if g == nil {
		return v.eagerRead()
	}
	v.mu.Lock()
	t := v.reads[g]
	v.mu.Unlock()
	if t != nil {
		return t
	}
	if v.graph != nil && v.graph != g {
		panic(opErr("", "variable %s belongs to another graph", v.name))
	}
	op := build(mustOp("VariableV2"), g, nil, attrs{v.dtype, v.shape}, v, []Option{Name(v.OpName())})
	v.mu.Lock()
	if v.reads == nil {
		v.reads = map[*Graph]*Tensor{}
	}
	v.reads[g] = op.outputs[0]
	v.mu.Unlock()
	g.vars = append(g.vars, v)
	return op.outputs[0]
}

func (v *Variable) eagerRead() *Tensor {
	if v.value == nil {
		panic(opErr("", "variable %s is uninitialised", v.name))
	}
	t := &Tensor{dtype: v.dtype, shape: v.value.Shape(), value: v.value.Clone(), source: v}
	if v.trainable {
		op := &Operation{def: mustOp("VariableV2"), variable: v, outputs: []*Tensor{t}, attrVals: []any{v.dtype, v.shape}}
		t.op = op
	}
	return t
}

// Assign writes x into the variable: an op in graph mode (its output is the
// new value), immediately in eager mode (returning the new value).
func (v *Variable) Assign(x *Tensor) *Tensor { return v.assignOp("Assign", x) }

// AssignAdd adds x to the variable (see Assign).
func (v *Variable) AssignAdd(x *Tensor) *Tensor { return v.assignOp("AssignAdd", x) }

// AssignSub subtracts x from the variable (see Assign).
func (v *Variable) AssignSub(x *Tensor) *Tensor { return v.assignOp("AssignSub", x) }

func (v *Variable) assignOp(typ string, x *Tensor) *Tensor {
	op := build(mustOp(typ), nil, []*Tensor{x}, attrs{}, v, nil)
	if op.graph == nil {
		runEager(op)
		return &Tensor{dtype: v.dtype, shape: v.shape, value: v.value.Clone()}
	}
	return op.outputs[0]
}

// GlobalVariablesInitializer returns an op running every initializer of g's
// variables (those created in g).
//
// A nil g (eager mode, whose variables are initialised at creation) gives
// an op that does nothing.
func GlobalVariablesInitializer(g *Graph) *Operation {
	if g == nil {
		return Group(nil, nil)
	}
	var inits []*Operation
	for _, v := range g.vars {
		if v.initOp != nil && v.graph == g {
			inits = append(inits, v.initOp)
		}
	}
	return Group(g, inits, Name("init"))
}

// Group returns a NoOp that runs all of ops.
func Group(g *Graph, ops []*Operation, opts ...Option) *Operation {
	if g == nil {
		return &Operation{def: mustOp("NoOp")}
	}
	return addNoOp(g, ops, opts)
}

func addNoOp(g *Graph, deps []*Operation, opts []Option) *Operation {
	var cfg opConfig
	for _, o := range opts {
		o(&cfg)
	}
	name := cfg.name
	if name == "" {
		name = "NoOp"
	}
	op := &Operation{graph: g, def: mustOp("NoOp"), name: g.uniqueName(g.prefix() + name), device: canonicalDeviceOrEmpty(cfg.device), id: len(g.ops)}
	for _, d := range deps {
		op.AddControlInput(d)
	}
	g.ops = append(g.ops, op)
	g.byName[op.name] = op
	return op
}

// GlobalVariables returns the variables used in g (created in g or read
// through In), in creation order.
// A nil g (eager mode) has none.
func GlobalVariables(g *Graph) []*Variable {
	if g == nil {
		return nil
	}
	seen := map[*Variable]bool{}
	var out []*Variable
	for _, v := range g.vars {
		if !seen[v] {
			seen[v] = true
			out = append(out, v)
		}
	}
	return out
}

// TrainableVariables returns GlobalVariables(g) that are trainable.
func TrainableVariables(g *Graph) []*Variable {
	var out []*Variable
	for _, v := range GlobalVariables(g) {
		if v.trainable {
			out = append(out, v)
		}
	}
	return out
}
