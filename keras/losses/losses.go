// Package losses holds Keras's losses: mean squared / absolute error, Huber,
// binary, categorical and sparse categorical cross-entropy (with
// from_logits), hinge and squared hinge, and custom loss functions.
//
// A Loss computes one value per sample from labels and predictions (the mean
// over the last axis, as Keras); Reduce applies Keras's default reduction,
// "sum over batch size": the sum of the (weighted) per-sample losses divided
// by the number of samples. Losses are built from tf ops, so they work in
// graph mode (inside a compiled training step) and eagerly.
package losses

import (
	"fmt"
	"strings"

	"github.com/tensorgo/tensorgo/tensor"
	"github.com/tensorgo/tensorgo/tf"
)

// Epsilon is Keras's fuzz factor (backend.epsilon()), used to clip
// probabilities away from 0 and 1.
const Epsilon = 1e-7

// Loss computes per-sample losses.
type Loss interface {
	// Name is the loss's Keras name ("sparse_categorical_crossentropy").
	Name() string
	// Call returns one loss per sample (shape (batch,)).
	Call(yTrue, yPred *tf.Tensor) *tf.Tensor
}

// Func is a custom loss: a function of labels and predictions returning
// per-sample losses (or a scalar).
type Func func(yTrue, yPred *tf.Tensor) *tf.Tensor

// Custom wraps a function as a named loss.
func Custom(name string, f Func) Loss { return custom{name, f} }

type custom struct {
	name string
	f    Func
}

func (c custom) Name() string                            { return c.name }
func (c custom) Call(yTrue, yPred *tf.Tensor) *tf.Tensor { return c.f(yTrue, yPred) }

// Get returns a loss by Keras name or alias ("mse", "mae", "huber",
// "binary_crossentropy", "categorical_crossentropy",
// "sparse_categorical_crossentropy", "hinge", "squared_hinge").
func Get(name string) (Loss, error) {
	switch strings.ToLower(name) {
	case "mse", "mean_squared_error":
		return MeanSquaredError(), nil
	case "mae", "mean_absolute_error":
		return MeanAbsoluteError(), nil
	case "huber", "huber_loss":
		return Huber(1), nil
	case "binary_crossentropy", "bce":
		return BinaryCrossentropy(false), nil
	case "categorical_crossentropy", "cce":
		return CategoricalCrossentropy(false), nil
	case "sparse_categorical_crossentropy", "scce":
		return SparseCategoricalCrossentropy(false), nil
	case "hinge":
		return Hinge(), nil
	case "squared_hinge":
		return SquaredHinge(), nil
	}
	return nil, fmt.Errorf("losses: unknown loss %q (known: mse, mae, huber, binary_crossentropy, categorical_crossentropy, sparse_categorical_crossentropy, hinge, squared_hinge)", name)
}

// Reduce applies Keras's default reduction (sum over batch size) to
// per-sample losses, weighting them by sampleWeight (shape (batch,); nil
// means all ones): sum(loss·w) / batch.
func Reduce(perSample, sampleWeight *tf.Tensor) *tf.Tensor {
	if sampleWeight != nil {
		perSample = tf.Mul(perSample, tf.Cast(sampleWeight, perSample.DType()))
	}
	return tf.ReduceMean(perSample, nil, false)
}

// Compute is Reduce(l.Call(yTrue, yPred), sampleWeight): a loss object
// called as in Keras, loss(y_true, y_pred, sample_weight).
func Compute(l Loss, yTrue, yPred, sampleWeight *tf.Tensor) *tf.Tensor {
	per := l.Call(yTrue, yPred)
	if per.Rank() > 1 {
		per = tf.ReduceMean(per, lastAxes(per.Rank()), false)
	}
	return Reduce(per, sampleWeight)
}

func lastAxes(rank int) []int {
	var ax []int
	for i := 1; i < rank; i++ {
		ax = append(ax, i)
	}
	return ax
}

func scalar(like *tf.Tensor, v float64) *tf.Tensor {
	return tf.Const(like.Graph(), tensor.Fill(like.DType(), v))
}

