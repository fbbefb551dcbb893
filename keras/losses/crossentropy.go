package losses

import (
	"fmt"

	"github.com/tensorgo/tensorgo/tensor"
	"github.com/tensorgo/tensorgo/tf"
)

// logitsOf returns the logits behind a prediction computed by op typ
// (Softmax, Sigmoid) in a graph, as Keras's TensorFlow backend does to
// compute cross-entropies stably, or nil.
func logitsOf(yPred *tf.Tensor, typ string) *tf.Tensor {
	op := yPred.Op()
	if op == nil || op.Type() != typ || len(op.Inputs()) != 1 {
		return nil
	}
	return op.Inputs()[0]
}

// normAxis resolves a possibly negative axis of x, naming the loss.
func normAxis(loss string, axis int, x *tf.Tensor) int {
	return tensor.NormAxis(loss, axis, x.Rank())
}

// classCount is the static size of x along axis, naming the loss.
func classCount(loss string, x *tf.Tensor, axis int) int {
	k := x.Shape()[axis]
	if k < 0 {
		panic(fmt.Sprintf("losses: %s needs a known number of classes on axis %d of predictions of shape %v", loss, axis, x.Shape()))
	}
	return k
}

// clipProb clips probabilities to [ε, 1-ε].
func clipProb(p *tf.Tensor) *tf.Tensor { return tf.ClipByValue(p, Epsilon, 1-Epsilon) }

// binaryXent is -(y·log p + (1-y)·log(1-p)) elementwise for probabilities
// p (clipped), as Keras's ops.binary_crossentropy.
func binaryXent(y, p *tf.Tensor) *tf.Tensor {
	p = clipProb(p)
	one := scalar(p, 1)
	return tf.Neg(tf.Add(tf.Mul(y, tf.Log(p)), tf.Mul(tf.Sub(one, y), tf.Log(tf.Sub(one, p)))))
}

// smoothBinary squeezes binary labels towards 0.5.
func smoothBinary(y *tf.Tensor, s float64) *tf.Tensor {
	if s == 0 {
		return y
	}
	return tf.Add(tf.Mul(y, scalar(y, 1-s)), scalar(y, 0.5*s))
}

// smoothCategorical squeezes one-hot labels towards uniform over k classes.
func smoothCategorical(y *tf.Tensor, s float64, k int) *tf.Tensor {
	if s == 0 {
		return y
	}
	return tf.Add(tf.Mul(y, scalar(y, 1-s)), scalar(y, s/float64(k)))
}

// BinaryCrossentropy is -(y·log p + (1-y)·log(1-p)), mean over the axis
// (WithAxis, default -1). fromLogits: predictions are logits (no sigmoid
// applied). Options: WithLabelSmoothing, WithAxis, WithReduction, WithName.
// Labels and predictions must have the same shape.
func BinaryCrossentropy(fromLogits bool, opts ...Option) Loss {
	c := newConfig("binary_crossentropy", opts, "label_smoothing", "axis")
	axis := c.oneAxis(c.name)
	return newLoss(c, fromLogits, func(yTrue, yPred *tf.Tensor) *tf.Tensor {
		y, p := pair(yTrue, yPred)
		sameShape(c.name, y, p)
		y = smoothBinary(y, c.labelSmoothing)
		logits := p
		if !fromLogits {
			logits = logitsOf(p, "Sigmoid")
		}
		if logits != nil {
			return meanAxis(tf.SigmoidCrossEntropyWithLogits(y, logits), axis)
		}
		return meanAxis(binaryXent(y, p), axis)
	})
}

// CategoricalCrossentropy is -sum(y·log p) over the class axis (WithAxis,
// default -1) for one-hot (or soft) labels; probabilities are first divided
// by their sum over that axis and clipped to [ε, 1-ε], as Keras does.
// fromLogits: predictions are logits. Options: WithLabelSmoothing,
// WithAxis, WithReduction, WithName.
func CategoricalCrossentropy(fromLogits bool, opts ...Option) Loss {
	c := newConfig("categorical_crossentropy", opts, "label_smoothing", "axis")
	return newLoss(c, fromLogits, func(yTrue, yPred *tf.Tensor) *tf.Tensor {
		y, p := pair(yTrue, yPred)
		sameShape(c.name, y, p)
		axis := normAxis(c.name, c.oneAxis(c.name), p)
		if c.labelSmoothing != 0 {
			y = smoothCategorical(y, c.labelSmoothing, classCount(c.name, p, axis))
		}
		last := axis == p.Rank()-1
		logits := p
		if !fromLogits {
			logits = nil
			if last {
				logits = logitsOf(p, "Softmax")
			}
		}
		if logits != nil {
			if last {
				return tf.SoftmaxCrossEntropyWithLogits(y, logits)
			}
			return tf.Neg(tf.ReduceSum(tf.Mul(y, tf.LogSoftmax(logits, axis)), []int{axis}, false))
		}
		q := clipProb(tf.Div(p, tf.ReduceSum(p, []int{axis}, true)))
		return tf.Neg(tf.ReduceSum(tf.Mul(y, tf.Log(q)), []int{axis}, false))
	})
}

// moveAxisLast transposes x so that axis becomes the last one.
func moveAxisLast(x *tf.Tensor, axis int) *tf.Tensor {
	if axis == x.Rank()-1 {
		return x
	}
	var perm []int
	for i := 0; i < x.Rank(); i++ {
		if i != axis {
			perm = append(perm, i)
		}
	}
	return tf.Transpose(x, append(perm, axis)...)
}

