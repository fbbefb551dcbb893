package conv

import (
	"fmt"
	"math"
	"math/rand/v2"
	"testing"

	"github.com/tensorgo/tensorgo/internal/parallel"
)

// refPool is pooling from the definition: the window of output (oh, ow)
// starts at (oh*s - padT, ow*s - padL); max skips cells outside the input
// (TensorFlow pads with -inf) and average divides by the cells inside.
func refPool(p PoolParams, x []float64, isMax bool) []float64 {
	y := make([]float64, p.OutSize())
	for n := 0; n < p.N; n++ {
		for oh := 0; oh < p.OH; oh++ {
			for ow := 0; ow < p.OW; ow++ {
				for c := 0; c < p.C; c++ {
					best, sum, cnt := math.Inf(-1), 0.0, 0
					for kh := 0; kh < p.KH; kh++ {
						for kw := 0; kw < p.KW; kw++ {
							ih, iw := oh*p.StrideH-p.PadT+kh, ow*p.StrideW-p.PadL+kw
							if ih < 0 || ih >= p.H || iw < 0 || iw >= p.W {
								continue
							}
							v := x[((n*p.H+ih)*p.W+iw)*p.C+c]
							best, sum, cnt = math.Max(best, v), sum+v, cnt+1
						}
					}
					i := ((n*p.OH+oh)*p.OW+ow)*p.C + c
					if isMax {
						y[i] = best
					} else {
						y[i] = sum / float64(cnt)
					}
				}
			}
		}
	}
	return y
}

func TestPooling(t *testing.T) {
	r := rand.New(rand.NewPCG(7, 8))
	for _, pad := range []Padding{Valid, Same} {
		for _, c := range []struct {
			in             [4]int
			window, stride [2]int
		}{
			{[4]int{2, 7, 6, 3}, [2]int{2, 2}, [2]int{2, 2}},
			{[4]int{1, 8, 8, 2}, [2]int{3, 3}, [2]int{2, 2}},
			{[4]int{2, 5, 9, 1}, [2]int{3, 2}, [2]int{1, 1}},
			{[4]int{1, 1, 9, 4}, [2]int{1, 3}, [2]int{1, 2}}, // 1-D pooling
		} {
			t.Run(fmt.Sprintf("%v_%v_%v_%s", c.in, c.window, c.stride, pad), func(t *testing.T) {
				p, err := NewPoolParams(c.in, c.window, c.stride, pad)
				if err != nil {
					t.Fatal(err)
				}
				x := randSlice(r, p.InSize())
				var ws PoolWorkspace[float64]
				for _, isMax := range []bool{true, false} {
					want := refPool(p, x, isMax)
					y := make([]float64, p.OutSize())
					if isMax {
						MaxPool(&p, x, y, &ws)
					} else {
						AvgPool(&p, x, y, &ws)
					}
					for i := range y {
						if math.Abs(y[i]-want[i]) > 1e-12 {
							t.Fatalf("max=%v: y[%d] = %v, want %v", isMax, i, y[i], want[i])
						}
					}
					// Gradient of sum(dy*pool(x)) by finite differences
					// (random inputs have no ties).
					dy := randSlice(r, p.OutSize())
					dx := make([]float64, p.InSize())
					if isMax {
						MaxPoolGrad(&p, x, nil, dy, dx, &ws)
					} else {
						AvgPoolGrad(&p, dy, dx, &ws)
					}
					var loss func() float64
					loss = func() float64 {
						y := refPool(p, x, isMax)
						var s float64
						for i := range y {
							s += y[i] * dy[i]
						}
						return s
					}
					const h = 1e-7
					for i := range x {
						old := x[i]
						x[i] = old + h
						up := loss()
						x[i] = old - h
						down := loss()
						x[i] = old
						if num := (up - down) / (2 * h); math.Abs(num-dx[i]) > 1e-6 {
							t.Fatalf("max=%v: dx[%d] = %v, finite difference %v", isMax, i, dx[i], num)
						}
					}
				}
			})
		}
	}
	if _, err := NewPoolParams([4]int{1, 4, 4, 1}, [2]int{0, 2}, [2]int{1, 1}, Valid); err == nil {
		t.Error("a pooling window of 0 was accepted")
	}
}

