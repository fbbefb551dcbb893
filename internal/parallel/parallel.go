// Package parallel is the one worker pool that every tensorgo kernel shares.
//
// Kernels split their work with For; the pool's size is set once for the
// process (SetNumThreads, or the TENSORGO_NUM_THREADS environment variable,
// or GOMAXPROCS by default). Work smaller than a grain stays on the calling
// goroutine, so small tensors pay nothing for parallelism.
package parallel

import (
	"os"
	"runtime"
	"strconv"
	"sync"
	"sync/atomic"
)

// task is one chunk of a For call, handed to a worker.
type task struct {
	fn     func(lo, hi int)
	lo, hi int
	g      *group
}

// group tracks the queued chunks of one For call. done receives one value
// when the last of them finishes.
type group struct {
	pending atomic.Int32
	done    chan struct{}
}

func (t task) run() {
	t.fn(t.lo, t.hi)
	if t.g.pending.Add(-1) == 0 {
		t.g.done <- struct{}{}
	}
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

func worker() {
	for t := range queue {
		t.run()
	}
}

// For calls fn over [0, n) split into contiguous ranges, each at least grain
// long, run on up to NumThreads goroutines (the caller included). It returns
// when every range is done. fn must be safe to call concurrently on disjoint
// ranges.
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
// n < chunks) and runs them in parallel, the first on the caller.
func ForChunks(n, chunks int, fn func(lo, hi int)) {
	if chunks > n {
		chunks = n
	}
	if chunks <= 1 {
		if n > 0 {
			fn(0, n)
		}
		return
	}
	g := groups.Get().(*group)
	g.pending.Store(int32(chunks - 1))
	for c := 1; c < chunks; c++ {
		queue <- task{fn: fn, lo: c * n / chunks, hi: (c + 1) * n / chunks, g: g}
	}
	fn(0, n/chunks)
	// While waiting, run queued chunks (ours or another call's): a For nested
	// inside a For body then cannot deadlock with every worker waiting.
	for {
		select {
		case t := <-queue:
			t.run()
			continue
		case <-g.done:
		}
		break
	}
	groups.Put(g)
}
