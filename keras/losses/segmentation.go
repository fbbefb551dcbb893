package losses

import "github.com/tensorgo/tensorgo/tf"

// diceAxes is the axes Dice and Tversky sum over: every axis (nil) unless
// WithAxis was given.
func diceAxes(c config) []int {
	if !c.set["axis"] {
		return nil
	}
	return c.axis
}

// Dice is 1 - 2·sum(y·p) / (sum(y) + sum(p) + ε), summed over the axes
// (WithAxis; by default every axis, giving one value for the whole batch;
// WithAxis(1, 2, 3) gives one per image).
func Dice(opts ...Option) Loss {
	c := newConfig("dice", opts, "axis")
	axes := diceAxes(c)
	return newLoss(c, false, func(yTrue, yPred *tf.Tensor) *tf.Tensor {
		y, p := yTrue, yPred
		if y.DType() != p.DType() {
			y = tf.Cast(y, p.DType())
		}
		inter := tf.ReduceSum(tf.Mul(y, p), axes, false)
		den := tf.Add(tf.Add(tf.ReduceSum(y, axes, false), tf.ReduceSum(p, axes, false)), scalar(p, Epsilon))
		return tf.Sub(scalar(p, 1), tf.Div(tf.Mul(scalar(p, 2), inter), den))
	})
}

// Tversky is 1 - TP / (TP + alpha·FP + beta·FN + ε) with soft counts
// TP = sum(y·p), FP = sum((1-y)·p), FN = sum(y·(1-p)) over the axes
// (WithAxis, default every axis). Keras's defaults: WithAlpha(0.5),
// WithBeta(0.5), which make it the Dice loss.
func Tversky(opts ...Option) Loss {
	c := newConfig("tversky", opts, "alpha", "beta", "axis")
	if !c.set["alpha"] {
		c.alpha = 0.5
	}
	axes := diceAxes(c)
	return newLoss(c, false, func(yTrue, yPred *tf.Tensor) *tf.Tensor {
		y, p := yTrue, yPred
		if y.DType() != p.DType() {
			y = tf.Cast(y, p.DType())
		}
		one := scalar(p, 1)
		tp := tf.ReduceSum(tf.Mul(y, p), axes, false)
		fp := tf.ReduceSum(tf.Mul(tf.Sub(one, y), p), axes, false)
		fn := tf.ReduceSum(tf.Mul(y, tf.Sub(one, p)), axes, false)
		den := tf.Add(tf.Add(tf.Add(tp, tf.Mul(fp, scalar(fp, c.alpha))), tf.Mul(fn, scalar(fn, c.beta))), scalar(p, Epsilon))
		return tf.Sub(one, tf.Div(tp, den))
	})
}
