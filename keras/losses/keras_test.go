package losses

import (
	"math"
	"testing"

	"github.com/tensorgo/tensorgo/tensor"
	"github.com/tensorgo/tensorgo/tf"
)

// c32 is an eager float32 constant from nested slices of float64 (or a
// float64 scalar).
func c32(v any) *tf.Tensor {
	t := tensor.From(v)
	out := tensor.New(tensor.Float32, t.Shape()...)
	for i := 0; i < t.Size(); i++ {
		out.SetFloat(i, t.Float(i))
	}
	return tf.Constant(out)
}

func floats(t *tf.Tensor) []float64 {
	v := t.Value()
	out := make([]float64, v.Size())
	for i := range out {
		out[i] = v.Float(i)
	}
	return out
}

type kerasCase struct {
	src          string // where the numbers come from
	l            Loss
	yTrue, yPred *tf.Tensor
	sw           *tf.Tensor
	want         []float64
	tol          float64 // absolute
}

func runCases(t *testing.T, cases []kerasCase) {
	t.Helper()
	for _, c := range cases {
		got := floats(Compute(c.l, c.yTrue, c.yPred, c.sw))
		if len(got) != len(c.want) {
			t.Errorf("%s (%s): got %v, want %v", c.l.Name(), c.src, got, c.want)
			continue
		}
		for i := range got {
			if math.Abs(got[i]-c.want[i]) > c.tol {
				t.Errorf("%s (%s): got %v, want %v (±%g)", c.l.Name(), c.src, got, c.want, c.tol)
				break
			}
		}
	}
}

