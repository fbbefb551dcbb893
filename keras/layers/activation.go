package layers

import (
	"fmt"
	"strings"

	"github.com/tensorgo/tensorgo/keras/activations"
	"github.com/tensorgo/tensorgo/tensor"
	"github.com/tensorgo/tensorgo/tf"
)

// ActivationLayer applies an activation function. It is also an Option:
// layers.Dense(10, layers.Activation("softmax")) sets Dense's activation.
type ActivationLayer struct {
	Base
	Fn     activations.Func
	FnName string // the activation's Keras name ("relu"), or "" for a function
}

// Activation returns a layer applying activation a, Keras's activation
// argument: a name ("relu", "softmax", ...), an activations.Func or a
// func(*tf.Tensor) *tf.Tensor, or nil for none (linear, as Keras's
// activation=None). As an option of another layer it sets that layer's
// activation. An unknown name panics, listing the known ones; so does a
// value of another type.
func Activation(a any, opts ...Option) *ActivationLayer {
	l := &ActivationLayer{}
	switch v := a.(type) {
	case nil:
		l.Fn, l.FnName = activations.Linear, "linear"
	case string:
		f, err := activations.Get(v)
		if err != nil {
			panic(fmt.Sprintf("layers: Activation: %v", err))
		}
		l.Fn, l.FnName = f, strings.ToLower(v)
		if v == "" {
			l.FnName = "linear"
		}
	case activations.Func:
		l.Fn = v
	case func(*tf.Tensor) *tf.Tensor:
		l.Fn = v
	default:
		panic(fmt.Sprintf("layers: Activation: want a name, an activations.Func or nil, got %T", a))
	}
	if l.Fn == nil { // a nil function
		l.Fn, l.FnName = activations.Linear, "linear"
	}
	l.Init(l, "Activation", opts...)
	return l
}

func (a *ActivationLayer) apply(c *config) {
	c.activationFn, c.activationName = nil, "linear"
	if a != nil {
		c.activationFn, c.activationName = a.Fn, a.FnName
	}
}

func (a *ActivationLayer) optionName() string { return optActivation }

// Build implements Layer.
func (a *ActivationLayer) Build(tensor.Shape) {}

// Call implements Layer.
func (a *ActivationLayer) Call(x *tf.Tensor, training bool) *tf.Tensor { return a.Fn(x) }

// ComputeOutputShape implements Layer.
func (a *ActivationLayer) ComputeOutputShape(in tensor.Shape) tensor.Shape { return in.Clone() }
