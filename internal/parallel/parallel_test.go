package parallel

import (
	"sync/atomic"
	"testing"
)

func TestForCoversEveryIndexOnce(t *testing.T) {
	old := NumThreads()
	defer SetNumThreads(old)
	for _, threads := range []int{1, 2, 3, 8} {
		SetNumThreads(threads)
		for _, n := range []int{0, 1, 2, 7, 100, 1001} {
			for _, grain := range []int{0, 1, 3, 64, 5000} {
				hits := make([]int32, n)
				For(n, grain, func(lo, hi int) {
					if lo >= hi && n > 0 {
						t.Errorf("empty range [%d,%d)", lo, hi)
					}
					for i := lo; i < hi; i++ {
						atomic.AddInt32(&hits[i], 1)
					}
				})
				for i, h := range hits {
					if h != 1 {
						t.Fatalf("threads=%d n=%d grain=%d: index %d visited %d times", threads, n, grain, i, h)
					}
				}
			}
		}
	}
}

func TestSmallWorkStaysOnCaller(t *testing.T) {
	calls := 0 // not atomic on purpose: the race detector flags a second goroutine
	For(10, 100, func(lo, hi int) { calls++ })
	if calls != 1 {
		t.Fatalf("got %d calls, want 1", calls)
	}
}

func TestSetNumThreadsClamps(t *testing.T) {
	old := NumThreads()
	defer SetNumThreads(old)
	SetNumThreads(-3)
	if NumThreads() != 1 {
		t.Fatalf("NumThreads = %d after SetNumThreads(-3), want 1", NumThreads())
	}
}

func TestNestedForDoesNotDeadlock(t *testing.T) {
	old := NumThreads()
	defer SetNumThreads(old)
	SetNumThreads(2)
	var total atomic.Int64
	For(64, 1, func(lo, hi int) {
		for i := lo; i < hi; i++ {
			For(1000, 10, func(lo, hi int) { total.Add(int64(hi - lo)) })
		}
	})
	if got := total.Load(); got != 64*1000 {
		t.Fatalf("nested For counted %d, want %d", got, 64*1000)
	}
}

// A panic in any chunk reaches the caller of For, after every chunk is
// done, so that the caller's recover (Session.Run's) sees it.
func TestPanicReachesCaller(t *testing.T) {
	old := NumThreads()
	defer SetNumThreads(old)
	SetNumThreads(4)
	for _, bad := range []int{0, 500, 999} { // the caller's chunk and workers' chunks
		var done atomic.Int64
		func() {
			defer func() {
				r := recover()
				if r != "chunk panicked" {
					t.Errorf("bad index %d: recovered %v, want the chunk's panic", bad, r)
				}
			}()
			For(1000, 10, func(lo, hi int) {
				defer done.Add(int64(hi - lo))
				if lo <= bad && bad < hi {
					panic("chunk panicked")
				}
			})
			t.Errorf("bad index %d: For returned normally", bad)
		}()
		if done.Load() != 1000 {
			t.Errorf("bad index %d: For returned before every chunk finished (%d of 1000)", bad, done.Load())
		}
	}
	// The pool still works afterwards.
	var n atomic.Int64
	For(1000, 10, func(lo, hi int) { n.Add(int64(hi - lo)) })
	if n.Load() != 1000 {
		t.Fatalf("after a panic For covered %d of 1000", n.Load())
	}
}

func TestForDoesNotAllocate(t *testing.T) {
	if raceEnabled {
		t.Skip("allocation counts are meaningless under the race detector")
	}
	old := NumThreads()
	defer SetNumThreads(old)
	SetNumThreads(2)
	var sink atomic.Int64
	fn := func(lo, hi int) { sink.Add(int64(hi - lo)) }
	For(100, 1, fn) // warm the group pool
	if a := testing.AllocsPerRun(100, func() { For(100, 1, fn) }); a > 0 {
		t.Errorf("For allocates %v times per call", a)
	}
}

func TestForAlignedBoundaries(t *testing.T) {
	old := NumThreads()
	defer SetNumThreads(old)
	for _, threads := range []int{1, 2, 3, 4, 7} {
		SetNumThreads(threads)
		for _, n := range []int{0, 1, 15, 16, 17, 100, 1001, 100352} {
			for _, align := range []int{0, 1, 8, 16} {
				hits := make([]int32, n)
				var ranges atomic.Int32
				ForAligned(n, 4, align, func(lo, hi int) {
					ranges.Add(1)
					if lo >= hi {
						t.Errorf("empty range [%d,%d)", lo, hi)
					}
					a := max(align, 1)
					if lo%a != 0 || hi != n && hi%a != 0 {
						t.Errorf("threads=%d n=%d align=%d: range [%d,%d) not aligned", threads, n, align, lo, hi)
					}
					for i := lo; i < hi; i++ {
						atomic.AddInt32(&hits[i], 1)
					}
				})
				for i, h := range hits {
					if h != 1 {
						t.Fatalf("threads=%d n=%d align=%d: index %d visited %d times", threads, n, align, i, h)
					}
				}
				if n >= 1000 && threads > 1 && ranges.Load() < 2 {
					t.Errorf("threads=%d n=%d: %d ranges, want the work split", threads, n, ranges.Load())
				}
			}
		}
	}
}
