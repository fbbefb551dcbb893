package data

import (
	"fmt"
	"io"
	"math"
	"math/rand/v2"
	"runtime"
	"runtime/debug"
	"sync"
	"sync/atomic"

	"github.com/tensorgo/tensorgo/internal/prefetch"
	"github.com/tensorgo/tensorgo/tensor"
)

// ---- Shuffle ----

// Shuffle returns a dataset that shuffles d with a buffer of bufferSize
// elements (tf.data.Dataset.shuffle): each output is drawn at random from the
// buffer, which is refilled from d. A buffer at least as large as the dataset
// gives a uniform permutation. The order depends only on seed and, with
// reshuffleEachIteration, on how many iterations have started before; without
// it every iteration has the same order. A negative seed draws one from
// tensor.NewRNG, so tensor.SetSeed makes it repeatable.
func (d *Dataset) Shuffle(bufferSize int, seed int64, reshuffleEachIteration bool) *Dataset {
	if bufferSize < 1 {
		panic(fmt.Sprintf("data.Shuffle: buffer size %d, want >= 1", bufferSize))
	}
	if seed < 0 {
		seed = tensor.NewRNG().Int64()
	}
	var epoch atomic.Uint64
	return &Dataset{card: d.card, open: func() iterator {
		var e uint64
		if reshuffleEachIteration {
			e = epoch.Add(1) - 1
		}
		rng := rand.New(rand.NewPCG(uint64(seed), e*0x9e3779b97f4a7c15+0x5851f42d4c957f2d))
		// Size the buffer for what can arrive; grow it on demand otherwise,
		// so that a huge bufferSize on an unknown-size input costs nothing.
		buf := min(bufferSize, 1<<16)
		if d.card >= 0 {
			buf = int(min(int64(bufferSize), d.card))
		}
		if d.src != nil && d.src.n <= math.MaxInt32 {
			return &shuffleRowsIter{s: d.src, size: bufferSize, rng: rng, buf: make([]int32, 0, buf)}
		}
		return &shuffleIter{in: d.open(), size: bufferSize, rng: rng, buf: make([]item, 0, buf)}
	}}
}

type shuffleIter struct {
	in   iterator
	buf  []item
	size int
	rng  *rand.Rand
	eof  bool
}

func (it *shuffleIter) next() (item, error) {
	if err := fill(it.in, &it.buf, it.size, &it.eof); err != nil {
		return item{}, err
	}
	n := len(it.buf)
	if n == 0 {
		return item{}, io.EOF
	}
	j := it.rng.IntN(n)
	x := it.buf[j]
	it.buf[j] = it.buf[n-1]
	it.buf[n-1] = item{}
	it.buf = it.buf[:n-1]
	return x, nil
}

func (it *shuffleIter) close() { it.in.close() }

// shuffleRowsIter is shuffleIter for a FromTensorSlices source: it draws the
// same order (the source yields rows 0, 1, 2, ... and the draws are the
// same) but buffers row numbers, which is several times cheaper for the
// 60,000-row buffers that shuffling an in-memory dataset uses.
type shuffleRowsIter struct {
	s    *slices
	pos  int // the next row the source would yield
	buf  []int32
	size int
	rng  *rand.Rand
}

func (it *shuffleRowsIter) next() (item, error) {
	for it.pos < it.s.n && len(it.buf) < it.size {
		it.buf = append(it.buf, int32(it.pos))
		it.pos++
	}
	n := len(it.buf)
	if n == 0 {
		return item{}, io.EOF
	}
	j := it.rng.IntN(n)
	x := it.buf[j]
	it.buf[j] = it.buf[n-1]
	it.buf = it.buf[:n-1]
	return item{src: it.s, i: int(x)}, nil
}

func (it *shuffleRowsIter) close() {}

// fill appends elements of in to *buf until it holds size of them or in is
// exhausted, which it records in *eof.
func fill(in iterator, buf *[]item, size int, eof *bool) error {
	for !*eof && len(*buf) < size {
		x, err := in.next()
		if err == io.EOF {
			*eof = true
			break
		}
		if err != nil {
			return err
		}
		*buf = append(*buf, x)
	}
	return nil
}

