package ref

import (
	"testing"

	"github.com/tensorgo/tensorgo/tensor"
)

func same(t *testing.T, name string, got *tensor.Tensor, want []float64) {
	t.Helper()
	if got.Size() != len(want) {
		t.Fatalf("%s: %d elements, want %d", name, got.Size(), len(want))
	}
	for i, w := range want {
		if got.Float(i) != w {
			t.Fatalf("%s: element %d = %v, want %v", name, i, got.Float(i), w)
		}
	}
}

// The reference loops against products and slices worked out by hand.
func TestHandValues(t *testing.T) {
	a := tensor.FromSlice([]float64{1, 2, 3, 4, 5, 6}, 2, 3)
	b := tensor.FromSlice([]float64{1, 0, -1, 2, 1, 0}, 2, 3)
	d := tensor.New(tensor.Float64, 2, 2)
	MatMul(d, a, b, false, true) // a x b^T
	same(t, "a b^T", d, []float64{-2, 4, -2, 13})
	d = tensor.New(tensor.Float64, 3, 3)
	MatMul(d, a, b, true, false) // a^T x b: column i of a times column j of b
	same(t, "a^T b", d, []float64{9, 4, -1, 12, 5, -2, 15, 6, -3})

	x := tensor.FromSlice([]float64{0, 1, 2, 3, 4, 5, 6}, 7)
	s := tensor.New(tensor.Float64, 3)
	Strided(s, x, []int{6}, []int{-3}, []int{3}, false) // x[6::-3]
	same(t, "x[6::-3]", s, []float64{6, 3, 0})

	sum := tensor.New(tensor.Float64, 3)
	Reduce(sum, a, []int{0}, 0, func(acc, v float64) float64 { return acc + v }, func(acc float64, n int) float64 { return acc })
	same(t, "column sums", sum, []float64{5, 7, 9})

	tr := tensor.New(tensor.Float64, 3, 2)
	Transpose(tr, a, []int{1, 0})
	same(t, "transpose", tr, []float64{1, 4, 2, 5, 3, 6})

	g := tensor.New(tensor.Float64, 2, 3)
	if err := Gather(g, a, tensor.FromSlice([]int32{1, 0}, 2), 0); err != nil {
		t.Fatal(err)
	}
	same(t, "gather rows", g, []float64{4, 5, 6, 1, 2, 3})
	if err := Gather(g, a, tensor.FromSlice([]int32{2, 0}, 2), 0); err == nil {
		t.Errorf("Gather of row 2 of 2: no error")
	}
	oh := tensor.New(tensor.Float64, 2, 3)
	OneHot(oh, tensor.FromSlice([]int32{2, 7}, 2), 3, 1, 1, 0)
	same(t, "one hot", oh, []float64{0, 0, 1, 0, 0, 0})
}
