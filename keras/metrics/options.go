package metrics

import (
	"fmt"
	"strings"
)

// Option sets one of a metric's Keras arguments (thresholds, top_k,
// class_id, num_thresholds, curve, ...). A metric given an option it has no
// such argument for panics, naming the metric and the option.
type Option func(*options)

type options struct {
	name           string
	thresholds     []float64
	topK           int
	classID        int
	numThresholds  int
	curve          string
	summation      string
	multiLabel     bool
	labelWeights   []float64
	fromLogits     bool
	labelSmoothing float64
	average        string
	threshold      float64
	hasThreshold   bool
	aggregation    string
	numRegressors  int
	ignoreClass    int
	hasIgnoreClass bool
	sparseTrue     bool
	sparsePred     bool
	set            map[string]bool
}

func (o *options) mark(opt string) {
	if o.set == nil {
		o.set = map[string]bool{}
	}
	o.set[opt] = true
}

// TopKThreshold is Keras's threshold for metrics with top_k (NEG_INF): every
// prediction among the top k counts as positive.
const TopKThreshold = -1e10

// WithName renames the metric (the key in logs).
func WithName(name string) Option { return func(o *options) { o.name = name; o.mark("name") } }

// WithThresholds sets the decision thresholds in [0, 1] (a prediction
// above a threshold is positive); metrics report the first one's value from
// Result and every one's from Results. For AUC they replace the evenly
// spaced ones.
func WithThresholds(ts ...float64) Option {
	for _, t := range ts {
		if t < 0 || t > 1 {
			panic(fmt.Sprintf("metrics: threshold %v is outside [0, 1]", t))
		}
	}
	ts = append([]float64(nil), ts...)
	return func(o *options) { o.thresholds = ts; o.mark("thresholds") }
}

// WithTopK counts only the k highest predictions of each sample as
// candidates for positives (Precision and Recall's top_k).
func WithTopK(k int) Option {
	if k < 1 {
		panic(fmt.Sprintf("metrics: top_k %d is not positive", k))
	}
	return func(o *options) { o.topK = k; o.mark("top_k") }
}

// WithClassID restricts a metric to one class: the labels and predictions
// of column id of the last axis.
func WithClassID(id int) Option {
	if id < 0 {
		panic(fmt.Sprintf("metrics: class_id %d is negative", id))
	}
	return func(o *options) { o.classID = id; o.mark("class_id") }
}

// WithNumThresholds sets the number of evenly spaced thresholds (default
// 200) of AUC and the sensitivity/specificity family.
func WithNumThresholds(n int) Option {
	return func(o *options) { o.numThresholds = n; o.mark("num_thresholds") }
}

// WithCurve sets AUC's curve: "ROC" (default) or "PR" (precision-recall).
func WithCurve(c string) Option {
	c = strings.ToUpper(c)
	if c != "ROC" && c != "PR" {
		panic(fmt.Sprintf("metrics: AUC curve %q is not ROC or PR", c))
	}
	return func(o *options) { o.curve = c; o.mark("curve") }
}

// WithSummationMethod sets how AUC sums the curve: "interpolation"
// (default: trapezoids for ROC, Davis & Goadrich's interpolation for PR),
// "minoring" (lower Riemann sums) or "majoring" (upper).
func WithSummationMethod(m string) Option {
	m = strings.ToLower(m)
	if m != "interpolation" && m != "minoring" && m != "majoring" {
		panic(fmt.Sprintf("metrics: AUC summation method %q is not interpolation, minoring or majoring", m))
	}
	return func(o *options) { o.summation = m; o.mark("summation_method") }
}

// WithMultiLabel makes AUC treat each column of (batch, labels) data as its
// own binary problem and average the per-label areas (weighted by
// WithLabelWeights if given), instead of flattening the data.
func WithMultiLabel(on bool) Option {
	return func(o *options) { o.multiLabel = on; o.mark("multi_label") }
}

