// Package metrics holds Keras 3's metrics as stateful objects: each one
// accumulates over the batches of an epoch (UpdateState), reports its value
// (Result) and starts again (ResetState). Metrics run on the host on the
// values a compiled step fetches, so they add no ops to the training graph,
// and an update allocates nothing once its buffers have grown.
//
// The families: accuracies (exact, binary, categorical, sparse, top-k);
// regression errors (MSE, MAE, MAPE, MSLE, RMSE, log-cosh, cosine
// similarity, R²); probabilistic ones (KL divergence, Poisson, binary,
// categorical and sparse categorical cross-entropy); confusion-matrix
// metrics (true/false positives/negatives, precision and recall with
// thresholds, top_k and class_id, AUC over ROC or PR curves, the
// sensitivity/specificity and precision/recall-at-constraint family);
// F-scores and mean IoU. Keras's arguments are options (WithThresholds,
// WithTopK, WithClassID, WithCurve, ...).
//
// Sample weights follow Keras: a scalar, one per sample ((batch,) or
// (batch, 1)) or, for the metrics whose values are per element (accuracy,
// binary accuracy, RMSE, the confusion-matrix metrics), one per element;
// values the weights do not cover are averaged per sample first.
//
// Names are the ones Keras prints in its progress bar and History
// ("accuracy", "sparse_categorical_accuracy", "precision", "auc", ...).
package metrics

import (
	"fmt"
	"strings"

	"github.com/tensorgo/tensorgo/tensor"
)

// Metric is a stateful quality measure.
type Metric interface {
	// Name is the key in logs and the progress bar.
	Name() string
	// UpdateState adds one batch. sampleWeight may be nil (all ones); it
	// has one weight per sample (the first dimension).
	UpdateState(yTrue, yPred, sampleWeight *tensor.Tensor) error
	// Result is the value over everything added since the last reset.
	Result() float64
	// ResetState forgets everything added.
	ResetState()
}

// Get returns a metric, with Keras's defaults, by its Keras name or alias
// (case-insensitive): "accuracy" ("acc"), "binary_accuracy",
// "categorical_accuracy", "sparse_categorical_accuracy",
// "top_k_categorical_accuracy", "sparse_top_k_categorical_accuracy",
// "mean_squared_error" ("mse"), "mean_absolute_error" ("mae"),
// "mean_absolute_percentage_error" ("mape"),
// "mean_squared_logarithmic_error" ("msle"), "root_mean_squared_error",
// "logcosh" ("log_cosh_error"), "kl_divergence" ("kld"), "poisson",
// "cosine_similarity", "binary_crossentropy", "categorical_crossentropy",
// "sparse_categorical_crossentropy", "precision", "recall", "auc",
// "true_positives", "false_positives", "true_negatives",
// "false_negatives", "f1_score", "fbeta_score", "r2_score", "hinge",
// "squared_hinge", "categorical_hinge". "accuracy" and
// "acc" need to know the loss: see ResolveAccuracy; here they mean
// exact-match Accuracy. Keras's class names work too
// ("RootMeanSquaredError", "F1Score").
func Get(name string) (Metric, error) {
	if m, ok := get(name, strings.ToLower(name)); ok {
		return m, nil
	}
	if canon, ok := classNames[strings.ReplaceAll(strings.ToLower(name), "_", "")]; ok {
		m, _ := get(canon, canon)
		return m, nil
	}
	return nil, fmt.Errorf("metrics: unknown metric %q (known: accuracy, binary_accuracy, categorical_accuracy, sparse_categorical_accuracy, top_k_categorical_accuracy, sparse_top_k_categorical_accuracy, mse, mae, mape, msle, root_mean_squared_error, logcosh, kl_divergence, poisson, cosine_similarity, binary_crossentropy, categorical_crossentropy, sparse_categorical_crossentropy, precision, recall, auc, true_positives, false_positives, true_negatives, false_negatives, f1_score, fbeta_score, r2_score, hinge, squared_hinge, categorical_hinge)", name)
}

