package data

import (
	"fmt"
	"io"

	"github.com/tensorgo/tensorgo/internal/prefetch"
	"github.com/tensorgo/tensorgo/tensor"
)

// Batch combines consecutive elements into batches of size elements
// (tf.data.Dataset.batch): each component gains a leading dimension. The last
// batch may be smaller unless dropRemainder is set. Elements must agree in
// their components' shapes and dtypes; Batch returns an error naming the
// first that does not. Batches are fresh tensors.
func (d *Dataset) Batch(size int, dropRemainder bool) *Dataset {
	if size < 1 {
		panic(fmt.Sprintf("data.Batch: batch size %d, want >= 1", size))
	}
	card := d.card
	if card >= 0 {
		if dropRemainder {
			card /= int64(size)
		} else {
			card = (card + int64(size) - 1) / int64(size)
		}
	}
	return &Dataset{card: card, open: func() iterator {
		return &batchIter{in: d.open(), size: size, drop: dropRemainder, buf: make([]item, 0, size)}
	}}
}

type batchIter struct {
	in   iterator
	size int
	drop bool
	buf  []item
	eof  bool
	idx  []int
}

func (it *batchIter) next() (item, error) {
	it.buf = it.buf[:0]
	if err := fill(it.in, &it.buf, it.size, &it.eof); err != nil {
		return item{}, err
	}
	if len(it.buf) == 0 || (it.drop && len(it.buf) < it.size) {
		return item{}, io.EOF
	}
	if src := commonSource(it.buf); src != nil {
		it.idx = it.idx[:0]
		for _, x := range it.buf {
			it.idx = append(it.idx, x.i)
		}
		return item{elem: src.gather(it.idx)}, nil
	}
	elems := make([]Element, len(it.buf))
	for i, x := range it.buf {
		elems[i] = x.element()
	}
	e, err := Stack(elems)
	if err != nil {
		return item{}, fmt.Errorf("data.Batch: %w", err)
	}
	return item{elem: e}, nil
}

func (it *batchIter) close() { it.in.close() }

func commonSource(items []item) *slices {
	s := items[0].src
	if s == nil {
		return nil
	}
	for _, x := range items[1:] {
		if x.src != s {
			return nil
		}
	}
	return s
}

// gather builds a batch from rows idx of the source, one copy per row.
func (s *slices) gather(idx []int) Element {
	e := make(Element, len(s.comps))
	for c, t := range s.comps {
		shape := append([]int{len(idx)}, s.shapes[c]...)
		dst := tensor.New(t.DType(), shape...)
		gatherRows(dst, t, idx, s.rows[c])
		e[c] = dst
	}
	return e
}

// GatherRows copies rows idx of src (along its first dimension) into dst,
// which must have src's dtype and hold len(idx) such rows: the batch step of
// a loop that shuffles in-memory tensors itself. It allocates nothing.
func GatherRows(dst, src *tensor.Tensor, idx []int) error {
	if src.Rank() == 0 || dst.DType() != src.DType() {
		return fmt.Errorf("data.GatherRows: cannot gather rows of %v %v into %v %v", src.DType(), src.Shape(), dst.DType(), dst.Shape())
	}
	rs, err := gatherRowSize("GatherRows", dst, src, idx)
	if err != nil {
		return err
	}
	gatherRows(dst, src, idx, rs)
	return nil
}

// gatherRowSize returns the elements of a row of src (along its first
// dimension) and checks that dst holds len(idx) of them and that every
// index is a row of src; fn names the caller in the errors.
func gatherRowSize(fn string, dst, src *tensor.Tensor, idx []int) (int, error) {
	n := src.Dim(0)
	rs := 0
	if n > 0 {
		rs = src.Size() / n
	}
	if dst.Size() != len(idx)*rs {
		return 0, fmt.Errorf("data.%s: %d rows of %d elements do not fit %v", fn, len(idx), rs, dst.Shape())
	}
	for _, i := range idx {
		if i < 0 || i >= n {
			return 0, fmt.Errorf("data.%s: row %d out of range [0, %d)", fn, i, n)
		}
	}
	return rs, nil
}

// gatherRows copies rows idx (rs elements each) of src into dst.
func gatherRows(dst, src *tensor.Tensor, idx []int, rs int) {
	switch d := dst.Data().(type) {
	case []float32:
		copyRows(d, src.Float32s(), idx, rs)
	case []float64:
		copyRows(d, src.Float64s(), idx, rs)
	case []int32:
		copyRows(d, src.Int32s(), idx, rs)
	case []int64:
		copyRows(d, src.Int64s(), idx, rs)
	case []uint8:
		copyRows(d, src.Uint8s(), idx, rs)
	case []bool:
		copyRows(d, src.Bools(), idx, rs)
	}
}

func copyRows[T any](dst, src []T, idx []int, rs int) {
	if rs == 1 {
		for j, i := range idx {
			dst[j] = src[i]
		}
		return
	}
	// Rows of a shuffled batch lie anywhere in a source larger than the
	// caches: start fetching all of them before copying any.
	prefetch.Rows(src, idx, rs)
	for j, i := range idx {
		copy(dst[j*rs:(j+1)*rs], src[i*rs:(i+1)*rs])
	}
}

// Stack combines elements with matching component shapes and dtypes into one
// element whose components have a new leading dimension of len(elems).
func Stack(elems []Element) (Element, error) {
	if len(elems) == 0 {
		return nil, fmt.Errorf("cannot stack zero elements")
	}
	first := elems[0]
	for i, e := range elems[1:] {
		if len(e) != len(first) {
			return nil, fmt.Errorf("element %d has %d components but element 0 has %d", i+1, len(e), len(first))
		}
		for c, t := range e {
			if t.DType() != first[c].DType() || !t.Shape().Equal(first[c].Shape()) {
				return nil, fmt.Errorf("element %d component %d is %v %v but element 0 has %v %v",
					i+1, c, t.DType(), t.Shape(), first[c].DType(), first[c].Shape())
			}
		}
	}
	out := make(Element, len(first))
	for c, t0 := range first {
		shape := append([]int{len(elems)}, t0.Shape()...)
		dst := tensor.New(t0.DType(), shape...)
		rs := t0.Size()
		for i, e := range elems {
			copyInto(dst, i*rs, e[c])
		}
		out[c] = dst
	}
	return out, nil
}

// copyInto copies src's elements into dst starting at flat offset off.
func copyInto(dst *tensor.Tensor, off int, src *tensor.Tensor) {
	switch d := dst.Data().(type) {
	case []float32:
		copy(d[off:], src.Float32s())
	case []float64:
		copy(d[off:], src.Float64s())
	case []int32:
		copy(d[off:], src.Int32s())
	case []int64:
		copy(d[off:], src.Int64s())
	case []uint8:
		copy(d[off:], src.Uint8s())
	case []bool:
		copy(d[off:], src.Bools())
	}
}
