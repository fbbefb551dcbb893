package metrics

import (
	"math"
	"strings"
	"testing"

	"github.com/tensorgo/tensorgo/tensor"
)

func near6(a, b []float64) bool {
	if len(a) != len(b) {
		return false
	}
	for i := range a {
		if math.Abs(a[i]-b[i]) > 1e-6 {
			return false
		}
	}
	return true
}

// Keras 3's FalsePositivesTest / TruePositivesTest with thresholds
// (keras/src/metrics/confusion_metrics_test.py).
func TestCountsWithThresholds(t *testing.T) {
	p := f32([][]float64{{0.9, 0.2, 0.8, 0.1}, {0.2, 0.9, 0.7, 0.6}, {0.1, 0.2, 0.4, 0.3}, {0, 1, 0.7, 0.3}})
	y := f32([][]float64{{0, 1, 1, 0}, {1, 0, 0, 0}, {0, 0, 0, 0}, {1, 1, 1, 1}})
	w := f32([][]float64{{1, 2, 3, 5}, {7, 11, 13, 17}, {19, 23, 29, 31}, {5, 15, 10, 0}})
	cases := []struct {
		src  string
		m    *Counts
		w    *tensor.Tensor
		want []float64
	}{
		{"FalsePositivesTest.test_unweighted_with_thresholds", NewFalsePositives(WithThresholds(0.15, 0.5, 0.85)), nil, []float64{7, 4, 2}},
		{"FalsePositivesTest.test_weighted_with_thresholds", NewFalsePositives(WithThresholds(0.15, 0.5, 0.85)), w, []float64{125, 42, 12}},
		{"FalseNegativesTest.test_unweighted_with_thresholds", NewFalseNegatives(WithThresholds(0.15, 0.5, 0.85)), nil, []float64{1, 4, 6}},
		{"TrueNegativesTest.test_unweighted_with_thresholds", NewTrueNegatives(WithThresholds(0.15, 0.5, 0.85)), nil, []float64{2, 5, 7}},
		{"TruePositivesTest.test_unweighted_with_thresholds", NewTruePositives(WithThresholds(0.15, 0.5, 0.85)), nil, []float64{6, 3, 1}},
		// Unsorted thresholds report in the order given.
		{"order of thresholds", NewTruePositives(WithThresholds(0.85, 0.15, 0.5)), nil, []float64{1, 6, 3}},
	}
	for _, c := range cases {
		if err := c.m.UpdateState(y, p, c.w); err != nil {
			t.Fatal(err)
		}
		if got := c.m.Results(); !near6(got, c.want) {
			t.Errorf("%s: %v, want %v", c.src, got, c.want)
		}
	}
}

// Per-timestep weights for sequence outputs: values (batch, T) weighted
// element by element, by hand.
func TestTimestepWeights(t *testing.T) {
	y := f32([][]float64{{0, 1, 1}, {1, 0, 0}})
	p := f32([][][]float64{{{0.9, 0.1}, {0.2, 0.8}, {0.6, 0.4}}, {{0.3, 0.7}, {0.5, 0.4}, {0.99, 0.01}}})
	// matches: [1 1 0] [1 1 1]
	w := f32([][]float64{{1, 0, 2}, {0.5, 1, 0}})
	m := NewSparseCategoricalAccuracy()
	if err := m.UpdateState(y, p, w); err != nil {
		t.Fatal(err)
	}
	if got, want := m.Result(), (1+0+0+0.5+1+0)/4.5; math.Abs(got-want) > 1e-9 {
		t.Errorf("per-timestep weighted accuracy = %v, want %v", got, want)
	}
	m.ResetState()
	if err := m.UpdateState(y, p, f32([]float64{3, 1})); err != nil {
		t.Fatal(err)
	}
	if got, want := m.Result(), (3*2.0/3+1*1)/4; math.Abs(got-want) > 1e-9 {
		t.Errorf("per-sample weighted accuracy over timesteps = %v, want %v", got, want)
	}
	if err := m.UpdateState(y, p, f32([]float64{1, 2, 3})); err == nil {
		t.Error("3 weights for 2 samples gave no error")
	}
}

