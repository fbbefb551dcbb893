package losses

import (
	"math"
	"testing"

	"github.com/tensorgo/tensorgo/tensor"
	"github.com/tensorgo/tensorgo/tf"
)

// Every loss builds in a graph with an unknown batch size, runs, and has a
// finite gradient with respect to the predictions that matches a central
// finite difference of the loss.
func TestGraphGradients(t *testing.T) {
	probs := [][]float64{{0.2, 0.5, 0.3}, {0.6, 0.3, 0.1}}
	onehot := [][]float64{{0, 1, 0}, {1, 0, 0}}
	sparse := [][]float64{{1}, {0}}
	cases := []struct {
		l      Loss
		y, p   [][]float64
		logits bool
	}{
		{MeanSquaredError(), onehot, probs, false},
		{MeanAbsolutePercentageError(), [][]float64{{1, 2, 3}, {2, 1, 4}}, probs, false},
		{MeanSquaredLogarithmicError(), onehot, probs, false},
		{Huber(0.3), onehot, probs, false},
		{LogCosh(), onehot, probs, false},
		{CosineSimilarity(), onehot, probs, false},
		{Poisson(), onehot, probs, false},
		{KLDivergence(), [][]float64{{0.1, 0.6, 0.3}, {0.5, 0.25, 0.25}}, probs, false},
		{BinaryCrossentropy(false, WithLabelSmoothing(0.1)), onehot, probs, false},
		{BinaryCrossentropy(true), onehot, probs, true},
		{CategoricalCrossentropy(false, WithLabelSmoothing(0.2)), onehot, probs, false},
		{CategoricalCrossentropy(true, WithAxis(0)), onehot, probs, true},
		{SparseCategoricalCrossentropy(false), sparse, probs, false},
		{SparseCategoricalCrossentropy(true, WithIgnoreClass(0)), sparse, probs, true},
		{BinaryFocalCrossentropy(false, WithClassBalancing(true)), onehot, probs, false},
		{BinaryFocalCrossentropy(true, WithGamma(3)), onehot, probs, true},
		{CategoricalFocalCrossentropy(false), onehot, probs, false},
		{CategoricalFocalCrossentropy(true), onehot, probs, true},
		{Hinge(), onehot, probs, false},
		{SquaredHinge(), onehot, probs, false},
		{CategoricalHinge(), onehot, probs, false},
		{Dice(), onehot, probs, false},
		{Tversky(WithAlpha(0.3), WithBeta(0.7), WithAxis(1)), onehot, probs, false},
	}
	for _, c := range cases {
		g := tf.NewGraph()
		yv, pv := c32(c.y).Value(), c32(c.p).Value()
		y := tf.Placeholder(g, tensor.Float32, tensor.Shape{-1, yv.Dim(1)})
		p := tf.Placeholder(g, tensor.Float32, tensor.Shape{-1, 3})
		loss := Compute(c.l, y, p, nil)
		grad := tf.Gradients([]*tf.Tensor{loss}, []*tf.Tensor{p})[0]
		if grad == nil {
			t.Errorf("%s: no gradient", c.l.Name())
			continue
		}
		s := tf.NewSession(g)
		out, err := s.Run(tf.Feeds{y: yv, p: pv}, []*tf.Tensor{loss, grad})
		if err != nil {
			t.Errorf("%s: %v", c.l.Name(), err)
			continue
		}
		// Central difference on element (0, 1) (float32 inputs: loose).
		const h = 1e-2
		at := func(d float64) float64 {
			q := pv.Clone()
			q.SetFloat(1, q.Float(1)+d)
			o, err := s.Run(tf.Feeds{y: yv, p: q}, []*tf.Tensor{loss})
			if err != nil {
				t.Fatal(err)
			}
			return o[0].Item()
		}
		num := (at(h) - at(-h)) / (2 * h)
		got := out[1].Float(1)
		if math.IsNaN(got) || math.IsInf(got, 0) || math.Abs(got-num) > 2e-2*math.Max(1, math.Abs(num)) {
			t.Errorf("%s: d loss / d p[0][1] = %v, finite difference %v (loss %v)", c.l.Name(), got, num, out[0].Item())
		}
	}
}
