package tf

import (
	"math/rand/v2"
	"testing"
)

// Relu of a batch normalisation with fixed statistics, or of a linear
// FusedConv2D, is one op in a graph; eagerly (runBoth's other half) it is
// two, and both give the same values and gradients.
func TestReluFusesIntoProducer(t *testing.T) {
	g := NewGraph()
	x := Placeholder(g, Float32, []int{-1, 3})
	c := Const(g, f64([]float64{1, 2, 3}, 3))
	c32 := Cast(c, Float32)
	bn := FusedBatchNormInference(x, c32, c32, c32, c32, 1e-3)
	if y := Relu(bn); y.Op().Type() != "FusedBatchNormInference" || y.Op().Attr("activation") != "Relu" || y == bn {
		t.Errorf("Relu(FusedBatchNormInference) builds %s %v, want a FusedBatchNormInference with activation Relu", y.Op().Type(), y.Op().Attr("activation"))
	}
	img := Placeholder(g, Float32, []int{-1, 4, 4, 2})
	conv := FusedConv2D(img, Cast(Const(g, f64(make([]float64, 2*2*2*3), 2, 2, 2, 3)), Float32), c32, []int{1, 1}, "SAME", "")
	if y := Relu(conv); y.Op().Type() != "FusedConv2D" || y.Op().Attr("activation") != "Relu" {
		t.Errorf("Relu(FusedConv2D linear) builds %s %v, want a FusedConv2D with activation Relu", y.Op().Type(), y.Op().Attr("activation"))
	}
	if y := Relu(Relu(bn)); y.Op().Type() != "Relu" {
		t.Errorf("Relu of a fused ReLU builds %s, want a Relu", y.Op().Type())
	}

	r := rand.New(rand.NewPCG(3, 4))
	for _, shape := range [][]int{{4, 3, 5, 6}, {7, 6}} {
		ch := shape[len(shape)-1]
		x := f64(vals(r, numel(shape), uniform(-3, 5)), shape...)
		gamma, beta := f64(vals(r, ch, uniform(-2, 2)), ch), f64(vals(r, ch, uniform(-1, 1)), ch)
		dy := f64(vals(r, numel(shape), uniform(-1, 1)), shape...)
		for _, cast := range []bool{false, true} {
			in := func(xs []*Tensor) []*Tensor {
				if cast {
					for i := range xs {
						xs[i] = Cast(xs[i], Float32)
					}
				}
				return xs
			}
			runBoth(t, "FusedBatchNormInference relu", func(xs []*Tensor) *Tensor {
				xs = in(xs)
				bn := FusedBatchNormInference(xs[0], xs[1], xs[2], xs[2], Square(xs[1]), 1e-3)
				return Add(Relu(bn), Mul(bn, bn)) // the unfused output is read too
			}, x, gamma, beta)
			runBoth(t, "FusedBatchNormInference relu gradient", func(xs []*Tensor) *Tensor {
				xs = in(xs)
				y := Relu(FusedBatchNormInference(xs[0], xs[1], xs[2], xs[2], Square(xs[1]), 1e-3))
				g := Gradients([]*Tensor{y}, xs[:3], xs[3])
				return Concat(0, Reshape(g[0], -1), g[1], g[2])
			}, x, gamma, beta, dy)
		}
	}
	// Finite differences through the fused op: y = relu(gamma·x) with the
	// statistics mean 0, variance 1 − eps, so y's kink is x's.
	checkGrad(t, gradCase{name: "FusedBatchNormInference relu", shapes: [][]int{{4, 3}}, gen: away, f: x0(func(x *Tensor) *Tensor {
		g := x.Graph()
		gamma := Const(g, f64([]float64{1, -2, 0.5}, 3))
		zero := Const(g, f64([]float64{0, 0, 0}, 3))
		v := Const(g, f64([]float64{1 - 1e-3, 1 - 1e-3, 1 - 1e-3}, 3))
		return Relu(FusedBatchNormInference(x, gamma, zero, zero, v, 1e-3))
	})})
}
