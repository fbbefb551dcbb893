package conv

import (
	"fmt"
	"math"
	"math/rand/v2"
	"testing"

	"github.com/tensorgo/tensorgo/internal/parallel"
)

// refConv is a direct seven-loop convolution with TensorFlow's padding,
// written from the definition: y[n,oh,ow,o] = sum over kh, kw, i of
// x[n, oh*s-padT+kh*d, ow*s-padL+kw*d, g*Cg+i] * w[kh,kw,i,o], where g is
// o's group and taps in the padding read zero.
func refConv(p Params, x, w []float64) []float64 {
	cg, og := p.C/p.Groups, p.O/p.Groups
	y := make([]float64, p.OutSize())
	for n := 0; n < p.N; n++ {
		for oh := 0; oh < p.OH; oh++ {
			for ow := 0; ow < p.OW; ow++ {
				for o := 0; o < p.O; o++ {
					g := o / og
					var s float64
					for kh := 0; kh < p.KH; kh++ {
						for kw := 0; kw < p.KW; kw++ {
							ih := oh*p.StrideH - p.PadT + kh*p.DilH
							iw := ow*p.StrideW - p.PadL + kw*p.DilW
							if ih < 0 || ih >= p.H || iw < 0 || iw >= p.W {
								continue
							}
							for i := 0; i < cg; i++ {
								s += x[((n*p.H+ih)*p.W+iw)*p.C+g*cg+i] * w[((kh*p.KW+kw)*cg+i)*p.O+o]
							}
						}
					}
					y[((n*p.OH+oh)*p.OW+ow)*p.O+o] = s
				}
			}
		}
	}
	return y
}

func randSlice(r *rand.Rand, n int) []float64 {
	s := make([]float64, n)
	for i := range s {
		s[i] = r.Float64()*2 - 1
	}
	return s
}

type convCase struct {
	in, filter [4]int
	stride     [2]int
	dil        [2]int
	pad        Padding
	groups     int
}

func (c convCase) String() string {
	return fmt.Sprintf("in%v_f%v_s%v_d%v_%s_g%d", c.in, c.filter, c.stride, c.dil, c.pad, c.groups)
}

func cases() []convCase {
	var cs []convCase
	for _, pad := range []Padding{Valid, Same} {
		for _, s := range []int{1, 2} {
			cs = append(cs,
				convCase{[4]int{2, 7, 6, 3}, [4]int{3, 3, 3, 4}, [2]int{s, s}, [2]int{1, 1}, pad, 1},
				convCase{[4]int{1, 8, 8, 2}, [4]int{2, 2, 2, 3}, [2]int{s, s}, [2]int{1, 1}, pad, 1},
				convCase{[4]int{2, 5, 9, 4}, [4]int{3, 2, 2, 6}, [2]int{s, 1}, [2]int{1, 1}, pad, 2},
				convCase{[4]int{1, 9, 9, 2}, [4]int{3, 3, 2, 2}, [2]int{s, s}, [2]int{2, 2}, pad, 1},
				convCase{[4]int{3, 4, 5, 3}, [4]int{1, 1, 3, 5}, [2]int{s, s}, [2]int{1, 1}, pad, 1},
				convCase{[4]int{1, 6, 6, 4}, [4]int{3, 3, 1, 8}, [2]int{s, s}, [2]int{1, 1}, pad, 4}, // depthwise, multiplier 2
				// Wide rows: im2col's strided stretches, with border pixels
				// on both sides, and a dilation along the height only.
				convCase{[4]int{2, 11, 13, 3}, [4]int{5, 5, 3, 6}, [2]int{s, s}, [2]int{1, 1}, pad, 1},
				convCase{[4]int{1, 9, 12, 2}, [4]int{3, 4, 2, 3}, [2]int{s, s}, [2]int{2, 1}, pad, 1},
			)
		}
	}
	return cs
}

