package tf

import (
	"math"
	"math/rand/v2"
	"testing"
)

// By hand: channel 0 holds 1 and 3 (mean 2, biased variance 1), channel 1
// 10 and 30 (mean 20, variance 100).
func TestForwardBatchNormHandValues(t *testing.T) {
	x := f64([]float64{1, 10, 3, 30}, 2, 2)
	gamma, beta := f64([]float64{2, 0.5}, 2), f64([]float64{1, -1}, 2)
	const eps = 1e-3
	s0, s1 := 2/math.Sqrt(1+eps), 0.5*10/math.Sqrt(100+eps)
	pick := func(i int) func(xs []*Tensor) *Tensor {
		return func(xs []*Tensor) *Tensor {
			y, m, v := FusedBatchNorm(xs[0], xs[1], xs[2], eps)
			return []*Tensor{y, m, v}[i]
		}
	}
	expect(t, "FusedBatchNorm y", runBoth(t, "FusedBatchNorm", pick(0), x, gamma, beta), Float64, []int{2, 2},
		[]float64{1 - s0, -1 - s1, 1 + s0, -1 + s1}, 1e-15)
	expect(t, "FusedBatchNorm mean", runBoth(t, "FusedBatchNorm", pick(1), x, gamma, beta), Float64, []int{2}, []float64{2, 20}, 0)
	expect(t, "FusedBatchNorm variance", runBoth(t, "FusedBatchNorm", pick(2), x, gamma, beta), Float64, []int{2}, []float64{1, 100}, 0)
	// Inference with given statistics: mean 0 and variance 4 - eps.
	mean, variance := f64([]float64{0, 0}, 2), f64([]float64{4 - eps, 4 - eps}, 2)
	expect(t, "FusedBatchNormInference", runBoth(t, "FusedBatchNormInference", func(xs []*Tensor) *Tensor {
		return FusedBatchNormInference(xs[0], xs[1], xs[2], xs[3], xs[4], eps)
	}, x, gamma, beta, mean, variance), Float64, []int{2, 2}, []float64{2*1/2.0 + 1, 0.5*10/2 - 1, 2*3/2.0 + 1, 0.5*30/2 - 1}, 1e-12)
	// The gradient of sum(y·dy) by hand, channel 0 (σ = sqrt(1+eps),
	// x̂ = ∓1/σ): dy = (1, 0) gives dbeta = 1, dgamma = −1/σ and
	// dx = γ/σ·(dy − 1/2 − x̂·dgamma/2) = ±γ/σ·(1 − 1/σ²)/2 = ±eps/((1+eps)σ).
	dy := f64([]float64{1, 0, 0, 0}, 2, 2)
	sg := math.Sqrt(1 + eps)
	q := eps / ((1 + eps) * sg)
	expect(t, "FusedBatchNormGrad", runBoth(t, "FusedBatchNormGrad", func(xs []*Tensor) *Tensor {
		y, _, _ := FusedBatchNorm(xs[0], xs[1], xs[2], eps)
		g := Gradients([]*Tensor{y}, xs[:3], xs[3])
		return Concat(0, Reshape(g[0], -1), g[1], g[2])
	}, x, gamma, beta, dy), Float64, []int{8}, []float64{q, 0, -q, 0, -1 / sg, 0, 1, 0}, 1e-12)
	// With the statistics given (σ = 2): dx = dy·γ/σ, dgamma = Σ dy·x/σ,
	// dbeta = Σ dy.
	expect(t, "FusedBatchNormInferenceGrad", runBoth(t, "FusedBatchNormInferenceGrad", func(xs []*Tensor) *Tensor {
		y := FusedBatchNormInference(xs[0], xs[1], xs[2], xs[3], xs[4], eps)
		g := Gradients([]*Tensor{y}, xs[:3], xs[5])
		return Concat(0, Reshape(g[0], -1), g[1], g[2])
	}, x, gamma, beta, mean, variance, dy), Float64, []int{8}, []float64{1, 0, 0, 0, 0.5, 0, 1, 0}, 1e-12)
}

