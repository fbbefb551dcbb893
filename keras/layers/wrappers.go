package layers

import (
	"fmt"
	"strings"

	"github.com/tensorgo/tensorgo/tensor"
	"github.com/tensorgo/tensorgo/tf"
)

// A wrapper builds and calls its inner layers itself (not through Apply),
// and takes their weights as its own: the model, the summary and the
// weight paths see the wrapper as one layer with the inner layers'
// weights ("bidirectional/kernel", "bidirectional/kernel_1", ...).

// buildInner builds an inner layer of w for input shape in and adds its
// weights to w's.
func (w *Base) buildInner(inner Layer, in tensor.Shape) {
	b := inner.LayerBase()
	if !b.built {
		inner.Build(in)
		b.built = true
		b.inShapes = []tensor.Shape{in}
	}
	w.weights = append(w.weights, b.weights...)
}

// TimeDistributedLayer applies a layer to every step of a sequence
// (Keras's TimeDistributed): (batch, steps, ...) → (batch, steps, ...'),
// the same weights at every step.
type TimeDistributedLayer struct {
	Base
	Layer Layer
}

// TimeDistributed wraps layer so that it applies to each step.
func TimeDistributed(layer Layer, opts ...Option) *TimeDistributedLayer {
	if layer == nil {
		panic("layers: TimeDistributed: nil layer")
	}
	t := &TimeDistributedLayer{Layer: layer}
	t.Init(t, "TimeDistributed", opts...)
	return t
}

func (t *TimeDistributedLayer) check(in tensor.Shape) {
	if len(in) < 3 || in[1] < 0 {
		panic(fmt.Sprintf("layers: %s (TimeDistributed) expects (batch, steps, ...) with known steps, got shape %v", t.Name(), in))
	}
}

// Build implements Layer.
func (t *TimeDistributedLayer) Build(in tensor.Shape) {
	t.check(in)
	t.buildInner(t.Layer, append(tensor.Shape{-1}, in[2:]...))
}

// Call implements Layer.
func (t *TimeDistributedLayer) Call(x *tf.Tensor, training bool) *tf.Tensor {
	s := x.Shape()
	t.check(s)
	flat := tf.Reshape(x, append([]int{-1}, s[2:]...)...)
	y := t.Layer.Call(flat, training)
	ys := y.Shape()
	return tf.Reshape(y, append([]int{-1, s[1]}, ys[1:]...)...)
}

// ComputeOutputShape implements Layer.
func (t *TimeDistributedLayer) ComputeOutputShape(in tensor.Shape) tensor.Shape {
	t.check(in)
	inner := t.Layer.ComputeOutputShape(append(tensor.Shape{-1}, in[2:]...))
	return append(tensor.Shape{in[0], in[1]}, inner[1:]...)
}

// BidirectionalLayer runs a recurrent layer forwards and a copy of it
// backwards over the sequence and merges their outputs (Keras's
// Bidirectional). With ReturnSequences the backward outputs are put back
// in time order before the merge, as in Keras.
type BidirectionalLayer struct {
	Base
	// MergeMode is "concat" (the default), "sum", "mul" or "ave".
	MergeMode         string
	Forward, Backward *RecurrentLayer
	states            []*tf.Tensor
}

// Bidirectional wraps a recurrent layer: the layer given runs forwards and
// a copy with the opposite GoBackwards runs backwards, each with its own
// weights. mergeMode is "concat", "sum", "mul" or "ave" ("" is concat).
// BackwardLayer gives the backward layer instead of the copy (Keras's
// backward_layer). As in Keras the forward layer is renamed
// "forward_<name>" and the copy "backward_<name>".
func Bidirectional(layer *RecurrentLayer, mergeMode string, opts ...Option) *BidirectionalLayer {
	if layer == nil {
		panic("layers: Bidirectional: nil layer")
	}
	switch mergeMode {
	case "":
		mergeMode = "concat"
	case "concat", "sum", "mul", "ave":
	default:
		panic(fmt.Sprintf("layers: Bidirectional: merge mode %q is not concat, sum, mul or ave", mergeMode))
	}
	if layer.Built() {
		panic(fmt.Sprintf("layers: Bidirectional: layer %s is already built; wrap a new layer", layer.Name()))
	}
	var back *RecurrentLayer
	for _, o := range opts {
		if bo, ok := o.(backwardOption); ok {
			back = bo.layer
		}
	}
	name := layer.Name()
	if back == nil {
		back = backwardCopy(layer)
		back.name = "backward_" + strings.TrimPrefix(name, "backward_")
	} else {
		checkBackward(layer, back)
	}
	b := &BidirectionalLayer{MergeMode: mergeMode, Forward: layer, Backward: back}
	b.init(b, "Bidirectional", []string{optBackwardLayer}, opts)
	// Keras's names: forward_lstm and backward_lstm inside bidirectional.
	layer.name = "forward_" + strings.TrimPrefix(name, "forward_")
	if layer.ReturnSequences {
		layer.ZeroOutputForMask, back.ZeroOutputForMask = true, true
	}
	return b
}

