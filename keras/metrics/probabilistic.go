package metrics

import (
	"fmt"
	"math"

	"github.com/tensorgo/tensorgo/tensor"
)

// NewBinaryCrossentropy is the mean binary cross-entropy per sample, as
// the loss: predictions are probabilities clipped to [ε, 1-ε], or logits
// with WithFromLogits. Options: WithFromLogits, WithLabelSmoothing,
// WithName.
func NewBinaryCrossentropy(opts ...Option) *MeanMetric {
	o := newOptions("binary_crossentropy", opts, "from_logits", "label_smoothing")
	s := o.labelSmoothing
	return newValuesMetric(o.name, func(yTrue, yPred *tensor.Tensor, v *values) error {
		return rowwise(yTrue, yPred, v, func(y, p *tensor.Tensor, off, k int) float64 {
			var sum float64
			for j := off; j < off+k; j++ {
				z := y.Float(j)*(1-s) + 0.5*s
				x := p.Float(j)
				if o.fromLogits {
					sum += math.Max(x, 0) - x*z + math.Log1p(math.Exp(-math.Abs(x)))
					continue
				}
				q := clip(x, Epsilon, 1-Epsilon)
				sum -= z*math.Log(q) + (1-z)*math.Log(1-q)
			}
			return sum / float64(k)
		})
	})
}

// logProbs writes log probabilities of row [off, off+k) of p into out:
// log_softmax of logits, or log of the row divided by its sum and clipped
// to [ε, 1-ε], as Keras's categorical cross-entropy.
func logProbs(p *tensor.Tensor, off, k int, logits bool, out []float64) {
	if logits {
		m := math.Inf(-1)
		for j := 0; j < k; j++ {
			m = math.Max(m, p.Float(off+j))
		}
		var s float64
		for j := 0; j < k; j++ {
			s += math.Exp(p.Float(off+j) - m)
		}
		ls := m + math.Log(s)
		for j := 0; j < k; j++ {
			out[j] = p.Float(off+j) - ls
		}
		return
	}
	var s float64
	for j := 0; j < k; j++ {
		s += p.Float(off + j)
	}
	for j := 0; j < k; j++ {
		out[j] = math.Log(clip(p.Float(off+j)/s, Epsilon, 1-Epsilon))
	}
}

// NewCategoricalCrossentropy is the categorical cross-entropy per sample
// for one-hot (or soft) labels, as the loss. Options: WithFromLogits,
// WithLabelSmoothing, WithName.
func NewCategoricalCrossentropy(opts ...Option) *MeanMetric {
	o := newOptions("categorical_crossentropy", opts, "from_logits", "label_smoothing")
	var lp []float64
	return newValuesMetric(o.name, func(yTrue, yPred *tensor.Tensor, v *values) error {
		if err := checkBatch(yTrue, yPred); err != nil {
			return err
		}
		if yTrue.Size() != yPred.Size() {
			return fmt.Errorf("one-hot labels shape %v and predictions shape %v differ", yTrue.Shape(), yPred.Shape())
		}
		k, err := rowShape(yPred, v)
		if err != nil {
			return err
		}
		if cap(lp) < k {
			lp = make([]float64, k)
		}
		s := o.labelSmoothing
		for i := range v.v {
			logProbs(yPred, i*k, k, o.fromLogits, lp[:k])
			var sum float64
			for j := 0; j < k; j++ {
				sum -= (yTrue.Float(i*k+j)*(1-s) + s/float64(k)) * lp[j]
			}
			v.v[i] = sum
		}
		return nil
	})
}

// NewSparseCategoricalCrossentropy is -log p[label] per sample for integer
// labels, as the loss (probabilities normalised and clipped). Options:
// WithFromLogits, WithName.
func NewSparseCategoricalCrossentropy(opts ...Option) *MeanMetric {
	o := newOptions("sparse_categorical_crossentropy", opts, "from_logits")
	var lp []float64
	return newValuesMetric(o.name, func(yTrue, yPred *tensor.Tensor, v *values) error {
		k, err := sparseRows(yTrue, yPred, v)
		if err != nil {
			return err
		}
		if cap(lp) < k {
			lp = make([]float64, k)
		}
		for i := range v.v {
			c, err := label(yTrue, i, k)
			if err != nil {
				return err
			}
			logProbs(yPred, i*k, k, o.fromLogits, lp[:k])
			v.v[i] = -lp[c]
		}
		return nil
	})
}