func TestForwardBatchNormRandom(t *testing.T) {
	r := rand.New(rand.NewPCG(7, 8))
	for _, shape := range [][]int{{4, 3, 5, 6}, {300, 7}, {1, 2}} {
		c := shape[len(shape)-1]
		x := f64(vals(r, numel(shape), uniform(-3, 5)), shape...)
		gamma, beta := f64(vals(r, c, uniform(0.5, 2)), c), f64(vals(r, c, uniform(-1, 1)), c)
		dy := f64(vals(r, numel(shape), uniform(-1, 1)), shape...)
		runBoth(t, "FusedBatchNorm", func(xs []*Tensor) *Tensor {
			y, m, v := FusedBatchNorm(xs[0], xs[1], xs[2], 1e-3)
			return Add(y, Add(m, v))
		}, x, gamma, beta)
		runBoth(t, "FusedBatchNorm float32", func(xs []*Tensor) *Tensor {
			y, _, _ := FusedBatchNorm(Cast(xs[0], Float32), Cast(xs[1], Float32), Cast(xs[2], Float32), 1e-3)
			return y
		}, x, gamma, beta)
		runBoth(t, "FusedBatchNormGrad", func(xs []*Tensor) *Tensor {
			y, _, _ := FusedBatchNorm(xs[0], xs[1], xs[2], 1e-3)
			g := Gradients([]*Tensor{y}, xs[:3], xs[3])
			return Concat(0, Reshape(g[0], -1), g[1], g[2])
		}, x, gamma, beta, dy)
		runBoth(t, "FusedBatchNormInference", func(xs []*Tensor) *Tensor {
			return FusedBatchNormInference(xs[0], xs[1], xs[2], xs[2], Square(xs[1]), 1e-3)
		}, x, gamma, beta)
		for _, cast := range []bool{false, true} {
			runBoth(t, "FusedBatchNormInferenceGrad", func(xs []*Tensor) *Tensor {
				if cast {
					for i := range xs {
						xs[i] = Cast(xs[i], Float32)
					}
				}
				y := FusedBatchNormInference(xs[0], xs[1], xs[2], xs[2], Square(xs[1]), 1e-3)
				g := Gradients([]*Tensor{y}, xs[:2], xs[3])
				return Concat(0, Reshape(g[0], -1), g[1])
			}, x, gamma, beta, dy)
		}
	}
}

func TestBatchNormGradients(t *testing.T) {
	for _, c := range []gradCase{
		{name: "FusedBatchNorm y", shapes: [][]int{{3, 2, 2, 3}, {3}, {3}}, f: func(xs []*Tensor) *Tensor {
			y, _, _ := FusedBatchNorm(xs[0], xs[1], xs[2], 1e-3)
			return y
		}},
		{name: "FusedBatchNorm y, mean, variance", shapes: [][]int{{5, 2}, {2}, {2}}, f: func(xs []*Tensor) *Tensor {
			y, m, v := FusedBatchNorm(xs[0], xs[1], xs[2], 1e-3)
			return Add(y, Add(Mul(m, m), v))
		}},
		{name: "FusedBatchNorm unknown batch", shapes: [][]int{{4, 3}}, unknownBatch: true, f: x0(func(x *Tensor) *Tensor {
			y, m, v := FusedBatchNorm(x, Const(x.Graph(), f64([]float64{1, 2, 3}, 3)), Const(x.Graph(), f64([]float64{0, 1, 0}, 3)), 1e-3)
			return Add(y, Add(m, v))
		})},
		{name: "FusedBatchNormInference", shapes: [][]int{{3, 2, 3}, {3}, {3}, {3}, {3}}, gen: positive, f: func(xs []*Tensor) *Tensor {
			return FusedBatchNormInference(xs[0], xs[1], xs[2], xs[3], xs[4], 1e-3)
		}},
		{name: "FusedBatchNormInference x, gamma, beta", shapes: [][]int{{4, 5, 3}, {3}, {3}}, f: func(xs []*Tensor) *Tensor {
			g := xs[0].Graph()
			mean := Const(g, f64([]float64{0.5, -1, 2}, 3))
			variance := Const(g, f64([]float64{1.5, 0.25, 4}, 3))
			return FusedBatchNormInference(xs[0], xs[1], xs[2], mean, variance, 1e-3)
		}},
	} {
		t.Run(c.name, func(t *testing.T) { checkGrad(t, c) })
	}
}

// Layer normalisation by hand: the row (1, 3) has mean 2 and variance 1.
func TestLayerNormalization(t *testing.T) {
	x := f64([]float64{1, 3, 10, 10}, 2, 2)
	gamma, beta := f64([]float64{2, 1}, 2), f64([]float64{0, 5}, 2)
	s := 1 / math.Sqrt(1+1e-3)
	expect(t, "LayerNormalization", runBoth(t, "LayerNormalization", func(xs []*Tensor) *Tensor {
		return LayerNormalization(xs[0], xs[1], xs[2], 1e-3)
	}, x, gamma, beta), Float64, []int{2, 2}, []float64{-2 * s, 5 + s, 0, 5}, 1e-15)
	checkGrad(t, gradCase{name: "LayerNormalization", shapes: [][]int{{3, 2, 4}, {4}, {4}}, f: func(xs []*Tensor) *Tensor {
		return LayerNormalization(xs[0], xs[1], xs[2], 1e-3)
	}})
}
