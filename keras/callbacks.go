package keras

import (
	"encoding/csv"
	"fmt"
	"math"
	"os"
	"sort"
	"strconv"
	"strings"

	"github.com/tensorgo/tensorgo/tensor"
)

// Callback is called by Fit at the start and end of training, of each epoch
// and of each batch (Keras's callbacks). Embed CallbackBase to implement
// only the hooks you need. Logs passed to batch hooks are reused between
// batches: copy what you keep.
type Callback interface {
	SetModel(m *Model)
	OnTrainBegin(logs Logs)
	OnTrainEnd(logs Logs)
	OnEpochBegin(epoch int, logs Logs)
	OnEpochEnd(epoch int, logs Logs)
	OnTrainBatchBegin(batch int, logs Logs)
	OnTrainBatchEnd(batch int, logs Logs)
}

// CallbackBase implements every Callback hook as a no-op and keeps the
// model.
type CallbackBase struct {
	Model *Model
}

// SetModel implements Callback.
func (c *CallbackBase) SetModel(m *Model) { c.Model = m }

// OnTrainBegin implements Callback.
func (c *CallbackBase) OnTrainBegin(Logs) {}

// OnTrainEnd implements Callback.
func (c *CallbackBase) OnTrainEnd(Logs) {}

// OnEpochBegin implements Callback.
func (c *CallbackBase) OnEpochBegin(int, Logs) {}

// OnEpochEnd implements Callback.
func (c *CallbackBase) OnEpochEnd(int, Logs) {}

// OnTrainBatchBegin implements Callback.
func (c *CallbackBase) OnTrainBatchBegin(int, Logs) {}

// OnTrainBatchEnd implements Callback.
func (c *CallbackBase) OnTrainBatchEnd(int, Logs) {}

// LambdaCallback calls the functions that are set (Keras's LambdaCallback).
type LambdaCallback struct {
	CallbackBase
	OnEpochBeginFn func(epoch int, logs Logs)
	OnEpochEndFn   func(epoch int, logs Logs)
	OnBatchEndFn   func(batch int, logs Logs)
	OnTrainEndFn   func(logs Logs)
}

// OnEpochBegin implements Callback.
func (c *LambdaCallback) OnEpochBegin(e int, l Logs) {
	if c.OnEpochBeginFn != nil {
		c.OnEpochBeginFn(e, l)
	}
}

// OnEpochEnd implements Callback.
func (c *LambdaCallback) OnEpochEnd(e int, l Logs) {
	if c.OnEpochEndFn != nil {
		c.OnEpochEndFn(e, l)
	}
}

// OnTrainBatchEnd implements Callback.
func (c *LambdaCallback) OnTrainBatchEnd(b int, l Logs) {
	if c.OnBatchEndFn != nil {
		c.OnBatchEndFn(b, l)
	}
}

// OnTrainEnd implements Callback.
func (c *LambdaCallback) OnTrainEnd(l Logs) {
	if c.OnTrainEndFn != nil {
		c.OnTrainEndFn(l)
	}
}

// History records the logs at the end of every epoch; Fit returns it.
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
func (h *History) OnEpochEnd(epoch int, logs Logs) {
	h.Epoch = append(h.Epoch, epoch)
	for k, v := range logs {
		h.History[k] = append(h.History[k], v)
	}
}

// Last returns the last value of a log, or NaN.
func (h *History) Last(name string) float64 {
	v := h.History[name]
	if len(v) == 0 {
		return math.NaN()
	}
	return v[len(v)-1]
}

// monitorMode decides whether smaller or larger is better for a monitored
// value, as Keras's "auto" mode does.
func better(mode, monitor string) func(a, b float64) bool {
	switch mode {
	case "min":
		return func(a, b float64) bool { return a < b }
	case "max":
		return func(a, b float64) bool { return a > b }
	}
	if strings.Contains(monitor, "acc") || strings.HasSuffix(monitor, "auc") || strings.Contains(monitor, "precision") || strings.Contains(monitor, "recall") {
		return func(a, b float64) bool { return a > b }
	}
	return func(a, b float64) bool { return a < b }
}

