package metrics

import (
	"math"
	"testing"

	"github.com/tensorgo/tensorgo/tensor"
)

// f32 is a float32 tensor from nested slices of float64 (or a scalar).
func f32(v any) *tensor.Tensor {
	t := tensor.From(v)
	out := tensor.New(tensor.Float32, t.Shape()...)
	for i := 0; i < t.Size(); i++ {
		out.SetFloat(i, t.Float(i))
	}
	return out
}

type kcase struct {
	src          string // where the numbers come from
	m            Metric
	yTrue, yPred *tensor.Tensor
	sw           *tensor.Tensor
	want         float64
	tol          float64
}

func runKeras(t *testing.T, cases []kcase) {
	t.Helper()
	for _, c := range cases {
		c.m.ResetState()
		if err := c.m.UpdateState(c.yTrue, c.yPred, c.sw); err != nil {
			t.Errorf("%s: %v", c.src, err)
			continue
		}
		if got := c.m.Result(); math.Abs(got-c.want) > c.tol || math.IsNaN(got) {
			t.Errorf("%s: %s = %v, want %v (±%g)", c.src, c.m.Name(), got, c.want, c.tol)
		}
	}
}

// Numbers quoted from Keras 3's docstrings (keras/src/metrics/*.py).
func TestKerasDocstringMetrics(t *testing.T) {
	r01 := f32([][]float64{{0, 1}, {0, 0}})
	r11 := f32([][]float64{{1, 1}, {0, 0}})
	p64 := f32([][]float64{{0.6, 0.4}, {0.4, 0.6}})
	w10 := f32([]float64{1, 0})
	cceT := f32([][]float64{{0, 1, 0}, {0, 0, 1}})
	cceP := f32([][]float64{{0.05, 0.95, 0}, {0.1, 0.8, 0.1}})
	w37 := f32([]float64{0.3, 0.7})
	catT := f32([][]float64{{0, 0, 1}, {0, 1, 0}})
	catP := f32([][]float64{{0.1, 0.9, 0.8}, {0.05, 0.95, 0}})
	w73 := f32([]float64{0.7, 0.3})
	ssT := f32([]float64{0, 0, 0, 1, 1})
	ssP := f32([]float64{0, 0.3, 0.8, 0.3, 0.8})
	aucT := f32([]float64{0, 0, 1, 1})
	aucP := f32([]float64{0, 0.5, 0.3, 0.9})
	runKeras(t, []kcase{
		{"Accuracy docstring", NewAccuracy(), f32([][]float64{{1}, {2}, {3}, {4}}), f32([][]float64{{0}, {2}, {3}, {4}}), nil, 0.75, 1e-6},
		{"Accuracy docstring weighted", NewAccuracy(), f32([][]float64{{1}, {2}, {3}, {4}}), f32([][]float64{{0}, {2}, {3}, {4}}), f32([]float64{1, 1, 0, 0}), 0.5, 1e-6},
		{"BinaryAccuracy docstring", NewBinaryAccuracy(0.5), f32([][]float64{{1}, {1}, {0}, {0}}), f32([][]float64{{0.98}, {1}, {0}, {0.6}}), nil, 0.75, 1e-6},
		{"BinaryAccuracy docstring weighted", NewBinaryAccuracy(0.5), f32([][]float64{{1}, {1}, {0}, {0}}), f32([][]float64{{0.98}, {1}, {0}, {0.6}}), f32([]float64{1, 0, 0, 1}), 0.5, 1e-6},
		{"CategoricalAccuracy docstring", NewCategoricalAccuracy(), catT, catP, nil, 0.5, 1e-6},
		{"CategoricalAccuracy docstring weighted", NewCategoricalAccuracy(), catT, catP, w73, 0.3, 1e-6},
		{"SparseCategoricalAccuracy docstring", NewSparseCategoricalAccuracy(), f32([][]float64{{2}, {1}}), f32([][]float64{{0.1, 0.6, 0.3}, {0.05, 0.95, 0}}), nil, 0.5, 1e-6},
		{"SparseCategoricalAccuracy docstring weighted", NewSparseCategoricalAccuracy(), f32([][]float64{{2}, {1}}), f32([][]float64{{0.1, 0.6, 0.3}, {0.05, 0.95, 0}}), w73, 0.3, 1e-6},
		{"TopKCategoricalAccuracy docstring weighted", NewTopKCategoricalAccuracy(1), catT, catP, w73, 0.3, 1e-6},
		{"SparseTopKCategoricalAccuracy docstring weighted", NewSparseTopKCategoricalAccuracy(1), f32([]float64{2, 1}), catP, w73, 0.3, 1e-6},
		{"MeanSquaredError docstring", NewMeanSquaredError(), r01, r11, nil, 0.25, 1e-6},
		{"MeanAbsoluteError docstring weighted", NewMeanAbsoluteError(), r01, r11, w10, 0.5, 1e-6},
		{"MeanAbsolutePercentageError docstring", NewMeanAbsolutePercentageError(), r01, r11, nil, 250000000.0, 1},
		{"MeanAbsolutePercentageError docstring weighted", NewMeanAbsolutePercentageError(), r01, r11, w10, 500000000.0, 1},
		{"MeanSquaredLogarithmicError docstring", NewMeanSquaredLogarithmicError(), r01, r11, nil, 0.12011322, 1e-6},
		{"MeanSquaredLogarithmicError docstring weighted", NewMeanSquaredLogarithmicError(), r01, r11, w10, 0.24022643, 1e-6},
		{"RootMeanSquaredError docstring", NewRootMeanSquaredError(), r01, r11, nil, 0.5, 1e-6},
		{"RootMeanSquaredError docstring weighted", NewRootMeanSquaredError(), r01, r11, w10, 0.70710677, 1e-6},
		{"LogCoshError docstring", NewLogCoshError(), r01, r11, nil, 0.10844523, 1e-6},
		{"LogCoshError docstring weighted", NewLogCoshError(), r01, r11, w10, 0.21689045, 1e-6},
		{"CosineSimilarity docstring", NewCosineSimilarity(), f32([][]float64{{0, 1}, {1, 1}}), f32([][]float64{{1, 0}, {1, 1}}), nil, 0.49999997, 1e-6},
		{"CosineSimilarity docstring weighted", NewCosineSimilarity(), f32([][]float64{{0, 1}, {1, 1}}), f32([][]float64{{1, 0}, {1, 1}}), w37, 0.6999999, 1e-6},
		{"KLDivergence docstring", NewKLDivergence(), r01, p64, nil, 0.45814306, 1e-6},
		{"KLDivergence docstring weighted", NewKLDivergence(), r01, p64, w10, 0.9162892, 1e-6},
		{"Poisson docstring", NewPoisson(), r01, r11, nil, 0.49999997, 1e-6},
		{"Poisson docstring weighted", NewPoisson(), r01, r11, w10, 0.99999994, 1e-6},
		{"BinaryCrossentropy docstring", NewBinaryCrossentropy(), r01, p64, nil, 0.81492424, 1e-5},
		{"BinaryCrossentropy docstring weighted", NewBinaryCrossentropy(), r01, p64, w10, 0.9162905, 1e-5},
		{"CategoricalCrossentropy docstring", NewCategoricalCrossentropy(), cceT, cceP, nil, 1.1769392, 1e-5},
		{"CategoricalCrossentropy docstring weighted", NewCategoricalCrossentropy(), cceT, cceP, w37, 1.6271976, 1e-5},
		{"SparseCategoricalCrossentropy docstring", NewSparseCategoricalCrossentropy(), f32([]float64{1, 2}), cceP, nil, 1.1769392, 1e-5},
		{"SparseCategoricalCrossentropy docstring weighted", NewSparseCategoricalCrossentropy(), f32([]float64{1, 2}), cceP, w37, 1.6271976, 1e-5},
		{"FalsePositives docstring", NewFalsePositives(), f32([]float64{0, 1, 0, 0}), f32([]float64{0, 0, 1, 1}), nil, 2, 0},
		{"FalsePositives docstring weighted", NewFalsePositives(), f32([]float64{0, 1, 0, 0}), f32([]float64{0, 0, 1, 1}), f32([]float64{0, 0, 1, 0}), 1, 0},
		{"FalseNegatives docstring", NewFalseNegatives(), f32([]float64{0, 1, 1, 1}), f32([]float64{0, 1, 0, 0}), nil, 2, 0},
		{"FalseNegatives docstring weighted", NewFalseNegatives(), f32([]float64{0, 1, 1, 1}), f32([]float64{0, 1, 0, 0}), f32([]float64{0, 0, 1, 0}), 1, 0},
		{"TrueNegatives docstring", NewTrueNegatives(), f32([]float64{0, 1, 0, 0}), f32([]float64{1, 1, 0, 0}), nil, 2, 0},
		{"TrueNegatives docstring weighted", NewTrueNegatives(), f32([]float64{0, 1, 0, 0}), f32([]float64{1, 1, 0, 0}), f32([]float64{0, 0, 1, 0}), 1, 0},
		{"TruePositives docstring", NewTruePositives(), f32([]float64{0, 1, 1, 1}), f32([]float64{1, 0, 1, 1}), nil, 2, 0},
		{"TruePositives docstring weighted", NewTruePositives(), f32([]float64{0, 1, 1, 1}), f32([]float64{1, 0, 1, 1}), f32([]float64{0, 0, 1, 0}), 1, 0},
		{"Precision docstring", NewPrecision(0.5), f32([]float64{0, 1, 1, 1}), f32([]float64{1, 0, 1, 1}), nil, 0.6666667, 1e-6},
		{"Precision docstring weighted", NewPrecision(0.5), f32([]float64{0, 1, 1, 1}), f32([]float64{1, 0, 1, 1}), f32([]float64{0, 0, 1, 0}), 1, 1e-6},
		{"Precision docstring top_k=2", NewPrecision(TopKThreshold, WithTopK(2)), f32([]float64{0, 0, 1, 1}), f32([]float64{1, 1, 1, 1}), nil, 0, 1e-6},
		{"Precision docstring top_k=4", NewPrecision(TopKThreshold, WithTopK(4)), f32([]float64{0, 0, 1, 1}), f32([]float64{1, 1, 1, 1}), nil, 0.5, 1e-6},
		{"Recall docstring", NewRecall(0.5), f32([]float64{0, 1, 1, 1}), f32([]float64{1, 0, 1, 1}), nil, 0.6666667, 1e-6},
		{"Recall docstring weighted", NewRecall(0.5), f32([]float64{0, 1, 1, 1}), f32([]float64{1, 0, 1, 1}), f32([]float64{0, 0, 1, 0}), 1, 1e-6},
		{"SensitivityAtSpecificity docstring", NewSensitivityAtSpecificity(0.5), ssT, ssP, nil, 0.5, 1e-6},
		{"SensitivityAtSpecificity docstring weighted", NewSensitivityAtSpecificity(0.5), ssT, ssP, f32([]float64{1, 1, 2, 2, 1}), 0.333333, 1e-6},
		{"SpecificityAtSensitivity docstring", NewSpecificityAtSensitivity(0.5), ssT, ssP, nil, 0.66666667, 1e-6},
		{"SpecificityAtSensitivity docstring weighted", NewSpecificityAtSensitivity(0.5), ssT, ssP, f32([]float64{1, 1, 2, 2, 2}), 0.5, 1e-6},
		{"PrecisionAtRecall docstring", NewPrecisionAtRecall(0.5), ssT, ssP, nil, 0.5, 1e-6},
		{"PrecisionAtRecall docstring weighted", NewPrecisionAtRecall(0.5), ssT, ssP, f32([]float64{2, 2, 2, 1, 1}), 0.33333333, 1e-6},
		{"RecallAtPrecision docstring", NewRecallAtPrecision(0.8), aucT, aucP, nil, 0.5, 1e-6},
		{"RecallAtPrecision docstring weighted", NewRecallAtPrecision(0.8), aucT, aucP, f32([]float64{1, 0, 0, 1}), 1, 1e-6},
		{"AUC docstring", NewAUC(3), aucT, aucP, nil, 0.75, 1e-6},
		{"AUC docstring weighted", NewAUC(3), aucT, aucP, f32([]float64{1, 0, 0, 1}), 1, 1e-6},
		{"F1Score docstring (mean of [0.5, 0.8, 0.6666667])", NewF1Score(WithThreshold(0.5)), fsT, fsP, nil, (0.5 + 0.8 + 0.6666667) / 3, 1e-6},
		{"FBetaScore docstring (mean of [0.3846154, 0.90909094, 0.8333334])", NewFBetaScore(2, WithThreshold(0.5)), fsT, fsP, nil, (0.3846154 + 0.90909094 + 0.8333334) / 3, 1e-6},
		{"R2Score docstring", NewR2Score(), f32([][]float64{{1}, {4}, {3}}), f32([][]float64{{2}, {4}, {4}}), nil, 0.57142854, 1e-6},
		{"Hinge docstring", NewHinge(), r01, p64, nil, 1.3, 1e-6},
		{"Hinge docstring weighted", NewHinge(), r01, p64, w10, 1.1, 1e-6},
		{"SquaredHinge docstring", NewSquaredHinge(), r01, p64, nil, 1.86, 1e-6},
		{"SquaredHinge docstring weighted", NewSquaredHinge(), r01, p64, w10, 1.46, 1e-6},
		{"CategoricalHinge docstring", NewCategoricalHinge(), r01, p64, nil, 1.4000001, 1e-6},
		{"CategoricalHinge docstring weighted", NewCategoricalHinge(), r01, p64, w10, 1.2, 1e-6},
		{"MeanIoU docstring", NewMeanIoU(2), f32([]float64{0, 0, 1, 1}), f32([]float64{0, 1, 0, 1}), nil, 0.33333334, 1e-6},
		{"MeanIoU docstring weighted", NewMeanIoU(2), f32([]float64{0, 0, 1, 1}), f32([]float64{0, 1, 0, 1}), f32([]float64{0.3, 0.3, 0.3, 0.1}), 0.23809525, 1e-6},
	})
}

