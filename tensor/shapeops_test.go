package tensor

import (
	"fmt"
	"math"
	"math/rand/v2"
	"testing"
)

// permutations returns every permutation of 0..n-1.
func permutations(n int) [][]int {
	if n == 0 {
		return [][]int{{}}
	}
	var out [][]int
	for _, p := range permutations(n - 1) {
		for i := 0; i <= len(p); i++ {
			q := append(append(append([]int{}, p[:i]...), n-1), p[i:]...)
			out = append(out, q)
		}
	}
	return out
}

func TestTransposeAgainstNaive(t *testing.T) {
	r := rand.New(rand.NewPCG(15, 16))
	for _, d := range allTypes {
		for _, shape := range [][]int{{}, {5}, {2, 3}, {300, 257}, {2, 3, 4}, {1, 5, 1, 3}, {0, 3}, {3, 4, 5, 2}} {
			x := randTensor(r, d, shape...)
			for _, perm := range permutations(len(shape)) {
				if d != Float32 && len(perm) > 2 && perm[0] != 0 {
					continue // all dtypes share the loops; sample the rest
				}
				got := Transpose(x, perm...)
				for i := 0; i < got.Size(); i++ {
					idx := unravel(i, got.shape)
					src := make([]int, len(idx))
					for k, p := range perm {
						src[p] = idx[k]
					}
					if got.Float(i) != x.At(src...) {
						t.Fatalf("Transpose %v %v perm %v: element %v = %v, want %v", d, shape, perm, idx, got.Float(i), x.At(src...))
					}
				}
				dst := New(d, got.shape...)
				TransposeInto(dst, x, perm...)
				closeTo(t, fmt.Sprintf("TransposeInto %v %v", shape, perm), dst, got, 0)
			}
		}
	}
	closeTo(t, "Transpose default reverses", Transpose(From([][]int32{{1, 2, 3}})), From([][]int32{{1}, {2}, {3}}), 0)
}

func TestConcatStackSplitSlice(t *testing.T) {
	a := From([][]float32{{1, 2}, {3, 4}})
	b := From([][]float32{{5, 6}})
	c := From([][]float32{{7}, {8}})
	closeTo(t, "Concat 0", Concat(0, a, b), From([][]float32{{1, 2}, {3, 4}, {5, 6}}), 0)
	closeTo(t, "Concat -1", Concat(-1, a, c, a), From([][]float32{{1, 2, 7, 1, 2}, {3, 4, 8, 3, 4}}), 0)
	closeTo(t, "Concat empty piece", Concat(0, a, New(Float32, 0, 2)), a, 0)
	v := From([]int64{1, 2, 3})
	w := From([]int64{4, 5, 6})
	closeTo(t, "Stack 0", Stack(0, v, w), From([][]int64{{1, 2, 3}, {4, 5, 6}}), 0)
	closeTo(t, "Stack 1", Stack(1, v, w), From([][]int64{{1, 4}, {2, 5}, {3, 6}}), 0)
	closeTo(t, "Stack -1", Stack(-1, v, w), From([][]int64{{1, 4}, {2, 5}, {3, 6}}), 0)
	closeTo(t, "Stack scalars", Stack(0, Scalar(true), Scalar(false)), From([]bool{true, false}), 0)

	x := Range(Float64, 0, 24, 1).Reshape(2, 3, 4)
	parts := Split(x, 2, 1, -1, 2)
	if len(parts) != 3 {
		t.Fatalf("Split gave %d parts", len(parts))
	}
	closeTo(t, "Split joins back", Concat(2, parts...), x, 0)
	closeTo(t, "Split piece", parts[1], Slice(x, []int{0, 0, 1}, []int{-1, -1, 1}), 0)
	halves := SplitN(x, 1, 3)
	closeTo(t, "SplitN piece", halves[2], From([][][]float64{{{8, 9, 10, 11}}, {{20, 21, 22, 23}}}), 0)
	closeTo(t, "Slice", Slice(x, []int{1, 1, 2}, []int{1, 2, -1}), From([][][]float64{{{18, 19}, {22, 23}}}), 0)
	closeTo(t, "Slice empty", Slice(x, []int{0, 3, 0}, []int{2, 0, 4}), New(Float64, 2, 0, 4), 0)

	// Bigger than a grain, so the copies run in parallel.
	r := rand.New(rand.NewPCG(17, 18))
	big := randTensor(r, Float32, 300, 400)
	ps := Split(big, 1, 123, 277)
	closeTo(t, "big Split/Concat", Concat(1, ps...), big, 0)
	for i := 0; i < 300; i += 37 {
		for j := 0; j < 277; j += 41 {
			if ps[1].At(i, j) != big.At(i, j+123) {
				t.Fatalf("big Split piece 1 at (%d,%d) wrong", i, j)
			}
		}
	}
}

