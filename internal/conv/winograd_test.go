package conv

import (
	"math"
	"math/rand/v2"
	"testing"

	"github.com/tensorgo/tensorgo/internal/cpu"
)

// refBackwardInput is the input gradient from its definition: each output
// gradient element flows back to the input cells its taps read.
func refBackwardInput(p Params, dy, w []float64) []float64 {
	dx := make([]float64, p.InSize())
	for n := 0; n < p.N; n++ {
		for oh := 0; oh < p.OH; oh++ {
			for ow := 0; ow < p.OW; ow++ {
				for kh := 0; kh < p.KH; kh++ {
					for kw := 0; kw < p.KW; kw++ {
						ih, iw := oh*p.StrideH-p.PadT+kh*p.DilH, ow*p.StrideW-p.PadL+kw*p.DilW
						if ih < 0 || ih >= p.H || iw < 0 || iw >= p.W {
							continue
						}
						for c := 0; c < p.C; c++ {
							var s float64
							for o := 0; o < p.O; o++ {
								s += dy[((n*p.OH+oh)*p.OW+ow)*p.O+o] * w[((kh*p.KW+kw)*p.C+c)*p.O+o]
							}
							dx[((n*p.H+ih)*p.W+iw)*p.C+c] += s
						}
					}
				}
			}
		}
	}
	return dx
}

// refBackwardFilter is the filter gradient from its definition: each tap
// sums the products of the input cells it reads with the output gradient.
func refBackwardFilter(p Params, x, dy []float64) []float64 {
	dw := make([]float64, p.FilterSize())
	for n := 0; n < p.N; n++ {
		for oh := 0; oh < p.OH; oh++ {
			for ow := 0; ow < p.OW; ow++ {
				for kh := 0; kh < p.KH; kh++ {
					for kw := 0; kw < p.KW; kw++ {
						ih, iw := oh*p.StrideH-p.PadT+kh*p.DilH, ow*p.StrideW-p.PadL+kw*p.DilW
						if ih < 0 || ih >= p.H || iw < 0 || iw >= p.W {
							continue
						}
						for c := 0; c < p.C; c++ {
							xv := x[((n*p.H+ih)*p.W+iw)*p.C+c]
							for o := 0; o < p.O; o++ {
								dw[((kh*p.KW+kw)*p.C+c)*p.O+o] += xv * dy[((n*p.OH+oh)*p.OW+ow)*p.O+o]
							}
						}
					}
				}
			}
		}
	}
	return dw
}

// TestWinogradMatchesDirect runs the float32 3×3 stride-1 convolutions
// that go through F(2×2, 3×3) — odd and even sizes, so that tiles hang
// over the bottom and right, "valid" and "same", channels with and without
// a vector tail, and more tiles than one block holds — against the direct
// loops in float64.
func TestWinogradMatchesDirect(t *testing.T) {
	r := rand.New(rand.NewPCG(7, 8))
	for _, c := range []struct {
		in [4]int
		o  int
	}{
		{[4]int{2, 7, 6, 16}, 16},
		{[4]int{1, 8, 9, 20}, 17},
		{[4]int{3, 5, 5, 16}, 24},
		{[4]int{4, 16, 16, 64}, 64}, // two blocks
		{[4]int{8, 18, 17, 32}, 40}, // blocks in parts of the filter gradient
	} {
		for _, pad := range []Padding{Valid, Same} {
			p, err := NewParams(c.in, [4]int{3, 3, c.in[3], c.o}, [2]int{1, 1}, [2]int{1, 1}, pad, 1)
			if err != nil {
				t.Fatal(err)
			}
			if !p.winograd() {
				t.Fatalf("%v %s: not a Winograd shape", c.in, pad)
			}
			if filt := p.winogradFilter(); filt != (c.in[3] >= 32 && c.o >= 32) {
				t.Fatalf("%v %s: winogradFilter %v", c.in, pad, filt)
			}
			x, w, dy := randSlice(r, p.InSize()), randSlice(r, p.FilterSize()), randSlice(r, p.OutSize())
			bias := randSlice(r, p.O)
			var ws Workspace[float32]
			y := make([]float32, p.OutSize())
			Forward(&p, to32(x), to32(w), to32(bias), y, Relu, &ws)
			want := refConv(p, x, w)
			for i := range y {
				wv := math.Max(0, want[i]+bias[i%p.O])
				if math.Abs(float64(y[i])-wv) > 2e-5*(1+math.Abs(wv)) {
					t.Fatalf("%v %s: y[%d] = %v, direct loop gives %v", c.in, pad, i, y[i], wv)
				}
			}
			dx := make([]float32, p.InSize())
			for i := range dx {
				dx[i] = float32(math.NaN()) // every element must be written
			}
			BackwardInput(&p, to32(dy), to32(w), dx, &ws)
			want = refBackwardInput(p, dy, w)
			for i := range dx {
				if math.Abs(float64(dx[i])-want[i]) > 2e-5*(1+math.Abs(want[i])) {
					t.Fatalf("%v %s: dx[%d] = %v, direct loop gives %v", c.in, pad, i, dx[i], want[i])
				}
			}
			dw := make([]float32, p.FilterSize())
			dbias := make([]float32, p.O)
			BackwardFilter(&p, to32(x), to32(dy), dw, dbias, &ws)
			want = refBackwardFilter(p, x, dy)
			for i := range dw {
				if math.Abs(float64(dw[i])-want[i]) > 1e-4*(1+math.Abs(want[i])) {
					t.Fatalf("%v %s: dw[%d] = %v, direct loop gives %v", c.in, pad, i, dw[i], want[i])
				}
			}
			for o := range dbias {
				var s float64
				for i := o; i < len(dy); i += p.O {
					s += dy[i]
				}
				if math.Abs(float64(dbias[o])-s) > 1e-4*(1+math.Abs(s)) {
					t.Fatalf("%v %s: dbias[%d] = %v, want %v", c.in, pad, o, dbias[o], s)
				}
			}
		}
	}
}

