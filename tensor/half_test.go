package tensor

import (
	"bytes"
	"math"
	"strings"
	"testing"
)

// Float16 bit patterns from NumPy 1.24 (numpy.float16(numpy.float64(x))
// .view(numpy.uint16)): rounding to nearest even, overflow, subnormals.
var float16Known = []struct {
	x    float64
	bits uint16
}{
	{1.0, 0x3c00},
	{-2.0, 0xc000},
	{0.1, 0x2e66},
	{0.3333333333333333, 0x3555},
	{65504.0, 0x7bff},
	{65519.99, 0x7bff},
	{65520.0, 0x7c00}, // the midpoint above the largest finite value: infinity
	{100000.0, 0x7c00},
	{5.960464477539063e-08, 0x0001},  // 2^-24, the smallest subnormal
	{2.9802322387695312e-08, 0x0000}, // 2^-25: a tie, to even (zero)
	{2.980232536792755e-08, 0x0001},  // just above the tie
	{4.470348358154297e-08, 0x0001},  // 3 * 2^-26 = 0.75 * 2^-24: rounds up to 2^-24
	{6.103515625e-05, 0x0400},        // 2^-14, the smallest normal
	{6.1005353927612305e-05, 0x0400}, // rounds up from the subnormals into the normals
	{6.1e-05, 0x03ff},
	{math.Copysign(0, -1), 0x8000},
	{math.Inf(1), 0x7c00},
	{math.Inf(-1), 0xfc00},
	{1.0009765625, 0x3c01},
	{1.00048828125, 0x3c00}, // a tie between 1 and 1+2^-10: to even
	{1.00146484375, 0x3c02}, // a tie between 1+2^-10 and 1+2^-9: to even
	{0.0001, 0x068e},
	{3.14159265358979, 0x4248},
	{1e-08, 0x0000},
	{-1e-08, 0x8000},
	{2049.0, 0x6800}, // a tie: to even
	{2051.0, 0x6802},
	{4097.0, 0x6c00},
}

// BFloat16 bit patterns worked out by hand: bfloat16 is the top half of a
// float32, rounded to nearest even on the 16 bits dropped.
var bfloat16Known = []struct {
	x    float64
	bits uint16
}{
	{1.0, 0x3f80},
	{-2.0, 0xc000},
	{0.1, 0x3dcd},                   // float32 0x3dcccccd: the dropped 0xcccd is above half
	{3.140625, 0x4049},              // pi to bfloat16's 8 bits
	{1 + 1.0/256, 0x3f80},           // a tie between 1 and 1+2^-7: to even
	{1 + 3.0/256, 0x3f82},           // a tie between 1+2^-7 and 1+2^-6: to even
	{1 + 1.0/256 + 1e-9, 0x3f81},    // just above the tie
	{3.3895313892515355e38, 0x7f7f}, // the largest finite bfloat16
	{3.4e38, 0x7f80},                // past the last midpoint: infinity
	{0x1p-133, 0x0001},              // the smallest subnormal
	{0x1p-134, 0x0000},              // a tie: to even (zero)
	{0x1p-126, 0x0080},              // the smallest normal
	{math.Inf(-1), 0xff80},
	{math.Copysign(0, -1), 0x8000},
}

func TestFloat16KnownBits(t *testing.T) {
	for _, c := range float16Known {
		if got := Float16FromFloat64(c.x); uint16(got) != c.bits {
			t.Errorf("Float16FromFloat64(%v) = %#04x, want %#04x", c.x, uint16(got), c.bits)
		}
	}
	for _, c := range bfloat16Known {
		if got := BFloat16FromFloat64(c.x); uint16(got) != c.bits {
			t.Errorf("BFloat16FromFloat64(%v) = %#04x, want %#04x", c.x, uint16(got), c.bits)
		}
	}
	// NaN stays NaN, quiet (numpy.float16(nan) is 0x7e00).
	if got := Float16FromFloat64(math.NaN()); got != 0x7e00 || !math.IsNaN(got.Float64()) {
		t.Errorf("Float16FromFloat64(NaN) = %#04x", uint16(got))
	}
	if got := BFloat16FromFloat64(math.NaN()); !math.IsNaN(got.Float64()) || !math.IsNaN(float64(got.Float32())) {
		t.Errorf("BFloat16FromFloat64(NaN) = %#04x", uint16(got))
	}
}

