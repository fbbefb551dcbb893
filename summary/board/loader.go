package board

import (
	"errors"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"sync"

	"github.com/tensorgo/tensorgo/internal/tfrecord"
	"github.com/tensorgo/tensorgo/summary"
)

// Point is one scalar value.
type Point struct {
	Step     int64   `json:"step"`
	WallTime float64 `json:"wall_time"`
	Value    float64 `json:"value"`
}

// HistogramStep is one histogram at one step.
type HistogramStep struct {
	Step    int64            `json:"step"`
	Buckets []summary.Bucket `json:"buckets"`
}

// ImageStep is the images of one image summary at one step.
type ImageStep struct {
	Step   int64    `json:"step"`
	Width  int      `json:"width"`
	Height int      `json:"height"`
	Images [][]byte `json:"-"`
	Count  int      `json:"count"`
}

// TextStep is one text summary at one step.
type TextStep struct {
	Step int64  `json:"step"`
	Text string `json:"text"`
}

// Run holds everything read so far from one run directory's events files.
type Run struct {
	Scalars    map[string][]Point
	Histograms map[string][]HistogramStep
	Images     map[string][]ImageStep
	Texts      map[string][]TextStep
	// Err is the first error met reading the run's files (a corrupt
	// record), shown to the user; reading stops at such a record.
	Err string
}

func newRun() *Run {
	return &Run{Scalars: map[string][]Point{}, Histograms: map[string][]HistogramStep{},
		Images: map[string][]ImageStep{}, Texts: map[string][]TextStep{}}
}

// fileState remembers how far a file has been read, so that a reload reads
// only what a running writer appended since.
type fileState struct {
	off    int64
	broken bool
}

// Loader reads the events files under a log directory, as TensorBoard does:
// every directory that holds a file whose name contains "tfevents" is a run,
// named by its path relative to the log directory. Reload reads what was
// appended since the last call. A Loader may be used from many goroutines.
type Loader struct {
	dir   string
	mu    sync.Mutex
	runs  map[string]*Run
	files map[string]*fileState
}

// NewLoader returns a Loader for logdir; call Reload to read it.
func NewLoader(logdir string) *Loader {
	return &Loader{dir: logdir, runs: map[string]*Run{}, files: map[string]*fileState{}}
}

// maxDepth bounds how deep Reload looks for runs below the log directory.
const maxDepth = 8

// Reload scans the log directory for events files and reads what is new in
// each.
func (l *Loader) Reload() error {
	var paths []string
	err := filepath.WalkDir(l.dir, func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			if p == l.dir {
				return err
			}
			return nil // a directory that vanished or cannot be read
		}
		rel, _ := filepath.Rel(l.dir, p)
		if d.IsDir() {
			if rel != "." && (strings.HasPrefix(d.Name(), ".") || strings.Count(rel, string(filepath.Separator)) >= maxDepth) {
				return filepath.SkipDir
			}
			return nil
		}
		if strings.Contains(d.Name(), "tfevents") && d.Type().IsRegular() {
			paths = append(paths, p)
		}
		return nil
	})
	if err != nil {
		return err
	}
	sort.Strings(paths)
	l.mu.Lock()
	defer l.mu.Unlock()
	for _, p := range paths {
		name, _ := filepath.Rel(l.dir, filepath.Dir(p))
		name = filepath.ToSlash(name)
		r := l.runs[name]
		if r == nil {
			r = newRun()
			l.runs[name] = r
		}
		fst := l.files[p]
		if fst == nil {
			fst = &fileState{}
			l.files[p] = fst
		}
		if !fst.broken {
			l.readFile(p, fst, r)
		}
	}
	return nil
}

func (l *Loader) readFile(path string, fst *fileState, r *Run) {
	f, err := os.Open(path)
	if err != nil {
		return
	}
	defer f.Close()
	if _, err := f.Seek(fst.off, io.SeekStart); err != nil {
		return
	}
	start := fst.off
	rd := summary.NewReader(f)
	for {
		ev, err := rd.Next()
		if err != nil {
			if err != io.EOF && !errors.Is(err, tfrecord.ErrTruncated) {
				fst.broken = true
				if r.Err == "" {
					r.Err = filepath.Base(path) + ": " + err.Error()
				}
			}
			break
		}
		fst.off = start + rd.Offset()
		add(r, ev)
	}
}

func add(r *Run, ev summary.Event) {
	for _, v := range ev.Values {
		switch v.Plugin {
		case "scalars":
			r.Scalars[v.Tag] = append(r.Scalars[v.Tag], Point{ev.Step, ev.WallTime, v.Scalar})
		case "histograms":
			r.Histograms[v.Tag] = append(r.Histograms[v.Tag], HistogramStep{ev.Step, v.Histogram})
		case "images":
			r.Images[v.Tag] = append(r.Images[v.Tag], ImageStep{ev.Step, v.Width, v.Height, v.Images, len(v.Images)})
		case "text":
			r.Texts[v.Tag] = append(r.Texts[v.Tag], TextStep{ev.Step, v.Text})
		}
	}
}

// Runs returns the names of the runs found, sorted.
func (l *Loader) Runs() []string {
	l.mu.Lock()
	defer l.mu.Unlock()
	names := make([]string, 0, len(l.runs))
	for n := range l.runs {
		names = append(names, n)
	}
	sort.Strings(names)
	return names
}

// With calls fn with the loaded runs while holding the loader's lock; fn
// must not keep references to the maps.
func (l *Loader) With(fn func(runs map[string]*Run)) {
	l.mu.Lock()
	defer l.mu.Unlock()
	fn(l.runs)
}