// EarlyStopping stops training when a monitored value stops improving.
// Zero values take Keras's defaults: Monitor "val_loss", Mode "auto".
type EarlyStopping struct {
	CallbackBase
	Monitor string
	// MinDelta is the least change that counts as an improvement.
	MinDelta float64
	// Patience is the number of epochs without improvement to wait.
	Patience int
	// Mode is "min", "max" or "auto" (from the monitor's name).
	Mode string
	// Baseline, if not nil, is a value the monitor must beat.
	Baseline *float64
	// RestoreBestWeights puts back the weights of the best epoch at the end.
	RestoreBestWeights bool
	// StartFromEpoch ignores the first epochs (warm-up).
	StartFromEpoch int
	// Verbose prints when training stops.
	Verbose bool
	// StoppedEpoch is the epoch training stopped at (0 if it did not).
	StoppedEpoch int
	// BestEpoch is the epoch with the best value.
	BestEpoch int

	wait        int
	best        float64
	bestWeights []*tensor.Tensor
	improved    func(a, b float64) bool
}

func (e *EarlyStopping) monitor() string {
	if e.Monitor == "" {
		return "val_loss"
	}
	return e.Monitor
}

// OnTrainBegin implements Callback.
func (e *EarlyStopping) OnTrainBegin(Logs) {
	e.wait, e.StoppedEpoch, e.BestEpoch, e.bestWeights = 0, 0, 0, nil
	e.improved = better(e.Mode, e.monitor())
	e.best = math.Inf(1)
	if e.improved(1, 0) {
		e.best = math.Inf(-1)
	}
	if e.Baseline != nil {
		e.best = *e.Baseline
	}
}

// OnEpochEnd implements Callback.
func (e *EarlyStopping) OnEpochEnd(epoch int, logs Logs) {
	v, ok := logs[e.monitor()]
	if !ok || epoch < e.StartFromEpoch {
		return
	}
	delta := e.MinDelta
	if !e.improved(1, 0) { // minimising: improvement means v < best - delta
		delta = -math.Abs(delta)
	} else {
		delta = math.Abs(delta)
	}
	if e.RestoreBestWeights && e.bestWeights == nil {
		e.bestWeights = e.Model.GetWeights()
	}
	e.wait++
	if e.improved(v-delta, e.best) {
		e.best, e.BestEpoch, e.wait = v, epoch, 0
		if e.RestoreBestWeights {
			e.bestWeights = e.Model.GetWeights()
		}
		return
	}
	if e.wait >= e.Patience && epoch > 0 {
		e.StoppedEpoch = epoch
		e.Model.StopTraining = true
		if e.RestoreBestWeights && e.bestWeights != nil {
			if e.Verbose {
				fmt.Fprintf(e.Model.output(), "Restoring model weights from the end of the best epoch: %d.\n", e.BestEpoch+1)
			}
			_ = e.Model.SetWeights(e.bestWeights)
		}
	}
}

// OnTrainEnd implements Callback.
func (e *EarlyStopping) OnTrainEnd(Logs) {
	if e.StoppedEpoch > 0 && e.Verbose {
		fmt.Fprintf(e.Model.output(), "Epoch %d: early stopping\n", e.StoppedEpoch+1)
	}
}

// LearningRateScheduler sets the learning rate at the start of each epoch
// from Schedule(epoch, current rate).
type LearningRateScheduler struct {
	CallbackBase
	Schedule func(epoch int, lr float64) float64
	Verbose  bool
}

// OnEpochBegin implements Callback.
func (s *LearningRateScheduler) OnEpochBegin(epoch int, logs Logs) {
	lr, ok := s.Model.Optimizer().(learningRater)
	if !ok {
		return
	}
	nl := s.Schedule(epoch, lr.LearningRate())
	lr.SetLearningRate(nl)
	if s.Verbose {
		fmt.Fprintf(s.Model.output(), "\nEpoch %d: LearningRateScheduler setting learning rate to %v.\n", epoch+1, nl)
	}
}

// OnEpochEnd implements Callback (it logs "learning_rate").
func (s *LearningRateScheduler) OnEpochEnd(epoch int, logs Logs) {
	if lr, ok := s.Model.Optimizer().(learningRater); ok {
		logs["learning_rate"] = lr.LearningRate()
	}
}

// ReduceLROnPlateau multiplies the learning rate by Factor when a monitored
// value has not improved for Patience epochs. Zero values take Keras's
// defaults: Monitor "val_loss", Factor 0.1, Patience 10, MinDelta 1e-4,
// Mode "auto".
type ReduceLROnPlateau struct {
	CallbackBase
	Monitor  string
	Factor   float64
	Patience int
	MinDelta float64
	Mode     string
	Cooldown int
	MinLR    float64
	Verbose  bool

	wait, cool int
	best       float64
	improved   func(a, b float64) bool
}

