package losses

import (
	"math"
	"strings"
	"testing"

	"github.com/tensorgo/tensorgo/tensor"
	"github.com/tensorgo/tensorgo/tf"
)

// Regression: (batch, 1) sample weights used to broadcast against (batch,)
// per-sample losses into a (batch, batch) matrix. Expected: sum(w·l)/batch
// by hand.
func TestSampleWeightColumn(t *testing.T) {
	yTrue := c32([][]float64{{0, 1}, {2, 4}, {1, 1}})
	yPred := c32([][]float64{{0.5, 1}, {1, 1}, {1, 3}})
	// per-sample MSE: 0.125, 5, 2
	want := (2*0.125 + 0*5 + 1*2) / 3.0
	for _, w := range []*tf.Tensor{c32([]float64{2, 0, 1}), c32([][]float64{{2}, {0}, {1}})} {
		if got := floats(Compute(MeanSquaredError(), yTrue, yPred, w))[0]; math.Abs(got-want) > 1e-6 {
			t.Errorf("weights %v: mse = %v, want %v", w.Shape(), got, want)
		}
	}
}

// Per-timestep weights for 3-D predictions, in graph mode with an unknown
// batch size, and per-sample weights broadcast over the timesteps.
func TestTimestepWeightsGraph(t *testing.T) {
	g := tf.NewGraph()
	y := tf.Placeholder(g, tensor.Float32, tensor.Shape{-1, 3})
	p := tf.Placeholder(g, tensor.Float32, tensor.Shape{-1, 3, 2})
	wT := tf.Placeholder(g, tensor.Float32, tensor.Shape{-1, 3})
	wS := tf.Placeholder(g, tensor.Float32, tensor.Shape{-1})
	l := SparseCategoricalCrossentropy(false)
	perT := Compute(l, y, p, wT)
	perS := Compute(l, y, p, wS)
	mean := Compute(l, y, p, nil)
	labels := [][]float64{{0, 1, 1}, {1, 0, 0}}
	probs := [][][]float64{{{0.9, 0.1}, {0.2, 0.8}, {0.6, 0.4}}, {{0.3, 0.7}, {0.5, 0.5}, {0.99, 0.01}}}
	tw := [][]float64{{1, 0, 2}, {0.5, 1, 0}}
	sw := []float64{3, 1}
	var wantT, wantS, wantM float64
	for i := range labels {
		for j := range labels[i] {
			v := -math.Log(probs[i][j][int(labels[i][j])])
			wantT += tw[i][j] * v
			wantS += sw[i] * v
			wantM += v
		}
	}
	wantT, wantS, wantM = wantT/6, wantS/6, wantM/6
	s := tf.NewSession(g)
	out, err := s.Run(tf.Feeds{y: c32(labels).Value(), p: c32(probs).Value(), wT: c32(tw).Value(), wS: c32(sw).Value()}, []*tf.Tensor{perT, perS, mean})
	if err != nil {
		t.Fatal(err)
	}
	for i, want := range []float64{wantT, wantS, wantM} {
		if got := out[i].Item(); math.Abs(got-want) > 1e-5 {
			t.Errorf("fetch %d = %v, want %v", i, got, want)
		}
	}
}

// Regression: sparse categorical cross-entropy from probabilities did not
// normalise rows that do not sum to 1. Hand computation: -log(p/sum(p)).
func TestSparseNormalises(t *testing.T) {
	probs := [][]float64{{0.5, 0.89, 0.6}, {1, 1, 2}}
	labels := []float64{1, 2}
	var want float64
	for i, row := range probs {
		want -= math.Log(row[int(labels[i])] / (row[0] + row[1] + row[2]))
	}
	want /= 2
	if got := floats(Compute(SparseCategoricalCrossentropy(false), c32(labels), c32(probs), nil))[0]; math.Abs(got-want) > 1e-6 {
		t.Errorf("scce = %v, want %v", got, want)
	}
}

