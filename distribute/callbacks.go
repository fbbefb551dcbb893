package distribute

import "github.com/tensorgo/tensorgo/keras"

// ChiefOnly wraps callbacks so that they run on rank 0 alone: for those
// that write files or print (checkpoints, TensorBoard events, CSV logs),
// which would otherwise write the same file from every rank. SetModel is
// passed on everywhere; every other hook only on rank 0. The callbacks'
// decisions must not change training (EarlyStopping, learning-rate
// schedules run unwrapped, on every rank, so that the ranks stay equal).
func ChiefOnly(r keras.Replicas, cbs ...keras.Callback) []keras.Callback {
	out := make([]keras.Callback, len(cbs))
	for i, cb := range cbs {
		out[i] = &chiefOnly{cb: cb, chief: r == nil || r.Rank() == 0}
	}
	return out
}

// chiefOnly is one callback of ChiefOnly.
type chiefOnly struct {
	cb    keras.Callback
	chief bool
}

// Unwrap returns the wrapped callback.
func (c *chiefOnly) Unwrap() keras.Callback { return c.cb }

func (c *chiefOnly) SetModel(m *keras.Model) { c.cb.SetModel(m) }

func (c *chiefOnly) OnTrainBegin(l keras.Logs) error {
	if !c.chief {
		return nil
	}
	return c.cb.OnTrainBegin(l)
}

func (c *chiefOnly) OnTrainEnd(l keras.Logs) error {
	if !c.chief {
		return nil
	}
	return c.cb.OnTrainEnd(l)
}

func (c *chiefOnly) OnEpochBegin(e int, l keras.Logs) error {
	if !c.chief {
		return nil
	}
	return c.cb.OnEpochBegin(e, l)
}

func (c *chiefOnly) OnEpochEnd(e int, l keras.Logs) error {
	if !c.chief {
		return nil
	}
	return c.cb.OnEpochEnd(e, l)
}

func (c *chiefOnly) OnTrainBatchBegin(b int, l keras.Logs) error {
	if !c.chief {
		return nil
	}
	return c.cb.OnTrainBatchBegin(b, l)
}

func (c *chiefOnly) OnTrainBatchEnd(b int, l keras.Logs) error {
	if !c.chief {
		return nil
	}
	return c.cb.OnTrainBatchEnd(b, l)
}