func TestWindowTF(t *testing.T) {
	// Sizes worked out from TensorFlow's formulas by hand.
	for _, c := range []struct {
		in, k, s, d        int
		pad                Padding
		out, before, after int
	}{
		{28, 3, 1, 1, Valid, 26, 0, 0},
		{28, 3, 1, 1, Same, 28, 1, 1},
		{7, 3, 2, 1, Same, 4, 1, 1},
		{8, 3, 2, 1, Same, 4, 0, 1}, // odd extra cell after
		{8, 2, 2, 1, Same, 4, 0, 0},
		{5, 3, 2, 2, Same, 3, 2, 2},
		{9, 3, 2, 2, Valid, 3, 0, 0},
		{32, 5, 1, 1, Valid, 28, 0, 0},
	} {
		out, b, a, err := Window(c.in, c.k, c.s, c.d, c.pad)
		if err != nil || out != c.out || b != c.before || a != c.after {
			t.Errorf("Window(%d,%d,%d,%d,%s) = %d,%d,%d,%v; want %d,%d,%d", c.in, c.k, c.s, c.d, c.pad, out, b, a, err, c.out, c.before, c.after)
		}
	}
	if _, _, _, err := Window(2, 3, 1, 1, Valid); err == nil {
		t.Error("a kernel larger than the input was accepted")
	}
	if _, _, _, err := Window(5, 3, 0, 1, Same); err == nil {
		t.Error("stride 0 was accepted")
	}
}

func TestNewParamsErrors(t *testing.T) {
	for _, c := range []struct {
		in, f  [4]int
		groups int
		want   string
	}{
		{[4]int{1, 5, 5, 3}, [4]int{3, 3, 2, 4}, 1, "expects 2 input channels"},
		{[4]int{1, 5, 5, 3}, [4]int{3, 3, 1, 4}, 2, "divisible by groups"},
		{[4]int{1, 2, 2, 1}, [4]int{3, 3, 1, 1}, 1, "larger than the input"},
	} {
		_, err := NewParams(c.in, c.f, [2]int{1, 1}, [2]int{1, 1}, Valid, c.groups)
		if err == nil || !contains(err.Error(), c.want) {
			t.Errorf("NewParams(%v, %v, groups %d): %v; want an error containing %q", c.in, c.f, c.groups, err, c.want)
		}
	}
}

func contains(s, sub string) bool {
	for i := 0; i+len(sub) <= len(s); i++ {
		if s[i:i+len(sub)] == sub {
			return true
		}
	}
	return false
}

func TestForwardMatchesDirect(t *testing.T) {
	r := rand.New(rand.NewPCG(1, 2))
	for _, c := range cases() {
		t.Run(c.String(), func(t *testing.T) {
			p, err := NewParams(c.in, c.filter, c.stride, c.dil, c.pad, c.groups)
			if err != nil {
				t.Fatal(err)
			}
			x, w := randSlice(r, p.InSize()), randSlice(r, p.FilterSize())
			bias := randSlice(r, p.O)
			want := refConv(p, x, w)
			var ws Workspace[float64]
			y := make([]float64, p.OutSize())
			Forward(&p, x, w, bias, y, Relu, &ws)
			for i := range y {
				wv := math.Max(0, want[i]+bias[i%p.O])
				if math.Abs(y[i]-wv) > 1e-12 {
					t.Fatalf("y[%d] = %v, direct loop gives %v", i, y[i], wv)
				}
			}
			// float32 against the float64 reference.
			x32, w32 := to32(x), to32(w)
			y32 := make([]float32, p.OutSize())
			var ws32 Workspace[float32]
			Forward(&p, x32, w32, nil, y32, Linear, &ws32)
			for i := range y32 {
				if math.Abs(float64(y32[i])-want[i]) > 1e-5 {
					t.Fatalf("float32 y[%d] = %v, want %v", i, y32[i], want[i])
				}
			}
		})
	}
}

