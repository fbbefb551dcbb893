package layers

import (
	"fmt"

	"github.com/tensorgo/tensorgo/keras/initializers"
	"github.com/tensorgo/tensorgo/keras/regularizers"
	"github.com/tensorgo/tensorgo/tensor"
	"github.com/tensorgo/tensorgo/tf"
)

// RecurrentLayer is Keras's SimpleRNN, LSTM or GRU layer: one fused op
// (tf.RNN) over the whole sequence, forward and backward through time. Its
// input is (batch, steps, features); its output (batch, units), or
// (batch, steps, units) with ReturnSequences. A mask attached to the input
// (Embedding with MaskZero, Masking) makes it skip the masked steps.
//
// Its weights have Keras's names and layouts, so Keras weights load as they
// are: kernel (features, gates·units), recurrent_kernel (units,
// gates·units) and bias (gates·units), or (2, 3·units) for a GRU with
// ResetAfter; gates in Keras's order, LSTM i, f, c, o and GRU z, r, h.
//
// Initial states come as extra inputs: layers.Apply(lstm, x, h0, c0), or
// ApplyState, which also returns the final states.
type RecurrentLayer struct {
	Base
	// Cell is "SimpleRNN", "LSTM" or "GRU".
	Cell  string
	Units int
	// ActivationName is the cell's activation ("tanh" by default).
	ActivationName string
	UseBias        bool
	// ResetAfter is GRU's reset_after (default true); UnitForgetBias is
	// LSTM's unit_forget_bias (default true).
	ResetAfter, UnitForgetBias bool
	ReturnSequences            bool
	ReturnState                bool
	GoBackwards                bool
	Stateful                   bool
	ZeroOutputForMask          bool
	// DropoutRate is Keras's dropout: input features dropped while training.
	DropoutRate float64
	// recurrentDropout is Keras's recurrent_dropout (RecurrentDropoutRate).
	recurrentDropout float64

	// Kernel, RecurrentKernel and Bias are the weights (Bias nil without
	// UseBias).
	Kernel, RecurrentKernel, Bias *tf.Variable

	kernelInit, recurrentInit, biasInit initializers.Initializer
	kernelReg, recurrentReg, biasReg    regularizers.Regularizer
	seed                                []int64

	cell      *CellLayer     // RNN over a cell: the cell holds the weights
	states    []*tf.Tensor   // the final states of the last call
	stateVars []*tf.Variable // Stateful: the states carried between batches
}

// The options the recurrent layers take besides the base ones.
var rnnLayerOptions = []string{optActivation, optUseBias, optKernelInitializer, optRecurrentInitializer,
	optBiasInitializer, optKernelRegularizer, optRecurrentRegularizer, optBiasRegularizer,
	optReturnSequences, optReturnState, optGoBackwards, optStateful, optUnroll, optZeroOutputForMask,
	optRNNDropout, optRecurrentDropout, optRecurrentActivation, optSeed}

// SimpleRNN returns Keras's SimpleRNN layer: h_t = tanh(x_t·W + h_{t-1}·U +
// b). It takes Activation (tanh, relu, linear or sigmoid), UseBias,
// KernelInitializer (glorot_uniform), RecurrentInitializer (orthogonal),
// BiasInitializer (zeros), their regularizers, ReturnSequences,
// ReturnState, GoBackwards, Stateful, ZeroOutputForMask, RNNDropout,
// RecurrentDropout, Seed and Unroll (ignored). With units on f features it
// has (f+units+1)·units weights.
func SimpleRNN(units int, opts ...Option) *RecurrentLayer {
	return newRecurrent("SimpleRNN", units, nil, opts)
}

// LSTM returns Keras's LSTM layer (gates i, f, c, o). It takes the options
// of SimpleRNN and UnitForgetBias (default true: the forget gate's bias
// starts at one); RecurrentActivation may only be "sigmoid". It has
// 4·(f+units+1)·units weights.
func LSTM(units int, opts ...Option) *RecurrentLayer {
	return newRecurrent("LSTM", units, []string{optUnitForgetBias}, opts)
}

