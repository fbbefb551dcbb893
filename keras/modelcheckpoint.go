package keras

import (
	"encoding/json"
	"fmt"
	"math"
	"os"
	"path/filepath"

	"github.com/tensorgo/tensorgo/tensor"
)

// ModelCheckpoint saves the model's weights during training (Keras's
// ModelCheckpoint): at the end of every epoch, or every SaveFreq batches,
// to Filepath filled in as Python's str.format fills it in Keras: {epoch}
// (1-based), {batch} (1-based, for batch saves) and any log value
// ({val_loss}, {accuracy}), with format specs such as {epoch:02d} and
// {val_loss:.2f}. With SaveBestOnly it saves only when Monitor improves
// on the best value so far.
//
// Whole-model files (Keras's .keras) do not exist in tensorgo yet, so
// SaveWeightsOnly must be true: Fit fails at its start otherwise, saying
// so. The file's ending picks the weights format as SaveWeights does
// (".tgckpt"). A save that fails stops Fit with its error. The course's
// 断点续训 pairs it with LoadWeights:
//
//	path := "checkpoint/mnist.tgckpt"
//	if _, err := os.Stat(path); err == nil {
//		err = model.LoadWeights(path)
//	}
//	cp := keras.NewModelCheckpoint(path)
//	cp.SaveWeightsOnly, cp.SaveBestOnly = true, true
//	model.Fit(x, y, keras.ValidationData(xt, yt), keras.Callbacks(cp))
type ModelCheckpoint struct {
	CallbackBase
	// Filepath is the file to write, a Python format template.
	Filepath string
	// Monitor is the log key SaveBestOnly compares (default "val_loss").
	Monitor string
	// Verbose prints a line for every save (and, with SaveBestOnly, for
	// every epoch that does not improve).
	Verbose int
	// SaveBestOnly saves only when Monitor improves.
	SaveBestOnly bool
	// SaveWeightsOnly must be true (see above).
	SaveWeightsOnly bool
	// Mode is "min", "max" or "auto" (from Monitor's name).
	Mode string
	// SaveFreq is 0 to save at the end of every epoch (Keras's "epoch"),
	// or a number of batches.
	SaveFreq int
	// InitialValueThreshold, if not nil, is the value Monitor must beat
	// for the first save with SaveBestOnly.
	InitialValueThreshold *float64

	best                float64
	improved            func(a, b float64) bool
	sinceSave, lastSeen int
	epoch               int
	warned              bool
	started             bool
}

// NewModelCheckpoint returns a ModelCheckpoint with Keras's defaults
// (monitor "val_loss", mode "auto", saving every epoch, every save rather
// than the best only) and SaveWeightsOnly set, the only kind tensorgo
// writes.
func NewModelCheckpoint(filepath string) *ModelCheckpoint {
	return &ModelCheckpoint{Filepath: filepath, Monitor: "val_loss", Mode: "auto", SaveWeightsOnly: true}
}

func (c *ModelCheckpoint) monitor() string {
	if c.Monitor == "" {
		return "val_loss"
	}
	return c.Monitor
}

// OnTrainBegin implements Callback: it checks the settings.
func (c *ModelCheckpoint) OnTrainBegin(Logs) error {
	if !c.SaveWeightsOnly {
		return fmt.Errorf("SaveWeightsOnly is false, which saves whole models (Keras's .keras files); tensorgo cannot write those yet: set SaveWeightsOnly and a weights file name (%s)", WeightsExt)
	}
	if c.Filepath == "" {
		return fmt.Errorf("Filepath is empty")
	}
	if _, err := weightsFormat("ModelCheckpoint", c.Filepath); err != nil {
		return err
	}
	if c.SaveFreq < 0 {
		return fmt.Errorf("SaveFreq must be 0 (every epoch) or a positive number of batches, got %d", c.SaveFreq)
	}
	switch c.Mode {
	case "", "auto", "min", "max":
	default:
		// Keras warns and falls back to "auto"; a typo should not pass.
		return fmt.Errorf("Mode %q is not one of auto, min, max", c.Mode)
	}
	c.improved = better(c.Mode, c.monitor())
	if !c.started {
		// As in Keras, where these are set when the callback is made: a
		// second Fit with the same callback keeps the best value.
		c.started = true
		c.best = math.Inf(1)
		if c.improved(1, 0) {
			c.best = math.Inf(-1)
		}
		if c.InitialValueThreshold != nil {
			c.best = *c.InitialValueThreshold
		}
		c.lastSeen = -1
	}
	return nil
}

