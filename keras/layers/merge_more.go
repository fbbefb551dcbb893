package layers

import (
	"fmt"

	"github.com/tensorgo/tensorgo/tensor"
	"github.com/tensorgo/tensorgo/tf"
)

// MergeLayer is one of Keras's elementwise merge layers — Subtract,
// Multiply, Average, Maximum, Minimum (ClassName says which) — on inputs
// of one shape.
type MergeLayer struct {
	Base
	combine func(a, b *tf.Tensor) *tf.Tensor
	two     bool // Subtract takes exactly two inputs
	mean    bool // Average divides the sum by the count
}

func newMerge(class string, f func(a, b *tf.Tensor) *tf.Tensor, opts []Option) *MergeLayer {
	l := &MergeLayer{combine: f}
	l.Init(l, class, opts...)
	return l
}

// Subtract returns Keras's Subtract: the first of two inputs minus the
// second.
func Subtract(opts ...Option) *MergeLayer {
	l := newMerge("Subtract", tf.Sub, opts)
	l.two = true
	return l
}

// Multiply returns Keras's Multiply: the elementwise product of its inputs.
func Multiply(opts ...Option) *MergeLayer { return newMerge("Multiply", tf.Mul, opts) }

// Average returns Keras's Average: the elementwise mean of its inputs.
func Average(opts ...Option) *MergeLayer {
	l := newMerge("Average", tf.Add, opts)
	l.mean = true
	return l
}

// Maximum returns Keras's Maximum: the elementwise maximum of its inputs.
func Maximum(opts ...Option) *MergeLayer { return newMerge("Maximum", tf.Maximum, opts) }

// Minimum returns Keras's Minimum: the elementwise minimum of its inputs.
func Minimum(opts ...Option) *MergeLayer { return newMerge("Minimum", tf.Minimum, opts) }

// Build implements Layer.
func (l *MergeLayer) Build(in tensor.Shape) { l.ComputeOutputShapeN([]tensor.Shape{in}) }

// BuildN implements MultiInputLayer.
func (l *MergeLayer) BuildN(shapes []tensor.Shape) { l.ComputeOutputShapeN(shapes) }

// Call implements Layer (one input: itself, except for Subtract, which
// panics at build time).
func (l *MergeLayer) Call(x *tf.Tensor, training bool) *tf.Tensor { return x }

// CallN implements MultiInputLayer.
func (l *MergeLayer) CallN(xs []*tf.Tensor, training bool) *tf.Tensor {
	y := xs[0]
	for _, x := range xs[1:] {
		y = l.combine(y, x)
	}
	if l.mean {
		y = tf.Mul(y, tf.Const(y.Graph(), tensor.Fill(y.DType(), 1/float64(len(xs)))))
	}
	return y
}

// ComputeOutputShape implements Layer.
func (l *MergeLayer) ComputeOutputShape(in tensor.Shape) tensor.Shape {
	return l.ComputeOutputShapeN([]tensor.Shape{in})
}

// ComputeOutputShapeN implements MultiInputLayer.
func (l *MergeLayer) ComputeOutputShapeN(shapes []tensor.Shape) tensor.Shape {
	if l.two && len(shapes) != 2 {
		panic(fmt.Sprintf("layers: %s (Subtract) takes exactly 2 inputs, got %d", l.Name(), len(shapes)))
	}
	for _, s := range shapes[1:] {
		if !s.CompatibleWith(shapes[0]) {
			panic(fmt.Sprintf("layers: %s (%s): input shapes differ: %v", l.Name(), l.className, shapes))
		}
	}
	return shapes[0].Clone()
}
