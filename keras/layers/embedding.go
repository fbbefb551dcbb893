package layers

import (
	"fmt"

	"github.com/tensorgo/tensorgo/keras/initializers"
	"github.com/tensorgo/tensorgo/keras/regularizers"
	"github.com/tensorgo/tensorgo/tensor"
	"github.com/tensorgo/tensorgo/tf"
)

// EmbeddingLayer maps integer indices to rows of a trained table (Keras's
// Embedding): an input (batch, ...) of indices in [0, InputDim) gives
// (batch, ..., OutputDim). Its gradient touches only the rows looked up.
// An index outside [0, InputDim) makes Fit, Evaluate or Predict return an
// error naming the layer, the sample of the batch and the index, never a
// read outside the table.
type EmbeddingLayer struct {
	Base
	InputDim, OutputDim int
	// MaskZero attaches a mask to the output (see SetMask) that is false
	// where the index is 0, so the recurrent layers after it skip those
	// steps; index 0 is then padding, as in Keras.
	MaskZero bool
	// Embeddings is the table, (InputDim, OutputDim).
	Embeddings *tf.Variable

	embInit initializers.Initializer
	reg     regularizers.Regularizer
}

// Embedding returns Keras's Embedding layer with a table of inputDim rows
// of outputDim values. Besides the options every layer takes, it takes
// EmbeddingsInitializer (default uniform in [-0.05, 0.05]),
// EmbeddingsRegularizer and MaskZero. Its input may be of any integer or
// float dtype (floats are truncated to integers).
func Embedding(inputDim, outputDim int, opts ...Option) *EmbeddingLayer {
	if inputDim <= 0 || outputDim <= 0 {
		panic(fmt.Sprintf("layers: Embedding: input_dim and output_dim must be positive, got %d and %d", inputDim, outputDim))
	}
	e := &EmbeddingLayer{InputDim: inputDim, OutputDim: outputDim}
	e.init(e, "Embedding", []string{optEmbeddingsInit, optEmbeddingsReg, optMaskZero}, opts)
	rc := rnnParse(opts)
	e.MaskZero, e.embInit, e.reg = rc.maskZero, rc.embeddingsInit, rc.embeddingsReg
	if e.embInit == nil {
		e.embInit = initializers.RandomUniform(-0.05, 0.05)
	}
	return e
}

// Build implements Layer.
func (e *EmbeddingLayer) Build(in tensor.Shape) {
	e.Embeddings = e.AddWeight("embeddings", tensor.Shape{e.InputDim, e.OutputDim}, e.embInit, e.reg, true)
}

// Call implements Layer.
func (e *EmbeddingLayer) Call(x *tf.Tensor, training bool) *tf.Tensor {
	ids := x
	if d := x.DType(); d != tensor.Int32 && d != tensor.Int64 {
		ids = tf.Cast(x, tensor.Int32)
	}
	ids = tf.CheckIDs(ids, e.InputDim, e.Name()+" (Embedding)")
	y := tf.EmbeddingLookup(read(e.Embeddings, x), ids)
	if e.MaskZero {
		SetMask(y, tf.NotEqual(ids, tf.ZerosLike(ids)))
	}
	return y
}

// ComputeOutputShape implements Layer.
func (e *EmbeddingLayer) ComputeOutputShape(in tensor.Shape) tensor.Shape {
	return append(in.Clone(), e.OutputDim)
}
