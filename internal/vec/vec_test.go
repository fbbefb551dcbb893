package vec

import (
	"math"
	"math/rand"
	"testing"

	"github.com/tensorgo/tensorgo/internal/cpu"
)

// special values that the comparisons must treat as the Go code does.
var special = []float32{0, float32(math.Copysign(0, -1)), 1, -1, float32(math.NaN()), float32(math.Inf(1)), float32(math.Inf(-1)), 1e-40, -1e-40}

func sample(r *rand.Rand, n int) []float32 {
	x := make([]float32, n)
	for i := range x {
		if r.Intn(4) == 0 {
			x[i] = special[r.Intn(len(special))]
		} else {
			x[i] = float32(r.Intn(7) - 3) // ties are common
		}
	}
	return x
}

func bitsEqual(a, b []float32) bool {
	for i := range a {
		if math.Float32bits(a[i]) != math.Float32bits(b[i]) {
			return false
		}
	}
	return true
}

// each runs f on the generic path and on every vector path this machine
// has, and fails unless all give the same bits.
func each(t *testing.T, name string, f func() []float32) {
	t.Helper()
	old := cpu.Selected()
	defer cpu.Set(old)
	cpu.Set(cpu.Generic)
	want := f()
	for _, isa := range cpu.Available() {
		cpu.Set(isa)
		if got := f(); !bitsEqual(got, want) {
			t.Fatalf("%s on %v differs from the Go loop:\n got %v\nwant %v", name, isa, got, want)
		}
	}
}

func TestLoopsMatchGo(t *testing.T) {
	r := rand.New(rand.NewSource(1))
	for _, n := range []int{0, 1, 7, 8, 9, 16, 31, 64, 100} {
		x, y, g := sample(r, n), sample(r, n), sample(r, n)
		each(t, "Relu", func() []float32 { z := append([]float32(nil), x...); Relu(z); return z })
		each(t, "ReluTo", func() []float32 { z := make([]float32, n); ReluTo(z, x); return z })
		each(t, "ReluGrad", func() []float32 { z := make([]float32, n); ReluGrad(z, g, x); return z })
		each(t, "Add", func() []float32 { z := append([]float32(nil), y...); Add(z, x); return z })
		each(t, "Max", func() []float32 { z := append([]float32(nil), y...); max1(z, x); return z })
		done0 := make([]uint32, n)
		for i := range done0 {
			if r.Intn(3) == 0 {
				done0[i] = ^uint32(0)
			}
		}
		m := append([]float32(nil), x...)
		for i := range m {
			if i%2 == 0 {
				m[i] = g[i]
			}
		}
		each(t, "Route", func() []float32 {
			dx := append([]float32(nil), y...)
			done := append([]uint32(nil), done0...)
			route1(dx, x, m, g, done)
			out := append(dx, make([]float32, n)...)
			for i, d := range done {
				out[n+i] = math.Float32frombits(d)
			}
			return out
		})
	}
}

// The loops' results, element by element, against the definitions.
func TestLoopsValues(t *testing.T) {
	nan := float32(math.NaN())
	negz := float32(math.Copysign(0, -1))
	y := []float32{-2, 3, negz, nan, -1, 0, 5, -7, 2}
	to := make([]float32, len(y))
	ReluTo(to, y)
	Relu(y)
	want := []float32{0, 3, negz, nan, 0, 0, 5, 0, 2}
	if !bitsEqual(y, want) {
		t.Errorf("Relu = %v, want %v", y, want)
	}
	if !bitsEqual(to, want) {
		t.Errorf("ReluTo = %v, want %v", to, want)
	}
	acc := []float32{1, 1, nan, 1, 1, 1, 1, 1, 1}
	max1(acc, []float32{2, 0, 3, nan, 1, -1, 9, 1, 4})
	want = []float32{2, 1, nan, nan, 1, 1, 9, 1, 4}
	if !bitsEqual(acc, want) {
		t.Errorf("Max = %v, want %v", acc, want)
	}
	dx := make([]float32, 9)
	done := make([]uint32, 9)
	done[8] = ^uint32(0)
	g := []float32{1, 2, 3, 4, 5, 6, 7, 8, 9}
	route1(dx, []float32{5, 4, nan, 1, 0, negz, 2, 2, 2}, []float32{5, 5, nan, nan, 0, 0, 2, 3, 2}, g, done)
	want = []float32{1, 0, 3, 0, 5, 6, 7, 0, 0}
	if !bitsEqual(dx, want) {
		t.Errorf("Route dx = %v, want %v", dx, want)
	}
	for i, d := range done {
		if (d != 0) != (i == 0 || i == 2 || i == 4 || i == 5 || i == 6 || i == 8) {
			t.Errorf("Route done[%d] = %#x", i, d)
		}
	}
}

