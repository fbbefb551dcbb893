package safetensors

import (
	"bytes"
	"encoding/binary"
	"math"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"

	"github.com/tensorgo/tensorgo/tensor"
)

func sample() map[string]*tensor.Tensor {
	return map[string]*tensor.Tensor{
		"dense/kernel": tensor.FromSlice([]float32{0.5, -1.25, 3, float32(math.Inf(-1)), 1e-30, 6}, 2, 3),
		"dense/bias":   tensor.FromSlice([]float32{0.1, 0.2, 0.3}),
		"f64":          tensor.FromSlice([]float64{math.Pi, -1e300}),
		"i32":          tensor.FromSlice([]int32{math.MinInt32, 5}, 2, 1),
		"step":         tensor.Scalar(int64(math.MaxInt64)),
		"u8":           tensor.FromSlice([]uint8{0, 255, 7}),
		"mask":         tensor.FromSlice([]bool{true, false, true, true}, 2, 2),
		"empty":        tensor.New(tensor.Float32, 0, 3),
	}
}

func checkEqual(t *testing.T, got, want map[string]*tensor.Tensor) {
	t.Helper()
	if len(got) != len(want) {
		t.Errorf("got %d tensors, want %d", len(got), len(want))
	}
	for name, w := range want {
		g, ok := got[name]
		if !ok {
			t.Errorf("missing tensor %q", name)
			continue
		}
		if g.DType() != w.DType() || !g.Shape().Equal(w.Shape()) || !reflect.DeepEqual(g.Data(), w.Data()) {
			t.Errorf("%s = %v %v %v, want %v %v %v", name, g.DType(), g.Shape(), g.Data(), w.DType(), w.Shape(), w.Data())
		}
	}
}

func TestRoundTrip(t *testing.T) {
	meta := map[string]string{"format": "pt", "note": "<a & b>"}
	b, err := Encode(sample(), meta)
	if err != nil {
		t.Fatal(err)
	}
	got, gotMeta, err := Decode(b)
	if err != nil {
		t.Fatal(err)
	}
	checkEqual(t, got, sample())
	if !reflect.DeepEqual(gotMeta, meta) {
		t.Errorf("metadata %v, want %v", gotMeta, meta)
	}
	// Read (from a stream) gives the same.
	got, gotMeta, err = Read(bytes.NewReader(b))
	if err != nil {
		t.Fatal(err)
	}
	checkEqual(t, got, sample())
	if !reflect.DeepEqual(gotMeta, meta) {
		t.Errorf("Read metadata %v, want %v", gotMeta, meta)
	}
	// The data area starts 8-aligned, as the reference writer makes it.
	if n := binary.LittleEndian.Uint64(b); n%8 != 0 {
		t.Errorf("header length %d is not a multiple of 8", n)
	}
}

// TestExactBytes checks the writer's output against bytes written out by
// hand from the format's description.
func TestExactBytes(t *testing.T) {
	b, err := Encode(map[string]*tensor.Tensor{
		"b": tensor.FromSlice([]uint8{9}),
		"a": tensor.FromSlice([]float32{1, -2}),
		"c": tensor.Scalar(int64(3)),
	}, map[string]string{"k": "v"})
	if err != nil {
		t.Fatal(err)
	}
	// I64 (8 bytes) first, then F32, then U8; padded to 8 with spaces.
	hdr := `{"__metadata__":{"k":"v"},"c":{"dtype":"I64","shape":[],"data_offsets":[0,8]},` +
		`"a":{"dtype":"F32","shape":[2],"data_offsets":[8,16]},"b":{"dtype":"U8","shape":[1],"data_offsets":[16,17]}}`
	hdr += strings.Repeat(" ", (8-len(hdr)%8)%8)
	want := binary.LittleEndian.AppendUint64(nil, uint64(len(hdr)))
	want = append(want, hdr...)
	want = append(want, 3, 0, 0, 0, 0, 0, 0, 0) // int64 3
	want = append(want, 0, 0, 0x80, 0x3f)       // float32 1
	want = append(want, 0, 0, 0, 0xc0)          // float32 -2
	want = append(want, 9)
	if !bytes.Equal(b, want) {
		t.Errorf("Encode =\n%q\nwant\n%q", b, want)
	}
}

func TestSaveLoad(t *testing.T) {
	p := filepath.Join(t.TempDir(), "w.safetensors")
	if err := Save(p, sample(), nil); err != nil {
		t.Fatal(err)
	}
	got, meta, err := Load(p)
	if err != nil {
		t.Fatal(err)
	}
	checkEqual(t, got, sample())
	if meta != nil {
		t.Errorf("metadata %v, want nil", meta)
	}
}