// classNames maps Keras's metric class names, lower-cased, to metric names.
var classNames = map[string]string{
	"accuracy": "accuracy", "binaryaccuracy": "binary_accuracy", "categoricalaccuracy": "categorical_accuracy",
	"sparsecategoricalaccuracy": "sparse_categorical_accuracy", "topkcategoricalaccuracy": "top_k_categorical_accuracy",
	"sparsetopkcategoricalaccuracy": "sparse_top_k_categorical_accuracy", "meansquarederror": "mean_squared_error",
	"meanabsoluteerror": "mean_absolute_error", "meanabsolutepercentageerror": "mean_absolute_percentage_error",
	"meansquaredlogarithmicerror": "mean_squared_logarithmic_error", "rootmeansquarederror": "root_mean_squared_error",
	"logcosherror": "logcosh", "kldivergence": "kl_divergence", "poisson": "poisson", "cosinesimilarity": "cosine_similarity",
	"binarycrossentropy": "binary_crossentropy", "categoricalcrossentropy": "categorical_crossentropy",
	"sparsecategoricalcrossentropy": "sparse_categorical_crossentropy", "precision": "precision", "recall": "recall",
	"auc": "auc", "truepositives": "true_positives", "falsepositives": "false_positives", "truenegatives": "true_negatives",
	"falsenegatives": "false_negatives", "f1score": "f1_score", "fbetascore": "fbeta_score", "r2score": "r2_score",
	"hinge": "hinge", "squaredhinge": "squared_hinge", "categoricalhinge": "categorical_hinge",
}

// get returns the metric called lower (a lower-cased name), named as the
// user wrote it where Keras keeps that name.
func get(name, lower string) (Metric, bool) {
	switch lower {
	case "accuracy", "acc":
		return Named(name, NewAccuracy()), true
	case "binary_accuracy":
		return NewBinaryAccuracy(0.5), true
	case "categorical_accuracy":
		return NewCategoricalAccuracy(), true
	case "sparse_categorical_accuracy":
		return NewSparseCategoricalAccuracy(), true
	case "top_k_categorical_accuracy":
		return NewTopKCategoricalAccuracy(5), true
	case "sparse_top_k_categorical_accuracy":
		return NewSparseTopKCategoricalAccuracy(5), true
	case "mse", "mean_squared_error":
		return Named(name, NewMeanSquaredError()), true
	case "mae", "mean_absolute_error":
		return Named(name, NewMeanAbsoluteError()), true
	case "mape", "mean_absolute_percentage_error":
		return Named(name, NewMeanAbsolutePercentageError()), true
	case "msle", "mean_squared_logarithmic_error":
		return Named(name, NewMeanSquaredLogarithmicError()), true
	case "root_mean_squared_error", "rmse":
		return Named(name, NewRootMeanSquaredError()), true
	case "logcosh", "log_cosh", "log_cosh_error":
		return Named(name, NewLogCoshError()), true
	case "kld", "kl_divergence", "kullback_leibler_divergence":
		return Named(name, NewKLDivergence()), true
	case "poisson":
		return NewPoisson(), true
	case "cosine_similarity":
		return NewCosineSimilarity(), true
	case "binary_crossentropy":
		return NewBinaryCrossentropy(), true
	case "categorical_crossentropy":
		return NewCategoricalCrossentropy(), true
	case "sparse_categorical_crossentropy":
		return NewSparseCategoricalCrossentropy(), true
	case "precision":
		return NewPrecision(0.5), true
	case "recall":
		return NewRecall(0.5), true
	case "auc":
		return NewAUC(200), true
	case "true_positives":
		return NewTruePositives(), true
	case "false_positives":
		return NewFalsePositives(), true
	case "true_negatives":
		return NewTrueNegatives(), true
	case "false_negatives":
		return NewFalseNegatives(), true
	case "f1_score":
		return NewF1Score(), true
	case "fbeta_score":
		return NewFBetaScore(1), true
	case "r2_score":
		return NewR2Score(), true
	case "hinge":
		return NewHinge(), true
	case "squared_hinge":
		return NewSquaredHinge(), true
	case "categorical_hinge":
		return NewCategoricalHinge(), true
	}
	return nil, false
}

// ResolveAccuracy turns "accuracy" / "acc" into the accuracy Keras picks for
// a loss, keeping the name the user wrote: sparse categorical accuracy for
// integer labels (sparse cross-entropy, or labels of lower rank than the
// predictions), binary accuracy for one output unit or binary
// cross-entropy, categorical accuracy otherwise.
func ResolveAccuracy(name, lossName string, labelRank int, predShape tensor.Shape) Metric {
	var m Metric
	switch {
	case strings.Contains(lossName, "sparse"):
		m = NewSparseCategoricalAccuracy()
	case strings.Contains(lossName, "binary") || strings.Contains(lossName, "hinge"):
		m = NewBinaryAccuracy(0.5)
	case len(predShape) > 0 && predShape[len(predShape)-1] == 1:
		m = NewBinaryAccuracy(0.5)
	case labelRank < len(predShape):
		m = NewSparseCategoricalAccuracy()
	case strings.Contains(lossName, "categorical"):
		m = NewCategoricalAccuracy()
	default:
		if len(predShape) > 0 && predShape[len(predShape)-1] > 1 && labelRank == len(predShape) {
			m = NewCategoricalAccuracy()
		} else {
			m = NewAccuracy()
		}
	}
	return Named(name, m)
}

