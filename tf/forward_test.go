package tf

import (
	"flag"
	"fmt"
	"math"
	"math/rand/v2"
	"os"
	"sort"
	"testing"

	"github.com/tensorgo/tensorgo/internal/parallel"
	"github.com/tensorgo/tensorgo/tensor"
)

// Op types seen by the forward tests (run against an independent
// reference, on the CPU and on the reference device) and by the
// finite-difference gradient tests (on both devices too); TestMain checks
// that every registered op is in the first, every differentiable one in the
// second, and that every op has a reference-device kernel.
var (
	fwdCovered = map[string]bool{}
	fdCovered  = map[string]bool{}
)

// Ops that no forward test builds on purpose: they need a Session or a
// variable rather than a value (covered by the session and optimizer tests).
var fwdExempt = map[string]bool{
	"Const": true, "Placeholder": true, "NoOp": true, "VariableV2": true,
	"Assign": true, "AssignAdd": true, "AssignSub": true, "LearningRateSchedule": true,
	"ApplyGradientDescent": true, "ApplyMomentum": true, "ApplyAdagrad": true,
	"ApplyRMSProp": true, "ApplyAdam": true,
}

// Differentiable ops without a finite-difference test: Dropout draws a new
// mask at every run, so f(x+h) and f(x-h) differ by more than the step; its
// gradient is the mask, which TestDropout checks element by element.
var fdExempt = map[string]bool{"Dropout": true}

func TestMain(m *testing.M) {
	flag.Parse()
	code := m.Run()
	// Only a full run sees every test.
	if code == 0 && flag.Lookup("test.run").Value.String() == "" && flag.Lookup("test.skip").Value.String() == "" {
		var noFwd, noFD, noRef []string
		for _, typ := range RegisteredOps() {
			if LookupOp(typ).KernelFor("REF") == nil {
				noRef = append(noRef, typ)
			}
			if !fwdCovered[typ] && !fwdExempt[typ] {
				noFwd = append(noFwd, typ)
			}
			if LookupOp(typ).Grad != nil && !fdCovered[typ] && !fdExempt[typ] {
				noFD = append(noFD, typ)
			}
		}
		if len(noFwd) > 0 || len(noFD) > 0 || len(noRef) > 0 {
			fmt.Printf("ops without a forward test against a reference: %v\ndifferentiable ops without a finite-difference gradient test: %v\nops without a kernel on the reference device: %v\n", noFwd, noFD, noRef)
			code = 1
		}
	}
	os.Exit(code)
}

// recordOps adds the types of g's ops from index from on to set.
func recordOps(set map[string]bool, g *Graph, from int) {
	for _, op := range g.Operations()[from:] {
		set[op.Type()] = true
	}
}

// runBoth evaluates f on ins eagerly and in a graph (placeholders fed
// through a Session), checks that both agree bit for bit, checks the
// graph's result against the reference device's, and returns it.
func runBoth(t *testing.T, name string, f func(xs []*Tensor) *Tensor, ins ...*tensor.Tensor) *tensor.Tensor {
	t.Helper()
	out := eagerAndGraph(t, name, f, true, ins...)
	// The same graph, built again, on the reference device.
	rg := NewGraph()
	rfeeds := Feeds{}
	rphs := make([]*Tensor, len(ins))
	for i, v := range ins {
		rphs[i] = Placeholder(rg, v.DType(), v.Shape())
		rfeeds[rphs[i]] = v
	}
	ry := f(rphs)
	rout, err := NewSession(rg, SessionDevice(RefDevice)).Run(rfeeds, []*Tensor{ry})
	if err != nil {
		t.Fatalf("%s on %s: %v", name, RefDevice, err)
	}
	matchRef(t, name, out, rout[0])
	return out.Clone()
}

// eagerAndGraph evaluates f on ins eagerly and in a graph (placeholders fed
// through a CPU Session), fails unless both agree bit for bit, and returns
// the graph's result. With cover, the graph's ops count as forward-tested
// (fwdCovered).
func eagerAndGraph(t *testing.T, name string, f func(xs []*Tensor) *Tensor, cover bool, ins ...*tensor.Tensor) *tensor.Tensor {
	t.Helper()
	es := make([]*Tensor, len(ins))
	for i, v := range ins {
		es[i] = Constant(v)
		es[i].watched = true // recorded, for cases that take gradients
	}
	eager := f(es).Value()
	g := NewGraph()
	feeds := Feeds{}
	phs := make([]*Tensor, len(ins))
	for i, v := range ins {
		phs[i] = Placeholder(g, v.DType(), v.Shape())
		feeds[phs[i]] = v
	}
	from := len(g.Operations())
	y := f(phs)
	if cover {
		recordOps(fwdCovered, g, from)
	}
	out, err := NewSession(g).Run(feeds, []*Tensor{y})
	if err != nil {
		t.Fatalf("%s: %v", name, err)
	}
	if !eager.Shape().Equal(out[0].Shape()) || eager.DType() != out[0].DType() {
		t.Fatalf("%s: eager %v %v, graph %v %v", name, eager.DType(), eager.Shape(), out[0].DType(), out[0].Shape())
	}
	for i := 0; i < eager.Size(); i++ {
		a, b := eager.Float(i), out[0].Float(i)
		if a != b && !(math.IsNaN(a) && math.IsNaN(b)) {
			t.Fatalf("%s: eager[%d] = %v, graph %v", name, i, a, b)
		}
	}
	return out[0]
}

// matchRef checks that a result of the CPU kernels matches the reference
// device's: dtype, shape, and values within a float32 or float64 rounding
// tolerance relative to max(1, |ref|); NaN matches NaN, infinities match
// exactly.
func matchRef(t *testing.T, name string, cpu, ref *tensor.Tensor) {
	t.Helper()
	if cpu.DType() != ref.DType() || !cpu.Shape().Equal(ref.Shape()) {
		t.Fatalf("%s: CPU %v %v, reference %v %v", name, cpu.DType(), cpu.Shape(), ref.DType(), ref.Shape())
	}
	tol := 1e-9
	if cpu.DType() == Float32 {
		tol = 2e-5
	}
	for i := 0; i < cpu.Size(); i++ {
		a, b := cpu.Float(i), ref.Float(i)
		if a == b || math.IsNaN(a) && math.IsNaN(b) {
			continue
		}
		if math.IsNaN(a) || math.IsNaN(b) || math.IsInf(a, 0) || math.IsInf(b, 0) || math.Abs(a-b) > tol*math.Max(1, math.Abs(b)) {
			t.Fatalf("%s: CPU kernel gives element %d = %v, the reference device %v", name, i, a, b)
		}
	}
}

// expect compares got with the reference want (shape, dtype, values within
// tol relative to max(1, |want|); NaN matches NaN).
func expect(t *testing.T, name string, got *tensor.Tensor, dtype tensor.DType, shape []int, want []float64, tol float64) {
	t.Helper()
	if got.DType() != dtype || !got.Shape().Equal(tensor.Shape(shape)) {
		t.Fatalf("%s: got %v %v, want %v %v", name, got.DType(), got.Shape(), dtype, tensor.Shape(shape))
	}
	if got.Size() != len(want) {
		t.Fatalf("%s: %d elements, reference has %d", name, got.Size(), len(want))
	}
	for i, w := range want {
		g := got.Float(i)
		if math.IsNaN(w) && math.IsNaN(g) || g == w {
			continue
		}
		if math.IsNaN(g) || math.IsNaN(w) || math.Abs(g-w) > tol*math.Max(1, math.Abs(w)) {
			t.Fatalf("%s: element %d = %v, want %v", name, i, g, w)
		}
	}
}

