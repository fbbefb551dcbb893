package keras

import (
	"fmt"
	"io"
	"math/rand/v2"

	"github.com/tensorgo/tensorgo/data"
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
	// batch and its tensors may be reused by the next call.
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

// arraySource batches in-memory arrays: it copies rows (in a shuffled order
// for training) into preallocated batch buffers of the model's dtypes, so a
// steady-state batch allocates nothing.
type arraySource struct {
	a       *arrays
	size    int
	shuffle bool
	views   bool // feed views of the rows of one float32 input (no copy; Predict)
	rng     *rand.Rand
	perm    []int
	pos     int
	bx, by  *batcher
	bw      *batcher
	b       batch
	sws     []*tensor.Tensor
}

// newArraySource batches a (already checked against the model) in batches
// of size, its inputs in dtypes inDTypes, weights for nOut outputs.
func newArraySource(a *arrays, size int, shuffle bool, inDTypes []tensor.DType, nOut int) *arraySource {
	s := &arraySource{a: a, size: size, shuffle: shuffle, perm: make([]int, a.n)}
	for i := range s.perm {
		s.perm[i] = i
	}
	if shuffle {
		s.rng = tensor.NewRNG()
	}
	s.views = !shuffle && len(a.xs) == 1 && len(a.ys) == 0 && a.xs[0].DType() == tensor.Float32 && inDTypes[0] == tensor.Float32
	if !s.views {
		s.bx = newBatcher(a.xs, inDTypes, size, a.n)
	}
	if len(a.ys) > 0 {
		s.by = newBatcher(a.ys, nil, size, a.n)
	}
	if a.sw != nil {
		s.bw = newBatcher([]*tensor.Tensor{a.sw}, nil, size, a.n)
		s.sws = make([]*tensor.Tensor, nOut)
	}
	return s
}

func (s *arraySource) batches() int64 { return int64((s.a.n + s.size - 1) / s.size) }

func (s *arraySource) reset() error {
	s.pos = 0
	if s.shuffle {
		s.rng.Shuffle(len(s.perm), func(i, j int) { s.perm[i], s.perm[j] = s.perm[j], s.perm[i] })
	}
	return nil
}

func (s *arraySource) next() (*batch, error) {
	if s.pos >= s.a.n {
		return nil, io.EOF
	}
	lo, hi := s.pos, min(s.a.n, s.pos+s.size)
	s.pos = hi
	idx := s.perm[lo:hi]
	if s.views {
		s.b.xs = append(s.b.xs[:0], rowsView(s.a.xs[0], lo, hi))
	} else {
		s.b.xs = s.bx.fill(idx)
	}
	if s.by != nil {
		s.b.ys = s.by.fill(idx)
	}
	if s.bw != nil {
		w := s.bw.fill(idx)[0]
		for i := range s.sws {
			s.sws[i] = w
		}
		s.b.sws = s.sws
	}
	return &s.b, nil
}

func (s *arraySource) close() {}

// rowsView returns rows [lo, hi) of a float32 tensor sharing its memory.
func rowsView(t *tensor.Tensor, lo, hi int) *tensor.Tensor {
	row := t.Size() / max(1, t.Dim(0))
	d := t.Float32s()[lo*row : hi*row]
	return tensor.FromSlice(d, append([]int{hi - lo}, t.Shape()[1:]...)...)
}

// batcher copies rows of arrays into preallocated batch tensors.
type batcher struct {
	src  []*tensor.Tensor
	full []*tensor.Tensor // batchSize rows
	last []*tensor.Tensor // the final partial batch
}

// newBatcher makes the buffers for batches of src's rows, in dtypes (nil:
// src's own).
func newBatcher(src []*tensor.Tensor, dtypes []tensor.DType, batch, n int) *batcher {
	b := &batcher{src: src}
	rem := n % batch
	for i, t := range src {
		dt := t.DType()
		if dtypes != nil {
			dt = dtypes[i]
		}
		rest := t.Shape()[1:]
		b.full = append(b.full, tensor.New(dt, append([]int{min(batch, n)}, rest...)...))
		if rem > 0 && n > batch {
			b.last = append(b.last, tensor.New(dt, append([]int{rem}, rest...)...))
		} else {
			b.last = append(b.last, nil)
		}
	}
	return b
}

// fill copies rows idx of every source into the batch buffers for idx's
// size (converting them to the buffers' dtype) and returns them.
func (b *batcher) fill(idx []int) []*tensor.Tensor {
	dst := b.full
	if len(idx) != b.full[0].Dim(0) && b.last[0] != nil {
		dst = b.last
	}
	for i, s := range b.src {
		var err error
		if dst[i].DType() == s.DType() {
			err = data.GatherRows(dst[i], s, idx)
		} else {
			err = data.GatherInto(dst[i], s, idx, 1)
		}
		if err != nil {
			panic("keras: batching: " + err.Error()) // an internal error: sizes and dtypes were checked
		}
	}
	return dst
}

// datasetSource reads batches from a Dataset whose elements are the
// model's inputs, then (unless predicting) its labels, then optionally
// sample weights: one for every output or one per output. It checks each
// batch against the model (building the model from the first if needed)
// and casts inputs and labels to the model's dtypes into reused buffers.
type datasetSource struct {
	m      *Model
	ds     *data.Dataset
	what   string // "Fit", "Evaluate", "Predict"
	labels bool
	it     *data.Iterator
	n      int // batches read in this pass
	b      batch
	sws    []*tensor.Tensor
	casts  castBuffers
	labDTs []tensor.DType
}

func newDatasetSource(m *Model, ds *data.Dataset, what string, labels bool) *datasetSource {
	return &datasetSource{m: m, ds: ds, what: what, labels: labels}
}

func (s *datasetSource) batches() int64 { return s.ds.Cardinality() }

func (s *datasetSource) reset() error {
	s.close()
	s.it = s.ds.Iter()
	s.n = 0
	return nil
}

func (s *datasetSource) close() {
	if s.it != nil {
		s.it.Close()
		s.it = nil
	}
}

func (s *datasetSource) next() (*batch, error) {
	e, err := s.it.Next()
	if err == io.EOF {
		return nil, io.EOF
	}
	if err != nil {
		return nil, fmt.Errorf("reading the dataset: %w", err)
	}
	s.n++
	m := s.m
	nIn, nOut := m.numInputs(), m.numOutputs()
	if !s.labels {
		if len(e) < nIn {
			return nil, fmt.Errorf("keras: %s: dataset elements must start with the model's %d inputs, got %d components", s.what, nIn, len(e))
		}
	} else if k := len(e) - nIn - nOut; k != 0 && k != 1 && k != nOut {
		return nil, fmt.Errorf("keras: %s: dataset elements must be (x, y) or (x, y, sample_weight): the model's %d inputs, its %d labels, then no, one or %d sample weights; got %d components", s.what, nIn, nOut, nOut, len(e))
	}
	xs := e[:nIn]
	if xs[0].Rank() == 0 {
		return nil, fmt.Errorf("keras: %s: dataset batch %d has a scalar x (batch the dataset)", s.what, s.n)
	}
	rows := xs[0].Dim(0)
	for i, x := range xs {
		if x.Rank() == 0 || x.Dim(0) != rows {
			return nil, fmt.Errorf("keras: %s: dataset batch %d has x[0] of shape %v and x[%d] of shape %v (batch the dataset, and give every component the same number of samples)", s.what, s.n, xs[0].Shape(), i, x.Shape())
		}
	}
	var ys []*tensor.Tensor
	if s.labels {
		ys = e[nIn : nIn+nOut]
		for _, y := range ys {
			if y.Rank() == 0 || y.Dim(0) != rows {
				return nil, fmt.Errorf("keras: %s: dataset batch %d has x of shape %v and y of shape %v (batch the dataset, and give x and y the same number of samples)", s.what, s.n, xs[0].Shape(), y.Shape())
			}
		}
	}
	if err := m.checkInputs(xs); err != nil {
		return nil, err
	}
	s.b.xs = s.b.xs[:0]
	for i, x := range xs {
		s.b.xs = append(s.b.xs, s.casts.cast(i, x, m.inPh[i].DType()))
	}
	if !s.labels {
		return &s.b, nil
	}
	if s.labDTs == nil {
		s.labDTs = m.labelDTypes()
	}
	s.b.ys = s.b.ys[:0]
	for i, y := range ys {
		if !numeric(y.DType()) {
			return nil, fmt.Errorf("keras: %s: dataset labels are %v: want numbers", s.what, y.DType())
		}
		s.b.ys = append(s.b.ys, s.casts.cast(nIn+i, y, s.labDTs[i]))
	}
	if err := m.checkLabelRange(s.b.ys); err != nil {
		return nil, err
	}
	s.b.sws = nil
	if w := e[nIn+nOut:]; len(w) > 0 {
		if s.sws == nil {
			s.sws = make([]*tensor.Tensor, nOut)
		}
		for i := range s.sws {
			t := w[min(i, len(w)-1)]
			if t.Rank() == 0 || t.Dim(0) != rows {
				return nil, fmt.Errorf("keras: %s: dataset batch %d has %d samples but sample weights of shape %v", s.what, s.n, rows, t.Shape())
			}
			if !numeric(t.DType()) {
				return nil, fmt.Errorf("keras: %s: dataset sample weights are %v: want numbers", s.what, t.DType())
			}
			dt := tensor.Invalid
			if !t.DType().IsFloat() {
				dt = tensor.Float32
			}
			s.sws[i] = s.casts.cast(nIn+nOut+min(i, len(w)-1), t, dt)
		}
		s.b.sws = s.sws
	}
	return &s.b, nil
}

// castBuffers casts a dataset's components to the model's dtypes into
// buffers kept per component and batch size (the last batch of a pass is
// often smaller), so that a steady-state batch allocates nothing.
type castBuffers struct {
	bufs map[castKey]*tensor.Tensor
}

type castKey struct {
	component, rows int
}

// cast returns t in dtype dt (t itself when it has it, or dt is Invalid).
func (c *castBuffers) cast(component int, t *tensor.Tensor, dt tensor.DType) *tensor.Tensor {
	if dt == tensor.Invalid || t.DType() == dt {
		return t
	}
	k := castKey{component, t.Dim(0)}
	buf := c.bufs[k]
	if buf == nil || buf.DType() != dt || !buf.Shape().Equal(t.Shape()) {
		if c.bufs == nil {
			c.bufs = map[castKey]*tensor.Tensor{}
		}
		buf = tensor.New(dt, t.Shape()...)
		c.bufs[k] = buf
	}
	tensor.CastInto(buf, t)
	return buf
}
