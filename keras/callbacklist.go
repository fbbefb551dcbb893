package keras

import "fmt"

// callbackList calls every callback's hook in order, stopping at the first
// error.
type callbackList []Callback

func cbError(cb Callback, hook string, err error) error {
	return fmt.Errorf("keras: Fit: callback %T: %s: %w", cb, hook, err)
}

func (cs callbackList) trainBegin(logs Logs) error {
	for _, cb := range cs {
		if err := cb.OnTrainBegin(logs); err != nil {
			return cbError(cb, "OnTrainBegin", err)
		}
	}
	return nil
}

func (cs callbackList) trainEnd(logs Logs) error {
	for _, cb := range cs {
		if err := cb.OnTrainEnd(logs); err != nil {
			return cbError(cb, "OnTrainEnd", err)
		}
	}
	return nil
}

func (cs callbackList) epochBegin(epoch int, logs Logs) error {
	for _, cb := range cs {
		if err := cb.OnEpochBegin(epoch, logs); err != nil {
			return cbError(cb, "OnEpochBegin", err)
		}
	}
	return nil
}

func (cs callbackList) epochEnd(epoch int, logs Logs) error {
	for _, cb := range cs {
		if err := cb.OnEpochEnd(epoch, logs); err != nil {
			return cbError(cb, "OnEpochEnd", err)
		}
	}
	return nil
}

func (cs callbackList) batchBegin(b int, logs Logs) error {
	for _, cb := range cs {
		if err := cb.OnTrainBatchBegin(b, logs); err != nil {
			return cbError(cb, "OnTrainBatchBegin", err)
		}
	}
	return nil
}

func (cs callbackList) batchEnd(b int, logs Logs) error {
	for _, cb := range cs {
		if err := cb.OnTrainBatchEnd(b, logs); err != nil {
			return cbError(cb, "OnTrainBatchEnd", err)
		}
	}
	return nil
}

func (cs callbackList) terminateOnNaN() bool {
	for _, cb := range cs {
		if _, ok := cb.(*TerminateOnNaN); ok {
			return true
		}
	}
	return false
}

// fitHook is implemented by callbacks that save or restore the state of
// training (BackupAndRestore): Fit calls these after every callback has run
// the matching hook, so that what is restored is not reset by another
// callback's OnTrainBegin, and what is saved has every callback's changes.
type fitHook interface {
	// afterTrainBegin runs after every OnTrainBegin.
	afterTrainBegin() error
	// afterBatch runs after every OnTrainBatchEnd; last says the batch
	// was the epoch's last (when the epoch's length is known).
	afterBatch(last bool) error
	// afterEpoch runs after every OnEpochEnd.
	afterEpoch() error
	// fitDone runs when Fit's loop returns, however it ends, before the
	// train-end hooks when training completes; an error it returns is
	// Fit's if Fit has none.
	fitDone() error
}

func (cs callbackList) afterTrainBegin() error {
	for _, cb := range cs {
		if h, ok := cb.(fitHook); ok {
			if err := h.afterTrainBegin(); err != nil {
				return cbError(cb, "OnTrainBegin", err)
			}
		}
	}
	return nil
}

func (cs callbackList) afterBatch(last bool) error {
	for _, cb := range cs {
		if h, ok := cb.(fitHook); ok {
			if err := h.afterBatch(last); err != nil {
				return cbError(cb, "OnTrainBatchEnd", err)
			}
		}
	}
	return nil
}

func (cs callbackList) afterEpoch() error {
	for _, cb := range cs {
		if h, ok := cb.(fitHook); ok {
			if err := h.afterEpoch(); err != nil {
				return cbError(cb, "OnEpochEnd", err)
			}
		}
	}
	return nil
}

func (cs callbackList) fitDone() error {
	var first error
	for _, cb := range cs {
		if h, ok := cb.(fitHook); ok {
			if err := h.fitDone(); err != nil && first == nil {
				first = cbError(cb, "saving", err)
			}
		}
	}
	return first
}
