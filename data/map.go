package data

import (
	"fmt"
	"io"
	"runtime"
	"runtime/debug"
	"sync"
)

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
