package metrics

import (
	"fmt"

	"github.com/tensorgo/tensorgo/tensor"
)

// FBetaScore is Keras's F-beta score, (1+β²)·P·R / (β²·P + R), per class
// of (batch, classes) data, with Keras's averaging: none (per class),
// "micro" (global counts), "macro" (mean over classes) or "weighted" (mean
// weighted by each class's support).
type FBetaScore struct {
	name                string
	beta                float64
	average             string
	threshold           float64
	hasThreshold        bool
	tp, fp, fn, support []float64
	pred                []float64
	out                 []float64
}

// NewFBetaScore returns an F-beta score (beta > 0). Options (Keras's
// defaults): WithAverage ("" = per class; Result then reports the mean
// over classes and Results each class), WithThreshold (none: each
// sample's largest prediction is positive), WithName.
func NewFBetaScore(beta float64, opts ...Option) *FBetaScore {
	if beta <= 0 {
		panic(fmt.Sprintf("metrics: fbeta_score: beta %v is not positive", beta))
	}
	o := newOptions("fbeta_score", opts, "average", "threshold")
	return &FBetaScore{name: o.name, beta: beta, average: o.average, threshold: o.threshold, hasThreshold: o.hasThreshold}
}

// NewF1Score is the F-1 score, NewFBetaScore(1) named "f1_score".
func NewF1Score(opts ...Option) *FBetaScore {
	m := NewFBetaScore(1, append([]Option{WithName("f1_score")}, opts...)...)
	return m
}

// Name implements Metric.
func (m *FBetaScore) Name() string { return m.name }

// UpdateState implements Metric. Sample weights may be per sample or per
// element.
func (m *FBetaScore) UpdateState(yTrue, yPred, sw *tensor.Tensor) error {
	if yPred.Rank() != 2 || yTrue.Rank() != 2 || yTrue.Size() != yPred.Size() {
		return fmt.Errorf("metrics: %s expects labels and predictions of shape (batch, classes), got %v and %v", m.name, yTrue.Shape(), yPred.Shape())
	}
	b, k := yPred.Dim(0), yPred.Dim(1)
	perElem := false
	if sw != nil {
		switch {
		case sw.Size() == b*k && sw.Rank() == 2:
			perElem = true
		case sw.Size() == b || sw.Size() == 1:
		default:
			return fmt.Errorf("metrics: %s: sample weights of shape %v do not fit predictions of shape %v", m.name, sw.Shape(), yPred.Shape())
		}
	}
	if m.tp == nil {
		m.tp, m.fp, m.fn, m.support = make([]float64, k), make([]float64, k), make([]float64, k), make([]float64, k)
		m.pred = make([]float64, k)
	} else if len(m.tp) != k {
		return fmt.Errorf("metrics: %s: %d classes, earlier batches had %d", m.name, k, len(m.tp))
	}
	for i := 0; i < b; i++ {
		if m.hasThreshold {
			for j := 0; j < k; j++ {
				m.pred[j] = b2f(yPred.Float(i*k+j) > m.threshold)
			}
		} else {
			mx := yPred.Float(i * k)
			for j := 1; j < k; j++ {
				mx = max(mx, yPred.Float(i*k+j))
			}
			for j := 0; j < k; j++ {
				p := yPred.Float(i*k + j)
				m.pred[j] = b2f(p >= mx && (p > 1e-9 || p < -1e-9))
			}
		}
		for j := 0; j < k; j++ {
			w := 1.0
			switch {
			case perElem:
				w = sw.Float(i*k + j)
			case sw != nil && sw.Size() == 1:
				w = sw.Float(0)
			case sw != nil:
				w = sw.Float(i)
			}
			y, p := yTrue.Float(i*k+j), m.pred[j]
			m.tp[j] += w * p * y
			m.fp[j] += w * p * (1 - y)
			m.fn[j] += w * (1 - p) * y
			m.support[j] += w * y
		}
	}
	return nil
}

func fbeta(tp, fp, fn, beta float64) float64 {
	p := tp / (tp + fp + Epsilon)
	r := tp / (tp + fn + Epsilon)
	b2 := beta * beta
	return p * r / (b2*p + r + Epsilon) * (1 + b2)
}

// Results returns the score per class (average ""), or the averaged score
// as a single value.
func (m *FBetaScore) Results() []float64 {
	k := len(m.tp)
	if k == 0 {
		return nil
	}
	if m.average == "micro" {
		var tp, fp, fn float64
		for j := 0; j < k; j++ {
			tp, fp, fn = tp+m.tp[j], fp+m.fp[j], fn+m.fn[j]
		}
		m.out = append(m.out[:0], fbeta(tp, fp, fn, m.beta))
		return m.out
	}
	m.out = m.out[:0]
	for j := 0; j < k; j++ {
		m.out = append(m.out, fbeta(m.tp[j], m.fp[j], m.fn[j], m.beta))
	}
	switch m.average {
	case "macro":
		var s float64
		for _, v := range m.out {
			s += v
		}
		m.out = append(m.out[:0], s/float64(k))
	case "weighted":
		var tot float64
		for _, v := range m.support {
			tot += v
		}
		var s float64
		for j, v := range m.out {
			s += v * m.support[j] / (tot + Epsilon)
		}
		m.out = append(m.out[:0], s)
	}
	return m.out
}

// Result implements Metric: the averaged score, or the mean over classes
// when the average is "" (Keras returns the vector; see Results).
func (m *FBetaScore) Result() float64 {
	r := m.Results()
	if len(r) == 0 {
		return 0
	}
	var s float64
	for _, v := range r {
		s += v
	}
	return s / float64(len(r))
}

// ResetState implements Metric.
func (m *FBetaScore) ResetState() {
	clear(m.tp)
	clear(m.fp)
	clear(m.fn)
	clear(m.support)
}
