package npy_test

import (
	"archive/zip"
	"bytes"
	"compress/flate"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"runtime"
	"strings"
	"testing"

	"github.com/tensorgo/tensorgo/datasets"
	"github.com/tensorgo/tensorgo/datasets/npy"
	"github.com/tensorgo/tensorgo/tensor"
)

// allocated returns the bytes allocated while fn ran (TotalAlloc grows by
// every allocation, so it bounds the peak from above).
func allocated(fn func()) uint64 {
	var before, after runtime.MemStats
	runtime.GC()
	runtime.ReadMemStats(&before)
	fn()
	runtime.ReadMemStats(&after)
	return after.TotalAlloc - before.TotalAlloc
}

// npyHeader is a version 1.0 .npy header for uint8 data of the given shape,
// written from the format's description.
func npyHeader(shape string) []byte {
	h := fmt.Sprintf("{'descr': '|u1', 'fortran_order': False, 'shape': %s, }", shape)
	for (10+len(h)+1)%64 != 0 {
		h += " "
	}
	h += "\n"
	return append([]byte{0x93, 'N', 'U', 'M', 'P', 'Y', 1, 0, byte(len(h)), byte(len(h) >> 8)}, h...)
}

// npzOf writes a zip with one deflated member holding header followed by
// n zero bytes, streamed through the compressor.
func npzOf(t *testing.T, member string, header []byte, n int64) []byte {
	t.Helper()
	var buf bytes.Buffer
	zw := zip.NewWriter(&buf)
	zw.RegisterCompressor(zip.Deflate, func(w io.Writer) (io.WriteCloser, error) { return flate.NewWriter(w, flate.BestSpeed) })
	w, err := zw.CreateHeader(&zip.FileHeader{Name: member, Method: zip.Deflate})
	if err != nil {
		t.Fatal(err)
	}
	w.Write(header)
	zeros := make([]byte, 1<<20)
	for ; n > 0; n -= int64(len(zeros)) {
		w.Write(zeros[:min(n, int64(len(zeros)))])
	}
	if err := zw.Close(); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}

// A 1.3 MB npz whose member inflates to 1 GiB + 1 MiB (above the default
// budget) fails before it is inflated: before the budget it took 3 GB.
func TestNPZBombRefused(t *testing.T) {
	const n = 1025 << 20
	bomb := npzOf(t, "x_train.npy", npyHeader("(1025, 1024, 1024)"), n)
	if len(bomb) > 2<<20 {
		t.Fatalf("the bomb is %d bytes", len(bomb))
	}
	p := filepath.Join(t.TempDir(), "mnist.npz")
	if err := os.WriteFile(p, bomb, 0o644); err != nil {
		t.Fatal(err)
	}
	var err error
	alloc := allocated(func() { _, err = npy.ReadNPZ(p) })
	if err == nil || !strings.Contains(err.Error(), "mnist.npz: member \"x_train.npy\"") || !strings.Contains(err.Error(), "more than the budget of 1073741824 bytes") {
		t.Fatalf("bomb: %v", err)
	}
	if !errors.Is(err, datasets.ErrTooLarge) {
		t.Errorf("the error does not wrap datasets.ErrTooLarge")
	}
	if alloc > 100<<20 {
		t.Fatalf("refusing the bomb allocated %d MB", alloc>>20)
	}
}

// A member whose zip header is modest but whose .npy header declares more
// than the budget is refused by the .npy header, before reading data; the
// members' data together must fit the budget too.
func TestNPZBudgetPerArchive(t *testing.T) {
	in := npzOf(t, "x.npy", npyHeader("(2147483648,)"), 16)
	_, err := npy.DecodeNPZ(bytes.NewReader(in), int64(len(in)), "claims.npz")
	if err == nil || !strings.Contains(err.Error(), "shape (2147483648,) of |u1: the header declares 2147483648 bytes") {
		t.Fatalf("npy header over budget: %v", err)
	}
	a := tensor.New(tensor.Uint8, 600)
	p := filepath.Join(t.TempDir(), "two.npz")
	if err := npy.WriteNPZ(p, map[string]*tensor.Tensor{"a": a, "b": a}, true); err != nil {
		t.Fatal(err)
	}
	if _, err := npy.ReadNPZ(p, datasets.MaxBytes(1000)); err == nil || !strings.Contains(err.Error(), `member "b.npy"`) || !strings.Contains(err.Error(), "budget of 400 bytes") ||
		!strings.Contains(err.Error(), "the members before it used 600 bytes") {
		t.Fatalf("two members over the archive's budget: %v", err)
	}
	if m, err := npy.ReadNPZ(p, datasets.MaxBytes(1200)); err != nil || m["b"].Size() != 600 {
		t.Fatalf("two members within the budget: %v", err)
	}
}
