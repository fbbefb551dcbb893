package keras

import (
	"errors"
	"fmt"
	"io"
	"os"

	"github.com/tensorgo/tensorgo/data"
	"github.com/tensorgo/tensorgo/keras/internal/progbar"
	"github.com/tensorgo/tensorgo/tensor"
)

// Logs holds the values callbacks see: "loss", metric names (prefixed, for
// a model with several outputs, by the name of the layer that makes each
// output: "class_accuracy"), and "val_" versions at the end of an epoch.
type Logs map[string]float64

// Fit trains the model on x and y (tensors with samples first, or lists of
// them for several inputs/outputs) or on x alone when it is a *data.Dataset
// of batches: each element holds the model's inputs, then its labels, then
// optionally sample weights (one for every output, or one per output), so
// (x, y) or (x, y, sample_weight) for one input and one output, and (x1,
// x2, y1, y2) for two of each. Inputs of another numeric dtype than the
// model's (float64, integers, uint8) are cast to it, as Keras does. Fit
// returns the History and an error for bad input (mismatched lengths or
// shapes, labels out of range, no Compile), a NaN loss or a callback's
// error.
func (m *Model) Fit(x, y any, opts ...FitOption) (*History, error) {
	if m.comp == nil {
		return nil, ErrNotCompiled
	}
	c := newFitConfig(opts)
	m.quietReplica(c) // data-parallel training: only replica 0 prints
	m.fitOut = c.out
	defer func() { m.fitOut = nil }()
	if c.epochs < 0 || c.batchSize <= 0 {
		return nil, fmt.Errorf("keras: Fit: epochs must be >= 0 and batch size > 0 (got %d, %d)", c.epochs, c.batchSize)
	}
	switch {
	case c.initialEpoch < 0:
		return nil, fmt.Errorf("keras: Fit: InitialEpoch must be >= 0, got %d", c.initialEpoch)
	case c.stepsPerEpoch < 0:
		return nil, fmt.Errorf("keras: Fit: StepsPerEpoch must be >= 0, got %d", c.stepsPerEpoch)
	case c.validationFreq < 1:
		return nil, fmt.Errorf("keras: Fit: ValidationFreq must be >= 1, got %d", c.validationFreq)
	case c.validationSplit < 0 || c.validationSplit >= 1:
		return nil, fmt.Errorf("keras: ValidationSplit must be in [0, 1), got %v", c.validationSplit)
	}
	train, val, err := m.fitSources(x, y, c)
	if err != nil {
		return nil, err
	}
	hist := NewHistory()
	// History comes last, as in Keras, so it sees what other callbacks add.
	cbs := callbackList(append(append([]Callback(nil), c.callbacks...), hist))
	if train.batches() == data.Infinite && c.stepsPerEpoch == 0 {
		// Keras refuses too: an epoch would never end.
		return nil, errors.New("keras: Fit: the dataset is infinite (Repeat(-1)): give StepsPerEpoch, or Take a finite part")
	}
	return hist, m.fitLoop(train, val, c, cbs)
}

// fitSources adapts Fit's data and validation data to batch sources.
func (m *Model) fitSources(x, y any, c *fitConfig) (train, val source, err error) {
	if _, isDS := c.valX.(*data.Dataset); isDS && c.valY != nil {
		return nil, nil, errors.New("keras: validation data: y must be nil when x is a Dataset")
	}
	if ds, ok := x.(*data.Dataset); ok {
		switch {
		case y != nil:
			return nil, nil, errors.New("keras: Fit: y must be nil when x is a Dataset (its elements carry the labels)")
		case c.validationSplit > 0:
			// Keras refuses too: a dataset cannot be split without reading it.
			return nil, nil, errors.New("keras: Fit: ValidationSplit needs tensors; with a Dataset give ValidationData")
		case c.sampleWeight != nil || c.classWeight != nil:
			return nil, nil, errors.New("keras: Fit: SampleWeight and ClassWeight need tensors; with a Dataset make the weights the third component (x, y, sample_weight), or the one after the labels")
		}
		train = newDatasetSource(m, ds, "Fit", true)
	} else {
		// Keras splits x, y and the sample weights, then weights the
		// training part alone by class.
		a, err := m.adaptArrays("Fit", x, y, &fitConfig{sampleWeight: c.sampleWeight})
		if err != nil {
			return nil, nil, err
		}
		if err := m.checkClassWeight(c); err != nil {
			return nil, nil, err
		}
		ta, va, err := split(a, c.validationSplit)
		if err != nil {
			return nil, nil, err
		}
		if ta, err = m.shardArrays(ta); err != nil { // data-parallel training
			return nil, nil, err
		}
		if c.classWeight != nil {
			if ta.sw, err = sampleWeights(&fitConfig{sampleWeight: ta.sw, classWeight: c.classWeight}, ta); err != nil {
				return nil, nil, err
			}
		}
		train = m.arraySource(ta, c.batchSize, c.shuffle)
		if va != nil {
			val = m.arraySource(va, c.batchSize, false)
		}
	}
	if val == nil && c.valX != nil {
		if val, err = m.evalSource("validation data", c.valX, c.valY, c.batchSize, nil); err != nil {
			return nil, nil, fmt.Errorf("keras: validation data: %w", err)
		}
	}
	return train, val, nil
}

