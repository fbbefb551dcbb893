package metrics

import (
	"fmt"
	"math"

	"github.com/tensorgo/tensorgo/tensor"
)

// AUC is the area under the ROC or precision-recall curve, estimated as
// Keras does: confusion counts at thresholds (by default numThresholds
// evenly spaced ones, the first just below 0 and the last just above 1),
// summed by interpolation (trapezoids for ROC, Davis & Goadrich's
// interpolation for PR) or by lower/upper Riemann sums.
type AUC struct {
	name      string
	c         *confusion
	pr        bool
	summation string
	labelW    []float64
}

// NewAUC returns an AUC metric (Keras's default numThresholds is 200).
// Options (Keras's defaults): WithCurve ("ROC"), WithSummationMethod
// ("interpolation"), WithThresholds (replace the evenly spaced ones),
// WithMultiLabel (off), WithLabelWeights, WithFromLogits (off), WithName.
func NewAUC(numThresholds int, opts ...Option) *AUC {
	o := newOptions("auc", opts, "num_thresholds", "curve", "summation_method", "thresholds", "multi_label", "label_weights", "from_logits")
	if o.set["num_thresholds"] {
		numThresholds = o.numThresholds
	}
	var inner []float64
	evenly := true
	if o.set["thresholds"] {
		inner = append([]float64(nil), o.thresholds...)
		for i := 1; i < len(inner); i++ { // sort (few values)
			for j := i; j > 0 && inner[j] < inner[j-1]; j-- {
				inner[j], inner[j-1] = inner[j-1], inner[j]
			}
		}
		evenly = evenlySpaced(append(append([]float64{0}, inner...), 1))
	} else {
		if numThresholds < 2 {
			panic(fmt.Sprintf("metrics: AUC needs numThresholds >= 2, got %d", numThresholds))
		}
		for i := 0; i < numThresholds-2; i++ {
			inner = append(inner, float64(i+1)/float64(numThresholds-1))
		}
	}
	th := append(append([]float64{-Epsilon}, inner...), 1+Epsilon)
	c := newConfusion(th, o)
	c.clip = evenly
	if o.multiLabel {
		c.labelW = nil
	}
	return &AUC{name: o.name, c: c, pr: o.curve == "PR", summation: o.summation, labelW: o.labelWeights}
}

// Name implements Metric.
func (a *AUC) Name() string { return a.name }

// UpdateState implements Metric. Sample weights may be per sample or per
// element.
func (a *AUC) UpdateState(yTrue, yPred, w *tensor.Tensor) error {
	if err := a.c.update(yTrue, yPred, w); err != nil {
		return fmt.Errorf("metrics: %s: %w", a.name, err)
	}
	return nil
}

// Thresholds returns the thresholds the counts are taken at.
func (a *AUC) Thresholds() []float64 { return append([]float64(nil), a.c.th...) }

// Result implements Metric.
func (a *AUC) Result() float64 {
	c := a.c
	c.matrix()
	L, n := c.labels, len(c.th)
	at := func(x []float64, t, l int) float64 { return x[t*L+l] }
	var sum, wsum float64
	for l := 0; l < L; l++ {
		var area float64
		if a.pr && a.summation == "interpolation" {
			area = interpolatePR(n, func(t int) (tp, fp, fn float64) {
				return at(c.tp, t, l), at(c.fp, t, l), at(c.fn, t, l)
			})
		} else {
			xy := func(t int) (x, y float64) {
				tp, fp, tn, fn := at(c.tp, t, l), at(c.fp, t, l), at(c.tn, t, l), at(c.fn, t, l)
				recall := div(tp, tp+fn)
				if a.pr {
					return recall, div(tp, tp+fp)
				}
				return div(fp, fp+tn), recall
			}
			for t := 0; t+1 < n; t++ {
				x0, y0 := xy(t)
				x1, y1 := xy(t + 1)
				var h float64
				switch a.summation {
				case "minoring":
					h = math.Min(y0, y1)
				case "majoring":
					h = math.Max(y0, y1)
				default:
					h = (y0 + y1) / 2
				}
				area += (x0 - x1) * h
			}
		}
		if c.multi && len(a.labelW) > 0 {
			if l < len(a.labelW) {
				sum += area * a.labelW[l]
				wsum += a.labelW[l]
			}
		} else {
			sum += area
			wsum++
		}
	}
	return div(sum, wsum)
}

