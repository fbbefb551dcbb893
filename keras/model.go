package keras

import (
	"fmt"
	"io"
	"reflect"
	"sync"

	"github.com/tensorgo/tensorgo/keras/internal/layerutil"
	"github.com/tensorgo/tensorgo/keras/layers"
	"github.com/tensorgo/tensorgo/tensor"
	"github.com/tensorgo/tensorgo/tf"
)

type modelKind int

const (
	sequentialModel modelKind = iota
	functionalModel
	subclassedModel
)

// Caller is what a subclassed model defines: its forward pass, calling its
// layers (with Apply) on x. training is true while fitting.
type Caller interface {
	Call(x *tf.Tensor, training bool) *tf.Tensor
}

// Model is a Keras model: a Sequential stack, a functional graph of layers
// or a subclassed model. Build it with NewSequential, NewModel or
// NewSubclassed, then Compile and Fit.
//
// A Model is not safe for concurrent use while it trains (Fit), nor while
// it is being built, compiled or changed (Add, Pop, Compile, SetWeights); a
// model that is not training may serve Predict, PredictAll and Evaluate
// from several goroutines at once.
type Model struct {
	fitOut io.Writer    // Fit's Output while Fit runs, for callbacks' messages
	fit    *fitProgress // where a running Fit is, for checkpoints (resume.go)

	name string
	kind modelKind

	seq []layers.Layer // sequential

	fnInputs  []*tf.Tensor // functional: traced inputs and outputs
	fnOutputs []*tf.Tensor
	outNames  []string // functional outputs: the producing layers' names, as Keras names them in logs
	nodes     []*layerutil.Node

	caller Caller // subclassed

	named bool       // the name was given (ModelName)
	scope modelScope // what keys the variables (variables.go)

	layerList []layers.Layer // every layer, in call order
	inputs    []tensor.Shape // batch-first input shapes once known
	inDTypes  []tensor.DType

	// model graph: placeholders, inference and training outputs.
	g         *tf.Graph
	sess      *tf.Session
	inPh      []*tf.Tensor
	inferOut  []*tf.Tensor
	trainOut  []*tf.Tensor
	actLosses []*tf.Tensor    // activity penalties of the training pass
	inferAct  []*tf.Tensor    // activity penalties of the inference pass
	updates   []*tf.Operation // layer updates of the training pass (AddUpdate)

	comp  *compiled
	steps map[stepKey]*step

	// StopTraining ends Fit after the current epoch (callbacks set it).
	StopTraining bool

	// mu guards the graph: building the model or a step writes it, running
	// a step reads it.
	mu sync.RWMutex
	// sharedMetrics serialises Evaluate calls whose metrics are objects the
	// user gave Compile (shared by every call).
	sharedMetrics sync.Mutex
}

// NewSequential returns a Sequential model: the layers applied one after
// the other. Give the first layer an InputShape (or start with
// layers.Input) to build it at once; otherwise it is built from the data on
// the first Fit, Evaluate or Predict, as in Keras.
func NewSequential(ls ...layers.Layer) *Model {
	m := &Model{name: layerutil.UniqueName("sequential"), kind: sequentialModel}
	for _, l := range ls {
		m.Add(l)
	}
	return m
}

// Add appends a layer to a Sequential model.
func (m *Model) Add(l layers.Layer) {
	if m.kind != sequentialModel {
		panic("keras: Add works on Sequential models only")
	}
	// Adding to a built model rebuilds its graph on next use (the layers
	// already built keep their weights).
	m.g, m.sess, m.steps = nil, nil, nil
	if in, ok := l.(*layers.InputLayer); ok {
		if len(m.seq) > 0 {
			panic("keras: an Input layer can only come first in a Sequential model")
		}
		m.inputs = []tensor.Shape{in.BatchInputShape()}
		return
	}
	l.LayerBase().Name() // fix the automatic name now, in model order
	if len(m.seq) == 0 && l.LayerBase().InputShape() != nil {
		m.inputs = []tensor.Shape{l.LayerBase().BatchInputShape()}
		m.inDTypes = []tensor.DType{l.LayerBase().DType()}
	}
	m.seq = append(m.seq, l)
	m.layerList = append(m.layerList, l)
	if m.inputs != nil {
		m.mustBuild()
	}
}