func to32(s []float64) []float32 {
	o := make([]float32, len(s))
	for i, v := range s {
		o[i] = float32(v)
	}
	return o
}

// The backward passes are checked against finite differences of
// L = sum(dy * conv(x, w)), whose gradients they are.
func TestBackwardFiniteDifferences(t *testing.T) {
	r := rand.New(rand.NewPCG(3, 4))
	for _, c := range cases() {
		t.Run(c.String(), func(t *testing.T) {
			p, _ := NewParams(c.in, c.filter, c.stride, c.dil, c.pad, c.groups)
			x, w, dy := randSlice(r, p.InSize()), randSlice(r, p.FilterSize()), randSlice(r, p.OutSize())
			loss := func() float64 {
				y := refConv(p, x, w)
				var s float64
				for i := range y {
					s += y[i] * dy[i]
				}
				return s
			}
			var ws Workspace[float64]
			dx := make([]float64, p.InSize())
			dw := make([]float64, p.FilterSize())
			db := make([]float64, p.O)
			BackwardInput(&p, dy, w, dx, &ws)
			BackwardFilter(&p, x, dy, dw, db, &ws)
			const h = 1e-6
			check := func(name string, v, g []float64) {
				for i := range v {
					old := v[i]
					v[i] = old + h
					up := loss()
					v[i] = old - h
					down := loss()
					v[i] = old
					num := (up - down) / (2 * h)
					if math.Abs(num-g[i]) > 1e-6*math.Max(1, math.Abs(num)) {
						t.Fatalf("d%s[%d] = %v, finite difference %v", name, i, g[i], num)
					}
				}
			}
			check("x", x, dx)
			check("w", w, dw)
			for o := 0; o < p.O; o++ {
				var s float64
				for i := o; i < len(dy); i += p.O {
					s += dy[i]
				}
				if math.Abs(s-db[o]) > 1e-12 {
					t.Fatalf("dbias[%d] = %v, want %v", o, db[o], s)
				}
			}
		})
	}
}

// Results are the same bits at any thread count, and with blocks of rows
// smaller than the batch.
func TestDeterministicAcrossThreads(t *testing.T) {
	r := rand.New(rand.NewPCG(5, 6))
	for _, shape := range [][2][4]int{
		{{16, 14, 14, 8}, {3, 3, 8, 16}},
		// Few taps and channels over many rows: the filter gradient's sum
		// is cut into parts (filterProduct).
		{{16, 28, 28, 1}, {3, 3, 1, 8}},
		// Winograd's F(2×2, 3×3), with blocks of tiles and parts of the
		// filter gradient.
		{{4, 20, 20, 32}, {3, 3, 32, 32}},
	} {
		p, _ := NewParams(shape[0], shape[1], [2]int{1, 1}, [2]int{1, 1}, Same, 1)
		x, w, dy := to32(randSlice(r, p.InSize())), to32(randSlice(r, p.FilterSize())), to32(randSlice(r, p.OutSize()))
		run := func() (y, dx, dw []float32) {
			var ws, fwd Workspace[float32]
			y, dx, dw = make([]float32, p.OutSize()), make([]float32, p.InSize()), make([]float32, p.FilterSize())
			Forward(&p, x, w, nil, y, Linear, &fwd)
			BackwardInput(&p, dy, w, dx, &ws)
			BackwardFilter(&p, x, dy, dw, nil, &ws)
			dw2 := make([]float32, p.FilterSize())
			BackwardFilterAfter(&p, x, dy, dw2, nil, &ws, &fwd)
			for i := range dw {
				if math.Float32bits(dw[i]) != math.Float32bits(dw2[i]) {
					t.Fatalf("%v: the filter gradient from the forward's columns differs at %d", shape, i)
				}
			}
			return
		}
		defer parallel.SetNumThreads(parallel.NumThreads())
		parallel.SetNumThreads(1)
		y1, dx1, dw1 := run()
		// The filter gradient against a float64 sum over the taps.
		for kh := 0; kh < p.KH; kh++ {
			for kw := 0; kw < p.KW; kw++ {
				for c := 0; c < p.C; c++ {
					for o := 0; o < p.O; o++ {
						var want float64
						for n := 0; n < p.N; n++ {
							for oh := 0; oh < p.OH; oh++ {
								for ow := 0; ow < p.OW; ow++ {
									ih, iw := oh-p.PadT+kh, ow-p.PadL+kw
									if ih < 0 || ih >= p.H || iw < 0 || iw >= p.W {
										continue
									}
									want += float64(x[((n*p.H+ih)*p.W+iw)*p.C+c]) * float64(dy[((n*p.OH+oh)*p.OW+ow)*p.O+o])
								}
							}
						}
						got := float64(dw1[((kh*p.KW+kw)*p.C+c)*p.O+o])
						if math.Abs(got-want) > 1e-3*(1+math.Abs(want)) {
							t.Fatalf("%v: dw[%d,%d,%d,%d] = %v, want %v", shape, kh, kw, c, o, got, want)
						}
					}
				}
			}
		}
		for _, n := range []int{2, 3, 4} {
			parallel.SetNumThreads(n)
			y, dx, dw := run()
			for _, pair := range [][2][]float32{{y, y1}, {dx, dx1}, {dw, dw1}} {
				for i := range pair[0] {
					if math.Float32bits(pair[0][i]) != math.Float32bits(pair[1][i]) {
						t.Fatalf("%v, %d threads: element %d differs from 1 thread", shape, n, i)
					}
				}
			}
		}
	}
}