func vals(r *rand.Rand, n int, gen func(*rand.Rand) float64) []float64 {
	v := make([]float64, n)
	for i := range v {
		v[i] = gen(r)
	}
	return v
}

func f64(v []float64, shape ...int) *tensor.Tensor {
	return tensor.FromSlice(append([]float64(nil), v...), shape...)
}

// bcastIndex maps output coordinates to the flat index of an input of shape
// s under NumPy broadcasting.
func bcastIndex(idx []int, s []int) int {
	off := 0
	k := len(idx) - len(s)
	for d := range s {
		x := idx[k+d]
		if s[d] == 1 {
			x = 0
		}
		off = off*s[d] + x
	}
	return off
}

func coords(i int, s []int) []int {
	idx := make([]int, len(s))
	for d := len(s) - 1; d >= 0; d-- {
		idx[d] = i % s[d]
		i /= s[d]
	}
	return idx
}

func numel(s []int) int {
	n := 1
	for _, d := range s {
		n *= d
	}
	return n
}

// refBinary evaluates f elementwise over the broadcast of a (shape sa) and
// b (shape sb), whose result shape is so.
func refBinary(a []float64, sa []int, b []float64, sb []int, so []int, f func(x, y float64) float64) []float64 {
	out := make([]float64, numel(so))
	for i := range out {
		c := coords(i, so)
		out[i] = f(a[bcastIndex(c, sa)], b[bcastIndex(c, sb)])
	}
	return out
}

func mapf(x []float64, f func(float64) float64) []float64 {
	out := make([]float64, len(x))
	for i, v := range x {
		out[i] = f(v)
	}
	return out
}

func b2f(b bool) float64 {
	if b {
		return 1
	}
	return 0
}

func sigmoid(x float64) float64 { return 1 / (1 + math.Exp(-x)) }

func TestForwardUnary(t *testing.T) {
	r := rand.New(rand.NewPCG(5, 6))
	shape := []int{2, 3}
	for _, c := range []struct {
		name string
		f    func(*Tensor) *Tensor
		ref  func(float64) float64
		gen  func(*rand.Rand) float64
	}{
		{"Neg", Neg, func(x float64) float64 { return -x }, nil},
		{"Abs", Abs, math.Abs, nil},
		{"Sign", Sign, func(x float64) float64 { return b2f(x > 0) - b2f(x < 0) }, nil},
		{"Square", Square, func(x float64) float64 { return x * x }, nil},
		{"Exp", Exp, math.Exp, nil},
		{"Log", Log, math.Log, positive},
		{"Log1p", Log1p, func(x float64) float64 { return math.Log(1 + x) }, positive},
		{"Expm1", Expm1, func(x float64) float64 { return math.Exp(x) - 1 }, nil},
		{"Sqrt", Sqrt, math.Sqrt, positive},
		{"Rsqrt", Rsqrt, func(x float64) float64 { return 1 / math.Sqrt(x) }, positive},
		{"Reciprocal", Reciprocal, func(x float64) float64 { return 1 / x }, away},
		{"Floor", Floor, math.Floor, nil},
		{"Ceil", Ceil, math.Ceil, nil},
		{"Round", Round, math.RoundToEven, func(r *rand.Rand) float64 { return float64(r.IntN(17)-8) / 2 }},
		{"Sin", Sin, math.Sin, nil},
		{"Cos", Cos, math.Cos, nil},
		{"Tan", Tan, math.Tan, uniform(-1, 1)},
		{"Erf", Erf, math.Erf, nil},
		{"Relu", Relu, func(x float64) float64 { return math.Max(x, 0) }, nil},
		{"Relu6", Relu6, func(x float64) float64 { return math.Min(math.Max(x, 0), 6) }, uniform(-3, 9)},
		{"Sigmoid", Sigmoid, sigmoid, nil},
		{"LogSigmoid", LogSigmoid, func(x float64) float64 { return -math.Log(1 + math.Exp(-x)) }, nil},
		{"HardSigmoid", HardSigmoid, func(x float64) float64 { return math.Min(1, math.Max(0, 0.2*x+0.5)) }, uniform(-4, 4)},
		{"Tanh", Tanh, math.Tanh, nil},
		{"Softplus", Softplus, func(x float64) float64 { return math.Log(1 + math.Exp(x)) }, nil},
		{"Softsign", Softsign, func(x float64) float64 { return x / (1 + math.Abs(x)) }, nil},
		{"Selu", Selu, func(x float64) float64 {
			if x > 0 {
				return 1.0507009873554805 * x
			}
			return 1.0507009873554805 * 1.6732632423543772 * (math.Exp(x) - 1)
		}, nil},
		{"Swish", Swish, func(x float64) float64 { return x * sigmoid(x) }, nil},
		{"Gelu", Gelu, func(x float64) float64 { return 0.5 * x * (1 + math.Erf(x/math.Sqrt2)) }, nil},
		{"Elu", func(x *Tensor) *Tensor { return Elu(x) }, func(x float64) float64 {
			if x > 0 {
				return x
			}
			return math.Exp(x) - 1
		}, nil},
		{"Elu 0.5", func(x *Tensor) *Tensor { return Elu(x, 0.5) }, func(x float64) float64 {
			if x > 0 {
				return x
			}
			return 0.5 * (math.Exp(x) - 1)
		}, nil},
		{"LeakyRelu", func(x *Tensor) *Tensor { return LeakyRelu(x) }, func(x float64) float64 { return math.Max(x, 0.3*x) }, nil},
		{"LeakyRelu 0.2", func(x *Tensor) *Tensor { return LeakyRelu(x, 0.2) }, func(x float64) float64 { return math.Max(x, 0.2*x) }, nil},
		{"ClipByValue", func(x *Tensor) *Tensor { return ClipByValue(x, -0.5, 1) }, func(x float64) float64 { return math.Min(1, math.Max(-0.5, x)) }, nil},
		{"Identity", func(x *Tensor) *Tensor { return Identity(x) }, func(x float64) float64 { return x }, nil},
		{"StopGradient", func(x *Tensor) *Tensor { return StopGradient(x) }, func(x float64) float64 { return x }, nil},
		{"OnesLike", OnesLike, func(float64) float64 { return 1 }, nil},
		{"ZerosLike", ZerosLike, func(float64) float64 { return 0 }, nil},
		{"Sigmoid+1 (a chain)", func(x *Tensor) *Tensor { return Add(Sigmoid(x), OnesLike(x)) }, func(x float64) float64 { return sigmoid(x) + 1 }, nil},
	} {
		gen := c.gen
		if gen == nil {
			gen = uniform(-3, 3)
		}
		x := vals(r, numel(shape), gen)
		got := runBoth(t, c.name, x0(c.f), f64(x, shape...))
		expect(t, c.name, got, Float64, shape, mapf(x, c.ref), 1e-14)
		// float32 as well: the same values within float32 precision.
		got32 := runBoth(t, c.name+" float32", x0(c.f), tensor.Cast(f64(x, shape...), Float32))
		want32 := mapf(x, func(v float64) float64 { return c.ref(float64(float32(v))) })
		expect(t, c.name+" float32", got32, Float32, shape, want32, 2e-6)
	}
	// Integer unary ops.
	iv := tensor.From([]int32{-7, -1, 0, 3, 8})
	expect(t, "Neg int32", runBoth(t, "Neg int32", x0(Neg), iv), Int32, []int{5}, []float64{7, 1, 0, -3, -8}, 0)
	expect(t, "Abs int32", runBoth(t, "Abs int32", x0(Abs), iv), Int32, []int{5}, []float64{7, 1, 0, 3, 8}, 0)
	expect(t, "Sign int32", runBoth(t, "Sign int32", x0(Sign), iv), Int32, []int{5}, []float64{-1, -1, 0, 1, 1}, 0)
	expect(t, "Relu6 int32", runBoth(t, "Relu6 int32", x0(Relu6), iv), Int32, []int{5}, []float64{0, 0, 0, 3, 6}, 0)
	bv := tensor.From([]bool{true, false})
	expect(t, "LogicalNot", runBoth(t, "LogicalNot", x0(LogicalNot), bv), tensor.Bool, []int{2}, []float64{0, 1}, 0)
	// Casts.
	cv := tensor.From([]float64{-2.7, -0.5, 0, 1.5, 300})
	expect(t, "Cast int32", runBoth(t, "Cast int32", x0(func(x *Tensor) *Tensor { return Cast(x, Int32) }), cv), Int32, []int{5}, []float64{-2, 0, 0, 1, 300}, 0)
	expect(t, "Cast bool", runBoth(t, "Cast bool", x0(func(x *Tensor) *Tensor { return Cast(x, tensor.Bool) }), cv), tensor.Bool, []int{5}, []float64{1, 1, 0, 1, 1}, 0)
	expect(t, "Cast float32", runBoth(t, "Cast float32", x0(func(x *Tensor) *Tensor { return Cast(x, Float32) }), cv), Float32, []int{5},
		[]float64{float64(float32(-2.7)), -0.5, 0, 1.5, 300}, 0)
}