func BenchmarkRelu(b *testing.B) {
	y := sample(rand.New(rand.NewSource(1)), 1<<16)
	b.SetBytes(4 << 16)
	for i := 0; i < b.N; i++ {
		Relu(y)
	}
}

// max1 and route1 are MaxStrided and RouteStrided over one contiguous
// block.
func max1(acc, x []float32) { MaxStrided(acc, len(acc), x, Strided{1, len(acc), len(acc)}) }

func route1(dx, x, m, g []float32, done []uint32) {
	n := len(g)
	RouteStrided(dx, x, Strided{1, n, n}, m, g, done, n)
}

func BenchmarkMax(b *testing.B) {
	r := rand.New(rand.NewSource(1))
	acc, x := sample(r, 1<<16), sample(r, 1<<16)
	b.SetBytes(4 << 16)
	for i := 0; i < b.N; i++ {
		max1(acc, x)
	}
}

func TestBiasAct(t *testing.T) {
	r := rand.New(rand.NewSource(3))
	for _, o := range []int{1, 3, 5, 6, 8, 13, 31, 32, 40} {
		for _, relu := range []bool{false, true} {
			y0, b := sample(r, 7*o), sample(r, o)
			each(t, "BiasAct", func() []float32 {
				y := append([]float32(nil), y0...)
				BiasAct(y, b, relu)
				return y
			})
			y := append([]float32(nil), y0...)
			BiasAct(y, b, relu)
			for i := range y {
				want := y0[i] + b[i%o]
				if relu && want < 0 {
					want = 0
				}
				if math.Float32bits(y[i]) != math.Float32bits(want) && !(want != want && y[i] != y[i]) {
					t.Fatalf("o=%d relu=%v: y[%d] = %v, want %v", o, relu, i, y[i], want)
				}
			}
		}
	}
}

// TestBiasActStrided finishes a block of a wider matrix: the columns
// outside the block must keep their values.
func TestBiasActStrided(t *testing.T) {
	r := rand.New(rand.NewSource(4))
	for _, o := range []int{1, 7, 8, 16, 29, 32} {
		for _, relu := range []bool{false, true} {
			ld := o + 5
			y0, b := sample(r, 6*ld), sample(r, o)
			each(t, "BiasActStrided", func() []float32 {
				y := append([]float32(nil), y0...)
				BiasActStrided(y, ld, 6, b, relu)
				return y
			})
			y := append([]float32(nil), y0...)
			BiasActStrided(y[:5*ld+o], ld, 6, b, relu)
			for i := range y {
				want := y0[i]
				if c := i % ld; c < o {
					want += b[c]
					if relu && want < 0 {
						want = 0
					}
				}
				if math.Float32bits(y[i]) != math.Float32bits(want) && !(want != want && y[i] != y[i]) {
					t.Fatalf("o=%d relu=%v: y[%d] = %v, want %v", o, relu, i, y[i], want)
				}
			}
		}
	}
}

func TestRowsOp(t *testing.T) {
	r := rand.New(rand.NewSource(5))
	for _, o := range []int{1, 6, 8, 10, 16, 21, 31, 33} {
		x, b := sample(r, 5*o), sample(r, o)
		for _, op := range []RowOp{RowAdd, RowSub, RowRSub, RowMul} {
			each(t, "RowsOp", func() []float32 {
				y := make([]float32, len(x))
				RowsOp(y, x, b, op)
				for i := range y {
					v, c := x[i], b[i%o]
					want := map[RowOp]float32{RowAdd: v + c, RowSub: v - c, RowRSub: c - v, RowMul: v * c}[op]
					if math.Float32bits(y[i]) != math.Float32bits(want) && !(want != want && y[i] != y[i]) {
						t.Fatalf("o=%d op=%d: y[%d] = %v, want %v", o, op, i, y[i], want)
					}
				}
				return y
			})
		}
	}
}

func TestSumRows(t *testing.T) {
	r := rand.New(rand.NewSource(6))
	for _, c := range []int{1, 6, 8, 9, 16, 21, 32, 33, 40} {
		xs := c + 3
		x, acc0 := sample(r, 7*xs), sample(r, c)
		each(t, "SumRows", func() []float32 {
			acc := append([]float32(nil), acc0...)
			SumRows(acc, x, 7, xs)
			want := append([]float32(nil), acc0...)
			for row := 0; row < 7; row++ {
				for i := range want {
					want[i] += x[row*xs+i]
				}
			}
			if !bitsEqual(acc, want) {
				t.Fatalf("c=%d: %v, want %v", c, acc, want)
			}
			return acc
		})
	}
}
