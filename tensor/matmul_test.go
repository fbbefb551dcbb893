package tensor

import (
	"fmt"
	"math"
	"math/rand/v2"
	"testing"
)

// refMatMul is the naive triple loop with NumPy batch broadcasting.
func refMatMul(a, b *Tensor, transA, transB bool) *Tensor {
	ra, rb := a.Rank(), b.Rank()
	at := func(t *Tensor, batch []int, i, j int, trans bool) float64 {
		r := t.Rank()
		if trans {
			i, j = j, i
		}
		idx := make([]int, r)
		k := len(batch) - (r - 2)
		for d := 0; d < r-2; d++ {
			if t.shape[d] != 1 {
				idx[d] = batch[k+d]
			}
		}
		idx[r-2], idx[r-1] = i, j
		return t.At(idx...)
	}
	m, k := a.shape[ra-2], a.shape[ra-1]
	if transA {
		m, k = k, m
	}
	n := b.shape[rb-1]
	if transB {
		n = b.shape[rb-2]
	}
	batch, err := BroadcastShapes(a.shape[:ra-2], b.shape[:rb-2])
	if err != nil {
		panic(err)
	}
	out := New(a.dtype, append(batch.Clone(), m, n)...)
	nb := batch.NumElements()
	for bi := 0; bi < nb; bi++ {
		bidx := unravel(bi, batch)
		for i := 0; i < m; i++ {
			for j := 0; j < n; j++ {
				s := 0.0
				for p := 0; p < k; p++ {
					s += at(a, bidx, i, p, transA) * at(b, bidx, p, j, transB)
				}
				out.SetFloat((bi*m+i)*n+j, s)
			}
		}
	}
	return out
}

func TestMatMulAgainstNaive(t *testing.T) {
	r := rand.New(rand.NewPCG(13, 14))
	cases := []struct{ a, b []int }{ // shapes without transposition: a (..., m, k), b (..., k, n)
		{[]int{3, 4}, []int{4, 5}},
		{[]int{1, 1}, []int{1, 1}},
		{[]int{7, 0}, []int{0, 3}},
		{[]int{0, 4}, []int{4, 3}},
		{[]int{17, 33}, []int{33, 7}},
		{[]int{2, 3, 4}, []int{4, 5}},
		{[]int{2, 3, 4}, []int{2, 4, 5}},
		{[]int{3, 4}, []int{2, 4, 5}},
		{[]int{2, 1, 3, 4}, []int{5, 4, 6}},
		{[]int{1, 3, 4}, []int{1, 1, 4, 2}},
	}
	swap := func(s []int) []int {
		s = append([]int(nil), s...)
		s[len(s)-1], s[len(s)-2] = s[len(s)-2], s[len(s)-1]
		return s
	}
	for _, d := range floatTypes {
		for _, c := range cases {
			for _, transA := range []bool{false, true} {
				for _, transB := range []bool{false, true} {
					sa, sb := c.a, c.b
					if transA {
						sa = swap(sa)
					}
					if transB {
						sb = swap(sb)
					}
					a, b := randTensor(r, d, sa...), randTensor(r, d, sb...)
					want := refMatMul(a, b, transA, transB)
					what := fmt.Sprintf("MatMul %v %v×%v tA=%v tB=%v", d, sa, sb, transA, transB)
					closeTo(t, what, MatMul(a, b, transA, transB), want, 10*tolFor(d))
					dst := Fill(d, 7, want.shape...) // stale contents must be overwritten
					MatMulInto(dst, a, b, transA, transB)
					closeTo(t, what+" Into", dst, want, 10*tolFor(d))
				}
			}
		}
	}
}

func TestMatMulHandValues(t *testing.T) {
	a := From([][]float64{{1, 2}, {3, 4}})
	b := From([][]float64{{5, 6}, {7, 8}})
	closeTo(t, "a·b", MatMul(a, b, false, false), From([][]float64{{19, 22}, {43, 50}}), 0)
	closeTo(t, "aᵀ·b", MatMul(a, b, true, false), From([][]float64{{26, 30}, {38, 44}}), 0)
	closeTo(t, "a·bᵀ", MatMul(a, b, false, true), From([][]float64{{17, 23}, {39, 53}}), 0)
}

// TestMatMulBiasActSameBits checks MatMulBiasActInto against MatMul, then
// the bias, then Relu, bit for bit, with and without a batch dimension.
func TestMatMulBiasActSameBits(t *testing.T) {
	r := rand.New(rand.NewPCG(7, 7))
	for _, dt := range []DType{Float32, Float64} {
		for _, s := range [][]int{{5, 3, 4}, {64, 40, 130}, {300, 6, 20}, {2, 9, 7, 11}} {
			ash, bsh := Shape{s[0], s[1]}, Shape{s[1], s[2]}
			if len(s) == 4 {
				ash, bsh = Shape{s[0], s[1], s[2]}, Shape{s[0], s[2], s[3]}
			}
			a, b := randTensor(r, dt, ash...), randTensor(r, dt, bsh...)
			bias := randTensor(r, dt, bsh[len(bsh)-1])
			for _, relu := range []bool{false, true} {
				want := Binary(OpAdd, MatMul(a, b, false, false), bias)
				if relu {
					want = Relu(want)
				}
				got := New(dt, want.Shape()...)
				MatMulBiasActInto(got, a, b, bias, false, false, relu)
				for i := 0; i < got.Size(); i++ {
					if math.Float64bits(got.Float(i)) != math.Float64bits(want.Float(i)) {
						t.Fatalf("%v %v relu %v: element %d = %v, want %v", dt, s, relu, i, got.Float(i), want.Float(i))
					}
				}
			}
		}
	}
	defer func() {
		if r := recover(); r == nil {
			t.Error("a bias of the wrong length did not panic")
		}
	}()
	MatMulBiasActInto(New(Float32, 2, 3), New(Float32, 2, 4), New(Float32, 4, 3), New(Float32, 4), false, false, false)
}
