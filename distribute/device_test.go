package distribute_test

import (
	"testing"

	"github.com/tensorgo/tensorgo/distribute"
)

func TestWorkerDevice(t *testing.T) {
	if got := distribute.WorkerDevice(3); got != "/job:worker/task:3" {
		t.Errorf("WorkerDevice(3) = %q", got)
	}
	for _, c := range []struct {
		dev  string
		size int
		want int
	}{
		{"/job:worker/task:1", 2, 1},
		{"/job:worker/replica:0/task:0/device:CPU:0", 2, 0},
		{"/task:2", 4, 2},
		{"/cpu:0", 1, 0}, // no task: the only rank
		{"", 1, 0},
	} {
		got, err := distribute.TaskOf(c.dev, c.size)
		if err != nil || got != c.want {
			t.Errorf("TaskOf(%q, %d) = %d, %v; want %d", c.dev, c.size, got, err, c.want)
		}
	}
	for _, c := range []struct {
		dev  string
		size int
	}{
		{"/job:ps/task:0", 2},      // another job
		{"/job:worker/task:2", 2},  // no such rank
		{"/job:worker", 2},         // which rank?
		{"/job:worker/task:x", 2},  // not a device string
		{"/job:worker/task:-1", 2}, // not a device string
	} {
		if got, err := distribute.TaskOf(c.dev, c.size); err == nil {
			t.Errorf("TaskOf(%q, %d) = %d, want an error", c.dev, c.size, got)
		}
	}
}

// TaskOf parses device strings: whatever the input, it returns a rank in
// [0, size) or an error, and never panics.
func FuzzTaskOf(f *testing.F) {
	for _, s := range []string{"/job:worker/task:1", "/job:worker/replica:0/task:0/device:CPU:0", "/task:7", "",
		"/job:ps/task:0", "/job:worker/task:99999999999999999999", "/job:/task:", "//task:1//", "/task:1/task:2", "\x00/job:worker"} {
		f.Add(s, 4)
	}
	f.Fuzz(func(t *testing.T, dev string, size int) {
		if size < 1 || size > 1<<20 {
			return
		}
		k, err := distribute.TaskOf(dev, size)
		if err == nil && (k < 0 || k >= size) {
			t.Fatalf("TaskOf(%q, %d) = %d, outside [0, %d)", dev, size, k, size)
		}
	})
}
