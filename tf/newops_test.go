package tf

import (
	"errors"
	"fmt"
	"strings"
	"testing"

	"github.com/tensorgo/tensorgo/tensor"
)

func arange(n int, shape ...int) *tensor.Tensor {
	v := make([]float64, n)
	for i := range v {
		v[i] = float64(i)
	}
	return f64(v, shape...)
}

// StridedSlice against slices worked out by hand with Python's slice
// semantics (the expected values are what NumPy prints for the same
// expressions on np.arange).
func TestForwardStridedSlice(t *testing.T) {
	x := arange(24, 2, 3, 4)
	a7 := arange(7, 7)
	cases := []struct {
		name    string
		in      *tensor.Tensor
		b, e, s []int
		bm, em  int
		shape   []int
		want    []float64
	}{
		// x[1:, ::-1, 1:3]
		{"x[1:, ::-1, 1:3]", x, []int{1, 0, 1}, []int{0, 0, 3}, []int{1, -1, 1}, 0b010, 0b011, []int{1, 3, 2}, []float64{21, 22, 17, 18, 13, 14}},
		// x[:, 2:0:-1, ::3]
		{"x[:, 2:0:-1, ::3]", x, []int{0, 2, 0}, []int{0, 0, 0}, []int{1, -1, 3}, 0b101, 0b101, []int{2, 2, 2}, []float64{8, 11, 4, 7, 20, 23, 16, 19}},
		// x[1:2]: dimensions past the spec are whole
		{"x[1:2]", x, []int{1}, []int{2}, []int{1}, 0, 0, []int{1, 3, 4}, arange(24).Float64s()[12:]},
		// a[-5:10:2]: begin counts from the end, end is clamped
		{"a[-5:10:2]", a7, []int{-5}, []int{10}, []int{2}, 0, 0, []int{3}, []float64{2, 4, 6}},
		// a[10:-10:-3]: both clamped walking backwards
		{"a[10:-10:-3]", a7, []int{10}, []int{-10}, []int{-3}, 0, 0, []int{3}, []float64{6, 3, 0}},
		// a[-1:-8:-1]: the whole array reversed
		{"a[-1:-8:-1]", a7, []int{-1}, []int{-8}, []int{-1}, 0, 0, []int{7}, []float64{6, 5, 4, 3, 2, 1, 0}},
		// a[5:2]: empty
		{"a[5:2]", a7, []int{5}, []int{2}, []int{1}, 0, 0, []int{0}, []float64{}},
		// a[::-2] with both masks
		{"a[::-2]", a7, []int{0}, []int{0}, []int{-2}, 1, 1, []int{4}, []float64{6, 4, 2, 0}},
	}
	for _, c := range cases {
		f := x0(func(v *Tensor) *Tensor {
			return StridedSlice(v, c.b, c.e, c.s, BeginMask(c.bm), EndMask(c.em))
		})
		expect(t, c.name, runBoth(t, c.name, f, c.in), Float64, c.shape, c.want, 0)
	}
	// The gradient puts dy back where the slice came from.
	dy := f64([]float64{1, 2, 3}, 3)
	got := runBoth(t, "StridedSliceGrad", func(xs []*Tensor) *Tensor {
		return Gradients([]*Tensor{StridedSlice(xs[0], []int{10}, []int{-10}, []int{-3})}, xs[:1], xs[1])[0]
	}, a7, dy)
	expect(t, "StridedSliceGrad", got, Float64, []int{7}, []float64{3, 0, 0, 2, 0, 0, 1}, 0)
	// A batch dimension unknown while building is resolved when run.
	g := NewGraph()
	p := Placeholder(g, Float64, Shape{-1, 4})
	y := StridedSlice(p, []int{-1, 3}, []int{0, 0}, []int{-1, -2}, EndMask(1))
	if !y.Shape().Equal(Shape{-1, 2}) {
		t.Errorf("static shape %v, want (None, 2)", y.Shape())
	}
	out, err := NewSession(g).Run(Feeds{p: arange(12, 3, 4)}, []*Tensor{y})
	if err != nil {
		t.Fatal(err)
	}
	// rows 2, 1, 0 reversed; columns 3, 1
	expect(t, "x[::-1, 3::-2] unknown batch", out[0], Float64, []int{3, 2}, []float64{11, 9, 7, 5, 3, 1}, 0)
	// Shrinking dimensions, as x[i] does: x[1, ::-1, 2] and x[-1, 0].
	f := x0(func(v *Tensor) *Tensor {
		return StridedSlice(v, []int{1, 0, 2}, []int{0, 0, 0}, []int{1, -1, 1}, BeginMask(0b010), EndMask(0b010), ShrinkAxisMask(0b101))
	})
	expect(t, "x[1, ::-1, 2]", runBoth(t, "x[1, ::-1, 2]", f, x), Float64, []int{3}, []float64{22, 18, 14}, 0)
	f = x0(func(v *Tensor) *Tensor {
		return StridedSlice(v, []int{-1, 0}, []int{0, 0}, []int{1, 1}, ShrinkAxisMask(0b11))
	})
	expect(t, "x[-1, 0]", runBoth(t, "x[-1, 0]", f, x), Float64, []int{4}, []float64{12, 13, 14, 15}, 0)
	mustPanic(t, "shrink out of range", func() {
		StridedSlice(Constant(x), []int{2}, []int{0}, []int{1}, ShrinkAxisMask(1))
	}, "StridedSlice", "(2, 3, 4)", "index 2 of dimension 0 is out of range for size 2")
	ys := StridedSlice(p, []int{3}, []int{0}, []int{1}, ShrinkAxisMask(1))
	if !ys.Shape().Equal(Shape{4}) {
		t.Errorf("shrunk static shape %v, want (4,)", ys.Shape())
	}
	for _, dev := range []string{"", RefDevice} {
		_, err := NewSession(g, SessionDevice(dev)).Run(Feeds{p: arange(12, 3, 4)}, []*Tensor{ys})
		if err == nil || !strings.Contains(err.Error(), "index 3 of dimension 0 is out of range for size 3") {
			t.Errorf("device %q: shrinking row 3 of 3: %v", dev, err)
		}
	}
	mustPanic(t, "zero stride", func() { StridedSlice(Constant(a7), []int{0}, []int{3}, []int{0}) }, "StridedSlice", "stride 0")
	mustPanic(t, "too many", func() { StridedSlice(Constant(a7), []int{0, 0}, []int{3, 3}, []int{1, 1}) }, "StridedSlice", "(7,)", "at most 1")
}

