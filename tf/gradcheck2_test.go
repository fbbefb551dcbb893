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

// The shape helpers that gradients build when static shapes are unknown
// (BroadcastLike, ReshapeLike), and ReduceProd with zeros, whose gradient
// is not y/x.
func TestGradientsOfShapeHelpers(t *testing.T) {
	like := func(shape ...int) func(x *Tensor) *Tensor {
		return func(x *Tensor) *Tensor { return Const(x.Graph(), tensor.New(Float64, shape...)) }
	}
	withZeros := func(r *rand.Rand) float64 {
		if r.IntN(3) == 0 {
			return 0
		}
		return uniform(-2, 2)(r)
	}
	for _, c := range []gradCase{
		{name: "BroadcastLike", shapes: [][]int{{3, 1}}, f: x0(func(x *Tensor) *Tensor {
			return apply1("BroadcastLike", attrs{}, nil, x, like(2, 3, 4)(x))
		})},
		{name: "BroadcastLike scalar", shapes: [][]int{{}}, f: x0(func(x *Tensor) *Tensor {
			return apply1("BroadcastLike", attrs{}, nil, x, like(2, 2)(x))
		})},
		{name: "ReshapeLike", shapes: [][]int{{2, 6}}, f: x0(func(x *Tensor) *Tensor {
			return Square(apply1("ReshapeLike", attrs{}, nil, x, like(3, 4)(x)))
		})},
		{name: "ReduceProd with zeros", shapes: [][]int{{4, 3}}, f: x0(func(x *Tensor) *Tensor { return ReduceProd(x, []int{1}, false) }), gen: withZeros},
		{name: "ReduceProd with zeros keep", shapes: [][]int{{3, 4}}, f: x0(func(x *Tensor) *Tensor { return ReduceProd(x, []int{0}, true) }), gen: withZeros},
		{name: "ReduceProd all", shapes: [][]int{{2, 3}}, f: x0(func(x *Tensor) *Tensor { return ReduceProd(x, nil, false) }), gen: withZeros},
		{name: "Concat unknown batch axis 0", shapes: [][]int{{2, 3}, {3, 3}}, unknownBatch: true,
			f: x01(func(a, b *Tensor) *Tensor { return Concat(0, Square(a), b, a) })},
		{name: "Concat unknown batch axis 1", shapes: [][]int{{2, 3}, {2, 1}}, unknownBatch: true,
			f: x01(func(a, b *Tensor) *Tensor { return Concat(1, a, Exp(b)) })},
		{name: "Stack unknown batch", shapes: [][]int{{2, 3}, {2, 3}}, unknownBatch: true,
			f: x01(func(a, b *Tensor) *Tensor { return Stack(1, a, Square(b)) })},
		{name: "d/dx Concat unknown batch", shapes: [][]int{{2, 3}}, unknownBatch: true,
			f: gradOf(x0(func(x *Tensor) *Tensor { return Concat(0, Square(x), Exp(x)) }), []int{4, 3})},
		{name: "MLP unknown batch", shapes: [][]int{{4, 3}}, unknownBatch: true, f: x0(func(x *Tensor) *Tensor {
			w := Const(x.Graph(), tensor.From([][]float64{{0.5, -1}, {1, 0.25}, {-0.5, 2}}))
			return LogSoftmax(BiasAdd(MatMul(Tanh(x), w), Const(x.Graph(), []float64{0.1, -0.2})))
		})},
		{name: "ClipByNorm of zeros", shapes: [][]int{{3}}, f: x0(func(x *Tensor) *Tensor { return ClipByNorm(Mul(x, ZerosLike(x)), 1) })},
	} {
		t.Run(c.name, func(t *testing.T) { checkGrad(t, c) })
	}
}