func TestNoAllocsOnceWarm(t *testing.T) {
	for _, c := range [][2][4]int{
		{{8, 12, 12, 4}, {3, 3, 4, 8}},
		{{8, 12, 12, 32}, {3, 3, 32, 32}}, // Winograd
	} {
		p, _ := NewParams(c[0], c[1], [2]int{1, 1}, [2]int{1, 1}, Same, 1)
		x, w := make([]float32, p.InSize()), make([]float32, p.FilterSize())
		y, dx, dw := make([]float32, p.OutSize()), make([]float32, p.InSize()), make([]float32, p.FilterSize())
		var ws Workspace[float32]
		step := func() {
			Forward(&p, x, w, nil, y, Relu, &ws)
			BackwardInput(&p, y, w, dx, &ws)
			BackwardFilter(&p, x, y, dw, nil, &ws)
		}
		step()
		// Over 20 steps: a worker that parks between chunks can take the
		// runtime a rare allocation (a channel wait's record), which is not
		// the kernels'.
		if n := testing.AllocsPerRun(20, step); n > 0 && !raceEnabled {
			t.Errorf("%v: %v allocations per warm step", c, n)
		}
	}
}

// The input gradient of a strided 1×1 convolution is written row by row
// (backwardInputSpread); blocks of the product that end inside an output
// row, rows the stride skips, and a last input row no output reads must
// all come out right, and NaNs left in dx must not survive.
func TestBackwardInputSpread(t *testing.T) {
	for _, c := range []struct {
		in     [4]int
		stride [2]int
	}{
		{[4]int{2, 21, 60, 1024}, [2]int{2, 2}}, // 660 output pixels in blocks of 256
		{[4]int{1, 8, 5, 3}, [2]int{3, 2}},      // input row 7 read by no output, cleared with row 6
	} {
		const o = 2
		p, err := NewParams(c.in, [4]int{1, 1, c.in[3], o}, c.stride, [2]int{1, 1}, Valid, 1)
		if err != nil {
			t.Fatal(err)
		}
		r := rand.New(rand.NewPCG(4, 5))
		dy, w := make([]float32, p.OutSize()), make([]float32, p.FilterSize())
		for i := range dy {
			dy[i] = float32(r.IntN(7) - 3)
		}
		for i := range w {
			w[i] = float32(r.IntN(5) - 2)
		}
		dx := make([]float32, p.InSize())
		for i := range dx {
			dx[i] = float32(math.NaN())
		}
		var ws Workspace[float32]
		BackwardInput(&p, dy, w, dx, &ws)
		C := p.C
		for n := 0; n < p.N; n++ {
			for ih := 0; ih < p.H; ih++ {
				for iw := 0; iw < p.W; iw++ {
					oh, ow := ih/p.StrideH, iw/p.StrideW
					hit := ih%p.StrideH == 0 && iw%p.StrideW == 0 && oh < p.OH && ow < p.OW
					for ch := 0; ch < C; ch++ {
						var want float32
						if hit {
							for k := 0; k < o; k++ {
								want += dy[((n*p.OH+oh)*p.OW+ow)*o+k] * w[ch*o+k]
							}
						}
						if got := dx[((n*p.H+ih)*p.W+iw)*C+ch]; got != want {
							t.Fatalf("%v stride %v: dx[%d,%d,%d,%d] = %v, want %v", c.in, c.stride, n, ih, iw, ch, got, want)
						}
					}
				}
			}
		}
	}
}

