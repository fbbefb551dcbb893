package tf

import (
	"math"
	"math/rand/v2"
	"testing"

	"github.com/tensorgo/tensorgo/tensor"
)

func TestForwardFusedMatMul(t *testing.T) {
	// [[1 2] [3 4]]·[[1 -1] [0 1]] = [[1 1] [3 1]]; plus bias [-2 0.5].
	a, b, bias := f64([]float64{1, 2, 3, 4}, 2, 2), f64([]float64{1, -1, 0, 1}, 2, 2), f64([]float64{-2, 0.5}, 2)
	expect(t, "FusedMatMul relu", runBoth(t, "FusedMatMul", func(xs []*Tensor) *Tensor {
		return FusedMatMul(xs[0], xs[1], xs[2], "relu")
	}, a, b, bias), Float64, []int{2, 2}, []float64{0, 1.5, 1, 1.5}, 0)
	expect(t, "FusedMatMul linear transposed", runBoth(t, "FusedMatMul", func(xs []*Tensor) *Tensor {
		return FusedMatMul(xs[0], xs[1], xs[2], "", TransposeA(true), TransposeB(true))
	}, a, b, bias), Float64, []int{2, 2}, []float64{-4, 3.5, -4, 4.5}, 0)
	// Odd and even sizes, against the reference kernel (runBoth) and
	// against the three ops done apart, bit for bit in float32 and float64.
	r := rand.New(rand.NewPCG(5, 6))
	for _, s := range [][3]int{{1, 1, 1}, {4, 6, 8}, {7, 13, 5}, {33, 40, 17}, {130, 20, 300}} {
		for _, tr := range [][2]bool{{false, false}, {true, false}, {false, true}, {true, true}} {
			m, k, n := s[0], s[1], s[2]
			sa, sb := []int{m, k}, []int{k, n}
			if tr[0] {
				sa = []int{k, m}
			}
			if tr[1] {
				sb = []int{n, k}
			}
			av, bv := f64(vals(r, m*k, uniform(-1, 1)), sa...), f64(vals(r, k*n, uniform(-1, 1)), sb...)
			biasv := f64(vals(r, n, uniform(-1, 1)), n)
			for _, dt := range []tensor.DType{Float64, Float32} {
				x, w, c := tensor.Cast(av, dt), tensor.Cast(bv, dt), tensor.Cast(biasv, dt)
				for _, act := range []string{"", "relu"} {
					fused := runBoth(t, "FusedMatMul "+act, func(xs []*Tensor) *Tensor {
						return FusedMatMul(xs[0], xs[1], xs[2], act, TransposeA(tr[0]), TransposeB(tr[1]))
					}, x, w, c)
					plain := BiasAdd(MatMul(Constant(x), Constant(w), TransposeA(tr[0]), TransposeB(tr[1])), Constant(c))
					if act != "" {
						plain = Relu(plain)
					}
					want := plain.Value()
					for i := 0; i < want.Size(); i++ {
						if math.Float64bits(fused.Float(i)) != math.Float64bits(want.Float(i)) {
							t.Fatalf("FusedMatMul %v %v %v %q: element %d = %v, want Relu(BiasAdd(MatMul)) = %v", s, tr, dt, act, i, fused.Float(i), want.Float(i))
						}
					}
				}
			}
		}
	}
	for _, c := range []struct {
		name string
		f    func()
	}{
		{"bias of 3 for 2 columns", func() { FusedMatMul(Constant(a), Constant(b), Constant(ones64(3)), "") }},
		{"activation tanh", func() { FusedMatMul(Constant(a), Constant(b), Constant(bias), "tanh") }},
		{"rank 3", func() { FusedMatMul(Constant(ones64(1, 2, 2)), Constant(b), Constant(bias), "") }},
		{"inner dimensions", func() { FusedMatMul(Constant(ones64(2, 3)), Constant(b), Constant(bias), "") }},
	} {
		if err := Catch(c.f); err == nil {
			t.Errorf("FusedMatMul, %s: no error", c.name)
		}
	}
}

func TestGradFusedMatMul(t *testing.T) {
	for _, tr := range [][2]bool{{false, false}, {true, false}, {false, true}, {true, true}} {
		sa, sb := []int{3, 4}, []int{4, 5}
		if tr[0] {
			sa = []int{4, 3}
		}
		if tr[1] {
			sb = []int{5, 4}
		}
		for _, act := range []string{"", "relu"} {
			checkGrad(t, gradCase{name: "FusedMatMul " + act, shapes: [][]int{sa, sb, {5}}, gen: away,
				f: func(xs []*Tensor) *Tensor {
					return FusedMatMul(xs[0], xs[1], xs[2], act, TransposeA(tr[0]), TransposeB(tr[1]))
				}})
		}
	}
	// Relu of a linear FusedMatMul folds into it, and the gradients go
	// through the fused op.
	checkGrad(t, gradCase{name: "Relu(FusedMatMul)", shapes: [][]int{{6, 3}, {3, 2}, {2}}, gen: away,
		f: func(xs []*Tensor) *Tensor { return Relu(FusedMatMul(xs[0], xs[1], xs[2], "")) }})
}

func TestReluFusesIntoFusedMatMul(t *testing.T) {
	g := NewGraph()
	x := Placeholder(g, Float32, []int{-1, 3})
	w := Cast(Const(g, f64(make([]float64, 6), 3, 2)), Float32)
	b := Cast(Const(g, f64([]float64{1, 2}, 2)), Float32)
	if y := Relu(FusedMatMul(x, w, b, "")); y.Op().Type() != "FusedMatMul" || y.Op().Attr("activation") != "Relu" {
		t.Errorf("Relu(FusedMatMul linear) builds %s %v, want a FusedMatMul with activation Relu", y.Op().Type(), y.Op().Attr("activation"))
	}
	if y := Relu(FusedMatMul(x, w, b, "relu")); y.Op().Type() != "Relu" {
		t.Errorf("Relu of a FusedMatMul relu builds %s, want a Relu", y.Op().Type())
	}
}