// adaptArrays checks in-memory data against the model (building it if
// needed), casts what must be cast whole, and joins the sample weights.
func (m *Model) adaptArrays(what string, x, y any, c *fitConfig) (*arrays, error) {
	a, err := makeArrays(x, y)
	if err != nil {
		return nil, err
	}
	if len(a.ys) == 0 {
		return nil, fmt.Errorf("keras: %s: no labels (y)", what)
	}
	if err := m.checkInputs(a.xs); err != nil {
		return nil, err
	}
	a.xs = m.castInputs(a.xs)
	if a.ys, err = m.castLabels(a.ys); err != nil {
		return nil, err
	}
	if err := m.checkLabelRange(a.ys); err != nil {
		return nil, err
	}
	if c != nil {
		if err := m.checkClassWeight(c); err != nil {
			return nil, err
		}
		if a.sw, err = sampleWeights(c, a); err != nil {
			return nil, err
		}
	}
	return a, nil
}

// arraySource batches checked arrays for the model.
func (m *Model) arraySource(a *arrays, size int, shuffle bool) *arraySource {
	dts := make([]tensor.DType, len(m.inPh))
	for i, ph := range m.inPh {
		dts[i] = ph.DType()
	}
	return newArraySource(a, size, shuffle, dts, m.numOutputs())
}

