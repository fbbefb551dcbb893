package metrics

import (
	"fmt"
	"math"

	"github.com/tensorgo/tensorgo/tensor"
)

// argmax of row i of t (row length k).
func argmaxRow(t *tensor.Tensor, i, k int) int {
	if f, ok := t.Data().([]float32); ok {
		row := f[i*k : i*k+k]
		best := 0
		for j, v := range row {
			if v > row[best] {
				best = j
			}
		}
		return best
	}
	best, bv := 0, math.Inf(-1)
	for j := 0; j < k; j++ {
		if v := t.Float(i*k + j); v > bv {
			best, bv = j, v
		}
	}
	return best
}

// elementwise fills v with f(label, prediction) for every element, the
// labels and predictions brought to the same rank by Keras's
// squeeze-or-expand rule; the values take the predictions' shape.
func elementwise(yTrue, yPred *tensor.Tensor, v *values, f func(y, p float64) float64) error {
	if err := checkBatch(yTrue, yPred); err != nil {
		return err
	}
	if yTrue.Size() != yPred.Size() {
		return fmt.Errorf("labels shape %v and predictions shape %v differ", yTrue.Shape(), yPred.Shape())
	}
	_, ps := v.pairShapes(yTrue.Shape(), yPred.Shape())
	out := v.set(ps)
	for i := range out {
		out[i] = f(yTrue.Float(i), yPred.Float(i))
	}
	return nil
}

// rowShape sets v to the predictions' shape without the class axis and
// returns the class count.
func rowShape(yPred *tensor.Tensor, v *values) (int, error) {
	if yPred.Rank() < 2 {
		return 0, fmt.Errorf("predictions of shape %v have no class axis", yPred.Shape())
	}
	s := yPred.Shape()
	v.set(s[:len(s)-1])
	return s[len(s)-1], nil
}

// NewAccuracy counts exact matches between labels and predictions, element
// by element (sample weights may be per element).
func NewAccuracy() *MeanMetric {
	return newValuesMetric("accuracy", func(yTrue, yPred *tensor.Tensor, v *values) error {
		return elementwise(yTrue, yPred, v, func(y, p float64) float64 { return b2f(y == p) })
	})
}

// NewBinaryAccuracy counts predictions on the right side of threshold
// (above it for label 1), element by element (sample weights may be per
// element). Keras's default threshold is 0.5.
func NewBinaryAccuracy(threshold float64) *MeanMetric {
	return newValuesMetric("binary_accuracy", func(yTrue, yPred *tensor.Tensor, v *values) error {
		return elementwise(yTrue, yPred, v, func(y, p float64) float64 { return b2f(y == b2f(p > threshold)) })
	})
}

// NewCategoricalAccuracy compares the argmax of one-hot labels and of the
// predictions, one value per sample (and timestep).
func NewCategoricalAccuracy() *MeanMetric {
	return newValuesMetric("categorical_accuracy", func(yTrue, yPred *tensor.Tensor, v *values) error {
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
		for i := range v.v {
			v.v[i] = b2f(argmaxRow(yTrue, i, k) == argmaxRow(yPred, i, k))
		}
		return nil
	})
}

func label(yTrue *tensor.Tensor, i, k int) (int, error) {
	v := yTrue.Float(i)
	c := int(v)
	if float64(c) != v || c < 0 || c >= k {
		return 0, fmt.Errorf("label %v of sample %d is not a class index in [0, %d)", v, i, k)
	}
	return c, nil
}

// sparseRows checks integer labels against predictions with a class axis
// and sets v to one value per label.
func sparseRows(yTrue, yPred *tensor.Tensor, v *values) (int, error) {
	if err := checkBatch(yTrue, yPred); err != nil {
		return 0, err
	}
	k, err := rowShape(yPred, v)
	if err != nil {
		return 0, err
	}
	if yTrue.Size() != len(v.v) {
		return 0, fmt.Errorf("sparse labels must have one value per sample (and timestep): labels shape %v, predictions shape %v", yTrue.Shape(), yPred.Shape())
	}
	return k, nil
}

// NewSparseCategoricalAccuracy compares integer labels with the argmax of
// the predictions.
func NewSparseCategoricalAccuracy() *MeanMetric {
	return newValuesMetric("sparse_categorical_accuracy", func(yTrue, yPred *tensor.Tensor, v *values) error {
		k, err := sparseRows(yTrue, yPred, v)
		if err != nil {
			return err
		}
		for i := range v.v {
			c, err := label(yTrue, i, k)
			if err != nil {
				return err
			}
			v.v[i] = b2f(argmaxRow(yPred, i, k) == c)
		}
		return nil
	})
}

// inTopK reports whether class c is among the k largest of row i (ties
// counted as Keras's in_top_k: strictly larger values push c out).
func inTopK(yPred *tensor.Tensor, i, n, c, k int) bool {
	v := yPred.Float(i*n + c)
	larger := 0
	for j := 0; j < n; j++ {
		if yPred.Float(i*n+j) > v {
			larger++
		}
	}
	return larger < k
}

// NewTopKCategoricalAccuracy counts one-hot labels whose class is among the
// k highest predictions (Keras's default k is 5).
func NewTopKCategoricalAccuracy(k int) *MeanMetric {
	return newValuesMetric("top_k_categorical_accuracy", func(yTrue, yPred *tensor.Tensor, v *values) error {
		if err := checkBatch(yTrue, yPred); err != nil {
			return err
		}
		if yTrue.Size() != yPred.Size() {
			return fmt.Errorf("one-hot labels shape %v and predictions shape %v differ", yTrue.Shape(), yPred.Shape())
		}
		n, err := rowShape(yPred, v)
		if err != nil {
			return err
		}
		for i := range v.v {
			v.v[i] = b2f(inTopK(yPred, i, n, argmaxRow(yTrue, i, n), k))
		}
		return nil
	})
}

// NewSparseTopKCategoricalAccuracy counts integer labels among the k highest
// predictions (Keras's default k is 5).
func NewSparseTopKCategoricalAccuracy(k int) *MeanMetric {
	return newValuesMetric("sparse_top_k_categorical_accuracy", func(yTrue, yPred *tensor.Tensor, v *values) error {
		n, err := sparseRows(yTrue, yPred, v)
		if err != nil {
			return err
		}
		for i := range v.v {
			c, err := label(yTrue, i, n)
			if err != nil {
				return err
			}
			v.v[i] = b2f(inTopK(yPred, i, n, c, k))
		}
		return nil
	})
}

func b2f(b bool) float64 {
	if b {
		return 1
	}
	return 0
}
