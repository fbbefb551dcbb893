package summary

import (
	"bytes"
	"os"
	"testing"

	"github.com/tensorgo/tensorgo/tensor"
)

func FuzzReader(f *testing.F) {
	dir := f.TempDir()
	w, err := NewWriter(dir)
	if err != nil {
		f.Fatal(err)
	}
	w.Scalar("loss", 0.5, 1)
	w.Histogram("w", tensor.FromSlice([]float32{1, 2, 3}), 1)
	w.Text("t", "x", 1)
	w.HParams(map[string]any{"lr": 0.1})
	w.Close()
	good, err := os.ReadFile(w.Path())
	if err != nil {
		f.Fatal(err)
	}
	f.Add(good)
	f.Add(good[:len(good)/2])
	bad := append([]byte(nil), good...)
	bad[40] ^= 0xff
	f.Add(bad)
	f.Fuzz(func(t *testing.T, b []byte) {
		r := NewReader(bytes.NewReader(b))
		for i := 0; i < 10000; i++ {
			// Any error is fine (io.EOF, truncated, corrupt); a panic or
			// a runaway allocation is not.
			if _, err := r.Next(); err != nil {
				return
			}
		}
	})
}
