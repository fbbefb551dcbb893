package keras

import (
	"encoding"
)

// fitProgress is where a running Fit is (Model.fit while it runs), for the
// callbacks that save and restore the state of training.
type fitProgress struct {
	src    source
	ep     *epochIterator
	cbs    callbackList
	epoch  int   // the epoch running, or the next one between epochs
	batch  int   // batches done in the epoch
	global int64 // batches done since the run began, counted across resumes
	r      *runner
	// resume is set by a restore in OnTrainBegin: where the loop goes on.
	resume *resumePoint
}

// resumePoint is where a restored run continues.
type resumePoint struct {
	epoch, batch int
	stop         bool // the run had stopped (StopTraining): only its end is left
	lr           float64
	metrics      [][]byte
}

// applyLearningRate puts back the saved rate unless the optimizer already
// has it (a schedule computes it from the restored iterations; setting it
// would replace the schedule).
func (rp *resumePoint) applyLearningRate(m *Model) {
	if lr, ok := m.Optimizer().(learningRater); ok && lr.LearningRate() != rp.lr {
		lr.SetLearningRate(rp.lr)
	}
}

// restoreMetrics puts back the running means and metrics of the
// interrupted epoch into r, for those that implement
// encoding.BinaryUnmarshaler; others start the resumed epoch afresh (its
// logged values then cover only the batches after the resume).
func (rp *resumePoint) restoreMetrics(r *runner) {
	ms := r.metricObjects()
	if len(ms) != len(rp.metrics) {
		return
	}
	for i, mt := range ms {
		if u, ok := mt.(encoding.BinaryUnmarshaler); ok && rp.metrics[i] != nil {
			u.UnmarshalBinary(rp.metrics[i]) // a state this build wrote
		}
	}
}

// metricObjects lists the runner's loss mean, per-output loss means and
// metrics in a fixed order.
func (r *runner) metricObjects() []any {
	out := []any{r.loss}
	for _, l := range r.outL {
		out = append(out, l)
	}
	for _, ms := range r.metrics {
		for _, mt := range ms {
			out = append(out, mt)
		}
	}
	return out
}
