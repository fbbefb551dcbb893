// Package layers holds Keras's layers: the Layer interface and Base (the
// state every layer shares), and
//
//   - core: Dense, Activation, Dropout, SpatialDropout2D, Lambda, Input;
//   - convolution: Conv1D, Conv2D, Conv2DTranspose, DepthwiseConv2D,
//     SeparableConv2D;
//   - pooling: MaxPooling1D/2D, AveragePooling1D/2D,
//     GlobalAveragePooling1D/2D, GlobalMaxPooling1D/2D;
//   - normalisation: BatchNormalization, LayerNormalization;
//   - reshaping: Flatten, Reshape, ZeroPadding2D, Cropping2D, UpSampling2D,
//     Rescaling;
//   - merging: Add, Subtract, Multiply, Average, Maximum, Minimum,
//     Concatenate;
//   - recurrent: Embedding, SimpleRNN, LSTM, GRU, their cells
//     (SimpleRNNCell, LSTMCell, GRUCell) and RNN over a cell, Bidirectional,
//     TimeDistributed, Masking, RepeatVector.
//
// Each has Keras's name, arguments and defaults, and (through
// RegisterSerializer) the configuration Keras 3's model files hold.
//
// A layer creates its weights the first time it is called, from the shape of
// its input (Build), as tf Variables that live outside any graph, so the same
// layer can be used in a training graph, an inference graph and eagerly and
// always sees the same weights. Calling a layer (Apply) works on symbolic
// graph tensors, for building models, and on eager tensors.
//
// Layers take Keras's arguments as options:
//
//	layers.Dense(128, layers.Activation("relu"), layers.KernelRegularizer(regularizers.L2(1e-4)))
//	layers.Flatten(layers.InputShape(28, 28))
//	layers.Dropout(0.2)
//
// An option that does not apply to a layer (a KernelInitializer for
// Dropout) makes its constructor panic with an *OptionError.
//
// # Weight paths
//
// A layer's Name ("dense_7") comes from a process-wide counter, as in
// Keras, so the same model code gets other names in another process or
// after other models were built. A weight's path is a key that depends only
// on the model's code, for checkpoints (NamedWeights, and
// keras.Model.NamedVariables):
//
//	<layer key>/<weight name>                 "dense/kernel", "dense_1/bias"
//	<layer key>/<sublayer key>/<weight name>  "resnet_block/conv2d/kernel"
//
// A layer's key is the name given with the Name option, or else its
// snake-case class name ("dense", "batch_normalization"), made unique among
// the layers of its scope only (the layers a model calls directly, or the
// sublayers one layer calls), in model order: the first Dense "dense", the
// second "dense_1", skipping keys a user's Name already took. Weight names
// repeated within one layer get _1, _2, ... the same way. A layer reached
// twice (shared) keeps its first path.
package layers

import (
	"fmt"

	"github.com/tensorgo/tensorgo/keras/initializers"
	"github.com/tensorgo/tensorgo/keras/internal/layerutil"
	"github.com/tensorgo/tensorgo/keras/regularizers"
	"github.com/tensorgo/tensorgo/tensor"
	"github.com/tensorgo/tensorgo/tf"
)

// Layer is one Keras layer. Implementations embed Base (which provides
// LayerBase and the weight bookkeeping) and define Build, Call and
// ComputeOutputShape. Users call layers through Apply (or Base.Apply), which
// builds the layer on first use.
type Layer interface {
	// LayerBase returns the shared layer state.
	LayerBase() *Base
	// Build creates the weights for an input of the given shape (batch
	// dimension first, -1 when unknown). It runs once, before the first
	// Call.
	Build(inputShape tensor.Shape)
	// Call computes the output. training is true while fitting (Dropout
	// drops only then).
	Call(x *tf.Tensor, training bool) *tf.Tensor
	// ComputeOutputShape returns the output shape for an input shape
	// without building anything.
	ComputeOutputShape(inputShape tensor.Shape) tensor.Shape
}