func TestForwardBinary(t *testing.T) {
	r := rand.New(rand.NewPCG(7, 8))
	shapes := [][3][]int{{{2, 3}, {2, 3}, {2, 3}}, {{2, 3}, {3}, {2, 3}}, {{2, 1}, {1, 3}, {2, 3}}, {{}, {2, 2}, {2, 2}}, {{4, 1, 2}, {3, 1}, {4, 3, 2}}}
	ints := func(r *rand.Rand) float64 { return float64(r.IntN(9) - 4) }
	for _, c := range []struct {
		name     string
		f        func(a, b *Tensor) *Tensor
		ref      func(x, y float64) float64
		ga, gb   func(*rand.Rand) float64
		out      tensor.DType // Float64 unless a comparison
		intsToo  bool
		intsOnly bool
	}{
		{name: "Add", f: Add, ref: func(x, y float64) float64 { return x + y }, intsToo: true},
		{name: "Sub", f: Sub, ref: func(x, y float64) float64 { return x - y }, intsToo: true},
		{name: "Mul", f: Mul, ref: func(x, y float64) float64 { return x * y }, intsToo: true},
		{name: "Div", f: Div, ref: func(x, y float64) float64 { return x / y }, gb: away},
		{name: "DivNoNan", f: DivNoNan, ref: func(x, y float64) float64 {
			if y == 0 {
				return 0
			}
			return x / y
		}, gb: ints},
		{name: "Pow", f: Pow, ref: math.Pow, ga: positive},
		{name: "Maximum", f: Maximum, ref: math.Max, intsToo: true},
		{name: "Minimum", f: Minimum, ref: math.Min, intsToo: true},
		{name: "SquaredDifference", f: SquaredDifference, ref: func(x, y float64) float64 { return (x - y) * (x - y) }, intsToo: true},
		{name: "FloorMod", f: FloorMod, ref: func(x, y float64) float64 { return x - math.Floor(x/y)*y }, gb: away},
		{name: "FloorDiv", f: FloorDiv, ref: func(x, y float64) float64 { return math.Floor(x / y) }, gb: away},
		{name: "FloorMod int", f: FloorMod, ref: func(x, y float64) float64 { return x - math.Floor(x/y)*y }, ga: ints,
			gb: func(r *rand.Rand) float64 { return []float64{-3, -2, 2, 3}[r.IntN(4)] }, intsOnly: true},
		{name: "FloorDiv int", f: FloorDiv, ref: func(x, y float64) float64 { return math.Floor(x / y) }, ga: ints,
			gb: func(r *rand.Rand) float64 { return []float64{-3, -2, 2, 3}[r.IntN(4)] }, intsOnly: true},
		{name: "Equal", f: Equal, ref: func(x, y float64) float64 { return b2f(x == y) }, ga: ints, gb: ints, out: tensor.Bool, intsToo: true},
		{name: "NotEqual", f: NotEqual, ref: func(x, y float64) float64 { return b2f(x != y) }, ga: ints, gb: ints, out: tensor.Bool, intsToo: true},
		{name: "Less", f: Less, ref: func(x, y float64) float64 { return b2f(x < y) }, ga: ints, gb: ints, out: tensor.Bool, intsToo: true},
		{name: "LessEqual", f: LessEqual, ref: func(x, y float64) float64 { return b2f(x <= y) }, ga: ints, gb: ints, out: tensor.Bool, intsToo: true},
		{name: "Greater", f: Greater, ref: func(x, y float64) float64 { return b2f(x > y) }, ga: ints, gb: ints, out: tensor.Bool, intsToo: true},
		{name: "GreaterEqual", f: GreaterEqual, ref: func(x, y float64) float64 { return b2f(x >= y) }, ga: ints, gb: ints, out: tensor.Bool, intsToo: true},
	} {
		for _, s := range shapes {
			ga, gb := c.ga, c.gb
			if ga == nil {
				ga = uniform(-3, 3)
			}
			if gb == nil {
				gb = uniform(-3, 3)
			}
			a, b := vals(r, numel(s[0]), ga), vals(r, numel(s[1]), gb)
			out := c.out
			if out == tensor.Invalid {
				out = Float64
			}
			want := refBinary(a, s[0], b, s[1], s[2], c.ref)
			name := fmt.Sprintf("%s %v %v", c.name, s[0], s[1])
			if !c.intsOnly {
				got := runBoth(t, name, x01(c.f), f64(a, s[0]...), f64(b, s[1]...))
				expect(t, name, got, out, s[2], want, 1e-14)
			}
			if c.intsToo || c.intsOnly {
				ai, bi := tensor.Cast(f64(mapf(a, math.Round), s[0]...), Int32), tensor.Cast(f64(mapf(b, math.Round), s[1]...), Int32)
				wi := refBinary(mapf(a, math.Round), s[0], mapf(b, math.Round), s[1], s[2], c.ref)
				if out == Float64 {
					out = Int32
				}
				got := runBoth(t, name+" int32", x01(c.f), ai, bi)
				expect(t, name+" int32", got, out, s[2], wi, 0)
			}
		}
	}
	// Logical ops on bools, broadcast.
	p := tensor.From([][]bool{{true}, {false}})
	q := tensor.From([]bool{true, false})
	for _, c := range []struct {
		name string
		f    func(a, b *Tensor) *Tensor
		want []float64
	}{
		{"LogicalAnd", LogicalAnd, []float64{1, 0, 0, 0}},
		{"LogicalOr", LogicalOr, []float64{1, 1, 1, 0}},
		{"LogicalXor", LogicalXor, []float64{0, 1, 1, 0}},
	} {
		expect(t, c.name, runBoth(t, c.name, x01(c.f), p, q), tensor.Bool, []int{2, 2}, c.want, 0)
	}
	// Where broadcasts all three.
	cond := tensor.From([][]bool{{true, false, true}, {false, false, true}})
	a := f64([]float64{1, 2, 3}, 3)
	b := f64([]float64{-1, -2}, 2, 1)
	got := runBoth(t, "Where", func(xs []*Tensor) *Tensor { return Where(xs[0], xs[1], xs[2]) }, cond, a, b)
	expect(t, "Where", got, Float64, []int{2, 3}, []float64{1, -1, 3, -2, -2, 3}, 0)
	// BiasAdd adds along the last axis.
	x := vals(r, 6, uniform(-1, 1))
	bias := []float64{10, 20, 30}
	want := make([]float64, 6)
	for i := range want {
		want[i] = x[i] + bias[i%3]
	}
	expect(t, "BiasAdd", runBoth(t, "BiasAdd", x01(BiasAdd), f64(x, 2, 3), f64(bias, 3)), Float64, []int{2, 3}, want, 1e-15)
}