var (
	fsT = f32([][]float64{{1, 1, 1}, {1, 0, 0}, {1, 1, 0}})
	fsP = f32([][]float64{{0.2, 0.6, 0.7}, {0.2, 0.6, 0.6}, {0.6, 0.8, 0.0}})
)

func TestFScorePerClass(t *testing.T) {
	// Keras 3 docstrings: F1Score(threshold=0.5) -> [0.5, 0.8, 0.6666667];
	// FBetaScore(beta=2.0, threshold=0.5) -> [0.3846154, 0.90909094, 0.8333334].
	for _, c := range []struct {
		m    *FBetaScore
		want []float64
	}{
		{NewF1Score(WithThreshold(0.5)), []float64{0.5, 0.8, 0.6666667}},
		{NewFBetaScore(2, WithThreshold(0.5)), []float64{0.3846154, 0.90909094, 0.8333334}},
	} {
		if err := c.m.UpdateState(fsT, fsP, nil); err != nil {
			t.Fatal(err)
		}
		got := c.m.Results()
		for i := range c.want {
			if math.Abs(got[i]-c.want[i]) > 1e-6 {
				t.Errorf("%s per class = %v, want %v", c.m.Name(), got, c.want)
				break
			}
		}
	}
}

// Numbers quoted from Keras 3's unit tests (keras/src/metrics/*_test.py).
func TestKerasUnitTestMetrics(t *testing.T) {
	aucT := f32([]float64{0, 0, 1, 1})
	aucP := f32([]float64{0, 0.5, 0.3, 0.9})
	aucW := f32([]float64{1, 2, 3, 4})
	mlP := f32([][]float64{{0, 0.1}, {0.5, 0.2}, {0.3, 0.3}, {0.9, 0.4}})
	mlGood := f32([][]float64{{0, 0}, {0, 0}, {1, 1}, {1, 1}})
	logit := func(p *tensor.Tensor) *tensor.Tensor {
		out := tensor.New(tensor.Float32, p.Shape()...)
		for i := 0; i < p.Size(); i++ {
			out.SetFloat(i, -math.Log(1/(p.Float(i)+1e-12)-1))
		}
		return out
	}
	fpT := f32([][]float64{{0, 1, 0, 1, 0}, {0, 0, 1, 1, 1}, {1, 1, 1, 1, 0}, {0, 0, 0, 0, 1}})
	fpP := f32([][]float64{{0, 0, 1, 1, 0}, {1, 1, 1, 1, 1}, {0, 1, 0, 1, 0}, {1, 1, 1, 1, 1}})
	runKeras(t, []kcase{
		{"AccuracyTest.test_weighted_nd_weights", NewAccuracy(), f32([][]float64{{1, 2}, {3, 4}}), f32([][]float64{{0, 2}, {3, 4}}), f32([][]float64{{1, 0}, {0, 1}}), 0.5, 1e-6},
		{"AccuracyTest.test_weighted_nd_broadcast_weights", NewAccuracy(), f32([][]float64{{1, 2}, {3, 4}}), f32([][]float64{{0, 2}, {3, 4}}), f32([][]float64{{1, 0}}), 0.5, 1e-6},
		{"BinaryAccuracyTest.test_weighted_nd_weights", NewBinaryAccuracy(0.5), f32([][]float64{{1, 1}, {0, 0}}), f32([][]float64{{0.98, 1}, {0, 0.6}}), f32([][]float64{{1, 0}, {0, 1}}), 0.5, 1e-6},
		{"BinaryAccuracyTest.test_weighted_nd_broadcast_weights", NewBinaryAccuracy(0.5), f32([][]float64{{1, 1}, {0, 0}}), f32([][]float64{{0.98, 1}, {0, 0.6}}), f32([][]float64{{1, 0}}), 1, 1e-6},
		{"BinaryAccuracyTest.test_unweighted broadcasting", NewBinaryAccuracy(0.5), f32([]float64{1, 1, 0, 0}), f32([][]float64{{0.98}, {1}, {0}, {0.6}}), nil, 0.75, 1e-6},
		{"FalsePositivesTest.test_unweighted", NewFalsePositives(), fpT, fpP, nil, 7, 0},
		{"FalsePositivesTest.test_weighted", NewFalsePositives(), fpT, fpP, f32([]float64{1, 1.5, 2, 2.5}), 14, 1e-6},
		{"PrecisionTest.test_weighted (per element)", NewPrecision(0.5), f32([][]float64{{0, 1, 1, 0}, {1, 0, 0, 1}}), f32([][]float64{{1, 0, 1, 0}, {1, 0, 1, 0}}), f32([][]float64{{1, 2, 3, 4}, {4, 3, 2, 1}}), 7.0 / 10, 1e-6},
		{"PrecisionTest.test_unweighted_top_k", NewPrecision(TopKThreshold, WithTopK(3)), f32([]float64{0, 1, 1, 0, 0}), f32([]float64{0.2, 0.1, 0.5, 0, 0.2}), nil, 1.0 / 3, 1e-6},
		{"PrecisionTest.test_unweighted_class_id_multiclass", NewPrecision(0.5, WithClassID(1)),
			f32([][]float64{{0, 0, 1}, {1, 0, 0}, {0, 1, 0}, {1, 0, 0}, {0, 0, 1}}), f32([][]float64{{0.1, 0.2, 0.7}, {0.5, 0.3, 0.2}, {0.2, 0.6, 0.2}, {0.7, 0.2, 0.1}, {0.1, 0.1, 0.8}}), nil, 1, 1e-6},
		{"PrecisionTest.test_unweighted_top_k_and_threshold", NewPrecision(0.7, WithTopK(2)), f32([]float64{0, 1, 1, 0, 1}), f32([]float64{0.2, 0.8, 0.6, 0, 0.2}), nil, 1, 1e-6},
		{"AUCTest.test_unweighted", NewAUC(3), aucT, aucP, nil, 0.75, 1e-3},
		{"AUCTest.test_unweighted_from_logits", NewAUC(3, WithFromLogits(true)), aucT, logit(aucP), nil, 0.75, 1e-3},
		{"AUCTest.test_manual_thresholds", NewAUC(2, WithThresholds(0.5)), aucT, aucP, nil, 0.75, 1e-3},
		{"AUCTest.test_weighted_roc_interpolation", NewAUC(3), aucT, aucP, aucW, 0.7855, 1e-3},
		{"AUCTest.test_weighted_roc_majoring", NewAUC(3, WithSummationMethod("majoring")), aucT, aucP, aucW, 1, 1e-3},
		{"AUCTest.test_weighted_roc_minoring", NewAUC(3, WithSummationMethod("minoring")), aucT, aucP, aucW, 0.571, 1e-3},
		{"AUCTest.test_weighted_pr_majoring", NewAUC(3, WithCurve("PR"), WithSummationMethod("majoring")), aucT, aucP, aucW, 0.429 + 0.571, 1e-3},
		{"AUCTest.test_weighted_pr_minoring", NewAUC(3, WithCurve("PR"), WithSummationMethod("minoring")), aucT, aucP, aucW, 0.7 * 0.429, 1e-3},
		{"AUCTest.test_weighted_pr_interpolation", NewAUC(3, WithCurve("PR")), aucT, aucP, aucW, 2.416/7 + 4.0/7, 1e-3},
		{"MultiAUCTest.test_unweighted", NewAUC(5, WithMultiLabel(true)), mlGood, mlP, nil, (0.875 + 1.0) / 2, 1e-3},
		{"MultiAUCTest.test_unweighted_from_logits", NewAUC(5, WithMultiLabel(true), WithFromLogits(true)), mlGood, logit(mlP), nil, (0.875 + 1.0) / 2, 1e-3},
		{"MultiAUCTest.test_sample_weight_flat", NewAUC(5), mlGood, mlP, aucW, 1 - 0.3333*(1-0.2857)/2, 1e-3},
		{"MultiAUCTest.test_full_sample_weight_flat", NewAUC(5), mlGood, mlP, f32([][]float64{{0, 1}, {2, 3}, {4, 5}, {6, 7}}), 1 - 0.3333*(1-0.2727)/2, 1e-3},
		{"MultiAUCTest.test_label_weights", NewAUC(5, WithMultiLabel(true), WithLabelWeights(0.75, 0.25)), mlGood, mlP, nil, (0.875*0.75 + 1.0*0.25) / (0.75 + 0.25), 1e-3},
		{"MultiAUCTest.test_label_weights_flat", NewAUC(5, WithLabelWeights(0.75, 0.25)), mlGood, mlP, nil, 1 - (1-0.375)*0.375/2, 1e-2},
		{"MultiAUCTest.test_unweighted_flat", NewAUC(5), mlGood, mlP, nil, 1 - 3.0/32, 1e-3},
		{"MultiAUCTest.test_unweighted_all_correct", NewAUC(200, WithMultiLabel(true)), mlGood, mlGood, nil, 1, 1e-6},
	})
}