// Numbers quoted from Keras 3's docstrings (keras/src/losses/losses.py).
func TestKerasDocstringLosses(t *testing.T) {
	bceT := c32([][]float64{{0, 1}, {0, 0}})
	bceP := c32([][]float64{{-18.6, 0.51}, {2.94, -12.8}})
	cceT := c32([][]float64{{0, 1, 0}, {0, 0, 1}})
	cceP := c32([][]float64{{0.05, 0.95, 0}, {0.1, 0.8, 0.1}})
	w := c32([]float64{0.8, 0.2})
	w37 := c32([]float64{0.3, 0.7})
	diceT := c32([][][][]float64{{{{1}, {1}}, {{0}, {0}}}, {{{1}, {1}}, {{0}, {0}}}})
	diceP := c32([][][][]float64{{{{0}, {1}}, {{0}, {1}}}, {{{0.4}, {0}}, {{0}, {0.9}}}})
	runCases(t, []kerasCase{
		{"MeanSquaredError docstring", MeanSquaredError(), c32([]float64{1, 0, 1}), c32([]float64{0.9, 0.1, 0.8}), nil, []float64{0.02}, 1e-6},
		{"MeanAbsoluteError docstring", MeanAbsoluteError(), c32([]float64{1, 0.3, 1}), c32([]float64{1.9, 0.3, 1.8}), nil, []float64{0.5666667}, 1e-6},
		{"MeanAbsolutePercentageError docstring", MeanAbsolutePercentageError(), c32([]float64{100, 200, 300}), c32([]float64{90, 210, 310}), nil, []float64{6.111111}, 1e-5},
		{"huber docstring", Huber(1), c32([][]float64{{0, 1}, {0, 0}}), c32([][]float64{{0.6, 0.4}, {0.4, 0.6}}), nil, []float64{0.155}, 1e-3},
		{"log_cosh docstring", LogCosh(), c32([][]float64{{0, 1}, {0, 0}}), c32([][]float64{{1, 1}, {0, 0}}), nil, []float64{0.108}, 1e-3},
		{"cosine_similarity docstring", CosineSimilarity(WithReduction(NoReduction)), c32([][]float64{{0, 1}, {1, 1}, {1, 1}}), c32([][]float64{{1, 0}, {1, 1}, {-1, -1}}), nil, []float64{0, -0.99999994, 0.99999994}, 1e-6},
		{"BinaryCrossentropy docstring ex. 1", BinaryCrossentropy(true), c32([]float64{0, 1, 0, 0}), c32([]float64{-18.6, 0.51, 2.94, -12.8}), nil, []float64{0.8654}, 1e-4},
		{"BinaryCrossentropy docstring ex. 2", BinaryCrossentropy(true), bceT, bceP, nil, []float64{0.8654}, 1e-4},
		{"BinaryCrossentropy docstring sample_weight", BinaryCrossentropy(true), bceT, bceP, w, []float64{0.243}, 1e-3},
		{"BinaryCrossentropy docstring sum", BinaryCrossentropy(true, WithReduction(Sum)), bceT, bceP, nil, []float64{1.730}, 1e-3},
		{"BinaryCrossentropy docstring none", BinaryCrossentropy(true, WithReduction(NoReduction)), bceT, bceP, nil, []float64{0.235, 1.496}, 1e-3},
		{"binary_crossentropy docstring", BinaryCrossentropy(false, WithReduction(NoReduction)), c32([][]float64{{0, 1}, {0, 0}}), c32([][]float64{{0.6, 0.4}, {0.4, 0.6}}), nil, []float64{0.916, 0.714}, 1e-3},
		{"BinaryFocalCrossentropy docstring ex. 1", BinaryFocalCrossentropy(true, WithGamma(2)), c32([]float64{0, 1, 0, 0}), c32([]float64{-18.6, 0.51, 2.94, -12.8}), nil, []float64{0.691}, 1e-3},
		{"BinaryFocalCrossentropy docstring ex. 1 balanced", BinaryFocalCrossentropy(true, WithGamma(2), WithClassBalancing(true)), c32([]float64{0, 1, 0, 0}), c32([]float64{-18.6, 0.51, 2.94, -12.8}), nil, []float64{0.51}, 1e-2},
		{"BinaryFocalCrossentropy docstring ex. 2", BinaryFocalCrossentropy(true, WithGamma(3)), bceT, bceP, nil, []float64{0.647}, 1e-3},
		{"BinaryFocalCrossentropy docstring ex. 2 balanced", BinaryFocalCrossentropy(true, WithGamma(3), WithClassBalancing(true)), bceT, bceP, nil, []float64{0.482}, 1e-3},
		{"BinaryFocalCrossentropy docstring sample_weight", BinaryFocalCrossentropy(true, WithGamma(3)), bceT, bceP, w, []float64{0.133}, 1e-3},
		{"BinaryFocalCrossentropy docstring sample_weight balanced", BinaryFocalCrossentropy(true, WithGamma(3), WithClassBalancing(true)), bceT, bceP, w, []float64{0.097}, 1e-3},
		{"BinaryFocalCrossentropy docstring sum", BinaryFocalCrossentropy(true, WithGamma(4), WithReduction(Sum)), bceT, bceP, nil, []float64{1.222}, 1e-3},
		{"BinaryFocalCrossentropy docstring sum balanced", BinaryFocalCrossentropy(true, WithGamma(4), WithClassBalancing(true), WithReduction(Sum)), bceT, bceP, nil, []float64{0.914}, 1e-3},
		{"BinaryFocalCrossentropy docstring none", BinaryFocalCrossentropy(true, WithGamma(5), WithReduction(NoReduction)), bceT, bceP, nil, []float64{0.0017, 1.1561}, 1e-4},
		{"BinaryFocalCrossentropy docstring none balanced", BinaryFocalCrossentropy(true, WithGamma(5), WithClassBalancing(true), WithReduction(NoReduction)), bceT, bceP, nil, []float64{0.0004, 0.8670}, 1e-4},
		{"binary_focal_crossentropy docstring", BinaryFocalCrossentropy(false, WithGamma(2), WithReduction(NoReduction)), c32([][]float64{{0, 1}, {0, 0}}), c32([][]float64{{0.6, 0.4}, {0.4, 0.6}}), nil, []float64{0.330, 0.206}, 1e-3},
		{"CategoricalCrossentropy docstring", CategoricalCrossentropy(false), cceT, cceP, nil, []float64{1.177}, 1e-3},
		{"CategoricalCrossentropy docstring sample_weight", CategoricalCrossentropy(false), cceT, cceP, w37, []float64{0.814}, 1e-3},
		{"CategoricalCrossentropy docstring sum", CategoricalCrossentropy(false, WithReduction(Sum)), cceT, cceP, nil, []float64{2.354}, 1e-3},
		{"CategoricalCrossentropy docstring none", CategoricalCrossentropy(false, WithReduction(NoReduction)), cceT, cceP, nil, []float64{0.0513, 2.303}, 1e-3},
		{"CategoricalFocalCrossentropy docstring", CategoricalFocalCrossentropy(false), cceT, cceP, nil, []float64{0.23315276}, 1e-6},
		{"CategoricalFocalCrossentropy docstring sample_weight", CategoricalFocalCrossentropy(false), cceT, cceP, w37, []float64{0.1632}, 1e-4},
		{"CategoricalFocalCrossentropy docstring sum", CategoricalFocalCrossentropy(false, WithReduction(Sum)), cceT, cceP, nil, []float64{0.46631}, 1e-5},
		{"CategoricalFocalCrossentropy docstring none", CategoricalFocalCrossentropy(false, WithReduction(NoReduction)), cceT, cceP, nil, []float64{3.2058331e-05, 4.6627346e-01}, 1e-6},
		{"categorical_focal_crossentropy docstring", CategoricalFocalCrossentropy(false, WithReduction(NoReduction)), cceT, c32([][]float64{{0.05, 0.9, 0.05}, {0.1, 0.85, 0.05}}), nil, []float64{2.63401289e-04, 6.75912094e-01}, 1e-6},
		{"SparseCategoricalCrossentropy docstring", SparseCategoricalCrossentropy(false), c32([]float64{1, 2}), cceP, nil, []float64{1.177}, 1e-3},
		{"SparseCategoricalCrossentropy docstring sample_weight", SparseCategoricalCrossentropy(false), c32([]float64{1, 2}), cceP, w37, []float64{0.814}, 1e-3},
		{"SparseCategoricalCrossentropy docstring sum", SparseCategoricalCrossentropy(false, WithReduction(Sum)), c32([]float64{1, 2}), cceP, nil, []float64{2.354}, 1e-3},
		{"SparseCategoricalCrossentropy docstring none", SparseCategoricalCrossentropy(false, WithReduction(NoReduction)), c32([]float64{1, 2}), cceP, nil, []float64{0.0513, 2.303}, 1e-3},
		{"Dice docstring, axis (1,2,3)", Dice(WithAxis(1, 2, 3), WithReduction(NoReduction)), diceT, diceP, nil, []float64{0.5, 0.75757575}, 1e-6},
		{"Dice docstring, default axis", Dice(), diceT, diceP, nil, []float64{0.6164384}, 1e-6},
	})
}

