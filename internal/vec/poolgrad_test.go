package vec

import (
	"math"
	"math/rand"
	"testing"
)

func int32Bits(idx []int32) []float32 {
	out := make([]float32, len(idx))
	for i, v := range idx {
		out[i] = math.Float32frombits(uint32(v))
	}
	return out
}

// MarkFirst and AddMarked, and the whole-window MarkWindows and
// GatherMarked, give the Go loops' bits on every path (ties, NaNs, signed
// zeros, lengths off a vector), and the window forms equal the one-cell
// forms called cell by cell in their documented order.
func TestPoolGradLoops(t *testing.T) {
	r := rand.New(rand.NewSource(3))
	for _, tc := range []struct{ n, c, kh0, kh1, kw int }{
		{8, 8, 0, 3, 3}, {24, 8, 1, 3, 3}, {64, 16, 0, 2, 3}, {13, 5, 0, 3, 2}, {40, 8, 2, 5, 5}, {0, 8, 0, 3, 3}, {16, 8, 1, 1, 3},
	} {
		rows := max(tc.kh1-tc.kh0, 1)
		rs := tc.n + (tc.kw-1)*tc.c + 3 // a row of x (or of g and idx), with slack
		span := (rows-1)*rs + (tc.kw-1)*tc.c + tc.n
		x, m, g, dx0 := sample(r, span), sample(r, tc.n), sample(r, span), sample(r, tc.n)
		idx0 := make([]int32, span)
		for i := range idx0 {
			idx0[i] = int32(r.Intn(tc.kh1*tc.kw + 1))
		}
		k := int32(r.Intn(9))
		each(t, "MarkFirst", func() []float32 {
			idx := append([]int32(nil), idx0[:tc.n]...)
			MarkFirst(idx, x, m, k)
			return int32Bits(idx)
		})
		each(t, "AddMarked", func() []float32 {
			d := append([]float32(nil), dx0...)
			AddMarked(d, g, idx0, k)
			return d
		})
		marks := func() []int32 {
			idx := make([]int32, tc.n)
			MarkWindows(idx, m, x, rs, tc.kh0, tc.kh1, tc.kw, tc.c)
			return idx
		}
		each(t, "MarkWindows", func() []float32 { return int32Bits(marks()) })
		want := make([]int32, tc.n)
		for i := range want {
			want[i] = -1
		}
		for kh := tc.kh1 - 1; kh >= tc.kh0; kh-- {
			for kw := tc.kw - 1; kw >= 0; kw-- {
				MarkFirst(want, x[(kh-tc.kh0)*rs+kw*tc.c:], m, int32(kh*tc.kw+kw))
			}
		}
		if !bitsEqual(int32Bits(marks()), int32Bits(want)) {
			t.Fatalf("%+v: MarkWindows %v, cell by cell %v", tc, marks(), want)
		}
		gather := func() []float32 {
			d := append([]float32(nil), dx0...)
			GatherMarked(d, g, idx0, rs, tc.kh0, tc.kh1, tc.kw, tc.c)
			return d
		}
		each(t, "GatherMarked", gather)
		sum := make([]float32, tc.n)
		for kh := tc.kh1 - 1; kh >= tc.kh0; kh-- {
			for kw := 0; kw < tc.kw; kw++ {
				j := (tc.kh1-1-kh)*rs + (tc.kw-1-kw)*tc.c
				AddMarked(sum, g[j:], idx0[j:], int32(kh*tc.kw+kw))
			}
		}
		if got := gather(); !bitsEqual(got, sum) {
			t.Fatalf("%+v: GatherMarked %v, cell by cell %v", tc, got, sum)
		}
	}
}
