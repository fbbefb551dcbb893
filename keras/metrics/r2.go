package metrics

import (
	"fmt"
	"math"

	"github.com/tensorgo/tensorgo/tensor"
)

// R2Score is the coefficient of determination, 1 - SS_res / SS_tot, per
// output of (batch, outputs) data, averaged as Keras's R2Score:
// "uniform_average" (default), "variance_weighted_average" or none (per
// output); with WithNumRegressors, the adjusted R².
type R2Score struct {
	name                     string
	aggregation              string
	regressors               int
	sum, sqSum, resid, count []float64
	samples                  float64
	out                      []float64
	shapes                   values
}

// NewR2Score returns an R² metric. Options: WithClassAggregation,
// WithNumRegressors, WithName.
func NewR2Score(opts ...Option) *R2Score {
	o := newOptions("r2_score", opts, "class_aggregation", "num_regressors")
	return &R2Score{name: o.name, aggregation: o.aggregation, regressors: o.numRegressors}
}

// Name implements Metric.
func (m *R2Score) Name() string { return m.name }

// UpdateState implements Metric. Sample weights may be per sample or per
// element.
func (m *R2Score) UpdateState(yTrue, yPred, sw *tensor.Tensor) error {
	ts, ps := m.shapes.pairShapes(yTrue.Shape(), yPred.Shape())
	if len(ps) != 2 || len(ts) != 2 || yTrue.Size() != yPred.Size() {
		return fmt.Errorf("metrics: %s expects labels and predictions of shape (batch, outputs), got %v and %v", m.name, yTrue.Shape(), yPred.Shape())
	}
	b, k := ps[0], ps[1]
	if m.sum == nil {
		m.sum, m.sqSum, m.resid, m.count = make([]float64, k), make([]float64, k), make([]float64, k), make([]float64, k)
	} else if len(m.sum) != k {
		return fmt.Errorf("metrics: %s: %d outputs, earlier batches had %d", m.name, k, len(m.sum))
	}
	perElem := sw != nil && sw.Size() == b*k && k > 1
	if sw != nil && !perElem && sw.Size() != b && sw.Size() != 1 {
		return fmt.Errorf("metrics: %s: sample weights of shape %v do not fit predictions of shape %v", m.name, sw.Shape(), yPred.Shape())
	}
	for i := 0; i < b; i++ {
		any := false
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
			y, p := yTrue.Float(i*k+j), yPred.Float(i*k+j)
			m.sum[j] += y * w
			m.sqSum[j] += y * y * w
			m.resid[j] += (y - p) * (y - p) * w
			m.count[j] += w
			any = any || w != 0
		}
		if any {
			m.samples++
		}
	}
	return nil
}

// Results returns the score per output (aggregation "") or the aggregated
// score as a single value.
func (m *R2Score) Results() []float64 {
	k := len(m.sum)
	if k == 0 {
		return nil
	}
	m.out = m.out[:0]
	var wsum, tsum float64
	for j := 0; j < k; j++ {
		mean := m.sum[j] / m.count[j]
		total := m.sqSum[j] - m.sum[j]*mean
		raw := 1 - m.resid[j]/total
		if math.IsInf(raw, 0) {
			raw = 0
		}
		m.out = append(m.out, raw)
		wsum += total * raw
		tsum += total
	}
	switch m.aggregation {
	case "uniform_average":
		var s float64
		for _, v := range m.out {
			s += v
		}
		m.out = append(m.out[:0], s/float64(k))
	case "variance_weighted_average":
		m.out = append(m.out[:0], wsum/tsum)
	}
	if p := float64(m.regressors); p != 0 && p < m.samples-1 {
		n := m.samples
		for i, r := range m.out {
			m.out[i] = 1 - (1-r)*(n-1)/(n-p-1)
		}
	}
	return m.out
}

// Result implements Metric: the aggregated score (the mean over outputs
// when the aggregation is "", for which Keras returns the vector; see
// Results).
func (m *R2Score) Result() float64 {
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
func (m *R2Score) ResetState() {
	clear(m.sum)
	clear(m.sqSum)
	clear(m.resid)
	clear(m.count)
	m.samples = 0
}