func TestR2AndIoUVariants(t *testing.T) {
	y := f32([][]float64{{1, 2}, {4, 1}, {3, 5}})
	p := f32([][]float64{{2, 2}, {4, 2}, {4, 4}})
	// By hand per output: SS_res, SS_tot about the mean.
	r2 := func(col int) (float64, float64) {
		var mean, res, tot float64
		for i := 0; i < 3; i++ {
			mean += y.Float(i*2+col) / 3
		}
		for i := 0; i < 3; i++ {
			d := y.Float(i*2+col) - p.Float(i*2+col)
			res += d * d
			e := y.Float(i*2+col) - mean
			tot += e * e
		}
		return 1 - res/tot, tot
	}
	a, ta := r2(0)
	b, tb := r2(1)
	for _, c := range []struct {
		m    *R2Score
		want []float64
	}{
		{NewR2Score(WithClassAggregation("")), []float64{a, b}},
		{NewR2Score(), []float64{(a + b) / 2}},
		{NewR2Score(WithClassAggregation("variance_weighted_average")), []float64{(a*ta + b*tb) / (ta + tb)}},
	} {
		if err := c.m.UpdateState(y, p, nil); err != nil {
			t.Fatal(err)
		}
		if got := c.m.Results(); !near6(got, c.want) {
			t.Errorf("r2 %q = %v, want %v", c.m.aggregation, got, c.want)
		}
	}
	// MeanIoU over argmax of scores, ignoring class 2 labels:
	// pairs (true, pred): (0,0) (1,0) (1,1); (2, x) skipped.
	m := NewMeanIoU(3, WithSparsePredictions(false), WithIgnoreClass(2))
	if err := m.UpdateState(f32([]float64{0, 1, 1, 2}), f32([][]float64{{0.9, 0.1, 0}, {0.6, 0.4, 0}, {0.2, 0.7, 0.1}, {0, 0, 1}}), nil); err != nil {
		t.Fatal(err)
	}
	// class 0: tp 1, row 1, col 2 -> 1/2; class 1: tp 1, row 2, col 1 -> 1/2.
	if got := m.Result(); math.Abs(got-0.5) > 1e-6 {
		t.Errorf("mean IoU = %v, want 0.5", got)
	}
}

func TestMetricNamesAndOptions(t *testing.T) {
	for _, n := range []string{"mape", "msle", "root_mean_squared_error", "logcosh", "kld", "poisson", "cosine_similarity",
		"binary_crossentropy", "categorical_crossentropy", "sparse_categorical_crossentropy", "true_positives",
		"false_positives", "true_negatives", "false_negatives", "f1_score", "fbeta_score", "r2_score", "auc"} {
		m, err := Get(n)
		if err != nil {
			t.Errorf("Get(%q): %v", n, err)
			continue
		}
		if m.Name() != n && !strings.Contains(m.Name(), n) && n != "kld" {
			t.Errorf("Get(%q).Name() = %q", n, m.Name())
		}
	}
	if m := NewAUC(200, WithName("roc")); m.Name() != "roc" {
		t.Errorf("WithName: %q", m.Name())
	}
	for name, f := range map[string]func(){
		"top_k on auc":        func() { NewAUC(200, WithTopK(2)) },
		"threshold above one": func() { WithThresholds(1.5) },
		"bad curve":           func() { WithCurve("PRGAIN2") },
		"specificity 2":       func() { NewSensitivityAtSpecificity(2) },
	} {
		func() {
			defer func() {
				if r := recover(); r == nil || !strings.Contains(r.(string), "metrics:") {
					t.Errorf("%s: panic %v", name, r)
				}
			}()
			f()
		}()
	}
	if err := NewPrecision(0.5, WithClassID(2)).UpdateState(f32([]float64{0, 1}), f32([]float64{0.2, 0.8}), nil); err == nil {
		t.Error("class_id with 1-D predictions gave no error")
	}
}

// A metric's update allocates nothing once its buffers have grown.
func TestUpdateStateAllocs(t *testing.T) {
	y := f32([]float64{1, 0, 2, 1})
	p := f32([][]float64{{0.1, 0.8, 0.1}, {0.6, 0.3, 0.1}, {0.2, 0.2, 0.6}, {0.3, 0.4, 0.3}})
	w := f32([]float64{1, 2, 1, 1})
	yb := f32([][]float64{{1}, {0}, {1}, {1}})
	pb := f32([][]float64{{0.9}, {0.2}, {0.4}, {0.7}})
	for _, c := range []struct {
		m    Metric
		y, p *tensor.Tensor
	}{
		{NewSparseCategoricalAccuracy(), y, p},
		{NewSparseCategoricalCrossentropy(), y, p},
		{NewBinaryAccuracy(0.5), yb, pb},
		{NewMeanSquaredError(), yb, pb},
		{NewAUC(200), yb, pb},
		{NewPrecision(0.5), yb, pb},
	} {
		_ = c.m.UpdateState(c.y, c.p, w)
		if n := testing.AllocsPerRun(20, func() { _ = c.m.UpdateState(c.y, c.p, w); _ = c.m.Result() }); n != 0 {
			t.Errorf("%s: %v allocations per update", c.m.Name(), n)
		}
	}
}

func TestGetClassNames(t *testing.T) {
	for cls, name := range map[string]string{"RootMeanSquaredError": "root_mean_squared_error", "F1Score": "f1_score",
		"FBetaScore": "fbeta_score", "R2Score": "r2_score", "LogCoshError": "logcosh", "SparseTopKCategoricalAccuracy": "sparse_top_k_categorical_accuracy", "AUC": "auc"} {
		m, err := Get(cls)
		if err != nil || m.Name() != name {
			t.Errorf("Get(%q) = %v, %v; want %s", cls, m, err, name)
		}
	}
}
