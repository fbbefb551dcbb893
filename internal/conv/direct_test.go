package conv

import (
	"math"
	"math/rand/v2"
	"testing"

	"github.com/tensorgo/tensorgo/internal/cpu"
)

// The direct convolution gives the im2col path's bits, on the Go loops
// and on every vector path (which of them take it depends on the machine),
// forward with bias and ReLU and through BackwardInput's turned
// convolution; and it is taken where it should be on machines with
// AVX2 or AVX-512.
func TestDirectSameBits(t *testing.T) {
	old := cpu.Selected()
	defer func() { cpu.Set(old); noDirect = false }()
	r := rand.New(rand.NewPCG(13, 14))
	for _, c := range []struct {
		in, f       [4]int
		pad         Padding
		fwd, filter bool // taken on AVX-512 (on AVX2 with up to 16 filters)
	}{
		{[4]int{2, 16, 16, 16}, [4]int{5, 5, 16, 16}, Same, true, true}, // Inception10's b1: depth blocks end inside a kernel row
		{[4]int{3, 8, 8, 32}, [4]int{5, 5, 32, 32}, Same, true, true},   // b2
		{[4]int{2, 7, 8, 5}, [4]int{5, 5, 5, 16}, Same, true, true},     // odd height; 25 taps a kernel row: tiles of 16 and 9
		{[4]int{1, 12, 20, 3}, [4]int{5, 5, 3, 32}, Valid, true, true},  // 16 output columns, 32 filters: tiles of 12 and 4
		{[4]int{2, 9, 16, 16}, [4]int{7, 5, 16, 16}, Same, true, true},  // more rows than columns
		{[4]int{1, 6, 20, 40}, [4]int{5, 5, 40, 16}, Valid, true, true}, // depth 1000: four blocks
		{[4]int{2, 8, 16, 3}, [4]int{3, 3, 3, 16}, Same, true, true},    // Inception10's first layer
		{[4]int{2, 14, 14, 6}, [4]int{5, 5, 6, 16}, Valid, true, true},  // LeNet5's second: 10 pixels, 30 taps a row
		{[4]int{1, 9, 13, 7}, [4]int{3, 3, 7, 32}, Same, true, true},    // 13 = 12 + 1 pixels
		{[4]int{2, 6, 8, 16}, [4]int{3, 3, 16, 16}, Same, false, true},  // Winograd's forward, the direct filter gradient
		// Filter counts that leave a vector part full: AVX2's masked
		// kernels, with one and two 8-filter vectors.
		{[4]int{2, 32, 32, 3}, [4]int{5, 5, 3, 6}, Valid, true, true}, // LeNet5's first: 28 = 12+12+4 pixels, one vector of 6
		{[4]int{2, 9, 10, 3}, [4]int{5, 5, 3, 6}, Same, true, true},   // the baseline's
		{[4]int{1, 7, 11, 4}, [4]int{3, 3, 4, 12}, Same, true, true},  // two vectors, 8 + 4
		{[4]int{1, 8, 9, 2}, [4]int{5, 3, 2, 8}, Same, true, true},    // one full vector
		{[4]int{1, 6, 7, 12}, [4]int{5, 5, 12, 6}, Same, true, true},  // depth 300: C + acc under the mask
		{[4]int{1, 6, 9, 5}, [4]int{3, 5, 5, 20}, Same, true, true},   // AVX-512's two vectors, 16 + 4
	} {
		p, err := NewParams(c.in, c.f, [2]int{1, 1}, [2]int{1, 1}, c.pad, 1)
		if err != nil {
			t.Fatal(err)
		}
		x, w, dy := to32(randSlice(r, p.InSize())), to32(randSlice(r, p.FilterSize())), to32(randSlice(r, p.OutSize()))
		bias := to32(randSlice(r, p.O))
		run := func() []float32 {
			var ws Workspace[float32]
			y, dx, dw := make([]float32, p.OutSize()), make([]float32, p.InSize()), make([]float32, p.FilterSize())
			for i := range y {
				y[i] = float32(math.NaN()) // every element written
			}
			for i := range dw {
				dw[i] = float32(math.NaN())
			}
			Forward(&p, x, w, bias, y, Relu, &ws)
			BackwardInput(&p, dy, w, dx, &ws)
			BackwardFilterAfter(&p, x, dy, dw, nil, &ws, &ws)
			return append(append(y, dx...), dw...)
		}
		noDirect = true
		cpu.Set(cpu.Generic)
		want := run()
		noDirect = false
		for _, isa := range cpu.Available() {
			cpu.Set(isa)
			_, _, fwd := p.directTile()
			_, _, filter := p.directFilterTile()
			wantFwd, wantFilter := c.fwd, c.filter
			if isa == cpu.AVX2 {
				// Two vectors of 8 filters at most.
				wantFwd = wantFwd && c.f[3] <= 16
				wantFilter = wantFilter && c.f[3] <= 16
			}
			if isa >= cpu.AVX2 && hasDirect && (fwd != wantFwd || filter != wantFilter) {
				t.Fatalf("%v %v %v: the direct convolution taken forward %v, for the filter gradient %v; want %v, %v", isa, c.in, c.f, fwd, filter, wantFwd, wantFilter)
			}
			got := run()
			for i := range got {
				if math.Float32bits(got[i]) != math.Float32bits(want[i]) {
					t.Fatalf("%v %v %v: element %d is %v, the im2col path gives %v", isa, c.in, c.f, i, got[i], want[i])
				}
			}
		}
	}
}

// After their first calls, the direct convolution's passes and the
// stride-1 pools' marked gradient allocate nothing.
func TestDirectAndMarkedNoAlloc(t *testing.T) {
	if raceEnabled {
		t.Skip("the race detector allocates")
	}
	p, _ := NewParams([4]int{2, 16, 16, 16}, [4]int{5, 5, 16, 16}, [2]int{1, 1}, [2]int{1, 1}, Same, 1)
	x, w := make([]float32, p.InSize()), make([]float32, p.FilterSize())
	y, dx, dw := make([]float32, p.OutSize()), make([]float32, p.InSize()), make([]float32, p.FilterSize())
	pp, _ := NewPoolParams([4]int{2, 8, 8, 16}, [2]int{3, 3}, [2]int{1, 1}, Same)
	px, py := make([]float32, pp.InSize()), make([]float32, pp.OutSize())
	pdx := make([]float32, pp.InSize())
	var ws Workspace[float32]
	var pws PoolWorkspace[float32]
	run := func() {
		Forward(&p, x, w, nil, y, Relu, &ws)
		BackwardInput(&p, y, w, dx, &ws)
		BackwardFilter(&p, x, y, dw, nil, &ws)
		MaxPool(&pp, px, py, &pws)
		MaxPoolGrad(&pp, px, py, py, pdx, &pws)
	}
	run()
	if n := testing.AllocsPerRun(5, run); n != 0 {
		t.Errorf("%v allocations a run, want 0", n)
	}
}
