package board

import (
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"testing"

	"github.com/tensorgo/tensorgo/summary"
	"github.com/tensorgo/tensorgo/tensor"
)

// writeRuns writes train and validation runs of n scalar steps each, and a
// histogram and a text to train.
func writeRuns(t testing.TB, dir string, n int) {
	t.Helper()
	for i, run := range []string{"train", "validation"} {
		w, err := summary.NewWriter(filepath.Join(dir, run))
		if err != nil {
			t.Fatal(err)
		}
		for s := 0; s < n; s++ {
			w.Scalar("epoch_loss", float64(n-s)+float64(i), int64(s))
		}
		if run == "train" {
			w.Histogram("kernel", tensor.FromSlice([]float32{1, 2, 2, 3}), 0)
			w.Text("note", "hello", 0)
		}
		if err := w.Close(); err != nil {
			t.Fatal(err)
		}
	}
}

func TestLoaderIncremental(t *testing.T) {
	dir := t.TempDir()
	w, err := summary.NewWriter(filepath.Join(dir, "run"), summary.MaxQueue(1))
	if err != nil {
		t.Fatal(err)
	}
	defer w.Close()
	l := NewLoader(dir)
	w.Scalar("loss", 1, 0)
	if err := l.Reload(); err != nil {
		t.Fatal(err)
	}
	count := func() (n int) {
		l.With(func(runs map[string]*Run) { n = len(runs["run"].Scalars["loss"]) })
		return
	}
	if n := count(); n != 1 {
		t.Fatalf("after one event: %d points", n)
	}
	w.Scalar("loss", 0.5, 1)
	w.Scalar("loss", 0.25, 2)
	// Half a record at the end, as a writer in the middle of a write leaves it.
	f, _ := os.OpenFile(w.Path(), os.O_APPEND|os.O_WRONLY, 0)
	f.Write([]byte{9, 0, 0})
	f.Close()
	l.Reload()
	if n := count(); n != 3 {
		t.Fatalf("after three events: %d points, want 3 (each read once)", n)
	}
	var errText string
	l.With(func(runs map[string]*Run) { errText = runs["run"].Err })
	if errText != "" {
		t.Fatalf("a half-written record was reported as an error: %s", errText)
	}
	if got := l.Runs(); len(got) != 1 || got[0] != "run" {
		t.Fatalf("runs %v", got)
	}
}

func TestLoaderCorrupt(t *testing.T) {
	dir := t.TempDir()
	w, _ := summary.NewWriter(filepath.Join(dir, "bad"))
	w.Scalar("loss", 1, 0)
	w.Scalar("loss", 2, 1)
	w.Close()
	b, _ := os.ReadFile(w.Path())
	b[len(b)-10] ^= 0xff
	os.WriteFile(w.Path(), b, 0o644)
	l := NewLoader(dir)
	l.Reload()
	l.With(func(runs map[string]*Run) {
		r := runs["bad"]
		if r.Err == "" || len(r.Scalars["loss"]) != 1 {
			t.Fatalf("corrupt second record: err %q, %d points; want an error and the first point", r.Err, len(r.Scalars["loss"]))
		}
	})
}

func TestAPI(t *testing.T) {
	dir := t.TempDir()
	writeRuns(t, dir, 7)
	srv := httptest.NewServer(New(dir))
	defer srv.Close()
	get := func(path string, v any) {
		t.Helper()
		resp, err := http.Get(srv.URL + path)
		if err != nil {
			t.Fatal(err)
		}
		defer resp.Body.Close()
		if resp.StatusCode != 200 {
			t.Fatalf("GET %s: %s", path, resp.Status)
		}
		if v != nil {
			if err := json.NewDecoder(resp.Body).Decode(v); err != nil {
				t.Fatalf("GET %s: %v", path, err)
			}
		}
	}
	var runs []RunInfo
	get("/api/runs", &runs)
	if len(runs) != 2 || runs[0].Name != "train" || runs[1].Name != "validation" ||
		len(runs[0].Histograms) != 1 || len(runs[0].Texts) != 1 {
		t.Fatalf("runs %+v", runs)
	}
	var sc map[string]map[string][]Point
	get("/api/scalars", &sc)
	if pts := sc["validation"]["epoch_loss"]; len(pts) != 7 || pts[0].Value != 8 || pts[6].Step != 6 {
		t.Fatalf("validation scalars %+v", pts)
	}
	var hs []HistogramStep
	get("/api/histograms?run=train&tag=kernel", &hs)
	if len(hs) != 1 || len(hs[0].Buckets) != summary.DefaultBuckets {
		t.Fatalf("histograms %+v", hs)
	}
	get("/", nil)
	get("/static/uPlot.iife.min.js", nil)
	get("/static/board.js", nil)
	if resp, _ := http.Get(srv.URL + "/api/image?run=train&tag=x&k=0&i=0"); resp.StatusCode != 404 {
		t.Errorf("a missing image: %s, want 404", resp.Status)
	}
}