// GRU returns Keras's GRU layer (gates z, r, h). It takes the options of
// SimpleRNN and ResetAfter (default true, Keras 3's and cuDNN's variant,
// with a (2, 3·units) bias); RecurrentActivation may only be "sigmoid". It
// has 3·(f+units+2)·units weights with ResetAfter, 3·(f+units+1)·units
// without.
func GRU(units int, opts ...Option) *RecurrentLayer {
	return newRecurrent("GRU", units, []string{optResetAfter}, opts)
}

func newRecurrent(cell string, units int, extra []string, opts []Option) *RecurrentLayer {
	if units <= 0 {
		panic(fmt.Sprintf("layers: %s: units must be positive, got %d", cell, units))
	}
	l := &RecurrentLayer{Cell: cell, Units: units}
	l.init(l, cell, append(append([]string(nil), rnnLayerOptions...), extra...), opts)
	rc := rnnParse(opts)
	c := &l.cfg
	l.ActivationName = "tanh"
	if c.activationFn != nil || c.activationName != "" {
		switch c.activationName {
		case "tanh", "relu", "linear", "sigmoid":
			l.ActivationName = c.activationName
		default:
			panic(fmt.Sprintf("layers: %s: activation %q is not supported by the fused kernels (want tanh, relu, linear or sigmoid)", cell, c.activationName))
		}
	}
	if rc.recurrentAct != "" && rc.recurrentAct != "sigmoid" {
		panic(fmt.Sprintf("layers: %s: recurrent activation %q is not supported by the fused kernels (only sigmoid)", cell, rc.recurrentAct))
	}
	if rc.dropout < 0 || rc.dropout >= 1 {
		panic(fmt.Sprintf("layers: %s: dropout must be in [0, 1), got %v", cell, rc.dropout))
	}
	if rc.recurrentDropout < 0 || rc.recurrentDropout >= 1 {
		panic(fmt.Sprintf("layers: %s: recurrent dropout must be in [0, 1), got %v", cell, rc.recurrentDropout))
	}
	l.UseBias = !c.noBias
	l.ResetAfter = rc.resetAfter == nil || *rc.resetAfter
	l.UnitForgetBias = rc.unitForgetBias == nil || *rc.unitForgetBias
	l.ReturnSequences, l.ReturnState, l.GoBackwards = rc.returnSequences, rc.returnState, rc.goBackwards
	l.Stateful, l.ZeroOutputForMask, l.DropoutRate = rc.stateful, rc.zeroOutputForMask, rc.dropout
	l.recurrentDropout = rc.recurrentDropout
	l.kernelInit, l.recurrentInit, l.biasInit = c.kernelInit, rc.recurrentInit, c.biasInit
	if l.kernelInit == nil {
		l.kernelInit = initializers.GlorotUniform()
	}
	if l.recurrentInit == nil {
		l.recurrentInit = initializers.Orthogonal(1)
	}
	l.kernelReg, l.recurrentReg, l.biasReg = c.kernelReg, rc.recurrentReg, c.biasReg
	if c.seed != nil {
		l.seed = []int64{*c.seed}
	}
	return l
}

// gates is the number of gate blocks of the layer's kernels.
func (l *RecurrentLayer) gates() int {
	switch l.Cell {
	case "LSTM":
		return 4
	case "GRU":
		return 3
	}
	return 1
}

func (l *RecurrentLayer) checkInput(in tensor.Shape) {
	if len(in) != 3 || in[2] < 0 {
		panic(fmt.Sprintf("layers: %s (%s) expects a sequence (batch, steps, features) with known features, got shape %v", l.Name(), l.Cell, in))
	}
}