func (r *ReduceLROnPlateau) defaults() {
	if r.Monitor == "" {
		r.Monitor = "val_loss"
	}
	if r.Factor == 0 {
		r.Factor = 0.1
	}
	if r.Patience == 0 {
		r.Patience = 10
	}
	if r.MinDelta == 0 {
		r.MinDelta = 1e-4
	}
}

// OnTrainBegin implements Callback.
func (r *ReduceLROnPlateau) OnTrainBegin(Logs) {
	r.defaults()
	r.improved = better(r.Mode, r.Monitor)
	r.best = math.Inf(1)
	if r.improved(1, 0) {
		r.best = math.Inf(-1)
	}
	r.wait, r.cool = 0, 0
}

// OnEpochEnd implements Callback.
func (r *ReduceLROnPlateau) OnEpochEnd(epoch int, logs Logs) {
	lr, ok := r.Model.Optimizer().(learningRater)
	if !ok {
		return
	}
	logs["learning_rate"] = lr.LearningRate()
	v, ok := logs[r.Monitor]
	if !ok {
		return
	}
	if r.cool > 0 {
		r.cool--
		r.wait = 0
	}
	d := r.MinDelta
	if !r.improved(1, 0) {
		d = -d
	}
	if r.improved(v-d, r.best) {
		r.best, r.wait = v, 0
		return
	}
	if r.cool > 0 {
		return
	}
	r.wait++
	if r.wait >= r.Patience {
		old := lr.LearningRate()
		if old > r.MinLR {
			nl := math.Max(old*r.Factor, r.MinLR)
			lr.SetLearningRate(nl)
			if r.Verbose {
				fmt.Fprintf(r.Model.output(), "\nEpoch %d: ReduceLROnPlateau reducing learning rate to %v.\n", epoch+1, nl)
			}
			r.cool, r.wait = r.Cooldown, 0
		}
	}
}

// TerminateOnNaN stops training, without an error, when the loss becomes
// NaN or infinite. (Without it, Fit returns an error on a NaN loss.)
type TerminateOnNaN struct{ CallbackBase }

// CSVLogger writes the logs of every epoch to a CSV file (epoch first, then
// the log names sorted), as Keras's CSVLogger.
type CSVLogger struct {
	CallbackBase
	Filename  string
	Separator rune
	Append    bool

	f    *os.File
	w    *csv.Writer
	keys []string
	// Err is the first error writing the file, if any.
	Err error
}

// OnTrainBegin implements Callback.
func (c *CSVLogger) OnTrainBegin(Logs) {
	flag := os.O_CREATE | os.O_WRONLY | os.O_TRUNC
	if c.Append {
		flag = os.O_CREATE | os.O_WRONLY | os.O_APPEND
	}
	c.f, c.Err = os.OpenFile(c.Filename, flag, 0o644)
	if c.Err != nil {
		return
	}
	c.w = csv.NewWriter(c.f)
	if c.Separator != 0 {
		c.w.Comma = c.Separator
	}
	c.keys = nil
}

// OnEpochEnd implements Callback.
func (c *CSVLogger) OnEpochEnd(epoch int, logs Logs) {
	if c.w == nil {
		return
	}
	if c.keys == nil {
		for k := range logs {
			c.keys = append(c.keys, k)
		}
		sort.Strings(c.keys)
		if st, err := c.f.Stat(); err == nil && (!c.Append || st.Size() == 0) {
			c.w.Write(append([]string{"epoch"}, c.keys...))
		}
	}
	row := []string{strconv.Itoa(epoch)}
	for _, k := range c.keys {
		row = append(row, strconv.FormatFloat(logs[k], 'g', -1, 64))
	}
	c.w.Write(row)
	c.w.Flush()
	if err := c.w.Error(); err != nil && c.Err == nil {
		c.Err = err
	}
}

// OnTrainEnd implements Callback.
func (c *CSVLogger) OnTrainEnd(Logs) {
	if c.f != nil {
		if err := c.f.Close(); err != nil && c.Err == nil {
			c.Err = err
		}
		c.f, c.w = nil, nil
	}
}
