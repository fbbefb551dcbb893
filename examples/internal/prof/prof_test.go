package prof

import (
	"strings"
	"testing"
	"time"

	"github.com/tensorgo/tensorgo/tf"
)

// The table sums by op type, then lists the most expensive ops by name,
// both cut at top.
func TestPrintOpStats(t *testing.T) {
	stats := []tf.OpStat{ // as StopOpStats returns them: the slowest first
		{Name: "conv_a", Type: "Conv2D", Calls: 2, Total: 5 * time.Millisecond},
		{Name: "pool", Type: "MaxPool", Calls: 2, Total: 4 * time.Millisecond},
		{Name: "conv_b", Type: "Conv2D", Calls: 2, Total: 3 * time.Millisecond},
	}
	var b strings.Builder
	printOpStats(&b, stats, 2)
	out := b.String()
	types, ops, ok := strings.Cut(out, "kernel time by op:\n")
	if !ok {
		t.Fatalf("no per-op table:\n%s", out)
	}
	if !strings.Contains(types, "Conv2D") || !strings.Contains(types, "8ms") || !strings.Contains(types, "12ms in all") {
		t.Errorf("type table does not sum Conv2D's two ops to 8ms of 12ms:\n%s", types)
	}
	lines := strings.Split(strings.TrimSpace(ops), "\n")
	if len(lines) != 2 || !strings.Contains(lines[0], "conv_a") || !strings.Contains(lines[1], "pool") {
		t.Errorf("per-op table is not the top 2 ops in order:\n%s", ops)
	}
}