func meanLast(x *tf.Tensor) *tf.Tensor {
	if x.Rank() <= 1 {
		return x
	}
	return tf.ReduceMean(x, []int{-1}, false)
}

// labelsLike casts labels to the predictions' dtype and gives them the
// predictions' rank (a (batch,) label vector for (batch, 1) predictions).
func labelsLike(yTrue, yPred *tf.Tensor) *tf.Tensor {
	y := yTrue
	if y.DType() != yPred.DType() {
		y = tf.Cast(y, yPred.DType())
	}
	if y.Rank() == yPred.Rank()-1 {
		y = tf.ExpandDims(y, -1)
	}
	return y
}

type fnLoss struct {
	name string
	f    func(yTrue, yPred *tf.Tensor) *tf.Tensor
}

func (l fnLoss) Name() string                            { return l.name }
func (l fnLoss) Call(yTrue, yPred *tf.Tensor) *tf.Tensor { return l.f(yTrue, yPred) }

// MeanSquaredError is mean((y_true - y_pred)²) over the last axis.
func MeanSquaredError() Loss {
	return fnLoss{"mean_squared_error", func(yTrue, yPred *tf.Tensor) *tf.Tensor {
		return meanLast(tf.SquaredDifference(yPred, labelsLike(yTrue, yPred)))
	}}
}

// MeanAbsoluteError is mean(|y_true - y_pred|) over the last axis.
func MeanAbsoluteError() Loss {
	return fnLoss{"mean_absolute_error", func(yTrue, yPred *tf.Tensor) *tf.Tensor {
		return meanLast(tf.Abs(tf.Sub(yPred, labelsLike(yTrue, yPred))))
	}}
}

// Huber is quadratic for errors up to delta and linear beyond:
// 0.5·e² if |e| <= delta, else delta·(|e| - 0.5·delta); mean over the last
// axis.
func Huber(delta float64) Loss {
	return fnLoss{"huber_loss", func(yTrue, yPred *tf.Tensor) *tf.Tensor {
		e := tf.Abs(tf.Sub(yPred, labelsLike(yTrue, yPred)))
		d := scalar(e, delta)
		q := tf.Minimum(e, d)
		lin := tf.Sub(e, q)
		// 0.5·q² + delta·(|e| - q) equals both branches.
		l := tf.Add(tf.Mul(scalar(e, 0.5), tf.Square(q)), tf.Mul(d, lin))
		return meanLast(l)
	}}
}

// logitsOf returns the logits behind a prediction computed by op typ
// (Softmax, Sigmoid) in a graph, as tf.keras does to compute
// cross-entropies stably, or nil.
func logitsOf(yPred *tf.Tensor, typ string) *tf.Tensor {
	op := yPred.Op()
	if op == nil || op.Type() != typ || len(op.Inputs()) != 1 {
		return nil
	}
	return op.Inputs()[0]
}

// crossentropyLoss carries from_logits.
type crossentropyLoss struct {
	name       string
	fromLogits bool
	f          func(yTrue, yPred *tf.Tensor, fromLogits bool) *tf.Tensor
}

func (l crossentropyLoss) Name() string { return l.name }
func (l crossentropyLoss) Call(yTrue, yPred *tf.Tensor) *tf.Tensor {
	return l.f(yTrue, yPred, l.fromLogits)
}

// FromLogits reports whether a cross-entropy loss takes logits.
func FromLogits(l Loss) bool {
	c, ok := l.(crossentropyLoss)
	return ok && c.fromLogits
}