// Regression: keras/losses' hinge mapped only zeros to -1, so labels that
// are not all 0 or 1 were changed; Keras (and tf.Hinge) leave them as they
// are.
func TestHingeLabelConversion(t *testing.T) {
	y := [][]float64{{0}, {0.5}, {1}}
	p := [][]float64{{0.3}, {0.4}, {-0.2}}
	// Not binary: labels stay: max(1 - y·p, 0) = 1, 0.8, 1.2.
	want := (1 + 0.8 + 1.2) / 3
	if got := floats(Compute(Hinge(), c32(y), c32(p), nil))[0]; math.Abs(got-want) > 1e-6 {
		t.Errorf("hinge = %v, want %v", got, want)
	}
	if got := floats(tf.ReduceMean(tf.Hinge(c32(y), c32(p)), nil, false))[0]; math.Abs(got-want) > 1e-6 {
		t.Errorf("tf.Hinge = %v, want %v", got, want)
	}
	// Binary labels become -1/1: max(1 + 0.3, 0), max(1 - 0.4, 0), max(1 + 0.2, 0).
	yb := [][]float64{{0}, {1}, {1}}
	wantB := (1.3 + 0.6 + 1.2) / 3
	if got := floats(Compute(Hinge(), c32(yb), c32(p), nil))[0]; math.Abs(got-wantB) > 1e-6 {
		t.Errorf("binary hinge = %v, want %v", got, wantB)
	}
	wantSq := (1.69 + 0.36 + 1.44) / 3
	if got := floats(Compute(SquaredHinge(), c32(yb), c32(p), nil))[0]; math.Abs(got-wantSq) > 1e-6 {
		t.Errorf("squared hinge = %v, want %v", got, wantSq)
	}
}

// Losses without docstring numbers, checked against direct loops over the
// formulas in Keras 3's docstrings, on Keras's unit-test inputs.
func TestRegressionFormulas(t *testing.T) {
	yT := [][]float64{{1, 9, 2}, {-5, -2, 6}}
	yP := [][]float64{{4, 8, 12}, {8, 1, 3}}
	pos := [][]float64{{4, 8, 12}, {8, 1, 3}}
	posT := [][]float64{{1, 9, 2}, {5, 2, 6}}
	each := func(a, b [][]float64, f func(y, p float64) float64) float64 {
		var s float64
		for i := range a {
			for j := range a[i] {
				s += f(a[i][j], b[i][j])
			}
		}
		return s / 6
	}
	logcosh := each(yT, yP, func(y, p float64) float64 { return math.Log(math.Cosh(p - y)) })
	poisson := each(pos, posT, func(y, p float64) float64 { return p - y*math.Log(p+Epsilon) })
	msle := each(posT, pos, func(y, p float64) float64 { d := math.Log(p+1) - math.Log(y+1); return d * d })
	mape := each(yT, yP, func(y, p float64) float64 { return 100 * math.Abs((y-p)/y) })
	var cos float64
	for i := range yT {
		var dot, na, nb float64
		for j := range yT[i] {
			dot += yT[i][j] * yP[i][j]
			na += yT[i][j] * yT[i][j]
			nb += yP[i][j] * yP[i][j]
		}
		cos -= dot / math.Sqrt(na*nb) / 2
	}
	runCases(t, []kerasCase{
		{"log_cosh formula", LogCosh(), c32(yT), c32(yP), nil, []float64{logcosh}, 1e-5},
		{"poisson formula", Poisson(), c32(pos), c32(posT), nil, []float64{poisson}, 1e-5},
		{"msle formula", MeanSquaredLogarithmicError(), c32(posT), c32(pos), nil, []float64{msle}, 1e-5},
		{"mape formula", MeanAbsolutePercentageError(), c32(yT), c32(yP), nil, []float64{mape}, 1e-3},
		{"cosine formula", CosineSimilarity(), c32(yT), c32(yP), nil, []float64{cos}, 1e-6},
		{"cosine axis 0 of rank 2", CosineSimilarity(WithAxis(0), WithReduction(NoReduction)), c32([][]float64{{1, 0}, {0, 1}}), c32([][]float64{{1, 1}, {0, 1}}), nil, []float64{-1, -1 / math.Sqrt2}, 1e-6},
	})
}

