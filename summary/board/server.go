// Package board serves a small web page that shows the scalars, histograms,
// images and text of TensorBoard event files, for machines without Python
// or TensorBoard: the `tensorgo board` command. The page and its charting
// library (uPlot, MIT licence) are embedded in the binary; the page polls
// the server, which reads what training appended since the last request.
package board

import (
	"embed"
	"encoding/json"
	"fmt"
	"io/fs"
	"net/http"
	"sort"
	"strconv"
	"sync"
	"time"
)

//go:embed static
var static embed.FS

// Server is an http.Handler that serves the board for one log directory.
type Server struct {
	loader *Loader
	mux    *http.ServeMux
	// MinReload is the least time between two scans of the log directory;
	// requests in between are served from what was read (default 1 s).
	MinReload time.Duration

	reloadMu   sync.Mutex
	lastReload time.Time
}

// New returns a Server for logdir.
func New(logdir string) *Server {
	s := &Server{loader: NewLoader(logdir), mux: http.NewServeMux(), MinReload: time.Second}
	sub, _ := fs.Sub(static, "static")
	s.mux.Handle("GET /static/", http.StripPrefix("/static/", http.FileServerFS(sub)))
	s.mux.HandleFunc("GET /{$}", func(w http.ResponseWriter, r *http.Request) {
		b, _ := static.ReadFile("static/index.html")
		w.Header().Set("Content-Type", "text/html; charset=utf-8")
		w.Write(b)
	})
	s.mux.HandleFunc("GET /api/runs", s.runs)
	s.mux.HandleFunc("GET /api/scalars", s.scalars)
	s.mux.HandleFunc("GET /api/histograms", s.histograms)
	s.mux.HandleFunc("GET /api/images", s.images)
	s.mux.HandleFunc("GET /api/image", s.image)
	s.mux.HandleFunc("GET /api/text", s.text)
	return s
}

func (s *Server) ServeHTTP(w http.ResponseWriter, r *http.Request) { s.mux.ServeHTTP(w, r) }

// reload rescans the log directory at most once per MinReload.
func (s *Server) reload() error {
	s.reloadMu.Lock()
	defer s.reloadMu.Unlock()
	if time.Since(s.lastReload) < s.MinReload {
		return nil
	}
	s.lastReload = time.Now()
	return s.loader.Reload()
}

func writeJSON(w http.ResponseWriter, v any) {
	w.Header().Set("Content-Type", "application/json")
	w.Header().Set("Cache-Control", "no-store")
	json.NewEncoder(w).Encode(v)
}

func (s *Server) fresh(w http.ResponseWriter) bool {
	if err := s.reload(); err != nil {
		http.Error(w, err.Error(), http.StatusInternalServerError)
		return false
	}
	return true
}

// RunInfo describes one run for the page.
type RunInfo struct {
	Name       string   `json:"name"`
	Scalars    []string `json:"scalars"`
	Histograms []string `json:"histograms"`
	Images     []string `json:"images"`
	Texts      []string `json:"texts"`
	Error      string   `json:"error,omitempty"`
}

func keys[V any](m map[string]V) []string {
	out := make([]string, 0, len(m))
	for k := range m {
		out = append(out, k)
	}
	sort.Strings(out)
	return out
}

func (s *Server) runs(w http.ResponseWriter, r *http.Request) {
	if !s.fresh(w) {
		return
	}
	var out []RunInfo
	s.loader.With(func(runs map[string]*Run) {
		for _, name := range keys(runs) {
			run := runs[name]
			out = append(out, RunInfo{name, keys(run.Scalars), keys(run.Histograms), keys(run.Images), keys(run.Texts), run.Err})
		}
	})
	writeJSON(w, out)
}

// scalars serves every scalar series: run → tag → points.
func (s *Server) scalars(w http.ResponseWriter, r *http.Request) {
	if !s.fresh(w) {
		return
	}
	out := map[string]map[string][]Point{}
	s.loader.With(func(runs map[string]*Run) {
		for name, run := range runs {
			m := map[string][]Point{}
			for tag, pts := range run.Scalars {
				m[tag] = append([]Point(nil), pts...)
			}
			out[name] = m
		}
	})
	writeJSON(w, out)
}

func (s *Server) histograms(w http.ResponseWriter, r *http.Request) {
	if !s.fresh(w) {
		return
	}
	run, tag := r.URL.Query().Get("run"), r.URL.Query().Get("tag")
	var out []HistogramStep
	s.loader.With(func(runs map[string]*Run) {
		if rr := runs[run]; rr != nil {
			out = append(out, rr.Histograms[tag]...)
		}
	})
	writeJSON(w, out)
}

func (s *Server) images(w http.ResponseWriter, r *http.Request) {
	if !s.fresh(w) {
		return
	}
	run, tag := r.URL.Query().Get("run"), r.URL.Query().Get("tag")
	var out []ImageStep
	s.loader.With(func(runs map[string]*Run) {
		if rr := runs[run]; rr != nil {
			out = append(out, rr.Images[tag]...)
		}
	})
	writeJSON(w, out)
}

// image serves one encoded image: run, tag, the index of the step in the
// series (k) and of the image in the step (i).
func (s *Server) image(w http.ResponseWriter, r *http.Request) {
	q := r.URL.Query()
	k, err1 := strconv.Atoi(q.Get("k"))
	i, err2 := strconv.Atoi(q.Get("i"))
	if err1 != nil || err2 != nil {
		http.Error(w, "k and i must be integers", http.StatusBadRequest)
		return
	}
	var img []byte
	s.loader.With(func(runs map[string]*Run) {
		if rr := runs[q.Get("run")]; rr != nil {
			steps := rr.Images[q.Get("tag")]
			if k >= 0 && k < len(steps) && i >= 0 && i < len(steps[k].Images) {
				img = steps[k].Images[i]
			}
		}
	})
	if img == nil {
		http.Error(w, fmt.Sprintf("no image %d of step %d", i, k), http.StatusNotFound)
		return
	}
	w.Header().Set("Content-Type", http.DetectContentType(img))
	w.Write(img)
}

func (s *Server) text(w http.ResponseWriter, r *http.Request) {
	if !s.fresh(w) {
		return
	}
	run, tag := r.URL.Query().Get("run"), r.URL.Query().Get("tag")
	var out []TextStep
	s.loader.With(func(runs map[string]*Run) {
		if rr := runs[run]; rr != nil {
			out = append(out, rr.Texts[tag]...)
		}
	})
	writeJSON(w, out)
}