// TestHalfRoundingExhaustive checks every finite 16-bit value both ways:
// it converts to float32/float64 and back unchanged; the midpoint between
// it and the next value up rounds to whichever of the two is even, and
// anything a hair inside the midpoint rounds to the nearer one.
func TestHalfRoundingExhaustive(t *testing.T) {
	type format struct {
		name   string
		round  func(float64) uint16
		expand func(uint16) float64
		maxFin uint16
	}
	formats := []format{
		{"float16", func(x float64) uint16 { return uint16(Float16FromFloat64(x)) }, func(h uint16) float64 { return Float16Value(h).Float64() }, 0x7bff},
		{"bfloat16", func(x float64) uint16 { return uint16(BFloat16FromFloat64(x)) }, func(h uint16) float64 { return BFloat16Value(h).Float64() }, 0x7f7f},
	}
	for _, f := range formats {
		for h := uint16(0); h <= f.maxFin; h++ {
			for _, sign := range []uint16{0, 0x8000} {
				v := f.expand(h | sign)
				if got := f.round(v); got != h|sign {
					t.Fatalf("%s %#04x: %v converts back to %#04x", f.name, h|sign, v, got)
				}
			}
			if h == f.maxFin {
				break
			}
			lo, hi := f.expand(h), f.expand(h+1)
			mid := (lo + hi) / 2 // exact in float64
			even := h
			if h&1 == 1 {
				even = h + 1
			}
			if got := f.round(mid); got != even {
				t.Fatalf("%s: midpoint %v of %#04x and %#04x rounds to %#04x, want %#04x", f.name, mid, h, h+1, got, even)
			}
			if got := f.round(math.Nextafter(mid, lo)); got != h {
				t.Fatalf("%s: just below the midpoint of %#04x and %#04x rounds to %#04x", f.name, h, h+1, got)
			}
			if got := f.round(math.Nextafter(mid, hi)); got != h+1 {
				t.Fatalf("%s: just above the midpoint of %#04x and %#04x rounds to %#04x", f.name, h, h+1, got)
			}
		}
	}
	// bfloat16 widens to float32 by appending 16 zero bits.
	for h := uint32(0); h < 1<<16; h++ {
		b := BFloat16Value(h)
		if got := math.Float32bits(b.Float32()); got != h<<16 {
			t.Fatalf("bfloat16 %#04x widens to %#08x", h, got)
		}
		if v := b.Float64(); !math.IsNaN(v) && float64(b.Float32()) != v {
			t.Fatalf("bfloat16 %#04x: Float64 %v, Float32 %v", h, v, b.Float32())
		}
	}
}

func TestCastHalf(t *testing.T) {
	src := From([]float64{1, -2.5, 0.1, 65520, 1e-8, math.Inf(-1), 70000.7, 3.7, -3.7})
	h := Cast(src, Float16)
	if h.DType() != Float16 || !h.Shape().Equal(src.Shape()) {
		t.Fatalf("Cast to float16 gave %v %v", h.DType(), h.Shape())
	}
	want := []uint16{0x3c00, 0xc100, 0x2e66, 0x7c00, 0, 0xfc00, 0x7c00, 0x4366, 0xc366}
	for i, v := range h.Float16s() {
		if uint16(v) != want[i] {
			t.Errorf("Cast(float64 %v, float16) = %#04x, want %#04x", src.Float(i), uint16(v), want[i])
		}
	}
	// From float32: one rounding, float32 -> float16 directly.
	f32 := Cast(src, Float32)
	if got := Cast(f32, Float16).Float16s(); !equalHalves(got, h.Float16s()) {
		t.Errorf("float32 -> float16 = %v, float64 -> float16 %v", got, h.Float16s())
	}
	// Back to every other type: exact into floats, truncating into
	// integers with saturation, != 0 into bool.
	small := Cast(From([]float32{1.5, -2.75, 0, 300}), Float16)
	checkFloats(t, "float16 -> float32", Cast(small, Float32), []float64{1.5, -2.75, 0, 300})
	checkFloats(t, "float16 -> float64", Cast(small, Float64), []float64{1.5, -2.75, 0, 300})
	checkFloats(t, "float16 -> int32", Cast(small, Int32), []float64{1, -2, 0, 300})
	checkFloats(t, "float16 -> int64", Cast(small, Int64), []float64{1, -2, 0, 300})
	checkFloats(t, "float16 -> uint8", Cast(small, Uint8), []float64{1, 0, 0, 255})
	checkFloats(t, "float16 -> bool", Cast(small, Bool), []float64{1, 1, 0, 1})
	checkFloats(t, "float16 -> bfloat16", Cast(small, BFloat16), []float64{1.5, -2.75, 0, 300})
	checkFloats(t, "int64 -> bfloat16", Cast(From([]int64{257, -3, 1 << 40}), BFloat16), []float64{256, -3, 1 << 40})
	checkFloats(t, "bool -> float16", Cast(From([]bool{true, false}), Float16), []float64{1, 0})
	checkFloats(t, "bool -> bfloat16", Cast(From([]bool{true, false}), BFloat16), []float64{1, 0})
	checkFloats(t, "uint8 -> float16", Cast(From([]uint8{255, 7}), Float16), []float64{255, 7})
	// bfloat16 of 0.1 is 0x3dcd = 0.10009765625 exactly.
	checkFloats(t, "bfloat16 -> float64", Cast(Cast(From([]float64{0.1}), BFloat16), Float64), []float64{0.10009765625})
	// Large tensors take the parallel path: every element must match.
	big := RandomNormal(Float32, Shape{100003}, 0, 100, 5)
	hb := Cast(big, BFloat16)
	for i, v := range big.Float32s() {
		if hb.BFloat16s()[i] != BFloat16FromFloat32(v) {
			t.Fatalf("element %d: Cast gives %#04x, BFloat16FromFloat32 %#04x", i, uint16(hb.BFloat16s()[i]), uint16(BFloat16FromFloat32(v)))
		}
	}
}

