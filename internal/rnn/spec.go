package rnn

import "fmt"

// Cell is the kind of recurrent cell.
type Cell int

const (
	// SimpleRNN is Keras's SimpleRNN: one gate, h_t = act(x_t·W + h_{t-1}·U + b).
	SimpleRNN Cell = iota
	// LSTM is Keras's LSTM: gates i, f, c, o and a cell state c.
	LSTM
	// GRU is Keras's GRU: gates z, r, h (see Spec.ResetAfter).
	GRU
)

// String returns the Keras layer name of the cell.
func (c Cell) String() string {
	switch c {
	case SimpleRNN:
		return "SimpleRNN"
	case LSTM:
		return "LSTM"
	case GRU:
		return "GRU"
	}
	return fmt.Sprintf("Cell(%d)", int(c))
}

// Gates returns how many gate blocks of units columns the cell's kernels
// have: 1 for SimpleRNN, 4 for LSTM, 3 for GRU.
func (c Cell) Gates() int {
	switch c {
	case SimpleRNN:
		return 1
	case LSTM:
		return 4
	case GRU:
		return 3
	}
	panic(fmt.Sprintf("rnn: unknown cell %d", int(c)))
}

// Activation is a cell's activation (Keras's activation argument): the
// SimpleRNN output, the LSTM candidate and cell output, the GRU candidate.
// The zero value is Tanh, Keras's default.
type Activation int

const (
	// Tanh is the hyperbolic tangent.
	Tanh Activation = iota
	// ReLU is max(x, 0).
	ReLU
	// Linear is the identity (Keras's activation=None or "linear").
	Linear
	// Sigmoid is the logistic function 1/(1+e^−x).
	Sigmoid
)

// String returns the Keras name of the activation.
func (a Activation) String() string {
	switch a {
	case Tanh:
		return "tanh"
	case ReLU:
		return "relu"
	case Linear:
		return "linear"
	case Sigmoid:
		return "sigmoid"
	}
	return fmt.Sprintf("Activation(%d)", int(a))
}

// Spec describes one recurrent layer: its cell, sizes and options. NewSpec
// fills in Keras's defaults; a Spec written as a literal gets Go's zero
// values instead, notably UseBias false and, for GRU, ResetAfter false.
type Spec struct {
	Cell     Cell
	Features int // size of each input step
	Units    int // size of the state h (and c)

	Activation Activation // tanh unless set
	UseBias    bool       // whether the layer has a bias (Keras: use_bias, default true)
	// ResetAfter selects the GRU variant (Keras: reset_after, default true):
	// the reset gate multiplies the recurrent projection h_{t-1}·U_h + b_rec
	// instead of h_{t-1}, and the bias is (2, 3·units). Ignored for other cells.
	ResetAfter bool

	ReturnSequences bool // outputs for every step, else for the last one only
	GoBackwards     bool // process the steps from last to first
	// ZeroOutputForMask makes the output of a skipped step zero instead of
	// the previous output (Keras: zero_output_for_mask, default false).
	ZeroOutputForMask bool
}

// NewSpec returns the Spec of a Keras layer with default arguments: tanh,
// a bias, GRU reset_after, the last output only, forwards.
func NewSpec(cell Cell, features, units int) Spec {
	return Spec{Cell: cell, Features: features, Units: units, UseBias: true, ResetAfter: true}
}

// ParamCount returns the number of weights of a Keras layer with default
// arguments (NewSpec): the count Keras's model summary shows. For example
// SimpleRNN(80) on 1 feature has 6,560, LSTM(80) 26,240 and GRU(80) 19,920.
func ParamCount(cell Cell, features, units int) int {
	return NewSpec(cell, features, units).ParamCount()
}

// ParamCount returns the number of weights of the layer: kernel, recurrent
// kernel and bias.
func (s Spec) ParamCount() int {
	s.check("rnn.Spec.ParamCount")
	return s.KernelLen() + s.RecurrentLen() + s.BiasLen()
}

// KernelLen returns the length of the kernel, features·gates·units.
func (s Spec) KernelLen() int { return s.Features * s.width() }

// RecurrentLen returns the length of the recurrent kernel, units·gates·units.
func (s Spec) RecurrentLen() int { return s.Units * s.width() }

// BiasLen returns the length of the bias: 0 without UseBias, 2·3·units for
// a GRU with ResetAfter, else gates·units.
func (s Spec) BiasLen() int {
	if !s.UseBias {
		return 0
	}
	if s.resetAfter() {
		return 2 * s.width()
	}
	return s.width()
}

// OutputLen returns the length of the outputs for batch samples of steps
// steps: batch·steps·units with ReturnSequences, else batch·units.
func (s Spec) OutputLen(batch, steps int) int {
	if s.ReturnSequences {
		return batch * steps * s.Units
	}
	return batch * s.Units
}

// ReserveLen returns the length of the reserve that Forward fills for
// Backward, for batch samples of steps steps.
func (s Spec) ReserveLen(batch, steps int) int {
	return batch * steps * s.rowLen()
}

// width is gates·units, the number of columns of the kernels.
func (s Spec) width() int { return s.Cell.Gates() * s.Units }

func (s Spec) resetAfter() bool { return s.Cell == GRU && s.ResetAfter }

// rowLen is the reserve's length per (sample, step): the gate activations
// and, per cell, the previous state h, (LSTM) the previous state c and
// act(c_t), (GRU) the recurrent h projection or r·h_{t-1}.
func (s Spec) rowLen() int {
	switch s.Cell {
	case SimpleRNN:
		return 2 * s.Units
	case LSTM:
		return 7 * s.Units
	}
	return 5 * s.Units
}

// check panics unless the Spec is usable; op names the caller.
func (s Spec) check(op string) {
	if s.Cell < SimpleRNN || s.Cell > GRU {
		panic(fmt.Sprintf("%s: unknown cell %d (want SimpleRNN, LSTM or GRU)", op, int(s.Cell)))
	}
	if s.Activation < Tanh || s.Activation > Sigmoid {
		panic(fmt.Sprintf("%s: %v: unknown activation %d", op, s.Cell, int(s.Activation)))
	}
	if s.Features < 1 || s.Units < 1 {
		panic(fmt.Sprintf("%s: %v with features=%d units=%d: both must be at least 1", op, s.Cell, s.Features, s.Units))
	}
}
