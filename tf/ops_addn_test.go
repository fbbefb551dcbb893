package tf

import (
	"math"
	"math/rand/v2"
	"strings"
	"testing"

	"github.com/tensorgo/tensorgo/tensor"
)

func TestAddN(t *testing.T) {
	a := f64([]float64{1, 2, 3, 4}, 2, 2)
	b := f64([]float64{10, 20, 30, 40}, 2, 2)
	c := f64([]float64{100, 200, 300, 400}, 2, 2)
	expect(t, "AddN", runBoth(t, "AddN", func(xs []*Tensor) *Tensor { return AddN(xs...) }, a, b, c),
		Float64, []int{2, 2}, []float64{111, 222, 333, 444}, 0)
	checkGrad(t, gradCase{name: "AddN", shapes: [][]int{{3, 2}, {3, 2}, {3, 2}, {3, 2}}, f: func(xs []*Tensor) *Tensor {
		return Mul(AddN(xs...), xs[1])
	}})

	// float32, over more than one block and thread chunk: the same bits as
	// the chain of Adds.
	r := rand.New(rand.NewPCG(3, 4))
	n := 3*addNBlock + 5 + 1<<15
	var ins []*tensor.Tensor
	for i := 0; i < 4; i++ {
		v := make([]float32, n)
		for j := range v {
			v[j] = float32(r.NormFloat64()) * float32(math.Pow(10, float64(r.IntN(6)-3)))
		}
		ins = append(ins, tensor.FromSlice(v, n))
	}
	var xs []*Tensor
	for _, v := range ins {
		xs = append(xs, Constant(v))
	}
	got := AddN(xs...).Value().Float32s()
	want := Add(Add(Add(xs[0], xs[1]), xs[2]), xs[3]).Value().Float32s()
	for i := range got {
		if math.Float32bits(got[i]) != math.Float32bits(want[i]) {
			t.Fatalf("AddN[%d] = %v, the chain of Adds %v", i, got[i], want[i])
		}
	}

	// A tensor used three times: its gradient is one AddN.
	g := NewGraph()
	x := Placeholder(g, Float32, tensor.Shape{-1, 3})
	y := ReduceSum(Add(Mul(x, x), Mul(x, Const(g, float32(2)))), nil, false)
	dx := Gradients([]*Tensor{y}, []*Tensor{x}, nil)[0]
	if dx.op.Type() != "AddN" {
		t.Errorf("the gradient of a tensor used three times is %s, want AddN", dx.op.Type())
	}
	s := NewSession(g)
	out, err := s.Run(Feeds{x: tensor.FromSlice([]float32{1, 2, 3, -1, 0, 5}, 2, 3)}, []*Tensor{dx})
	if err != nil {
		t.Fatal(err)
	}
	expect(t, "d/dx (x² + 2x)", out[0], Float32, []int{2, 3}, []float64{4, 6, 8, 0, 2, 12}, 0)

	defer func() {
		if e := recover(); e == nil || !strings.Contains(e.(error).Error(), "AddN") {
			t.Errorf("AddN of mismatched shapes: %v", e)
		}
	}()
	AddN(Const(g, f64([]float64{1, 2}, 2)), Const(g, f64([]float64{1, 2, 3}, 3)))
}
