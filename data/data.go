// Package data is tensorgo's input pipeline, after tf.data: a Dataset is a
// recipe for a sequence of elements, each a tuple of tensors (features,
// labels, ...). Datasets are built from tensors (FromTensorSlices) or a Go
// generator (FromGenerator) and transformed with Shuffle, Batch, Map, Filter,
// Repeat, Take, Skip, Cache, Prefetch, Zip and Concatenate. Iterate with a
// range-over-func loop:
//
//	for elem, err := range ds.All() {
//		if err != nil {
//			return err
//		}
//		x, y := elem[0], elem[1]
//		...
//	}
//
// A Dataset is immutable: every transformation returns a new one, and the
// same Dataset can be iterated any number of times (each iteration is an
// epoch), also from several goroutines at once.
//
// Elements are read-only. FromTensorSlices hands out views that share memory
// with the tensors it was given (no copy per element), and Cache keeps the
// elements it saw; a MapFunc must return new tensors rather than modify its
// argument. Batch always copies into fresh tensors, so batches are the
// caller's to keep or modify.
//
// Shuffling is deterministic for a seed, Map keeps the input order whatever
// the number of workers, and Prefetch and parallel Map stop their goroutines
// when a loop ends early: the same pipeline with the same seed yields the same
// batches, bit for bit.
//
// # Training with a Dataset
//
// A training loop (Keras's Fit) takes a dataset of (x, y) or (x, y,
// sampleWeight) batches and runs one epoch per iteration of All;
// Cardinality gives the steps per epoch (Infinite after Repeat(-1): then
// steps_per_epoch must come from the caller). The fastest way to feed MNIST
// is to leave the batches uint8 and cast them into the model's own float32
// input buffer with CastScaleInto, which allocates nothing; mapping
// CastScale over the dataset is the convenient, allocating equivalent.
package data

import (
	"errors"
	"fmt"
	"io"
	"iter"

	"github.com/tensorgo/tensorgo/tensor"
)

// Element is one element of a dataset: a tuple of tensors, usually
// (features, labels) or (features, labels, sample weights).
type Element []*tensor.Tensor

// MapFunc transforms one element. It must not modify its argument.
type MapFunc func(Element) (Element, error)

// Cardinality values, as tf.data.INFINITE_CARDINALITY and
// tf.data.UNKNOWN_CARDINALITY.
const (
	Infinite int64 = -1
	Unknown  int64 = -2
)

// Autotune asks Map or Prefetch to choose the degree of parallelism or the
// buffer size (tf.data.AUTOTUNE).
const Autotune = -1

// Dataset is a recipe for a sequence of elements. Its methods never modify it.
type Dataset struct {
	open func() iterator
	card int64
	src  *slices // set when the dataset is a FromTensorSlices source as it is
}

// item is what flows between pipeline stages: either a materialised element
// or a row of a FromTensorSlices source, kept as a reference so that Shuffle
// can move it and Batch can gather rows without building a tensor per row.
type item struct {
	elem Element
	src  *slices
	i    int
}

func (x item) element() Element {
	if x.src != nil {
		return x.src.at(x.i)
	}
	return x.elem
}

// iterator is one pass over a dataset. next returns io.EOF at the end; close
// releases goroutines and must be called exactly once, by whoever opened it.
type iterator interface {
	next() (item, error)
	close()
}

// Cardinality returns the number of elements, Infinite or Unknown.
func (d *Dataset) Cardinality() int64 { return d.card }

// All iterates over the dataset once. An error ends the iteration after it is
// yielded. Breaking out of the loop stops any goroutines the pipeline started.
func (d *Dataset) All() iter.Seq2[Element, error] {
	return func(yield func(Element, error) bool) {
		it := d.open()
		defer it.close()
		for {
			x, err := it.next()
			if err == io.EOF {
				return
			}
			if err != nil {
				yield(nil, err)
				return
			}
			if !yield(x.element(), nil) {
				return
			}
		}
	}
}

// Iterator is a pull-style pass over a dataset. It is not safe for concurrent
// use; Close must be called when done (it is safe to call it twice).
type Iterator struct {
	it   iterator
	done bool
}

// Iter starts a pass over the dataset.
func (d *Dataset) Iter() *Iterator { return &Iterator{it: d.open()} }

// Next returns the next element, io.EOF at the end, or the pipeline's error
// (after which it returns io.EOF).
func (it *Iterator) Next() (Element, error) {
	if it.done {
		return nil, io.EOF
	}
	x, err := it.it.next()
	if err != nil {
		if err != io.EOF {
			it.done = true
		}
		return nil, err
	}
	return x.element(), nil
}

// Close stops the pass and the goroutines it started.
func (it *Iterator) Close() {
	if it.it != nil {
		it.it.close()
		it.it = nil
	}
	it.done = true
}

