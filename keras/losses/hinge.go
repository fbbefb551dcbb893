package losses

import "github.com/tensorgo/tensorgo/tf"

// hingePair gives rank-0/1 labels and predictions a trailing axis, so that
// tf.Hinge's mean over the last axis leaves one value per sample.
func hingePair(yTrue, yPred *tf.Tensor) (*tf.Tensor, *tf.Tensor) {
	y, p := pair(yTrue, yPred)
	if p.Rank() <= 1 {
		y, p = tf.ExpandDims(y, -1), tf.ExpandDims(p, -1)
	}
	return y, p
}

// Hinge is mean(max(1 - y·p, 0)) over the last axis, labels in {-1, 1};
// labels that are all 0 or 1 are taken as binary and mapped to -1 and 1,
// as Keras does (the same computation as tf.Hinge).
func Hinge(opts ...Option) Loss {
	c := newConfig("hinge", opts)
	return newLoss(c, false, func(yTrue, yPred *tf.Tensor) *tf.Tensor {
		return tf.Hinge(hingePair(yTrue, yPred))
	})
}

// SquaredHinge is mean(max(1 - y·p, 0)²) over the last axis, with labels as
// Hinge takes them (tf.SquaredHinge).
func SquaredHinge(opts ...Option) Loss {
	c := newConfig("squared_hinge", opts)
	return newLoss(c, false, func(yTrue, yPred *tf.Tensor) *tf.Tensor {
		return tf.SquaredHinge(hingePair(yTrue, yPred))
	})
}

// CategoricalHinge is max(neg - pos + 1, 0) per sample for one-hot labels,
// where pos = sum(y·p) and neg = max((1-y)·p) over the last axis.
func CategoricalHinge(opts ...Option) Loss {
	c := newConfig("categorical_hinge", opts)
	return newLoss(c, false, func(yTrue, yPred *tf.Tensor) *tf.Tensor {
		y, p := pair(yTrue, yPred)
		pos := tf.ReduceSum(tf.Mul(y, p), []int{-1}, false)
		neg := tf.ReduceMax(tf.Mul(tf.Sub(scalar(y, 1), y), p), []int{-1}, false)
		return tf.Relu(tf.Add(tf.Sub(neg, pos), scalar(pos, 1)))
	})
}