// TestReadTestdata reads files laid out by the reference writer's rules
// (made by testdata/make_testdata.py and accepted by the reference Rust
// crate); the expected values are the script's, recomputed here.
func TestReadTestdata(t *testing.T) {
	got, meta, err := Load("testdata/tiny.safetensors")
	if err != nil {
		t.Fatal(err)
	}
	kernel := make([]float32, 12)
	for i := range kernel {
		kernel[i] = float32(i) / 10
	}
	checkEqual(t, got, map[string]*tensor.Tensor{
		"dense.kernel": tensor.FromSlice(kernel, 4, 3),
		"dense.bias":   tensor.FromSlice([]float32{0.5, -0.5, 1}),
		"step":         tensor.Scalar(int64(7)),
		"empty":        tensor.New(tensor.Float32, 0, 3),
	})
	if !reflect.DeepEqual(meta, map[string]string{"format": "pt", "framework": "go-test"}) {
		t.Errorf("metadata %v", meta)
	}

	b, err := os.ReadFile("testdata/alltypes.safetensors")
	if err != nil {
		t.Fatal(err)
	}
	f, err := Open(bytes.NewReader(b), int64(len(b)))
	if err != nil {
		t.Fatal(err)
	}
	wantNames := []string{"bf16", "bool", "f16", "f32", "f64", "i16", "i32", "i64", "i8", "u8"}
	if !reflect.DeepEqual(f.Names(), wantNames) {
		t.Errorf("names %v, want %v", f.Names(), wantNames)
	}
	want := map[string]*tensor.Tensor{
		"f64":  tensor.FromSlice([]float64{1.5, -2.25}),
		"i64":  tensor.FromSlice([]int64{-(1 << 40), 3}, 2, 1),
		"f32":  tensor.FromSlice([]float32{0.25, -8, 1e-3}),
		"i32":  tensor.FromSlice([]int32{-7, math.MaxInt32}),
		"u8":   tensor.FromSlice([]uint8{0, 200, 255, 1}, 2, 2),
		"bool": tensor.FromSlice([]bool{true, false, true}),
	}
	for name, w := range want {
		g, err := f.Tensor(name)
		if err != nil {
			t.Errorf("%s: %v", name, err)
			continue
		}
		checkEqual(t, map[string]*tensor.Tensor{name: g}, map[string]*tensor.Tensor{name: w})
	}
	// 16-bit floats read as tensorgo's storage dtypes.
	for name, vals := range map[string][]float32{"f16": {1, -0.5}, "bf16": {1, -2, 0.15625}} {
		g, err := f.Tensor(name)
		if err != nil {
			t.Errorf("Tensor(%q): %v", name, err)
			continue
		}
		got := tensor.Cast(g, tensor.Float32).Float32s()
		for i, v := range vals {
			if got[i] != v {
				t.Errorf("Tensor(%q)[%d] = %v, want %v", name, i, got[i], v)
			}
		}
	}
	// Dtypes the tensor package lacks: a clear error, and raw bytes.
	raws := map[string][]byte{
		"f16":  {0x00, 0x3c, 0x00, 0xb8},             // 1, -0.5
		"bf16": {0x80, 0x3f, 0x00, 0xc0, 0x20, 0x3e}, // 1, -2, 0.15625
		"i16":  {0xd4, 0xfe, 0x2c, 0x01},             // -300, 300
		"i8":   {0x80, 0x7f},                         // -128, 127
	}
	for name, w := range raws {
		if name == "i16" || name == "i8" {
			if _, err := f.Tensor(name); err == nil || !strings.Contains(err.Error(), "cannot hold") {
				t.Errorf("Tensor(%q) error = %v, want a cannot-hold error", name, err)
			}
		}
		r, err := f.Raw(name)
		if err != nil || !bytes.Equal(r, w) {
			t.Errorf("Raw(%q) = % x, %v; want % x", name, r, err, w)
		}
	}
	if _, err := f.All(); err == nil {
		t.Error("All succeeded on a file with I16 tensors")
	}
	info, ok := f.Info("i64")
	if !ok || info.DType != "I64" || !reflect.DeepEqual(info.Shape, []int{2, 1}) || info.End-info.Begin != 16 {
		t.Errorf("Info(i64) = %+v, %v", info, ok)
	}
}

func TestWriteErrors(t *testing.T) {
	for name, ts := range map[string]map[string]*tensor.Tensor{
		"reserved": {"__metadata__": tensor.Scalar(float32(1))},
		"nil":      {"x": nil},
	} {
		if _, err := Encode(ts, nil); err == nil {
			t.Errorf("%s: Encode succeeded", name)
		}
	}
}

// TestMatchesReferenceWriter compares Encode's output with a file the
// reference Rust crate's serialize() wrote for the same tensors
// (testdata/st_write/main.rs).
func TestMatchesReferenceWriter(t *testing.T) {
	want, err := os.ReadFile("testdata/reference_written.safetensors")
	if err != nil {
		t.Fatal(err)
	}
	got, err := Encode(sample(), map[string]string{"note": "<a & b> ✓"})
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(got, want) {
		t.Errorf("Encode differs from the reference writer:\n got %q\nwant %q", got, want)
	}
	ts, meta, err := Decode(want)
	if err != nil {
		t.Fatal(err)
	}
	checkEqual(t, ts, sample())
	if meta["note"] != "<a & b> ✓" {
		t.Errorf("metadata %v", meta)
	}
}

func TestRoundTripHalf(t *testing.T) {
	in := map[string]*tensor.Tensor{
		"h": tensor.Cast(tensor.FromSlice([]float32{1, -0.5, 65504}), tensor.Float16),
		"b": tensor.Cast(tensor.FromSlice([]float32{3.25, -2}, 1, 2), tensor.BFloat16),
	}
	b, err := Encode(in, nil)
	if err != nil {
		t.Fatal(err)
	}
	out, _, err := Decode(b)
	if err != nil {
		t.Fatal(err)
	}
	for k, v := range in {
		if got := out[k]; got == nil || got.DType() != v.DType() || !bytes.Equal(got.Bytes(), v.Bytes()) {
			t.Fatalf("%s: %v after the round trip, %v before", k, got, v)
		}
	}
}
