package cifar10

import (
	"archive/tar"
	"bytes"
	"os"
	"path/filepath"
	"testing"
)

// FuzzCIFARBatch feeds records to the batch parser (whole batches are 30 MB,
// too big for a fuzzer, so the record loop is fuzzed at the input's own
// record count) and checks Decode's size rule.
func FuzzCIFARBatch(f *testing.F) {
	rec := make([]byte, recordSize)
	for i := range rec {
		rec[i] = byte(i * 7)
	}
	rec[0] = 3
	f.Add(rec)
	f.Add(append(append([]byte{}, rec...), rec...))
	bad := append([]byte{}, rec...)
	bad[0] = 10 // no such class
	f.Add(bad)
	f.Add(rec[:1000]) // cut short
	f.Add([]byte{})
	f.Fuzz(func(t *testing.T, b []byte) {
		if _, _, err := Decode(b, "fuzz.bin"); err == nil {
			t.Fatalf("Decode accepted %d bytes (a batch is %d)", len(b), batchSize)
		}
		n := len(b) / recordSize
		if n == 0 || len(b)%recordSize != 0 {
			return
		}
		x, y, err := decode(b, "fuzz.bin", n)
		if err != nil {
			if x != nil || y != nil {
				t.Fatal("tensors together with an error")
			}
			return
		}
		if x.Dim(0) != n || y.Dim(0) != n {
			t.Fatalf("%d records gave %v and %v", n, x.Shape(), y.Shape())
		}
		// Record i's byte 1+c*1024+p is channel c of pixel p.
		for i := 0; i < n; i++ {
			r := b[i*recordSize:]
			if y.Uint8s()[i] != r[0] || r[0] >= 10 {
				t.Fatalf("label %d of record %d, byte %d", y.Uint8s()[i], i, r[0])
			}
			for _, c := range []int{0, 1, 2} {
				if got := x.Uint8s()[i*3072+3*1023+c]; got != r[1+c*1024+1023] {
					t.Fatalf("record %d: pixel 1023 channel %d = %d, want %d", i, c, got, r[1+c*1024+1023])
				}
			}
		}
	})
}

// FuzzExtract feeds the archive extraction arbitrary bytes (seeded with
// small archives, good and bad, standing in for cifar-10-binary.tar.gz):
// it returns an error or places exactly the wanted files at their sizes,
// never writes anything else, and never leaves a temporary directory.
func FuzzExtract(f *testing.F) {
	good := []entry{{name: BatchDir + "/data_batch_1.bin", body: []byte("1234567")}, {name: BatchDir + "/test_batch.bin", body: []byte("abcde")}}
	f.Add(tarGz(f, good...))
	f.Add(tarGz(f, entry{name: BatchDir + "/", typ: tar.TypeDir}, entry{name: BatchDir + "/readme.html", body: []byte("<p/>")}, good[0], good[1]))
	f.Add(tarGz(f, entry{name: "../" + BatchDir + "/data_batch_1.bin", body: []byte("1234567")}, good[1]))
	f.Add(tarGz(f, good[0], entry{name: BatchDir + "/test_batch.bin", typ: tar.TypeSymlink}))
	f.Add(tarGz(f, good[0], good[0], good[1]))
	f.Add(tarGz(f, good[0], entry{name: BatchDir + "/test_batch.bin", body: []byte("abc")}))
	f.Add(tarGz(f, entry{name: BatchDir + "/junk", body: make([]byte, 1<<12)}, good[0], good[1]))
	full := tarGz(f, good...)
	f.Add(full[:len(full)/2])
	f.Add([]byte("not an archive"))
	f.Fuzz(func(t *testing.T, b []byte) {
		parent := t.TempDir()
		dst := filepath.Join(parent, BatchDir)
		err := extract(bytes.NewReader(b), dst, smallWant, 1<<12)
		siblings, _ := os.ReadDir(parent)
		if err != nil {
			if len(siblings) != 0 {
				t.Fatalf("error %v, but %d entries were left", err, len(siblings))
			}
			return
		}
		if len(siblings) != 1 {
			t.Fatalf("%d entries beside the batches", len(siblings))
		}
		es, _ := os.ReadDir(dst)
		if len(es) != len(smallWant) {
			t.Fatalf("%d files placed, want %d", len(es), len(smallWant))
		}
		for name, size := range smallWant {
			st, err := os.Stat(filepath.Join(dst, name))
			if err != nil || st.Size() != size {
				t.Fatalf("%s: %v, want %d bytes", name, err, size)
			}
		}
	})
}
