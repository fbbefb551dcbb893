package keras

import "math"

// Callback is called by Fit at the start and end of training, of each epoch
// and of each batch (Keras's callbacks). Embed CallbackBase to implement
// only the hooks you need. Logs passed to batch hooks are reused between
// batches: copy what you keep.
//
// A hook that returns an error stops Fit at once, as an exception raised in
// a Keras callback stops fit: no further hook runs and Fit returns the
// error, wrapped with the callback's type and the hook's name.
type Callback interface {
	SetModel(m *Model)
	OnTrainBegin(logs Logs) error
	OnTrainEnd(logs Logs) error
	OnEpochBegin(epoch int, logs Logs) error
	OnEpochEnd(epoch int, logs Logs) error
	OnTrainBatchBegin(batch int, logs Logs) error
	OnTrainBatchEnd(batch int, logs Logs) error
}

// CallbackBase implements every Callback hook as a no-op and keeps the
// model.
type CallbackBase struct {
	Model *Model
}

// SetModel implements Callback.
func (c *CallbackBase) SetModel(m *Model) { c.Model = m }

// OnTrainBegin implements Callback.
func (c *CallbackBase) OnTrainBegin(Logs) error { return nil }

// OnTrainEnd implements Callback.
func (c *CallbackBase) OnTrainEnd(Logs) error { return nil }

// OnEpochBegin implements Callback.
func (c *CallbackBase) OnEpochBegin(int, Logs) error { return nil }

// OnEpochEnd implements Callback.
func (c *CallbackBase) OnEpochEnd(int, Logs) error { return nil }

// OnTrainBatchBegin implements Callback.
func (c *CallbackBase) OnTrainBatchBegin(int, Logs) error { return nil }

// OnTrainBatchEnd implements Callback.
func (c *CallbackBase) OnTrainBatchEnd(int, Logs) error { return nil }

// LambdaCallback calls the functions that are set (Keras's LambdaCallback).
// A function's error stops Fit, as any callback's.
type LambdaCallback struct {
	CallbackBase
	OnTrainBeginFn func(logs Logs) error
	OnEpochBeginFn func(epoch int, logs Logs) error
	OnEpochEndFn   func(epoch int, logs Logs) error
	OnBatchBeginFn func(batch int, logs Logs) error
	OnBatchEndFn   func(batch int, logs Logs) error
	OnTrainEndFn   func(logs Logs) error
}

// OnTrainBegin implements Callback.
func (c *LambdaCallback) OnTrainBegin(l Logs) error {
	if c.OnTrainBeginFn != nil {
		return c.OnTrainBeginFn(l)
	}
	return nil
}

// OnEpochBegin implements Callback.
func (c *LambdaCallback) OnEpochBegin(e int, l Logs) error {
	if c.OnEpochBeginFn != nil {
		return c.OnEpochBeginFn(e, l)
	}
	return nil
}

// OnEpochEnd implements Callback.
func (c *LambdaCallback) OnEpochEnd(e int, l Logs) error {
	if c.OnEpochEndFn != nil {
		return c.OnEpochEndFn(e, l)
	}
	return nil
}

// OnTrainBatchBegin implements Callback.
func (c *LambdaCallback) OnTrainBatchBegin(b int, l Logs) error {
	if c.OnBatchBeginFn != nil {
		return c.OnBatchBeginFn(b, l)
	}
	return nil
}

// OnTrainBatchEnd implements Callback.
func (c *LambdaCallback) OnTrainBatchEnd(b int, l Logs) error {
	if c.OnBatchEndFn != nil {
		return c.OnBatchEndFn(b, l)
	}
	return nil
}

// OnTrainEnd implements Callback.
func (c *LambdaCallback) OnTrainEnd(l Logs) error {
	if c.OnTrainEndFn != nil {
		return c.OnTrainEndFn(l)
	}
	return nil
}

// History records the logs at the end of every epoch; Fit returns it. Fit
// calls it after every other callback, as Keras does, so it records every
// key of the epoch's logs, those callbacks add (such as the "learning_rate"
// of LearningRateScheduler and ReduceLROnPlateau) included.
type History struct {
	CallbackBase
	// Epoch lists the epochs run (0-based, as Keras).
	Epoch []int
	// History maps each log name ("loss", "accuracy", "val_loss", ...) to
	// its value per epoch.
	History map[string][]float64
}

// NewHistory returns an empty History.
func NewHistory() *History { return &History{History: map[string][]float64{}} }

// OnEpochEnd implements Callback.
func (h *History) OnEpochEnd(epoch int, logs Logs) error {
	h.Epoch = append(h.Epoch, epoch)
	for k, v := range logs {
		h.History[k] = append(h.History[k], v)
	}
	return nil
}

// Last returns the last value of a log, or NaN.
func (h *History) Last(name string) float64 {
	v := h.History[name]
	if len(v) == 0 {
		return math.NaN()
	}
	return v[len(v)-1]
}

// TerminateOnNaN stops training, without an error, when the loss becomes
// NaN or infinite. (Without it, Fit returns an error on a NaN loss.)
type TerminateOnNaN struct{ CallbackBase }