// TestForwardBiasActSameBits: the bias and ReLU that the GEMM paths apply
// as each block of the output is finished give the bits of the plain
// convolution followed by them, in float32 and float64, on every path
// (im2col, pointwise, grouped, Winograd and direct, which keep their own
// pass).
func TestForwardBiasActSameBits(t *testing.T) {
	defer func() { fuseBias = true }()
	r := rand.New(rand.NewPCG(3, 4))
	cs := append(cases(), convCase{[4]int{2, 10, 10, 16}, [4]int{3, 3, 16, 24}, [2]int{1, 1}, [2]int{1, 1}, Same, 1},
		convCase{[4]int{2, 9, 8, 16}, [4]int{3, 3, 16, 24}, [2]int{1, 1}, [2]int{1, 1}, Valid, 1}, // Winograd's border tiles
		convCase{[4]int{4, 6, 6, 64}, [4]int{1, 1, 64, 40}, [2]int{1, 1}, [2]int{1, 1}, Valid, 1},
		convCase{[4]int{2, 7, 6, 16}, [4]int{3, 3, 8, 6}, [2]int{2, 2}, [2]int{1, 1}, Same, 2})
	for _, c := range cs {
		p, err := NewParams(c.in, c.filter, c.stride, c.dil, c.pad, c.groups)
		if err != nil {
			t.Fatal(err)
		}
		x, w, bias := randSlice(r, p.InSize()), randSlice(r, p.FilterSize()), randSlice(r, p.O)
		for i, act := range []Activation{Linear, Relu, Linear, Relu} {
			fuseBias = i < 2 // then the unfused form BenchmarkBiasFusion compares with
			var ws Workspace[float64]
			got, want := make([]float64, p.OutSize()), make([]float64, p.OutSize())
			Forward(&p, x, w, bias, got, act, &ws)
			Forward(&p, x, w, nil, want, Linear, &ws)
			var ws32 Workspace[float32]
			x32, w32, b32 := to32(x), to32(w), to32(bias)
			got32, want32 := make([]float32, p.OutSize()), make([]float32, p.OutSize())
			Forward(&p, x32, w32, b32, got32, act, &ws32)
			Forward(&p, x32, w32, nil, want32, Linear, &ws32)
			for i := range want {
				v, v32 := want[i]+bias[i%p.O], want32[i]+b32[i%p.O]
				if act == Relu {
					v, v32 = max(v, 0), max(v32, 0)
				}
				if got[i] != v || math.Float32bits(got32[i]) != math.Float32bits(v32) {
					t.Fatalf("%v act %v fused %v: y[%d] = %v (float32 %v), want %v (%v)", c, act, fuseBias, i, got[i], got32[i], v, v32)
				}
			}
		}
	}
}
