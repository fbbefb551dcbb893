package npy_test

import (
	"bytes"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/tensorgo/tensorgo/datasets/npy"
	"github.com/tensorgo/tensorgo/tensor"
)

// The files in testdata were written by NumPy 1.24 (numpy.save / savez /
// savez_compressed); the expected values are the ones given to NumPy.
func TestReadNumPyFiles(t *testing.T) {
	cases := []struct {
		file  string
		dtype tensor.DType
		shape tensor.Shape
		want  []float64
	}{
		{"f4.npy", tensor.Float32, tensor.Shape{2, 3}, []float64{0, 0.25, 0.5, 0.75, 1, 1.25}},
		{"i4_big.npy", tensor.Int32, tensor.Shape{3}, []float64{-1, 2, 70000}},
		{"u1.npy", tensor.Uint8, tensor.Shape{2, 2}, []float64{0, 255, 7, 8}},
		{"b1.npy", tensor.Bool, tensor.Shape{3}, []float64{1, 0, 1}},
		{"f2.npy", tensor.Float32, tensor.Shape{4}, []float64{1.5, -2, 65504, 0.000061035156}},
		{"i8_scalar.npy", tensor.Int64, tensor.Shape{}, []float64{42}},
		{"empty.npy", tensor.Float32, tensor.Shape{0, 3}, nil},
	}
	for _, c := range cases {
		x, err := npy.Read(filepath.Join("testdata", c.file))
		if err != nil {
			t.Fatal(err)
		}
		if x.DType() != c.dtype || !x.Shape().Equal(c.shape) {
			t.Fatalf("%s: %v %v, want %v %v", c.file, x.DType(), x.Shape(), c.dtype, c.shape)
		}
		for i, w := range c.want {
			if g := x.Float(i); g != w && (g-w > 1e-9 || w-g > 1e-9) {
				t.Fatalf("%s: element %d = %v, want %v", c.file, i, g, w)
			}
		}
	}
	// Fortran order: np.arange(24).reshape(2,3,4) stored column-major must
	// come back as the C-order arange.
	x, err := npy.Read("testdata/f8_fortran.npy")
	if err != nil {
		t.Fatal(err)
	}
	if !x.Shape().Equal(tensor.Shape{2, 3, 4}) {
		t.Fatalf("fortran shape %v", x.Shape())
	}
	for i := 0; i < 24; i++ {
		if x.Float(i) != float64(i) {
			t.Fatalf("fortran element %d = %v", i, x.Float(i))
		}
	}
}

func TestReadNPZ(t *testing.T) {
	m, err := npy.ReadNPZ("testdata/plain.npz")
	if err != nil {
		t.Fatal(err)
	}
	if !m["x_train"].Shape().Equal(tensor.Shape{2, 2, 2}) || !slices.Equal(m["y_train"].Uint8s(), []uint8{3, 1}) {
		t.Fatalf("plain.npz: %v", m)
	}
	m, err = npy.ReadNPZ("testdata/compressed.npz")
	if err != nil {
		t.Fatal(err)
	}
	if !slices.Equal(m["a"].Int64s(), []int64{0, 1, 2, 3, 4}) || !slices.Equal(m["b"].Float64s(), []float64{1, 1, 1, 1}) {
		t.Fatalf("compressed.npz: %v", m)
	}
}

func TestRoundTrip(t *testing.T) {
	dir := t.TempDir()
	arrays := map[string]*tensor.Tensor{
		"f32":    tensor.FromSlice([]float32{1.5, -2, 3}, 3, 1),
		"f64":    tensor.FromSlice([]float64{1e300, -0.1}, 1, 2),
		"i32":    tensor.FromSlice([]int32{-5}, 1),
		"i64":    tensor.Scalar(int64(-1 << 40)),
		"u8":     tensor.FromSlice([]uint8{1, 2, 3, 4, 5, 6}, 1, 2, 3),
		"bool":   tensor.FromSlice([]bool{true, false}),
		"empty":  tensor.New(tensor.Float32, 0, 5),
		"longdm": tensor.New(tensor.Uint8, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1),
	}
	for k, x := range arrays {
		p := filepath.Join(dir, k+".npy")
		if err := npy.Write(p, x); err != nil {
			t.Fatal(err)
		}
		raw, _ := os.ReadFile(p)
		if hl := 10 + int(raw[8]) + int(raw[9])<<8; hl%64 != 0 {
			t.Fatalf("%s: data starts at %d, not a multiple of 64", k, hl)
		}
		y, err := npy.Read(p)
		if err != nil {
			t.Fatal(err)
		}
		if y.DType() != x.DType() || !y.Shape().Equal(x.Shape()) || y.String() != x.String() {
			t.Fatalf("%s: %v -> %v", k, x, y)
		}
	}
	for _, compress := range []bool{false, true} {
		p := filepath.Join(dir, "all.npz")
		if err := npy.WriteNPZ(p, arrays, compress); err != nil {
			t.Fatal(err)
		}
		m, err := npy.ReadNPZ(p)
		if err != nil {
			t.Fatal(err)
		}
		if len(m) != len(arrays) {
			t.Fatalf("npz has %d arrays", len(m))
		}
		for k, x := range arrays {
			if m[k].String() != x.String() || !m[k].Shape().Equal(x.Shape()) {
				t.Fatalf("npz %s: %v -> %v", k, x, m[k])
			}
		}
	}
}

