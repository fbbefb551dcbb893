package readn

import (
	"bytes"
	"errors"
	"io"
	"runtime"
	"strings"
	"testing"
	"testing/iotest"
)

func TestRead(t *testing.T) {
	data := bytes.Repeat([]byte{1, 2, 3}, 100000)
	for _, c := range []struct {
		name        string
		want, known int64
		wantLen     int
	}{
		{"all, size known", int64(len(data)), int64(len(data)), len(data)},
		{"all, size unknown", int64(len(data)), -1, len(data)},
		{"part", 1000, -1, 1000},
		{"header claims more than there is", 1 << 40, -1, len(data)},
		{"nothing", 0, -1, 0},
	} {
		got, err := Read(iotest.HalfReader(bytes.NewReader(data)), c.want, c.known)
		if err != nil {
			t.Fatalf("%s: %v", c.name, err)
		}
		if len(got) != c.wantLen || !bytes.Equal(got, data[:c.wantLen]) {
			t.Fatalf("%s: got %d bytes, want the first %d", c.name, len(got), c.wantLen)
		}
		// Memory follows the data, never the claim.
		if cap(got) > max(2*len(data), 1<<20) {
			t.Fatalf("%s: buffer of %d bytes for %d of data", c.name, cap(got), len(data))
		}
	}
}

func TestReadError(t *testing.T) {
	boom := errors.New("boom")
	r := io.MultiReader(bytes.NewReader([]byte{1, 2}), iotest.ErrReader(boom))
	got, err := Read(r, 10, -1)
	if !errors.Is(err, boom) || len(got) != 2 {
		t.Fatalf("got %d bytes and %v, want 2 bytes and boom", len(got), err)
	}
}

// A complete payload of unknown length ends in a buffer of exactly its
// size, reached without doubling: the bytes allocated are the payload plus
// the first 1 MiB chunk.
func TestReadSizedFromHeader(t *testing.T) {
	const want = 40 << 20
	r := io.LimitReader(zeros{}, want)
	var before, after runtime.MemStats
	runtime.ReadMemStats(&before)
	got, err := Read(r, want, -1)
	runtime.ReadMemStats(&after)
	if err != nil || len(got) != want || cap(got) != want {
		t.Fatalf("len %d cap %d, %v", len(got), cap(got), err)
	}
	if alloc := after.TotalAlloc - before.TotalAlloc; alloc > want+1<<20+1<<16 {
		t.Fatalf("allocated %d bytes for a %d-byte payload", alloc, want)
	}
}

func TestCheck(t *testing.T) {
	if err := Check(100, 100); err != nil {
		t.Fatal(err)
	}
	if err := Check(101, 100); err == nil || !strings.Contains(err.Error(), "declares 101 bytes") || !strings.Contains(err.Error(), "budget of 100 bytes") {
		t.Fatalf("over budget: %v", err)
	}
}

type zeros struct{}

func (zeros) Read(p []byte) (int, error) {
	clear(p)
	return len(p), nil
}
