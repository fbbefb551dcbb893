package layers_test

import (
	"fmt"

	"github.com/tensorgo/tensorgo/keras"
	"github.com/tensorgo/tensorgo/keras/initializers"
	"github.com/tensorgo/tensorgo/keras/layers"
	"github.com/tensorgo/tensorgo/tensor"
	"github.com/tensorgo/tensorgo/tf"
)

// Layers build their weights on first use, from the input's shape, and
// work on eager tensors as on graph tensors.
func ExampleDense() {
	keras.ClearSession() // automatic names start again at "dense"
	d := layers.Dense(3, layers.Activation("relu"), layers.KernelInitializer(initializers.Ones()))
	y := d.Apply(tf.Constant(tensor.From([][]float32{{1, 2}})))
	fmt.Println(d.Name(), d.Kernel.Shape(), d.CountParams(), y.Value().Float32s())
	// Output: dense (2, 3) 9 [3 3 3]
}

// A custom layer embeds layers.Base, calls Init in its constructor and
// defines Build, Call and ComputeOutputShape.
type Scale struct {
	layers.Base
	W *tf.Variable
}

func NewScale() *Scale {
	s := &Scale{}
	s.Init(s, "Scale")
	return s
}

func (s *Scale) Build(in tensor.Shape) {
	s.W = s.AddWeight("w", tensor.Shape{in[len(in)-1]}, initializers.Constant(2), nil, true)
}

func (s *Scale) Call(x *tf.Tensor, training bool) *tf.Tensor {
	return tf.Mul(x, s.W.In(x.Graph()))
}

func (s *Scale) ComputeOutputShape(in tensor.Shape) tensor.Shape { return in }

func ExampleBase() {
	keras.ClearSession() // automatic names start again at "dense"
	s := NewScale()
	y := s.Apply(tf.Constant(tensor.From([][]float32{{1, 2, 3}})))
	fmt.Println(s.Name(), s.CountParams(), y.Value().Float32s())
	// Output: scale 3 [2 4 6]
}