// refReduce reduces x of shape s over axes (nil: all) with f starting
// from init, then applies fin(acc, count).
func refReduce(x []float64, s []int, axes []int, keep bool, init float64, f func(acc, v float64) float64, fin func(acc float64, n int) float64) ([]float64, []int) {
	red := make([]bool, len(s))
	for i := range red {
		red[i] = axes == nil
	}
	for _, a := range axes {
		if a < 0 {
			a += len(s)
		}
		red[a] = true
	}
	outShape := []int{}
	for i, d := range s {
		if red[i] {
			if keep {
				outShape = append(outShape, 1)
			}
		} else {
			outShape = append(outShape, d)
		}
	}
	n := numel(outShape)
	acc := make([]float64, n)
	cnt := make([]int, n)
	for i := range acc {
		acc[i] = init
	}
	for i, v := range x {
		c := coords(i, s)
		o := 0
		for d := range s {
			if red[d] {
				continue // a kept size-1 dimension adds nothing to the offset
			}
			o = o*s[d] + c[d]
		}
		acc[o] = f(acc[o], v)
		cnt[o]++
	}
	for i := range acc {
		acc[i] = fin(acc[i], cnt[i])
	}
	return acc, outShape
}

func TestForwardReductions(t *testing.T) {
	r := rand.New(rand.NewPCG(9, 10))
	s := []int{2, 3, 4}
	x := vals(r, numel(s), uniform(-2, 2))
	id := func(a float64, n int) float64 { return a }
	for _, c := range []struct {
		name string
		f    func(*Tensor, []int, bool) *Tensor
		init float64
		step func(acc, v float64) float64
		fin  func(acc float64, n int) float64
	}{
		{"ReduceSum", ReduceSum, 0, func(a, v float64) float64 { return a + v }, id},
		{"ReduceMean", ReduceMean, 0, func(a, v float64) float64 { return a + v }, func(a float64, n int) float64 { return a / float64(n) }},
		{"ReduceMax", ReduceMax, math.Inf(-1), math.Max, id},
		{"ReduceMin", ReduceMin, math.Inf(1), math.Min, id},
		{"ReduceProd", ReduceProd, 1, func(a, v float64) float64 { return a * v }, id},
		{"ReduceLogSumExp", ReduceLogSumExp, 0, func(a, v float64) float64 { return a + math.Exp(v) }, func(a float64, n int) float64 { return math.Log(a) }},
	} {
		for _, axes := range [][]int{nil, {0}, {1}, {-1}, {0, 2}, {2, 0, -1}} {
			for _, keep := range []bool{false, true} {
				name := fmt.Sprintf("%s%v keep=%v", c.name, axes, keep)
				ax, k := axes, keep
				got := runBoth(t, name, x0(func(x *Tensor) *Tensor { return c.f(x, ax, k) }), f64(x, s...))
				want, ws := refReduce(x, s, axes, keep, c.init, c.step, c.fin)
				expect(t, name, got, Float64, ws, want, 1e-13)
			}
		}
	}
	// Integer reductions stay integers.
	xi := tensor.From([][]int32{{1, -2, 3}, {4, 5, -6}})
	expect(t, "ReduceSum int32", runBoth(t, "ReduceSum int32", x0(func(x *Tensor) *Tensor { return ReduceSum(x, []int{1}, false) }), xi), Int32, []int{2}, []float64{2, 3}, 0)
	expect(t, "ReduceMax int32", runBoth(t, "ReduceMax int32", x0(func(x *Tensor) *Tensor { return ReduceMax(x, []int{0}, true) }), xi), Int32, []int{1, 3}, []float64{4, 5, 3}, 0)
	// ArgMax / ArgMin: first index of the extreme, Int64.
	am := tensor.From([][]float64{{1, 5, 5, -1}, {7, 0, 7, 7}, {-3, -4, -2, -9}})
	expect(t, "ArgMax axis1", runBoth(t, "ArgMax", x0(func(x *Tensor) *Tensor { return ArgMax(x, 1) }), am), Int64, []int{3}, []float64{1, 0, 2}, 0)
	expect(t, "ArgMin axis-1", runBoth(t, "ArgMin", x0(func(x *Tensor) *Tensor { return ArgMin(x, -1) }), am), Int64, []int{3}, []float64{3, 1, 3}, 0)
	expect(t, "ArgMax axis0", runBoth(t, "ArgMax0", x0(func(x *Tensor) *Tensor { return ArgMax(x, 0) }), am), Int64, []int{4}, []float64{1, 0, 1, 1}, 0)
}