// backwardCopy returns a new layer like layer going the other way, with
// weights of its own (a new cell for an RNN over a cell).
func backwardCopy(layer *RecurrentLayer) *RecurrentLayer {
	back := *layer
	back.Base = Base{}
	back.states, back.stateVars = nil, nil
	back.Kernel, back.RecurrentKernel, back.Bias = nil, nil, nil
	back.GoBackwards = !layer.GoBackwards
	back.init(&back, layer.className, nil, nil)
	back.dtype, back.trainable = layer.dtype, layer.trainable
	if c := layer.cell; c != nil {
		back.cell = newCell(c.Cell, c.Units, cellExtra(c.Cell), c.opts)
	}
	return &back
}

// cellExtra is the options a cell of the given kind takes besides
// cellOptions.
func cellExtra(cell string) []string {
	switch cell {
	case "LSTM":
		return []string{optUnitForgetBias}
	case "GRU":
		return []string{optResetAfter}
	}
	return nil
}

// checkBackward panics unless back can be fwd's backward layer: a new
// layer going the other way with the same Stateful, ReturnSequences and
// ReturnState (Keras's checks).
func checkBackward(fwd, back *RecurrentLayer) {
	switch {
	case back == fwd:
		panic(fmt.Sprintf("layers: Bidirectional: the backward layer is the forward layer %s; give a new layer", fwd.Name()))
	case back.Built():
		panic(fmt.Sprintf("layers: Bidirectional: backward layer %s is already built; give a new layer", back.Name()))
	case back.GoBackwards == fwd.GoBackwards:
		panic(fmt.Sprintf("layers: Bidirectional: forward layer %s and backward layer %s both have GoBackwards %v; they must differ", fwd.Name(), back.Name(), fwd.GoBackwards))
	case back.Stateful != fwd.Stateful || back.ReturnSequences != fwd.ReturnSequences || back.ReturnState != fwd.ReturnState:
		panic(fmt.Sprintf("layers: Bidirectional: forward layer %s (Stateful %v, ReturnSequences %v, ReturnState %v) and backward layer %s (%v, %v, %v) must agree",
			fwd.Name(), fwd.Stateful, fwd.ReturnSequences, fwd.ReturnState, back.Name(), back.Stateful, back.ReturnSequences, back.ReturnState))
	}
}

const optBackwardLayer = "BackwardLayer"

// backwardOption is BackwardLayer's option; Bidirectional reads it.
type backwardOption struct{ layer *RecurrentLayer }

func (backwardOption) apply(*config)      {}
func (backwardOption) optionName() string { return optBackwardLayer }

// BackwardLayer gives Bidirectional its backward layer (Keras's
// backward_layer): a new recurrent layer with the opposite GoBackwards and
// the forward layer's Stateful, ReturnSequences and ReturnState. Without
// it Bidirectional makes a copy of the forward layer.
func BackwardLayer(l *RecurrentLayer) Option {
	if l == nil {
		panic("layers: BackwardLayer: nil layer")
	}
	return backwardOption{l}
}

// Build implements Layer.
func (b *BidirectionalLayer) Build(in tensor.Shape) {
	b.buildInner(b.Forward, in)
	b.buildInner(b.Backward, in)
}

// Call implements Layer.
func (b *BidirectionalLayer) Call(x *tf.Tensor, training bool) *tf.Tensor {
	yf := b.Forward.CallN([]*tf.Tensor{x}, training)
	yb := b.Backward.CallN([]*tf.Tensor{x}, training)
	b.states = append(b.Forward.States(), b.Backward.States()...)
	if b.Forward.ReturnSequences {
		steps := x.Shape()[1]
		if steps < 0 {
			panic(fmt.Sprintf("layers: %s (Bidirectional) with ReturnSequences needs known steps, got shape %v", b.Name(), x.Shape()))
		}
		idx := make([]int32, steps)
		for i := range idx {
			idx[i] = int32(steps - 1 - i)
		}
		yb = tf.Gather(yb, tf.Constant(tensor.FromSlice(idx, steps)), 1)
	}
	switch b.MergeMode {
	case "sum":
		return tf.Add(yf, yb)
	case "mul":
		return tf.Mul(yf, yb)
	case "ave":
		half := tensor.New(yf.DType())
		half.SetFloat(0, 0.5)
		return tf.Mul(tf.Add(yf, yb), tf.Constant(half))
	}
	return tf.Concat(-1, yf, yb)
}

// States returns the final states of the last call: the forward layer's,
// then the backward layer's (Keras's return_state order).
func (b *BidirectionalLayer) States() []*tf.Tensor { return append([]*tf.Tensor(nil), b.states...) }

// ComputeOutputShape implements Layer.
func (b *BidirectionalLayer) ComputeOutputShape(in tensor.Shape) tensor.Shape {
	out := b.Forward.ComputeOutputShape(in)
	if b.MergeMode == "concat" {
		out[len(out)-1] *= 2
	}
	return out
}
