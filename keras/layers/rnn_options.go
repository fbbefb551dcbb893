package layers

import (
	"github.com/tensorgo/tensorgo/keras/initializers"
	"github.com/tensorgo/tensorgo/keras/regularizers"
)

// rnnConfig holds the arguments only recurrent layers, Embedding and the
// wrappers take.
type rnnConfig struct {
	returnSequences   bool
	returnState       bool
	goBackwards       bool
	stateful          bool
	unroll            bool
	zeroOutputForMask bool
	resetAfter        *bool
	unitForgetBias    *bool
	dropout           float64
	recurrentDropout  float64
	recurrentInit     initializers.Initializer
	recurrentReg      regularizers.Regularizer
	recurrentAct      string
	maskZero          bool
	embeddingsInit    initializers.Initializer
	embeddingsReg     regularizers.Regularizer
}

// rnnOption is an Option of the recurrent layers. It sets nothing in the
// shared config: constructors apply it to their rnnConfig (rnnParse).
type rnnOption struct {
	name string
	set  func(*rnnConfig)
}

func (o rnnOption) apply(*config)      {}
func (o rnnOption) optionName() string { return o.name }

// rnnParse applies the recurrent options among opts.
func rnnParse(opts []Option) rnnConfig {
	var c rnnConfig
	for _, o := range opts {
		if ro, ok := o.(rnnOption); ok {
			ro.set(&c)
		}
	}
	return c
}

// The recurrent options' names.
const (
	optReturnSequences      = "ReturnSequences"
	optReturnState          = "ReturnState"
	optGoBackwards          = "GoBackwards"
	optStateful             = "Stateful"
	optUnroll               = "Unroll"
	optZeroOutputForMask    = "ZeroOutputForMask"
	optResetAfter           = "ResetAfter"
	optUnitForgetBias       = "UnitForgetBias"
	optRNNDropout           = "RNNDropout"
	optRecurrentDropout     = "RecurrentDropout"
	optRecurrentInitializer = "RecurrentInitializer"
	optRecurrentRegularizer = "RecurrentRegularizer"
	optRecurrentActivation  = "RecurrentActivation"
	optMaskZero             = "MaskZero"
	optEmbeddingsInit       = "EmbeddingsInitializer"
	optEmbeddingsReg        = "EmbeddingsRegularizer"
)

// ReturnSequences makes a recurrent layer return its output at every step,
// (batch, steps, units), instead of the last one, (batch, units) (Keras's
// return_sequences, default false).
func ReturnSequences(b bool) Option {
	return rnnOption{optReturnSequences, func(c *rnnConfig) { c.returnSequences = b }}
}

// ReturnState makes a recurrent layer keep its final states for
// RecurrentLayer.ApplyState and Bidirectional (Keras's return_state).
// Apply still returns the output only: a layer returns one tensor here.
func ReturnState(b bool) Option {
	return rnnOption{optReturnState, func(c *rnnConfig) { c.returnState = b }}
}

// GoBackwards makes a recurrent layer process its input from the last step
// to the first and return the outputs in that order (Keras's go_backwards).
func GoBackwards(b bool) Option {
	return rnnOption{optGoBackwards, func(c *rnnConfig) { c.goBackwards = b }}
}

// Stateful makes a recurrent layer start each batch from the states the
// previous batch ended with (Keras's stateful): sample i of a batch
// continues sample i of the one before. It needs a fixed batch size (the
// BatchSize option, or a known batch dimension), and
// RecurrentLayer.ResetStates sets the states back to zero.
func Stateful(b bool) Option {
	return rnnOption{optStateful, func(c *rnnConfig) { c.stateful = b }}
}

// Unroll is accepted for Keras compatibility and changes nothing: the
// layer always runs one fused op over the whole sequence.
func Unroll(b bool) Option { return rnnOption{optUnroll, func(c *rnnConfig) { c.unroll = b }} }