// OnEpochBegin implements Callback.
func (c *ModelCheckpoint) OnEpochBegin(epoch int, _ Logs) error {
	c.epoch = epoch
	return nil
}

// OnTrainBatchEnd implements Callback: it saves every SaveFreq batches,
// counted across epochs as Keras counts them.
func (c *ModelCheckpoint) OnTrainBatchEnd(batch int, logs Logs) error {
	if c.SaveFreq == 0 {
		return nil
	}
	if batch <= c.lastSeen { // a new epoch
		c.sinceSave += batch + 1
	} else {
		c.sinceSave += batch - c.lastSeen
	}
	c.lastSeen = batch
	if c.sinceSave < c.SaveFreq {
		return nil
	}
	c.sinceSave = 0
	return c.save(c.epoch, batch, logs)
}

// OnEpochEnd implements Callback: it saves when SaveFreq is 0.
func (c *ModelCheckpoint) OnEpochEnd(epoch int, logs Logs) error {
	if c.SaveFreq != 0 {
		return nil
	}
	return c.save(epoch, -1, logs)
}

// filePath fills Filepath in (batch -1: an epoch save).
func (c *ModelCheckpoint) filePath(epoch, batch int, logs Logs) (string, error) {
	ints := map[string]int{"epoch": epoch + 1}
	floats := map[string]float64{}
	for k, v := range logs {
		floats[k] = v
	}
	if batch >= 0 {
		if _, ok := logs["batch"]; !ok {
			ints["batch"] = batch + 1
		}
	}
	p, err := formatFields(c.Filepath, ints, floats)
	if err != nil {
		return "", fmt.Errorf("failed to format this callback filepath: %q. Reason: %w", c.Filepath, err)
	}
	return p, nil
}

func (c *ModelCheckpoint) save(epoch, batch int, logs Logs) error {
	path, err := c.filePath(epoch, batch, logs)
	if err != nil {
		return err
	}
	out := c.Model.output()
	if c.SaveBestOnly {
		cur, ok := logs[c.monitor()]
		if !ok {
			if !c.warned {
				c.warned = true
				fmt.Fprintf(out, "WARNING: Can save best model only with %s available, skipping.\n", c.monitor())
			}
			return nil
		}
		if !c.improved(cur, c.best) {
			if c.Verbose > 0 {
				fmt.Fprintf(out, "\nEpoch %d: %s did not improve from %s\n", epoch+1, c.monitor(), fixed5(c.best))
			}
			return nil
		}
		if c.Verbose > 0 {
			fmt.Fprintf(out, "\nEpoch %d: %s improved from %s to %s, saving model to %s\n", epoch+1, c.monitor(), fixed5(c.best), fixed5(cur), path)
		}
		c.best = cur
	} else if c.Verbose > 0 {
		fmt.Fprintf(out, "\nEpoch %d: saving model to %s\n", epoch+1, path)
	}
	if dir := filepath.Dir(path); dir != "" {
		if err := os.MkdirAll(dir, 0o755); err != nil {
			return err
		}
	}
	return c.Model.SaveWeights(path)
}

// fixed5 is Python's f"{v:.5f}".
func fixed5(v float64) string {
	s, _ := formatFloat(v, ".5f")
	return s
}

type modelCheckpointState struct {
	Best      JSONFloat `json:"best"`
	SinceSave int       `json:"batches_since_save"`
	LastSeen  int       `json:"last_batch_seen"`
	Warned    bool      `json:"warned"`
}

// SaveState implements StatefulCallback: the best value and the batch
// counters, so that a resumed run saves when the uninterrupted one would.
func (c *ModelCheckpoint) SaveState() (CallbackState, error) {
	return CallbackState{Value: modelCheckpointState{Best: JSONFloat(c.best), SinceSave: c.sinceSave, LastSeen: c.lastSeen, Warned: c.warned}}, nil
}

// RestoreState implements StatefulCallback.
func (c *ModelCheckpoint) RestoreState(v json.RawMessage, _ map[string]*tensor.Tensor) error {
	var s modelCheckpointState
	if err := json.Unmarshal(v, &s); err != nil {
		return err
	}
	c.best, c.sinceSave, c.lastSeen, c.warned = float64(s.Best), s.SinceSave, s.LastSeen, s.Warned
	return nil
}
