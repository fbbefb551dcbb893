package layers

import (
	"fmt"

	"github.com/tensorgo/tensorgo/tensor"
	"github.com/tensorgo/tensorgo/tf"
)

// MaskingLayer marks the steps of a sequence whose features all equal a
// value as padding (Keras's Masking): it zeroes them and attaches a mask
// (see SetMask), so the recurrent layers after it skip them.
type MaskingLayer struct {
	Base
	MaskValue float64
}

// Masking returns a masking layer for steps whose every feature equals
// maskValue (Keras's default is 0).
func Masking(maskValue float64, opts ...Option) *MaskingLayer {
	m := &MaskingLayer{MaskValue: maskValue}
	m.Init(m, "Masking", opts...)
	return m
}

// Build implements Layer.
func (m *MaskingLayer) Build(tensor.Shape) {}

// Call implements Layer.
func (m *MaskingLayer) Call(x *tf.Tensor, training bool) *tf.Tensor {
	if x.Rank() < 3 {
		panic(fmt.Sprintf("layers: %s (Masking) expects (batch, steps, features...), got shape %v", m.Name(), x.Shape()))
	}
	v := tensor.New(x.DType())
	v.SetFloat(0, m.MaskValue)
	differs := tf.Cast(tf.NotEqual(x, tf.Constant(v)), x.DType())
	axes := make([]int, 0, x.Rank()-2)
	for a := 2; a < x.Rank(); a++ {
		axes = append(axes, a)
	}
	keep := tf.ReduceMax(differs, axes, false) // (batch, steps): 1 where a feature differs
	scale := keep
	for a := 2; a < x.Rank(); a++ {
		scale = tf.ExpandDims(scale, -1)
	}
	y := tf.Mul(x, scale)
	SetMask(y, tf.Greater(keep, tf.ZerosLike(keep)))
	return y
}

// ComputeOutputShape implements Layer.
func (m *MaskingLayer) ComputeOutputShape(in tensor.Shape) tensor.Shape { return in.Clone() }

// RepeatVectorLayer repeats its input n times along a new time axis
// (Keras's RepeatVector): (batch, features) → (batch, n, features).
type RepeatVectorLayer struct {
	Base
	N int
}

// RepeatVector returns a layer repeating its (batch, features) input n
// times.
func RepeatVector(n int, opts ...Option) *RepeatVectorLayer {
	if n < 1 {
		panic(fmt.Sprintf("layers: RepeatVector: n must be positive, got %d", n))
	}
	r := &RepeatVectorLayer{N: n}
	r.Init(r, "RepeatVector", opts...)
	return r
}

// Build implements Layer.
func (r *RepeatVectorLayer) Build(in tensor.Shape) {
	if len(in) != 2 {
		panic(fmt.Sprintf("layers: %s (RepeatVector) expects (batch, features), got shape %v", r.Name(), in))
	}
}

// Call implements Layer.
func (r *RepeatVectorLayer) Call(x *tf.Tensor, training bool) *tf.Tensor {
	if x.Rank() != 2 {
		panic(fmt.Sprintf("layers: %s (RepeatVector) expects (batch, features), got shape %v", r.Name(), x.Shape()))
	}
	e := tf.ExpandDims(x, 1)
	parts := make([]*tf.Tensor, r.N)
	for i := range parts {
		parts[i] = e
	}
	if r.N == 1 {
		return e
	}
	return tf.Concat(1, parts...)
}

// ComputeOutputShape implements Layer.
func (r *RepeatVectorLayer) ComputeOutputShape(in tensor.Shape) tensor.Shape {
	return tensor.Shape{in[0], r.N, in[len(in)-1]}
}
