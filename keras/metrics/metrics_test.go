package metrics

import (
	"fmt"
	"math"
	"testing"

	"github.com/tensorgo/tensorgo/tensor"
)

func near(a, b float64) bool { return math.Abs(a-b) < 1e-6 }

func TestAccuracies(t *testing.T) {
	pred := tensor.From([][]float32{{0.1, 0.7, 0.2}, {0.5, 0.3, 0.2}, {0.2, 0.3, 0.5}, {0.6, 0.3, 0.1}})
	sparse := tensor.From([]int64{1, 0, 0, 0})
	onehot := tensor.From([][]float32{{0, 1, 0}, {1, 0, 0}, {1, 0, 0}, {1, 0, 0}})
	cases := []struct {
		m     Metric
		yTrue *tensor.Tensor
		want  float64
	}{
		{NewSparseCategoricalAccuracy(), sparse, 0.75},
		{NewCategoricalAccuracy(), onehot, 0.75},
		// top-2: row 2's label 0 has the smallest value, so 3 of 4.
		{NewSparseTopKCategoricalAccuracy(2), sparse, 0.75},
		{NewTopKCategoricalAccuracy(3), onehot, 1},
	}
	for _, c := range cases {
		if err := c.m.UpdateState(c.yTrue, pred, nil); err != nil {
			t.Fatal(err)
		}
		if got := c.m.Result(); !near(got, c.want) {
			t.Errorf("%s = %v, want %v", c.m.Name(), got, c.want)
		}
		c.m.ResetState()
		if c.m.Result() != 0 {
			t.Errorf("%s after reset = %v", c.m.Name(), c.m.Result())
		}
	}
}

func TestWeightedAndAccumulated(t *testing.T) {
	m := NewSparseCategoricalAccuracy()
	pred := tensor.From([][]float32{{0.9, 0.1}, {0.2, 0.8}})
	// right, wrong; weights 3 and 1 -> 0.75
	if err := m.UpdateState(tensor.From([]int32{0, 0}), pred, tensor.From([]float32{3, 1})); err != nil {
		t.Fatal(err)
	}
	// second batch: both right, weight 1 each -> (3 + 2) / 6
	if err := m.UpdateState(tensor.From([]int32{0, 1}), pred, nil); err != nil {
		t.Fatal(err)
	}
	if got := m.Result(); !near(got, 5.0/6) {
		t.Fatalf("weighted accuracy = %v, want %v", got, 5.0/6)
	}
}

func TestBinaryMSEMAE(t *testing.T) {
	yTrue := tensor.From([][]float32{{1}, {0}, {1}, {0}})
	yPred := tensor.From([][]float32{{0.8}, {0.6}, {0.4}, {0.1}})
	ba := NewBinaryAccuracy(0.5)
	_ = ba.UpdateState(yTrue, yPred, nil)
	if !near(ba.Result(), 0.5) {
		t.Errorf("binary accuracy %v", ba.Result())
	}
	mse := NewMeanSquaredError()
	_ = mse.UpdateState(yTrue, yPred, nil)
	if want := (0.04 + 0.36 + 0.36 + 0.01) / 4; !near(mse.Result(), want) {
		t.Errorf("mse %v want %v", mse.Result(), want)
	}
	mae := NewMeanAbsoluteError()
	_ = mae.UpdateState(yTrue, yPred, nil)
	if want := (0.2 + 0.6 + 0.6 + 0.1) / 4; !near(mae.Result(), want) {
		t.Errorf("mae %v want %v", mae.Result(), want)
	}
	p, r := NewPrecision(0.5), NewRecall(0.5)
	_ = p.UpdateState(yTrue, yPred, nil)
	_ = r.UpdateState(yTrue, yPred, nil)
	// predicted positive: 0.8 (TP), 0.6 (FP); positives: 0.8 (TP), 0.4 (FN)
	if !near(p.Result(), 0.5) || !near(r.Result(), 0.5) {
		t.Errorf("precision %v recall %v, want 0.5 0.5", p.Result(), r.Result())
	}
}

func TestAUC(t *testing.T) {
	// Scores: positives 0.9, 0.4; negatives 0.6, 0.1. Of the 4 positive /
	// negative pairs 3 are ordered right: exact AUC 0.75.
	yTrue := tensor.From([]float32{1, 0, 1, 0})
	yPred := tensor.From([]float32{0.9, 0.6, 0.4, 0.1})
	a := NewAUC(200)
	if err := a.UpdateState(yTrue, yPred, nil); err != nil {
		t.Fatal(err)
	}
	if !near(a.Result(), 0.75) {
		t.Fatalf("auc = %v, want 0.75", a.Result())
	}
	perfect := NewAUC(200)
	_ = perfect.UpdateState(yTrue, tensor.From([]float32{0.9, 0.2, 0.8, 0.1}), nil)
	if !near(perfect.Result(), 1) {
		t.Fatalf("perfect auc = %v", perfect.Result())
	}
}

func TestErrors(t *testing.T) {
	pred := tensor.From([][]float32{{0.9, 0.1}, {0.2, 0.8}})
	if err := NewSparseCategoricalAccuracy().UpdateState(tensor.From([]int32{0, 2}), pred, nil); err == nil {
		t.Error("label 2 with 2 classes gave no error")
	}
	if err := NewSparseCategoricalAccuracy().UpdateState(tensor.From([]int32{0}), pred, nil); err == nil {
		t.Error("1 label for 2 predictions gave no error")
	}
	if _, err := Get("acuracy"); err == nil {
		t.Error("unknown metric name gave no error")
	}
}

func TestResolveAccuracy(t *testing.T) {
	cases := []struct {
		loss      string
		labelRank int
		pred      tensor.Shape
		want      string
	}{
		{"sparse_categorical_crossentropy", 1, tensor.Shape{-1, 10}, "*metrics.MeanMetric sparse_categorical_accuracy"},
		{"categorical_crossentropy", 2, tensor.Shape{-1, 10}, "*metrics.MeanMetric categorical_accuracy"},
		{"binary_crossentropy", 2, tensor.Shape{-1, 1}, "*metrics.MeanMetric binary_accuracy"},
		{"mse", 1, tensor.Shape{-1, 3}, "*metrics.MeanMetric sparse_categorical_accuracy"},
	}
	for _, c := range cases {
		m := ResolveAccuracy("accuracy", c.loss, c.labelRank, c.pred)
		inner := m.(*named).Metric
		if got := fmt.Sprintf("%T %s", inner, inner.Name()); got != c.want || m.Name() != "accuracy" {
			t.Errorf("%s: got %s named %s, want %s", c.loss, got, m.Name(), c.want)
		}
	}
}

func ExampleNewSparseCategoricalAccuracy() {
	m := NewSparseCategoricalAccuracy()
	_ = m.UpdateState(tensor.From([]int64{2, 1}), tensor.From([][]float32{{0.1, 0.2, 0.7}, {0.8, 0.1, 0.1}}), nil)
	fmt.Printf("%s: %.4f\n", m.Name(), m.Result())
	// Output: sparse_categorical_accuracy: 0.5000
}