func TestForwardOneHotOptions(t *testing.T) {
	idx := tensor.From([][]int32{{2, 0}, {5, 1}})
	// axis 0: out[k, i, j] = on where idx[i, j] == k
	f := x0(func(i *Tensor) *Tensor { return OneHot(i, 3, Float64, OnValue(5), OffValue(-1), OneHotAxis(0)) })
	want := []float64{
		-1, 5, -1, -1, // k = 0
		-1, -1, -1, 5, // k = 1
		5, -1, -1, -1, // k = 2
	}
	expect(t, "OneHot axis 0", runBoth(t, "OneHot", f, idx), Float64, []int{3, 2, 2}, want, 0)
	f = x0(func(i *Tensor) *Tensor { return OneHot(i, 3, Int32, OneHotAxis(1)) })
	want = []float64{
		0, 1, 0, 0, 1, 0, // i = 0: rows k, columns j (idx 2, 0)
		0, 0, 0, 1, 0, 0, // i = 1: idx 5 (none), 1
	}
	expect(t, "OneHot axis 1", runBoth(t, "OneHot", f, idx), Int32, []int{2, 3, 2}, want, 0)
	mustPanic(t, "axis", func() { OneHot(Constant(idx), 3, Float32, OneHotAxis(3)) }, "OneHot", "axis 3")
}