// ---- Batch ----

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
	n := src.Dim(0)
	rs := 0
	if n > 0 {
		rs = src.Size() / n
	}
	if dst.Size() != len(idx)*rs {
		return fmt.Errorf("data.GatherRows: %d rows of %d elements do not fit %v", len(idx), rs, dst.Shape())
	}
	for _, i := range idx {
		if i < 0 || i >= n {
			return fmt.Errorf("data.GatherRows: row %d out of range [0, %d)", i, n)
		}
	}
	gatherRows(dst, src, idx, rs)
	return nil
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

// ---- Map and Filter ----

// Map applies fn to every element (tf.data.Dataset.map). With
// numParallelCalls > 1 (or Autotune, one per CPU) it runs fn on that many
// goroutines at once; the output order is always the input order. fn must be
// safe for concurrent use when run in parallel. An error from fn ends the
// iteration with that error.
func (d *Dataset) Map(fn MapFunc, numParallelCalls ...int) *Dataset {
	workers := 1
	if len(numParallelCalls) > 0 {
		workers = numParallelCalls[0]
		if workers == Autotune {
			workers = runtime.GOMAXPROCS(0)
		}
		if workers < 1 {
			panic(fmt.Sprintf("data.Map: numParallelCalls %d, want >= 1 or Autotune", workers))
		}
	}
	if workers == 1 {
		return &Dataset{card: d.card, open: func() iterator { return &mapIter{in: d.open(), fn: fn} }}
	}
	return &Dataset{card: d.card, open: func() iterator { return newParallelMap(d.open(), fn, workers) }}
}

type mapIter struct {
	in iterator
	fn MapFunc
}

func (it *mapIter) next() (item, error) {
	x, err := it.in.next()
	if err != nil {
		return item{}, err
	}
	e, err := it.fn(x.element())
	if err != nil {
		return item{}, err
	}
	return item{elem: e}, nil
}

func (it *mapIter) close() { it.in.close() }

type result struct {
	x     item
	err   error
	panic any // a panic on a pipeline goroutine, re-raised for the consumer
}

// catch turns a panic on a pipeline goroutine into a result, so that it is
// raised on the consumer's goroutine (where the caller can see, and recover
// from, it) instead of killing the program.
func catch(r *result) {
	if p := recover(); p != nil {
		r.panic = fmt.Sprintf("%v\n[on a data pipeline goroutine]\n%s", p, debug.Stack())
	}
}

type mapJob struct {
	x   item
	fut chan result
}

// parallelMap runs a reader goroutine that pulls inputs in order and hands
// them to workers, and keeps a queue of futures in input order.
type parallelMap struct {
	futures chan chan result
	done    chan struct{}
	wg      sync.WaitGroup
	failed  bool
	closed  bool
}

func newParallelMap(in iterator, fn MapFunc, workers int) *parallelMap {
	p := &parallelMap{futures: make(chan chan result, 2*workers), done: make(chan struct{})}
	jobs := make(chan mapJob, workers)
	p.wg.Add(1 + workers)
	go func() {
		defer p.wg.Done()
		defer close(p.futures)
		defer close(jobs)
		defer in.close()
		for {
			x, err, pv := safeNext(in)
			if err == io.EOF {
				return
			}
			fut := make(chan result, 1)
			if err != nil || pv != nil {
				fut <- result{err: err, panic: pv}
				select {
				case p.futures <- fut:
				case <-p.done:
				}
				return
			}
			select {
			case jobs <- mapJob{x, fut}:
			case <-p.done:
				return
			}
			select {
			case p.futures <- fut:
			case <-p.done:
				return
			}
		}
	}()
	for w := 0; w < workers; w++ {
		go func() {
			defer p.wg.Done()
			for j := range jobs {
				select {
				case <-p.done:
					// Stopping: skip the work, nobody will read it.
					j.fut <- result{err: io.EOF}
					continue
				default:
				}
				j.fut <- apply(fn, j.x)
			}
		}()
	}
	return p
}

