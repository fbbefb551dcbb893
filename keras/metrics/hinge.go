package metrics

import (
	"math"

	"github.com/tensorgo/tensorgo/tensor"
)

// binaryLabels reports whether every label is 0 or 1, in which case the
// hinge metrics map them to -1 and 1, as Keras's hinge losses do.
func binaryLabels(y *tensor.Tensor) bool {
	for i := 0; i < y.Size(); i++ {
		if v := y.Float(i); v != 0 && v != 1 {
			return false
		}
	}
	return true
}

func hingeMetric(name string, square bool) *MeanMetric {
	return newValuesMetric(name, func(yTrue, yPred *tensor.Tensor, v *values) error {
		bin := binaryLabels(yTrue)
		return rowwise(yTrue, yPred, v, func(y, p *tensor.Tensor, off, k int) float64 {
			var s float64
			for j := off; j < off+k; j++ {
				t := y.Float(j)
				if bin {
					t = 2*t - 1
				}
				h := math.Max(1-t*p.Float(j), 0)
				if square {
					h *= h
				}
				s += h
			}
			return s / float64(k)
		})
	})
}

// NewHinge is the mean of max(1 - y·p, 0) per sample, labels in {-1, 1}
// (labels that are all 0 or 1 are mapped to -1 and 1, as the loss).
func NewHinge() *MeanMetric { return hingeMetric("hinge", false) }

// NewSquaredHinge is the mean of max(1 - y·p, 0)² per sample, labels as
// NewHinge takes them.
func NewSquaredHinge() *MeanMetric { return hingeMetric("squared_hinge", true) }

// NewCategoricalHinge is max(neg - pos + 1, 0) per sample for one-hot
// labels, pos = sum(y·p) and neg = max((1-y)·p) over the last axis.
func NewCategoricalHinge() *MeanMetric {
	return newValuesMetric("categorical_hinge", func(yTrue, yPred *tensor.Tensor, v *values) error {
		return rowwise(yTrue, yPred, v, func(y, p *tensor.Tensor, off, k int) float64 {
			var pos float64
			neg := math.Inf(-1)
			for j := off; j < off+k; j++ {
				a, b := y.Float(j), p.Float(j)
				pos += a * b
				neg = math.Max(neg, (1-a)*b)
			}
			return math.Max(neg-pos+1, 0)
		})
	})
}
