package summary

import (
	"bufio"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"sync"
	"sync/atomic"
	"time"

	"google.golang.org/protobuf/proto"

	"github.com/tensorgo/tensorgo/internal/tfrecord"
	"github.com/tensorgo/tensorgo/summary/internal/tbpb"
)

// Defaults of a Writer, TensorFlow's (tf.summary.create_file_writer).
const (
	DefaultMaxQueue   = 10
	DefaultFlushEvery = 120 * time.Second
)

// A WriterOption configures NewWriter.
type WriterOption func(*writerConfig)

type writerConfig struct {
	maxQueue   int
	flushEvery time.Duration
	suffix     string
}

// MaxQueue sets how many events a Writer buffers before it writes them to
// the file (TensorFlow's max_queue, default 10).
func MaxQueue(n int) WriterOption { return func(c *writerConfig) { c.maxQueue = n } }

// FlushEvery sets the longest time an event waits in the buffer before it
// is written (TensorFlow's flush_millis, default 2 minutes). Zero or less
// turns the timer off: events are then written when the queue fills, on
// Flush and on Close.
func FlushEvery(d time.Duration) WriterOption { return func(c *writerConfig) { c.flushEvery = d } }

// FilenameSuffix appends s to the events file's name.
func FilenameSuffix(s string) WriterOption { return func(c *writerConfig) { c.suffix = s } }

// Writer appends events to one new events file in a run directory, the
// counterpart of tf.summary.create_file_writer (and, with AddSummary, of
// TF1's tf.summary.FileWriter). Its methods may be called from many
// goroutines at once. Close it when done: events still buffered are written
// then, and the file is synced.
type Writer struct {
	mu       sync.Mutex
	path     string
	f        *os.File
	bw       *bufio.Writer
	rec      *tfrecord.Writer
	queued   int
	maxQueue int
	timer    *time.Timer
	every    time.Duration
	err      error // first write error; later writes return it
	closed   bool
	buf      []byte
}

var fileCounter atomic.Int64

// NewWriter creates logdir if needed and a new events file in it, named as
// TensorFlow 2 names them (events.out.tfevents.<seconds>.<host>.<pid>.<n>.v2),
// and writes the file-version record that starts every events file.
func NewWriter(logdir string, opts ...WriterOption) (*Writer, error) {
	c := writerConfig{maxQueue: DefaultMaxQueue, flushEvery: DefaultFlushEvery}
	for _, o := range opts {
		o(&c)
	}
	if c.maxQueue < 1 {
		c.maxQueue = 1
	}
	if err := os.MkdirAll(logdir, 0o755); err != nil {
		return nil, fmt.Errorf("summary: %w", err)
	}
	host, err := os.Hostname()
	if err != nil || host == "" {
		host = "localhost"
	}
	name := fmt.Sprintf("events.out.tfevents.%d.%s.%d.%d.v2%s",
		time.Now().Unix(), host, os.Getpid(), fileCounter.Add(1), c.suffix)
	path := filepath.Join(logdir, name)
	f, err := os.OpenFile(path, os.O_WRONLY|os.O_CREATE|os.O_EXCL, 0o644)
	if err != nil {
		return nil, fmt.Errorf("summary: %w", err)
	}
	w := &Writer{path: path, f: f, bw: bufio.NewWriterSize(f, 64<<10), maxQueue: c.maxQueue,
		every: c.flushEvery}
	w.rec = tfrecord.NewWriter(w.bw)
	ev := &tbpb.Event{WallTime: now(), What: &tbpb.Event_FileVersion{FileVersion: "brain.Event:2"},
		SourceMetadata: &tbpb.SourceMetadata{Writer: "tensorgo"}}
	if err := w.write(ev); err == nil {
		err = w.Flush()
	}
	if w.err != nil {
		f.Close()
		os.Remove(path)
		return nil, w.err
	}
	return w, nil
}

// Path is the events file's path.
func (w *Writer) Path() string { return w.path }

func now() float64 { return float64(time.Now().UnixNano()) / 1e9 }

// ErrClosed is returned by a Writer's methods after Close.
var ErrClosed = errors.New("summary: writer is closed")

// write appends one event; it flushes when the queue is full and arms the
// flush timer otherwise.
func (w *Writer) write(ev *tbpb.Event) error {
	w.mu.Lock()
	defer w.mu.Unlock()
	if w.closed {
		return ErrClosed
	}
	if w.err != nil {
		return w.err
	}
	b, err := proto.MarshalOptions{Deterministic: true}.MarshalAppend(w.buf[:0], ev)
	if err != nil {
		return fmt.Errorf("summary: encoding an event: %w", err)
	}
	w.buf = b
	if err := w.rec.Write(b); err != nil {
		w.err = fmt.Errorf("summary: writing %s: %w", w.path, err)
		return w.err
	}
	w.queued++
	if w.queued >= w.maxQueue {
		return w.flushLocked()
	}
	if w.every > 0 && w.timer == nil {
		w.timer = time.AfterFunc(w.every, func() { w.Flush() })
	}
	return nil
}

// Flush writes the buffered events to the file.
func (w *Writer) Flush() error {
	w.mu.Lock()
	defer w.mu.Unlock()
	if w.closed {
		return w.err
	}
	return w.flushLocked()
}

func (w *Writer) flushLocked() error {
	if w.timer != nil {
		w.timer.Stop()
		w.timer = nil
	}
	w.queued = 0
	if w.err != nil {
		return w.err
	}
	if err := w.bw.Flush(); err != nil {
		w.err = fmt.Errorf("summary: writing %s: %w", w.path, err)
	}
	return w.err
}

// Close writes what is buffered, syncs the file to stable storage and
// closes it. Closing twice is harmless.
func (w *Writer) Close() error {
	w.mu.Lock()
	defer w.mu.Unlock()
	if w.closed {
		return w.err
	}
	w.flushLocked()
	w.closed = true
	if err := w.f.Sync(); err != nil && w.err == nil {
		w.err = fmt.Errorf("summary: syncing %s: %w", w.path, err)
	}
	if err := w.f.Close(); err != nil && w.err == nil {
		w.err = fmt.Errorf("summary: closing %s: %w", w.path, err)
	}
	return w.err
}

// summaryEvent wraps values in an event at step.
func (w *Writer) summaryEvent(step int64, vals ...*tbpb.Summary_Value) error {
	return w.write(&tbpb.Event{WallTime: now(), Step: step,
		What: &tbpb.Event_Summary{Summary: &tbpb.Summary{Value: vals}}})
}