// MultiInputLayer is a layer that takes several inputs (Add, Concatenate).
// Apply calls CallN when it gets more than one input.
type MultiInputLayer interface {
	Layer
	BuildN(shapes []tensor.Shape)
	CallN(xs []*tf.Tensor, training bool) *tf.Tensor
	ComputeOutputShapeN(shapes []tensor.Shape) tensor.Shape
}

// Weight is one variable of a layer with its name and regularizer.
type Weight struct {
	// Name is the name AddWeight was given ("kernel"); it is the last
	// element of the weight's path (see NamedWeights).
	Name        string
	Var         *tf.Variable
	Regularizer regularizers.Regularizer
	// Trainable is how the weight was created: a non-trainable weight
	// (moving statistics) stays frozen when its layer is unfrozen.
	Trainable bool
}

// Base is the state every layer shares: name, trainable flag, weights,
// declared input shape, activity regularizer. Embed it in a layer struct and
// call Init in the constructor.
type Base struct {
	self        Layer
	name        string
	className   string
	trainable   bool
	built       bool
	dtype       tensor.DType
	inputShape  tensor.Shape // declared, without the batch dimension; nil if none
	batchSize   int
	weights     []*Weight
	activityReg regularizers.Regularizer
	outShape    tensor.Shape // last output shape seen (for summaries)
	inShapes    []tensor.Shape
	cfg         config
	updates     []*tf.Operation // graph ops added by the last Call (AddUpdate)
	sublayers   []Layer         // layers applied inside Call, in first-call order
}

// Init sets up the base of a layer: self is the layer embedding b,
// className is its Keras class name ("Dense"), used for automatic naming
// ("dense", "dense_1", ...) and summaries. opts may be any of the options
// every layer takes (Name, InputShape, BatchSize, Trainable, DType,
// ActivityRegularizer); another option panics with an *OptionError.
func (b *Base) Init(self Layer, className string, opts ...Option) {
	b.init(self, className, nil, opts)
}

// init is Init for a layer that also takes the options named in extra.
func (b *Base) init(self Layer, className string, extra []string, opts []Option) {
	b.self = self
	b.className = className
	b.trainable = true
	b.dtype = tensor.Float32
	b.cfg = parse(className, extra, opts)
	c := &b.cfg
	if c.name != "" {
		b.name = c.name
	}
	if c.inputShape != nil {
		b.inputShape = c.inputShape
	}
	b.batchSize = c.batchSize
	if c.trainable != nil {
		b.trainable = *c.trainable
	}
	if c.dtype != nil {
		b.dtype = *c.dtype
	}
	b.activityReg = c.activityReg
}

// LayerBase implements Layer.
func (b *Base) LayerBase() *Base { return b }

// Name returns the layer's name, choosing Keras's automatic name (the
// snake-case class name, uniquified with _1, _2, ...) on first use.
func (b *Base) Name() string {
	if b.name == "" {
		b.name = layerutil.UniqueName(layerutil.SnakeCase(b.className))
	}
	return b.name
}

// ClassName returns the Keras class name ("Dense").
func (b *Base) ClassName() string { return b.className }

// Trainable reports whether the layer's weights are trained.
func (b *Base) Trainable() bool { return b.trainable }

// SetTrainable freezes (false) or unfreezes the layer's weights. As in
// Keras, a model must be compiled again for the change to affect training.
func (b *Base) SetTrainable(t bool) {
	b.trainable = t
	for _, w := range b.weights {
		w.Var.SetTrainable(t && w.Trainable)
	}
}

// Built reports whether the weights exist.
func (b *Base) Built() bool { return b.built }

// DType returns the layer's compute dtype (float32 by default).
func (b *Base) DType() tensor.DType { return b.dtype }

// InputShape returns the declared input shape without the batch dimension
// (nil when none was given).
func (b *Base) InputShape() tensor.Shape { return b.inputShape }

// BatchInputShape returns the declared input shape with the batch
// dimension (-1 unless a batch size was declared), or nil.
func (b *Base) BatchInputShape() tensor.Shape {
	if b.inputShape == nil {
		return nil
	}
	bs := -1
	if b.batchSize > 0 {
		bs = b.batchSize
	}
	return append(tensor.Shape{bs}, b.inputShape...)
}

