package data

import (
	"fmt"
	"io"
	"runtime"
	"sync"
)

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
