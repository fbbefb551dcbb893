package keras

import (
	"fmt"
	"io"

	"github.com/tensorgo/tensorgo/data"
	"github.com/tensorgo/tensorgo/tensor"
)

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
		return nil, fmt.Errorf("keras: %s: reading the dataset: %w", s.what, err)
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