// Build implements Layer.
func (l *RecurrentLayer) Build(in tensor.Shape) {
	l.checkInput(in)
	if l.cell != nil {
		l.cell.build(in[2])
		if f := l.cell.rec.Kernel.Shape()[0]; f != in[2] {
			panic(fmt.Sprintf("layers: %s (RNN): the cell %s was built for %d features, got input shape %v", l.Name(), l.cell.Name(), f, in))
		}
		r := l.cell.rec
		l.Kernel, l.RecurrentKernel, l.Bias = r.Kernel, r.RecurrentKernel, r.Bias
		l.weights = r.weights
		if l.Stateful {
			l.buildStates(in)
		}
		return
	}
	w := l.gates() * l.Units
	l.Kernel = l.AddWeight("kernel", tensor.Shape{in[2], w}, l.kernelInit, l.kernelReg, true)
	l.RecurrentKernel = l.AddWeight("recurrent_kernel", tensor.Shape{l.Units, w}, l.recurrentInit, l.recurrentReg, true)
	if l.UseBias {
		shape := tensor.Shape{w}
		if l.Cell == "GRU" && l.ResetAfter {
			shape = tensor.Shape{2, w}
		}
		l.Bias = l.AddWeight("bias", shape, l.biasInitializer(), l.biasReg, true)
	}
	if l.Stateful {
		l.buildStates(in)
	}
}

// biasInitializer is the bias initializer, with LSTM's forget-gate bias at
// one when UnitForgetBias (as Keras: the initializer for the other gates).
func (l *RecurrentLayer) biasInitializer() initializers.Initializer {
	init := l.biasInit
	if init == nil {
		init = initializers.Zeros()
	}
	if l.Cell != "LSTM" || !l.UnitForgetBias {
		return init
	}
	u := l.Units
	return initializers.Func(func(shape tensor.Shape, dtype tensor.DType) *tensor.Tensor {
		t := init.Init(shape, dtype)
		for j := u; j < 2*u; j++ {
			t.SetFloat(j, 1)
		}
		return t
	})
}

// BuildN implements MultiInputLayer: the input and initial states.
func (l *RecurrentLayer) BuildN(shapes []tensor.Shape) { l.Build(shapes[0]) }

// Call implements Layer.
func (l *RecurrentLayer) Call(x *tf.Tensor, training bool) *tf.Tensor {
	return l.CallN([]*tf.Tensor{x}, training)
}

// CallN implements MultiInputLayer: xs[0] is the sequence, xs[1:] the
// initial states (h, and c for an LSTM).
func (l *RecurrentLayer) CallN(xs []*tf.Tensor, training bool) *tf.Tensor {
	x := xs[0]
	l.checkInput(x.Shape())
	want := 1
	if l.Cell == "LSTM" {
		want = 2
	}
	if n := len(xs) - 1; n != 0 && n != want {
		panic(fmt.Sprintf("layers: %s (%s) takes %d initial states, got %d", l.Name(), l.Cell, want, n))
	}
	in := tf.RNNInputs{X: x, Kernel: read(l.Kernel, x), Recurrent: read(l.RecurrentKernel, x), Mask: MaskOf(x)}
	if in.Mask != nil && in.Mask.DType() != tensor.Bool {
		in.Mask = tf.Cast(in.Mask, tensor.Bool)
	}
	if l.Bias != nil {
		in.Bias = read(l.Bias, x)
	}
	if len(xs) > 1 {
		in.H0 = xs[1]
		if l.Cell == "LSTM" {
			in.C0 = xs[2]
		}
	} else if l.Stateful {
		in.H0, in.C0 = l.readStates(x)
	}
	switch {
	case training && l.DropoutRate > 0 && l.recurrentDropout > 0 && l.gates() > 1:
		// With recurrent dropout, Keras's cells (implementation 1) draw one
		// input mask per gate: (batch, gates·features), each used at
		// every step.
		col := tf.OnesLike(tf.Reshape(tf.Slice(x, []int{0, 0, 0}, []int{-1, 1, 1}), -1, 1)) // (batch, 1)
		one := tf.OnesLike(tf.Reshape(tf.Slice(x, []int{0, 0, 0}, []int{1, 1, -1}), 1, -1)) // (1, features)
		blocks := make([]*tf.Tensor, l.gates())
		for i := range blocks {
			blocks[i] = one
		}
		in.InputMask = tf.Dropout(tf.Mul(col, tf.Concat(1, blocks...)), l.DropoutRate, l.seed...)
	case training && l.DropoutRate > 0:
		// One mask per sample and feature, used at every step (Keras).
		ones := tf.OnesLike(tf.Slice(x, []int{0, 0, 0}, []int{-1, 1, -1}))
		in.X = tf.Mul(x, tf.Dropout(ones, l.DropoutRate, l.seed...))
	}
	if training && l.recurrentDropout > 0 {
		in.RecurrentMask = l.recurrentMask(x, in.Recurrent)
	}
	o := tf.RNN(l.config(), in)
	l.states = []*tf.Tensor{o.H}
	if o.C != nil {
		l.states = append(l.states, o.C)
	}
	if l.Stateful && len(xs) == 1 {
		l.saveStates(x, o)
	}
	return o.Y
}

