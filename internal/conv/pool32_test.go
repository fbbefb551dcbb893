package conv

import (
	"math"
	"math/rand/v2"
	"testing"

	"github.com/tensorgo/tensorgo/internal/cpu"
)

// directMaxPool32 is max pooling by its definition: per output cell and
// channel, the first maximum of the window's cells inside the input
// (rows, then columns; a NaN wins), with its index.
func directMaxPool32(p *PoolParams, x []float32) (y []float32, at []int) {
	y, at = make([]float32, p.OutSize()), make([]int, p.OutSize())
	for n := 0; n < p.N; n++ {
		for oh := 0; oh < p.OH; oh++ {
			for ow := 0; ow < p.OW; ow++ {
				for c := 0; c < p.C; c++ {
					o := ((n*p.OH+oh)*p.OW+ow)*p.C + c
					best, bi := float32(math.Inf(-1)), -1
					for kh := 0; kh < p.KH; kh++ {
						for kw := 0; kw < p.KW; kw++ {
							ih, iw := oh*p.StrideH-p.PadT+kh, ow*p.StrideW-p.PadL+kw
							if ih < 0 || ih >= p.H || iw < 0 || iw >= p.W {
								continue
							}
							i := ((n*p.H+ih)*p.W+iw)*p.C + c
							v := x[i]
							if bi < 0 || v > best || (v != v && best == best) {
								best, bi = v, i
							}
						}
					}
					y[o], at[o] = best, bi
				}
			}
		}
	}
	return y, at
}

// The float32 pooling kernels (vector loops where the machine has them)
// against the definition, with ties, NaNs, infinities and signed zeros,
// odd and even sizes, overlapping windows and both paddings, on every
// instruction-set path.
func TestMaxPool32MatchesDirect(t *testing.T) {
	r := rand.New(rand.NewPCG(5, 6))
	vals := []float32{0, float32(math.Copysign(0, -1)), 1, 2, -1, float32(math.Inf(1)), float32(math.Inf(-1))}
	old := cpu.Selected()
	defer cpu.Set(old)
	for _, tc := range []struct {
		in          [4]int
		win, stride [2]int
		pad         Padding
	}{
		{[4]int{2, 6, 6, 32}, [2]int{2, 2}, [2]int{2, 2}, Valid},
		{[4]int{2, 7, 5, 19}, [2]int{2, 2}, [2]int{2, 2}, Same},
		{[4]int{1, 7, 7, 9}, [2]int{3, 3}, [2]int{2, 2}, Same},
		{[4]int{2, 5, 6, 3}, [2]int{3, 2}, [2]int{1, 1}, Valid},
		{[4]int{1, 4, 4, 300}, [2]int{2, 2}, [2]int{1, 2}, Same},
		{[4]int{1, 3, 4, 1100}, [2]int{2, 3}, [2]int{1, 1}, Same}, // channels in chunks
		// Inception10's 3×3 stride-1 "SAME" pools, channels a multiple of 8
		// (whole window rows at once), and a "VALID" one.
		{[4]int{2, 6, 7, 16}, [2]int{3, 3}, [2]int{1, 1}, Same},
		{[4]int{1, 5, 6, 8}, [2]int{3, 3}, [2]int{1, 1}, Valid},
		{[4]int{1, 6, 9, 24}, [2]int{2, 5}, [2]int{2, 2}, Same},
		// Windows that tile: rows and columns past the last window, and a
		// "SAME" padding before the first.
		{[4]int{2, 7, 5, 19}, [2]int{2, 2}, [2]int{2, 2}, Valid},
		{[4]int{1, 7, 7, 9}, [2]int{3, 3}, [2]int{3, 3}, Same},
		{[4]int{1, 4, 6, 1100}, [2]int{2, 2}, [2]int{2, 2}, Valid},
	} {
		p, err := NewPoolParams(tc.in, tc.win, tc.stride, tc.pad)
		if err != nil {
			t.Fatal(err)
		}
		x := make([]float32, p.InSize())
		for i := range x {
			x[i] = vals[r.IntN(len(vals))]
			if r.IntN(50) == 0 {
				x[i] = float32(math.NaN())
			}
		}
		dy := make([]float32, p.OutSize())
		for i := range dy {
			dy[i] = float32(r.IntN(9) - 4) // integers: sums are exact in any order
		}
		wantY, at := directMaxPool32(&p, x)
		wantDx := make([]float32, p.InSize())
		for o, i := range at {
			if i >= 0 {
				wantDx[i] += dy[o]
			}
		}
		for _, isa := range cpu.Available() {
			cpu.Set(isa)
			var ws PoolWorkspace[float32]
			y, dx := make([]float32, p.OutSize()), make([]float32, p.InSize())
			MaxPool(&p, x, y, &ws)
			MaxPoolGrad(&p, x, nil, dy, dx, &ws)
			for i := range y {
				if math.Float32bits(y[i]) != math.Float32bits(wantY[i]) && !(y[i] != y[i] && wantY[i] != wantY[i]) {
					t.Fatalf("%v %v: MaxPool y[%d] = %v, want %v", isa, tc, i, y[i], wantY[i])
				}
			}
			for i := range dx {
				if dx[i] != wantDx[i] {
					t.Fatalf("%v %v: MaxPoolGrad dx[%d] = %v, want %v", isa, tc, i, dx[i], wantDx[i])
				}
			}
			// With the maxima given (MaxPool's y), the same routes, and
			// every element written.
			for i := range dx {
				dx[i] = float32(math.NaN())
			}
			MaxPoolGrad(&p, x, y, dy, dx, &ws)
			for i := range dx {
				if dx[i] != wantDx[i] {
					t.Fatalf("%v %v: MaxPoolGrad from y: dx[%d] = %v, want %v", isa, tc, i, dx[i], wantDx[i])
				}
			}
		}
	}
}

