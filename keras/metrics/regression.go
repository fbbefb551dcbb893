package metrics

import (
	"fmt"
	"math"

	"github.com/tensorgo/tensorgo/tensor"
)

// Epsilon is Keras's fuzz factor (backend.epsilon()).
const Epsilon = 1e-7

// rowwise fills v with f over each row (the last axis) of labels and
// predictions brought to the same rank by Keras's squeeze-or-expand rule:
// one value per sample (and timestep). Rank-1 inputs are one value per
// sample already: each element is its own row.
func rowwise(yTrue, yPred *tensor.Tensor, v *values, f func(y, p *tensor.Tensor, off, k int) float64) error {
	if err := checkBatch(yTrue, yPred); err != nil {
		return err
	}
	if yTrue.Size() != yPred.Size() {
		return fmt.Errorf("labels shape %v and predictions shape %v differ", yTrue.Shape(), yPred.Shape())
	}
	_, ps := v.pairShapes(yTrue.Shape(), yPred.Shape())
	k := 1
	if len(ps) >= 2 {
		k = ps[len(ps)-1]
		ps = ps[:len(ps)-1]
	}
	out := v.set(ps)
	for i := range out {
		out[i] = f(yTrue, yPred, i*k, k)
	}
	return nil
}

// meanOf is a metric of the mean of g(label, prediction) over each row.
func meanOf(name string, g func(y, p float64) float64) *MeanMetric {
	return newValuesMetric(name, func(yTrue, yPred *tensor.Tensor, v *values) error {
		return rowwise(yTrue, yPred, v, func(y, p *tensor.Tensor, off, k int) float64 {
			var s float64
			for j := off; j < off+k; j++ {
				s += g(y.Float(j), p.Float(j))
			}
			return s / float64(k)
		})
	})
}

// NewMeanSquaredError is the mean of (y_true - y_pred)².
func NewMeanSquaredError() *MeanMetric {
	return meanOf("mean_squared_error", func(y, p float64) float64 { return (y - p) * (y - p) })
}

// NewMeanAbsoluteError is the mean of |y_true - y_pred|.
func NewMeanAbsoluteError() *MeanMetric {
	return meanOf("mean_absolute_error", func(y, p float64) float64 { return math.Abs(y - p) })
}

// NewMeanAbsolutePercentageError is the mean of 100·|y_true - y_pred| /
// max(|y_true|, ε).
func NewMeanAbsolutePercentageError() *MeanMetric {
	return meanOf("mean_absolute_percentage_error", func(y, p float64) float64 {
		return 100 * math.Abs((y-p)/math.Max(math.Abs(y), Epsilon))
	})
}

// NewMeanSquaredLogarithmicError is the mean of (log(max(y_pred, ε) + 1) -
// log(max(y_true, ε) + 1))².
func NewMeanSquaredLogarithmicError() *MeanMetric {
	return meanOf("mean_squared_logarithmic_error", func(y, p float64) float64 {
		d := math.Log(math.Max(p, Epsilon)+1) - math.Log(math.Max(y, Epsilon)+1)
		return d * d
	})
}

// NewLogCoshError is the mean of log(cosh(y_pred - y_true)) (Keras's name
// "logcosh").
func NewLogCoshError() *MeanMetric {
	return meanOf("logcosh", func(y, p float64) float64 {
		x := p - y
		// x + softplus(-2x) - log 2, stable for large |x|.
		return x + softplus(-2*x) - math.Ln2
	})
}

func softplus(x float64) float64 {
	if x > 0 {
		return x + math.Log1p(math.Exp(-x))
	}
	return math.Log1p(math.Exp(x))
}

// NewRootMeanSquaredError is the square root of the weighted mean of
// (y_true - y_pred)² over every element (sample weights may be per
// element).
func NewRootMeanSquaredError() *MeanMetric {
	m := newValuesMetric("root_mean_squared_error", func(yTrue, yPred *tensor.Tensor, v *values) error {
		return elementwise(yTrue, yPred, v, func(y, p float64) float64 { return (y - p) * (y - p) })
	})
	m.post = math.Sqrt
	return m
}

// NewPoisson is the mean of y_pred - y_true·log(y_pred + ε).
func NewPoisson() *MeanMetric {
	return meanOf("poisson", func(y, p float64) float64 { return p - y*math.Log(p+Epsilon) })
}

// NewKLDivergence is sum(y_true·log(y_true / y_pred)) per sample, both
// clipped to [ε, 1].
func NewKLDivergence() *MeanMetric {
	return newValuesMetric("kl_divergence", func(yTrue, yPred *tensor.Tensor, v *values) error {
		return rowwise(yTrue, yPred, v, func(y, p *tensor.Tensor, off, k int) float64 {
			var s float64
			for j := off; j < off+k; j++ {
				a, b := clip(y.Float(j), Epsilon, 1), clip(p.Float(j), Epsilon, 1)
				s += a * math.Log(a/b)
			}
			return s
		})
	})
}

func clip(x, lo, hi float64) float64 { return math.Min(math.Max(x, lo), hi) }

// NewCosineSimilarity is the cosine of the angle between labels and
// predictions along the last axis (Keras's axis=-1), one value per sample:
// 1 for vectors pointing the same way, 0 for orthogonal ones.
func NewCosineSimilarity() *MeanMetric {
	return newValuesMetric("cosine_similarity", func(yTrue, yPred *tensor.Tensor, v *values) error {
		return rowwise(yTrue, yPred, v, func(y, p *tensor.Tensor, off, k int) float64 {
			var dot, ny, np float64
			for j := off; j < off+k; j++ {
				a, b := y.Float(j), p.Float(j)
				dot += a * b
				ny += a * a
				np += b * b
			}
			// Keras's normalize: x / sqrt(max(sum(x²), ε²)).
			return dot / math.Sqrt(math.Max(ny, Epsilon*Epsilon)) / math.Sqrt(math.Max(np, Epsilon*Epsilon))
		})
	})
}
