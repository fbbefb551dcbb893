package keras

import (
	"errors"
	"fmt"
	"path/filepath"
	"sort"
	"strings"
	"time"

	"github.com/tensorgo/tensorgo/summary"
)

// TensorBoard writes logs for TensorBoard during Fit, as Keras's
// TensorBoard callback does: two runs under LogDir, "train" and
// "validation", each an events file (see package summary; view them with
// `tensorgo board LogDir` or TensorBoard itself).
//
// What it writes, with Keras 3's tags and steps:
//   - at the end of every epoch, in train, "epoch_<name>" for every log
//     ("epoch_loss", "epoch_accuracy"), then "epoch_learning_rate" (the
//     optimizer's rate) and, with WriteStepsPerSecond,
//     "epoch_steps_per_second", at step epoch (0-based); in validation,
//     when the epoch validated, "epoch_<name>" for the "val_" logs without
//     the prefix ("epoch_loss", ...) at step epoch, and
//     "evaluation_<name>_vs_iterations" at step the optimizer's iteration
//     count;
//   - with UpdateFreq N > 0, every N batches (counted over the whole of
//     Fit, from 1), in train, "batch_<name>" for every batch log (the
//     epoch's running values) and, with WriteStepsPerSecond,
//     "batch_steps_per_second", at step the batch count;
//   - every HistogramFreq epochs (epoch % HistogramFreq == 0), in train,
//     "<weight path>/histogram" for each weight ("dense/kernel/histogram",
//     see Model.NamedVariables), and with WriteImages "<weight
//     path>/image", the weight as Keras draws it (a bias as an n×1 column,
//     a kernel as a matrix with the longer side horizontal, values in [0,
//     1] mapped to 0–255 and saturated), at step epoch;
//   - with WriteGraph, in train, the graph of the model's training step
//     (GraphDef), after the first batch.
//
// One difference from Keras is deliberate: with UpdateFreq N, Keras 3
// writes the epoch and evaluation summaries only when the number of
// batches seen is a multiple of N (tensorflow/tensorboard#4975); this
// callback always writes them.
//
// NewTensorBoard returns one with Keras's defaults. In a struct literal an
// empty LogDir means "logs" and the other fields are used as given
// (WriteGraph false means no graph). The events are flushed at the end of
// every epoch and the files closed at the end of training; an error
// writing them stops Fit.
type TensorBoard struct {
	CallbackBase
	// LogDir is the directory of the runs (Keras's log_dir, default
	// "logs").
	LogDir string
	// HistogramFreq is how often, in epochs, weight histograms are written;
	// 0 (the default) writes none.
	HistogramFreq int
	// WriteGraph writes the training step's graph (Keras's default true).
	WriteGraph bool
	// WriteImages writes the weights as images, with the histograms.
	WriteImages bool
	// WriteStepsPerSecond writes the training speed in steps per second.
	WriteStepsPerSecond bool
	// UpdateFreq is Keras's update_freq: 0 is "epoch" (the default: epoch
	// summaries only), 1 is "batch", N writes batch summaries every N
	// batches.
	UpdateFreq int
	// ProfileBatch is accepted for Keras's profile_batch and ignored: there
	// is no profiler.
	ProfileBatch int

	train, val   *summary.Writer
	batch        int64 // batches seen since training began (Keras's _global_train_batch)
	graphDone    bool
	keys         []string // batch logs in writing order
	tags         []string // one batch event's tags and values
	vals         []float64
	batchTags    map[string]string // log key → "batch_<key>", built once
	batchStart   time.Time
	epochStart   time.Time
	epochIterBeg int64
}

// NewTensorBoard returns a TensorBoard callback writing under logDir with
// Keras's defaults: no histograms, the graph, no images, epoch summaries
// only.
func NewTensorBoard(logDir string) *TensorBoard {
	return &TensorBoard{LogDir: logDir, WriteGraph: true}
}

// UpdateBatch is TensorBoard.UpdateFreq for Keras's update_freq="batch".
const UpdateBatch = 1

func (t *TensorBoard) logDir() string {
	if t.LogDir == "" {
		return "logs"
	}
	return t.LogDir
}

// OnTrainBegin implements Callback: it opens the train run's events file.
func (t *TensorBoard) OnTrainBegin(Logs) error {
	if t.UpdateFreq < 0 || t.HistogramFreq < 0 {
		return fmt.Errorf("UpdateFreq and HistogramFreq must be >= 0, got %d and %d", t.UpdateFreq, t.HistogramFreq)
	}
	t.closeWriters() // a previous Fit that stopped on an error
	t.batch, t.graphDone = 0, false
	var err error
	if t.train, err = summary.NewWriter(filepath.Join(t.logDir(), "train")); err != nil {
		return err
	}
	return nil
}

// valWriter opens the validation run's events file when it is first
// needed, as Keras does.
func (t *TensorBoard) valWriter() (*summary.Writer, error) {
	if t.val == nil {
		w, err := summary.NewWriter(filepath.Join(t.logDir(), "validation"))
		if err != nil {
			return nil, err
		}
		t.val = w
	}
	return t.val, nil
}

// OnEpochBegin implements Callback.
func (t *TensorBoard) OnEpochBegin(int, Logs) error {
	if t.WriteStepsPerSecond {
		t.epochStart = time.Now()
		if opt := t.Model.Optimizer(); opt != nil {
			t.epochIterBeg = opt.Iterations()
		}
	}
	return nil
}

// OnTrainBatchBegin implements Callback.
func (t *TensorBoard) OnTrainBatchBegin(int, Logs) error {
	t.batch++
	if t.WriteStepsPerSecond {
		t.batchStart = time.Now()
	}
	return nil
}

