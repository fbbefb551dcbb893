// Package losses holds Keras 3's losses: regression errors (mean squared,
// absolute, percentage and squared logarithmic error, Huber, log-cosh,
// cosine similarity), probabilistic losses (binary, categorical and sparse
// categorical cross-entropy with from_logits and label smoothing, their
// focal variants, KL divergence, Poisson), hinge losses, segmentation
// losses (Dice, Tversky) and custom loss functions.
//
// A Loss computes per-sample values from labels and predictions (the mean
// or sum over the last axis, as Keras); Compute weights them by sample
// weights and applies the loss's reduction: Keras's default, "sum over
// batch size", is the sum of the weighted values divided by their number.
// Losses are built from tf ops, so they work in graph mode (inside a
// compiled training step) and eagerly.
//
// Labels and predictions of rank 0 or 1 are taken as one value per sample
// (Keras 3 would average a rank-1 pair down to one scalar before weighting;
// the mean over the batch is the same, weighted and "sum" reductions are
// per sample here).
//
// Keras's arguments are options: WithReduction, WithName, WithAxis,
// WithLabelSmoothing, WithAlpha, WithBeta, WithGamma, WithClassBalancing,
// WithIgnoreClass. Get looks losses up by their Keras names and aliases.
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
	// Call returns the unreduced losses: one per sample (shape (batch,)),
	// or one per sample and timestep ((batch, T)) for sequence outputs, or
	// a scalar for losses that reduce over the batch themselves (Dice and
	// Tversky with their default axes).
	Call(yTrue, yPred *tf.Tensor) *tf.Tensor
}

// Func is a custom loss: a function of labels and predictions returning
// per-sample losses (or a scalar).
type Func func(yTrue, yPred *tf.Tensor) *tf.Tensor

// Custom wraps a function as a named loss (reduced with SumOverBatchSize).
func Custom(name string, f Func) Loss { return custom{name, f} }

type custom struct {
	name string
	f    Func
}

func (c custom) Name() string                            { return c.name }
func (c custom) Call(yTrue, yPred *tf.Tensor) *tf.Tensor { return c.f(yTrue, yPred) }

// Get returns a loss, with Keras's defaults, by its Keras name or alias:
// "mean_squared_error" ("mse"), "mean_absolute_error" ("mae"),
// "mean_absolute_percentage_error" ("mape"),
// "mean_squared_logarithmic_error" ("msle"), "huber" ("huber_loss"),
// "log_cosh" ("logcosh"), "cosine_similarity", "binary_crossentropy"
// ("bce"), "categorical_crossentropy" ("cce"),
// "sparse_categorical_crossentropy" ("scce"), "binary_focal_crossentropy",
// "categorical_focal_crossentropy", "kl_divergence" ("kld",
// "kullback_leibler_divergence"), "poisson", "hinge", "squared_hinge",
// "categorical_hinge", "dice", "tversky". Names are case-insensitive, and
// Keras's class names work too ("MeanSquaredError", "KLDivergence").
func Get(name string) (Loss, error) {
	if l, ok := get(strings.ToLower(name)); ok {
		return l, nil
	}
	if canon, ok := classNames[strings.ReplaceAll(strings.ToLower(name), "_", "")]; ok {
		l, _ := get(canon)
		return l, nil
	}
	return nil, fmt.Errorf("losses: unknown loss %q (known: mse, mae, mape, msle, huber, log_cosh, cosine_similarity, binary_crossentropy, categorical_crossentropy, sparse_categorical_crossentropy, binary_focal_crossentropy, categorical_focal_crossentropy, kl_divergence, poisson, hinge, squared_hinge, categorical_hinge, dice, tversky)", name)
}

// classNames maps Keras's class names, lower-cased, to the loss names.
var classNames = map[string]string{
	"meansquarederror": "mean_squared_error", "meanabsoluteerror": "mean_absolute_error",
	"meanabsolutepercentageerror": "mean_absolute_percentage_error", "meansquaredlogarithmicerror": "mean_squared_logarithmic_error",
	"huber": "huber", "logcosh": "log_cosh", "cosinesimilarity": "cosine_similarity",
	"binarycrossentropy": "binary_crossentropy", "categoricalcrossentropy": "categorical_crossentropy",
	"sparsecategoricalcrossentropy": "sparse_categorical_crossentropy", "binaryfocalcrossentropy": "binary_focal_crossentropy",
	"categoricalfocalcrossentropy": "categorical_focal_crossentropy", "kldivergence": "kl_divergence",
	"poisson": "poisson", "hinge": "hinge", "squaredhinge": "squared_hinge", "categoricalhinge": "categorical_hinge",
	"dice": "dice", "tversky": "tversky",
}