// TensorFlow routes a tie's gradient to the first maximum in the window.
func TestMaxPoolGradTies(t *testing.T) {
	p, _ := NewPoolParams([4]int{1, 2, 2, 1}, [2]int{2, 2}, [2]int{2, 2}, Valid)
	x := []float64{5, 5, 5, 5}
	dx := make([]float64, 4)
	var ws PoolWorkspace[float64]
	MaxPoolGrad(&p, x, nil, []float64{1}, dx, &ws)
	if dx[0] != 1 || dx[1] != 0 || dx[2] != 0 || dx[3] != 0 {
		t.Fatalf("dx %v, want the gradient on the first maximum only", dx)
	}
}

func refBN(x, gamma, beta []float64, eps float64, rows, c int) []float64 {
	y := make([]float64, len(x))
	for j := 0; j < c; j++ {
		var mean, v float64
		for r := 0; r < rows; r++ {
			mean += x[r*c+j]
		}
		mean /= float64(rows)
		for r := 0; r < rows; r++ {
			v += (x[r*c+j] - mean) * (x[r*c+j] - mean)
		}
		v /= float64(rows)
		for r := 0; r < rows; r++ {
			y[r*c+j] = gamma[j]*(x[r*c+j]-mean)/math.Sqrt(v+eps) + beta[j]
		}
	}
	return y
}

