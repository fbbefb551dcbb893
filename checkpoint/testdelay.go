package checkpoint

import (
	"io"
	"os"
	"time"
)

// WriteDelayEnv names an environment variable for crash tests only: a Go
// duration ("200ms") read when the program starts. When it is set, every
// Write pauses that long after the first bytes of a file reach its
// temporary file, so that a test can kill the process in the middle of a
// save and check that the latest checkpoint still reads.
const WriteDelayEnv = "TENSORGO_CHECKPOINT_TEST_WRITE_DELAY"

var writeDelay = parseWriteDelay(os.Getenv(WriteDelayEnv))

func parseWriteDelay(s string) time.Duration {
	if s == "" {
		return 0
	}
	d, err := time.ParseDuration(s)
	if err != nil || d < 0 {
		return 0
	}
	return d
}

// slowWriter writes the first half of the first write, sleeps once, then
// writes the rest.
type slowWriter struct {
	w     io.Writer
	delay time.Duration
	slept bool
}

func (s *slowWriter) Write(b []byte) (int, error) {
	if s.slept || len(b) < 2 {
		return s.w.Write(b)
	}
	s.slept = true
	n, err := s.w.Write(b[:len(b)/2])
	if err != nil {
		return n, err
	}
	if f, ok := s.w.(interface{ Sync() error }); ok {
		f.Sync() // the half-written file is on disk while the process sleeps
	}
	time.Sleep(s.delay)
	m, err := s.w.Write(b[len(b)/2:])
	return n + m, err
}
