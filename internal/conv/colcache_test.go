package conv

import (
	"math"
	"math/rand/v2"
	"testing"
)

// BackwardFilterAfter reuses a Forward's im2col matrix only for the same
// input and geometry, and then gives the bits of BackwardFilter.
func TestBackwardFilterAfterReusesOnlyItsInput(t *testing.T) {
	noDirect = true // the im2col path (the direct one builds no matrix)
	defer func() { noDirect = false }()
	r := rand.New(rand.NewPCG(3, 4))
	p, err := NewParams([4]int{2, 6, 5, 3}, [4]int{3, 3, 3, 4}, [2]int{1, 1}, [2]int{1, 1}, Same, 1)
	if err != nil {
		t.Fatal(err)
	}
	q, err := NewParams([4]int{2, 6, 5, 3}, [4]int{3, 3, 3, 4}, [2]int{2, 2}, [2]int{1, 1}, Same, 1)
	if err != nil {
		t.Fatal(err)
	}
	rnd := func(n int) []float32 { return to32(randSlice(r, n)) }
	x1, x2, w := rnd(p.InSize()), rnd(p.InSize()), rnd(p.FilterSize())
	dy := rnd(p.OutSize())
	y := make([]float32, p.OutSize())
	want := func(x []float32, pp *Params) []float32 {
		var ws Workspace[float32]
		dw := make([]float32, pp.FilterSize())
		BackwardFilter(pp, x, dy[:pp.OutSize()], dw, nil, &ws)
		return dw
	}
	check := func(what string, got, want []float32) {
		t.Helper()
		for i := range got {
			if math.Float32bits(got[i]) != math.Float32bits(want[i]) {
				t.Fatalf("%s: dw[%d] = %v, want %v", what, i, got[i], want[i])
			}
		}
	}
	var fwd, ws Workspace[float32]
	dw := make([]float32, p.FilterSize())
	Forward(&p, x1, w, nil, y, Linear, &fwd)
	if !fwd.colOK {
		t.Fatal("Forward did not keep its whole im2col matrix")
	}
	BackwardFilterAfter(&p, x1, dy, dw, nil, &ws, &fwd)
	check("same input", dw, want(x1, &p))
	BackwardFilterAfter(&p, x2, dy, dw, nil, &ws, &fwd)
	check("another input", dw, want(x2, &p))
	BackwardFilterAfter(&q, x1, dy[:q.OutSize()], dw, nil, &ws, &fwd)
	check("another geometry", dw, want(x1, &q))
	// A Forward that builds the matrix in blocks keeps nothing.
	big, err := NewParams([4]int{16, 30, 30, 64}, [4]int{3, 3, 64, 2}, [2]int{1, 1}, [2]int{1, 1}, Same, 1)
	if err != nil {
		t.Fatal(err)
	}
	if big.blockRows(9*64) >= big.N*big.OH*big.OW {
		t.Fatal("the test's big convolution fits in one block")
	}
	xb := make([]float32, big.InSize())
	Forward(&big, xb, make([]float32, big.FilterSize()), nil, make([]float32, big.OutSize()), Linear, &fwd)
	if fwd.colOK {
		t.Error("a Forward in blocks claims a whole matrix")
	}
}