// Collect runs the pipeline once and returns all its elements. It is meant
// for tests and small datasets.
func (d *Dataset) Collect() ([]Element, error) {
	if d.card == Infinite {
		return nil, errors.New("data: Collect on an infinite dataset")
	}
	var out []Element
	for e, err := range d.All() {
		if err != nil {
			return out, err
		}
		out = append(out, e)
	}
	return out, nil
}

// ---- sources ----

// slices is the random-access source behind FromTensorSlices.
type slices struct {
	comps  []*tensor.Tensor
	shapes []tensor.Shape // per-element shape of each component
	rows   []int          // elements per row of each component
	n      int
}

func (s *slices) at(i int) Element {
	e := make(Element, len(s.comps))
	for c, t := range s.comps {
		e[c] = rowView(t, i*s.rows[c], (i+1)*s.rows[c], s.shapes[c])
	}
	return e
}

// rowView returns elements [lo, hi) of t as a tensor of the given shape,
// sharing memory with t.
func rowView(t *tensor.Tensor, lo, hi int, shape tensor.Shape) *tensor.Tensor {
	if len(shape) == 0 {
		// FromSlice without a shape makes a vector; a scalar needs Reshape.
		return rowView(t, lo, hi, tensor.Shape{1}).Reshape()
	}
	switch d := t.Data().(type) {
	case []float32:
		return tensor.FromSlice(d[lo:hi:hi], shape...)
	case []float64:
		return tensor.FromSlice(d[lo:hi:hi], shape...)
	case []int32:
		return tensor.FromSlice(d[lo:hi:hi], shape...)
	case []int64:
		return tensor.FromSlice(d[lo:hi:hi], shape...)
	case []uint8:
		return tensor.FromSlice(d[lo:hi:hi], shape...)
	case []bool:
		return tensor.FromSlice(d[lo:hi:hi], shape...)
	}
	panic(fmt.Sprintf("data: unsupported dtype %v", t.DType()))
}

// FromTensorSlices returns a dataset whose i-th element holds row i of each
// tensor (tf.data.Dataset.from_tensor_slices((x, y))). The tensors must agree
// in their first dimension; it panics otherwise. Elements share memory with
// the tensors.
func FromTensorSlices(ts ...*tensor.Tensor) *Dataset {
	if len(ts) == 0 {
		panic("data.FromTensorSlices: no tensors")
	}
	s := &slices{comps: ts}
	for i, t := range ts {
		if t.Rank() == 0 {
			panic(fmt.Sprintf("data.FromTensorSlices: tensor %d is a scalar; slicing needs rank >= 1", i))
		}
		if i == 0 {
			s.n = t.Dim(0)
		} else if t.Dim(0) != s.n {
			panic(fmt.Sprintf("data.FromTensorSlices: tensors disagree in their first dimension: %v vs %v", ts[0].Shape(), t.Shape()))
		}
		sh := t.Shape()[1:].Clone()
		s.shapes = append(s.shapes, sh)
		s.rows = append(s.rows, sh.NumElements())
	}
	return &Dataset{card: int64(s.n), src: s, open: func() iterator { return &slicesIter{s: s} }}
}

type slicesIter struct {
	s *slices
	i int
}

func (it *slicesIter) next() (item, error) {
	if it.i >= it.s.n {
		return item{}, io.EOF
	}
	it.i++
	return item{src: it.s, i: it.i - 1}, nil
}

func (it *slicesIter) close() {}

// FromTensors returns a dataset of one element, the given tuple
// (tf.data.Dataset.from_tensors).
func FromTensors(ts ...*tensor.Tensor) *Dataset {
	e := Element(ts)
	return &Dataset{card: 1, open: func() iterator { return &itemsIter{items: []item{{elem: e}}} }}
}

// FromElements returns a dataset of the given elements, in order.
func FromElements(elems ...Element) *Dataset {
	items := make([]item, len(elems))
	for i, e := range elems {
		items[i] = item{elem: e}
	}
	return &Dataset{card: int64(len(items)), open: func() iterator { return &itemsIter{items: items} }}
}

type itemsIter struct {
	items []item
	i     int
}

func (it *itemsIter) next() (item, error) {
	if it.i >= len(it.items) {
		return item{}, io.EOF
	}
	it.i++
	return it.items[it.i-1], nil
}

func (it *itemsIter) close() {}

// FromGenerator returns a dataset that calls gen at the start of every
// iteration and yields what the sequence yields (tf.data.Dataset.
// from_generator). An error from the sequence ends the iteration with that
// error.
func FromGenerator(gen func() iter.Seq2[Element, error]) *Dataset {
	return &Dataset{card: Unknown, open: func() iterator {
		pull, stop := iter.Pull2(gen())
		return &genIter{pull: pull, stop: stop}
	}}
}

type genIter struct {
	pull func() (Element, error, bool)
	stop func()
}

func (it *genIter) next() (item, error) {
	e, err, ok := it.pull()
	if !ok {
		return item{}, io.EOF
	}
	if err != nil {
		return item{}, err
	}
	return item{elem: e}, nil
}

func (it *genIter) close() { it.stop() }