// BenchmarkMaxPoolGrad32 is the gradient of the MNIST CNN's 2×2 pool and
// of Inception10's 3×3 stride-1 "SAME" pool at batch 32, from MaxPool's y
// (relu-like inputs: a quarter of them zero, so that windows tie).
func BenchmarkMaxPoolGrad32(b *testing.B) {
	for _, c := range []struct {
		name        string
		in          [4]int
		win, stride [2]int
		pad         Padding
	}{
		{"mnist2x2", [4]int{32, 26, 26, 32}, [2]int{2, 2}, [2]int{2, 2}, Valid},
		{"inception3x3s1", [4]int{32, 16, 16, 64}, [2]int{3, 3}, [2]int{1, 1}, Same},
	} {
		p, _ := NewPoolParams(c.in, c.win, c.stride, c.pad)
		r := rand.New(rand.NewPCG(1, 2))
		x, dy, dx := make([]float32, p.InSize()), make([]float32, p.OutSize()), make([]float32, p.InSize())
		for i := range x {
			x[i] = max(0, r.Float32()-0.25)
		}
		var ws PoolWorkspace[float32]
		y := make([]float32, p.OutSize())
		MaxPool(&p, x, y, &ws)
		b.Run(c.name, func(b *testing.B) {
			b.ReportAllocs()
			for b.Loop() {
				MaxPoolGrad(&p, x, y, dy, dx, &ws)
			}
		})
	}
}

func BenchmarkMaxPool32(b *testing.B) {
	p, _ := NewPoolParams([4]int{32, 26, 26, 32}, [2]int{2, 2}, [2]int{2, 2}, Valid)
	x, y := make([]float32, p.InSize()), make([]float32, p.OutSize())
	var ws PoolWorkspace[float32]
	b.ReportAllocs()
	for i := 0; i < b.N; i++ {
		MaxPool(&p, x, y, &ws)
	}
}

