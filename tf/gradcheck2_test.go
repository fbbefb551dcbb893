package tf

import (
	"fmt"
	"math/rand/v2"
	"testing"

	"github.com/tensorgo/tensorgo/tensor"
)

// gradOf returns x -> d/dx0 sum(f(xs) * c) for a fixed random c, so that
// checking it against finite differences checks the gradient ops
// themselves (ReluGrad, SumToShape, ReduceGrad, SliceGrad, GatherGrad,
// ...): second-order derivatives.
func gradOf(f func(xs []*Tensor) *Tensor, outShape []int) func(xs []*Tensor) *Tensor {
	r := rand.New(rand.NewPCG(9, 9))
	c := randTensor(r, outShape, uniform(0.5, 1.5))
	return func(xs []*Tensor) *Tensor {
		y := f(xs)
		return Gradients([]*Tensor{ReduceSum(Mul(y, Const(xs[0].Graph(), c)), nil, false)}, xs[:1])[0]
	}
}

func TestSecondOrderGradients(t *testing.T) {
	idx := tensor.From([]int32{2, 0, 2})
	cases := []struct {
		name   string
		shapes [][]int
		out    []int
		f      func(xs []*Tensor) *Tensor
		gen    func(*rand.Rand) float64
	}{
		{"Relu", [][]int{{2, 3}}, []int{2, 3}, x0(func(x *Tensor) *Tensor { return Mul(Relu(x), x) }), away},
		{"Sigmoid", [][]int{{2, 3}}, []int{2, 3}, x0(Sigmoid), nil},
		{"Tanh", [][]int{{2, 3}}, []int{2, 3}, x0(Tanh), nil},
		{"Softplus", [][]int{{4}}, []int{4}, x0(Softplus), nil},
		{"Add broadcast", [][]int{{2, 3}, {3}}, []int{2, 3}, x01(func(a, b *Tensor) *Tensor { return Square(Add(a, b)) }), nil},
		{"Mul broadcast", [][]int{{3}, {2, 3}}, []int{2, 3}, x01(func(a, b *Tensor) *Tensor { return Mul(Square(a), b) }), nil},
		{"ReduceMean", [][]int{{2, 3}}, []int{2}, x0(func(x *Tensor) *Tensor { return Square(ReduceMean(Square(x), []int{1}, false)) }), nil},
		{"ReduceSum keep", [][]int{{2, 3}}, []int{1, 3}, x0(func(x *Tensor) *Tensor { return Exp(ReduceSum(Mul(x, x), []int{0}, true)) }), uniform(-0.5, 0.5)},
		{"ReduceMax", [][]int{{2, 3}}, []int{2}, x0(func(x *Tensor) *Tensor { return Square(ReduceMax(x, []int{1}, false)) }), nil},
		{"LogSumExp", [][]int{{2, 3}}, []int{2}, x0(func(x *Tensor) *Tensor { return ReduceLogSumExp(x, []int{1}, false) }), nil},
		{"MatMul", [][]int{{2, 3}, {3, 2}}, []int{2, 2}, x01(func(a, b *Tensor) *Tensor { return MatMul(Square(a), b) }), nil},
		{"Softmax", [][]int{{2, 4}}, []int{2, 4}, x0(func(x *Tensor) *Tensor { return Softmax(x) }), nil},
		{"LogSoftmax", [][]int{{2, 4}}, []int{2, 4}, x0(func(x *Tensor) *Tensor { return LogSoftmax(x) }), nil},
		{"SparseXent", [][]int{{3, 4}}, []int{3}, x0(func(z *Tensor) *Tensor {
			return SparseSoftmaxCrossEntropyWithLogits(Const(z.Graph(), idx), z)
		}), nil},
		{"Slice", [][]int{{3, 4}}, []int{2, 2}, x0(func(x *Tensor) *Tensor { return Square(Slice(x, []int{1, 1}, []int{2, 2})) }), nil},
		{"Gather", [][]int{{3, 2}}, []int{3, 2}, x0(func(x *Tensor) *Tensor { return Square(Gather(x, Const(x.Graph(), idx), 0)) }), nil},
		{"Reshape unknown", [][]int{{2, 3}}, []int{3, 2}, x0(func(x *Tensor) *Tensor { return Exp(Reshape(x, 3, -1)) }), nil},
		{"Transpose", [][]int{{2, 3}}, []int{3, 2}, x0(func(x *Tensor) *Tensor { return Sin(Transpose(x)) }), nil},
		{"Concat", [][]int{{2, 3}}, []int{2, 6}, x0(func(x *Tensor) *Tensor { return Concat(1, Square(x), Exp(x)) }), nil},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			checkGrad(t, gradCase{name: fmt.Sprintf("d/dx %s", c.name), shapes: c.shapes, f: gradOf(c.f, c.out), gen: c.gen})
		})
	}
}
