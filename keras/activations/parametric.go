package activations

import (
	"fmt"
	"math"

	"github.com/tensorgo/tensorgo/tf"
)

// ReluOption configures ReluWith.
type ReluOption func(*reluConfig)

type reluConfig struct {
	slope, max, threshold float64
}

// NegativeSlope sets the slope below the threshold (Keras's
// negative_slope, default 0).
func NegativeSlope(s float64) ReluOption { return func(c *reluConfig) { c.slope = s } }

// MaxValue caps the output (Keras's max_value; default none).
func MaxValue(m float64) ReluOption { return func(c *reluConfig) { c.max = m } }

// Threshold sets the value below which the output is 0 (or follows the
// negative slope) (Keras's threshold, default 0).
func Threshold(t float64) ReluOption { return func(c *reluConfig) { c.threshold = t } }

// ReluWith returns Keras's relu(x, negative_slope, max_value, threshold):
// x for threshold < x < max_value, max_value above it, and
// negative_slope * (x - threshold) at or below the threshold.
func ReluWith(opts ...ReluOption) Func {
	c := reluConfig{max: math.Inf(1)}
	for _, o := range opts {
		o(&c)
	}
	return func(x *tf.Tensor) *tf.Tensor {
		var y *tf.Tensor
		if c.threshold != 0 {
			y = tf.Where(tf.Greater(x, scalar(x, c.threshold)), x, tf.ZerosLike(x))
		} else {
			y = tf.Relu(x)
		}
		if !math.IsInf(c.max, 1) {
			y = tf.ClipByValue(y, 0, c.max)
		}
		if c.slope != 0 {
			neg := tf.Relu(tf.Sub(scalar(x, c.threshold), x))
			y = tf.Sub(y, tf.Mul(scalar(x, c.slope), neg))
		}
		return y
	}
}

// LeakyRelu is x for x > 0 and 0.2x otherwise (Keras 3's default negative
// slope 0.2).
func LeakyRelu(x *tf.Tensor) *tf.Tensor { return LeakyReluWith(0.2)(x) }

// LeakyReluWith returns x for x > 0 and slope*x otherwise.
func LeakyReluWith(slope float64) Func {
	return func(x *tf.Tensor) *tf.Tensor { return tf.LeakyRelu(x, slope) }
}

// Elu is x for x > 0 and exp(x) - 1 otherwise (alpha 1).
func Elu(x *tf.Tensor) *tf.Tensor { return tf.Elu(x, 1) }

// EluWith returns x for x > 0 and alpha*(exp(x) - 1) otherwise.
func EluWith(alpha float64) Func { return func(x *tf.Tensor) *tf.Tensor { return tf.Elu(x, alpha) } }

// Celu is x for x >= 0 and exp(x) - 1 otherwise (Keras's alpha 1).
func Celu(x *tf.Tensor) *tf.Tensor { return CeluWith(1)(x) }

// CeluWith returns max(x, 0) + alpha*(exp(min(x, 0)/alpha) - 1). It
// panics if alpha is 0.
func CeluWith(alpha float64) Func {
	if alpha == 0 {
		panic("activations: celu: alpha must not be 0")
	}
	return func(x *tf.Tensor) *tf.Tensor {
		zero := tf.ZerosLike(x)
		neg := tf.Mul(scalar(x, alpha), tf.Expm1(tf.Div(tf.Minimum(x, zero), scalar(x, alpha))))
		return tf.Add(tf.Maximum(x, zero), neg)
	}
}

// Gelu is Keras's default gelu, the exact x * Φ(x) = 0.5x(1 + erf(x/√2)).
func Gelu(x *tf.Tensor) *tf.Tensor { return tf.Gelu(x) }

// GeluWith returns the exact gelu (approximate false) or its tanh form
// 0.5x(1 + tanh(√(2/π)(x + 0.044715x³))) (approximate true), as Keras's
// gelu(x, approximate).
func GeluWith(approximate bool) Func {
	if !approximate {
		return Gelu
	}
	return func(x *tf.Tensor) *tf.Tensor {
		inner := tf.Mul(scalar(x, math.Sqrt(2/math.Pi)), tf.Add(x, tf.Mul(scalar(x, 0.044715), tf.Mul(x, tf.Square(x)))))
		return tf.Mul(tf.Mul(scalar(x, 0.5), x), tf.Add(scalar(x, 1), tf.Tanh(inner)))
	}
}

// Softmax normalises the last axis into probabilities.
func Softmax(x *tf.Tensor) *tf.Tensor { return tf.Softmax(x, -1) }

// SoftmaxAxis returns softmax along axis (negative counts from the end).
func SoftmaxAxis(axis int) Func { return func(x *tf.Tensor) *tf.Tensor { return tf.Softmax(x, axis) } }

// LogSoftmax is log(softmax(x)) along the last axis.
func LogSoftmax(x *tf.Tensor) *tf.Tensor { return tf.LogSoftmax(x, -1) }

// LogSoftmaxAxis returns log_softmax along axis.
func LogSoftmaxAxis(axis int) Func {
	return func(x *tf.Tensor) *tf.Tensor { return tf.LogSoftmax(x, axis) }
}

// Glu is the gated linear unit along the last axis: x split into halves
// a, b; a * sigmoid(b).
func Glu(x *tf.Tensor) *tf.Tensor { return GluAxis(-1)(x) }

// GluAxis returns glu along axis. The returned Func panics if that axis
// has an odd or unknown size.
func GluAxis(axis int) Func {
	return func(x *tf.Tensor) *tf.Tensor {
		r := x.Rank()
		a := axis
		if a < 0 {
			a += r
		}
		if a < 0 || a >= r {
			panic(fmt.Sprintf("activations: glu: axis %d out of range for input shape %v", axis, x.Shape()))
		}
		n := x.Shape()[a]
		if n < 0 || n%2 != 0 {
			panic(fmt.Sprintf("activations: glu: axis %d of input shape %v must have an even, known size", axis, x.Shape()))
		}
		h := tf.Split(x, a, n/2, n/2)
		return tf.Mul(h[0], tf.Sigmoid(h[1]))
	}
}
