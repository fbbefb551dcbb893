package losses

import (
	"math"

	"github.com/tensorgo/tensorgo/tf"
)

// MeanSquaredError is mean((y_true - y_pred)²) over the last axis.
func MeanSquaredError(opts ...Option) Loss {
	c := newConfig("mean_squared_error", opts)
	return newLoss(c, false, func(yTrue, yPred *tf.Tensor) *tf.Tensor {
		y, p := pair(yTrue, yPred)
		return meanAxis(tf.SquaredDifference(p, y), -1)
	})
}

// MeanAbsoluteError is mean(|y_true - y_pred|) over the last axis.
func MeanAbsoluteError(opts ...Option) Loss {
	c := newConfig("mean_absolute_error", opts)
	return newLoss(c, false, func(yTrue, yPred *tf.Tensor) *tf.Tensor {
		y, p := pair(yTrue, yPred)
		return meanAxis(tf.Abs(tf.Sub(p, y)), -1)
	})
}

// MeanAbsolutePercentageError is 100·mean(|y_true - y_pred| /
// max(|y_true|, ε)) over the last axis.
func MeanAbsolutePercentageError(opts ...Option) Loss {
	c := newConfig("mean_absolute_percentage_error", opts)
	return newLoss(c, false, func(yTrue, yPred *tf.Tensor) *tf.Tensor {
		y, p := pair(yTrue, yPred)
		d := tf.Abs(tf.Div(tf.Sub(y, p), tf.Maximum(tf.Abs(y), scalar(y, Epsilon))))
		return tf.Mul(scalar(d, 100), meanAxis(d, -1))
	})
}

// MeanSquaredLogarithmicError is mean((log(max(y_pred, ε) + 1) -
// log(max(y_true, ε) + 1))²) over the last axis.
func MeanSquaredLogarithmicError(opts ...Option) Loss {
	c := newConfig("mean_squared_logarithmic_error", opts)
	return newLoss(c, false, func(yTrue, yPred *tf.Tensor) *tf.Tensor {
		y, p := pair(yTrue, yPred)
		one, eps := scalar(p, 1), scalar(p, Epsilon)
		a := tf.Log(tf.Add(tf.Maximum(p, eps), one))
		b := tf.Log(tf.Add(tf.Maximum(y, eps), one))
		return meanAxis(tf.SquaredDifference(a, b), -1)
	})
}

// Huber is quadratic for errors up to delta and linear beyond:
// 0.5·e² if |e| <= delta, else delta·(|e| - 0.5·delta); mean over the last
// axis. Keras's default delta is 1.
func Huber(delta float64, opts ...Option) Loss {
	c := newConfig("huber_loss", opts)
	return newLoss(c, false, func(yTrue, yPred *tf.Tensor) *tf.Tensor {
		y, p := pair(yTrue, yPred)
		e := tf.Abs(tf.Sub(p, y))
		d := scalar(e, delta)
		q := tf.Minimum(e, d)
		lin := tf.Sub(e, q)
		// 0.5·q² + delta·(|e| - q) equals both branches.
		l := tf.Add(tf.Mul(scalar(e, 0.5), tf.Square(q)), tf.Mul(d, lin))
		return meanAxis(l, -1)
	})
}

// LogCosh is mean(log(cosh(y_pred - y_true))) over the last axis, computed
// stably as x + softplus(-2x) - log 2.
func LogCosh(opts ...Option) Loss {
	c := newConfig("log_cosh", opts)
	return newLoss(c, false, func(yTrue, yPred *tf.Tensor) *tf.Tensor {
		y, p := pair(yTrue, yPred)
		x := tf.Sub(p, y)
		l := tf.Sub(tf.Add(x, tf.Softplus(tf.Mul(x, scalar(x, -2)))), scalar(x, math.Ln2))
		return meanAxis(l, -1)
	})
}

// l2Normalize is x / max(‖x‖, ε) along axis, as Keras's normalize.
func l2Normalize(x *tf.Tensor, axis int) *tf.Tensor {
	ss := tf.ReduceSum(tf.Square(x), []int{axis}, true)
	return tf.Mul(x, tf.Rsqrt(tf.Maximum(ss, scalar(ss, Epsilon*Epsilon))))
}

// CosineSimilarity is -sum(l2_normalize(y_true)·l2_normalize(y_pred))
// along the axis (WithAxis, default -1): -1 for vectors pointing the same
// way, 0 for orthogonal ones or a zero vector.
func CosineSimilarity(opts ...Option) Loss {
	c := newConfig("cosine_similarity", opts, "axis")
	axis := c.oneAxis("cosine_similarity")
	return newLoss(c, false, func(yTrue, yPred *tf.Tensor) *tf.Tensor {
		y, p := pair(yTrue, yPred)
		return tf.Neg(tf.ReduceSum(tf.Mul(l2Normalize(y, axis), l2Normalize(p, axis)), []int{axis}, false))
	})
}

// Poisson is mean(y_pred - y_true·log(y_pred + ε)) over the last axis.
func Poisson(opts ...Option) Loss {
	c := newConfig("poisson", opts)
	return newLoss(c, false, func(yTrue, yPred *tf.Tensor) *tf.Tensor {
		y, p := pair(yTrue, yPred)
		return meanAxis(tf.Sub(p, tf.Mul(y, tf.Log(tf.Add(p, scalar(p, Epsilon))))), -1)
	})
}

// KLDivergence is the Kullback-Leibler divergence sum(y_true·log(y_true /
// y_pred)) over the last axis, both clipped to [ε, 1].
func KLDivergence(opts ...Option) Loss {
	c := newConfig("kl_divergence", opts)
	return newLoss(c, false, func(yTrue, yPred *tf.Tensor) *tf.Tensor {
		y, p := pair(yTrue, yPred)
		y = tf.ClipByValue(y, Epsilon, 1)
		p = tf.ClipByValue(p, Epsilon, 1)
		return tf.ReduceSum(tf.Mul(y, tf.Log(tf.Div(y, p))), []int{-1}, false)
	})
}