// Batch normalisation's float32 kernels give the same bits on the vector
// and the portable paths.
func TestBatchNorm32SameBitsOnEveryPath(t *testing.T) {
	r := rand.New(rand.NewPCG(9, 10))
	rows, c := 600, 19
	x, dy := to32(randSlice(r, rows*c)), to32(randSlice(r, rows*c))
	gamma, beta := to32(randSlice(r, c)), to32(randSlice(r, c))
	old := cpu.Selected()
	defer cpu.Set(old)
	run := func(isa cpu.ISA) []float32 {
		cpu.Set(isa)
		var ws NormWorkspace[float32]
		y, m, v := make([]float32, rows*c), make([]float32, c), make([]float32, c)
		dx, dg, db := make([]float32, rows*c), make([]float32, c), make([]float32, c)
		BatchNormTrain(x, gamma, beta, 1e-3, rows, c, y, m, v, &ws)
		BatchNormGrad(x, dy, gamma, m, v, 1e-3, rows, c, dx, dg, db, &ws)
		out := append(append(append(append(append(y, m...), v...), dx...), dg...), db...)
		return out
	}
	want := run(cpu.Generic)
	for _, isa := range cpu.Available() {
		got := run(isa)
		for i := range got {
			if math.Float32bits(got[i]) != math.Float32bits(want[i]) {
				t.Fatalf("%v: element %d = %v, the portable path gives %v", isa, i, got[i], want[i])
			}
		}
	}
}

// The two-pass gradient of stride-1 pools (maxGradMarked) gives maxGrad's
// bits, with gradients whose sums round differently in another order, and
// writes every element of dx.
func TestMaxPoolGradMarkedSameBits(t *testing.T) {
	old := cpu.Selected()
	defer func() { noMarked = false; cpu.Set(old) }()
	r := rand.New(rand.NewPCG(7, 8))
	for _, tc := range []struct {
		in  [4]int
		win [2]int
		pad Padding
	}{
		{[4]int{2, 9, 8, 16}, [2]int{3, 3}, Same},
		{[4]int{1, 6, 7, 24}, [2]int{3, 3}, Same},
		{[4]int{1, 3, 3, 8}, [2]int{3, 3}, Same}, // no cell with all its windows inside
		{[4]int{1, 7, 6, 16}, [2]int{2, 3}, Valid},
		{[4]int{2, 8, 8, 64}, [2]int{5, 5}, Same},
		{[4]int{1, 4, 4, 8}, [2]int{3, 1}, Same},
	} {
		p, err := NewPoolParams(tc.in, tc.win, [2]int{1, 1}, tc.pad)
		if err != nil {
			t.Fatal(err)
		}
		if !p.marked() {
			t.Fatalf("%v: not taken by maxGradMarked", tc)
		}
		x, dy := make([]float32, p.InSize()), make([]float32, p.OutSize())
		for i := range x {
			x[i] = float32(r.IntN(4)) // ties: cells win several windows
			if r.IntN(60) == 0 {
				x[i] = float32(math.NaN())
			}
		}
		for i := range dy {
			dy[i] = r.Float32()*2 - 1
		}
		var ws PoolWorkspace[float32]
		y := make([]float32, p.OutSize())
		MaxPool(&p, x, y, &ws)
		want, got := make([]float32, p.InSize()), make([]float32, p.InSize())
		noMarked = true
		MaxPoolGrad(&p, x, y, dy, want, &ws)
		noMarked = false
		for _, isa := range cpu.Available() {
			cpu.Set(isa)
			for i := range got {
				got[i] = float32(math.NaN())
			}
			MaxPoolGrad(&p, x, y, dy, got, &ws)
			for i := range got {
				if math.Float32bits(got[i]) != math.Float32bits(want[i]) {
					t.Fatalf("%v %v: dx[%d] = %v, maxGrad gives %v", isa, tc, i, got[i], want[i])
				}
			}
		}
		cpu.Set(old)
	}
}