func TestExpandSqueezeBroadcastSumToShape(t *testing.T) {
	x := From([]float32{1, 2, 3})
	if s := ExpandDims(x, 0).Shape(); !s.Equal(Shape{1, 3}) {
		t.Fatalf("ExpandDims 0: %v", s)
	}
	if s := ExpandDims(x, -1).Shape(); !s.Equal(Shape{3, 1}) {
		t.Fatalf("ExpandDims -1: %v", s)
	}
	y := New(Float32, 1, 3, 1, 2)
	if s := Squeeze(y).Shape(); !s.Equal(Shape{3, 2}) {
		t.Fatalf("Squeeze all: %v", s)
	}
	if s := Squeeze(y, -2).Shape(); !s.Equal(Shape{1, 3, 2}) {
		t.Fatalf("Squeeze -2: %v", s)
	}
	e := ExpandDims(x, 1)
	e.Float32s()[0] = 9
	if x.Float32s()[0] != 9 {
		t.Fatal("ExpandDims does not share memory")
	}
	x.Float32s()[0] = 1

	closeTo(t, "BroadcastTo", BroadcastTo(x, 2, 3), From([][]float32{{1, 2, 3}, {1, 2, 3}}), 0)
	closeTo(t, "BroadcastTo column", BroadcastTo(ExpandDims(x, 1), 3, 2), From([][]float32{{1, 1}, {2, 2}, {3, 3}}), 0)
	closeTo(t, "BroadcastTo scalar", BroadcastTo(Scalar(int32(4)), 2), From([]int32{4, 4}), 0)

	r := rand.New(rand.NewPCG(19, 20))
	for _, c := range []struct{ from, to []int }{
		{[]int{2, 3}, []int{3}}, {[]int{2, 3}, []int{2, 1}}, {[]int{2, 3}, []int{}}, {[]int{4, 2, 3}, []int{2, 1}},
		{[]int{4, 2, 3}, []int{4, 1, 3}}, {[]int{2, 3}, []int{2, 3}}, {[]int{32, 128}, []int{128}}, {[]int{0, 3}, []int{3}},
	} {
		for _, d := range numberTypes {
			g := randTensor(r, d, c.from...)
			got := SumToShape(g, c.to...)
			want := New(d, c.to...)
			acc := make([]float64, want.Size())
			for i := 0; i < g.Size(); i++ {
				acc[bcastOffset(unravel(i, g.shape), want.shape)] += g.Float(i)
			}
			for i, v := range acc {
				setWrapped(want, i, int64(v))
				if d.IsFloat() {
					want.SetFloat(i, v)
				}
			}
			closeTo(t, fmt.Sprintf("SumToShape %v %v->%v", d, c.from, c.to), got, want, tolFor(d))
		}
	}
}

func TestGatherOneHot(t *testing.T) {
	x := From([][]float32{{1, 2, 3}, {4, 5, 6}})
	closeTo(t, "Gather axis 0", Gather(x, From([]int32{1, 1, 0}), 0), From([][]float32{{4, 5, 6}, {4, 5, 6}, {1, 2, 3}}), 0)
	closeTo(t, "Gather axis 1", Gather(x, From([]int64{2, 0}), 1), From([][]float32{{3, 1}, {6, 4}}), 0)
	closeTo(t, "Gather 2-D indices", Gather(x, From([][]int64{{0}, {2}}), -1), From([][][]float32{{{1}, {3}}, {{4}, {6}}}), 0)
	closeTo(t, "Gather scalar index", Gather(x, Scalar(int32(1)), 0), From([]float32{4, 5, 6}), 0)
	closeTo(t, "Gather bool", Gather(From([]bool{true, false}), From([]int32{1, 0, 1}), 0), From([]bool{false, true, false}), 0)

	// An embedding lookup large enough to run in parallel, against a loop.
	r := rand.New(rand.NewPCG(21, 22))
	table := randTensor(r, Float32, 1000, 64)
	ids := New(Int32, 32, 40)
	for i := range ids.Int32s() {
		ids.Int32s()[i] = int32(r.IntN(1000))
	}
	emb := Gather(table, ids, 0)
	for i, id := range ids.Int32s() {
		for k := 0; k < 64; k++ {
			if emb.Float(i*64+k) != table.At(int(id), k) {
				t.Fatalf("embedding row %d col %d wrong", i, k)
			}
		}
	}
	dst := New(Float32, 32, 40, 64)
	GatherInto(dst, table, ids, 0)
	closeTo(t, "GatherInto", dst, emb, 0)

	closeTo(t, "OneHot", OneHot(From([]int64{0, 2, -1, 3}), 3, Float32),
		From([][]float32{{1, 0, 0}, {0, 0, 1}, {0, 0, 0}, {0, 0, 0}}), 0)
	closeTo(t, "OneHot 2-D int32", OneHot(From([][]int32{{1}, {0}}), 2, Int64), From([][][]int64{{{0, 1}}, {{1, 0}}}), 0)
}

