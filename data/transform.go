package data

import (
	"fmt"
	"io"
	"sync"
)

// ---- Repeat, Take, Skip ----

// Repeat repeats the dataset count times; a negative count repeats it
// forever (tf.data.Dataset.repeat). Each repetition is a new iteration of d,
// so a reshuffling Shuffle before Repeat gives a new order each time. An
// infinite repeat of an empty dataset is empty.
func (d *Dataset) Repeat(count int) *Dataset {
	card := d.card
	switch {
	case count < 0 && card != 0:
		card = Infinite
	case count < 0:
	case card >= 0:
		card *= int64(count)
	}
	return &Dataset{card: card, open: func() iterator {
		return &repeatIter{d: d, count: count}
	}}
}

type repeatIter struct {
	d     *Dataset
	count int
	done  int
	cur   iterator
	got   bool // the current pass yielded something
}

func (it *repeatIter) next() (item, error) {
	for {
		if it.cur == nil {
			if it.count >= 0 && it.done >= it.count {
				return item{}, io.EOF
			}
			it.cur, it.got = it.d.open(), false
		}
		x, err := it.cur.next()
		if err == io.EOF {
			it.cur.close()
			it.cur = nil
			it.done++
			if !it.got {
				return item{}, io.EOF
			}
			continue
		}
		if err == nil {
			it.got = true
		}
		return x, err
	}
}

func (it *repeatIter) close() {
	if it.cur != nil {
		it.cur.close()
		it.cur = nil
	}
}

// Take returns the first n elements of d (all of them if n < 0).
func (d *Dataset) Take(n int) *Dataset {
	if n < 0 {
		return d
	}
	card := int64(n)
	if d.card >= 0 && d.card < card {
		card = d.card
	} else if d.card == Unknown {
		card = Unknown
	}
	return &Dataset{card: card, open: func() iterator { return &takeIter{in: d.open(), left: n} }}
}

type takeIter struct {
	in   iterator
	left int
}

func (it *takeIter) next() (item, error) {
	if it.left <= 0 {
		return item{}, io.EOF
	}
	it.left--
	return it.in.next()
}

func (it *takeIter) close() { it.in.close() }

// Skip returns d without its first n elements; n < 0 skips them all
// (tf.data.Dataset.skip(-1)).
func (d *Dataset) Skip(n int) *Dataset {
	card := d.card
	switch {
	case card < 0: // Infinite or Unknown stay so, as in tf.data
	case n < 0:
		card = 0
	default:
		card = max(0, card-int64(n))
	}
	return &Dataset{card: card, open: func() iterator { return &skipIter{in: d.open(), skip: n} }}
}

type skipIter struct {
	in   iterator
	skip int // < 0: all
}

func (it *skipIter) next() (item, error) {
	for ; it.skip != 0; it.skip-- {
		if _, err := it.in.next(); err != nil {
			return item{}, err
		}
	}
	return it.in.next()
}

func (it *skipIter) close() { it.in.close() }

// ---- Cache ----

// Cache keeps the elements of the first complete iteration in memory and
// serves later iterations from there (tf.data.Dataset.cache()). An iteration
// that stops early caches nothing. Put it before a reshuffling Shuffle, so
// that only the expensive work is cached.
func (d *Dataset) Cache() *Dataset {
	c := &cacheStore{}
	return &Dataset{card: d.card, open: func() iterator {
		c.mu.Lock()
		defer c.mu.Unlock()
		if c.complete {
			return &itemsIter{items: c.items}
		}
		return &cacheFill{in: d.open(), c: c}
	}}
}

type cacheStore struct {
	mu       sync.Mutex
	items    []item
	complete bool
}

type cacheFill struct {
	in  iterator
	c   *cacheStore
	buf []item
}

func (it *cacheFill) next() (item, error) {
	x, err := it.in.next()
	switch {
	case err == io.EOF:
		it.c.mu.Lock()
		if !it.c.complete {
			it.c.items, it.c.complete = it.buf, true
		}
		it.c.mu.Unlock()
		it.buf = nil
	case err == nil:
		it.buf = append(it.buf, x)
	}
	return x, err
}

func (it *cacheFill) close() { it.in.close() }

// ---- Zip and Concatenate ----

// Zip returns a dataset whose elements join the components of the
// datasets' elements, in order: zipping (x) with (y) gives (x, y). It ends
// with the shortest dataset (tf.data.Dataset.zip).
func Zip(ds ...*Dataset) *Dataset {
	if len(ds) == 0 {
		panic("data.Zip: no datasets")
	}
	card := Infinite
	for _, d := range ds {
		switch {
		case d.card == Unknown && card == Infinite:
			card = Unknown
		case d.card >= 0 && (card < 0 || d.card < card):
			card = d.card
		}
	}
	return &Dataset{card: card, open: func() iterator {
		z := &zipIter{}
		for _, d := range ds {
			z.ins = append(z.ins, d.open())
		}
		return z
	}}
}

type zipIter struct{ ins []iterator }

func (it *zipIter) next() (item, error) {
	var e Element
	for _, in := range it.ins {
		x, err := in.next()
		if err != nil {
			return item{}, err
		}
		e = append(e, x.element()...)
	}
	return item{elem: e}, nil
}

func (it *zipIter) close() {
	for _, in := range it.ins {
		in.close()
	}
}

// Concatenate returns the elements of d followed by those of other.
func (d *Dataset) Concatenate(other *Dataset) *Dataset {
	card := Unknown
	switch {
	case d.card == Infinite || other.card == Infinite:
		card = Infinite
	case d.card >= 0 && other.card >= 0:
		card = d.card + other.card
	}
	return &Dataset{card: card, open: func() iterator { return &concatIter{first: d.open(), second: other} }}
}

type concatIter struct {
	first  iterator
	second *Dataset
	cur    iterator
}

func (it *concatIter) next() (item, error) {
	if it.cur == nil {
		x, err := it.first.next()
		if err != io.EOF {
			return x, err
		}
		it.cur = it.second.open()
	}
	return it.cur.next()
}

func (it *concatIter) close() {
	it.first.close()
	if it.cur != nil {
		it.cur.close()
	}
}

// ---- AssertCardinality ----

// AssertCardinality declares that d has n elements
// (tf.data.experimental.assert_cardinality), so that Cardinality reports n
// for a generator; an iteration that finds more or fewer ends with an error.
func (d *Dataset) AssertCardinality(n int64) *Dataset {
	return &Dataset{card: n, open: func() iterator { return &assertIter{in: d.open(), want: n} }}
}

type assertIter struct {
	in   iterator
	want int64
	got  int64
}

func (it *assertIter) next() (item, error) {
	x, err := it.in.next()
	switch {
	case err == io.EOF && it.got < it.want:
		return item{}, fmt.Errorf("data: dataset was asserted to have %d elements but has %d", it.want, it.got)
	case err == nil:
		it.got++
		if it.want != Infinite && it.got > it.want {
			return item{}, fmt.Errorf("data: dataset was asserted to have %d elements but has more", it.want)
		}
	}
	return x, err
}

func (it *assertIter) close() { it.in.close() }
