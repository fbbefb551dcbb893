package hdf5

import (
	"bytes"
	"math"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"
)

// memFile is an in-memory io.WriterAt and io.ReaderAt.
type memFile struct{ b []byte }

func (m *memFile) WriteAt(p []byte, off int64) (int, error) {
	if end := int(off) + len(p); end > len(m.b) {
		m.b = append(m.b, make([]byte, end-len(m.b))...)
	}
	copy(m.b[off:], p)
	return len(p), nil
}

// sampleValues are the values writeSample stores; the reader and the h5py
// check compare against them.
var (
	sampleKernel = []float32{0.5, -1.25, 3, 1e-7, float32(math.Inf(1)), -0, 7, 8, 9, 10, 11, 12}
	sampleBias   = []float32{0.1, 0.2, 0.3}
	sampleF64    = []float64{math.Pi, -1e300, 0.5}
	sampleI64    = []int64{math.MinInt64, -1, 0, math.MaxInt64}
	sampleI32    = []int32{math.MinInt32, 7}
	sampleU8     = []uint8{0, 128, 255}
	sampleF16    = []uint16{0x3c00, 0xb800, 0x7bff} // 1, -0.5, 65504
)

// writeSample writes a file laid out like a Keras 3 model.weights.h5 plus
// one dataset of every type.
func writeSample(t *testing.T, w *Writer) {
	t.Helper()
	must := func(err error) {
		t.Helper()
		if err != nil {
			t.Fatal(err)
		}
	}
	vars, err := w.Group("layers/dense/vars")
	must(err)
	must(vars.SetAttr("name", "dense"))
	_, err = vars.CreateDataset("0", Float32, []int{4, 3}, sampleKernel)
	must(err)
	_, err = vars.CreateDataset("1", Float32, []int{3}, sampleBias)
	must(err)
	_, err = w.Group("vars")
	must(err)
	must(w.SetAttr("title", "tensorgo ✓"))
	must(w.SetAttr("names", []string{"alpha", "", "gamma"}))
	must(w.SetAttr("count", int64(42)))
	must(w.SetAttr("ratio", 0.25))
	must(w.SetAttr("i32s", []int32{1, -2, 3}))
	d, err := w.CreateDataset("types/f64", Float64, []int{3}, sampleF64)
	must(err)
	must(d.SetAttr("unit", "m"))
	must(d.SetAttr("scale", float32(2.5)))
	_, err = w.CreateDataset("types/i64", Int64, []int{2, 2}, sampleI64)
	must(err)
	_, err = w.CreateDataset("types/i32", Int32, []int{2}, sampleI32)
	must(err)
	_, err = w.CreateDataset("types/u8", Uint8, []int{3}, sampleU8)
	must(err)
	_, err = w.CreateDataset("types/f16", Float16, []int{3}, sampleF16)
	must(err)
	_, err = w.CreateDataset("types/scalar", Float32, nil, float32(7.5))
	must(err)
	_, err = w.CreateDataset("types/empty", Float32, []int{0, 3}, []float32{})
	must(err)
	_, err = w.CreateDataset("ints/i8", Int8, []int{2}, []int8{math.MinInt8, math.MaxInt8})
	must(err)
	_, err = w.CreateDataset("ints/名前", Int16, []int{2}, []int16{-300, math.MaxInt16})
	must(err)
	_, err = w.CreateDataset("ints/u16", Uint16, []int{1}, []uint16{math.MaxUint16})
	must(err)
	_, err = w.CreateDataset("ints/u32", Uint32, []int{1}, []uint32{math.MaxUint32})
	must(err)
	_, err = w.CreateDataset("ints/u64", Uint64, []int{2}, []uint64{0, math.MaxUint64})
	must(err)
	raw := []byte{1, 0, 0, 0, 2, 0, 0, 0}
	_, err = w.CreateDataset("types/raw", Int32, []int{2}, raw)
	must(err)
	must(w.Close())
}