func apply(fn MapFunc, x item) (r result) {
	defer catch(&r)
	e, err := fn(x.element())
	return result{x: item{elem: e}, err: err}
}

func (p *parallelMap) next() (item, error) {
	if p.failed {
		return item{}, io.EOF
	}
	fut, ok := <-p.futures
	if !ok {
		return item{}, io.EOF
	}
	r := <-fut
	if r.err != nil || r.panic != nil {
		p.failed = true
	}
	if r.panic != nil {
		panic(r.panic)
	}
	return r.x, r.err
}

func (p *parallelMap) close() {
	if p.closed {
		return
	}
	p.closed = true
	close(p.done)
	p.wg.Wait()
}

// Filter keeps the elements for which keep returns true
// (tf.data.Dataset.filter). An error from keep ends the iteration.
func (d *Dataset) Filter(keep func(Element) (bool, error)) *Dataset {
	return &Dataset{card: unknownIfFinite(d.card), open: func() iterator { return &filterIter{in: d.open(), keep: keep} }}
}

func unknownIfFinite(c int64) int64 {
	if c == Infinite {
		return Infinite
	}
	return Unknown
}

type filterIter struct {
	in   iterator
	keep func(Element) (bool, error)
}

func (it *filterIter) next() (item, error) {
	for {
		x, err := it.in.next()
		if err != nil {
			return item{}, err
		}
		ok, err := it.keep(x.element())
		if err != nil {
			return item{}, err
		}
		if ok {
			return x, nil
		}
	}
}

func (it *filterIter) close() { it.in.close() }

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

// ---- Prefetch ----

// Prefetch computes up to n elements ahead on a separate goroutine
// (tf.data.Dataset.prefetch), so that producing the next batch overlaps with
// consuming this one. Autotune means 2. The goroutine stops when the
// iteration ends, also when the loop breaks early.
func (d *Dataset) Prefetch(n int) *Dataset {
	if n == Autotune {
		n = 2
	}
	if n < 1 {
		panic(fmt.Sprintf("data.Prefetch: buffer size %d, want >= 1 or Autotune", n))
	}
	return &Dataset{card: d.card, open: func() iterator { return newPrefetch(d.open(), n) }}
}

type prefetchIter struct {
	ch     chan result
	done   chan struct{}
	wg     sync.WaitGroup
	closed bool
	end    bool
}

func newPrefetch(in iterator, n int) *prefetchIter {
	p := &prefetchIter{ch: make(chan result, n), done: make(chan struct{})}
	p.wg.Add(1)
	go func() {
		defer p.wg.Done()
		defer close(p.ch)
		defer in.close()
		for {
			x, err, pv := safeNext(in)
			select {
			case p.ch <- result{x: x, err: err, panic: pv}:
			case <-p.done:
				return
			}
			if err != nil || pv != nil {
				return
			}
		}
	}()
	return p
}

func (p *prefetchIter) next() (item, error) {
	if p.end {
		return item{}, io.EOF
	}
	r, ok := p.receive()
	if !ok {
		p.end = true
		return item{}, io.EOF
	}
	if r.err != nil || r.panic != nil {
		p.end = true
	}
	if r.panic != nil {
		panic(r.panic)
	}
	return r.x, r.err
}

// receive takes the next result, polling for a while before it parks: a
// consumer that outruns the producer would otherwise park and be woken once
// per element, which costs more than producing a batch of MNIST.
func (p *prefetchIter) receive() (result, bool) {
	for i := 0; i < 64; i++ {
		select {
		case r, ok := <-p.ch:
			return r, ok
		default:
		}
		runtime.Gosched()
	}
	r, ok := <-p.ch
	return r, ok
}

// safeNext is in.next with a panic caught and returned.
func safeNext(in iterator) (x item, err error, pv any) {
	var r result
	func() {
		defer catch(&r)
		r.x, r.err = in.next()
	}()
	return r.x, r.err, r.panic
}

func (p *prefetchIter) close() {
	if p.closed {
		return
	}
	p.closed = true
	close(p.done)
	p.wg.Wait()
}

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
