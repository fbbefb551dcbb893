package keras

import (
	"errors"
	"fmt"
	"io"

	"github.com/tensorgo/tensorgo/data"
	"github.com/tensorgo/tensorgo/keras/internal/progbar"
)

// Evaluate computes the loss and metrics on x and y (or a Dataset of
// batches as x, its elements laid out as for Fit) in batches (default 32),
// printing a progress bar unless Verbose(0). It returns the loss and the
// metrics by name. Inputs of another numeric dtype than the model's are
// cast to it.
//
// Evaluate may be called from several goroutines at once on a model that
// is not training: each call has its own metric state and buffers.
// Metrics given to Compile as metrics.Metric objects are shared by every
// call, so calls whose model has them run one after the other.
func (m *Model) Evaluate(x, y any, opts ...FitOption) (loss float64, ms map[string]float64, err error) {
	if m.comp == nil {
		return 0, nil, ErrNotCompiled
	}
	c := newFitConfig(opts)
	m.quietReplica(c) // data-parallel training: only replica 0 prints
	if c.batchSize <= 0 {
		return 0, nil, fmt.Errorf("keras: Evaluate: batch size must be positive, got %d", c.batchSize)
	}
	src, err := m.evalSource("Evaluate", x, y, c.batchSize, c)
	if err != nil {
		return 0, nil, err
	}
	defer src.close()
	return m.evaluateSource(src, c.verbose, c.out, true)
}

// evalSource adapts Evaluate's (or validation) data to a batch source;
// c gives the sample and class weights (nil: none).
func (m *Model) evalSource(what string, x, y any, size int, c *fitConfig) (source, error) {
	if ds, ok := x.(*data.Dataset); ok {
		switch {
		case y != nil:
			return nil, fmt.Errorf("keras: %s: y must be nil when x is a Dataset (its elements carry the labels)", what)
		case ds.Cardinality() == data.Infinite:
			return nil, fmt.Errorf("keras: %s: the dataset is infinite (Repeat(-1)): Take a finite part", what)
		case c != nil && (c.sampleWeight != nil || c.classWeight != nil):
			return nil, fmt.Errorf("keras: %s: SampleWeight and ClassWeight need tensors; with a Dataset make the weights a component after the labels", what)
		}
		return newDatasetSource(m, ds, what, true), nil
	}
	a, err := m.adaptArrays(what, x, y, c)
	if err != nil {
		return nil, err
	}
	return m.arraySource(a, size, false), nil
}

// evaluateSource runs the evaluation step over one pass of src. locked
// serialises calls whose metrics are the user's objects (Fit's validation,
// already inside a call, passes false).
func (m *Model) evaluateSource(src source, verbose int, out io.Writer, locked bool) (float64, map[string]float64, error) {
	if err := src.reset(); err != nil {
		return 0, nil, fmt.Errorf("keras: Evaluate: %w", err)
	}
	steps := -1
	if n := src.batches(); n >= 0 {
		steps = int(n)
	}
	bar := progbar.New(out, steps, verbose, "step")
	var r *runner
	s := 0
	for {
		b, err := src.next()
		if err == io.EOF {
			break
		}
		if err != nil {
			return 0, nil, err
		}
		if r == nil {
			st, err := m.getStep(false, b.ys, b.sws)
			if err != nil {
				return 0, nil, err
			}
			if st.shared && locked {
				m.sharedMetrics.Lock()
				defer m.sharedMetrics.Unlock()
			}
			r = m.newRunner(st, nil)
			r.reset()
		}
		if err := r.run(b); err != nil {
			var ne *nanError
			if !errors.As(err, &ne) {
				return 0, nil, fmt.Errorf("keras: Evaluate: batch %d: %w", s+1, err)
			}
		}
		s++
		bar.Update(s, r.st.names, r.vals, s == steps)
	}
	if r == nil {
		return 0, nil, errors.New("keras: Evaluate: the dataset is empty")
	}
	if steps < 0 {
		bar.Update(s, r.st.names, r.vals, true)
	}
	loss, ms := r.results()
	return loss, ms, nil
}