// OutputShape returns the output shape of the last call (batch first).
func (b *Base) OutputShape() tensor.Shape { return b.outShape }

// Weights returns all weights (trainable first, as Keras).
func (b *Base) Weights() []*tf.Variable {
	return append(b.TrainableWeights(), b.NonTrainableWeights()...)
}

// TrainableWeights returns the weights updated by training.
func (b *Base) TrainableWeights() []*tf.Variable {
	var out []*tf.Variable
	for _, w := range b.weights {
		if b.trainable && w.Trainable {
			out = append(out, w.Var)
		}
	}
	return out
}

// NonTrainableWeights returns frozen weights (all of them when the layer is
// not trainable).
func (b *Base) NonTrainableWeights() []*tf.Variable {
	var out []*tf.Variable
	for _, w := range b.weights {
		if !b.trainable || !w.Trainable {
			out = append(out, w.Var)
		}
	}
	return out
}

// WeightList returns the weights with their regularizers, in creation order.
func (b *Base) WeightList() []*Weight { return b.weights }

// Sublayers returns the layers this layer's Call has applied (the blocks
// of a custom layer), in the order of their first call. Like the weights,
// they are known once the layer has been called.
func (b *Base) Sublayers() []Layer { return append([]Layer(nil), b.sublayers...) }

func (b *Base) addSublayer(l Layer) {
	for _, s := range b.sublayers {
		if s == l {
			return
		}
	}
	b.sublayers = append(b.sublayers, l)
}

// CountParams returns the number of scalars in the weights.
func (b *Base) CountParams() int {
	n := 0
	for _, w := range b.weights {
		n += w.Var.Shape().NumElements()
	}
	return n
}

// AddWeight creates a weight of the layer (call it from Build): an eager
// variable named "<layer>/<name>", initialised by init, with an optional
// regularizer whose penalty is added to the training loss.
func (b *Base) AddWeight(name string, shape tensor.Shape, init initializers.Initializer, reg regularizers.Regularizer, trainable bool) *tf.Variable {
	for _, d := range shape {
		if d < 0 {
			panic(fmt.Sprintf("layers: %s: weight %q needs a known shape, got %v (is the input's last dimension known?)", b.Name(), name, shape))
		}
	}
	if init == nil {
		init = initializers.GlorotUniform()
	}
	v := tf.NewVariable(nil, init.Init(shape, b.dtype), tf.Name(b.Name()+"/"+name), tf.Trainable(trainable && b.trainable))
	b.weights = append(b.weights, &Weight{Name: name, Var: v, Regularizer: reg, Trainable: trainable})
	return v
}

// AddUpdate registers a graph op that must run with every training step in
// which this call takes part, such as BatchNormalization's moving-average
// assignments (Keras's add_update). Call it from Call; in eager mode the op
// has already run and nothing is kept.
func (b *Base) AddUpdate(op *tf.Operation) {
	if op != nil && op.Graph() != nil {
		b.updates = append(b.updates, op)
	}
}

// Apply calls the layer on one input (or several, for a MultiInputLayer):
// see the package function Apply. It needs Init to have been called.
func (b *Base) Apply(xs ...*tf.Tensor) *tf.Tensor {
	if b.self == nil {
		panic("layers: Base.Apply on a layer whose constructor did not call Init; use layers.Apply(layer, x)")
	}
	return Apply(b.self, xs...)
}

// read returns the tensor reading v where x lives: v's read op in x's graph,
// or v's current value (recorded for gradients) when x is eager.
func read(v *tf.Variable, x *tf.Tensor) *tf.Tensor { return v.In(x.Graph()) }

// Apply calls l on xs, building it first if needed (with the shape of xs),
// with the training flag in effect for their graph: true in the training
// pass a model builds for Fit, false otherwise. It checks the input against
// the layer's declared input shape and panics with a message naming the
// layer and the shapes if they do not fit.
func Apply(l Layer, xs ...*tf.Tensor) *tf.Tensor {
	if len(xs) == 0 {
		panic(fmt.Sprintf("layers: %s: Apply needs an input", l.LayerBase().Name()))
	}
	return ApplyTraining(l, layerutil.Training(xs[0].Graph()), xs...)
}