// Second shapes (and broadcasting where it applies) for the ops that
// TestGradients checks at one shape.
func TestGradientsMoreShapes(t *testing.T) {
	bc := func(g *Graph, v [][]bool) *Tensor { return Const(g, tensor.From(v)) }
	cases := []gradCase{
		{name: "Transpose 2D", shapes: [][]int{{3, 4}}, f: x0(func(x *Tensor) *Tensor { return Transpose(x) })},
		{name: "Transpose 4D", shapes: [][]int{{2, 1, 3, 2}}, f: x0(func(x *Tensor) *Tensor { return Transpose(x, 3, 1, 0, 2) })},
		{name: "Reshape 1D to 3D", shapes: [][]int{{12}}, f: x0(func(x *Tensor) *Tensor { return Sin(Reshape(x, 2, -1, 3)) })},
		{name: "Slice 1D", shapes: [][]int{{6}}, f: x0(func(x *Tensor) *Tensor { return Slice(x, []int{2}, []int{3}) })},
		{name: "Slice 4D", shapes: [][]int{{2, 3, 2, 3}}, f: x0(func(x *Tensor) *Tensor { return Slice(x, []int{1, 0, 1, 1}, []int{-1, 2, 1, -1}) })},
		{name: "Where broadcast cond", shapes: [][]int{{2, 3}, {}}, f: x01(func(a, b *Tensor) *Tensor {
			return Where(bc(a.Graph(), [][]bool{{true, false, true}}), a, b)
		})},
		{name: "Where 3D", shapes: [][]int{{2, 1, 3}, {4, 1}}, f: x01(func(a, b *Tensor) *Tensor {
			return Where(Greater(Add(a, b), scalarLike(a, 0)), Square(a), Exp(b))
		}), gen: away},
		{name: "BroadcastTo scalar", shapes: [][]int{{}}, f: x0(func(x *Tensor) *Tensor { return BroadcastTo(x, 2, 3) })},
		{name: "BroadcastTo vector", shapes: [][]int{{4}}, f: x0(func(x *Tensor) *Tensor { return BroadcastTo(x, 2, 3, 4) })},
		{name: "BiasAdd 3D", shapes: [][]int{{2, 3, 4}, {4}}, f: x01(BiasAdd)},
		{name: "BiasAdd 1D", shapes: [][]int{{5}, {5}}, f: x01(BiasAdd)},
		{name: "Concat 3D axis -1", shapes: [][]int{{2, 2, 1}, {2, 2, 3}}, f: x01(func(a, b *Tensor) *Tensor { return Concat(-1, Square(a), b) })},
		{name: "Stack axis -1", shapes: [][]int{{3}, {3}}, f: x01(func(a, b *Tensor) *Tensor { return Stack(-1, a, Exp(b)) })},
		{name: "Split 3 ways", shapes: [][]int{{6, 2}}, f: x0(func(x *Tensor) *Tensor {
			p := Split(x, 0, 1, -1, 2)
			return Concat(0, Exp(p[2]), p[0], Square(p[1]))
		})},
		{name: "Gather 2D indices axis 0", shapes: [][]int{{4}}, f: x0(func(x *Tensor) *Tensor {
			return Gather(x, Const(x.Graph(), tensor.From([][]int32{{3, 3}, {0, 2}})), 0)
		})},
		{name: "Softmax 3D axis 1", shapes: [][]int{{2, 3, 2}}, f: x0(func(x *Tensor) *Tensor { return Softmax(x, 1) })},
		{name: "LogSoftmax 1D", shapes: [][]int{{5}}, f: x0(func(x *Tensor) *Tensor { return LogSoftmax(x) })},
		{name: "SoftmaxCrossEntropyWithLogits 1D", shapes: [][]int{{4}, {4}}, f: x01(func(l, z *Tensor) *Tensor {
			return SoftmaxCrossEntropyWithLogits(Softmax(l), z)
		})},
		{name: "SoftmaxCrossEntropyWithLogits 3D", shapes: [][]int{{2, 2, 3}, {2, 2, 3}}, f: x01(func(l, z *Tensor) *Tensor {
			return SoftmaxCrossEntropyWithLogits(Softmax(l), z)
		})},
		{name: "SparseSoftmaxCrossEntropyWithLogits 3D", shapes: [][]int{{2, 2, 3}}, f: x0(func(z *Tensor) *Tensor {
			return SparseSoftmaxCrossEntropyWithLogits(Const(z.Graph(), tensor.From([][]int64{{0, 2}, {1, 1}})), z)
		})},
		{name: "SigmoidCrossEntropyWithLogits broadcast", shapes: [][]int{{3}, {2, 3}}, f: x01(func(l, z *Tensor) *Tensor {
			return SigmoidCrossEntropyWithLogits(Sigmoid(l), z)
		}), gen: away},
		{name: "MeanSquaredError 1D", shapes: [][]int{{5}, {5}}, f: x01(MeanSquaredError)},
		{name: "MeanSquaredError broadcast", shapes: [][]int{{2, 1, 3}, {4, 3}}, f: x01(MeanSquaredError)},
		{name: "MeanAbsoluteError 3D", shapes: [][]int{{2, 2, 3}, {2, 2, 3}}, f: x01(MeanAbsoluteError), gen: away},
		{name: "Huber delta 0.5", shapes: [][]int{{2, 5}, {5}}, f: x01(func(a, b *Tensor) *Tensor { return Huber(a, b, 0.5) }), gen: away},
		{name: "LogLoss 1D", shapes: [][]int{{6}, {6}}, f: x01(func(a, b *Tensor) *Tensor { return LogLoss(a, b) }), gen: uniform(0.1, 0.9)},
		{name: "Hinge 1D", shapes: [][]int{{6}, {6}}, f: x01(Hinge), gen: away},
		{name: "SquaredHinge broadcast", shapes: [][]int{{3}, {2, 3}}, f: x01(SquaredHinge), gen: away},
		{name: "MatMul vector-matrix", shapes: [][]int{{1, 4}, {4, 1}}, f: x01(func(a, b *Tensor) *Tensor { return MatMul(a, b) })},
		{name: "MatMul batch broadcast", shapes: [][]int{{2, 1, 2, 3}, {3, 3, 2}}, f: x01(func(a, b *Tensor) *Tensor { return MatMul(a, b, TransposeA(false), TransposeB(false)) })},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) { checkGrad(t, c) })
	}
}