func TestCastAllPairs(t *testing.T) {
	vals := []float64{-3.7, -1, -0.5, 0, 0.5, 1, 2.9, 200}
	for _, from := range allTypes {
		x := New(from, len(vals))
		for i, v := range vals {
			x.SetFloat(i, v)
		}
		for _, to := range allTypes {
			got := Cast(x, to)
			want := New(to, len(vals))
			for i := range vals {
				v := x.Float(i) // the source value as stored
				switch {
				case to == Bool:
					want.SetFloat(i, map[bool]float64{true: 1}[v != 0])
				case to.IsFloat():
					want.SetFloat(i, v)
				default:
					tv := math.Trunc(v)
					if to == Uint8 && from.IsFloat() {
						tv = math.Max(0, math.Min(255, tv)) // floats saturate
					}
					setWrapped(want, i, int64(tv))
				}
			}
			closeTo(t, fmt.Sprintf("Cast %v->%v", from, to), got, want, 0)
		}
	}
	// Large enough to run in parallel.
	r := rand.New(rand.NewPCG(23, 24))
	x := randTensor(r, Float32, 100000)
	y := Cast(x, Int32)
	for i := 0; i < x.Size(); i += 997 {
		if float64(y.Int32s()[i]) != math.Trunc(x.Float(i)) {
			t.Fatalf("Cast float32->int32 element %d: %v -> %v", i, x.Float(i), y.Int32s()[i])
		}
	}
	dst := New(Float64, 100000)
	CastInto(dst, y)
	closeTo(t, "CastInto", dst, Cast(y, Float64), 0)
	closeTo(t, "Cast saturates", Cast(From([]float64{1e20, -1e20, math.NaN()}), Int32), From([]int32{math.MaxInt32, math.MinInt32, 0}), 0)
}

// The shape ops share one copy kernel per dtype; check each dtype once.
func TestShapeOpsEveryDType(t *testing.T) {
	for _, d := range allTypes {
		x := Cast(Range(Int64, 0, 24, 1), d).Reshape(2, 3, 4)
		y := Cast(Range(Int64, 24, 48, 1), d).Reshape(2, 3, 4)
		c := Concat(1, x, y)
		s := Split(c, 1, 3, 3)
		closeTo(t, "Concat/Split "+d.String(), s[0], x, 0)
		closeTo(t, "Concat/Split "+d.String(), s[1], y, 0)
		sl := Slice(x, []int{1, 0, 2}, []int{1, 2, 2})
		want := Cast(From([][][]int64{{{14, 15}, {18, 19}}}), d)
		closeTo(t, "Slice "+d.String(), sl, want, 0)
		tt := Transpose(Transpose(x, 2, 0, 1), 1, 2, 0)
		closeTo(t, "Transpose round trip "+d.String(), tt, x, 0)
		g := Gather(x, From([]int32{2, 0}), 1)
		closeTo(t, "Gather "+d.String(), g, Concat(1, Slice(x, []int{0, 2, 0}, []int{-1, 1, -1}), Slice(x, []int{0, 0, 0}, []int{-1, 1, -1})), 0)
		closeTo(t, "BroadcastTo "+d.String(), Slice(BroadcastTo(x, 3, 2, 3, 4), []int{2, 0, 0, 0}, []int{1, -1, -1, -1}), ExpandDims(x, 0), 0)
	}
}