func checkSample(t *testing.T, f *File) {
	t.Helper()
	want := map[string]struct {
		dtype DType
		shape []int
		vals  any
	}{
		"/layers/dense/vars/0": {Float32, []int{4, 3}, sampleKernel},
		"/layers/dense/vars/1": {Float32, []int{3}, sampleBias},
		"/types/f64":           {Float64, []int{3}, sampleF64},
		"/types/i64":           {Int64, []int{2, 2}, sampleI64},
		"/types/i32":           {Int32, []int{2}, sampleI32},
		"/types/u8":            {Uint8, []int{3}, sampleU8},
		"/types/f16":           {Float16, []int{3}, sampleF16},
		"/types/scalar":        {Float32, []int{}, []float32{7.5}},
		"/types/empty":         {Float32, []int{0, 3}, []float32{}},
		"/types/raw":           {Int32, []int{2}, []int32{1, 2}},
		"/ints/i8":             {Int8, []int{2}, []int8{math.MinInt8, math.MaxInt8}},
		"/ints/名前":             {Int16, []int{2}, []int16{-300, math.MaxInt16}},
		"/ints/u16":            {Uint16, []int{1}, []uint16{math.MaxUint16}},
		"/ints/u32":            {Uint32, []int{1}, []uint32{math.MaxUint32}},
		"/ints/u64":            {Uint64, []int{2}, []uint64{0, math.MaxUint64}},
	}
	seen := 0
	f.Root().Walk(func(g *Group) error {
		for _, d := range g.Datasets() {
			seen++
			w, ok := want[d.Path]
			if !ok {
				t.Errorf("unexpected dataset %s", d.Path)
				continue
			}
			if d.DType != w.dtype || !reflect.DeepEqual(d.Shape, w.shape) {
				t.Errorf("%s: %v %v, want %v %v", d.Path, d.DType, d.Shape, w.dtype, w.shape)
			}
			v, err := d.Read()
			if err != nil {
				t.Errorf("%s: %v", d.Path, err)
				continue
			}
			if !reflect.DeepEqual(v, w.vals) {
				t.Errorf("%s = %v, want %v", d.Path, v, w.vals)
			}
		}
		return nil
	})
	if seen != len(want) {
		t.Errorf("read %d datasets, want %d", seen, len(want))
	}
	root := f.Root()
	wantAttrs := map[string]any{
		"title": "tensorgo ✓", "names": []string{"alpha", "", "gamma"},
		"count": int64(42), "ratio": 0.25, "i32s": []int32{1, -2, 3},
	}
	for name, v := range wantAttrs {
		a, ok := root.Attr(name)
		if !ok || !reflect.DeepEqual(a.Value, v) {
			t.Errorf("root attribute %q = %#v (found %v), want %#v", name, a.Value, ok, v)
		}
	}
	g, ok := root.Group("layers/dense/vars")
	if !ok {
		t.Fatal("no group layers/dense/vars")
	}
	if a, _ := g.Attr("name"); a.Value != "dense" {
		t.Errorf("vars name attribute = %#v, want \"dense\"", a.Value)
	}
	if _, ok := root.Group("vars"); !ok {
		t.Error("no empty group /vars")
	}
	d, _ := root.Dataset("types/f64")
	if a, _ := d.Attr("unit"); a.Value != "m" {
		t.Errorf("f64 unit attribute = %#v", a.Value)
	}
	if a, _ := d.Attr("scale"); a.Value != float32(2.5) {
		t.Errorf("f64 scale attribute = %#v", a.Value)
	}
}

func TestWriteReadRoundTrip(t *testing.T) {
	var m memFile
	writeSample(t, Create(&m))
	f, err := Open(bytes.NewReader(m.b), int64(len(m.b)))
	if err != nil {
		t.Fatal(err)
	}
	if f.SuperblockVersion != 2 {
		t.Errorf("superblock version %d, want 2", f.SuperblockVersion)
	}
	checkSample(t, f)
}

func TestCreateFile(t *testing.T) {
	p := filepath.Join(t.TempDir(), "x.h5")
	w, err := CreateFile(p)
	if err != nil {
		t.Fatal(err)
	}
	writeSample(t, w)
	f, err := OpenFile(p)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	checkSample(t, f)
	if err := w.Close(); err == nil {
		t.Error("second Close succeeded")
	}
	if _, err := w.Group("late"); err == nil {
		t.Error("Group after Close succeeded")
	}
	if os.Getenv("HDF5_KEEP") != "" {
		b, _ := os.ReadFile(p)
		os.WriteFile(os.Getenv("HDF5_KEEP"), b, 0o644)
	}
}

func TestWriterErrors(t *testing.T) {
	w := Create(&memFile{})
	if _, err := w.CreateDataset("a/d", Float32, []int{2}, []float32{1, 2}); err != nil {
		t.Fatal(err)
	}
	cases := []struct {
		name string
		err  error
		want string
	}{}
	add := func(name string, err error, want string) {
		cases = append(cases, struct {
			name string
			err  error
			want string
		}{name, err, want})
	}
	_, err := w.CreateDataset("a/d", Float32, []int{2}, []float32{1, 2})
	add("duplicate", err, "already exists")
	_, err = w.Group("a/d/x")
	add("dataset in the way", err, "is a dataset")
	_, err = w.CreateDataset("b", Float32, []int{3}, []float32{1, 2})
	add("short data", err, "2 values")
	_, err = w.CreateDataset("c", Float64, []int{2}, []float32{1, 2})
	add("wrong type", err, "[]float32 for a float64")
	_, err = w.CreateDataset("e", Int32, []int{2}, []byte{1, 2, 3})
	add("short bytes", err, "3 bytes")
	_, err = w.CreateDataset("f", Int32, []int{-1}, nil)
	add("negative dim", err, "negative")
	_, err = w.CreateDataset("g", Invalid, []int{1}, nil)
	add("invalid dtype", err, "invalid dtype")
	_, err = w.Group("bad\x00name")
	add("bad name", err, "invalid group name")
	add("bad attr", w.SetAttr("x", struct{}{}), "unsupported value type")
	add("huge attr", w.SetAttr("big", make([]float64, 1<<14)), "")
	for _, c := range cases {
		if c.want == "" {
			continue
		}
		if c.err == nil || !strings.Contains(c.err.Error(), c.want) {
			t.Errorf("%s: err = %v, want one containing %q", c.name, c.err, c.want)
		}
	}
	// A 128 KiB attribute does not fit in an object header message.
	if err := w.Close(); err == nil || !strings.Contains(err.Error(), "exceeds 65535") {
		t.Errorf("Close = %v, want a message-size error", err)
	}
}

// TestSetAttrReplaces checks that setting an attribute twice keeps the
// second value only.
func TestSetAttrReplaces(t *testing.T) {
	var m memFile
	w := Create(&m)
	w.SetAttr("k", "first")
	w.SetAttr("k", int32(2))
	if err := w.Close(); err != nil {
		t.Fatal(err)
	}
	f, err := Open(bytes.NewReader(m.b), int64(len(m.b)))
	if err != nil {
		t.Fatal(err)
	}
	if len(f.Root().Attrs) != 1 || f.Root().Attrs[0].Value != int32(2) {
		t.Errorf("attrs = %#v, want k=int32(2) only", f.Root().Attrs)
	}
}