func TestForwardMatMul(t *testing.T) {
	r := rand.New(rand.NewPCG(11, 12))
	for _, c := range []struct {
		sa, sb []int
		ta, tb bool
	}{
		{[]int{3, 4}, []int{4, 5}, false, false},
		{[]int{4, 3}, []int{4, 5}, true, false},
		{[]int{3, 4}, []int{5, 4}, false, true},
		{[]int{4, 3}, []int{5, 4}, true, true},
		{[]int{2, 3, 4}, []int{4, 2}, false, false},
		{[]int{2, 1, 3, 4}, []int{3, 4, 2}, false, false},
		{[]int{1, 7}, []int{7, 1}, false, false},
		{[]int{3, 0}, []int{0, 2}, false, false},
	} {
		a, b := vals(r, numel(c.sa), uniform(-1, 1)), vals(r, numel(c.sb), uniform(-1, 1))
		ra, rb := len(c.sa), len(c.sb)
		m, k := c.sa[ra-2], c.sa[ra-1]
		if c.ta {
			m, k = k, m
		}
		n := c.sb[rb-1]
		if c.tb {
			n = c.sb[rb-2]
		}
		// batch shape by hand-broadcasting
		ba, bb := c.sa[:ra-2], c.sb[:rb-2]
		nb := max(len(ba), len(bb))
		bs := make([]int, nb)
		for i := range bs {
			da, db := 1, 1
			if j := i - (nb - len(ba)); j >= 0 {
				da = ba[j]
			}
			if j := i - (nb - len(bb)); j >= 0 {
				db = bb[j]
			}
			bs[i] = max(da, db)
		}
		outShape := append(append([]int{}, bs...), m, n)
		want := make([]float64, numel(outShape))
		for bi := 0; bi < numel(bs); bi++ {
			bc := coords(bi, bs)
			oa := bcastIndex(bc, ba) * c.sa[ra-2] * c.sa[ra-1]
			ob := bcastIndex(bc, bb) * c.sb[rb-2] * c.sb[rb-1]
			for i := 0; i < m; i++ {
				for j := 0; j < n; j++ {
					s := 0.0
					for p := 0; p < k; p++ {
						av := a[oa+i*k+p]
						if c.ta {
							av = a[oa+p*m+i]
						}
						bv := b[ob+p*n+j]
						if c.tb {
							bv = b[ob+j*k+p]
						}
						s += av * bv
					}
					want[bi*m*n+i*n+j] = s
				}
			}
		}
		name := fmt.Sprintf("MatMul %v %v ta=%v tb=%v", c.sa, c.sb, c.ta, c.tb)
		ta, tb := c.ta, c.tb
		got := runBoth(t, name, x01(func(x, y *Tensor) *Tensor { return MatMul(x, y, TransposeA(ta), TransposeB(tb)) }), f64(a, c.sa...), f64(b, c.sb...))
		expect(t, name, got, Float64, outShape, want, 1e-14)
	}
}

func TestForwardShapeOps(t *testing.T) {
	x := make([]float64, 24)
	for i := range x {
		x[i] = float64(i)
	}
	x234 := f64(x, 2, 3, 4)
	// Transpose by index arithmetic.
	want := make([]float64, 24)
	for i := 0; i < 2; i++ {
		for j := 0; j < 3; j++ {
			for k := 0; k < 4; k++ {
				want[k*6+i*3+j] = x[i*12+j*4+k] // out shape (4, 2, 3), perm (2, 0, 1)
			}
		}
	}
	expect(t, "Transpose", runBoth(t, "Transpose", x0(func(x *Tensor) *Tensor { return Transpose(x, 2, 0, -2) }), x234), Float64, []int{4, 2, 3}, want, 0)
	m23 := f64([]float64{1, 2, 3, 4, 5, 6}, 2, 3)
	expect(t, "Transpose default", runBoth(t, "Transpose default", x0(func(x *Tensor) *Tensor { return Transpose(x) }), m23), Float64, []int{3, 2}, []float64{1, 4, 2, 5, 3, 6}, 0)
	expect(t, "Reshape", runBoth(t, "Reshape", x0(func(x *Tensor) *Tensor { return Reshape(x, -1, 6) }), x234), Float64, []int{4, 6}, x, 0)
	expect(t, "ExpandDims", runBoth(t, "ExpandDims", x0(func(x *Tensor) *Tensor { return ExpandDims(x, -1) }), m23), Float64, []int{2, 3, 1}, []float64{1, 2, 3, 4, 5, 6}, 0)
	expect(t, "Squeeze", runBoth(t, "Squeeze", x0(func(x *Tensor) *Tensor { return Squeeze(ExpandDims(x, 0)) }), m23), Float64, []int{2, 3}, []float64{1, 2, 3, 4, 5, 6}, 0)
	expect(t, "Concat axis1", runBoth(t, "Concat", x01(func(a, b *Tensor) *Tensor { return Concat(-1, a, b) }), m23, f64([]float64{7, 8}, 2, 1)),
		Float64, []int{2, 4}, []float64{1, 2, 3, 7, 4, 5, 6, 8}, 0)
	expect(t, "Concat axis0", runBoth(t, "Concat0", x01(func(a, b *Tensor) *Tensor { return Concat(0, a, b) }), m23, f64([]float64{7, 8, 9}, 1, 3)),
		Float64, []int{3, 3}, []float64{1, 2, 3, 4, 5, 6, 7, 8, 9}, 0)
	expect(t, "Concat int32", runBoth(t, "Concat int32", x01(func(a, b *Tensor) *Tensor { return Concat(0, a, b) }), tensor.From([]int32{1}), tensor.From([]int32{2, 3})),
		Int32, []int{3}, []float64{1, 2, 3}, 0)
	expect(t, "Stack axis1", runBoth(t, "Stack", x01(func(a, b *Tensor) *Tensor { return Stack(1, a, b) }), f64([]float64{1, 2}, 2), f64([]float64{3, 4}, 2)),
		Float64, []int{2, 2}, []float64{1, 3, 2, 4}, 0)
	split := func(i int, sizes ...int) func(xs []*Tensor) *Tensor {
		return func(xs []*Tensor) *Tensor { return Split(xs[0], 1, sizes...)[i] }
	}
	expect(t, "Split 0", runBoth(t, "Split", split(0, 1, 2), m23), Float64, []int{2, 1}, []float64{1, 4}, 0)
	expect(t, "Split 1", runBoth(t, "Split", split(1, 1, 2), m23), Float64, []int{2, 2}, []float64{2, 3, 5, 6}, 0)
	expect(t, "Split -1", runBoth(t, "Split -1", split(0, -1, 1), m23), Float64, []int{2, 2}, []float64{1, 2, 4, 5}, 0)
	expect(t, "Slice", runBoth(t, "Slice", x0(func(x *Tensor) *Tensor { return Slice(x, []int{1, 1, 0}, []int{1, -1, 2}) }), x234),
		Float64, []int{1, 2, 2}, []float64{16, 17, 20, 21}, 0)
	idx := tensor.From([][]int64{{2, 0}, {1, 1}})
	expect(t, "Gather axis1", runBoth(t, "Gather", x01(func(a, i *Tensor) *Tensor { return Gather(a, i, 1) }), m23, idx),
		Float64, []int{2, 2, 2}, []float64{3, 1, 2, 2, 6, 4, 5, 5}, 0)
	expect(t, "Gather axis0", runBoth(t, "Gather0", x01(func(a, i *Tensor) *Tensor { return Gather(a, i, 0) }), m23, tensor.From([]int32{1, 1, 0})),
		Float64, []int{3, 3}, []float64{4, 5, 6, 4, 5, 6, 1, 2, 3}, 0)
	expect(t, "OneHot", runBoth(t, "OneHot", x0(func(i *Tensor) *Tensor { return OneHot(i, 3, Float32) }), tensor.From([]int32{2, 0, 5, -1})),
		Float32, []int{4, 3}, []float64{0, 0, 1, 1, 0, 0, 0, 0, 0, 0, 0, 0}, 0)
	expect(t, "BroadcastTo", runBoth(t, "BroadcastTo", x0(func(x *Tensor) *Tensor { return BroadcastTo(x, 2, 2, 3) }), f64([]float64{1, 2, 3}, 1, 3)),
		Float64, []int{2, 2, 3}, []float64{1, 2, 3, 1, 2, 3, 1, 2, 3, 1, 2, 3}, 0)
}

