package conv

import (
	"math"
	"math/rand/v2"
	"testing"
)

func TestMaxPoolGradGrad(t *testing.T) {
	// By hand: 1..9 in 2×2 "SAME" windows of stride 2 have their maxima at
	// 5, 6, 8 and 9; each output takes g there.
	p, err := NewPoolParams([4]int{1, 3, 3, 1}, [2]int{2, 2}, [2]int{2, 2}, Same)
	if err != nil {
		t.Fatal(err)
	}
	x := []float64{1, 2, 3, 4, 5, 6, 7, 8, 9}
	g := []float64{10, 20, 30, 40, 50, 60, 70, 80, 90}
	y := make([]float64, 4)
	var ws PoolWorkspace[float64]
	MaxPoolGradGrad(&p, x, g, y, &ws)
	for i, w := range []float64{50, 60, 80, 90} {
		if y[i] != w {
			t.Fatalf("MaxPoolGradGrad %v, want [50 60 80 90]", y)
		}
	}
	// It is MaxPoolGrad's adjoint: <MaxPoolGrad(x, dy), g> = <dy, MaxPoolGradGrad(x, g)>.
	r := rand.New(rand.NewPCG(1, 2))
	p, _ = NewPoolParams([4]int{2, 7, 6, 3}, [2]int{3, 2}, [2]int{2, 1}, Same)
	x, g = make([]float64, p.InSize()), make([]float64, p.InSize())
	dy := make([]float64, p.OutSize())
	for i := range x {
		x[i], g[i] = r.Float64(), r.Float64()
	}
	for i := range dy {
		dy[i] = r.Float64()
	}
	dx, gg := make([]float64, p.InSize()), make([]float64, p.OutSize())
	MaxPoolGrad(&p, x, nil, dy, dx, &ws)
	MaxPoolGradGrad(&p, x, g, gg, &ws)
	var a, b float64
	for i := range dx {
		a += dx[i] * g[i]
	}
	for i := range gg {
		b += dy[i] * gg[i]
	}
	if math.Abs(a-b) > 1e-12 {
		t.Errorf("<MaxPoolGrad(x, dy), g> = %v, <dy, MaxPoolGradGrad(x, g)> = %v", a, b)
	}
}
