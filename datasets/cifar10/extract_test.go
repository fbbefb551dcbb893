package cifar10

import (
	"archive/tar"
	"bytes"
	"compress/gzip"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// entry is one member of a synthetic tar archive.
type entry struct {
	name string
	typ  byte // tar.TypeReg when zero
	body []byte
	size int64 // the header's size, len(body) when zero
}

// tarGz returns a gzip-compressed tar of entries.
func tarGz(t testing.TB, entries ...entry) []byte {
	t.Helper()
	var buf bytes.Buffer
	gz := gzip.NewWriter(&buf)
	tw := tar.NewWriter(gz)
	for _, e := range entries {
		h := &tar.Header{Name: e.name, Typeflag: e.typ, Mode: 0o644, Size: int64(len(e.body))}
		if h.Typeflag == 0 {
			h.Typeflag = tar.TypeReg
		}
		switch h.Typeflag {
		case tar.TypeDir:
			h.Size, h.Mode = 0, 0o755
		case tar.TypeSymlink:
			h.Size, h.Linkname = 0, "/etc/passwd"
		}
		if err := tw.WriteHeader(h); err != nil {
			t.Fatal(err)
		}
		if h.Size > 0 {
			if _, err := tw.Write(e.body); err != nil {
				t.Fatal(err)
			}
		}
	}
	if err := tw.Close(); err != nil {
		t.Fatal(err)
	}
	if err := gz.Close(); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}

// smallWant is a small stand-in for the six batches.
var smallWant = map[string]int64{"data_batch_1.bin": 7, "test_batch.bin": 5}

// onlyEntries checks that dir holds exactly the files of want, and that
// nothing else appeared beside it.
func onlyEntries(t *testing.T, parent, dir string, want map[string]string) {
	t.Helper()
	es, err := os.ReadDir(dir)
	if err != nil {
		t.Fatal(err)
	}
	if len(es) != len(want) {
		t.Errorf("%s holds %d entries, want %d", dir, len(es), len(want))
	}
	for name, body := range want {
		b, err := os.ReadFile(filepath.Join(dir, name))
		if err != nil || string(b) != body {
			t.Errorf("%s: %q, %v; want %q", name, b, err, body)
		}
	}
	siblings, _ := os.ReadDir(parent)
	if len(siblings) != 1 {
		var names []string
		for _, s := range siblings {
			names = append(names, s.Name())
		}
		t.Errorf("beside %s: %v, want nothing else", dir, names)
	}
}

// The wanted batches of an archive are unpacked; other members, including
// ones whose paths lead elsewhere, are skipped.
func TestExtract(t *testing.T) {
	parent := t.TempDir()
	dst := filepath.Join(parent, BatchDir)
	a := tarGz(t,
		entry{name: BatchDir + "/", typ: tar.TypeDir},
		entry{name: BatchDir + "/batches.meta.txt", body: []byte("airplane\n")},
		entry{name: BatchDir + "/data_batch_1.bin", body: []byte("1234567")},
		entry{name: "../test_batch.bin", body: []byte("EVIL!")},
		entry{name: BatchDir + "/../../test_batch.bin", body: []byte("EVIL!")},
		entry{name: "/" + BatchDir + "/test_batch.bin", body: []byte("EVIL!")},
		entry{name: "other/" + BatchDir + "/test_batch.bin", body: []byte("EVIL!")},
		entry{name: "./" + BatchDir + "/test_batch.bin", body: []byte("abcde")},
		entry{name: BatchDir + "/readme.html", body: []byte("<html>")},
	)
	if err := extract(bytes.NewReader(a), dst, smallWant, 1<<20); err != nil {
		t.Fatal(err)
	}
	onlyEntries(t, parent, dst, map[string]string{"data_batch_1.bin": "1234567", "test_batch.bin": "abcde"})
	// A second extraction replaces the first.
	b := tarGz(t, entry{name: BatchDir + "/data_batch_1.bin", body: []byte("7654321")}, entry{name: BatchDir + "/test_batch.bin", body: []byte("edcba")})
	if err := extract(bytes.NewReader(b), dst, smallWant, 1<<20); err != nil {
		t.Fatal(err)
	}
	onlyEntries(t, parent, dst, map[string]string{"data_batch_1.bin": "7654321", "test_batch.bin": "edcba"})
}

// A bad archive is an error saying what is wrong; nothing is placed, an
// earlier extraction stays, and no temporary directory is left.
func TestExtractRejects(t *testing.T) {
	good := []entry{{name: BatchDir + "/data_batch_1.bin", body: []byte("1234567")}, {name: BatchDir + "/test_batch.bin", body: []byte("abcde")}}
	full := tarGz(t, good...)
	for _, c := range []struct {
		what    string
		archive []byte
		limit   int64
		want    string
	}{
		{"a batch missing", tarGz(t, good[0]), 1 << 20, "lacks " + BatchDir + "/test_batch.bin"},
		{"a batch of the wrong size", tarGz(t, good[0], entry{name: BatchDir + "/test_batch.bin", body: []byte("abc")}), 1 << 20, "is 3 bytes, want 5"},
		{"a batch as a symlink", tarGz(t, good[0], entry{name: BatchDir + "/test_batch.bin", typ: tar.TypeSymlink}), 1 << 20, "not a regular file"},
		{"a batch twice", tarGz(t, good[0], good[1], good[0]), 1 << 20, "twice"},
		{"cut short", full[:len(full)/2], 1 << 20, "archive"},
		{"not gzip", []byte("data_batch_1.bin"), 1 << 20, "not gzip-compressed"},
		{"inflating past the budget", tarGz(t, entry{name: BatchDir + "/junk", body: make([]byte, 1<<16)}, good[0], good[1]), 1 << 15, "inflates to more than"},
	} {
		parent := t.TempDir()
		dst := filepath.Join(parent, BatchDir)
		if err := os.Mkdir(dst, 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(filepath.Join(dst, "data_batch_1.bin"), []byte("earlier"), 0o644); err != nil {
			t.Fatal(err)
		}
		err := extract(bytes.NewReader(c.archive), dst, smallWant, c.limit)
		if err == nil || !strings.Contains(err.Error(), c.want) {
			t.Errorf("%s: error %v, want one containing %q", c.what, err, c.want)
		}
		onlyEntries(t, parent, dst, map[string]string{"data_batch_1.bin": "earlier"})
	}
}