// TestBackwardInputTurned checks the input gradients that run as the
// turned filter's forward convolution (kernels 3×3 and 5×5, "same" and a
// "valid" one on an input little bigger than the output, channel counts
// that Winograd leaves alone) against the direct loops.
func TestBackwardInputTurned(t *testing.T) {
	r := rand.New(rand.NewPCG(9, 10))
	for _, c := range []struct {
		in, f [4]int
		pad   Padding
	}{
		{[4]int{2, 7, 6, 8}, [4]int{3, 3, 8, 5}, Same},
		{[4]int{2, 9, 8, 16}, [4]int{5, 5, 16, 16}, Same},
		{[4]int{1, 20, 21, 8}, [4]int{3, 3, 8, 3}, Valid},
		{[4]int{3, 6, 5, 12}, [4]int{5, 3, 12, 7}, Same},
	} {
		p, err := NewParams(c.in, c.f, [2]int{1, 1}, [2]int{1, 1}, c.pad, 1)
		if err != nil {
			t.Fatal(err)
		}
		if !p.turnable() || p.winograd() {
			t.Fatalf("%v %v %s: not a turned shape", c.in, c.f, c.pad)
		}
		dy, w := randSlice(r, p.OutSize()), randSlice(r, p.FilterSize())
		want := refBackwardInput(p, dy, w)
		var ws Workspace[float64]
		dx := make([]float64, p.InSize())
		BackwardInput(&p, dy, w, dx, &ws)
		for i := range dx {
			if math.Abs(dx[i]-want[i]) > 1e-12 {
				t.Fatalf("%v %v %s: dx[%d] = %v, direct loop gives %v", c.in, c.f, c.pad, i, dx[i], want[i])
			}
		}
		var ws32 Workspace[float32]
		dx32 := make([]float32, p.InSize())
		BackwardInput(&p, to32(dy), to32(w), dx32, &ws32)
		for i := range dx32 {
			if math.Abs(float64(dx32[i])-want[i]) > 1e-5*(1+math.Abs(want[i])) {
				t.Fatalf("%v %v %s: float32 dx[%d] = %v, direct loop gives %v", c.in, c.f, c.pad, i, dx32[i], want[i])
			}
		}
	}
}

// TestWinogradSameBitsOnEveryISA runs the three Winograd passes on the Go
// loops and on each vector path this machine has: the transforms and the
// GEMM kernels give the same bits everywhere, so the convolutions do.
func TestWinogradSameBitsOnEveryISA(t *testing.T) {
	old := cpu.Selected()
	defer cpu.Set(old)
	r := rand.New(rand.NewPCG(11, 12))
	p, _ := NewParams([4]int{2, 9, 8, 33}, [4]int{3, 3, 33, 40}, [2]int{1, 1}, [2]int{1, 1}, Same, 1)
	x, w, dy := to32(randSlice(r, p.InSize())), to32(randSlice(r, p.FilterSize())), to32(randSlice(r, p.OutSize()))
	run := func() []float32 {
		var ws Workspace[float32]
		y, dx, dw := make([]float32, p.OutSize()), make([]float32, p.InSize()), make([]float32, p.FilterSize())
		Forward(&p, x, w, nil, y, Linear, &ws)
		BackwardInput(&p, dy, w, dx, &ws)
		BackwardFilter(&p, x, dy, dw, nil, &ws)
		return append(append(y, dx...), dw...)
	}
	cpu.Set(cpu.Generic)
	want := run()
	for _, isa := range cpu.Available() {
		cpu.Set(isa)
		got := run()
		for i := range got {
			if math.Float32bits(got[i]) != math.Float32bits(want[i]) {
				t.Fatalf("%v: element %d is %v, the Go loops give %v", isa, i, got[i], want[i])
			}
		}
	}
}
