package keras

import (
	"fmt"
	"math"

	"github.com/tensorgo/tensorgo/keras/metrics"
	"github.com/tensorgo/tensorgo/tensor"
	"github.com/tensorgo/tensorgo/tf"
)

// runner feeds one compiled step for one call of Fit or Evaluate: it holds
// the call's feeds, fetch buffers and metric state, so that calls running at
// the same time do not share any.
type runner struct {
	m       *Model
	st      *step
	feeds   tf.Feeds
	logs    Logs
	loss    *lossMean
	outL    []*lossMean // per-output losses (several outputs only)
	metrics [][]metrics.Metric
	vals    []float64
	out     []*tensor.Tensor
	seen    float64 // samples run since the last reset
}

// newRunner returns a runner of st writing its values into logs (a fresh
// map when nil).
func (m *Model) newRunner(st *step, logs Logs) *runner {
	if logs == nil {
		logs = Logs{}
	}
	r := &runner{m: m, st: st, feeds: tf.Feeds{}, logs: logs, loss: &lossMean{},
		metrics: st.newMetrics(), vals: make([]float64, len(st.names)), out: make([]*tensor.Tensor, len(st.fetches))}
	for range st.outLosses {
		r.outL = append(r.outL, &lossMean{})
	}
	return r
}

func (r *runner) reset() {
	r.seen = 0
	r.loss.ResetState()
	for _, l := range r.outL {
		l.ResetState()
	}
	for _, ms := range r.metrics {
		for _, mt := range ms {
			mt.ResetState()
		}
	}
}

// run feeds one batch, runs the step and updates the metrics. It allocates
// nothing once the step's plan and buffers exist.
func (r *runner) run(b *batch) error {
	st, m := r.st, r.m
	for i, ph := range m.inPh {
		r.feeds[ph] = b.xs[i]
	}
	for i, ph := range st.yPh {
		r.feeds[ph] = b.ys[i]
	}
	for i, ph := range st.swPh {
		r.feeds[ph] = b.sws[i]
	}
	// RunInto copies the fetched loss and outputs into r.out's buffers:
	// nothing is allocated once they exist. The read lock keeps the graph
	// still while it runs (another call may be adding a step to it).
	var err error
	m.mu.RLock()
	if st.target != nil {
		err = m.sess.RunInto(r.out, r.feeds, st.fetches, st.target)
	} else {
		err = m.sess.RunInto(r.out, r.feeds, st.fetches)
	}
	m.mu.RUnlock()
	if err != nil {
		return err
	}
	out := r.out
	n := b.xs[0].Dim(0)
	loss := out[0].Float(0)
	r.loss.Add(loss, float64(n))
	for i, ms := range r.metrics {
		for _, mt := range ms {
			// Keras's compiled metrics are not weighted by sample weights
			// (weighted_metrics are).
			if err := mt.UpdateState(b.ys[i], out[1+i], nil); err != nil {
				return err
			}
		}
	}
	r.vals[0] = r.loss.Result()
	k := 1
	for j, l := range r.outL {
		l.Add(out[1+len(st.outputs)+j].Float(0), float64(n))
		r.vals[k] = l.Result()
		k++
	}
	for _, ms := range r.metrics {
		for _, mt := range ms {
			r.vals[k] = mt.Result()
			k++
		}
	}
	r.seen += float64(n)
	if err := r.averageLogs(r.seen); err != nil { // data-parallel training only
		return err
	}
	for i, name := range st.names {
		r.logs[name] = r.vals[i]
	}
	if math.IsNaN(loss) || math.IsInf(loss, 0) {
		return &nanError{loss: loss}
	}
	return nil
}

// results returns the loss and the metrics by name.
func (r *runner) results() (float64, map[string]float64) {
	res := map[string]float64{}
	for i, n := range r.st.names[1:] {
		res[n] = r.vals[i+1]
	}
	return r.vals[0], res
}

type nanError struct{ loss float64 }

func (e *nanError) Error() string { return fmt.Sprintf("loss is %v", e.loss) }
