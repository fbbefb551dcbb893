// Package parallel is the one worker pool that every tensorgo kernel shares.
//
// Kernels split their work with For; the pool's size is set once for the
// process (SetNumThreads, or the TENSORGO_NUM_THREADS environment variable,
// or GOMAXPROCS by default). Work smaller than a grain stays on the calling
// goroutine, so small tensors pay nothing for parallelism.
//
// Idle workers, and callers waiting for their chunks, poll for up to 100 µs
// before they park (as OpenMP runtimes spin): the kernels of a training step
// come microseconds apart, and waking a parked goroutine costs more than
// that. A worker yields the processor while it polls, and an idle process
// stops polling after 100 µs.
package parallel

import (
	"os"
	"runtime"
	"strconv"
	"sync"
	"sync/atomic"
	"time"
)

// task is one chunk of a For call, handed to a worker.
type task struct {
	fn     func(lo, hi int)
	lo, hi int
	g      *group
}

// group tracks the queued chunks of one For call. done receives one value
// when the last of them finishes. panicked holds the first panic of any of
// its chunks, re-raised on the caller's goroutine once all are done: a
// panic on a worker would otherwise kill the process, beyond the reach of
// the caller's recover (Session.Run turns kernel panics into errors).
type group struct {
	pending  atomic.Int32
	done     chan struct{}
	panicked atomic.Pointer[panicValue]
}

type panicValue struct{ v any }

func (t task) run() {
	defer t.g.finish()
	t.fn(t.lo, t.hi)
}

// finish is deferred by run: it records a panic of the chunk and counts the
// chunk done either way.
func (g *group) finish() {
	if r := recover(); r != nil {
		g.panicked.CompareAndSwap(nil, &panicValue{r})
	}
	if g.pending.Add(-1) == 0 {
		g.done <- struct{}{}
	}
}

// runFirst runs the caller's own chunk, recording a panic like finish.
func (g *group) runFirst(fn func(lo, hi int), lo, hi int) {
	defer func() {
		if r := recover(); r != nil {
			g.panicked.CompareAndSwap(nil, &panicValue{r})
		}
	}()
	fn(lo, hi)
}

var (
	mu       sync.Mutex
	nthreads atomic.Int32
	queue    chan task
	started  int // workers running; they never exit, so only grows
	groups   = sync.Pool{New: func() any { return &group{done: make(chan struct{}, 1)} }}
)

func init() {
	n := runtime.GOMAXPROCS(0)
	if s := os.Getenv("TENSORGO_NUM_THREADS"); s != "" {
		if v, err := strconv.Atoi(s); err == nil && v > 0 {
			n = v
		}
	}
	queue = make(chan task, 256)
	SetNumThreads(n)
}

// SetNumThreads sets how many goroutines kernels may use at once (at least 1).
// It is safe to call at any time; calls already running keep their split.
func SetNumThreads(n int) {
	if n < 1 {
		n = 1
	}
	mu.Lock()
	defer mu.Unlock()
	for started < n-1 { // the caller's goroutine is the n-th worker
		started++
		go worker()
	}
	nthreads.Store(int32(n))
}

// NumThreads reports the current setting.
func NumThreads() int { return int(nthreads.Load()) }

// spinFor is how long an idle worker keeps polling the queue before it
// parks. Kernels of a training step come every few microseconds; waking a
// parked goroutine costs tens of microseconds on a virtual machine, more than
// many kernels take.
const spinFor = 100 * time.Microsecond

func worker() {
	for {
		t, ok := poll()
		if !ok {
			t = <-queue
		}
		t.run()
	}
}

// poll waits up to spinFor for a task, yielding the processor between looks
// so that other goroutines (input pipelines, the caller) still run.
func poll() (task, bool) {
	var start time.Time
	for i := 0; ; i++ {
		select {
		case t := <-queue:
			return t, true
		default:
		}
		if i == 0 {
			start = time.Now()
		} else if i%16 == 0 && time.Since(start) > spinFor {
			return task{}, false
		}
		runtime.Gosched()
	}
}

// For calls fn over [0, n) split into contiguous ranges, each at least grain
// long, run on up to NumThreads goroutines (the caller included). It returns
// when every range is done. fn must be safe to call concurrently on disjoint
// ranges. A panic in fn reaches the caller (see ForChunks).
func For(n, grain int, fn func(lo, hi int)) {
	if n <= 0 {
		return
	}
	if grain < 1 {
		grain = 1
	}
	p := NumThreads()
	chunks := n / grain
	if chunks > p {
		chunks = p
	}
	if chunks <= 1 {
		fn(0, n)
		return
	}
	ForChunks(n, chunks, fn)
}

// ForChunks splits [0, n) into exactly chunks near-equal ranges (fewer if
// n < chunks) and runs them in parallel, the first on the caller. If a chunk
// panics, ForChunks waits for the others and then panics on the caller's
// goroutine with the first panic's value.
func ForChunks(n, chunks int, fn func(lo, hi int)) { forChunks(n, chunks, 1, fn) }

// ForAligned is For with every range boundary but n a multiple of align, so
// that a kernel with a vector body and a scalar tail takes the tail only at
// the end of [0, n), whatever the thread count: its results then cannot
// depend on where the ranges fall.
func ForAligned(n, grain, align int, fn func(lo, hi int)) {
	if n <= 0 {
		return
	}
	if align < 1 {
		align = 1
	}
	units := (n + align - 1) / align
	chunks := min(n/max(grain, 1), NumThreads(), units)
	if chunks <= 1 {
		fn(0, n)
		return
	}
	forChunks(n, chunks, align, fn)
}

// forChunks runs chunks ranges of [0, n) whose inner boundaries are
// multiples of align.
func forChunks(n, chunks, align int, fn func(lo, hi int)) {
	units := (n + align - 1) / align
	if chunks > units {
		chunks = units
	}
	if chunks <= 1 {
		if n > 0 {
			fn(0, n)
		}
		return
	}
	bound := func(c int) int { return min(n, c*units/chunks*align) }
	g := groups.Get().(*group)
	g.pending.Store(int32(chunks - 1))
	for c := 1; c < chunks; c++ {
		queue <- task{fn: fn, lo: bound(c), hi: bound(c + 1), g: g}
	}
	g.runFirst(fn, 0, bound(1))
	wait(g)
	p := g.panicked.Swap(nil)
	groups.Put(g)
	if p != nil {
		panic(p.v)
	}
}

// wait returns when g's queued chunks are done. Meanwhile it runs queued
// chunks itself (its own or another call's), so a For nested inside a For
// body cannot deadlock with every worker waiting. It polls for spinFor before
// it parks: the other chunks usually finish within microseconds of the
// caller's, and a parked goroutine takes longer than that to wake.
func wait(g *group) {
	var start time.Time
	for i := 0; ; i++ {
		if g.pending.Load() == 0 {
			<-g.done // sent right after the last decrement
			return
		}
		select {
		case t := <-queue:
			t.run()
			continue
		default:
		}
		if i == 0 {
			start = time.Now()
		} else if i%64 == 0 && time.Since(start) > spinFor {
			break
		}
	}
	for {
		select {
		case t := <-queue:
			t.run()
		case <-g.done:
			return
		}
	}
}
