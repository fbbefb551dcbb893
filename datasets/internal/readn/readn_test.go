package readn

import (
	"bytes"
	"errors"
	"io"
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