// ensureBuilt builds the model if its input shape is known.
func (m *Model) ensureBuilt() error {
	if m.g != nil || m.inputs == nil {
		return nil
	}
	return m.Build(m.inputs[0][1:]...)
}

// Pop removes the last layer of an unbuilt Sequential model.
func (m *Model) Pop() {
	if m.kind != sequentialModel || len(m.seq) == 0 {
		panic("keras: Pop needs a Sequential model with layers")
	}
	m.g, m.sess, m.steps = nil, nil, nil
	m.seq = m.seq[:len(m.seq)-1]
	m.layerList = m.layerList[:len(m.layerList)-1]
}

// Input returns a symbolic input for a functional model: samples of the
// given shape (without the batch dimension), float32. Call layers on it
// (layer.Apply(x)) and pass inputs and outputs to NewModel.
func Input(dims ...int) *tf.Tensor { return InputOf(tensor.Float32, "", dims...) }

// InputOf is Input with a dtype and a name ("" for the automatic
// "input_layer", "input_layer_1", ...).
func InputOf(dtype tensor.DType, name string, dims ...int) *tf.Tensor {
	if name == "" {
		name = layerutil.UniqueName("input_layer")
	}
	g := traceGraph()
	shape := append(tensor.Shape{-1}, dims...)
	return tf.Placeholder(g, dtype, shape, tf.Name(name))
}

var (
	traceMu sync.Mutex
	traceG  *tf.Graph
)

// traceGraph is the graph functional models are traced in (Keras's
// symbolic tensors); each model later re-runs its layers in a graph of its
// own.
func traceGraph() *tf.Graph {
	traceMu.Lock()
	defer traceMu.Unlock()
	if traceG == nil {
		traceG = tf.NewGraph()
		layerutil.TraceGraph(traceG)
	}
	return traceG
}

// ClearSession resets Keras's global state: automatic layer and model names
// start again ("dense", "dense_1", ...) and symbolic inputs go to a fresh
// graph (keras.backend.clear_session).
func ClearSession() {
	layerutil.ResetNames()
	traceMu.Lock()
	if traceG != nil {
		layerutil.UntraceGraph(traceG)
	}
	traceG = nil
	traceMu.Unlock()
}

// NewModel returns a functional model from symbolic inputs and outputs:
// each a *tf.Tensor or a []*tf.Tensor, inputs made by Input and outputs by
// calling layers on them. It panics if an output does not depend only on
// the inputs through layers.
func NewModel(inputs, outputs any, opts ...ModelOption) *Model {
	ins, outs := tensorList("inputs", inputs), tensorList("outputs", outputs)
	m := &Model{name: layerutil.UniqueName("functional"), kind: functionalModel, fnInputs: ins, fnOutputs: outs}
	for _, o := range opts {
		o(m)
	}
	nodes, err := layerutil.NodesBetween(ins, outs)
	if err != nil {
		panic("keras: NewModel: " + err.Error())
	}
	m.nodes = nodes
	used := map[string]bool{}
	for i, out := range outs {
		name := fmt.Sprintf("output_%d", i)
		if n := layerutil.NodeOf(out); n != nil {
			name = n.Layer.(layers.Layer).LayerBase().Name()
		}
		for base, k := name, 1; used[name]; k++ {
			name = fmt.Sprintf("%s_%d", base, k)
		}
		used[name] = true
		m.outNames = append(m.outNames, name)
	}
	seen := map[layers.Layer]bool{}
	for _, n := range nodes {
		if l := n.Layer.(layers.Layer); !seen[l] {
			seen[l] = true
			m.layerList = append(m.layerList, l)
		}
	}
	for _, in := range ins {
		m.inputs = append(m.inputs, in.Shape().Clone())
		m.inDTypes = append(m.inDTypes, in.DType())
	}
	m.mustBuild()
	return m
}

func tensorList(what string, v any) []*tf.Tensor {
	switch x := v.(type) {
	case *tf.Tensor:
		return []*tf.Tensor{x}
	case []*tf.Tensor:
		if len(x) == 0 {
			panic("keras: NewModel: no " + what)
		}
		return x
	}
	panic(fmt.Sprintf("keras: NewModel: %s must be a *tf.Tensor or []*tf.Tensor, got %T", what, v))
}