// SparseCategoricalCrossentropy is -log p[label] for integer labels (shape
// (batch,) or (batch, 1), or (batch, T) for sequences). Probabilities are
// first divided by their sum over the class axis and clipped to
// [ε, 1-ε], as Keras does. fromLogits: predictions are logits. With a
// softmax output and fromLogits false the softmax's logits are used, as
// Keras's TensorFlow backend does (stable and fused). Options:
// WithIgnoreClass, WithAxis (the class axis, default -1), WithReduction,
// WithName.
func SparseCategoricalCrossentropy(fromLogits bool, opts ...Option) Loss {
	c := newConfig("sparse_categorical_crossentropy", opts, "ignore_class", "axis")
	return lossFn{c.name, c.reduction, fromLogits, func(yTrue, yPred *tf.Tensor) (*tf.Tensor, *tf.Tensor) {
		axis := normAxis(c.name, c.oneAxis(c.name), yPred)
		labels := yTrue
		if labels.Rank() == yPred.Rank() && labels.Shape()[axis] == 1 {
			labels = tf.Squeeze(labels, axis)
		}
		if labels.Rank() != yPred.Rank()-1 {
			panic(fmt.Sprintf("losses: %s: labels of shape %v do not fit predictions of shape %v (want the predictions' shape without the class axis %d)", c.name, yTrue.Shape(), yPred.Shape(), axis))
		}
		var valid *tf.Tensor
		if c.ignoreClass != nil {
			valid = tf.NotEqual(labels, tf.Const(labels.Graph(), tensor.Fill(labels.DType(), float64(*c.ignoreClass))))
			labels = tf.Where(valid, labels, tf.ZerosLike(labels))
		}
		if labels.DType() != tensor.Int64 && labels.DType() != tensor.Int32 {
			labels = tf.Cast(labels, tensor.Int64)
		}
		last := axis == yPred.Rank()-1
		logits := yPred
		if !fromLogits {
			logits = nil
			if last {
				logits = logitsOf(yPred, "Softmax")
			}
		}
		var res *tf.Tensor
		if logits != nil {
			res = tf.SparseSoftmaxCrossEntropyWithLogits(labels, moveAxisLast(logits, axis))
		} else {
			p := moveAxisLast(yPred, axis)
			k := classCount(c.name, p, p.Rank()-1)
			q := clipProb(tf.Div(p, tf.ReduceSum(p, []int{-1}, true)))
			res = tf.Neg(tf.ReduceSum(tf.Mul(tf.OneHot(labels, k, p.DType()), tf.Log(q)), []int{-1}, false))
		}
		if valid != nil {
			res = tf.Where(valid, res, tf.ZerosLike(res))
		}
		return res, valid
	}}
}

// BinaryFocalCrossentropy is binary cross-entropy scaled by the focal
// factor (1 - p_t)^gamma, where p_t is the predicted probability of the
// true class, to down-weight easy examples; with class balancing
// (WithClassBalancing) positives also weigh alpha and negatives 1-alpha.
// Mean over the axis. fromLogits: predictions are logits. Options (Keras's
// defaults): WithGamma (2), WithAlpha (0.25), WithClassBalancing (off),
// WithLabelSmoothing (0), WithAxis (-1), WithReduction, WithName.
func BinaryFocalCrossentropy(fromLogits bool, opts ...Option) Loss {
	c := newConfig("binary_focal_crossentropy", opts, "apply_class_balancing", "alpha", "gamma", "label_smoothing", "axis")
	axis := c.oneAxis(c.name)
	return newLoss(c, fromLogits, func(yTrue, yPred *tf.Tensor) *tf.Tensor {
		y, p := pair(yTrue, yPred)
		sameShape(c.name, y, p)
		y = smoothBinary(y, c.labelSmoothing)
		if fromLogits {
			p = tf.Sigmoid(p)
		}
		bce := binaryXent(y, p)
		one := scalar(p, 1)
		pt := tf.Add(tf.Mul(y, p), tf.Mul(tf.Sub(one, y), tf.Sub(one, p)))
		l := tf.Mul(tf.Pow(tf.Sub(one, pt), scalar(p, c.gamma)), bce)
		if c.classBalancing {
			w := tf.Add(tf.Mul(y, scalar(y, c.alpha)), tf.Mul(tf.Sub(one, y), scalar(y, 1-c.alpha)))
			l = tf.Mul(w, l)
		}
		return meanAxis(l, axis)
	})
}

// CategoricalFocalCrossentropy is categorical cross-entropy with each
// class's term scaled by alpha·(1 - p)^gamma, summed over the class axis.
// fromLogits: predictions are logits. Options (Keras's defaults):
// WithAlpha (0.25), WithGamma (2), WithLabelSmoothing (0), WithAxis (-1),
// WithReduction, WithName.
func CategoricalFocalCrossentropy(fromLogits bool, opts ...Option) Loss {
	c := newConfig("categorical_focal_crossentropy", opts, "alpha", "gamma", "label_smoothing", "axis")
	return newLoss(c, fromLogits, func(yTrue, yPred *tf.Tensor) *tf.Tensor {
		y, p := pair(yTrue, yPred)
		sameShape(c.name, y, p)
		axis := normAxis(c.name, c.oneAxis(c.name), p)
		if c.labelSmoothing != 0 {
			y = smoothCategorical(y, c.labelSmoothing, classCount(c.name, p, axis))
		}
		if fromLogits {
			p = tf.Softmax(p, axis)
		}
		q := clipProb(tf.Div(p, tf.ReduceSum(p, []int{axis}, true)))
		cce := tf.Neg(tf.Mul(y, tf.Log(q)))
		w := tf.Mul(tf.Pow(tf.Sub(scalar(q, 1), q), scalar(q, c.gamma)), scalar(q, c.alpha))
		return tf.ReduceSum(tf.Mul(w, cce), []int{axis}, false)
	})
}
