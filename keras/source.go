package keras

import (
	"io"

	"github.com/tensorgo/tensorgo/tensor"
)

// batch is one batch as the loops feed it: the model's inputs (in its
// dtypes), the labels and the sample weights (nil, or one per output).
type batch struct {
	xs, ys, sws []*tensor.Tensor
}

// source is where the loops get their batches, whatever the data: in-memory
// arrays and Datasets both become one (Keras's DataAdapter). A source is
// used by one call at a time.
type source interface {
	// reset starts a pass over the data (shuffling in-memory rows when
	// the source was made to).
	reset() error
	// next returns the pass's next batch, or io.EOF after the last. The
	// batch and its tensors may be reused by the next call. Its errors
	// are complete messages ("keras: Fit: ...").
	next() (*batch, error)
	// batches is the number of batches in a pass: data.Unknown or
	// data.Infinite when it is not known.
	batches() int64
	// close releases what a pass holds.
	close()
}

// epochIterator runs a source epoch by epoch (Keras's EpochIterator): one
// pass per epoch, or, with steps per epoch that differ from a pass, one
// pass running across the epochs, each epoch going on where the last one
// stopped. ranOut says that such a pass ended early.
type epochIterator struct {
	src        source
	steps      int // StepsPerEpoch (0: one pass)
	persistent bool
	started    bool
	step       int
	ranOut     bool
	// resume makes the next begin keep the source where a checkpoint
	// put it and start counting at resumeStep (trainstate.go).
	resume     bool
	resumeStep int
}

func newEpochIterator(src source, stepsPerEpoch int) *epochIterator {
	return &epochIterator{src: src, steps: stepsPerEpoch, persistent: stepsPerEpoch > 0 && int64(stepsPerEpoch) != src.batches()}
}

// stepsPerEpoch is the number of batches an epoch is expected to have (-1
// when unknown).
func (e *epochIterator) stepsPerEpoch() int {
	if e.steps > 0 {
		return e.steps
	}
	if n := e.src.batches(); n >= 0 {
		return int(n)
	}
	return -1
}

// begin starts an epoch.
func (e *epochIterator) begin() error {
	e.step = 0
	if e.resume {
		e.resume, e.step = false, e.resumeStep
		return nil
	}
	if e.persistent && e.started {
		return nil
	}
	e.started = true
	return e.src.reset()
}

// next returns the epoch's next batch, or io.EOF at its end.
func (e *epochIterator) next() (*batch, error) {
	if e.steps > 0 && e.step >= e.steps {
		return nil, io.EOF
	}
	b, err := e.src.next()
	if err == io.EOF && e.persistent {
		e.ranOut = true
	}
	if err != nil {
		return nil, err
	}
	e.step++
	return b, nil
}

func (e *epochIterator) close() { e.src.close() }