func TestEmbeddingLookup(t *testing.T) {
	table := arange(12, 4, 3) // row r holds 3r, 3r+1, 3r+2
	ids := tensor.From([][]int32{{3, 0}, {3, 1}})
	got := runBoth(t, "EmbeddingLookup", x01(EmbeddingLookup), table, ids)
	expect(t, "EmbeddingLookup", got, Float64, []int{2, 2, 3}, []float64{9, 10, 11, 0, 1, 2, 9, 10, 11, 3, 4, 5}, 0)
	// The gradient adds into the looked-up rows only (row 3 twice), zero
	// elsewhere.
	dy := arange(12, 2, 2, 3)
	g := runBoth(t, "EmbeddingLookupGrad", func(xs []*Tensor) *Tensor {
		return Gradients([]*Tensor{EmbeddingLookup(xs[0], xs[2])}, xs[:1], xs[1])[0]
	}, table, dy, ids)
	expect(t, "EmbeddingLookupGrad", g, Float64, []int{4, 3}, []float64{3, 4, 5, 9, 10, 11, 0, 0, 0, 0 + 6, 1 + 7, 2 + 8}, 0)
	// An id outside the table is the kernel's error naming it, on every
	// device, eagerly and in a session.
	for _, dev := range []string{"", RefDevice} {
		gr := NewGraph()
		p := Placeholder(gr, Int32, Shape{2})
		y := EmbeddingLookup(Const(gr, table), p)
		_, err := NewSession(gr, SessionDevice(dev)).Run(Feeds{p: tensor.From([]int32{1, 4})}, []*Tensor{y})
		if err == nil || !strings.Contains(err.Error(), "4") || !strings.Contains(err.Error(), "EmbeddingLookup") {
			t.Errorf("device %q: id 4 of 4 rows: %v", dev, err)
		}
	}
	err := Catch(func() { EmbeddingLookup(Constant(table), Constant([]int32{-1})) })
	var ke *KernelError
	if !errors.As(err, &ke) || !strings.Contains(err.Error(), "id -1") {
		t.Errorf("eager id -1: %v", err)
	}
}

func TestNewOpGradients(t *testing.T) {
	ids := tensor.From([]int32{2, 0, 2, 1})
	for _, c := range []gradCase{
		{name: "StridedSlice", shapes: [][]int{{4, 5}}, f: x0(func(x *Tensor) *Tensor {
			return StridedSlice(x, []int{3, 0}, []int{0, 5}, []int{-2, 2})
		})},
		{name: "StridedSlice masks", shapes: [][]int{{3, 4}}, f: x0(func(x *Tensor) *Tensor {
			return Square(StridedSlice(x, []int{0, 2}, []int{0, 0}, []int{-1, -1}, BeginMask(1), EndMask(3)))
		})},
		{name: "StridedSlice shrink", shapes: [][]int{{3, 4}}, f: x0(func(x *Tensor) *Tensor {
			return StridedSlice(x, []int{-2, 3}, []int{0, 0}, []int{1, -1}, EndMask(2), ShrinkAxisMask(1))
		})},
		{name: "StridedSlice unknown batch", shapes: [][]int{{3, 4}}, unknownBatch: true, f: x0(func(x *Tensor) *Tensor {
			return StridedSlice(x, []int{-1, 1}, []int{0, 4}, []int{-1, 2}, EndMask(1))
		})},
		{name: "EmbeddingLookup", shapes: [][]int{{3, 2}}, f: x0(func(x *Tensor) *Tensor {
			return EmbeddingLookup(x, Const(x.Graph(), ids))
		})},
	} {
		t.Run(c.name, func(t *testing.T) { checkGrad(t, c) })
	}
	for _, c := range []struct {
		name   string
		shapes [][]int
		out    []int
		f      func(xs []*Tensor) *Tensor
	}{
		{"StridedSlice", [][]int{{4, 3}}, []int{2, 3}, x0(func(x *Tensor) *Tensor {
			return Square(StridedSlice(x, []int{-1}, []int{0}, []int{-2}))
		})},
		{"EmbeddingLookup", [][]int{{3, 2}}, []int{4, 2}, x0(func(x *Tensor) *Tensor {
			return Square(EmbeddingLookup(x, Const(x.Graph(), ids)))
		})},
	} {
		t.Run("second order "+c.name, func(t *testing.T) {
			checkGrad(t, gradCase{name: fmt.Sprintf("d/dx %s", c.name), shapes: c.shapes, f: gradOf(c.f, c.out)})
		})
	}
}
