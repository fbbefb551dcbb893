package tf

import (
	"sort"
	"sync"
	"sync/atomic"
	"time"
)

// OpStat is the time one op of a graph spent in its kernel while op
// statistics were being collected (StartOpStats).
type OpStat struct {
	Name  string        // the op's name in its graph
	Type  string        // the op's type, such as "Conv2D"
	Calls int           // kernel runs
	Total time.Duration // summed wall time of those runs
}

// opStats is the collection that StartOpStats opens; the run loop checks
// the flag once per step, so that collecting costs nothing when off.
var opStats struct {
	on  atomic.Bool
	mu  sync.Mutex
	per map[*Operation]*OpStat
}

// StartOpStats starts timing every kernel that any Session.Run executes,
// in every graph, until StopOpStats. It is meant for finding where a
// model's time goes (like TensorFlow's step statistics); the timing itself
// adds about a clock read per op.
func StartOpStats() {
	opStats.mu.Lock()
	opStats.per = map[*Operation]*OpStat{}
	opStats.mu.Unlock()
	opStats.on.Store(true)
}

// StopOpStats stops the timing that StartOpStats began and returns one
// entry per op that ran, the most expensive first.
func StopOpStats() []OpStat {
	opStats.on.Store(false)
	opStats.mu.Lock()
	defer opStats.mu.Unlock()
	out := make([]OpStat, 0, len(opStats.per))
	for _, s := range opStats.per {
		out = append(out, *s)
	}
	opStats.per = nil
	sort.Slice(out, func(i, j int) bool {
		if out[i].Total != out[j].Total {
			return out[i].Total > out[j].Total
		}
		return out[i].Name < out[j].Name
	})
	return out
}

// recordOp adds one kernel run of op to the statistics.
func recordOp(op *Operation, d time.Duration) {
	opStats.mu.Lock()
	defer opStats.mu.Unlock()
	if opStats.per == nil {
		return
	}
	s := opStats.per[op]
	if s == nil {
		s = &OpStat{Name: op.name, Type: op.def.Type}
		opStats.per[op] = s
	}
	s.Calls++
	s.Total += d
}
