// Package activations holds Keras's activation functions by name ("relu",
// "softmax", ...) as functions of tf tensors, usable in graph and eager mode.
package activations

import (
	"fmt"
	"sort"
	"strings"

	"github.com/tensorgo/tensorgo/tf"
)

// Func is an activation: elementwise (or, for softmax, along the last axis).
type Func func(x *tf.Tensor) *tf.Tensor

// Linear returns x unchanged (Keras's "linear", the Dense default).
func Linear(x *tf.Tensor) *tf.Tensor { return x }

// Softmax normalises the last axis into probabilities.
func Softmax(x *tf.Tensor) *tf.Tensor { return tf.Softmax(x, -1) }

// LogSoftmax is log(softmax(x)) along the last axis.
func LogSoftmax(x *tf.Tensor) *tf.Tensor { return tf.LogSoftmax(x, -1) }

// Elu is x for x > 0, exp(x) - 1 otherwise (alpha 1).
func Elu(x *tf.Tensor) *tf.Tensor { return tf.Elu(x, 1) }

// LeakyRelu is max(x, 0.2·x) (Keras 3's default negative slope 0.2).
func LeakyRelu(x *tf.Tensor) *tf.Tensor { return tf.LeakyRelu(x, 0.2) }

var byName = map[string]Func{
	"linear":       Linear,
	"relu":         tf.Relu,
	"relu6":        tf.Relu6,
	"sigmoid":      tf.Sigmoid,
	"hard_sigmoid": tf.HardSigmoid,
	"tanh":         tf.Tanh,
	"softmax":      Softmax,
	"log_softmax":  LogSoftmax,
	"softplus":     tf.Softplus,
	"softsign":     tf.Softsign,
	"elu":          Elu,
	"selu":         tf.Selu,
	"gelu":         tf.Gelu,
	"swish":        tf.Swish,
	"silu":         tf.Swish,
	"exponential":  tf.Exp,
	"leaky_relu":   LeakyRelu,
}

// Get returns the activation Keras knows by name; "" and "linear" give
// Linear.
func Get(name string) (Func, error) {
	if name == "" {
		return Linear, nil
	}
	if f, ok := byName[strings.ToLower(name)]; ok {
		return f, nil
	}
	return nil, fmt.Errorf("activations: unknown activation %q (known: %s)", name, strings.Join(Names(), ", "))
}

// Names lists the known activation names.
func Names() []string {
	var n []string
	for k := range byName {
		n = append(n, k)
	}
	sort.Strings(n)
	return n
}