func equalHalves(a, b []Float16Value) bool {
	if len(a) != len(b) {
		return false
	}
	for i := range a {
		if a[i] != b[i] {
			return false
		}
	}
	return true
}

func checkFloats(t *testing.T, label string, x *Tensor, want []float64) {
	t.Helper()
	if x.Size() != len(want) {
		t.Fatalf("%s: %d elements, want %d", label, x.Size(), len(want))
	}
	for i, w := range want {
		if got := x.Float(i); got != w {
			t.Errorf("%s: element %d = %v, want %v", label, i, got, w)
		}
	}
}

func TestHalfTensors(t *testing.T) {
	x := From([]Float16Value{0x3c00, 0x4000, 0xc200})
	if x.DType() != Float16 || x.DType().String() != "float16" || x.DType().Size() != 2 || !x.DType().IsHalf() || x.DType().IsFloat() {
		t.Fatalf("From([]Float16Value) dtype %v", x.DType())
	}
	if d, err := ParseDType("bfloat16"); err != nil || d != BFloat16 {
		t.Errorf("ParseDType(bfloat16) = %v, %v", d, err)
	}
	f := Fill(BFloat16, 0.1, 2, 2)
	for _, v := range f.BFloat16s() {
		if v != 0x3dcd {
			t.Errorf("Fill(bfloat16, 0.1) holds %#04x, want 0x3dcd", uint16(v))
		}
	}
	// Shape operations move 16-bit elements like any other.
	m := Cast(Range(Float32, 0, 6, 1).Reshape(2, 3), Float16)
	checkFloats(t, "Transpose float16", Transpose(m), []float64{0, 3, 1, 4, 2, 5})
	checkFloats(t, "Slice float16", Slice(m, []int{1, 1}, []int{1, 2}), []float64{4, 5})
	checkFloats(t, "Concat float16", Concat(0, m, m), []float64{0, 1, 2, 3, 4, 5, 0, 1, 2, 3, 4, 5})
	checkFloats(t, "Clone float16", m.Clone(), []float64{0, 1, 2, 3, 4, 5})
	// Printing uses the type's own shortest digits (strings from NumPy 1.24).
	for _, c := range []struct {
		x    *Tensor
		want string
	}{
		{Cast(From([]float64{0.1, 1.0 / 3, 100}), Float16), "[  0.1      0.3333 100.    ]"},
		{Cast(From([]float64{0.1, 1.0 / 3, 65504, 6e-8, -2.5}), Float16), "[ 9.998e-02  3.333e-01  6.550e+04  5.960e-08 -2.500e+00]"},
		{Cast(From([]float64{1, 2.5, math.NaN()}), Float16), "[1.  2.5 nan]"},
		{Cast(Scalar(1.0/3), Float16), "0.3333"},
	} {
		if got := c.x.ValuesString(); got != c.want {
			t.Errorf("float16 prints %q, want %q (NumPy)", got, c.want)
		}
	}
	if got := Cast(From([]float64{0.1, 1}), BFloat16).String(); got != "tensor([0.1 1. ], shape=(2,), dtype=bfloat16)" {
		t.Errorf("bfloat16 prints %q", got)
	}
	// Arithmetic is float32-only: a clear panic, naming the dtype.
	defer func() {
		r := recover()
		if r == nil || !strings.Contains(r.(string), "float16") {
			t.Errorf("Add on float16 tensors: recovered %v, want a panic naming float16", r)
		}
	}()
	Add(m, m)
}