// Named renames a metric (what Keras prints comes from the string the user
// passed to compile).
func Named(name string, m Metric) Metric {
	if m.Name() == name {
		return m
	}
	return &named{Metric: m, name: name}
}

type named struct {
	Metric
	name string
}

func (n *named) Name() string { return n.name }

// MeanMetric is the weighted mean of values computed by a function, as
// Keras's MeanMetricWrapper; most metrics are one. Sample weights may be a
// scalar, one per sample ((batch,) or (batch, 1)) or, for metrics whose
// values are per element (accuracy, binary_accuracy), shaped like the
// labels; values beyond the weights' rank are averaged per sample first,
// as Keras does.
type MeanMetric struct {
	name     string
	fn       func(yTrue, yPred *tensor.Tensor, out []float64) error
	vfn      func(yTrue, yPred *tensor.Tensor, v *values) error
	post     func(float64) float64
	total    float64
	count    float64
	perBatch []float64
	vals     values
	w        weighting
	one      [1]int
}

// NewMeanMetric wraps fn, which writes one value per sample into out (len =
// batch size), as a metric averaging those values.
func NewMeanMetric(name string, fn func(yTrue, yPred *tensor.Tensor, out []float64) error) *MeanMetric {
	return &MeanMetric{name: name, fn: fn}
}

// newValuesMetric wraps fn, which fills v with values of any shape whose
// first axis is the batch.
func newValuesMetric(name string, fn func(yTrue, yPred *tensor.Tensor, v *values) error) *MeanMetric {
	return &MeanMetric{name: name, vfn: fn}
}

// Name implements Metric.
func (m *MeanMetric) Name() string { return m.name }

// UpdateState implements Metric.
func (m *MeanMetric) UpdateState(yTrue, yPred, sampleWeight *tensor.Tensor) error {
	var v []float64
	var shape []int
	if m.vfn != nil {
		if err := m.vfn(yTrue, yPred, &m.vals); err != nil {
			return fmt.Errorf("metrics: %s: %w", m.name, err)
		}
		v, shape = m.vals.v, m.vals.shape
	} else {
		n := batchSize(yPred)
		if cap(m.perBatch) < n {
			m.perBatch = make([]float64, n)
		}
		v = m.perBatch[:n]
		if err := m.fn(yTrue, yPred, v); err != nil {
			return fmt.Errorf("metrics: %s: %w", m.name, err)
		}
		m.one[0] = n
		shape = m.one[:]
	}
	t, c, err := m.w.reduce(v, shape, sampleWeight)
	if err != nil {
		return fmt.Errorf("metrics: %s: %w", m.name, err)
	}
	m.total += t
	m.count += c
	return nil
}

// Result implements Metric.
func (m *MeanMetric) Result() float64 {
	r := 0.0
	if m.count != 0 {
		r = m.total / m.count
	}
	if m.post != nil {
		r = m.post(r)
	}
	return r
}

// ResetState implements Metric.
func (m *MeanMetric) ResetState() { m.total, m.count = 0, 0 }

// Mean averages scalar values (the "loss" entry of the logs).
type Mean struct {
	name         string
	total, count float64
}

// NewMean returns a running mean called name.
func NewMean(name string) *Mean { return &Mean{name: name} }

// Name implements Metric.
func (m *Mean) Name() string { return m.name }

// Add adds a value with a weight.
func (m *Mean) Add(v, weight float64) { m.total += v * weight; m.count += weight }

// UpdateState adds every element of yPred (weighted per sample when
// sampleWeight is given); yTrue is ignored.
func (m *Mean) UpdateState(_, yPred, sampleWeight *tensor.Tensor) error {
	n := yPred.Size()
	per := 1
	if b := batchSize(yPred); b > 0 {
		per = n / b
	}
	for i := 0; i < n; i++ {
		w := 1.0
		if sampleWeight != nil {
			w = sampleWeight.Float(i / per)
		}
		m.Add(yPred.Float(i), w)
	}
	return nil
}

// Result implements Metric.
func (m *Mean) Result() float64 {
	if m.count == 0 {
		return 0
	}
	return m.total / m.count
}

// ResetState implements Metric.
func (m *Mean) ResetState() { m.total, m.count = 0, 0 }

func batchSize(t *tensor.Tensor) int {
	if t.Rank() == 0 {
		return 1
	}
	return t.Dim(0)
}

// rowLen is the number of values per sample.
func rowLen(t *tensor.Tensor) int {
	b := batchSize(t)
	if b == 0 {
		return 0
	}
	return t.Size() / b
}

func checkBatch(yTrue, yPred *tensor.Tensor) error {
	if batchSize(yTrue) != batchSize(yPred) {
		return fmt.Errorf("labels have %d samples, predictions %d", batchSize(yTrue), batchSize(yPred))
	}
	return nil
}
