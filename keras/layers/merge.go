package layers

import (
	"fmt"

	"github.com/tensorgo/tensorgo/tensor"
	"github.com/tensorgo/tensorgo/tf"
)

// AddLayer sums its inputs elementwise (Keras's Add, for skip connections).
type AddLayer struct{ Base }

// Add returns a layer summing several inputs of the same shape.
func Add(opts ...Option) *AddLayer {
	a := &AddLayer{}
	a.Init(a, "Add", opts...)
	return a
}

// Build implements Layer.
func (a *AddLayer) Build(tensor.Shape) {}

// BuildN implements MultiInputLayer.
func (a *AddLayer) BuildN(shapes []tensor.Shape) { a.ComputeOutputShapeN(shapes) }

// Call implements Layer (one input: itself).
func (a *AddLayer) Call(x *tf.Tensor, training bool) *tf.Tensor { return x }

// CallN implements MultiInputLayer.
func (a *AddLayer) CallN(xs []*tf.Tensor, training bool) *tf.Tensor {
	y := xs[0]
	for _, x := range xs[1:] {
		y = tf.Add(y, x)
	}
	return y
}

// ComputeOutputShape implements Layer.
func (a *AddLayer) ComputeOutputShape(in tensor.Shape) tensor.Shape { return in.Clone() }

// ComputeOutputShapeN implements MultiInputLayer.
func (a *AddLayer) ComputeOutputShapeN(shapes []tensor.Shape) tensor.Shape {
	for _, s := range shapes[1:] {
		if !s.CompatibleWith(shapes[0]) {
			panic(fmt.Sprintf("layers: %s (Add): input shapes differ: %v", a.Name(), shapes))
		}
	}
	return shapes[0].Clone()
}

// ConcatenateLayer joins its inputs along an axis (default the last).
type ConcatenateLayer struct {
	Base
	Axis int
}

// Concatenate returns a layer joining inputs along axis (-1: the last).
func Concatenate(axis int, opts ...Option) *ConcatenateLayer {
	c := &ConcatenateLayer{Axis: axis}
	c.Init(c, "Concatenate", opts...)
	return c
}

// Build implements Layer.
func (c *ConcatenateLayer) Build(tensor.Shape) {}

// BuildN implements MultiInputLayer.
func (c *ConcatenateLayer) BuildN(shapes []tensor.Shape) { c.ComputeOutputShapeN(shapes) }

// Call implements Layer.
func (c *ConcatenateLayer) Call(x *tf.Tensor, training bool) *tf.Tensor { return x }

// CallN implements MultiInputLayer.
func (c *ConcatenateLayer) CallN(xs []*tf.Tensor, training bool) *tf.Tensor {
	return tf.Concat(c.Axis, xs...)
}

// ComputeOutputShape implements Layer.
func (c *ConcatenateLayer) ComputeOutputShape(in tensor.Shape) tensor.Shape { return in.Clone() }

// ComputeOutputShapeN implements MultiInputLayer.
func (c *ConcatenateLayer) ComputeOutputShapeN(shapes []tensor.Shape) tensor.Shape {
	r := len(shapes[0])
	ax := tensor.NormAxis("Concatenate", c.Axis, r)
	out := shapes[0].Clone()
	for _, s := range shapes[1:] {
		if len(s) != r {
			panic(fmt.Sprintf("layers: %s (Concatenate): ranks differ: %v", c.Name(), shapes))
		}
		for i := range s {
			if i == ax {
				if out[i] >= 0 && s[i] >= 0 {
					out[i] += s[i]
				} else {
					out[i] = -1
				}
			} else if s[i] >= 0 && out[i] >= 0 && s[i] != out[i] {
				panic(fmt.Sprintf("layers: %s (Concatenate): shapes %v differ outside axis %d", c.Name(), shapes, c.Axis))
			}
		}
	}
	return out
}
