package cifar10

import "testing"

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
