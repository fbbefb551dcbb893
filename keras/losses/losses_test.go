package losses

import (
	"fmt"
	"math"
	"testing"

	"github.com/tensorgo/tensorgo/tensor"
	"github.com/tensorgo/tensorgo/tf"
)

func val(t *tf.Tensor) float64 { return t.Value().Item() }

func near(a, b float64) bool { return math.Abs(a-b) < 1e-5*math.Max(1, math.Abs(b)) }

func TestRegressionLosses(t *testing.T) {
	yTrue := tf.Constant(tensor.From([][]float32{{0, 1}, {2, 4}}))
	yPred := tf.Constant(tensor.From([][]float32{{0.5, 1}, {1, 1}}))
	// errors: 0.5 0 | 1 3
	cases := []struct {
		l    Loss
		want float64
	}{
		{MeanSquaredError(), ((0.25+0)/2 + (1+9)/2.0) / 2},
		{MeanAbsoluteError(), ((0.5+0)/2 + (1+3)/2.0) / 2},
		// Huber delta 1: 0.5e² for |e|<=1, else |e| - 0.5: 0.125, 0 | 0.5, 2.5
		{Huber(1), ((0.125+0)/2 + (0.5+2.5)/2) / 2},
	}
	for _, c := range cases {
		if got := val(Compute(c.l, yTrue, yPred, nil)); !near(got, c.want) {
			t.Errorf("%s = %v, want %v", c.l.Name(), got, c.want)
		}
	}
	// Sample weights: sum(w·loss) / batch.
	w := tf.Constant(tensor.From([]float32{2, 0}))
	if got, want := val(Compute(MeanSquaredError(), yTrue, yPred, w)), 2*0.125/2; !near(got, want) {
		t.Errorf("weighted mse = %v, want %v", got, want)
	}
}

func TestCrossEntropies(t *testing.T) {
	logits := [][]float64{{2, 1, 0.1}, {0.5, 2.5, 0.2}}
	labels := []int64{0, 2}
	// Hand computation: -log softmax(logits)[label], averaged.
	var want float64
	probs := make([][]float32, 2)
	for i, row := range logits {
		var s float64
		for _, v := range row {
			s += math.Exp(v)
		}
		want += -(logits[i][labels[i]] - math.Log(s))
		probs[i] = make([]float32, 3)
		for j, v := range row {
			probs[i][j] = float32(math.Exp(v) / s)
		}
	}
	want /= 2
	lg := tf.Constant(tensor.From([][]float32{{2, 1, 0.1}, {0.5, 2.5, 0.2}}))
	y := tf.Constant(tensor.From(labels))
	onehot := tf.Constant(tensor.From([][]float32{{1, 0, 0}, {0, 0, 1}}))
	p := tf.Constant(tensor.From(probs))
	cases := []struct {
		name         string
		l            Loss
		yTrue, yPred *tf.Tensor
	}{
		{"sparse from logits", SparseCategoricalCrossentropy(true), y, lg},
		{"sparse from probabilities", SparseCategoricalCrossentropy(false), y, p},
		{"sparse through softmax", SparseCategoricalCrossentropy(false), y, tf.Softmax(lg, -1)},
		{"categorical from logits", CategoricalCrossentropy(true), onehot, lg},
		{"categorical from probabilities", CategoricalCrossentropy(false), onehot, p},
	}
	for _, c := range cases {
		if got := val(Compute(c.l, c.yTrue, c.yPred, nil)); math.Abs(got-want) > 1e-5 {
			t.Errorf("%s = %v, want %v", c.name, got, want)
		}
	}
}

func TestBinaryAndHinge(t *testing.T) {
	z := []float64{1, 0, 1}
	x := []float64{0.3, -1.2, 2}
	var want float64
	for i := range z {
		p := 1 / (1 + math.Exp(-x[i]))
		want += -(z[i]*math.Log(p) + (1-z[i])*math.Log(1-p))
	}
	want /= 3
	yTrue := tf.Constant(tensor.From([][]float32{{1}, {0}, {1}}))
	logits := tf.Constant(tensor.From([][]float32{{0.3}, {-1.2}, {2}}))
	if got := val(Compute(BinaryCrossentropy(true), yTrue, logits, nil)); math.Abs(got-want) > 1e-5 {
		t.Errorf("bce from logits = %v, want %v", got, want)
	}
	if got := val(Compute(BinaryCrossentropy(false), yTrue, tf.Sigmoid(logits), nil)); math.Abs(got-want) > 1e-5 {
		t.Errorf("bce = %v, want %v", got, want)
	}
	// hinge with {0,1} labels -> {-1,1}: max(0, 1 - y·p): 0.7, 0 (1-1.2<0), 0
	if got, want := val(Compute(Hinge(), yTrue, logits, nil)), (0.7+0+0)/3; !near(got, want) {
		t.Errorf("hinge = %v, want %v", got, want)
	}
	if got, want := val(Compute(SquaredHinge(), yTrue, logits, nil)), 0.49/3; !near(got, want) {
		t.Errorf("squared hinge = %v, want %v", got, want)
	}
}

func TestGetAndCustom(t *testing.T) {
	for _, n := range []string{"mse", "mae", "huber", "binary_crossentropy", "categorical_crossentropy", "sparse_categorical_crossentropy", "hinge"} {
		if _, err := Get(n); err != nil {
			t.Errorf("Get(%q): %v", n, err)
		}
	}
	if _, err := Get("sparse_categorical_crossentropyy"); err == nil {
		t.Error("misspelt loss gave no error")
	}
	l := Custom("l1", func(yTrue, yPred *tf.Tensor) *tf.Tensor {
		return tf.ReduceSum(tf.Abs(tf.Sub(yTrue, yPred)), []int{-1}, false)
	})
	got := val(Compute(l, tf.Constant(tensor.From([][]float32{{1, 2}})), tf.Constant(tensor.From([][]float32{{0, 0}})), nil))
	if got != 3 {
		t.Errorf("custom loss = %v", got)
	}
}

func ExampleSparseCategoricalCrossentropy() {
	labels := tf.Constant(tensor.From([]int64{1}))
	logits := tf.Constant(tensor.From([][]float32{{0, 0}}))
	loss := Compute(SparseCategoricalCrossentropy(true), labels, logits, nil)
	fmt.Printf("%.4f\n", loss.Value().Item()) // log 2
	// Output: 0.6931
}