// softmaxRef is the softmax (or log-softmax) of x of shape (rows, cols)
// along axis 0 or 1, computed directly from the definition.
func softmaxRef(x []float64, rows, cols, axis int, log bool) []float64 {
	out := make([]float64, len(x))
	at := func(i, j int) int { return i*cols + j }
	outer, inner := rows, cols
	if axis == 0 {
		outer, inner = cols, rows
	}
	for o := 0; o < outer; o++ {
		idx := func(k int) int {
			if axis == 0 {
				return at(k, o)
			}
			return at(o, k)
		}
		s := 0.0
		for k := 0; k < inner; k++ {
			s += math.Exp(x[idx(k)])
		}
		for k := 0; k < inner; k++ {
			if log {
				out[idx(k)] = x[idx(k)] - math.Log(s)
			} else {
				out[idx(k)] = math.Exp(x[idx(k)]) / s
			}
		}
	}
	return out
}

func TestForwardNN(t *testing.T) {
	r := rand.New(rand.NewPCG(13, 14))
	x := vals(r, 12, uniform(-3, 3))
	for _, axis := range []int{0, 1, -1} {
		a := axis
		ra := (axis + 2) % 2
		got := runBoth(t, "Softmax", x0(func(x *Tensor) *Tensor { return Softmax(x, a) }), f64(x, 3, 4))
		expect(t, fmt.Sprintf("Softmax axis %d", axis), got, Float64, []int{3, 4}, softmaxRef(x, 3, 4, ra, false), 1e-14)
		got = runBoth(t, "LogSoftmax", x0(func(x *Tensor) *Tensor { return LogSoftmax(x, a) }), f64(x, 3, 4))
		expect(t, fmt.Sprintf("LogSoftmax axis %d", axis), got, Float64, []int{3, 4}, softmaxRef(x, 3, 4, ra, true), 1e-14)
	}
	// Activations whose gradients have an unused branch stay finite for
	// large inputs (exp(1000) is Inf in float64).
	for _, c := range []struct {
		name string
		f    func(*Tensor) *Tensor
		want []float64
	}{
		{"Elu 0.5", func(x *Tensor) *Tensor { return Elu(x, 0.5) }, []float64{1, 0.5 * math.Exp(-1000)}},
		{"Elu", func(x *Tensor) *Tensor { return Elu(x) }, []float64{1, 0}},
		{"Selu", Selu, []float64{1.0507009873554805, 0}},
		{"Softplus", Softplus, []float64{1, 0}},
		{"Swish", Swish, []float64{1, 0}},
		{"Gelu", Gelu, []float64{1, 0}},
		{"LeakyRelu", func(x *Tensor) *Tensor { return LeakyRelu(x) }, []float64{1, 0.3}},
	} {
		got := runBoth(t, c.name+" gradient at ±1000", func(xs []*Tensor) *Tensor {
			return Gradients([]*Tensor{ReduceSum(c.f(xs[0]), nil, false)}, xs)[0]
		}, f64([]float64{1000, -1000}, 2))
		expect(t, c.name+" gradient at ±1000", got, Float64, []int{2}, c.want, 1e-15)
	}
	// Large logits stay finite (the max is subtracted first).
	big := f64([]float64{1000, 1000, -1000, 0}, 2, 2)
	expect(t, "Softmax stable", runBoth(t, "Softmax stable", x0(func(x *Tensor) *Tensor { return Softmax(x) }), big), Float64, []int{2, 2}, []float64{0.5, 0.5, 0, 1}, 1e-15)
	expect(t, "LogSoftmax stable", runBoth(t, "LogSoftmax stable", x0(func(x *Tensor) *Tensor { return LogSoftmax(x) }), big), Float64, []int{2, 2},
		[]float64{-math.Ln2, -math.Ln2, -1000, 0}, 1e-15)
	// Cross-entropies.
	labels := vals(r, 12, uniform(0, 1))
	ls := softmaxRef(x, 3, 4, 1, true)
	dense := make([]float64, 3)
	for i := range dense {
		for j := 0; j < 4; j++ {
			dense[i] -= labels[i*4+j] * ls[i*4+j]
		}
	}
	got := runBoth(t, "SoftmaxCrossEntropyWithLogits", x01(SoftmaxCrossEntropyWithLogits), f64(labels, 3, 4), f64(x, 3, 4))
	expect(t, "SoftmaxCrossEntropyWithLogits", got, Float64, []int{3}, dense, 1e-14)
	cls := []int32{3, 0, 2}
	sparse := make([]float64, 3)
	for i, k := range cls {
		sparse[i] = -ls[i*4+int(k)]
	}
	got = runBoth(t, "SparseSoftmaxCrossEntropyWithLogits", x01(SparseSoftmaxCrossEntropyWithLogits), tensor.From(cls), f64(x, 3, 4))
	expect(t, "SparseSoftmaxCrossEntropyWithLogits", got, Float64, []int{3}, sparse, 1e-14)
	// Logits masked with -Inf: zero probability, finite loss where the
	// label is 0 there (sparse and dense alike), and a finite gradient.
	masked := f64([]float64{math.Inf(-1), 0, math.Log(3)}, 1, 3)
	got = runBoth(t, "masked xent", x01(SoftmaxCrossEntropyWithLogits), f64([]float64{0, 0.5, 0.5}, 1, 3), masked)
	expect(t, "masked xent", got, Float64, []int{1}, []float64{-0.5*math.Log(0.25) - 0.5*math.Log(0.75)}, 1e-15)
	got = runBoth(t, "masked sparse xent", x01(SparseSoftmaxCrossEntropyWithLogits), tensor.From([]int32{2}), masked)
	expect(t, "masked sparse xent", got, Float64, []int{1}, []float64{-math.Log(0.75)}, 1e-15)
	got = runBoth(t, "masked xent gradient", func(xs []*Tensor) *Tensor {
		return Gradients([]*Tensor{SoftmaxCrossEntropyWithLogits(xs[0], xs[1])}, xs[1:])[0]
	}, f64([]float64{0, 0.5, 0.5}, 1, 3), masked)
	expect(t, "masked xent gradient", got, Float64, []int{1, 3}, []float64{0, 0.25 - 0.5, 0.75 - 0.5}, 1e-15)
	// A label out of range is a run-time error, not a crash.
	g := NewGraph()
	bad := SparseSoftmaxCrossEntropyWithLogits(Const(g, []int32{0, 4}), Const(g, [][]float32{{1, 2}, {3, 4}}))
	if _, err := NewSession(g).Run(nil, []*Tensor{bad}); err == nil {
		t.Error("sparse cross-entropy with label 4 of 2 classes: no error")
	}
	// Large enough to take the parallel path (rows*classes >= 2^15).
	old := parallel.NumThreads()
	parallel.SetNumThreads(3)
	defer parallel.SetNumThreads(old)
	rows, cols := 300, 128
	zl := vals(r, rows*cols, uniform(-4, 4))
	lab := make([]int32, rows)
	want := make([]float64, rows)
	lsBig := softmaxRef(zl, rows, cols, 1, true)
	for i := range lab {
		lab[i] = int32(r.IntN(cols))
		want[i] = -lsBig[i*cols+int(lab[i])]
	}
	got = runBoth(t, "SparseSoftmaxCrossEntropyWithLogits parallel", x01(SparseSoftmaxCrossEntropyWithLogits), tensor.From(lab), f64(zl, rows, cols))
	expect(t, "SparseSoftmaxCrossEntropyWithLogits parallel", got, Float64, []int{rows}, want, 1e-13)
	// Sigmoid cross-entropy, stable for large logits.
	z := []float64{-800, -2, 0, 0.5, 3, 800}
	lz := []float64{1, 0, 0.5, 1, 0.2, 0}
	sce := make([]float64, len(z))
	for i := range z {
		// -l*log(s(z)) - (1-l)*log(1-s(z)), with log(s(z)) = -log1p(exp(-z))
		lp, lq := -math.Log1p(math.Exp(-z[i])), -math.Log1p(math.Exp(z[i]))
		if z[i] < -30 {
			lp = z[i]
		}
		if z[i] > 30 {
			lq = -z[i]
		}
		sce[i] = -lz[i]*lp - (1-lz[i])*lq
	}
	got = runBoth(t, "SigmoidCrossEntropyWithLogits", x01(SigmoidCrossEntropyWithLogits), f64(lz, 6), f64(z, 6))
	expect(t, "SigmoidCrossEntropyWithLogits", got, Float64, []int{6}, sce, 1e-14)
}