func get(name string) (Loss, bool) {
	switch name {
	case "mse", "mean_squared_error":
		return MeanSquaredError(), true
	case "mae", "mean_absolute_error":
		return MeanAbsoluteError(), true
	case "mape", "mean_absolute_percentage_error":
		return MeanAbsolutePercentageError(), true
	case "msle", "mean_squared_logarithmic_error":
		return MeanSquaredLogarithmicError(), true
	case "huber", "huber_loss":
		return Huber(1), true
	case "log_cosh", "logcosh":
		return LogCosh(), true
	case "cosine_similarity":
		return CosineSimilarity(), true
	case "binary_crossentropy", "bce":
		return BinaryCrossentropy(false), true
	case "categorical_crossentropy", "cce":
		return CategoricalCrossentropy(false), true
	case "sparse_categorical_crossentropy", "scce":
		return SparseCategoricalCrossentropy(false), true
	case "binary_focal_crossentropy":
		return BinaryFocalCrossentropy(false), true
	case "categorical_focal_crossentropy":
		return CategoricalFocalCrossentropy(false), true
	case "kl_divergence", "kld", "kullback_leibler_divergence":
		return KLDivergence(), true
	case "poisson":
		return Poisson(), true
	case "hinge":
		return Hinge(), true
	case "squared_hinge":
		return SquaredHinge(), true
	case "categorical_hinge":
		return CategoricalHinge(), true
	case "dice":
		return Dice(), true
	case "tversky":
		return Tversky(), true
	}
	return nil, false
}

// Reduce applies Keras's default reduction (sum over batch size) to
// per-sample losses weighted by sampleWeight (nil means all ones; a
// scalar, or shaped (batch,), (batch, 1) or like the losses):
// sum(loss·w) / number of losses.
func Reduce(perSample, sampleWeight *tf.Tensor) *tf.Tensor {
	return reduceWeighted(perSample, sampleWeight, nil, SumOverBatchSize)
}

// ReduceWith is Reduce with reduction r.
func ReduceWith(perSample, sampleWeight *tf.Tensor, r Reduction) *tf.Tensor {
	return reduceWeighted(perSample, sampleWeight, nil, r)
}

// Compute calls l on labels and predictions, weights the result by
// sampleWeight and applies l's reduction (SumOverBatchSize for losses
// without one): a loss object called as in Keras, loss(y_true, y_pred,
// sample_weight). Sample weights may be nil, a scalar, one per sample
// ((batch,) or (batch, 1)) or, for sequence outputs, one per timestep
// ((batch, T)).
func Compute(l Loss, yTrue, yPred, sampleWeight *tf.Tensor) *tf.Tensor {
	var values, mask *tf.Tensor
	if m, ok := l.(Masker); ok {
		values, mask = m.CallMasked(yTrue, yPred)
	} else {
		values = l.Call(yTrue, yPred)
	}
	r := SumOverBatchSize
	if rd, ok := l.(Reducer); ok {
		r = rd.Reduction()
	}
	return reduceWeighted(values, sampleWeight, mask, r)
}

// FromLogits reports whether a loss takes logits (a cross-entropy built
// with fromLogits true).
func FromLogits(l Loss) bool {
	c, ok := l.(lossFn)
	return ok && c.fromLogits
}

// lossFn is every built-in loss: a function of labels and predictions
// returning per-sample values and an optional mask, with Keras's name,
// reduction and from_logits.
type lossFn struct {
	name       string
	reduction  Reduction
	fromLogits bool
	f          func(yTrue, yPred *tf.Tensor) (values, mask *tf.Tensor)
}

func newLoss(c config, fromLogits bool, f func(yTrue, yPred *tf.Tensor) *tf.Tensor) lossFn {
	return lossFn{c.name, c.reduction, fromLogits, func(yTrue, yPred *tf.Tensor) (*tf.Tensor, *tf.Tensor) {
		return f(yTrue, yPred), nil
	}}
}

// Name implements Loss.
func (l lossFn) Name() string { return l.name }

// Reduction implements Reducer.
func (l lossFn) Reduction() Reduction { return l.reduction }

// Call implements Loss.
func (l lossFn) Call(yTrue, yPred *tf.Tensor) *tf.Tensor {
	v, _ := l.f(yTrue, yPred)
	return v
}

// CallMasked implements Masker.
func (l lossFn) CallMasked(yTrue, yPred *tf.Tensor) (*tf.Tensor, *tf.Tensor) {
	return l.f(yTrue, yPred)
}

func scalar(like *tf.Tensor, v float64) *tf.Tensor {
	return tf.Const(like.Graph(), tensor.Fill(like.DType(), v))
}

// meanAxis is the mean over axis, as Keras's losses take it; rank-0 and
// rank-1 inputs are one value per sample already and stay as they are.
func meanAxis(x *tf.Tensor, axis int) *tf.Tensor {
	if x.Rank() <= 1 {
		return x
	}
	return tf.ReduceMean(x, []int{axis}, false)
}

// pair casts labels to the predictions' dtype after giving both the same
// rank by Keras's squeeze-or-expand rule ((batch,) labels for (batch, 1)
// predictions), as Keras's LossFunctionWrapper does.
func pair(yTrue, yPred *tf.Tensor) (*tf.Tensor, *tf.Tensor) {
	y, p := squeezeOrExpand(yTrue, yPred)
	if y.DType() != p.DType() {
		y = tf.Cast(y, p.DType())
	}
	return y, p
}

// sameShape panics unless labels and predictions have the same (known)
// shape, naming the loss.
func sameShape(loss string, y, p *tf.Tensor) {
	ys, ps := y.Shape(), p.Shape()
	bad := len(ys) != len(ps)
	for i := 0; !bad && i < len(ys); i++ {
		bad = ys[i] >= 0 && ps[i] >= 0 && ys[i] != ps[i]
	}
	if bad {
		panic(fmt.Sprintf("losses: %s: labels of shape %v and predictions of shape %v must have the same shape", loss, ys, ps))
	}
}
