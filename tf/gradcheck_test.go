package tf

import (
	"fmt"
	"math"
	"math/rand/v2"
	"testing"

	"github.com/tensorgo/tensorgo/tensor"
)

// A gradCase is one differentiable function of float64 inputs checked
// against central finite differences, in graph mode, and against the same
// function's eager (tape) gradients.
type gradCase struct {
	name   string
	shapes [][]int
	f      func(xs []*Tensor) *Tensor
	// gen draws input values (default uniform in [-2, 2]).
	gen func(r *rand.Rand) float64
	// unknownBatch builds the graph on placeholders whose first dimension
	// is unknown (None), so that gradients take their dynamic-shape paths.
	unknownBatch bool
}

func uniform(lo, hi float64) func(r *rand.Rand) float64 {
	return func(r *rand.Rand) float64 { return lo + (hi-lo)*r.Float64() }
}

// away draws from ±[0.2, 2], away from kinks at 0.
func away(r *rand.Rand) float64 {
	v := 0.2 + 1.8*r.Float64()
	if r.IntN(2) == 0 {
		return -v
	}
	return v
}

var positive = uniform(0.5, 2)

func randTensor(r *rand.Rand, shape []int, gen func(*rand.Rand) float64) *tensor.Tensor {
	t := tensor.New(tensor.Float64, shape...)
	d := t.Float64s()
	for i := range d {
		d[i] = gen(r)
	}
	return t
}

// checkGrad verifies one case: graph gradients vs finite differences
// (relative error < 1e-6), and eager gradients vs graph gradients.
func checkGrad(t *testing.T, c gradCase) {
	t.Helper()
	r := rand.New(rand.NewPCG(1, uint64(len(c.name))))
	gen := c.gen
	if gen == nil {
		gen = uniform(-2, 2)
	}
	vals := make([]*tensor.Tensor, len(c.shapes))
	for i, s := range c.shapes {
		vals[i] = randTensor(r, s, gen)
	}
	g := NewGraph()
	phs := make([]*Tensor, len(vals))
	feeds := Feeds{}
	for i, v := range vals {
		shape := v.Shape().Clone()
		if c.unknownBatch && len(shape) > 0 {
			shape[0] = -1
		}
		phs[i] = Placeholder(g, Float64, shape, Name(fmt.Sprintf("x%d", i)))
		feeds[phs[i]] = v
	}
	from := len(g.Operations())
	y := c.f(phs)
	recordOps(fdCovered, g, from)
	outShape := y.Shape()
	if c.unknownBatch { // the concrete shape, from an eager run
		cs := make([]*Tensor, len(vals))
		for i, v := range vals {
			cs[i] = Constant(v)
			cs[i].watched = true // for cases that take gradients inside f
		}
		outShape = c.f(cs).Shape()
	}
	// A random weighting makes every output element matter.
	wv := randTensor(r, outShape, uniform(0.5, 1.5))
	loss := ReduceSum(Mul(y, Const(g, wv)), nil, false)
	grads := Gradients([]*Tensor{loss}, phs)
	s := NewSession(g)
	eval := func() float64 {
		out, err := s.Run(feeds, []*Tensor{loss})
		if err != nil {
			t.Fatalf("%s: %v", c.name, err)
		}
		return out[0].Item()
	}
	var fetch []*Tensor
	for i, gr := range grads {
		if gr == nil {
			t.Fatalf("%s: gradient of input %d is nil", c.name, i)
		}
		fetch = append(fetch, gr)
	}
	out, err := s.Run(feeds, fetch)
	if err != nil {
		t.Fatalf("%s: %v", c.name, err)
	}
	analytic := make([]*tensor.Tensor, len(out))
	for i, o := range out {
		analytic[i] = o.Clone()
	}
	// The same gradient graph on the reference device.
	rout, err := NewSession(g, SessionDevice(RefDevice)).Run(feeds, fetch)
	if err != nil {
		t.Fatalf("%s on %s: %v", c.name, RefDevice, err)
	}
	for i, o := range rout {
		matchRef(t, fmt.Sprintf("%s: gradient %d", c.name, i), analytic[i], o)
	}
	const h = 1e-6
	for i, v := range vals {
		d := v.Float64s()
		a := analytic[i].Float64s()
		if len(a) != len(d) {
			t.Fatalf("%s: gradient %d has %d elements, input has %d", c.name, i, len(a), len(d))
		}
		for k := range d {
			orig := d[k]
			d[k] = orig + h
			fp := eval()
			d[k] = orig - h
			fm := eval()
			d[k] = orig
			num := (fp - fm) / (2 * h)
			if e := math.Abs(a[k]-num) / math.Max(1, math.Abs(num)); e > 1e-6 || math.IsNaN(e) {
				t.Errorf("%s: d/dx%d[%d]: analytic %.10g, numeric %.10g (rel. error %.2g)", c.name, i, k, a[k], num, e)
				return
			}
		}
	}
	// Eager: the same function on watched tensors.
	tape := NewGradientTape(false)
	ins := make([]*Tensor, len(vals))
	for i, v := range vals {
		ins[i] = Constant(v)
		tape.Watch(ins[i])
	}
	ye := c.f(ins)
	le := ReduceSum(Mul(ye, Constant(wv)), nil, false)
	ge, err := tape.Gradient(le, ins)
	if err != nil {
		t.Fatalf("%s: eager: %v", c.name, err)
	}
	for i := range vals {
		if ge[i] == nil {
			t.Fatalf("%s: eager gradient %d is nil", c.name, i)
		}
		a, e := analytic[i].Float64s(), ge[i].Value().Float64s()
		for k := range a {
			if math.Abs(a[k]-e[k]) > 1e-9*math.Max(1, math.Abs(a[k])) {
				t.Errorf("%s: eager gradient %d[%d] = %g, graph %g", c.name, i, k, e[k], a[k])
				return
			}
		}
	}
}