func TestForwardLossesAndClipping(t *testing.T) {
	yt := []float64{1, 0, -1, 0.5, 2, -2}
	yp := []float64{0.5, 0.25, 1, 0.5, -0.5, -1.5}
	rowMean := func(f func(a, b float64) float64) []float64 {
		out := make([]float64, 2)
		for i := 0; i < 2; i++ {
			for j := 0; j < 3; j++ {
				out[i] += f(yt[i*3+j], yp[i*3+j]) / 3
			}
		}
		return out
	}
	for _, c := range []struct {
		name string
		f    func(a, b *Tensor) *Tensor
		ref  func(a, b float64) float64
	}{
		{"MeanSquaredError", MeanSquaredError, func(a, b float64) float64 { return (a - b) * (a - b) }},
		{"MeanAbsoluteError", MeanAbsoluteError, func(a, b float64) float64 { return math.Abs(a - b) }},
		{"Huber", func(a, b *Tensor) *Tensor { return Huber(a, b) }, func(a, b float64) float64 {
			if e := math.Abs(a - b); e > 1 {
				return e - 0.5
			}
			return 0.5 * (a - b) * (a - b)
		}},
		{"Huber 0.5", func(a, b *Tensor) *Tensor { return Huber(a, b, 0.5) }, func(a, b float64) float64 {
			if e := math.Abs(a - b); e > 0.5 {
				return 0.5 * (e - 0.25)
			}
			return 0.5 * (a - b) * (a - b)
		}},
		{"Hinge", Hinge, func(a, b float64) float64 { return math.Max(0, 1-a*b) }},
		{"SquaredHinge", SquaredHinge, func(a, b float64) float64 { return math.Pow(math.Max(0, 1-a*b), 2) }},
	} {
		got := runBoth(t, c.name, x01(c.f), f64(yt, 2, 3), f64(yp, 2, 3))
		expect(t, c.name, got, Float64, []int{2}, rowMean(c.ref), 1e-15)
	}
	// Hinge losses take 0/1 labels as -1/1, as Keras does.
	bits, scores := []float64{1, 0, 0, 1, 1, 0}, []float64{0.3, -2, 0.5, 1.5, -0.2, 0.1}
	hinge := make([]float64, 2)
	for i := range bits {
		hinge[i/3] += math.Max(0, 1-(2*bits[i]-1)*scores[i]) / 3
	}
	expect(t, "Hinge 0/1 labels", runBoth(t, "Hinge 0/1", x01(Hinge), f64(bits, 2, 3), f64(scores, 2, 3)), Float64, []int{2}, hinge, 1e-15)
	p := []float64{0.9, 0.1, 0.5, 0.3, 0.99, 0.01}
	l := []float64{1, 0, 1, 0, 0, 1}
	ll := make([]float64, 2)
	for i := range p {
		ll[i/3] += (-l[i]*math.Log(p[i]+1e-7) - (1-l[i])*math.Log(1-p[i]+1e-7)) / 3
	}
	expect(t, "LogLoss", runBoth(t, "LogLoss", x01(func(a, b *Tensor) *Tensor { return LogLoss(a, b) }), f64(l, 2, 3), f64(p, 2, 3)), Float64, []int{2}, ll, 1e-15)
	// Penalties and norms.
	var l1, l2 float64
	for _, v := range yt {
		l1 += math.Abs(v)
		l2 += v * v
	}
	expect(t, "L1Loss", runBoth(t, "L1Loss", x0(L1Loss), f64(yt, 2, 3)), Float64, []int{}, []float64{l1}, 1e-15)
	expect(t, "L2Loss", runBoth(t, "L2Loss", x0(L2Loss), f64(yt, 2, 3)), Float64, []int{}, []float64{l2 / 2}, 1e-15)
	expect(t, "L1L2Penalty", runBoth(t, "L1L2Penalty", x0(func(x *Tensor) *Tensor { return L1L2Penalty(x, 0.1, 0.01) }), f64(yt, 2, 3)),
		Float64, []int{}, []float64{0.1*l1 + 0.01*l2}, 1e-15)
	norm := math.Sqrt(l2)
	clip := mapf(yt, func(v float64) float64 { return v * 2 / norm })
	expect(t, "ClipByNorm", runBoth(t, "ClipByNorm", x0(func(x *Tensor) *Tensor { return ClipByNorm(x, 2) }), f64(yt, 2, 3)), Float64, []int{2, 3}, clip, 1e-15)
	expect(t, "ClipByNorm inactive", runBoth(t, "ClipByNorm inactive", x0(func(x *Tensor) *Tensor { return ClipByNorm(x, 10) }), f64(yt, 2, 3)), Float64, []int{2, 3}, yt, 1e-15)
	expect(t, "ClipByNorm zero", runBoth(t, "ClipByNorm zero", x0(func(x *Tensor) *Tensor { return ClipByNorm(x, 1) }), f64(make([]float64, 3), 3)), Float64, []int{3}, make([]float64, 3), 0)
	var l2b float64
	for _, v := range yp {
		l2b += v * v
	}
	gn := math.Sqrt(l2 + l2b)
	expect(t, "GlobalNorm", runBoth(t, "GlobalNorm", x01(func(a, b *Tensor) *Tensor { return GlobalNorm([]*Tensor{a, nil, b}) }), f64(yt, 2, 3), f64(yp, 6)),
		Float64, []int{}, []float64{gn}, 1e-15)
	got := runBoth(t, "ClipByGlobalNorm", x01(func(a, b *Tensor) *Tensor { return ClipByGlobalNorm([]*Tensor{a, b}, 2)[1] }), f64(yt, 2, 3), f64(yp, 6))
	expect(t, "ClipByGlobalNorm", got, Float64, []int{6}, mapf(yp, func(v float64) float64 { return v * 2 / gn }), 1e-15)
}