func TestBytesRoundTrip(t *testing.T) {
	for _, x := range []*Tensor{
		From([]float32{1, -0.5}), From([]float64{math.Pi}), From([]int32{-1, 7}), From([]int64{1 << 40}),
		From([]uint8{3, 255}), From([]bool{true, false, true}),
		Cast(From([]float64{1, 0.1}), Float16), Cast(From([]float64{1, 0.1}), BFloat16),
	} {
		b := x.Bytes()
		if len(b) != x.Size()*x.DType().Size() {
			t.Fatalf("%v: %d bytes", x.DType(), len(b))
		}
		y, err := FromBytes(x.DType(), b, x.Shape()...)
		if err != nil {
			t.Fatalf("%v: %v", x.DType(), err)
		}
		if !bytes.Equal(y.Bytes(), b) || y.String() != x.String() {
			t.Errorf("%v: round trip gives %v, want %v", x.DType(), y, x)
		}
	}
	// Little-endian, as NumPy's "<f2" and safetensors' F16 / BF16 store them.
	if b := Cast(From([]float64{1}), Float16).Bytes(); !bytes.Equal(b, []byte{0x00, 0x3c}) {
		t.Errorf("float16 1.0 bytes % x, want 00 3c", b)
	}
	if b := Cast(From([]float64{1}), BFloat16).Bytes(); !bytes.Equal(b, []byte{0x80, 0x3f}) {
		t.Errorf("bfloat16 1.0 bytes % x, want 80 3f", b)
	}
	if b := From([]float32{1}).Bytes(); !bytes.Equal(b, []byte{0, 0, 0x80, 0x3f}) {
		t.Errorf("float32 1.0 bytes % x", b)
	}
	for _, bad := range []struct {
		d     DType
		b     []byte
		shape []int
	}{
		{Float16, []byte{1, 2, 3}, []int{2}},
		{Float32, nil, []int{1}},
		{Bool, []byte{2}, []int{1}},
		{Invalid, nil, nil},
		{Int64, nil, []int{-1}},
		{Uint8, nil, []int{math.MaxInt/2 + 1, 4}}, // the size overflows int on any platform
	} {
		if _, err := FromBytes(bad.d, bad.b, bad.shape...); err == nil {
			t.Errorf("FromBytes(%v, % x, %v) succeeded", bad.d, bad.b, bad.shape)
		}
	}
}

// FuzzFromBytes feeds FromBytes arbitrary bytes for every dtype: it must
// return a tensor whose Bytes are the input, or an error, never panic.
func FuzzFromBytes(f *testing.F) {
	f.Add(uint8(Float16), []byte{0x00, 0x3c, 0x66, 0x2e}, 2)
	f.Add(uint8(BFloat16), []byte{0x80, 0x3f}, 1)
	f.Add(uint8(Float32), From([]float32{1, 2, 3}).Bytes(), 3)
	f.Add(uint8(Bool), []byte{0, 1, 2}, 3)
	f.Add(uint8(Int64), []byte{1, 2, 3}, 1)
	f.Add(uint8(200), []byte{}, 0)
	f.Add(uint8(Float64), []byte{}, -1)
	f.Fuzz(func(t *testing.T, d uint8, b []byte, n int) {
		x, err := FromBytes(DType(d), b, n)
		if err != nil {
			return
		}
		if !bytes.Equal(x.Bytes(), b) {
			t.Fatalf("FromBytes(%v, % x, %d).Bytes() = % x", DType(d), b, n, x.Bytes())
		}
		_ = x.String()
	})
}