// interpolatePR is Keras's interpolate_pr_auc (Davis & Goadrich 2006):
// precision interpolated between thresholds through the true and false
// positive counts.
func interpolatePR(n int, cm func(t int) (tp, fp, fn float64)) float64 {
	var s float64
	for t := 0; t+1 < n; t++ {
		tp0, fp0, _ := cm(t)
		tp1, fp1, fn1 := cm(t + 1)
		dtp := tp0 - tp1
		p0, p1 := tp0+fp0, tp1+fp1
		dp := p0 - p1
		slope := div(dtp, math.Max(dp, 0))
		intercept := tp1 - slope*p1
		ratio := 1.0
		if p0 > 0 && p1 > 0 {
			ratio = div(p0, math.Max(p1, 0))
		}
		s += div(slope*(dtp+intercept*math.Log(ratio)), math.Max(tp1+fn1, 0))
	}
	return s
}

// ResetState implements Metric.
func (a *AUC) ResetState() { a.c.reset() }

// AtConstraint is one of Keras's SensitivityAtSpecificity,
// SpecificityAtSensitivity, PrecisionAtRecall and RecallAtPrecision: the
// best value of one rate over the thresholds where another rate reaches a
// target.
type AtConstraint struct {
	name   string
	c      *confusion
	target float64
	// rates returns (constrained, dependent) at threshold t.
	rates func(tp, fp, tn, fn float64) (float64, float64)
}

func newAtConstraint(name, arg string, target float64, opts []Option, rates func(tp, fp, tn, fn float64) (float64, float64)) *AtConstraint {
	if target < 0 || target > 1 {
		panic(fmt.Sprintf("metrics: %s: %s %v is outside [0, 1]", name, arg, target))
	}
	o := newOptions(name, opts, "num_thresholds", "class_id")
	n := o.numThresholds
	if n <= 0 {
		panic(fmt.Sprintf("metrics: %s: num_thresholds %d is not positive", name, n))
	}
	th := []float64{0.5}
	if n > 1 {
		th = []float64{0}
		for i := 0; i < n-2; i++ {
			th = append(th, float64(i+1)/float64(n-1))
		}
		th = append(th, 1)
	}
	c := newConfusion(th, o)
	c.clip = n > 1
	return &AtConstraint{name: o.name, c: c, target: target, rates: rates}
}

// NewSensitivityAtSpecificity is the best sensitivity (recall) over the
// thresholds where specificity is at least specificity. Options:
// WithNumThresholds (200), WithClassID, WithName.
func NewSensitivityAtSpecificity(specificity float64, opts ...Option) *AtConstraint {
	return newAtConstraint("sensitivity_at_specificity", "specificity", specificity, opts, func(tp, fp, tn, fn float64) (float64, float64) {
		return div(tn, tn+fp), div(tp, tp+fn)
	})
}

// NewSpecificityAtSensitivity is the best specificity over the thresholds
// where sensitivity (recall) is at least sensitivity. Options:
// WithNumThresholds (200), WithClassID, WithName.
func NewSpecificityAtSensitivity(sensitivity float64, opts ...Option) *AtConstraint {
	return newAtConstraint("specificity_at_sensitivity", "sensitivity", sensitivity, opts, func(tp, fp, tn, fn float64) (float64, float64) {
		return div(tp, tp+fn), div(tn, tn+fp)
	})
}

// NewPrecisionAtRecall is the best precision over the thresholds where
// recall is at least recall. Options: WithNumThresholds (200),
// WithClassID, WithName.
func NewPrecisionAtRecall(recall float64, opts ...Option) *AtConstraint {
	return newAtConstraint("precision_at_recall", "recall", recall, opts, func(tp, fp, tn, fn float64) (float64, float64) {
		return div(tp, tp+fn), div(tp, tp+fp)
	})
}

// NewRecallAtPrecision is the best recall over the thresholds where
// precision is at least precision. Options: WithNumThresholds (200),
// WithClassID, WithName.
func NewRecallAtPrecision(precision float64, opts ...Option) *AtConstraint {
	return newAtConstraint("recall_at_precision", "precision", precision, opts, func(tp, fp, tn, fn float64) (float64, float64) {
		return div(tp, tp+fp), div(tp, tp+fn)
	})
}

// Name implements Metric.
func (m *AtConstraint) Name() string { return m.name }

// UpdateState implements Metric.
func (m *AtConstraint) UpdateState(yTrue, yPred, w *tensor.Tensor) error {
	if err := m.c.update(yTrue, yPred, w); err != nil {
		return fmt.Errorf("metrics: %s: %w", m.name, err)
	}
	return nil
}

// Result implements Metric (0 when no threshold meets the constraint).
func (m *AtConstraint) Result() float64 {
	c := m.c
	c.matrix()
	best := 0.0
	for t := range c.th {
		con, dep := m.rates(c.tp[t], c.fp[t], c.tn[t], c.fn[t])
		if con >= m.target && dep > best {
			best = dep
		}
	}
	return best
}

// ResetState implements Metric.
func (m *AtConstraint) ResetState() { m.c.reset() }