// ApplyTraining is Apply with an explicit training flag, as Keras's
// layer(x, training=True): Dropout drops, BatchNormalization uses the batch's
// statistics.
func ApplyTraining(l Layer, training bool, xs ...*tf.Tensor) *tf.Tensor {
	b := l.LayerBase()
	name := b.Name()
	shapes := make([]tensor.Shape, len(xs))
	for i, x := range xs {
		if x == nil {
			panic(fmt.Sprintf("layers: %s: input %d is nil", name, i))
		}
		shapes[i] = x.Shape()
	}
	multi, isMulti := l.(MultiInputLayer)
	if len(xs) > 1 && !isMulti {
		panic(fmt.Sprintf("layers: %s (%s) takes one input, got %d", name, b.className, len(xs)))
	}
	if b.inputShape != nil && len(xs) == 1 {
		if !shapes[0][min(1, len(shapes[0])):].CompatibleWith(b.inputShape) || len(shapes[0]) != len(b.inputShape)+1 {
			panic(fmt.Sprintf("layers: %s (%s) expects input shape %v, got %v", name, b.className, b.BatchInputShape(), shapes[0]))
		}
	}
	g := xs[0].Graph()
	var exit func()
	if g != nil {
		exit = g.NameScope(name)
	}
	if !b.built {
		if isMulti {
			multi.BuildN(shapes)
		} else {
			l.Build(shapes[0])
		}
		b.built = true
		b.inShapes = shapes
	} else if b.inShapes != nil && len(xs) == 1 && len(b.inShapes) == 1 && len(b.weights) > 0 {
		// As Keras's InputSpec for Dense: the last (feature) axis must
		// match the one the weights were built for.
		prev, cur := b.inShapes[0], shapes[0]
		if len(prev) > 0 && len(cur) > 0 && prev[len(prev)-1] >= 0 && cur[len(cur)-1] >= 0 && prev[len(prev)-1] != cur[len(cur)-1] {
			if exit != nil {
				exit()
			}
			panic(fmt.Sprintf("layers: %s (%s) was built for input shape %v, got %v", name, b.className, prev, shapes[0]))
		}
	}
	y, parent := invoke(l, g, training, xs)
	if exit != nil {
		exit()
	}
	// A layer that hands back one of its inputs (Dropout at inference,
	// Flatten of a 2-D input, Activation("linear")) still gets a tensor of
	// its own in a graph, so that a functional model can record the call:
	// layerutil.Record keys calls by their output tensor.
	if g != nil {
		for _, x := range xs {
			if x == y {
				y = tf.Identity(y)
				break
			}
		}
	}
	b.outShape = y.Shape()
	layerutil.Record(l, xs, y)
	updates := b.updates
	b.updates = nil
	if hook := layerutil.HookOf(g); hook != nil {
		c := layerutil.Call{Layer: l, Parent: parent, Inputs: xs, Output: y, Updates: updates}
		c.KeyBase, c.Named = b.keyBase()
		if b.activityReg != nil {
			// As Keras 3: the regularizer applied to the layer's output.
			c.Penalty = b.activityReg.Penalty(y)
		}
		hook(c)
	}
	return y
}

// invoke runs l's Call (CallN for several inputs) with l on g's call
// stack, so that the layers it applies are recorded as its sublayers, and
// returns the output and the layer whose Call applied l (nil at the top).
func invoke(l Layer, g *tf.Graph, training bool, xs []*tf.Tensor) (y *tf.Tensor, parent any) {
	parent = layerutil.Enter(g, l)
	defer layerutil.Exit(g) // also when Call panics (a shape error)
	if p, ok := parent.(Layer); ok && p != l {
		p.LayerBase().addSublayer(l)
	}
	if multi, ok := l.(MultiInputLayer); ok && len(xs) > 1 {
		return multi.CallN(xs, training), parent
	}
	return l.Call(xs[0], training), parent
}