func TestBatchNorm(t *testing.T) {
	r := rand.New(rand.NewPCG(9, 10))
	for _, sz := range [][2]int{{5, 3}, {600, 4}, {1, 2}, {9, 6}} {
		rows, c := sz[0], sz[1]
		x, gamma, beta := randSlice(r, rows*c), randSlice(r, c), randSlice(r, c)
		const eps = 1e-3
		want := refBN(x, gamma, beta, eps, rows, c)
		y, mean, variance := make([]float64, rows*c), make([]float64, c), make([]float64, c)
		var ws NormWorkspace[float64]
		BatchNormTrain(x, gamma, beta, eps, rows, c, y, mean, variance, &ws)
		for i := range y {
			if math.Abs(y[i]-want[i]) > 1e-10 {
				t.Fatalf("%dx%d: y[%d] = %v, want %v", rows, c, i, y[i], want[i])
			}
		}
		// Inference with the batch's own statistics gives the same.
		yi := make([]float64, rows*c)
		BatchNormInfer(x, gamma, beta, mean, variance, eps, rows, c, yi, Linear, &ws)
		for i := range yi {
			if math.Abs(yi[i]-want[i]) > 1e-10 {
				t.Fatalf("%dx%d: inference y[%d] = %v, want %v", rows, c, i, yi[i], want[i])
			}
		}
		// And with ReLU in the same pass, max(y, 0).
		BatchNormInfer(x, gamma, beta, mean, variance, eps, rows, c, yi, Relu, &ws)
		for i := range yi {
			if math.Abs(yi[i]-max(want[i], 0)) > 1e-10 {
				t.Fatalf("%dx%d: inference+relu y[%d] = %v, want %v", rows, c, i, yi[i], max(want[i], 0))
			}
		}
		if rows < 2 {
			continue
		}
		dy := randSlice(r, rows*c)
		dx, dg, db := make([]float64, rows*c), make([]float64, c), make([]float64, c)
		BatchNormGrad(x, dy, gamma, mean, variance, eps, rows, c, dx, dg, db, &ws)
		var loss func() float64
		loss = func() float64 {
			y := refBN(x, gamma, beta, eps, rows, c)
			var s float64
			for i := range y {
				s += y[i] * dy[i]
			}
			return s
		}
		const h = 1e-6
		check := func(name string, v, g []float64) {
			for i := range v {
				if i > 40 {
					break
				}
				old := v[i]
				v[i] = old + h
				up := loss()
				v[i] = old - h
				down := loss()
				v[i] = old
				if num := (up - down) / (2 * h); math.Abs(num-g[i]) > 1e-5*math.Max(1, math.Abs(num)) {
					t.Fatalf("%dx%d: d%s[%d] = %v, finite difference %v", rows, c, name, i, g[i], num)
				}
			}
		}
		check("x", x, dx)
		check("gamma", gamma, dg)
		check("beta", beta, db)

		// Inference's gradient, with the statistics held fixed.
		infer := func() float64 {
			y := make([]float64, rows*c)
			for i := range y {
				j := i % c
				y[i] = gamma[j]*(x[i]-mean[j])/math.Sqrt(variance[j]+eps) + beta[j]
			}
			var s float64
			for i := range y {
				s += y[i] * dy[i]
			}
			return s
		}
		loss = infer
		BatchNormInferGrad(x, dy, nil, gamma, mean, variance, eps, rows, c, dx, dg, db, &ws)
		check("x (inference)", x, dx)
		check("gamma (inference)", gamma, dg)
		check("beta (inference)", beta, db)
		// float32 against float64.
		dx32, dg32, db32 := make([]float32, rows*c), make([]float32, c), make([]float32, c)
		var ws32 NormWorkspace[float32]
		BatchNormInferGrad(to32(x), to32(dy), nil, to32(gamma), to32(mean), to32(variance), eps, rows, c, dx32, dg32, db32, &ws32)
		for i := range dx {
			if math.Abs(float64(dx32[i])-dx[i]) > 1e-5*(1+math.Abs(dx[i])) {
				t.Fatalf("%dx%d: float32 dx[%d] = %v, want %v", rows, c, i, dx32[i], dx[i])
			}
		}
		for j := range dg {
			if math.Abs(float64(dg32[j])-dg[j]) > 1e-4*(1+math.Abs(dg[j])) || math.Abs(float64(db32[j])-db[j]) > 1e-4*(1+math.Abs(db[j])) {
				t.Fatalf("%dx%d: float32 dgamma, dbeta[%d] = %v, %v, want %v, %v", rows, c, j, dg32[j], db32[j], dg[j], db[j])
			}
		}
		// With a ReLU after it (relu = the ReLU's output), the gradients of
		// dy zeroed where relu is not positive, bit for bit.
		relu, masked := make([]float64, rows*c), make([]float64, rows*c)
		for i := range relu {
			relu[i] = max(0, float64(i%3)-1) // 0, 0, 1, ...
			if relu[i] > 0 {
				masked[i] = dy[i]
			}
		}
		fdx, fdg, fdb := make([]float64, rows*c), make([]float64, c), make([]float64, c)
		BatchNormInferGrad(x, dy, relu, gamma, mean, variance, eps, rows, c, fdx, fdg, fdb, &ws)
		BatchNormInferGrad(x, masked, nil, gamma, mean, variance, eps, rows, c, dx, dg, db, &ws)
		f32 := func(v []float64) []float32 { return to32(v) }
		fdx32, fdg32, fdb32 := make([]float32, rows*c), make([]float32, c), make([]float32, c)
		BatchNormInferGrad(to32(x), to32(dy), f32(relu), to32(gamma), to32(mean), to32(variance), eps, rows, c, fdx32, fdg32, fdb32, &ws32)
		BatchNormInferGrad(to32(x), to32(masked), nil, to32(gamma), to32(mean), to32(variance), eps, rows, c, dx32, dg32, db32, &ws32)
		for i := range dx {
			if fdx[i] != dx[i] || fdx32[i] != dx32[i] {
				t.Fatalf("%dx%d: with relu dx[%d] = %v, %v (float32), want %v, %v", rows, c, i, fdx[i], fdx32[i], dx[i], dx32[i])
			}
		}
		for j := range dg {
			if fdg[j] != dg[j] || fdb[j] != db[j] || fdg32[j] != dg32[j] || fdb32[j] != db32[j] {
				t.Fatalf("%dx%d: with relu dgamma, dbeta[%d] differ", rows, c, j)
			}
		}
	}
}