// Numbers quoted from Keras 3's unit tests (keras/src/losses/losses_test.py).
func TestKerasUnitTestLosses(t *testing.T) {
	mseT := c32([][]float64{{1, 9, 2}, {-5, -2, 6}})
	mseP := c32([][]float64{{4, 8, 12}, {8, 1, 3}})
	w2 := c32([][]float64{{1.2}, {3.4}})
	tsT := c32([][][]float64{{{1}, {9}, {2}}, {{-5}, {-2}, {6}}})
	tsP := c32([][][]float64{{{4}, {8}, {12}}, {{8}, {1}, {3}}})
	tsW := c32([][]float64{{3, 6, 5}, {0, 4, 2}})
	hT := c32([][]float64{{0, 1}, {0, 0}})
	hP := c32([][]float64{{0.6, 0.4}, {0.4, 0.6}})
	hw := c32([]float64{1, 0})
	sT := c32([]float64{0, 1, 2})
	sP := c32([][]float64{{0.9, 0.05, 0.05}, {0.5, 0.89, 0.6}, {0.05, 0.01, 0.94}})
	sLogits := c32([][]float64{{8, 1, 1}, {0, 9, 1}, {2, 3, 5}})
	bfT := c32([][]float64{{1, 0}, {1, 0}})
	bfP := c32([][]float64{{0.9, 0.8}, {0.7, 0.2}})
	klT := c32([][]float64{{0.5, 0.8, 0.12}, {0.7, 0.43, 0.8}})
	klP := c32([][]float64{{0.4, 0.9, 0.12}, {0.36, 0.3, 0.4}})
	segT := c32([][]float64{{1, 0, 1, 0}, {0, 1, 0, 1}, {1, 0, 1, 0}, {0, 1, 0, 1}})
	segP := c32([][]float64{{0, 1, 0, 1}, {1, 0, 1, 1}, {0, 1, 0, 1}, {1, 0, 1, 1}})
	runCases(t, []kerasCase{
		{"MeanSquaredErrorTest.test_unweighted", MeanSquaredError(), mseT, mseP, nil, []float64{49.5}, 1e-4},
		{"MeanSquaredErrorTest.test_scalar_weighted", MeanSquaredError(), mseT, mseP, c32(2.3), []float64{113.85}, 1e-3},
		{"MeanSquaredErrorTest.test_sample_weighted", MeanSquaredError(), mseT, mseP, w2, []float64{767.8 / 6}, 1e-3},
		{"MeanSquaredErrorTest.test_timestep_weighted", MeanSquaredError(), tsT, tsP, tsW, []float64{97.833336}, 1e-3},
		{"MeanSquaredErrorTest.test_zero_weighted", MeanSquaredError(), mseT, mseP, c32(0.0), []float64{0}, 0},
		{"MeanSquaredErrorTest.test_no_reduction", MeanSquaredError(WithReduction(NoReduction)), mseT, mseP, c32(2.3), []float64{84.3333, 143.3666}, 1e-3},
		{"MeanSquaredErrorTest.test_sum_reduction", MeanSquaredError(WithReduction(Sum)), mseT, mseP, c32(2.3), []float64{227.69998}, 1e-3},
		{"MeanSquaredErrorTest.test_mean_with_sample_weight_reduction", MeanSquaredError(WithReduction(MeanWithSampleWeight)), mseT, mseP, w2, []float64{(110.0/3*1.2 + 187.0/3*3.4) / (1.2 + 3.4)}, 1e-3},
		{"HingeTest.test_unweighted", Hinge(), hT, hP, nil, []float64{1.3}, 1e-3},
		{"HingeTest.test_unweighted sum", Hinge(WithReduction(Sum)), hT, hP, nil, []float64{2.6}, 1e-3},
		{"HingeTest.test_unweighted none", Hinge(WithReduction(NoReduction)), hT, hP, nil, []float64{1.1, 1.5}, 1e-5},
		{"HingeTest.test_weighted", Hinge(), hT, hP, hw, []float64{0.55}, 1e-3},
		{"HingeTest.test_weighted none", Hinge(WithReduction(NoReduction)), hT, hP, hw, []float64{1.1, 0}, 1e-5},
		{"CategoricalHingeTest.test_unweighted", CategoricalHinge(), hT, hP, nil, []float64{1.4}, 1e-3},
		{"CategoricalHingeTest.test_unweighted none", CategoricalHinge(WithReduction(NoReduction)), hT, hP, nil, []float64{1.2, 1.6}, 1e-5},
		{"CategoricalHingeTest.test_weighted sum", CategoricalHinge(WithReduction(Sum)), hT, hP, hw, []float64{1.2}, 1e-3},
		{"BinaryCrossentropyTest.test_unweighted", BinaryCrossentropy(false), c32([][]float64{{1, 0, 0}, {0, 1, 0}, {0, 0, 1}}), c32([][]float64{{0.9, 0.1, 0.2}, {0.3, 0.8, 0.1}, {0.1, 0.2, 0.7}}), nil, []float64{0.20046903}, 1e-5},
		{"BinaryCrossentropyTest.test_unweighted 2", BinaryCrossentropy(false), bfT, c32([][]float64{{1, 1}, {1, 0}}), nil, []float64{3.98559}, 1e-4},
		{"BinaryCrossentropyTest.test_scalar_weighted", BinaryCrossentropy(false), bfT, c32([][]float64{{1, 1}, {1, 0}}), c32(2.3), []float64{9.1668}, 1e-3},
		{"BinaryCrossentropyTest.test_sample_weighted", BinaryCrossentropy(false), bfT, c32([][]float64{{1, 1}, {1, 0}}), w2, []float64{4.7827}, 1e-3},
		{"BinaryCrossentropyTest.test_sample_weighted logits", BinaryCrossentropy(true), c32([][]float64{{1, 0, 1}, {0, 1, 1}}), c32([][]float64{{10, -10, 10}, {10, 10, -10}}), c32([]float64{4, 3}), []float64{10}, 1e-3},
		{"BinaryCrossentropyTest.test_label_smoothing", BinaryCrossentropy(true, WithLabelSmoothing(0.1)), c32([][]float64{{1, 0, 1}}), c32([][]float64{{10, -10, -10}}), nil, []float64{(10 + 5*0.1) / 3}, 1e-4},
		{"CategoricalCrossentropyTest.test_label_smoothing", CategoricalCrossentropy(true, WithLabelSmoothing(0.1)), c32([][]float64{{1, 0, 0}}), c32([][]float64{{100, -100, -100}}), nil, []float64{400 * 0.1 / 3}, 1e-3},
		{"SparseCategoricalCrossentropyTest.test_unweighted", SparseCategoricalCrossentropy(false), sT, sP, nil, []float64{0.3239}, 1e-3},
		{"SparseCategoricalCrossentropyTest.test_unweighted logits", SparseCategoricalCrossentropy(true), sT, sLogits, nil, []float64{0.0573}, 1e-3},
		{"SparseCategoricalCrossentropyTest.test_scalar_weighted", SparseCategoricalCrossentropy(false), c32([][]float64{{0}, {1}, {2}}), sP, c32(2.3), []float64{0.7449}, 1e-3},
		{"SparseCategoricalCrossentropyTest.test_sample_weighted", SparseCategoricalCrossentropy(false), c32([][]float64{{0}, {1}, {2}}), sP, c32([][]float64{{1.2}, {3.4}, {5.6}}), []float64{1.0696}, 1e-3},
		{"SparseCategoricalCrossentropyTest.test_sample_weighted logits", SparseCategoricalCrossentropy(true), c32([][]float64{{0}, {1}, {2}}), sLogits, c32([][]float64{{1.2}, {3.4}, {5.6}}), []float64{0.31829}, 1e-3},
		{"SparseCategoricalCrossentropyTest.test_no_reduction", SparseCategoricalCrossentropy(true, WithReduction(NoReduction)), c32([][]float64{{0}, {1}, {2}}), sLogits, nil, []float64{0.001822, 0.000459, 0.169846}, 1e-5},
		{"SparseCategoricalCrossentropyTest.test_ignore_class", SparseCategoricalCrossentropy(true, WithIgnoreClass(-1), WithReduction(NoReduction)), c32([][]float64{{-1, 2}}), c32([][][]float64{{{0.854, 0.698, 0.598}, {0.088, 0.86, 0.018}}}), nil, []float64{0, 1.480129}, 1e-5},
		{"SparseCategoricalCrossentropyTest.test_ignore_class (labels with a class axis)", SparseCategoricalCrossentropy(true, WithIgnoreClass(-1), WithReduction(NoReduction)), c32([][][]float64{{{-1}, {2}}}), c32([][][]float64{{{0.854, 0.698, 0.598}, {0.088, 0.86, 0.018}}}), nil, []float64{0, 1.480129}, 1e-5},
		{"BinaryFocalCrossentropyTest.test_unweighted", BinaryFocalCrossentropy(false, WithGamma(2)), bfT, bfP, nil, []float64{0.268}, 1e-3},
		{"BinaryFocalCrossentropyTest.test_unweighted logits", BinaryFocalCrossentropy(true, WithGamma(3)), c32([][]float64{{1, 1, 0}, {0, 1, 0}}), c32([][]float64{{1.5, -2.7, 2.9}, {-3.8, 1.2, -4.5}}), nil, []float64{0.799}, 1e-3},
		{"BinaryFocalCrossentropyTest.test_scalar_weighted", BinaryFocalCrossentropy(false, WithGamma(2)), bfT, bfP, c32(1.23), []float64{0.3296}, 1e-3},
		{"BinaryFocalCrossentropyTest.test_sample_weighted", BinaryFocalCrossentropy(false, WithGamma(2)), bfT, bfP, w2, []float64{0.34415}, 1e-3},
		{"BinaryFocalCrossentropyTest.test_no_reduction", BinaryFocalCrossentropy(false, WithGamma(2), WithReduction(NoReduction)), bfT, bfP, nil, []float64{0.515547, 0.020513}, 1e-5},
		{"CategoricalFocalCrossentropyTest.test_label_smoothing", CategoricalFocalCrossentropy(true, WithLabelSmoothing(0.1)), c32([][]float64{{1, 0, 0}}), c32([][]float64{{4.9, -0.5, 2.05}}), nil, []float64{0.06685}, 1e-3},
		{"DiceTest.test_correctness", Dice(), c32([][]float64{{1, 2}, {1, 2}}), c32([][]float64{{4, 1}, {6, 1}}), nil, []float64{-0.55555546}, 1e-5},
		{"DiceTest.test_binary_segmentation", Dice(), segT, segP, nil, []float64{0.77777773}, 1e-5},
		{"TverskyTest.test_correctness", Tversky(), c32([][]float64{{1, 2}, {1, 2}}), c32([][]float64{{4, 1}, {6, 1}}), nil, []float64{-0.55555558}, 1e-5},
		{"TverskyTest.test_correctness_custom_coefficients", Tversky(WithAlpha(0.2), WithBeta(0.8)), c32([][]float64{{1, 2}, {1, 2}}), c32([][]float64{{4, 1}, {6, 1}}), nil, []float64{-0.94444442}, 1e-5},
		{"TverskyTest.test_binary_segmentation", Tversky(), segT, segP, nil, []float64{0.77777779}, 1e-5},
		{"TverskyTest.test_binary_segmentation_custom_coefficients", Tversky(WithAlpha(0.2), WithBeta(0.8)), segT, segP, nil, []float64{0.76190472}, 1e-5},
		{"TverskyTest.test_binary_segmentation_custom_coefficients_with_axis", Tversky(WithAlpha(0.2), WithBeta(0.8), WithAxis(1, 2, 3), WithReduction(NoReduction)),
			c32([][][][]float64{{{{1}, {1}}, {{0}, {0}}}, {{{1}, {1}}, {{0}, {0}}}}), c32([][][][]float64{{{{0}, {1}}, {{0}, {1}}}, {{{0.4}, {0}}, {{0}, {0.9}}}}), nil, []float64{0.5, 0.78494626}, 1e-5},
		{"KLDivergenceTest.test_sample_weighted", KLDivergence(), klT, klP, w2, []float64{kldWeighted()}, 1e-5},
	})
}

// kldWeighted is Keras's KLDivergenceTest.test_sample_weighted expectation
// computed by a direct loop: sum(w_i·y·log(y/p)) / batch.
func kldWeighted() float64 {
	y := [][]float64{{0.5, 0.8, 0.12}, {0.7, 0.43, 0.8}}
	p := [][]float64{{0.4, 0.9, 0.12}, {0.36, 0.3, 0.4}}
	w := []float64{1.2, 3.4}
	var s float64
	for i := range y {
		for j := range y[i] {
			s += w[i] * y[i][j] * math.Log(y[i][j]/p[i][j])
		}
	}
	return s / 2
}
