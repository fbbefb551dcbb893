package kernels

import (
	"testing"

	"github.com/tensorgo/tensorgo/tensor"
)

// float32 Concat and SliceCopy take strided copies; they must put every
// element where the element-by-element definition does (checked here in
// float64, which takes the row loops, against the same values).
func TestCopyFloat32MatchesRows(t *testing.T) {
	for _, c := range []struct {
		shapes [][]int
		axis   int
	}{
		{[][]int{{2, 3, 4, 5}, {2, 3, 4, 2}, {2, 3, 4, 9}}, 3},
		{[][]int{{2, 3, 4}, {2, 1, 4}}, 1},
		{[][]int{{3}, {4}}, 0},
		{[][]int{{2, 0, 3}, {2, 2, 3}}, 1},
	} {
		var xs32, xs64 []*tensor.Tensor
		out := append([]int(nil), c.shapes[0]...)
		out[c.axis] = 0
		for i, s := range c.shapes {
			x := tensor.RandomUniform(tensor.Float64, tensor.Shape(s), -1, 1, int64(i+1))
			xs64 = append(xs64, x)
			xs32 = append(xs32, tensor.Cast(x, tensor.Float32))
			out[c.axis] += s[c.axis]
		}
		d64, d32 := tensor.New(tensor.Float64, out...), tensor.New(tensor.Float32, out...)
		Concat(d64, xs64, c.axis)
		Concat(d32, xs32, c.axis)
		same(t, "Concat", d32, d64)
	}
	big := tensor.RandomUniform(tensor.Float64, tensor.Shape{3, 4, 5, 6}, -1, 1, 9)
	big32 := tensor.Cast(big, tensor.Float32)
	for _, b := range []struct{ begin, size []int }{
		{[]int{1, 0, 0, 2}, []int{2, 4, 5, 3}}, // whole inner dimensions: one strided copy
		{[]int{0, 1, 0, 0}, []int{3, 2, 5, 6}}, // not
		{[]int{0, 0, 2, 1}, []int{1, 4, 3, 4}},
		{[]int{2, 3}, nil},
	} {
		if b.size == nil {
			m := tensor.RandomUniform(tensor.Float64, tensor.Shape{4, 5}, -1, 1, 3)
			s64, s32 := tensor.New(tensor.Float64, 1, 2), tensor.New(tensor.Float32, 1, 2)
			SliceCopy(s64, m, b.begin, false)
			SliceCopy(s32, tensor.Cast(m, tensor.Float32), b.begin, false)
			same(t, "SliceCopy rank 2", s32, s64)
			continue
		}
		s64, s32 := tensor.New(tensor.Float64, b.size...), tensor.New(tensor.Float32, b.size...)
		SliceCopy(s64, big, b.begin, false)
		SliceCopy(s32, big32, b.begin, false)
		same(t, "SliceCopy", s32, s64)
	}
}

func same(t *testing.T, what string, got32, want64 *tensor.Tensor) {
	t.Helper()
	g, w := got32.Float32s(), want64.Float64s()
	if len(g) != len(w) {
		t.Fatalf("%s: %d elements, want %d", what, len(g), len(w))
	}
	for i := range g {
		if g[i] != float32(w[i]) {
			t.Fatalf("%s %v: element %d = %v, want %v", what, got32.Shape(), i, g[i], float32(w[i]))
		}
	}
}
