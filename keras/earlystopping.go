package keras

import (
	"fmt"
	"math"
	"sort"
	"strings"

	"github.com/tensorgo/tensorgo/tensor"
)

// better decides whether smaller or larger is better for a monitored value,
// as Keras's "auto" mode does from the monitor's name.
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

// monitorWarning is printed once per training when a monitored key is not in
// the logs, as Keras's warning (which Python shows once).
func monitorWarning(m *Model, who, monitor string, logs Logs) {
	keys := make([]string, 0, len(logs))
	for k := range logs {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	fmt.Fprintf(m.output(), "WARNING: %s conditioned on metric `%s` which is not available. Available metrics are: %s\n", who, monitor, strings.Join(keys, ","))
}

// EarlyStopping stops training when a monitored value stops improving
// (Keras's EarlyStopping). Zero values are Keras's defaults: Monitor
// "val_loss", MinDelta 0, Patience 0, Mode "auto", no Baseline.
type EarlyStopping struct {
	CallbackBase
	Monitor string
	// MinDelta is the least change that counts as an improvement.
	MinDelta float64
	// Patience is the number of epochs without improvement to wait.
	Patience int
	// Mode is "min", "max" or "auto" (from the monitor's name).
	Mode string
	// Baseline, if not nil, is a value the monitor must beat for the
	// patience counter to start again: epochs that improve on the best
	// value so far without beating Baseline still count as waiting.
	Baseline *float64
	// RestoreBestWeights puts back the weights of the best epoch when
	// training ends, however it ends (this callback, another one, or the
	// last epoch).
	RestoreBestWeights bool
	// StartFromEpoch ignores the first epochs (warm-up).
	StartFromEpoch int
	// Verbose prints when training stops and when weights are restored.
	Verbose bool
	// StoppedEpoch is the epoch training stopped at (0 if it did not).
	StoppedEpoch int
	// BestEpoch is the epoch with the best value.
	BestEpoch int

	wait        int
	best        float64
	bestWeights []*tensor.Tensor
	improved    func(a, b float64) bool
	warned      bool
}

func (e *EarlyStopping) monitor() string {
	if e.Monitor == "" {
		return "val_loss"
	}
	return e.Monitor
}

// OnTrainBegin implements Callback.
func (e *EarlyStopping) OnTrainBegin(Logs) error {
	e.wait, e.StoppedEpoch, e.BestEpoch, e.bestWeights, e.warned = 0, 0, 0, nil, false
	e.improved = better(e.Mode, e.monitor())
	e.best = math.Inf(1)
	if e.improved(1, 0) {
		e.best = math.Inf(-1)
	}
	return nil
}

// isImprovement is Keras's _is_improvement: v beats ref by MinDelta in the
// direction of improvement.
func (e *EarlyStopping) isImprovement(v, ref float64) bool {
	d := math.Abs(e.MinDelta)
	if !e.improved(1, 0) { // minimising: improvement means v < ref - d
		d = -d
	}
	return e.improved(v-d, ref)
}

// OnEpochEnd implements Callback.
func (e *EarlyStopping) OnEpochEnd(epoch int, logs Logs) error {
	v, ok := logs[e.monitor()]
	if !ok {
		if !e.warned {
			e.warned = true
			monitorWarning(e.Model, "Early stopping", e.monitor(), logs)
		}
		return nil
	}
	if epoch < e.StartFromEpoch {
		return nil
	}
	if e.RestoreBestWeights && e.bestWeights == nil {
		// Never set: the current weights are the best (Keras).
		e.bestWeights, e.BestEpoch = e.Model.GetWeights(), epoch
	}
	e.wait++
	if e.isImprovement(v, e.best) {
		e.best, e.BestEpoch = v, epoch
		if e.RestoreBestWeights {
			e.bestWeights = e.Model.GetWeights()
		}
		if e.Baseline == nil || e.isImprovement(v, *e.Baseline) {
			e.wait = 0
		}
		return nil
	}
	if e.wait >= e.Patience && epoch > 0 {
		e.StoppedEpoch = epoch
		e.Model.StopTraining = true
	}
	return nil
}

// OnTrainEnd implements Callback: it reports the stop and restores the best
// weights.
func (e *EarlyStopping) OnTrainEnd(Logs) error {
	if e.StoppedEpoch > 0 && e.Verbose {
		fmt.Fprintf(e.Model.output(), "Epoch %d: early stopping\n", e.StoppedEpoch+1)
	}
	if e.RestoreBestWeights && e.bestWeights != nil {
		if e.Verbose {
			fmt.Fprintf(e.Model.output(), "Restoring model weights from the end of the best epoch: %d.\n", e.BestEpoch+1)
		}
		if err := e.Model.SetWeights(e.bestWeights); err != nil {
			return fmt.Errorf("restoring the best weights: %w", err)
		}
	}
	return nil
}
