// Package prof is the examples' -cpuprofile and -opstats flags: a pprof CPU
// profile and the kernel time of each graph op type.
package prof

import (
	"fmt"
	"io"
	"os"
	"runtime/pprof"
	"sort"
	"time"

	"github.com/tensorgo/tensorgo/tf"
)

// Start starts a CPU profile into path (none when path is empty)
// and, when top > 0, per-op timing, and returns the function that stops
// both, closes the file and prints the top op types to w.
func Start(path string, top int, w io.Writer) (stop func() error, err error) {
	var f *os.File
	if path != "" {
		if f, err = os.Create(path); err != nil {
			return nil, err
		}
		if err := pprof.StartCPUProfile(f); err != nil {
			f.Close()
			return nil, err
		}
	}
	if top > 0 {
		tf.StartOpStats()
	}
	return func() error {
		if top > 0 {
			printOpStats(w, tf.StopOpStats(), top)
		}
		if f == nil {
			return nil
		}
		pprof.StopCPUProfile()
		return f.Close()
	}, nil
}

// printOpStats sums the ops' times by type and prints the top types.
func printOpStats(w io.Writer, stats []tf.OpStat, top int) {
	type row struct {
		typ   string
		ops   int
		calls int
		total time.Duration
	}
	by := map[string]*row{}
	var all time.Duration
	for _, s := range stats {
		r := by[s.Type]
		if r == nil {
			r = &row{typ: s.Type}
			by[s.Type] = r
		}
		r.ops++
		r.calls += s.Calls
		r.total += s.Total
		all += s.Total
	}
	rows := make([]*row, 0, len(by))
	for _, r := range by {
		rows = append(rows, r)
	}
	sort.Slice(rows, func(i, j int) bool { return rows[i].total > rows[j].total })
	fmt.Fprintf(w, "kernel time by op type (%v in all):\n", all.Round(time.Millisecond))
	for i, r := range rows {
		if i == top {
			break
		}
		fmt.Fprintf(w, "  %-28s %4d ops %8d calls %10v %5.1f%%\n", r.typ, r.ops, r.calls, r.total.Round(time.Millisecond), 100*float64(r.total)/float64(max(all, 1)))
	}
	fmt.Fprintf(w, "kernel time by op:\n")
	for i, s := range stats { // sorted by time, the most expensive first
		if i == top {
			break
		}
		fmt.Fprintf(w, "  %-28s %-44s %8d calls %10v %5.1f%%\n", s.Type, s.Name, s.Calls, s.Total.Round(10*time.Microsecond), 100*float64(s.Total)/float64(max(all, 1)))
	}
}