func TestFoldIntoConv(t *testing.T) {
	r := rand.New(rand.NewPCG(11, 12))
	p, _ := NewParams([4]int{2, 6, 6, 3}, [4]int{3, 3, 3, 4}, [2]int{1, 1}, [2]int{1, 1}, Same, 1)
	x, w, bias := randSlice(r, p.InSize()), randSlice(r, p.FilterSize()), randSlice(r, 4)
	gamma, beta, mean := randSlice(r, 4), randSlice(r, 4), randSlice(r, 4)
	variance := []float64{0.5, 1.5, 2, 0.1}
	var ws Workspace[float64]
	var nws NormWorkspace[float64]
	y := make([]float64, p.OutSize())
	Forward(&p, x, w, bias, y, Linear, &ws)
	want := make([]float64, len(y))
	BatchNormInfer(y, gamma, beta, mean, variance, 1e-3, len(y)/4, 4, want, Linear, &nws)
	FoldIntoConv(w, bias, gamma, beta, mean, variance, 1e-3, 4)
	Forward(&p, x, w, bias, y, Linear, &ws)
	for i := range y {
		if math.Abs(y[i]-want[i]) > 1e-10 {
			t.Fatalf("folded y[%d] = %v, want %v", i, y[i], want[i])
		}
	}
}

func TestPoolAndNormDeterministicNoAlloc(t *testing.T) {
	r := rand.New(rand.NewPCG(13, 14))
	rows, c := 4000, 8
	x, dy := to32(randSlice(r, rows*c)), to32(randSlice(r, rows*c))
	gamma, beta := to32(randSlice(r, c)), to32(randSlice(r, c))
	pp, _ := NewPoolParams([4]int{10, 20, 20, 8}, [2]int{2, 2}, [2]int{2, 2}, Valid)
	var nws NormWorkspace[float32]
	var pws PoolWorkspace[float32]
	y, m, v, dx, dg, db := make([]float32, rows*c), make([]float32, c), make([]float32, c), make([]float32, rows*c), make([]float32, c), make([]float32, c)
	idx, idg, idb := make([]float32, rows*c), make([]float32, c), make([]float32, c)
	py, pdx := make([]float32, pp.OutSize()), make([]float32, pp.InSize())
	step := func() {
		BatchNormTrain(x, gamma, beta, 1e-3, rows, c, y, m, v, &nws)
		BatchNormGrad(x, dy, gamma, m, v, 1e-3, rows, c, dx, dg, db, &nws)
		BatchNormInfer(x, gamma, beta, m, v, 1e-3, rows, c, y, Linear, &nws)
		BatchNormInferGrad(x, dy, nil, gamma, m, v, 1e-3, rows, c, idx, idg, idb, &nws)
		MaxPool(&pp, x[:pp.InSize()], py, &pws)
		MaxPoolGrad(&pp, x[:pp.InSize()], nil, dy[:pp.OutSize()], pdx, &pws)
		AvgPool(&pp, x[:pp.InSize()], py, &pws)
		AvgPoolGrad(&pp, dy[:pp.OutSize()], pdx, &pws)
	}
	defer parallel.SetNumThreads(parallel.NumThreads())
	parallel.SetNumThreads(1)
	step()
	dx1, dg1 := append([]float32(nil), dx...), append([]float32(nil), dg...)
	idg1 := append([]float32(nil), idg...)
	parallel.SetNumThreads(3)
	step()
	for i := range idg {
		if math.Float32bits(idg[i]) != math.Float32bits(idg1[i]) {
			t.Fatalf("inference dgamma[%d] differs between 1 and 3 threads", i)
		}
	}
	for i := range dx {
		if math.Float32bits(dx[i]) != math.Float32bits(dx1[i]) {
			t.Fatalf("dx[%d] differs between 1 and 3 threads", i)
		}
	}
	for i := range dg {
		if math.Float32bits(dg[i]) != math.Float32bits(dg1[i]) {
			t.Fatalf("dgamma[%d] differs between 1 and 3 threads", i)
		}
	}
	if n := testing.AllocsPerRun(5, step); n > 0 && !raceEnabled {
		t.Errorf("%v allocations per warm step", n)
	}
}