// ModelOption configures a model.
type ModelOption func(*Model)

// ModelName sets a model's name.
func ModelName(n string) ModelOption { return func(m *Model) { m.name, m.named = n, true } }

// NewSubclassed returns the Model part of a subclassed model: c is the
// user's struct (which embeds *keras.Model and defines Call). Layers are
// discovered as Call uses them. Optional inputShape (without the batch
// dimension) builds the model at once; otherwise the first Fit, Evaluate or
// Predict builds it from the data.
//
//	type MyModel struct {
//		*keras.Model
//		d1, d2 *layers.DenseLayer
//	}
//	func NewMyModel() *MyModel {
//		m := &MyModel{d1: layers.Dense(32, layers.Activation("relu")), d2: layers.Dense(3, layers.Activation("softmax"))}
//		m.Model = keras.NewSubclassed(m)
//		return m
//	}
//	func (m *MyModel) Call(x *tf.Tensor, training bool) *tf.Tensor { return m.d2.Apply(m.d1.Apply(x)) }
func NewSubclassed(c Caller, inputShape ...int) *Model {
	t := reflect.TypeOf(c)
	for t.Kind() == reflect.Pointer {
		t = t.Elem()
	}
	m := &Model{name: layerutil.UniqueName(layerutil.SnakeCase(t.Name())), kind: subclassedModel, caller: c}
	if inputShape != nil {
		m.inputs = []tensor.Shape{append(tensor.Shape{-1}, inputShape...)}
		m.mustBuild()
	}
	return m
}

// Name returns the model's name ("sequential", "functional", ...).
func (m *Model) Name() string { return m.name }

// Layers returns the model's layers in order.
func (m *Model) Layers() []layers.Layer { return append([]layers.Layer(nil), m.layerList...) }

// Layer returns the layer with the given name, or nil.
func (m *Model) Layer(name string) layers.Layer {
	for _, l := range m.layerList {
		if l.LayerBase().Name() == name {
			return l
		}
	}
	return nil
}

// Built reports whether the model's graph exists (its input shape is known).
func (m *Model) Built() bool { return m.g != nil }

// Build builds the model for inputs of the given shape (without the batch
// dimension), as Keras's model.build. It returns an error if the shape does
// not fit the layers.
func (m *Model) Build(inputShape ...int) (err error) {
	if m.g != nil {
		return nil
	}
	if m.kind != functionalModel {
		m.inputs = []tensor.Shape{append(tensor.Shape{-1}, inputShape...)}
	}
	defer func() {
		if r := recover(); r != nil {
			m.g = nil
			err = fmt.Errorf("keras: building %s for input shape %v: %v", m.name, m.inputs[0], r)
		}
	}()
	m.mustBuild()
	return nil
}

// mustBuild creates the model graph: placeholders, the inference outputs
// and the training outputs. Layer errors panic (graph construction).
func (m *Model) mustBuild() {
	if m.g != nil {
		return
	}
	g := tf.NewGraph()
	var ph []*tf.Tensor
	for i, s := range m.inputs {
		dt := tensor.Float32
		if i < len(m.inDTypes) {
			dt = m.inDTypes[i]
		}
		name := "input"
		if m.kind == functionalModel {
			name = m.fnInputs[i].Op().Name()
		}
		ph = append(ph, tf.Placeholder(g, dt, s, tf.Name(name)))
	}
	m.g, m.inPh = g, ph
	m.inferOut, m.inferAct, _ = m.forward(g, ph, false)
	m.trainOut, m.actLosses, m.updates = m.forward(g, ph, true)
	m.sess = tf.NewSession(g)
}

