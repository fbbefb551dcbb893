package idx_test

import (
	"bytes"
	"compress/gzip"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/tensorgo/tensorgo/datasets/idx"
	"github.com/tensorgo/tensorgo/tensor"
)

// handMade is a 2x3 uint8 IDX file written byte by byte from the format's
// description (not by Encode).
var handMade = []byte{0, 0, 0x08, 2, 0, 0, 0, 2, 0, 0, 0, 3, 1, 2, 3, 4, 5, 255}

func gz(b []byte) []byte {
	var buf bytes.Buffer
	w := gzip.NewWriter(&buf)
	w.Write(b)
	w.Close()
	return buf.Bytes()
}

func TestDecodeHandMade(t *testing.T) {
	for _, in := range [][]byte{handMade, gz(handMade)} {
		x, err := idx.Decode(bytes.NewReader(in), "hand.idx")
		if err != nil {
			t.Fatal(err)
		}
		if x.DType() != tensor.Uint8 || !x.Shape().Equal(tensor.Shape{2, 3}) || !slices.Equal(x.Uint8s(), []uint8{1, 2, 3, 4, 5, 255}) {
			t.Fatalf("decoded %v %v %v", x.DType(), x.Shape(), x.Uint8s())
		}
	}
}

// The testdata files are the head of the real MNIST test set: its first ten
// labels and first two images, re-packed with their counts.
func TestReadRealHead(t *testing.T) {
	y, err := idx.Read("testdata/t10k-labels-head-idx1-ubyte.gz")
	if err != nil {
		t.Fatal(err)
	}
	if !slices.Equal(y.Uint8s(), []uint8{7, 2, 1, 0, 4, 1, 4, 9, 5, 9}) {
		t.Fatalf("labels %v", y.Uint8s())
	}
	x, err := idx.Read("testdata/t10k-images-head-idx3-ubyte.gz")
	if err != nil {
		t.Fatal(err)
	}
	sum := 0
	for _, v := range x.Uint8s()[:784] {
		sum += int(v)
	}
	if !x.Shape().Equal(tensor.Shape{2, 28, 28}) || sum != 18454 {
		t.Fatalf("images %v, first image's pixel sum %d", x.Shape(), sum)
	}
}

func TestDecodeTypes(t *testing.T) {
	// int16 -2 and 300; float64 1.5 (0x3FF8000000000000).
	i16 := []byte{0, 0, 0x0B, 1, 0, 0, 0, 2, 0xff, 0xfe, 0x01, 0x2c}
	x, err := idx.Decode(bytes.NewReader(i16), "a")
	if err != nil || x.DType() != tensor.Int32 || !slices.Equal(x.Int32s(), []int32{-2, 300}) {
		t.Fatalf("int16: %v %v", x, err)
	}
	f64 := []byte{0, 0, 0x0E, 1, 0, 0, 0, 1, 0x3f, 0xf8, 0, 0, 0, 0, 0, 0}
	x, err = idx.Decode(bytes.NewReader(f64), "b")
	if err != nil || x.Float64s()[0] != 1.5 {
		t.Fatalf("float64: %v %v", x, err)
	}
}

func TestRoundTrip(t *testing.T) {
	dir := t.TempDir()
	for _, x := range []*tensor.Tensor{
		tensor.FromSlice([]float32{1, -2.5, 3e7, 0}, 2, 2),
		tensor.FromSlice([]int32{-7, 1 << 30}, 2),
		tensor.FromSlice([]float64{0.1, 0.2, 0.3}, 3, 1),
		tensor.FromSlice([]uint8{9, 8, 7, 6, 5, 4, 3, 2}, 2, 2, 2),
	} {
		for _, name := range []string{"x.idx", "x.idx.gz"} {
			p := filepath.Join(dir, name)
			if err := idx.Write(p, x); err != nil {
				t.Fatal(err)
			}
			y, err := idx.Read(p)
			if err != nil {
				t.Fatal(err)
			}
			if y.DType() != x.DType() || !y.Shape().Equal(x.Shape()) || y.String() != x.String() {
				t.Fatalf("%s: round trip %v -> %v", name, x, y)
			}
		}
	}
}

