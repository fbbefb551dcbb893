package atomicfile

import (
	"errors"
	"io"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

func TestWriteReplacesWholeFile(t *testing.T) {
	dir := t.TempDir()
	p := filepath.Join(dir, "f.bin")
	if err := os.WriteFile(p, []byte("old"), 0o644); err != nil {
		t.Fatal(err)
	}
	if err := Write(p, func(w io.Writer) error { _, err := w.Write([]byte("new contents")); return err }); err != nil {
		t.Fatal(err)
	}
	got, _ := os.ReadFile(p)
	if string(got) != "new contents" {
		t.Fatalf("file holds %q", got)
	}
	assertOnlyFile(t, dir, "f.bin")
}

func TestFailedWriteKeepsOldFile(t *testing.T) {
	dir := t.TempDir()
	p := filepath.Join(dir, "f.bin")
	if err := os.WriteFile(p, []byte("old"), 0o644); err != nil {
		t.Fatal(err)
	}
	boom := errors.New("boom")
	err := Write(p, func(w io.Writer) error {
		w.Write([]byte("half"))
		return boom
	})
	if !errors.Is(err, boom) {
		t.Fatalf("err = %v, want boom", err)
	}
	got, _ := os.ReadFile(p)
	if string(got) != "old" {
		t.Fatalf("failed write changed the file to %q", got)
	}
	assertOnlyFile(t, dir, "f.bin")
}

func TestWriteIntoMissingDirFails(t *testing.T) {
	if err := Write(filepath.Join(t.TempDir(), "no", "such", "f"), func(io.Writer) error { return nil }); err == nil {
		t.Fatal("no error writing into a missing directory")
	}
}

func assertOnlyFile(t *testing.T, dir, name string) {
	t.Helper()
	es, err := os.ReadDir(dir)
	if err != nil {
		t.Fatal(err)
	}
	if len(es) != 1 || es[0].Name() != name {
		var names []string
		for _, e := range es {
			names = append(names, e.Name())
		}
		t.Fatalf("directory holds %v, want only %s (temporary file left behind?)", names, name)
	}
}

// os.CreateTemp makes private 0600 files; what Write leaves must be 0644,
// whatever the file was before.
func TestWriteMode(t *testing.T) {
	p := filepath.Join(t.TempDir(), "f.bin")
	if err := os.WriteFile(p, []byte("old"), 0o600); err != nil {
		t.Fatal(err)
	}
	for i := 0; i < 2; i++ { // over an existing file, then over its own
		if err := Write(p, func(w io.Writer) error { _, err := w.Write([]byte("x")); return err }); err != nil {
			t.Fatal(err)
		}
		st, err := os.Stat(p)
		if err != nil {
			t.Fatal(err)
		}
		if st.Mode().Perm() != 0o644 {
			t.Fatalf("mode %v, want -rw-r--r--", st.Mode().Perm())
		}
	}
}

// Sweep removes stale temporary files of the given path only: not fresh
// ones (a write in progress elsewhere), not another file's, not the file.
func TestSweep(t *testing.T) {
	dir := t.TempDir()
	p := filepath.Join(dir, "f.bin")
	old := time.Now().Add(-time.Hour)
	mk := func(name string, stale bool) string {
		q := filepath.Join(dir, name)
		if err := os.WriteFile(q, []byte("x"), 0o644); err != nil {
			t.Fatal(err)
		}
		if stale {
			if err := os.Chtimes(q, old, old); err != nil {
				t.Fatal(err)
			}
		}
		return q
	}
	staleTmp := mk(".f.bin.tmp123", true)
	mk(".f.bin.tmp456", false)
	mk(".g.bin.tmp789", true)
	mk("f.bin", true)
	removed, err := Sweep(p, time.Minute)
	if err != nil {
		t.Fatal(err)
	}
	if len(removed) != 1 || removed[0] != staleTmp {
		t.Fatalf("removed %v, want only %s", removed, staleTmp)
	}
	es, _ := os.ReadDir(dir)
	var names []string
	for _, e := range es {
		names = append(names, e.Name())
	}
	if strings.Join(names, " ") != ".f.bin.tmp456 .g.bin.tmp789 f.bin" {
		t.Fatalf("left %v", names)
	}
}