func x0(f func(*Tensor) *Tensor) func([]*Tensor) *Tensor {
	return func(xs []*Tensor) *Tensor { return f(xs[0]) }
}

func x01(f func(a, b *Tensor) *Tensor) func([]*Tensor) *Tensor {
	return func(xs []*Tensor) *Tensor { return f(xs[0], xs[1]) }
}

func TestGradients(t *testing.T) {
	var cases []gradCase
	binShapes := [][][]int{{{3, 4}, {3, 4}}, {{3, 4}, {4}}, {{2, 1, 3}, {4, 1}}, {{}, {3}}, {{2, 3}, {1, 1}}}
	for _, b := range []struct {
		name string
		f    func(a, b *Tensor) *Tensor
		gen  func(*rand.Rand) float64
	}{
		{"Add", Add, nil}, {"Sub", Sub, nil}, {"Mul", Mul, nil}, {"Div", Div, away},
		{"DivNoNan", DivNoNan, away}, {"Pow", Pow, positive}, {"Maximum", Maximum, nil},
		{"Minimum", Minimum, nil}, {"SquaredDifference", SquaredDifference, nil},
		{"BiasAdd-like Add", func(a, b *Tensor) *Tensor { return Add(a, b) }, nil},
	} {
		for _, s := range binShapes {
			cases = append(cases, gradCase{name: fmt.Sprintf("%s%v", b.name, s), shapes: s, f: x01(b.f), gen: b.gen})
		}
	}
	unShapes := [][]int{{5}, {2, 3}, {}}
	for _, u := range []struct {
		name string
		f    func(*Tensor) *Tensor
		gen  func(*rand.Rand) float64
	}{
		{"Neg", Neg, nil}, {"Abs", Abs, away}, {"Square", Square, nil}, {"Exp", Exp, nil},
		{"Log", Log, positive}, {"Log1p", Log1p, positive}, {"Expm1", Expm1, nil},
		{"Sqrt", Sqrt, positive}, {"Rsqrt", Rsqrt, positive}, {"Reciprocal", Reciprocal, away},
		{"Sin", Sin, nil}, {"Cos", Cos, nil}, {"Tan", Tan, uniform(-1, 1)}, {"Erf", Erf, nil},
		{"Tanh", Tanh, nil}, {"Sigmoid", Sigmoid, nil}, {"LogSigmoid", LogSigmoid, nil},
		{"Softplus", Softplus, nil}, {"Softsign", Softsign, away}, {"Relu", Relu, away},
		{"Relu6", Relu6, uniform(0.2, 5.8)}, {"Relu6 outside", Relu6, uniform(6.2, 8)},
		{"Elu", func(x *Tensor) *Tensor { return Elu(x) }, away},
		{"Elu alpha", func(x *Tensor) *Tensor { return Elu(x, 0.5) }, away},
		{"Selu", Selu, away}, {"Swish", Swish, nil}, {"Gelu", Gelu, nil},
		{"HardSigmoid", HardSigmoid, uniform(-2.4, 2.4)}, {"HardSigmoid flat", HardSigmoid, uniform(2.6, 4)},
		{"LeakyRelu", func(x *Tensor) *Tensor { return LeakyRelu(x) }, away},
		{"LeakyRelu 0.2", func(x *Tensor) *Tensor { return LeakyRelu(x, 0.2) }, away},
		{"ClipByValue", func(x *Tensor) *Tensor { return ClipByValue(x, -1, 1) }, away},
		{"Identity", func(x *Tensor) *Tensor { return Identity(x) }, nil},
		{"Cast64", func(x *Tensor) *Tensor { return Cast(x, Float64) }, nil},
		{"Softmax", func(x *Tensor) *Tensor { return Softmax(x) }, nil},
		{"LogSoftmax", func(x *Tensor) *Tensor { return LogSoftmax(x) }, nil},
		{"L1Loss", L1Loss, away}, {"L2Loss", L2Loss, nil},
		{"L1L2Penalty", func(x *Tensor) *Tensor { return L1L2Penalty(x, 0.01, 0.02) }, away},
		{"ClipByNorm", func(x *Tensor) *Tensor { return ClipByNorm(x, 0.5) }, nil},
		{"ClipByNorm inactive", func(x *Tensor) *Tensor { return ClipByNorm(x, 100) }, nil},
	} {
		for _, s := range unShapes {
			if len(s) == 0 && (u.name == "Softmax" || u.name == "LogSoftmax") {
				continue
			}
			cases = append(cases, gradCase{name: fmt.Sprintf("%s%v", u.name, s), shapes: [][]int{s}, f: x0(u.f), gen: u.gen})
		}
	}
	for _, r := range []struct {
		name string
		f    func(x *Tensor, axes []int, keep bool) *Tensor
		gen  func(*rand.Rand) float64
	}{
		{"ReduceSum", ReduceSum, nil}, {"ReduceMean", ReduceMean, nil}, {"ReduceMax", ReduceMax, nil},
		{"ReduceMin", ReduceMin, nil}, {"ReduceProd", ReduceProd, away}, {"ReduceLogSumExp", ReduceLogSumExp, nil},
	} {
		for _, ax := range [][]int{nil, {0}, {1}, {-1}, {0, 2}} {
			for _, keep := range []bool{false, true} {
				f, axes, k := r.f, ax, keep
				cases = append(cases, gradCase{name: fmt.Sprintf("%s%v keep=%v", r.name, ax, keep), shapes: [][]int{{2, 3, 4}},
					f: func(xs []*Tensor) *Tensor { return f(xs[0], axes, k) }, gen: r.gen})
			}
		}
	}
	for _, tr := range [][2]bool{{false, false}, {true, false}, {false, true}, {true, true}} {
		ta, tb := tr[0], tr[1]
		sa, sb := []int{3, 4}, []int{4, 5}
		if ta {
			sa = []int{4, 3}
		}
		if tb {
			sb = []int{5, 4}
		}
		cases = append(cases, gradCase{name: fmt.Sprintf("MatMul ta=%v tb=%v", ta, tb), shapes: [][]int{sa, sb},
			f: func(xs []*Tensor) *Tensor { return MatMul(xs[0], xs[1], TransposeA(ta), TransposeB(tb)) }})
	}
	cases = append(cases,
		gradCase{name: "MatMul batch", shapes: [][]int{{2, 3, 4}, {4, 5}}, f: x01(func(a, b *Tensor) *Tensor { return MatMul(a, b) })},
		gradCase{name: "MatMul batch both", shapes: [][]int{{2, 3, 4}, {2, 4, 2}}, f: x01(func(a, b *Tensor) *Tensor { return MatMul(a, b) })},
		gradCase{name: "BiasAdd", shapes: [][]int{{3, 4}, {4}}, f: x01(BiasAdd)},
		gradCase{name: "Softmax axis0", shapes: [][]int{{3, 4}}, f: x0(func(x *Tensor) *Tensor { return Softmax(x, 0) })},
		gradCase{name: "LogSoftmax axis0", shapes: [][]int{{3, 4}}, f: x0(func(x *Tensor) *Tensor { return LogSoftmax(x, 0) })},
		gradCase{name: "SoftmaxCrossEntropyWithLogits", shapes: [][]int{{3, 5}, {3, 5}}, f: x01(func(l, z *Tensor) *Tensor {
			return SoftmaxCrossEntropyWithLogits(Softmax(l), z)
		})},
		gradCase{name: "SparseSoftmaxCrossEntropyWithLogits", shapes: [][]int{{4, 5}}, f: x0(func(z *Tensor) *Tensor {
			return SparseSoftmaxCrossEntropyWithLogits(Const(z.Graph(), tensor.From([]int32{0, 4, 2, 2})), z)
		})},
		gradCase{name: "SigmoidCrossEntropyWithLogits", shapes: [][]int{{3, 4}, {3, 4}}, f: x01(func(l, z *Tensor) *Tensor {
			return SigmoidCrossEntropyWithLogits(Sigmoid(l), z)
		}), gen: away},
		gradCase{name: "MeanSquaredError", shapes: [][]int{{3, 4}, {3, 4}}, f: x01(MeanSquaredError)},
		gradCase{name: "MeanAbsoluteError", shapes: [][]int{{3, 4}, {3, 4}}, f: x01(MeanAbsoluteError), gen: away},
		gradCase{name: "Huber", shapes: [][]int{{3, 4}, {3, 4}}, f: x01(func(a, b *Tensor) *Tensor { return Huber(a, b) })},
		gradCase{name: "LogLoss", shapes: [][]int{{3, 4}, {3, 4}}, f: x01(func(a, b *Tensor) *Tensor { return LogLoss(a, b) }), gen: uniform(0.1, 0.9)},
		gradCase{name: "Hinge", shapes: [][]int{{3, 4}, {3, 4}}, f: x01(Hinge), gen: away},
		gradCase{name: "SquaredHinge", shapes: [][]int{{3, 4}, {3, 4}}, f: x01(SquaredHinge), gen: away},
		gradCase{name: "Transpose", shapes: [][]int{{2, 3, 4}}, f: x0(func(x *Tensor) *Tensor { return Transpose(x, 2, 0, 1) })},
		gradCase{name: "Reshape", shapes: [][]int{{2, 3, 4}}, f: x0(func(x *Tensor) *Tensor { return Reshape(x, 4, -1) })},
		gradCase{name: "ExpandDims+Squeeze", shapes: [][]int{{2, 3}}, f: x0(func(x *Tensor) *Tensor { e := ExpandDims(x, 1); return Squeeze(Mul(e, Exp(e)), 1) })},
		gradCase{name: "Concat", shapes: [][]int{{2, 3}, {2, 2}}, f: x01(func(a, b *Tensor) *Tensor { return Concat(1, a, Square(b)) })},
		gradCase{name: "Stack", shapes: [][]int{{2, 3}, {2, 3}}, f: x01(func(a, b *Tensor) *Tensor { return Stack(0, a, Square(b)) })},
		gradCase{name: "Split", shapes: [][]int{{2, 5}}, f: x0(func(x *Tensor) *Tensor { p := Split(x, 1, 2, 3); return Concat(1, Square(p[1]), p[0]) })},
		gradCase{name: "Slice", shapes: [][]int{{3, 4, 2}}, f: x0(func(x *Tensor) *Tensor { return Slice(x, []int{1, 1, 0}, []int{2, -1, 1}) })},
		gradCase{name: "Gather", shapes: [][]int{{5, 3}}, f: x0(func(x *Tensor) *Tensor {
			return Gather(x, Const(x.Graph(), tensor.From([]int32{4, 0, 4, 2})), 0)
		})},
		gradCase{name: "Gather axis1", shapes: [][]int{{2, 4, 3}}, f: x0(func(x *Tensor) *Tensor {
			return Gather(x, Const(x.Graph(), tensor.From([][]int64{{3, 1}, {1, 1}})), 1)
		})},
		gradCase{name: "Where", shapes: [][]int{{2, 3}, {3}}, f: x01(func(a, b *Tensor) *Tensor {
			return Where(Const(a.Graph(), tensor.From([][]bool{{true, false, true}, {false, false, true}})), a, b)
		})},
		gradCase{name: "BroadcastTo", shapes: [][]int{{3, 1}}, f: x0(func(x *Tensor) *Tensor { return BroadcastTo(x, 2, 3, 4) })},
		gradCase{name: "composite MLP", shapes: [][]int{{4, 3}, {3, 5}, {5}}, f: func(xs []*Tensor) *Tensor {
			return Softmax(Relu(BiasAdd(MatMul(Tanh(xs[0]), xs[1]), xs[2])))
		}, gen: away},
	)
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) { checkGrad(t, c) })
	}
}