func TestErrors(t *testing.T) {
	good := gz(handMade)
	corrupt := slices.Clone(good)
	corrupt[len(corrupt)/2] ^= 0xff // flips bits inside the deflate stream
	badCRC := slices.Clone(good)
	badCRC[len(badCRC)-6] ^= 0xff // CRC-32 in the trailer
	cases := []struct {
		name string
		in   []byte
		want string
	}{
		{"train-images-idx3-ubyte", handMade[:len(handMade)-2], "truncated"},
		{"train-images-idx3-ubyte", handMade[:7], "truncated"},
		{"train-images-idx3-ubyte.gz", good[:len(good)-10], "truncated gzip"},
		{"train-images-idx3-ubyte.gz", corrupt, "gzip"},
		{"train-images-idx3-ubyte.gz", badCRC, "corrupt gzip"},
		{"train-images-idx3-ubyte.gz", handMade, "not gzip"},
		{"train-images-idx3-ubyte", append([]byte{8, 0}, handMade[2:]...), "wrong magic"},
		{"train-images-idx3-ubyte", append([]byte{0, 0, 0x42}, handMade[3:]...), "unknown type code"},
		{"train-images-idx3-ubyte", append(slices.Clone(handMade), 0), "trailing"},
		{"train-images-idx3-ubyte", []byte{0, 0, 8, 3, 0, 0, 0xea, 0x60, 0, 0, 0, 28, 0, 0, 0, 28, 1, 2}, "needs 47040000 bytes"},
		{"big", []byte{0, 0, 8, 2, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff}, "too large"},
	}
	for _, c := range cases {
		dir := t.TempDir()
		p := filepath.Join(dir, c.name)
		if err := os.WriteFile(p, c.in, 0o644); err != nil {
			t.Fatal(err)
		}
		_, err := idx.Read(p)
		if err == nil {
			t.Errorf("%s (%s): no error", c.name, c.want)
			continue
		}
		if !strings.Contains(err.Error(), c.name) || !strings.Contains(err.Error(), c.want) {
			t.Errorf("error %q should name %q and say %q", err, c.name, c.want)
		}
	}
	if _, err := idx.Read(filepath.Join(t.TempDir(), "missing.idx")); err == nil || !strings.Contains(err.Error(), "missing.idx") {
		t.Errorf("missing file: %v", err)
	}
}

func FuzzIDX(f *testing.F) {
	for _, name := range []string{"t10k-labels-head-idx1-ubyte.gz", "t10k-images-head-idx3-ubyte.gz"} {
		b, err := os.ReadFile(filepath.Join("testdata", name))
		if err != nil {
			f.Fatal(err)
		}
		f.Add(b)
		f.Add(b[:len(b)-5]) // truncated gzip
		raw, err := idx.Decode(bytes.NewReader(b), name)
		if err != nil {
			f.Fatal(err)
		}
		var buf bytes.Buffer
		idx.Encode(&buf, raw)
		f.Add(buf.Bytes())
	}
	f.Add(handMade)
	f.Add(gz(handMade))
	f.Add([]byte{0, 0, 0x0D, 1, 0, 0, 0, 1, 0x3f, 0x80, 0, 0})
	f.Add([]byte{0, 0, 8, 3, 0, 0, 0xea, 0x60, 0, 0, 0, 28, 0, 0, 0, 28, 1, 2})
	f.Add(gz([]byte{0, 0, 8, 1, 0, 0, 0, 9}))
	f.Fuzz(func(t *testing.T, in []byte) {
		x, err := idx.Decode(bytes.NewReader(in), "fuzz")
		if err != nil {
			if x != nil {
				t.Fatal("a tensor together with an error")
			}
			return
		}
		// A decoded tensor re-encodes to the same bytes (for types Encode
		// writes as they were read).
		if len(in) > 2 && in[0] == 0 && (in[2] == 0x08 || in[2] == 0x0C || in[2] == 0x0D || in[2] == 0x0E) {
			var buf bytes.Buffer
			if err := idx.Encode(&buf, x); err != nil {
				t.Fatal(err)
			}
			if !bytes.Equal(buf.Bytes(), in) {
				t.Fatalf("re-encoding differs: %x vs %x", buf.Bytes(), in)
			}
		}
	})
}