// TestForwardDropout checks Dropout's contract: kept elements are scaled by
// 1/(1-rate), about rate of them are dropped, and the same seeds give the
// same mask (eager and graph alike).
func TestForwardDropout(t *testing.T) {
	x := tensor.Ones(Float64, 4000)
	for _, rate := range []float64{0.1, 0.5, 0.8} {
		mask := func() *tensor.Tensor {
			tensor.SetSeed(11)
			return runBoth(t, "Dropout", x0(func(x *Tensor) *Tensor { return Dropout(x, rate, 3) }), x)
		}
		a, b := mask(), mask()
		dropped := 0
		for i := 0; i < a.Size(); i++ {
			v := a.Float(i)
			switch {
			case v == 0:
				dropped++
			case math.Abs(v-1/(1-rate)) > 1e-15:
				t.Fatalf("rate %v: kept value %v, want %v", rate, v, 1/(1-rate))
			}
			if v != b.Float(i) {
				t.Fatalf("rate %v: the same seeds gave different masks", rate)
			}
		}
		if f := float64(dropped) / 4000; math.Abs(f-rate) > 0.03 {
			t.Errorf("rate %v: dropped a fraction %v", rate, f)
		}
	}
}

// The gradient ops that other ops' gradients build (ReluGrad, SliceGrad,
// ...) have their own forward references.
func TestForwardGradientOps(t *testing.T) {
	x := []float64{-1, 2, 0.5, -3, 4, 0}
	dy := []float64{1, 2, 3, 4, 5, 6}
	// d/dx sum(dy * relu(x)) = dy where x > 0
	want := make([]float64, 6)
	for i := range x {
		want[i] = dy[i] * b2f(x[i] > 0)
	}
	grad := func(f func(*Tensor) *Tensor) func(xs []*Tensor) *Tensor {
		return func(xs []*Tensor) *Tensor {
			return Gradients([]*Tensor{f(xs[0])}, xs[:1], xs[1])[0]
		}
	}
	expect(t, "ReluGrad", runBoth(t, "ReluGrad", grad(Relu), f64(x, 2, 3), f64(dy, 2, 3)), Float64, []int{2, 3}, want, 0)
	for i := range x {
		s := sigmoid(x[i])
		want[i] = dy[i] * s * (1 - s)
	}
	expect(t, "SigmoidGrad", runBoth(t, "SigmoidGrad", grad(Sigmoid), f64(x, 2, 3), f64(dy, 2, 3)), Float64, []int{2, 3}, want, 1e-15)
	for i := range x {
		th := math.Tanh(x[i])
		want[i] = dy[i] * (1 - th*th)
	}
	expect(t, "TanhGrad", runBoth(t, "TanhGrad", grad(Tanh), f64(x, 2, 3), f64(dy, 2, 3)), Float64, []int{2, 3}, want, 1e-12)
	// SliceGrad pads dy with zeros; GatherGrad scatter-adds (repeated indices sum).
	expect(t, "SliceGrad", runBoth(t, "SliceGrad", grad(func(x *Tensor) *Tensor { return Slice(x, []int{0, 1}, []int{2, 1}) }), f64(x, 2, 3), f64([]float64{7, 8}, 2, 1)),
		Float64, []int{2, 3}, []float64{0, 7, 0, 0, 8, 0}, 0)
	gidx := tensor.From([]int32{2, 2, 0})
	expect(t, "GatherGrad", runBoth(t, "GatherGrad", func(xs []*Tensor) *Tensor {
		return Gradients([]*Tensor{Gather(xs[0], xs[2], 1)}, xs[:1], xs[1])[0]
	}, f64(x, 2, 3), f64([]float64{1, 2, 3, 4, 5, 6}, 2, 3), gidx), Float64, []int{2, 3}, []float64{3, 0, 3, 6, 0, 9}, 0)
	// ReduceGrad broadcasts (and scales for a mean); SumToShape sums a
	// broadcast away; BroadcastLike is its gradient.
	expect(t, "ReduceGrad mean", runBoth(t, "ReduceGrad", grad(func(x *Tensor) *Tensor { return ReduceMean(x, []int{1}, false) }), f64(x, 2, 3), f64([]float64{3, 6}, 2)),
		Float64, []int{2, 3}, []float64{1, 1, 1, 2, 2, 2}, 1e-15)
	expect(t, "SumToShape", runBoth(t, "SumToShape", func(xs []*Tensor) *Tensor {
		return Gradients([]*Tensor{Add(xs[0], xs[2])}, xs[:1], xs[1])[0]
	}, f64([]float64{0, 0, 0}, 3), f64(dy, 2, 3), f64(x, 2, 3)), Float64, []int{3}, []float64{5, 7, 9}, 0)
	expect(t, "BroadcastLike", runBoth(t, "BroadcastLike", func(xs []*Tensor) *Tensor {
		return apply1("BroadcastLike", attrs{}, nil, xs[0], xs[1])
	}, f64([]float64{1, 2, 3}, 3), f64(x, 2, 3)), Float64, []int{2, 3}, []float64{1, 2, 3, 1, 2, 3}, 0)
	// ConcatSlice takes input n's part of dy, at the offset of the inputs
	// before it.
	expect(t, "ConcatSlice", runBoth(t, "ConcatSlice", func(xs []*Tensor) *Tensor {
		return apply1("ConcatSlice", attrs{1, 1}, nil, xs...)
	}, f64([]float64{1, 2, 3, 4, 5, 6, 7, 8}, 2, 4), f64([]float64{0, 0}, 2, 1), f64([]float64{0, 0, 0, 0}, 2, 2), f64([]float64{0, 0}, 2, 1)),
		Float64, []int{2, 2}, []float64{2, 3, 6, 7}, 0)
	// ReshapeLike and ReshapeDims are views.
	expect(t, "ReshapeLike", runBoth(t, "ReshapeLike", x01(func(a, b *Tensor) *Tensor { return apply1("ReshapeLike", attrs{}, nil, a, b) }), f64(x, 6), f64(dy, 3, 2)),
		Float64, []int{3, 2}, x, 0)
	// Dropout's mask output is its gradient: tested in TestDropout.
	// Reduction with several zeros: ReduceProd's gradient is the product of
	// the other elements.
	pz := []float64{0, 2, 3, 0, 0, 5, 4, 1, 2}
	expect(t, "Prod gradient with zeros", runBoth(t, "ProdGrad", grad(func(x *Tensor) *Tensor { return ReduceProd(x, []int{1}, false) }), f64(pz, 3, 3), f64([]float64{1, 1, 1}, 3)),
		Float64, []int{3, 3}, []float64{6, 0, 0, 0, 0, 0, 2, 8, 4}, 0)
}

// Every registered op is named here when a test above uses it only inside
// a gradient, so that the list in TestMain stays meaningful.
func TestRegisteredOpsAreKnown(t *testing.T) {
	ops := RegisteredOps()
	if !sort.StringsAreSorted(ops) || len(ops) < 90 {
		t.Errorf("RegisteredOps: %d ops, sorted %v", len(ops), sort.StringsAreSorted(ops))
	}
	for _, typ := range ops {
		if LookupOp(typ) == nil {
			t.Errorf("LookupOp(%q) is nil", typ)
		}
	}
}
