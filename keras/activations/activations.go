// Package activations holds Keras's activation functions by name ("relu",
// "softmax", ...) as functions of tf tensors, usable in graph and eager
// mode. Each is composed of tf ops, so its gradient comes from theirs.
//
// Activations with arguments (relu's negative_slope, gelu's approximate,
// softmax's axis, ...) have a Func-returning form (ReluWith, GeluWith,
// SoftmaxAxis, ...); Get returns Keras's defaults.
package activations

import (
	"github.com/tensorgo/tensorgo/tensor"
	"github.com/tensorgo/tensorgo/tf"
)

// Func is an activation: elementwise, or along an axis for softmax,
// log_softmax and glu.
type Func func(x *tf.Tensor) *tf.Tensor

// scalar returns v as a scalar of x's dtype, in x's graph (eager when x is).
func scalar(x *tf.Tensor, v float64) *tf.Tensor {
	return tf.Const(x.Graph(), tensor.Fill(x.DType(), v))
}

// Linear returns x unchanged (Keras's "linear", the Dense default).
func Linear(x *tf.Tensor) *tf.Tensor { return x }

// Relu is max(x, 0).
func Relu(x *tf.Tensor) *tf.Tensor { return tf.Relu(x) }

// Relu6 is min(max(x, 0), 6).
func Relu6(x *tf.Tensor) *tf.Tensor { return tf.Relu6(x) }

// Sigmoid is 1 / (1 + exp(-x)).
func Sigmoid(x *tf.Tensor) *tf.Tensor { return tf.Sigmoid(x) }

// Tanh is the hyperbolic tangent.
func Tanh(x *tf.Tensor) *tf.Tensor { return tf.Tanh(x) }

// Softplus is log(1 + exp(x)).
func Softplus(x *tf.Tensor) *tf.Tensor { return tf.Softplus(x) }

// Softsign is x / (1 + |x|).
func Softsign(x *tf.Tensor) *tf.Tensor { return tf.Softsign(x) }

// Selu is scale * elu(x, alpha) with Keras's constants (alpha
// 1.67326324, scale 1.05070098).
func Selu(x *tf.Tensor) *tf.Tensor { return tf.Selu(x) }

// Exponential is exp(x).
func Exponential(x *tf.Tensor) *tf.Tensor { return tf.Exp(x) }

// Silu (Keras's "silu", alias "swish") is x * sigmoid(x).
func Silu(x *tf.Tensor) *tf.Tensor { return tf.Swish(x) }

// Swish is Silu.
func Swish(x *tf.Tensor) *tf.Tensor { return tf.Swish(x) }

// LogSigmoid is log(sigmoid(x)), computed stably.
func LogSigmoid(x *tf.Tensor) *tf.Tensor { return tf.LogSigmoid(x) }

// Mish is x * tanh(softplus(x)).
func Mish(x *tf.Tensor) *tf.Tensor { return tf.Mul(x, tf.Tanh(tf.Softplus(x))) }

// HardSigmoid is Keras 3's piecewise-linear sigmoid relu6(x + 3) / 6: 0
// below -3, 1 above 3, x/6 + 0.5 between.
func HardSigmoid(x *tf.Tensor) *tf.Tensor {
	return tf.Div(tf.Relu6(tf.Add(x, scalar(x, 3))), scalar(x, 6))
}

// HardSigmoidKeras2 is Keras 2's (and TF 1's) hard sigmoid,
// clip(0.2x + 0.5, 0, 1). It has no Keras 3 name; "hard_sigmoid" is
// HardSigmoid.
func HardSigmoidKeras2(x *tf.Tensor) *tf.Tensor { return tf.HardSigmoid(x) }

// HardSilu (Keras's "hard_silu", alias "hard_swish") is
// x * relu6(x + 3) / 6.
func HardSilu(x *tf.Tensor) *tf.Tensor { return tf.Mul(x, HardSigmoid(x)) }

// HardSwish is HardSilu.
func HardSwish(x *tf.Tensor) *tf.Tensor { return HardSilu(x) }

// HardTanh is clip(x, -1, 1).
func HardTanh(x *tf.Tensor) *tf.Tensor { return tf.ClipByValue(x, -1, 1) }

// TanhShrink is x - tanh(x).
func TanhShrink(x *tf.Tensor) *tf.Tensor { return tf.Sub(x, tf.Tanh(x)) }

// Squareplus is (x + sqrt(x² + 4)) / 2 (Keras's b = 4).
func Squareplus(x *tf.Tensor) *tf.Tensor { return SquareplusWith(4)(x) }

// SquareplusWith returns (x + sqrt(x² + b)) / 2.
func SquareplusWith(b float64) Func {
	return func(x *tf.Tensor) *tf.Tensor {
		return tf.Div(tf.Add(x, tf.Sqrt(tf.Add(tf.Square(x), scalar(x, b)))), scalar(x, 2))
	}
}

// SparsePlus is 0 for x <= -1, (x+1)²/4 for -1 < x < 1 and x for x >= 1.
func SparsePlus(x *tf.Tensor) *tf.Tensor {
	one := scalar(x, 1)
	mid := tf.Mul(scalar(x, 0.25), tf.Square(tf.Add(x, one)))
	return tf.Where(tf.LessEqual(x, tf.Neg(one)), tf.ZerosLike(x), tf.Where(tf.GreaterEqual(x, one), x, mid))
}

// SparseSigmoid is 0 for x <= -1, (x+1)/2 for -1 < x < 1 and 1 for x >= 1.
func SparseSigmoid(x *tf.Tensor) *tf.Tensor {
	return tf.ClipByValue(tf.Mul(scalar(x, 0.5), tf.Add(x, scalar(x, 1))), 0, 1)
}

// SoftShrink is x - 0.5 above 0.5, x + 0.5 below -0.5 and 0 between
// (Keras's threshold 0.5).
func SoftShrink(x *tf.Tensor) *tf.Tensor { return SoftShrinkWith(0.5)(x) }

// SoftShrinkWith returns x - t for x > t, x + t for x < -t, 0 otherwise.
func SoftShrinkWith(t float64) Func {
	return func(x *tf.Tensor) *tf.Tensor {
		th := scalar(x, t)
		zero := tf.ZerosLike(x)
		return tf.Where(tf.Greater(x, th), tf.Sub(x, th), tf.Where(tf.Less(x, tf.Neg(th)), tf.Add(x, th), zero))
	}
}

// HardShrink is x where |x| > 0.5, else 0 (Keras's threshold 0.5).
func HardShrink(x *tf.Tensor) *tf.Tensor { return HardShrinkWith(0.5)(x) }

// HardShrinkWith returns x where |x| > t, else 0.
func HardShrinkWith(t float64) Func {
	return func(x *tf.Tensor) *tf.Tensor {
		return tf.Where(tf.Greater(tf.Abs(x), scalar(x, t)), x, tf.ZerosLike(x))
	}
}

// ThresholdWith returns x where x > t, else value (Keras's threshold,
// which has no defaults and so no name for Get).
func ThresholdWith(t, value float64) Func {
	return func(x *tf.Tensor) *tf.Tensor {
		return tf.Where(tf.Greater(x, scalar(x, t)), x, tf.Add(tf.ZerosLike(x), scalar(x, value)))
	}
}