// fitLoop is the training loop, whatever the data: epochs of batches from
// train, validation on val, callbacks around each.
func (m *Model) fitLoop(train, val source, c *fitConfig, cbs callbackList) (err error) {
	// Saves still being written (BackupAndRestore writes in the
	// background) finish before Fit returns.
	defer func() {
		if derr := cbs.fitDone(); err == nil {
			err = derr
		}
	}()
	ep := newEpochIterator(train, c.stepsPerEpoch)
	defer ep.close()
	if val != nil {
		defer val.close()
	}
	m.StopTraining = false
	for _, cb := range cbs {
		cb.SetModel(m)
	}
	logs := Logs{}
	var r *runner
	// fp tells the callbacks that save and restore training where the
	// loop is; a restore in OnTrainBegin leaves a resume point in it.
	fp := &fitProgress{src: train, ep: ep, cbs: cbs, epoch: c.initialEpoch}
	m.fit = fp
	defer func() { m.fit = nil }()
	if err := cbs.trainBegin(logs); err != nil {
		return err
	}
	if err := cbs.afterTrainBegin(); err != nil {
		return err
	}
	nanStop := cbs.terminateOnNaN()
	steps := ep.stepsPerEpoch()
	first := c.initialEpoch
	rp := fp.resume
	if rp != nil {
		first = rp.epoch
		if rp.stop { // the run had stopped: only the train-end work is left
			first = c.epochs
		}
	}
	if err := m.checkReplicaSteps(steps, c.epochs-first); err != nil { // data-parallel training
		return err
	}
	for epoch := first; epoch < c.epochs; epoch++ {
		fp.epoch, fp.batch = epoch, 0
		// midEpoch: this epoch resumes after rp.batch batches.
		midEpoch := rp != nil && epoch == rp.epoch && rp.batch > 0
		clear(logs) // Keras's on_epoch_begin has no logs yet
		if err := cbs.epochBegin(epoch, logs); err != nil {
			return err
		}
		if midEpoch {
			// The saved rate already has this epoch's OnEpochBegin
			// changes (a scheduler's): put it back over the ones made now.
			rp.applyLearningRate(m)
		}
		if r != nil {
			r.reset()
		}
		if err := ep.begin(); err != nil {
			return fmt.Errorf("keras: Fit: %w", err)
		}
		if c.verbose > 0 {
			fmt.Fprintf(c.out, "Epoch %d/%d\n", epoch+1, c.epochs)
		}
		bar := progbar.New(c.out, steps, c.verbose, "step")
		s := 0
		if midEpoch {
			s = rp.batch
			fp.batch = s
		}
		for {
			b, err := ep.next()
			if err == io.EOF {
				break
			}
			if err != nil {
				return err
			}
			if r == nil {
				st, err := m.getStep(true, b.ys, b.sws)
				if err != nil {
					return err
				}
				r = m.newRunner(st, logs)
				if midEpoch {
					rp.restoreMetrics(r)
				}
				if err := m.syncReplicas(); err != nil { // data-parallel training
					return err
				}
			}
			if err := cbs.batchBegin(s, logs); err != nil {
				return err
			}
			if err := r.run(b); err != nil {
				var ne *nanError
				if errors.As(err, &ne) {
					if nanStop {
						fmt.Fprintf(c.out, "Batch %d: Invalid loss, terminating training\n", s)
						m.StopTraining = true
						break
					}
					return fmt.Errorf("keras: Fit stopped: the loss became %v at epoch %d, batch %d (lower the learning rate, check the data for NaN/Inf or use from_logits)", ne.loss, epoch+1, s+1)
				}
				return fmt.Errorf("keras: Fit: epoch %d, batch %d: %w", epoch+1, s+1, err)
			}
			s++
			fp.batch, fp.global, fp.r = s, fp.global+1, r
			bar.Update(s, r.st.names, r.vals, false)
			if err := cbs.batchEnd(s-1, logs); err != nil {
				return err
			}
			if err := cbs.afterBatch(s == steps); err != nil {
				return err
			}
			if m.StopTraining {
				break
			}
		}
		if r == nil && !midEpoch {
			return errors.New("keras: Fit: the dataset is empty")
		}
		if ep.ranOut {
			fmt.Fprintf(c.out, "WARNING: Your input ran out of data; interrupting training. Make sure that your dataset can generate at least `steps_per_epoch * epochs` batches (in this case, %d batches). You may need to use Repeat() when building your dataset.\n",
				c.stepsPerEpoch*(c.epochs-c.initialEpoch))
			m.StopTraining = true
			if s == 0 {
				break // no batch this epoch: nothing to report
			}
		}
		if steps < 0 {
			// Unknown cardinality: the first epoch counted it, as Keras.
			steps = s
		}
		if err := m.averageReplicaState(); err != nil { // data-parallel training
			return err
		}
		if val != nil && (epoch+1)%c.validationFreq == 0 {
			vl, vm, err := m.evaluateSource(val, 0, io.Discard, false)
			if err != nil {
				return fmt.Errorf("keras: validation: %w", err)
			}
			logs["val_loss"] = vl
			for k, v := range vm {
				logs["val_"+k] = v
			}
		}
		if r != nil { // nil only when a resumed epoch had no batch left
			finishBar(bar, s, r)
		}
		if err := cbs.epochEnd(epoch, logs); err != nil {
			return err
		}
		fp.epoch, fp.batch = epoch+1, 0
		if err := cbs.afterEpoch(); err != nil {
			return err
		}
		if m.StopTraining {
			break
		}
	}
	// As Keras: with UseEMA the trained weights become their averages
	// before the train-end callbacks see them.
	if c.epochs > c.initialEpoch {
		if err := m.comp.opt.FinalizeVariableValues(m.TrainableWeights()); err != nil {
			return fmt.Errorf("keras: Fit: %w", err)
		}
	}
	if err := cbs.fitDone(); err != nil {
		return err
	}
	return cbs.trainEnd(logs)
}

// finishBar writes an epoch's last progress line: the training values, then
// the validation ones when there are any, as Keras.
func finishBar(bar *progbar.Bar, steps int, r *runner) {
	names, vals := r.st.names, r.vals
	if _, ok := r.logs["val_loss"]; ok {
		names = append(append([]string(nil), names...), "val_loss")
		vals = append(append([]float64(nil), vals...), r.logs["val_loss"])
		for _, n := range r.st.names[1:] {
			if v, ok := r.logs["val_"+n]; ok {
				names = append(names, "val_"+n)
				vals = append(vals, v)
			}
		}
	}
	bar.Update(steps, names, vals, true)
}

// output is where callbacks print during Fit: the Output writer Fit was
// given (standard output by default).
func (m *Model) output() io.Writer {
	if m == nil || m.fitOut == nil {
		return os.Stdout
	}
	return m.fitOut
}