// OnTrainBatchEnd implements Callback: the graph after the first batch,
// and the batch summaries every UpdateFreq batches.
func (t *TensorBoard) OnTrainBatchEnd(_ int, logs Logs) error {
	if t.train == nil {
		return nil
	}
	if t.WriteGraph && !t.graphDone {
		t.graphDone = true
		if err := t.writeGraph(); err != nil {
			return err
		}
	}
	if t.UpdateFreq <= 0 || t.batch%int64(t.UpdateFreq) != 0 {
		return nil
	}
	// One event holds the batch's scalars: written every step, an event
	// each would cost more than the step's logging is worth.
	t.tags, t.vals = t.tags[:0], t.vals[:0]
	if t.WriteStepsPerSecond {
		if d := time.Since(t.batchStart).Seconds(); d > 0 {
			t.tags, t.vals = append(t.tags, "batch_steps_per_second"), append(t.vals, 1/d)
		}
	}
	t.keys = logKeys(t.keys[:0], logs, "")
	for _, k := range t.keys {
		tag, ok := t.batchTags[k]
		if !ok {
			if t.batchTags == nil {
				t.batchTags = map[string]string{}
			}
			tag = "batch_" + k
			t.batchTags[k] = tag
		}
		t.tags, t.vals = append(t.tags, tag), append(t.vals, logs[k])
	}
	return t.train.Scalars(t.batch, t.tags, t.vals)
}

// writeGraph writes the model's graph, its training step included.
func (t *TensorBoard) writeGraph() error {
	m := t.Model
	m.mu.RLock()
	defer m.mu.RUnlock()
	if m.g == nil {
		return nil
	}
	return t.train.Graph(m.g)
}

// logKeys appends the names of logs (those starting with prefix, or with
// prefix "" those not starting with "val_") in Keras's order: "loss" first,
// then the others sorted (Keras keeps the order metrics were compiled in,
// which a Logs map does not record).
func logKeys(dst []string, logs Logs, prefix string) []string {
	start := len(dst)
	for k := range logs {
		if prefix == "" && strings.HasPrefix(k, "val_") || prefix != "" && !strings.HasPrefix(k, prefix) {
			continue
		}
		dst = append(dst, k)
	}
	keys := dst[start:]
	loss := prefix + "loss"
	sort.Slice(keys, func(i, j int) bool {
		if (keys[i] == loss) != (keys[j] == loss) {
			return keys[i] == loss
		}
		return keys[i] < keys[j]
	})
	return dst
}

// OnEpochEnd implements Callback: the epoch summaries, the evaluation
// summaries of the epoch's validation, and the weights every
// HistogramFreq epochs.
func (t *TensorBoard) OnEpochEnd(epoch int, logs Logs) error {
	if t.train == nil {
		return nil
	}
	step := int64(epoch)
	opt := t.Model.Optimizer()
	valKeys := logKeys(nil, logs, "val_")
	if len(valKeys) > 0 {
		vw, err := t.valWriter()
		if err != nil {
			return err
		}
		// Keras writes these at the end of the validation run (on_test_end),
		// before the epoch's summaries.
		if opt != nil {
			for _, k := range valKeys {
				if err := vw.Scalar("evaluation_"+k[4:]+"_vs_iterations", logs[k], opt.Iterations()); err != nil {
					return err
				}
			}
		}
	}
	trainKeys := logKeys(nil, logs, "")
	for _, k := range trainKeys {
		if k == "learning_rate" && opt != nil {
			continue // written from the optimizer below
		}
		if err := t.train.Scalar("epoch_"+k, logs[k], step); err != nil {
			return err
		}
	}
	if opt != nil {
		if err := t.train.Scalar("epoch_learning_rate", opt.LearningRate(), step); err != nil {
			return err
		}
		if t.WriteStepsPerSecond {
			if d := time.Since(t.epochStart).Seconds(); d > 0 {
				sps := float64(opt.Iterations()-t.epochIterBeg) / d
				if err := t.train.Scalar("epoch_steps_per_second", sps, step); err != nil {
					return err
				}
			}
		}
	}
	if len(valKeys) > 0 {
		for _, k := range valKeys {
			if err := t.val.Scalar("epoch_"+k[4:], logs[k], step); err != nil {
				return err
			}
		}
	}
	if t.HistogramFreq > 0 && epoch%t.HistogramFreq == 0 {
		if err := t.logWeights(step); err != nil {
			return err
		}
	}
	// Flushed every epoch, so that an error that stops Fit later (which
	// then calls no OnTrainEnd) loses no epoch's summaries.
	if err := t.train.Flush(); err != nil {
		return err
	}
	if t.val != nil {
		return t.val.Flush()
	}
	return nil
}

// logWeights writes a histogram (and with WriteImages an image) of every
// weight of the model.
func (t *TensorBoard) logWeights(step int64) error {
	for _, nv := range t.Model.NamedVariables() {
		name := strings.ReplaceAll(nv.Key, ":", "_")
		v := nv.Variable.Value()
		if v == nil {
			continue
		}
		if err := t.train.Histogram(name+"/histogram", v, step); err != nil {
			return err
		}
		if t.WriteImages {
			if imgs := weightImages(v); len(imgs) > 0 {
				if err := t.train.Image(name+"/image", step, imgs...); err != nil {
					return err
				}
			}
		}
	}
	return nil
}

// OnTrainEnd implements Callback: it closes the events files.
func (t *TensorBoard) OnTrainEnd(Logs) error { return t.closeWriters() }

func (t *TensorBoard) closeWriters() error {
	var errs []error
	if t.train != nil {
		errs = append(errs, t.train.Close())
		t.train = nil
	}
	if t.val != nil {
		errs = append(errs, t.val.Close())
		t.val = nil
	}
	return errors.Join(errs...)
}
