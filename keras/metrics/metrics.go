// Package metrics holds Keras's metrics as stateful objects: each one
// accumulates over the batches of an epoch (UpdateState), reports its value
// (Result) and starts again (ResetState). Metrics run on the host on the
// values a compiled step fetches, so they add no ops to the training graph.
//
// Names are the ones Keras prints in its progress bar and History
// ("accuracy", "sparse_categorical_accuracy", "precision", "auc", ...).
package metrics

import (
	"fmt"
	"math"
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

// Get returns a metric by its Keras name or alias ("mse", "mae",
// "sparse_categorical_accuracy", "top_k_categorical_accuracy", "precision",
// "recall", "auc", ...). "accuracy" and "acc" need to know the loss: see
// ResolveAccuracy; here they mean exact-match Accuracy.
func Get(name string) (Metric, error) {
	switch strings.ToLower(name) {
	case "accuracy", "acc":
		return Named(name, NewAccuracy()), nil
	case "binary_accuracy":
		return NewBinaryAccuracy(0.5), nil
	case "categorical_accuracy":
		return NewCategoricalAccuracy(), nil
	case "sparse_categorical_accuracy":
		return NewSparseCategoricalAccuracy(), nil
	case "top_k_categorical_accuracy":
		return NewTopKCategoricalAccuracy(5), nil
	case "sparse_top_k_categorical_accuracy":
		return NewSparseTopKCategoricalAccuracy(5), nil
	case "mse", "mean_squared_error":
		return Named(name, NewMeanSquaredError()), nil
	case "mae", "mean_absolute_error":
		return Named(name, NewMeanAbsoluteError()), nil
	case "precision":
		return NewPrecision(0.5), nil
	case "recall":
		return NewRecall(0.5), nil
	case "auc":
		return NewAUC(200), nil
	}
	return nil, fmt.Errorf("metrics: unknown metric %q (known: accuracy, binary_accuracy, categorical_accuracy, sparse_categorical_accuracy, top_k_categorical_accuracy, sparse_top_k_categorical_accuracy, mse, mae, precision, recall, auc)", name)
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

// MeanMetric is the weighted mean of per-sample values computed by a
// function; most metrics are one.
type MeanMetric struct {
	name     string
	fn       func(yTrue, yPred *tensor.Tensor, out []float64) error
	total    float64
	count    float64
	perBatch []float64
}

// NewMeanMetric wraps fn, which writes one value per sample into out (len =
// batch size), as a metric averaging those values.
func NewMeanMetric(name string, fn func(yTrue, yPred *tensor.Tensor, out []float64) error) *MeanMetric {
	return &MeanMetric{name: name, fn: fn}
}

// Name implements Metric.
func (m *MeanMetric) Name() string { return m.name }

// UpdateState implements Metric.
func (m *MeanMetric) UpdateState(yTrue, yPred, sampleWeight *tensor.Tensor) error {
	n := batchSize(yPred)
	if cap(m.perBatch) < n {
		m.perBatch = make([]float64, n)
	}
	out := m.perBatch[:n]
	if err := m.fn(yTrue, yPred, out); err != nil {
		return fmt.Errorf("metrics: %s: %w", m.name, err)
	}
	for i, v := range out {
		w := 1.0
		if sampleWeight != nil {
			w = sampleWeight.Float(i)
		}
		m.total += w * v
		m.count += w
	}
	return nil
}

// Result implements Metric.
func (m *MeanMetric) Result() float64 {
	if m.count == 0 {
		return 0
	}
	return m.total / m.count
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

// NewAccuracy counts exact matches between labels and predictions, averaged
// over each sample's values.
func NewAccuracy() *MeanMetric {
	return NewMeanMetric("accuracy", func(yTrue, yPred *tensor.Tensor, out []float64) error {
		if err := checkBatch(yTrue, yPred); err != nil {
			return err
		}
		k := rowLen(yPred)
		if rowLen(yTrue) != k {
			return fmt.Errorf("labels shape %v and predictions shape %v differ", yTrue.Shape(), yPred.Shape())
		}
		for i := range out {
			var s float64
			for j := 0; j < k; j++ {
				if yTrue.Float(i*k+j) == yPred.Float(i*k+j) {
					s++
				}
			}
			out[i] = s / float64(k)
		}
		return nil
	})
}

// NewBinaryAccuracy counts predictions on the right side of threshold.
func NewBinaryAccuracy(threshold float64) *MeanMetric {
	return NewMeanMetric("binary_accuracy", func(yTrue, yPred *tensor.Tensor, out []float64) error {
		if err := checkBatch(yTrue, yPred); err != nil {
			return err
		}
		k := rowLen(yPred)
		if rowLen(yTrue) != k {
			return fmt.Errorf("labels shape %v and predictions shape %v differ", yTrue.Shape(), yPred.Shape())
		}
		for i := range out {
			var s float64
			for j := 0; j < k; j++ {
				p := 0.0
				if yPred.Float(i*k+j) > threshold {
					p = 1
				}
				if p == yTrue.Float(i*k+j) {
					s++
				}
			}
			out[i] = s / float64(k)
		}
		return nil
	})
}

// NewCategoricalAccuracy compares the argmax of one-hot labels and of the
// predictions.
func NewCategoricalAccuracy() *MeanMetric {
	return NewMeanMetric("categorical_accuracy", func(yTrue, yPred *tensor.Tensor, out []float64) error {
		if err := checkBatch(yTrue, yPred); err != nil {
			return err
		}
		k := rowLen(yPred)
		if rowLen(yTrue) != k {
			return fmt.Errorf("one-hot labels shape %v and predictions shape %v differ", yTrue.Shape(), yPred.Shape())
		}
		for i := range out {
			out[i] = b2f(argmaxRow(yTrue, i, k) == argmaxRow(yPred, i, k))
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

// NewSparseCategoricalAccuracy compares integer labels with the argmax of
// the predictions.
func NewSparseCategoricalAccuracy() *MeanMetric {
	return NewMeanMetric("sparse_categorical_accuracy", func(yTrue, yPred *tensor.Tensor, out []float64) error {
		if err := checkBatch(yTrue, yPred); err != nil {
			return err
		}
		if rowLen(yTrue) != 1 {
			return fmt.Errorf("sparse labels must have one value per sample, got shape %v", yTrue.Shape())
		}
		k := rowLen(yPred)
		for i := range out {
			c, err := label(yTrue, i, k)
			if err != nil {
				return err
			}
			out[i] = b2f(argmaxRow(yPred, i, k) == c)
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
// k highest predictions.
func NewTopKCategoricalAccuracy(k int) *MeanMetric {
	return NewMeanMetric("top_k_categorical_accuracy", func(yTrue, yPred *tensor.Tensor, out []float64) error {
		if err := checkBatch(yTrue, yPred); err != nil {
			return err
		}
		n := rowLen(yPred)
		if rowLen(yTrue) != n {
			return fmt.Errorf("one-hot labels shape %v and predictions shape %v differ", yTrue.Shape(), yPred.Shape())
		}
		for i := range out {
			out[i] = b2f(inTopK(yPred, i, n, argmaxRow(yTrue, i, n), k))
		}
		return nil
	})
}

// NewSparseTopKCategoricalAccuracy counts integer labels among the k highest
// predictions.
func NewSparseTopKCategoricalAccuracy(k int) *MeanMetric {
	return NewMeanMetric("sparse_top_k_categorical_accuracy", func(yTrue, yPred *tensor.Tensor, out []float64) error {
		if err := checkBatch(yTrue, yPred); err != nil {
			return err
		}
		n := rowLen(yPred)
		for i := range out {
			c, err := label(yTrue, i, n)
			if err != nil {
				return err
			}
			out[i] = b2f(inTopK(yPred, i, n, c, k))
		}
		return nil
	})
}

func pointwise(name string, f func(d float64) float64) *MeanMetric {
	return NewMeanMetric(name, func(yTrue, yPred *tensor.Tensor, out []float64) error {
		if err := checkBatch(yTrue, yPred); err != nil {
			return err
		}
		k := rowLen(yPred)
		if rowLen(yTrue) != k {
			return fmt.Errorf("labels shape %v and predictions shape %v differ", yTrue.Shape(), yPred.Shape())
		}
		for i := range out {
			var s float64
			for j := 0; j < k; j++ {
				s += f(yTrue.Float(i*k+j) - yPred.Float(i*k+j))
			}
			out[i] = s / float64(k)
		}
		return nil
	})
}

// NewMeanSquaredError is the mean of (y_true - y_pred)².
func NewMeanSquaredError() *MeanMetric {
	return pointwise("mean_squared_error", func(d float64) float64 { return d * d })
}

// NewMeanAbsoluteError is the mean of |y_true - y_pred|.
func NewMeanAbsoluteError() *MeanMetric {
	return pointwise("mean_absolute_error", math.Abs)
}

func b2f(b bool) float64 {
	if b {
		return 1
	}
	return 0
}

// confusion accumulates true/false positives/negatives at thresholds over
// every element (Keras's Precision, Recall and AUC treat each value as a
// separate binary decision).
type confusion struct {
	thresholds     []float64
	tp, fp, tn, fn []float64
}

func newConfusion(thresholds []float64) confusion {
	n := len(thresholds)
	return confusion{thresholds, make([]float64, n), make([]float64, n), make([]float64, n), make([]float64, n)}
}

func (c *confusion) update(yTrue, yPred, sampleWeight *tensor.Tensor) error {
	if err := checkBatch(yTrue, yPred); err != nil {
		return err
	}
	if yTrue.Size() != yPred.Size() {
		return fmt.Errorf("labels shape %v and predictions shape %v differ", yTrue.Shape(), yPred.Shape())
	}
	per := rowLen(yPred)
	for i := 0; i < yPred.Size(); i++ {
		w := 1.0
		if sampleWeight != nil {
			w = sampleWeight.Float(i / per)
		}
		pos := yTrue.Float(i) > 0.5
		p := yPred.Float(i)
		for t, th := range c.thresholds {
			switch pred := p > th; {
			case pred && pos:
				c.tp[t] += w
			case pred:
				c.fp[t] += w
			case pos:
				c.fn[t] += w
			default:
				c.tn[t] += w
			}
		}
	}
	return nil
}

func (c *confusion) reset() {
	clear(c.tp)
	clear(c.fp)
	clear(c.tn)
	clear(c.fn)
}

func div(a, b float64) float64 {
	if b == 0 {
		return 0
	}
	return a / b
}

// Precision is TP / (TP + FP) at a threshold.
type Precision struct{ c confusion }

// NewPrecision returns a precision metric; predictions above threshold
// count as positive.
func NewPrecision(threshold float64) *Precision {
	return &Precision{newConfusion([]float64{threshold})}
}

// Name implements Metric.
func (p *Precision) Name() string { return "precision" }

// UpdateState implements Metric.
func (p *Precision) UpdateState(yTrue, yPred, w *tensor.Tensor) error {
	if err := p.c.update(yTrue, yPred, w); err != nil {
		return fmt.Errorf("metrics: precision: %w", err)
	}
	return nil
}

// Result implements Metric.
func (p *Precision) Result() float64 { return div(p.c.tp[0], p.c.tp[0]+p.c.fp[0]) }

// ResetState implements Metric.
func (p *Precision) ResetState() { p.c.reset() }

// Recall is TP / (TP + FN) at a threshold.
type Recall struct{ c confusion }

// NewRecall returns a recall metric; predictions above threshold count as
// positive.
func NewRecall(threshold float64) *Recall { return &Recall{newConfusion([]float64{threshold})} }

// Name implements Metric.
func (r *Recall) Name() string { return "recall" }

// UpdateState implements Metric.
func (r *Recall) UpdateState(yTrue, yPred, w *tensor.Tensor) error {
	if err := r.c.update(yTrue, yPred, w); err != nil {
		return fmt.Errorf("metrics: recall: %w", err)
	}
	return nil
}

// Result implements Metric.
func (r *Recall) Result() float64 { return div(r.c.tp[0], r.c.tp[0]+r.c.fn[0]) }

// ResetState implements Metric.
func (r *Recall) ResetState() { r.c.reset() }

// AUC is the area under the ROC curve, estimated as Keras does: confusion
// counts at numThresholds evenly spaced thresholds, integrated with the
// trapezoidal rule.
type AUC struct{ c confusion }

// NewAUC returns an ROC AUC metric (Keras's default numThresholds is 200).
func NewAUC(numThresholds int) *AUC {
	if numThresholds < 2 {
		panic(fmt.Sprintf("metrics: AUC needs numThresholds >= 2, got %d", numThresholds))
	}
	const eps = 1e-7
	th := make([]float64, numThresholds)
	th[0] = -eps
	for i := 1; i < numThresholds-1; i++ {
		th[i] = float64(i) / float64(numThresholds-1)
	}
	th[numThresholds-1] = 1 + eps
	return &AUC{newConfusion(th)}
}

// Name implements Metric.
func (a *AUC) Name() string { return "auc" }

// UpdateState implements Metric.
func (a *AUC) UpdateState(yTrue, yPred, w *tensor.Tensor) error {
	if err := a.c.update(yTrue, yPred, w); err != nil {
		return fmt.Errorf("metrics: auc: %w", err)
	}
	return nil
}

// Result implements Metric.
func (a *AUC) Result() float64 {
	c := &a.c
	var s float64
	for i := 0; i+1 < len(c.thresholds); i++ {
		tpr0, tpr1 := div(c.tp[i], c.tp[i]+c.fn[i]), div(c.tp[i+1], c.tp[i+1]+c.fn[i+1])
		fpr0, fpr1 := div(c.fp[i], c.fp[i]+c.tn[i]), div(c.fp[i+1], c.fp[i+1]+c.tn[i+1])
		s += (fpr0 - fpr1) * (tpr0 + tpr1) / 2
	}
	return s
}

// ResetState implements Metric.
func (a *AUC) ResetState() { a.c.reset() }