func TestErrors(t *testing.T) {
	good, err := os.ReadFile("testdata/f4.npy")
	if err != nil {
		t.Fatal(err)
	}
	withHeader := func(h string) []byte {
		var b bytes.Buffer
		b.WriteString("\x93NUMPY\x01\x00")
		b.WriteByte(byte(len(h)))
		b.WriteByte(byte(len(h) >> 8))
		b.WriteString(h)
		return b.Bytes()
	}
	cases := []struct {
		in   []byte
		want string
	}{
		{good[:len(good)-3], "truncated"},
		{good[:5], "truncated"},
		{good[:50], "truncated"},
		{append([]byte("\x93NUMPZ"), good[6:]...), "wrong magic"},
		{append(slices.Clone(good), 1, 2, 3, 4), "trailing"},
		{withHeader("{'descr': '<f4', 'fortran_order': False, 'shape': (2, 3)}"), "needs 24 bytes"},
		{withHeader("{'descr': '<f4', 'fortran_order': False}"), "missing key \"shape\""},
		{withHeader("{'descr': '<c8', 'fortran_order': False, 'shape': ()}"), "unsupported dtype"},
		{withHeader("{'descr': [('a', '<f4')], 'fortran_order': False, 'shape': ()}"), "bad header"},
		{withHeader("{'descr': '<f4', 'fortran_order': Maybe, 'shape': ()}"), "bad header"},
		{withHeader("{'descr': '<f4', 'fortran_order': False, 'shape': (-1,)}"), "bad header"},
		{withHeader("not a dict"), "bad header"},
	}
	dir := t.TempDir()
	for i, c := range cases {
		p := filepath.Join(dir, "case.npy")
		os.WriteFile(p, c.in, 0o644)
		_, err := npy.Read(p)
		if err == nil || !strings.Contains(err.Error(), "case.npy") || !strings.Contains(err.Error(), c.want) {
			t.Errorf("case %d: error %v, want one naming case.npy and saying %q", i, err, c.want)
		}
	}
	// npz: not a zip, a corrupt member, a truncated archive.
	npz, _ := os.ReadFile("testdata/plain.npz")
	member := bytes.Index(npz, []byte("\x93NUMPY"))
	corrupt := slices.Clone(npz)
	copy(corrupt[member:], "\x93NUMPZ")
	for _, c := range []struct {
		in   []byte
		want string
	}{
		{good, "not a valid npz"},
		{npz[:len(npz)-40], "not a valid npz"},
		{corrupt, "wrong magic"},
	} {
		p := filepath.Join(dir, "mnist.npz")
		os.WriteFile(p, c.in, 0o644)
		_, err := npy.ReadNPZ(p)
		if err == nil || !strings.Contains(err.Error(), "mnist.npz") || !strings.Contains(err.Error(), c.want) {
			t.Errorf("npz: error %v, want one naming mnist.npz and saying %q", err, c.want)
		}
	}
}

func FuzzNPY(f *testing.F) {
	for _, name := range []string{"f4.npy", "f8_fortran.npy", "i4_big.npy", "u1.npy", "b1.npy", "f2.npy", "i8_scalar.npy", "empty.npy"} {
		b, err := os.ReadFile(filepath.Join("testdata", name))
		if err != nil {
			f.Fatal(err)
		}
		f.Add(b)
		f.Add(b[:len(b)/2])
	}
	f.Fuzz(func(t *testing.T, in []byte) {
		x, err := npy.Decode(bytes.NewReader(in), "fuzz.npy")
		if err != nil {
			return
		}
		// Whatever decodes must survive a round trip.
		var buf bytes.Buffer
		if err := npy.Encode(&buf, x); err != nil {
			t.Fatal(err)
		}
		y, err := npy.Decode(&buf, "again.npy")
		if err != nil {
			t.Fatal(err)
		}
		if !y.Shape().Equal(x.Shape()) || y.DType() != x.DType() {
			t.Fatalf("round trip %v %v -> %v %v", x.DType(), x.Shape(), y.DType(), y.Shape())
		}
	})
}

func FuzzNPZ(f *testing.F) {
	for _, name := range []string{"plain.npz", "compressed.npz"} {
		b, err := os.ReadFile(filepath.Join("testdata", name))
		if err != nil {
			f.Fatal(err)
		}
		f.Add(b)
		f.Add(b[:len(b)-30])
	}
	f.Fuzz(func(t *testing.T, in []byte) {
		m, err := npy.DecodeNPZ(bytes.NewReader(in), int64(len(in)), "fuzz.npz")
		if err == nil && m == nil {
			t.Fatal("nil map without an error")
		}
	})
}
