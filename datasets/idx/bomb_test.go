package idx_test

import (
	"bytes"
	"compress/flate"
	"compress/gzip"
	"encoding/binary"
	"errors"
	"math"
	"os"
	"path/filepath"
	"runtime"
	"strings"
	"testing"

	"github.com/tensorgo/tensorgo/datasets"
	"github.com/tensorgo/tensorgo/datasets/idx"
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

// gzipBomb streams an honest IDX file of dims uint8 zeros through gzip: a
// header, then all the data it declares.
func gzipBomb(t *testing.T, dims ...uint32) []byte {
	t.Helper()
	var buf bytes.Buffer
	zw, err := gzip.NewWriterLevel(&buf, flate.BestSpeed)
	if err != nil {
		t.Fatal(err)
	}
	hdr := []byte{0, 0, 0x08, byte(len(dims))}
	n := int64(1)
	for _, d := range dims {
		hdr = binary.BigEndian.AppendUint32(hdr, d)
		n *= int64(d)
	}
	zw.Write(hdr)
	zeros := make([]byte, 1<<20)
	for ; n > 0; n -= int64(len(zeros)) {
		zw.Write(zeros[:min(n, int64(len(zeros)))])
	}
	if err := zw.Close(); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}

// A 1.3 MB .gz that inflates to 1 GiB + 1 MiB (above the default budget)
// fails at its header: before the budget it took 3 GB and seconds of
// inflating.
func TestGzipBombRefused(t *testing.T) {
	bomb := gzipBomb(t, 1025, 1024, 1024)
	if len(bomb) > 2<<20 {
		t.Fatalf("the bomb is %d bytes", len(bomb))
	}
	p := filepath.Join(t.TempDir(), "train-images-idx3-ubyte.gz")
	if err := os.WriteFile(p, bomb, 0o644); err != nil {
		t.Fatal(err)
	}
	var err error
	alloc := allocated(func() { _, err = idx.Read(p) })
	if err == nil || !strings.Contains(err.Error(), "train-images-idx3-ubyte.gz") ||
		!strings.Contains(err.Error(), "declares 1074790400 bytes of data, more than the budget of 1073741824 bytes") {
		t.Fatalf("bomb: %v", err)
	}
	if !errors.Is(err, datasets.ErrTooLarge) {
		t.Errorf("the error does not wrap datasets.ErrTooLarge")
	}
	if alloc > 100<<20 {
		t.Fatalf("refusing the bomb allocated %d MB", alloc>>20)
	}
}

// The budget is the caller's to lower or raise: a 2 MiB array is refused
// under a 1 MiB budget and read under a 4 MiB one.
func TestBudgetOption(t *testing.T) {
	in := gzipBomb(t, 2, 1024, 1024)
	if _, err := idx.Decode(bytes.NewReader(in), "small.gz", datasets.MaxBytes(1<<20)); err == nil || !strings.Contains(err.Error(), "budget of 1048576 bytes") {
		t.Fatalf("1 MiB budget: %v", err)
	}
	x, err := idx.Decode(bytes.NewReader(in), "small.gz", datasets.MaxBytes(4<<20))
	if err != nil || x.Size() != 2<<20 {
		t.Fatalf("4 MiB budget: %v", err)
	}
	old := datasets.DefaultMaxBytes
	defer func() { datasets.DefaultMaxBytes = old }()
	datasets.DefaultMaxBytes = 1 << 20
	if _, err := idx.Decode(bytes.NewReader(in), "small.gz"); err == nil {
		t.Fatal("a lowered DefaultMaxBytes is not applied")
	}
}

// FuzzIDXGzip decodes each input twice, as it is and gzip-compressed, under
// a 1 MiB budget: the gzip path must agree with the plain one (same tensor,
// or an error for both), so the fuzzer explores IDX headers and payloads
// behind the decompressor, bombs included.
func FuzzIDXGzip(f *testing.F) {
	f.Add(handMade)
	f.Add(handMade[:10])
	f.Add([]byte{0, 0, 0x0D, 1, 0, 0, 0, 1, 0x3f, 0x80, 0, 0})
	f.Add([]byte{0, 0, 0x08, 3, 0, 0, 4, 1, 0, 0, 4, 0, 0, 0, 4, 0}) // declares 1 GiB + 1 MiB
	f.Add([]byte{0, 0, 0x0B, 2, 0, 0, 0, 2, 0, 0, 0, 1, 0xff, 0xfe, 0, 1, 9})
	budget := datasets.MaxBytes(1 << 20)
	f.Fuzz(func(t *testing.T, in []byte) {
		plain, perr := idx.Decode(bytes.NewReader(in), "fuzz", budget)
		zipped, zerr := idx.Decode(bytes.NewReader(gz(in)), "fuzz.gz", budget)
		if (perr == nil) != (zerr == nil) {
			t.Fatalf("plain: %v; gzip: %v", perr, zerr)
		}
		if perr != nil {
			return
		}
		if plain.Size() > 1<<20 {
			t.Fatalf("decoded %d elements past a 1 MiB budget", plain.Size())
		}
		if !plain.Shape().Equal(zipped.Shape()) || plain.DType() != zipped.DType() {
			t.Fatalf("plain %v %v, gzip %v %v", plain.DType(), plain.Shape(), zipped.DType(), zipped.Shape())
		}
		for i := range plain.Size() {
			if math.Float64bits(plain.Float(i)) != math.Float64bits(zipped.Float(i)) {
				t.Fatalf("element %d: plain %v, gzip %v", i, plain.Float(i), zipped.Float(i))
			}
		}
	})
}