// Keras's reductions on one set of per-sample values, by hand.
func TestReductions(t *testing.T) {
	yT := c32([][]float64{{1}, {2}, {3}})
	yP := c32([][]float64{{2}, {4}, {3}})
	w := c32([]float64{1, 0.5, 2})
	// errors² 1, 4, 0; weighted 1, 2, 0.
	cases := []struct {
		r    Reduction
		want []float64
	}{
		{SumOverBatchSize, []float64{1}},
		{Mean, []float64{1}},
		{Sum, []float64{3}},
		{MeanWithSampleWeight, []float64{3 / 3.5}},
		{NoReduction, []float64{1, 2, 0}},
	}
	for _, c := range cases {
		got := floats(Compute(MeanSquaredError(WithReduction(c.r)), yT, yP, w))
		if len(got) != len(c.want) {
			t.Fatalf("%s: got %v, want %v", c.r, got, c.want)
		}
		for i := range got {
			if math.Abs(got[i]-c.want[i]) > 1e-6 {
				t.Errorf("%s: got %v, want %v", c.r, got, c.want)
			}
		}
	}
	if _, err := ParseReduction("avg"); err == nil {
		t.Error("ParseReduction(avg) gave no error")
	}
	if r, err := ParseReduction(""); err != nil || r != NoReduction {
		t.Errorf("ParseReduction(\"\") = %q, %v", r, err)
	}
}

func TestOptionPanics(t *testing.T) {
	for name, f := range map[string]func(){
		"gamma on mse":        func() { MeanSquaredError(WithGamma(2)) },
		"bad reduction":       func() { WithReduction("avg") },
		"smoothing above one": func() { WithLabelSmoothing(1.5) },
		"bce shape mismatch": func() {
			Compute(BinaryCrossentropy(false), c32([][]float64{{0}, {1}, {2}}), c32([][]float64{{0.9, 0.05, 0.05}, {0.5, 0.89, 0.6}, {0.05, 0.01, 0.94}}), nil)
		},
	} {
		func() {
			defer func() {
				r := recover()
				if r == nil {
					t.Errorf("%s: no panic", name)
				} else if !strings.Contains(r.(string), "losses:") {
					t.Errorf("%s: panic %q does not name the package", name, r)
				}
			}()
			f()
		}()
	}
}

func TestGetNames(t *testing.T) {
	cases := map[string]string{
		"mse": "mean_squared_error", "MAE": "mean_absolute_error", "mape": "mean_absolute_percentage_error",
		"msle": "mean_squared_logarithmic_error", "kld": "kl_divergence", "kullback_leibler_divergence": "kl_divergence",
		"logcosh": "log_cosh", "huber": "huber_loss", "poisson": "poisson", "cosine_similarity": "cosine_similarity",
		"categorical_hinge": "categorical_hinge", "binary_focal_crossentropy": "binary_focal_crossentropy",
		"categorical_focal_crossentropy": "categorical_focal_crossentropy", "dice": "dice", "tversky": "tversky",
		"bce": "binary_crossentropy", "cce": "categorical_crossentropy", "scce": "sparse_categorical_crossentropy",
		"squared_hinge": "squared_hinge",
	}
	for alias, name := range cases {
		l, err := Get(alias)
		if err != nil {
			t.Errorf("Get(%q): %v", alias, err)
			continue
		}
		if l.Name() != name {
			t.Errorf("Get(%q).Name() = %q, want %q", alias, l.Name(), name)
		}
	}
	if l := MeanSquaredError(WithName("my_mse")); l.Name() != "my_mse" {
		t.Errorf("WithName: %q", l.Name())
	}
	if !FromLogits(BinaryFocalCrossentropy(true)) || FromLogits(BinaryCrossentropy(false)) {
		t.Error("FromLogits is wrong")
	}
}

// Dice's default axes reduce to one value for the batch; sample weights
// then scale it (Keras multiplies the scalar by the weights and averages).
func TestScalarLossWeighted(t *testing.T) {
	y := c32([][]float64{{1, 0}, {1, 1}})
	p := c32([][]float64{{0.5, 0.5}, {1, 0}})
	// 1 - 2·(0.5 + 1) / (3 + 2 + ε)
	d := 1 - 2*1.5/(5+Epsilon)
	got := floats(Compute(Dice(), y, p, c32([]float64{1, 3})))
	if len(got) != 1 || math.Abs(got[0]-d*2) > 1e-6 {
		t.Errorf("weighted dice = %v, want %v", got, d*2)
	}
}

func TestGetClassNames(t *testing.T) {
	for cls, name := range map[string]string{"MeanSquaredError": "mean_squared_error", "KLDivergence": "kl_divergence",
		"BinaryFocalCrossentropy": "binary_focal_crossentropy", "LogCosh": "log_cosh", "SparseCategoricalCrossentropy": "sparse_categorical_crossentropy"} {
		l, err := Get(cls)
		if err != nil || l.Name() != name {
			t.Errorf("Get(%q) = %v, %v; want %s", cls, l, err, name)
		}
	}
}