// ZeroOutputForMask makes the output of a masked step zero rather than the
// previous output (Keras's zero_output_for_mask; Bidirectional sets it).
func ZeroOutputForMask(b bool) Option {
	return rnnOption{optZeroOutputForMask, func(c *rnnConfig) { c.zeroOutputForMask = b }}
}

// ResetAfter selects GRU's variant (Keras's reset_after, default true): the
// reset gate applies after the recurrent projection, with a (2, 3·units)
// bias (the input bias in row 0, the recurrent one in row 1). False is the
// older variant with one (3·units) bias.
func ResetAfter(b bool) Option {
	return rnnOption{optResetAfter, func(c *rnnConfig) { c.resetAfter = &b }}
}

// UnitForgetBias makes an LSTM start its forget-gate bias at one (Keras's
// unit_forget_bias, default true).
func UnitForgetBias(b bool) Option {
	return rnnOption{optUnitForgetBias, func(c *rnnConfig) { c.unitForgetBias = &b }}
}

// RNNDropout is a recurrent layer's dropout argument: the fraction of the
// input features dropped while training, with one mask per sample used at
// every step, as Keras; with RecurrentDropout too, one mask per gate (LSTM
// 4, GRU 3), as Keras 3's cells then draw. (Dropout is the name of the
// Dropout layer.)
func RNNDropout(rate float64) Option {
	return rnnOption{optRNNDropout, func(c *rnnConfig) { c.dropout = rate }}
}

// RecurrentDropout is Keras's recurrent_dropout: while training, the
// fraction rate of the state h_{t-1} dropped where the recurrent products
// read it, the rest scaled by 1/(1−rate). The mask is drawn once per call
// for each sample, one per gate (LSTM 4, GRU 3), and used at every step, as
// Keras 3's cells; inference uses the whole state. rate must be in [0, 1)
// (default 0).
func RecurrentDropout(rate float64) Option {
	return rnnOption{optRecurrentDropout, func(c *rnnConfig) { c.recurrentDropout = rate }}
}

// RecurrentInitializer sets the recurrent kernel's initializer (an
// initializers.Initializer or a name; default orthogonal).
func RecurrentInitializer(i any) Option {
	init := toInit(optRecurrentInitializer, i)
	return rnnOption{optRecurrentInitializer, func(c *rnnConfig) { c.recurrentInit = init }}
}

// RecurrentRegularizer adds a penalty on the recurrent kernel to the loss.
func RecurrentRegularizer(r any) Option {
	reg := toReg(optRecurrentRegularizer, r)
	return rnnOption{optRecurrentRegularizer, func(c *rnnConfig) { c.recurrentReg = reg }}
}

// RecurrentActivation is Keras's recurrent_activation, the gates'
// activation. Only "sigmoid", the default, is implemented by the fused
// kernels; another name makes the constructor panic.
func RecurrentActivation(name string) Option {
	return rnnOption{optRecurrentActivation, func(c *rnnConfig) { c.recurrentAct = name }}
}

// MaskZero makes Embedding mask the steps whose index is 0 (Keras's
// mask_zero): the recurrent layers after it skip them.
func MaskZero(b bool) Option { return rnnOption{optMaskZero, func(c *rnnConfig) { c.maskZero = b }} }

// EmbeddingsInitializer sets Embedding's table initializer (default
// uniform in [-0.05, 0.05], as Keras).
func EmbeddingsInitializer(i any) Option {
	init := toInit(optEmbeddingsInit, i)
	return rnnOption{optEmbeddingsInit, func(c *rnnConfig) { c.embeddingsInit = init }}
}

// EmbeddingsRegularizer adds a penalty on Embedding's table to the loss.
func EmbeddingsRegularizer(r any) Option {
	reg := toReg(optEmbeddingsReg, r)
	return rnnOption{optEmbeddingsReg, func(c *rnnConfig) { c.embeddingsReg = reg }}
}