// BinaryCrossentropy is -(y·log p + (1-y)·log(1-p)), mean over the last
// axis. fromLogits: predictions are logits (no sigmoid applied).
func BinaryCrossentropy(fromLogits bool) Loss {
	return crossentropyLoss{"binary_crossentropy", fromLogits, func(yTrue, yPred *tf.Tensor, fromLogits bool) *tf.Tensor {
		y := labelsLike(yTrue, yPred)
		logits := yPred
		if !fromLogits {
			logits = logitsOf(yPred, "Sigmoid")
		}
		if logits != nil {
			return meanLast(tf.SigmoidCrossEntropyWithLogits(y, logits))
		}
		p := tf.ClipByValue(yPred, Epsilon, 1-Epsilon)
		one := scalar(p, 1)
		l := tf.Add(tf.Mul(y, tf.Log(p)), tf.Mul(tf.Sub(one, y), tf.Log(tf.Sub(one, p))))
		return meanLast(tf.Neg(l))
	}}
}

// CategoricalCrossentropy is -sum(y·log p) over the last axis for one-hot
// (or soft) labels. fromLogits: predictions are logits.
func CategoricalCrossentropy(fromLogits bool) Loss {
	return crossentropyLoss{"categorical_crossentropy", fromLogits, func(yTrue, yPred *tf.Tensor, fromLogits bool) *tf.Tensor {
		y := labelsLike(yTrue, yPred)
		logits := yPred
		if !fromLogits {
			logits = logitsOf(yPred, "Softmax")
		}
		if logits != nil {
			return tf.SoftmaxCrossEntropyWithLogits(y, logits)
		}
		p := tf.Div(yPred, tf.ReduceSum(yPred, []int{-1}, true))
		p = tf.ClipByValue(p, Epsilon, 1-Epsilon)
		return tf.Neg(tf.ReduceSum(tf.Mul(y, tf.Log(p)), []int{-1}, false))
	}}
}

// SparseCategoricalCrossentropy is -log p[label] for integer labels
// (shape (batch,) or (batch, 1)). fromLogits: predictions are logits. With
// a softmax output and fromLogits false the softmax's logits are used, as
// tf.keras does (stable and fused).
func SparseCategoricalCrossentropy(fromLogits bool) Loss {
	return crossentropyLoss{"sparse_categorical_crossentropy", fromLogits, func(yTrue, yPred *tf.Tensor, fromLogits bool) *tf.Tensor {
		labels := yTrue
		if labels.Rank() == yPred.Rank() {
			labels = tf.Squeeze(labels, -1)
		}
		if labels.DType() != tensor.Int64 && labels.DType() != tensor.Int32 {
			labels = tf.Cast(labels, tensor.Int64)
		}
		logits := yPred
		if !fromLogits {
			logits = logitsOf(yPred, "Softmax")
		}
		if logits != nil {
			return tf.SparseSoftmaxCrossEntropyWithLogits(labels, logits)
		}
		k := yPred.Shape()[yPred.Rank()-1]
		oh := tf.OneHot(labels, k, yPred.DType())
		p := tf.ClipByValue(yPred, Epsilon, 1-Epsilon)
		return tf.Neg(tf.ReduceSum(tf.Mul(oh, tf.Log(p)), []int{-1}, false))
	}}
}

// Hinge is mean(max(1 - y·p, 0)) with labels in {0, 1} (mapped to {-1, 1})
// or {-1, 1}.
func Hinge() Loss {
	return fnLoss{"hinge", func(yTrue, yPred *tf.Tensor) *tf.Tensor {
		return meanLast(hinge(yTrue, yPred))
	}}
}

// SquaredHinge is mean(max(1 - y·p, 0)²).
func SquaredHinge() Loss {
	return fnLoss{"squared_hinge", func(yTrue, yPred *tf.Tensor) *tf.Tensor {
		return meanLast(tf.Square(hinge(yTrue, yPred)))
	}}
}

func hinge(yTrue, yPred *tf.Tensor) *tf.Tensor {
	y := labelsLike(yTrue, yPred)
	// Keras maps {0, 1} labels to {-1, 1}; labels already -1 stay: subtract 1
	// where the label is 0.
	y = tf.Sub(y, tf.Cast(tf.Equal(y, scalar(y, 0)), y.DType()))
	return tf.Relu(tf.Sub(scalar(y, 1), tf.Mul(y, yPred)))
}
