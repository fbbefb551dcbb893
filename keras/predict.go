package keras

import (
	"errors"
	"fmt"
	"io"

	"github.com/tensorgo/tensorgo/data"
	"github.com/tensorgo/tensorgo/keras/internal/progbar"
	"github.com/tensorgo/tensorgo/tensor"
	"github.com/tensorgo/tensorgo/tf"
)

// Predict runs the model in inference mode on x (a tensor, a list for
// several inputs, or a Dataset whose elements start with the inputs; any
// labels after them are ignored) in batches (default 32), printing a
// progress bar unless Verbose(0) as Keras does, and returns the output (the
// first, for several: see PredictAll). Inputs of another numeric dtype than
// the model's are cast to it.
//
// Predict may be called from several goroutines at once on a model that is
// not training.
func (m *Model) Predict(x any, opts ...FitOption) (*tensor.Tensor, error) {
	outs, err := m.PredictAll(x, opts...)
	if err != nil {
		return nil, err
	}
	return outs[0], nil
}

// PredictAll is Predict returning every output of the model.
func (m *Model) PredictAll(x any, opts ...FitOption) ([]*tensor.Tensor, error) {
	c := newFitConfig(opts)
	m.quietReplica(c) // data-parallel training: only replica 0 prints
	if c.batchSize <= 0 {
		return nil, fmt.Errorf("keras: Predict: batch size must be positive, got %d", c.batchSize)
	}
	var src source
	rows := -1
	if ds, ok := x.(*data.Dataset); ok {
		if ds.Cardinality() == data.Infinite {
			return nil, errors.New("keras: Predict: the dataset is infinite (Repeat(-1)): Take a finite part")
		}
		src = newDatasetSource(m, ds, "Predict", false)
	} else {
		a, err := makeArrays(x, nil)
		if err != nil {
			return nil, err
		}
		if err := m.checkInputs(a.xs); err != nil {
			return nil, err
		}
		a.xs = m.castInputs(a.xs)
		src, rows = m.arraySource(a, c.batchSize, false), a.n
	}
	defer src.close()
	return m.predictSource(src, rows, c)
}

// predictSource runs inference over one pass of src; rows is the number of
// samples when known (-1 otherwise). Each call has its own feeds and
// buffers.
func (m *Model) predictSource(src source, rows int, c *fitConfig) ([]*tensor.Tensor, error) {
	if err := src.reset(); err != nil {
		return nil, fmt.Errorf("keras: Predict: %w", err)
	}
	steps := -1
	if n := src.batches(); n >= 0 {
		steps = int(n)
	}
	bar := progbar.New(c.out, steps, c.verbose, "step")
	feeds := tf.Feeds{}
	var res, outs []*tensor.Tensor
	var parts [][]*tensor.Tensor // batches' outputs when rows is unknown
	off := 0
	s := 0
	for {
		b, err := src.next()
		if err == io.EOF {
			break
		}
		if err != nil {
			return nil, err
		}
		if res == nil {
			res = make([]*tensor.Tensor, len(m.inferOut))
			if rows >= 0 {
				outs = make([]*tensor.Tensor, len(m.inferOut))
				for i, o := range m.inferOut {
					outs[i] = tensor.New(o.DType(), append([]int{rows}, o.Shape()[1:]...)...)
				}
			}
		}
		for i, ph := range m.inPh {
			feeds[ph] = b.xs[i]
		}
		m.mu.RLock()
		err = m.sess.RunInto(res, feeds, m.inferOut)
		m.mu.RUnlock()
		if err != nil {
			return nil, fmt.Errorf("keras: Predict: batch %d: %w", s+1, err)
		}
		if outs != nil {
			for i, r := range res {
				copyInto(outs[i], r, off*(r.Size()/max(1, r.Dim(0))))
			}
			off += b.xs[0].Dim(0)
		} else {
			cl := make([]*tensor.Tensor, len(res))
			for i, r := range res {
				cl[i] = r.Clone()
			}
			parts = append(parts, cl)
		}
		s++
		bar.Update(s, nil, nil, s == steps)
	}
	if res == nil {
		return nil, errors.New("keras: Predict: the dataset is empty")
	}
	if steps < 0 {
		bar.Update(s, nil, nil, true)
	}
	if outs != nil {
		return outs, nil
	}
	return concatRows(parts), nil
}

// concatRows joins batches' outputs along the samples.
func concatRows(parts [][]*tensor.Tensor) []*tensor.Tensor {
	outs := make([]*tensor.Tensor, len(parts[0]))
	for i := range outs {
		n := 0
		for _, p := range parts {
			n += p[i].Dim(0)
		}
		outs[i] = tensor.New(parts[0][i].DType(), append([]int{n}, parts[0][i].Shape()[1:]...)...)
		off := 0
		for _, p := range parts {
			copyInto(outs[i], p[i], off)
			off += p[i].Size()
		}
	}
	return outs
}

// copyInto copies src's values into dst starting at element off.
func copyInto(dst, src *tensor.Tensor, off int) {
	switch s := src.Data().(type) {
	case []float32:
		copy(dst.Data().([]float32)[off:], s)
	case []float64:
		copy(dst.Data().([]float64)[off:], s)
	case []int64:
		copy(dst.Data().([]int64)[off:], s)
	case []int32:
		copy(dst.Data().([]int32)[off:], s)
	default:
		for i := 0; i < src.Size(); i++ {
			dst.SetFloat(off+i, src.Float(i))
		}
	}
}
