package keras

import (
	"fmt"
	"math"
)

// LearningRateScheduler sets the learning rate at the start of each epoch
// from Schedule(epoch, current rate), and logs it as "learning_rate".
type LearningRateScheduler struct {
	CallbackBase
	Schedule func(epoch int, lr float64) float64
	Verbose  bool
}

// OnEpochBegin implements Callback.
func (s *LearningRateScheduler) OnEpochBegin(epoch int, logs Logs) error {
	lr, ok := s.Model.Optimizer().(learningRater)
	if !ok {
		return nil
	}
	nl := s.Schedule(epoch, lr.LearningRate())
	lr.SetLearningRate(nl)
	if s.Verbose {
		fmt.Fprintf(s.Model.output(), "\nEpoch %d: LearningRateScheduler setting learning rate to %v.\n", epoch+1, nl)
	}
	return nil
}

// OnEpochEnd implements Callback (it logs "learning_rate").
func (s *LearningRateScheduler) OnEpochEnd(epoch int, logs Logs) error {
	if lr, ok := s.Model.Optimizer().(learningRater); ok {
		logs["learning_rate"] = lr.LearningRate()
	}
	return nil
}

// ReduceLROnPlateau multiplies the learning rate by Factor when a monitored
// value has not improved by more than MinDelta for Patience epochs (Keras's
// ReduceLROnPlateau). It logs the rate as "learning_rate".
//
// NewReduceLROnPlateau returns one with Keras's defaults. In a struct
// literal every field is used as given (Patience 0 and MinDelta 0 mean
// zero), except that an empty Monitor means "val_loss" and a zero Factor
// means 0.1 (a factor of zero is never useful).
type ReduceLROnPlateau struct {
	CallbackBase
	// Monitor is the log key watched (default "val_loss").
	Monitor string
	// Factor multiplies the rate on a plateau (default 0.1).
	Factor float64
	// Patience is the number of epochs without improvement before the rate
	// falls (Keras's default 10).
	Patience int
	// MinDelta is the least change that counts as an improvement (Keras's
	// default 1e-4).
	MinDelta float64
	// Mode is "min", "max" or "auto" (from the monitor's name).
	Mode string
	// Cooldown is the number of epochs to wait after a reduction before
	// counting again.
	Cooldown int
	// MinLR is the lowest rate.
	MinLR float64
	// Verbose prints each reduction.
	Verbose bool

	wait, cool int
	best       float64
	improved   func(a, b float64) bool
	warned     bool
}

// NewReduceLROnPlateau returns a ReduceLROnPlateau with Keras's defaults:
// monitor "val_loss", factor 0.1, patience 10, min_delta 1e-4, mode "auto",
// cooldown 0, min_lr 0. Change its fields before Fit.
func NewReduceLROnPlateau() *ReduceLROnPlateau {
	return &ReduceLROnPlateau{Monitor: "val_loss", Factor: 0.1, Patience: 10, MinDelta: 1e-4, Mode: "auto"}
}

func (r *ReduceLROnPlateau) monitor() string {
	if r.Monitor == "" {
		return "val_loss"
	}
	return r.Monitor
}

func (r *ReduceLROnPlateau) factor() float64 {
	if r.Factor == 0 {
		return 0.1
	}
	return r.Factor
}

// OnTrainBegin implements Callback.
func (r *ReduceLROnPlateau) OnTrainBegin(Logs) error {
	if f := r.factor(); f >= 1 || f < 0 {
		return fmt.Errorf("ReduceLROnPlateau does not support a factor >= 1 or < 0, got %v", f)
	}
	r.improved = better(r.Mode, r.monitor())
	r.best = math.Inf(1)
	if r.improved(1, 0) {
		r.best = math.Inf(-1)
	}
	r.wait, r.cool, r.warned = 0, 0, false
	return nil
}

// OnEpochEnd implements Callback.
func (r *ReduceLROnPlateau) OnEpochEnd(epoch int, logs Logs) error {
	lr, ok := r.Model.Optimizer().(learningRater)
	if !ok {
		return nil
	}
	logs["learning_rate"] = lr.LearningRate()
	v, ok := logs[r.monitor()]
	if !ok {
		if !r.warned {
			r.warned = true
			monitorWarning(r.Model, "Learning rate reduction", r.monitor(), logs)
		}
		return nil
	}
	if r.cool > 0 {
		r.cool--
		r.wait = 0
	}
	d := math.Abs(r.MinDelta)
	if !r.improved(1, 0) {
		d = -d
	}
	if r.improved(v-d, r.best) {
		r.best, r.wait = v, 0
		return nil
	}
	if r.cool > 0 {
		return nil
	}
	r.wait++
	if r.wait >= r.Patience {
		old := lr.LearningRate()
		if old > r.MinLR {
			nl := math.Max(old*r.factor(), r.MinLR)
			lr.SetLearningRate(nl)
			if r.Verbose {
				fmt.Fprintf(r.Model.output(), "\nEpoch %d: ReduceLROnPlateau reducing learning rate to %v.\n", epoch+1, nl)
			}
			r.cool, r.wait = r.Cooldown, 0
		}
	}
	return nil
}
