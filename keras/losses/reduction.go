package losses

import (
	"fmt"

	"github.com/tensorgo/tensorgo/tf"
)

// Reduction is how a loss turns its per-sample values into what it
// returns, as Keras's `reduction` argument.
type Reduction string

// Keras's reductions.
const (
	// SumOverBatchSize (Keras's default) sums the weighted values and
	// divides by their number.
	SumOverBatchSize Reduction = "sum_over_batch_size"
	// Sum sums the weighted values.
	Sum Reduction = "sum"
	// Mean is the same as SumOverBatchSize.
	Mean Reduction = "mean"
	// MeanWithSampleWeight sums the weighted values and divides by the sum
	// of the sample weights (by their number when there are none).
	MeanWithSampleWeight Reduction = "mean_with_sample_weight"
	// NoReduction returns the weighted per-sample values (Keras's
	// reduction=None or "none").
	NoReduction Reduction = "none"
)

// ParseReduction returns the reduction called s: one of
// "sum_over_batch_size", "sum", "mean", "mean_with_sample_weight", "none"
// or "" (the same as "none", Keras's None).
func ParseReduction(s string) (Reduction, error) {
	switch r := Reduction(s); r {
	case SumOverBatchSize, Sum, Mean, MeanWithSampleWeight, NoReduction:
		return r, nil
	case "":
		return NoReduction, nil
	}
	return "", fmt.Errorf("losses: invalid reduction %q (want sum_over_batch_size, sum, mean, mean_with_sample_weight or none)", s)
}

// Reducer is implemented by losses that carry a reduction (every loss of
// this package); Compute applies it. Losses without one get
// SumOverBatchSize.
type Reducer interface {
	Reduction() Reduction
}

// Masker is implemented by losses whose Call also yields a mask of the
// values that count (SparseCategoricalCrossentropy with an ignore class);
// Compute applies it as Keras applies a loss's Keras mask.
type Masker interface {
	// CallMasked returns the per-sample values and a boolean mask of the
	// same shape (nil when every value counts).
	CallMasked(yTrue, yPred *tf.Tensor) (values, mask *tf.Tensor)
}

// lastDim is the size of x's last axis (-1 when unknown or x is a scalar).
func lastDim(x *tf.Tensor) int {
	if x.Rank() == 0 {
		return -1
	}
	return x.Shape()[x.Rank()-1]
}

// squeezeOrExpand gives a and b the same rank when their ranks differ by
// one and the longer one's last axis has size 1, as Keras's
// squeeze_or_expand_to_same_rank: a rank-1 partner is expanded, otherwise
// the size-1 axis is squeezed.
func squeezeOrExpand(a, b *tf.Tensor) (*tf.Tensor, *tf.Tensor) {
	ra, rb := a.Rank(), b.Rank()
	if ra == rb+1 && lastDim(a) == 1 {
		if rb == 1 {
			b = tf.ExpandDims(b, -1)
		} else {
			a = tf.Squeeze(a, -1)
		}
	}
	if rb == ra+1 && lastDim(b) == 1 {
		if ra == 1 {
			a = tf.ExpandDims(a, -1)
		} else {
			b = tf.Squeeze(b, -1)
		}
	}
	return a, b
}

// applyMask folds a boolean mask of values into the sample weights as
// Keras's apply_mask: for the mean reductions valid entries weigh
// total/valid so that the mean is over valid entries only.
func applyMask(values, sampleWeight, mask *tf.Tensor, r Reduction) *tf.Tensor {
	if mask == nil {
		return sampleWeight
	}
	m := tf.Cast(mask, values.DType())
	if r == Mean || r == SumOverBatchSize {
		// total/valid = 1/mean(mask); 0 when nothing is valid.
		m = tf.DivNoNan(m, tf.ReduceMean(m, nil, false))
	}
	if sampleWeight == nil {
		return m
	}
	m, sampleWeight = squeezeOrExpand(m, sampleWeight)
	return tf.Mul(sampleWeight, m)
}

// reduceWeighted weights values by sampleWeight and applies r, as Keras's
// reduce_weighted_values. Weights may be a scalar, or shaped like the
// values up to Keras's squeeze-or-expand rule ((batch,), (batch, 1),
// (batch, T) for per-timestep values). Beyond Keras, weights of lower rank
// than the values (one weight per sample for (batch, T) values) broadcast
// over the trailing axes, as tf.keras 2 did.
func reduceWeighted(values, sampleWeight, mask *tf.Tensor, r Reduction) *tf.Tensor {
	sampleWeight = applyMask(values, sampleWeight, mask, r)
	var divisor *tf.Tensor
	if sampleWeight != nil {
		if sampleWeight.DType() != values.DType() {
			sampleWeight = tf.Cast(sampleWeight, values.DType())
		}
		values, sampleWeight = squeezeOrExpand(values, sampleWeight)
		if sw := sampleWeight.Rank(); sw > 0 && sw < values.Rank() {
			for sampleWeight.Rank() < values.Rank() {
				sampleWeight = tf.ExpandDims(sampleWeight, -1)
			}
			if r == MeanWithSampleWeight {
				// The weights as broadcast over the values.
				divisor = tf.ReduceSum(tf.Mul(sampleWeight, tf.OnesLike(values)), nil, false)
			}
		} else if sw > values.Rank() && values.Rank() > 0 {
			panic(fmt.Sprintf("losses: sample weights of shape %v do not fit per-sample losses of shape %v", sampleWeight.Shape(), values.Shape()))
		}
		values = tf.Mul(values, sampleWeight)
		if divisor == nil && r == MeanWithSampleWeight {
			divisor = tf.ReduceSum(sampleWeight, nil, false)
		}
	}
	if r == NoReduction || values.Rank() == 0 {
		return values
	}
	switch r {
	case Sum:
		return tf.ReduceSum(values, nil, false)
	case MeanWithSampleWeight:
		if divisor != nil {
			return tf.DivNoNan(tf.ReduceSum(values, nil, false), divisor)
		}
	}
	return tf.ReduceMean(values, nil, false)
}