// WithLabelWeights weights AUC's labels: each column's contribution to the
// counts (flattened data) or to the average of per-label areas
// (multi-label).
func WithLabelWeights(w ...float64) Option {
	w = append([]float64(nil), w...)
	return func(o *options) { o.labelWeights = w; o.mark("label_weights") }
}

// WithFromLogits says predictions are logits (a sigmoid or softmax is
// applied first).
func WithFromLogits(on bool) Option {
	return func(o *options) { o.fromLogits = on; o.mark("from_logits") }
}

// WithLabelSmoothing smooths labels of the cross-entropy metrics, as the
// losses' label_smoothing.
func WithLabelSmoothing(s float64) Option {
	return func(o *options) { o.labelSmoothing = s; o.mark("label_smoothing") }
}

// WithAverage sets how F-scores combine classes: "" (Keras's None: per
// class), "micro", "macro" or "weighted".
func WithAverage(a string) Option {
	if a != "" && a != "micro" && a != "macro" && a != "weighted" {
		panic(fmt.Sprintf("metrics: average %q is not micro, macro, weighted or empty", a))
	}
	return func(o *options) { o.average = a; o.mark("average") }
}

// WithThreshold sets the F-scores' threshold in (0, 1]: predictions above it
// are positive. Without it each sample's largest prediction is.
func WithThreshold(t float64) Option {
	if t <= 0 || t > 1 {
		panic(fmt.Sprintf("metrics: threshold %v is outside (0, 1]", t))
	}
	return func(o *options) { o.threshold = t; o.hasThreshold = true; o.mark("threshold") }
}

// WithClassAggregation sets how R2Score combines outputs:
// "uniform_average" (default), "variance_weighted_average" or "" (per
// output, Keras's None).
func WithClassAggregation(a string) Option {
	if a != "" && a != "uniform_average" && a != "variance_weighted_average" {
		panic(fmt.Sprintf("metrics: class aggregation %q is not uniform_average, variance_weighted_average or empty", a))
	}
	return func(o *options) { o.aggregation = a; o.mark("class_aggregation") }
}

// WithNumRegressors makes R2Score the adjusted R² for that many
// independent variables.
func WithNumRegressors(n int) Option {
	if n < 0 {
		panic(fmt.Sprintf("metrics: num_regressors %d is negative", n))
	}
	return func(o *options) { o.numRegressors = n; o.mark("num_regressors") }
}

// WithIgnoreClass makes MeanIoU skip labels equal to class.
func WithIgnoreClass(class int) Option {
	return func(o *options) { o.ignoreClass = class; o.hasIgnoreClass = true; o.mark("ignore_class") }
}

// WithSparseLabels says whether MeanIoU's labels are class ids (true, the
// default) or one-hot rows (false: their argmax is taken).
func WithSparseLabels(on bool) Option {
	return func(o *options) { o.sparseTrue = on; o.mark("sparse_y_true") }
}

// WithSparsePredictions says whether MeanIoU's predictions are class ids
// (true, Keras's default) or scores per class (false: their argmax is
// taken).
func WithSparsePredictions(on bool) Option {
	return func(o *options) { o.sparsePred = on; o.mark("sparse_y_pred") }
}

// newOptions applies opts over Keras's defaults for the metric called
// name, panicking on options it does not take (allowed lists its Keras
// argument names besides name).
func newOptions(name string, opts []Option, allowed ...string) options {
	o := options{name: name, classID: -1, numThresholds: 200, curve: "ROC", summation: "interpolation",
		aggregation: "uniform_average", sparseTrue: true, sparsePred: true}
	for _, f := range opts {
		f(&o)
	}
	ok := map[string]bool{"name": true}
	for _, a := range allowed {
		ok[a] = true
	}
	for opt := range o.set {
		if !ok[opt] {
			panic(fmt.Sprintf("metrics: %s takes no %s option (it takes %s)", name, opt, strings.Join(append([]string{"name"}, allowed...), ", ")))
		}
	}
	return o
}
