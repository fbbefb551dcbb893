package layers

import (
	"fmt"

	"github.com/tensorgo/tensorgo/tensor"
	"github.com/tensorgo/tensorgo/tf"
)

// CellLayer is one step of a recurrent cell (Keras's SimpleRNNCell,
// LSTMCell, GRUCell): called on x (batch, features) and the states, it
// returns the output (batch, units) and keeps the new states (States). RNN
// runs a cell over whole sequences with one fused op, sharing the cell's
// weights, which have the recurrent layers' names and layouts.
type CellLayer struct {
	Base
	// Cell is "SimpleRNN", "LSTM" or "GRU"; Units the state size.
	Cell  string
	Units int

	opts   []Option
	rec    *RecurrentLayer // the one-step layer holding the weights
	states []*tf.Tensor
}

// The options a cell takes: the recurrent layers' cell-level arguments.
var cellOptions = []string{optActivation, optUseBias, optKernelInitializer, optRecurrentInitializer,
	optBiasInitializer, optKernelRegularizer, optRecurrentRegularizer, optBiasRegularizer,
	optRNNDropout, optRecurrentDropout, optRecurrentActivation, optSeed}

// SimpleRNNCell returns Keras's SimpleRNNCell; it takes SimpleRNN's
// cell-level options (Activation, UseBias, the initializers and
// regularizers, RNNDropout, RecurrentDropout, Seed).
func SimpleRNNCell(units int, opts ...Option) *CellLayer {
	return newCell("SimpleRNN", units, nil, opts)
}

// LSTMCell returns Keras's LSTMCell; it also takes UnitForgetBias.
func LSTMCell(units int, opts ...Option) *CellLayer {
	return newCell("LSTM", units, []string{optUnitForgetBias}, opts)
}

// GRUCell returns Keras's GRUCell; it also takes ResetAfter.
func GRUCell(units int, opts ...Option) *CellLayer {
	return newCell("GRU", units, []string{optResetAfter}, opts)
}

func newCell(cell string, units int, extra []string, opts []Option) *CellLayer {
	c := &CellLayer{Cell: cell, Units: units, opts: opts}
	c.init(c, cell+"Cell", append(append([]string(nil), cellOptions...), extra...), opts)
	c.rec = newRecurrent(cell, units, extra, opts)
	c.rec.name = c.Name()
	return c
}

// StateSize returns the sizes of the cell's states: (units) or, for an
// LSTM, (units, units).
func (c *CellLayer) StateSize() []int {
	if c.Cell == "LSTM" {
		return []int{c.Units, c.Units}
	}
	return []int{c.Units}
}

// build builds the cell's weights for features inputs, once.
func (c *CellLayer) build(features int) {
	if !c.rec.built {
		c.rec.Build(tensor.Shape{-1, 1, features})
		c.rec.built = true
		c.weights = c.rec.weights
		c.built = true
	}
}

// Build implements Layer.
func (c *CellLayer) Build(in tensor.Shape) {
	if len(in) != 2 || in[1] < 0 {
		panic(fmt.Sprintf("layers: %s (%sCell) expects (batch, features) with known features, got shape %v", c.Name(), c.Cell, in))
	}
	c.build(in[1])
}

// BuildN implements MultiInputLayer: the input and the states.
func (c *CellLayer) BuildN(shapes []tensor.Shape) { c.Build(shapes[0]) }

// Call implements Layer: one step from zero states.
func (c *CellLayer) Call(x *tf.Tensor, training bool) *tf.Tensor {
	return c.CallN([]*tf.Tensor{x}, training)
}

// CallN implements MultiInputLayer: xs[0] is the step's input (batch,
// features), xs[1:] the states (h, and c for an LSTM).
func (c *CellLayer) CallN(xs []*tf.Tensor, training bool) *tf.Tensor {
	x := xs[0]
	if x.Rank() != 2 {
		panic(fmt.Sprintf("layers: %s (%sCell) expects (batch, features), got shape %v", c.Name(), c.Cell, x.Shape()))
	}
	f := x.Shape()[1]
	c.build(f)
	step := append([]*tf.Tensor{tf.Reshape(x, -1, 1, f)}, xs[1:]...)
	y := c.rec.CallN(step, training)
	c.states = c.rec.States()
	return y
}

// Step calls the cell on one step's input and states and returns the
// output and the new states (Keras's cell(inputs, states)).
func (c *CellLayer) Step(x *tf.Tensor, states ...*tf.Tensor) (*tf.Tensor, []*tf.Tensor) {
	y := Apply(c, append([]*tf.Tensor{x}, states...)...)
	return y, c.States()
}

// States returns the states after the last call.
func (c *CellLayer) States() []*tf.Tensor { return append([]*tf.Tensor(nil), c.states...) }

// ComputeOutputShape implements Layer.
func (c *CellLayer) ComputeOutputShape(in tensor.Shape) tensor.Shape {
	return tensor.Shape{in[0], c.Units}
}

// ComputeOutputShapeN implements MultiInputLayer.
func (c *CellLayer) ComputeOutputShapeN(shapes []tensor.Shape) tensor.Shape {
	return c.ComputeOutputShape(shapes[0])
}

// The layer-level options RNN takes.
var rnnWrapperOptions = []string{optReturnSequences, optReturnState, optGoBackwards, optStateful,
	optUnroll, optZeroOutputForMask}

// RNN returns Keras's generic RNN layer over a cell: the cell runs over
// whole sequences with one fused op and its weights are the layer's (a
// cell used on its own and in RNN shares them). It takes the layer-level
// options ReturnSequences, ReturnState, GoBackwards, Stateful,
// ZeroOutputForMask and Unroll; the cell's own options stay with the cell.
func RNN(cell *CellLayer, opts ...Option) *RecurrentLayer {
	if cell == nil {
		panic("layers: RNN: nil cell")
	}
	parse("RNN", rnnWrapperOptions, opts) // rejects cell options here
	var extra []string
	switch cell.Cell {
	case "LSTM":
		extra = []string{optUnitForgetBias}
	case "GRU":
		extra = []string{optResetAfter}
	}
	l := newRecurrent(cell.Cell, cell.Units, extra, append(append([]Option(nil), cell.opts...), opts...))
	l.className = "RNN"
	l.cell = cell
	return l
}