// forward runs the layers in g on xs and returns the outputs, the
// activity-regularization penalties and, when training, the layers' update
// ops.
func (m *Model) forward(g *tf.Graph, xs []*tf.Tensor, training bool) (outs, penalties []*tf.Tensor, updates []*tf.Operation) {
	seen := map[layers.Layer]bool{}
	for _, l := range m.layerList {
		seen[l] = true
	}
	hook := func(c layerutil.Call) {
		l := c.Layer.(layers.Layer)
		m.scope.note(m, c, l)
		if !seen[l] {
			seen[l] = true
			m.layerList = append(m.layerList, l)
			l.LayerBase().Name()
		}
		if c.Penalty != nil {
			penalties = append(penalties, c.Penalty)
		}
		if training {
			updates = append(updates, c.Updates...)
		}
	}
	layerutil.WithTraining(g, training, hook, func() {
		parent := layerutil.Enter(g, m)
		defer layerutil.Exit(g)
		m.scope.enter(parent)
		switch m.kind {
		case sequentialModel:
			x := xs[0]
			for _, l := range m.seq {
				x = layers.ApplyTraining(l, training, x)
			}
			outs = []*tf.Tensor{x}
		case functionalModel:
			outs = layerutil.Replay(m.nodes, m.fnInputs, xs, m.fnOutputs, func(l any, xs []*tf.Tensor) *tf.Tensor {
				return layers.ApplyTraining(l.(layers.Layer), training, xs...)
			})
		case subclassedModel:
			outs = []*tf.Tensor{m.caller.Call(xs[0], training)}
		}
	})
	return outs, penalties, updates
}

// Inputs returns the model's input placeholders in its graph (nil before it
// is built).
func (m *Model) Inputs() []*tf.Tensor { return m.inPh }

// Outputs returns the model's inference outputs in its graph.
func (m *Model) Outputs() []*tf.Tensor { return m.inferOut }

// Graph returns the model's graph (nil before it is built).
func (m *Model) Graph() *tf.Graph { return m.g }

// Weights returns every weight of the model (trainable ones first per
// layer, as Keras).
func (m *Model) Weights() []*tf.Variable {
	var out []*tf.Variable
	for _, l := range m.layerList {
		out = append(out, l.LayerBase().Weights()...)
	}
	return out
}

// TrainableWeights returns the weights Fit updates.
func (m *Model) TrainableWeights() []*tf.Variable {
	var out []*tf.Variable
	for _, l := range m.layerList {
		out = append(out, l.LayerBase().TrainableWeights()...)
	}
	return out
}

// NonTrainableWeights returns the frozen weights.
func (m *Model) NonTrainableWeights() []*tf.Variable {
	var out []*tf.Variable
	for _, l := range m.layerList {
		out = append(out, l.LayerBase().NonTrainableWeights()...)
	}
	return out
}

// CountParams returns the number of scalars in the model's weights.
func (m *Model) CountParams() int {
	n := 0
	for _, v := range m.Weights() {
		n += v.Shape().NumElements()
	}
	return n
}

// GetWeights returns copies of the weights' values (Keras's get_weights).
func (m *Model) GetWeights() []*tensor.Tensor {
	var out []*tensor.Tensor
	for _, v := range m.Weights() {
		out = append(out, v.Value().Clone())
	}
	return out
}

// SetWeights writes values into the weights, in GetWeights order.
func (m *Model) SetWeights(ws []*tensor.Tensor) error {
	vs := m.Weights()
	if len(ws) != len(vs) {
		return fmt.Errorf("keras: SetWeights: model %s has %d weights, got %d values", m.name, len(vs), len(ws))
	}
	for i, v := range vs {
		if err := v.SetValue(ws[i]); err != nil {
			return fmt.Errorf("keras: SetWeights: %w", err)
		}
	}
	return nil
}

// Apply calls the model as a function on inputs (eager tensors or tensors
// of any graph), as calling a Keras model, model(x): the layers run with the
// training flag in effect for the inputs' graph (true in the training pass
// of an enclosing model, false by default). Use it in custom training loops
// with a GradientTape, or to use a model inside another model.
func (m *Model) Apply(xs ...*tf.Tensor) *tf.Tensor {
	if len(xs) == 0 {
		panic("keras: Model.Apply needs an input")
	}
	return m.ApplyTraining(layerutil.Training(xs[0].Graph()), xs...)
}

// ApplyTraining is Apply with an explicit training flag.
func (m *Model) ApplyTraining(training bool, xs ...*tf.Tensor) *tf.Tensor {
	outs, _, _ := m.forward(xs[0].Graph(), xs, training)
	return outs[0]
}

// outputName is the prefix of output i's metrics in the logs of a model with
// several outputs: the name of the layer that made it (Keras's
// "class_accuracy"), or "output_i".
func (m *Model) outputName(i int) string {
	if i < len(m.outNames) {
		return m.outNames[i]
	}
	return fmt.Sprintf("output_%d", i)
}