// recurrentMask draws the call's recurrent dropout mask (batch,
// gates·units): one block per gate, each sample's used at every step, as
// Keras 3's cells (which switch to implementation 1, one mask per gate,
// when recurrent_dropout is set). With a Seed, the mask's stream is seeded
// with seed+1, so that it differs from the input dropout's.
func (l *RecurrentLayer) recurrentMask(x, rec *tf.Tensor) *tf.Tensor {
	col := tf.OnesLike(tf.Reshape(tf.Slice(x, []int{0, 0, 0}, []int{-1, 1, 1}), -1, 1)) // (batch, 1)
	row := tf.OnesLike(tf.Slice(rec, []int{0, 0}, []int{1, -1}))                        // (1, gates·units)
	var seed []int64
	if len(l.seed) > 0 {
		seed = []int64{l.seed[0] + 1}
	}
	return tf.Dropout(tf.Mul(col, row), l.recurrentDropout, seed...)
}

// RecurrentDropoutRate returns Keras's recurrent_dropout (the
// RecurrentDropout option): the fraction of the state h_{t-1} dropped in
// the recurrent products while training.
func (l *RecurrentLayer) RecurrentDropoutRate() float64 { return l.recurrentDropout }

func (l *RecurrentLayer) config() tf.RNNConfig {
	return tf.RNNConfig{Cell: l.Cell, Units: l.Units, Activation: l.ActivationName,
		ResetAfter: l.ResetAfter, ReturnSequences: l.ReturnSequences, GoBackwards: l.GoBackwards,
		ZeroOutputForMask: l.ZeroOutputForMask}
}

// ApplyState calls the layer on x from the given initial states (none:
// zeros, or the carried states of a Stateful layer) and returns its output
// and final states: h, and c for an LSTM (Keras's return_state).
func (l *RecurrentLayer) ApplyState(x *tf.Tensor, initial ...*tf.Tensor) (*tf.Tensor, []*tf.Tensor) {
	y := Apply(l, append([]*tf.Tensor{x}, initial...)...)
	return y, append([]*tf.Tensor(nil), l.states...)
}

// States returns the final states of the layer's last call: h, and c for
// an LSTM.
func (l *RecurrentLayer) States() []*tf.Tensor { return append([]*tf.Tensor(nil), l.states...) }

// ComputeOutputShape implements Layer.
func (l *RecurrentLayer) ComputeOutputShape(in tensor.Shape) tensor.Shape {
	l.checkInput(in)
	if l.ReturnSequences {
		return tensor.Shape{in[0], in[1], l.Units}
	}
	return tensor.Shape{in[0], l.Units}
}

// ComputeOutputShapeN implements MultiInputLayer.
func (l *RecurrentLayer) ComputeOutputShapeN(shapes []tensor.Shape) tensor.Shape {
	return l.ComputeOutputShape(shapes[0])
}
