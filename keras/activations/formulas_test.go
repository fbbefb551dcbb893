package activations

import (
	"math"
	"math/rand"
	"strings"
	"testing"

	"github.com/tensorgo/tensorgo/tensor"
	"github.com/tensorgo/tensorgo/tf"
)

// Inputs away from every kink the activations have (0, ±0.5, ±1, ±3, the
// thresholds used below), so that finite differences are meaningful.
var xs = []float64{-4.1, -3.4, -2.6, -1.7, -1.2, -0.8, -0.35, -0.1, 0.15, 0.3, 0.7, 1.3, 1.9, 2.8, 3.6, 5.2}

func sigmoid(x float64) float64  { return 1 / (1 + math.Exp(-x)) }
func softplus(x float64) float64 { return math.Log1p(math.Exp(x)) }
func relu6(x float64) float64    { return math.Min(math.Max(x, 0), 6) }

// Direct float64 formulas from Keras 3's docstrings
// (keras/src/activations/activations.py).
var elementwise = []struct {
	name string
	f    Func
	ref  func(x float64) float64
	// kinked: not differentiable everywhere; gradients are still checked
	// at xs, which avoid the kinks.
}{
	{"linear", Linear, func(x float64) float64 { return x }},
	{"relu", Relu, func(x float64) float64 { return math.Max(x, 0) }},
	{"relu6", Relu6, relu6},
	{"leaky_relu", LeakyRelu, func(x float64) float64 {
		if x > 0 {
			return x
		}
		return 0.2 * x
	}},
	{"elu", Elu, func(x float64) float64 {
		if x > 0 {
			return x
		}
		return math.Exp(x) - 1
	}},
	{"selu", Selu, func(x float64) float64 {
		const alpha, scale = 1.6732632423543772848170429916717, 1.0507009873554804934193349852946
		if x > 0 {
			return scale * x
		}
		return scale * alpha * (math.Exp(x) - 1)
	}},
	{"celu", Celu, func(x float64) float64 {
		if x >= 0 {
			return x
		}
		return math.Exp(x) - 1
	}},
	{"gelu", Gelu, func(x float64) float64 { return 0.5 * x * (1 + math.Erf(x/math.Sqrt2)) }},
	{"sigmoid", Sigmoid, sigmoid},
	{"hard_sigmoid", HardSigmoid, func(x float64) float64 { return relu6(x+3) / 6 }},
	{"log_sigmoid", LogSigmoid, func(x float64) float64 { return -softplus(-x) }},
	{"sparse_sigmoid", SparseSigmoid, func(x float64) float64 {
		switch {
		case x <= -1:
			return 0
		case x >= 1:
			return 1
		}
		return 0.5 * (x + 1)
	}},
	{"tanh", Tanh, math.Tanh},
	{"hard_tanh", HardTanh, func(x float64) float64 { return math.Max(-1, math.Min(1, x)) }},
	{"tanh_shrink", TanhShrink, func(x float64) float64 { return x - math.Tanh(x) }},
	{"softplus", Softplus, softplus},
	{"softsign", Softsign, func(x float64) float64 { return x / (1 + math.Abs(x)) }},
	{"sparse_plus", SparsePlus, func(x float64) float64 {
		switch {
		case x <= -1:
			return 0
		case x >= 1:
			return x
		}
		return (x + 1) * (x + 1) / 4
	}},
	{"squareplus", Squareplus, func(x float64) float64 { return (x + math.Sqrt(x*x+4)) / 2 }},
	{"silu", Silu, func(x float64) float64 { return x * sigmoid(x) }},
	{"swish", Swish, func(x float64) float64 { return x * sigmoid(x) }},
	{"hard_silu", HardSilu, func(x float64) float64 { return x * relu6(x+3) / 6 }},
	{"hard_swish", HardSwish, func(x float64) float64 { return x * relu6(x+3) / 6 }},
	{"mish", Mish, func(x float64) float64 { return x * math.Tanh(softplus(x)) }},
	{"exponential", Exponential, math.Exp},
	{"soft_shrink", SoftShrink, func(x float64) float64 {
		switch {
		case x > 0.5:
			return x - 0.5
		case x < -0.5:
			return x + 0.5
		}
		return 0
	}},
	{"hard_shrink", HardShrink, func(x float64) float64 {
		if math.Abs(x) > 0.5 {
			return x
		}
		return 0
	}},
}

// parametric forms, with non-default arguments.
var withArgs = []struct {
	name string
	f    Func
	ref  func(x float64) float64
}{
	{"relu slope", ReluWith(NegativeSlope(0.1)), func(x float64) float64 {
		if x > 0 {
			return x
		}
		return 0.1 * x
	}},
	{"relu max", ReluWith(MaxValue(1.6)), func(x float64) float64 { return math.Min(math.Max(x, 0), 1.6) }},
	{"relu threshold", ReluWith(Threshold(0.4)), func(x float64) float64 {
		if x > 0.4 {
			return x
		}
		return 0
	}},
	{"relu all", ReluWith(NegativeSlope(0.25), MaxValue(2.2), Threshold(-0.6)), func(x float64) float64 {
		// Keras: where(x > t, x, 0) clipped to [0, max], minus slope*relu(t - x).
		y := 0.0
		if x > -0.6 {
			y = x
		}
		y = math.Max(0, math.Min(2.2, y))
		return y - 0.25*math.Max(0, -0.6-x)
	}},
	{"relu6 via max", ReluWith(MaxValue(6)), relu6},
	{"leaky_relu 0.3", LeakyReluWith(0.3), func(x float64) float64 {
		if x > 0 {
			return x
		}
		return 0.3 * x
	}},
	{"elu 0.7", EluWith(0.7), func(x float64) float64 {
		if x > 0 {
			return x
		}
		return 0.7 * (math.Exp(x) - 1)
	}},
	{"celu 2", CeluWith(2), func(x float64) float64 {
		if x >= 0 {
			return x
		}
		return 2 * (math.Exp(x/2) - 1)
	}},
	{"gelu exact", GeluWith(false), func(x float64) float64 { return 0.5 * x * (1 + math.Erf(x/math.Sqrt2)) }},
	{"gelu approximate", GeluWith(true), func(x float64) float64 {
		return 0.5 * x * (1 + math.Tanh(math.Sqrt(2/math.Pi)*(x+0.044715*x*x*x)))
	}},
	{"squareplus 1", SquareplusWith(1), func(x float64) float64 { return (x + math.Sqrt(x*x+1)) / 2 }},
	{"soft_shrink 0.25", SoftShrinkWith(0.25), func(x float64) float64 {
		switch {
		case x > 0.25:
			return x - 0.25
		case x < -0.25:
			return x + 0.25
		}
		return 0
	}},
	{"hard_shrink 1.5", HardShrinkWith(1.5), func(x float64) float64 {
		if math.Abs(x) > 1.5 {
			return x
		}
		return 0
	}},
	{"threshold", ThresholdWith(0.5, -2), func(x float64) float64 {
		if x > 0.5 {
			return x
		}
		return -2
	}},
}

func TestElementwiseMatchFormulas(t *testing.T) {
	for _, n := range Names() {
		found := false
		for _, c := range elementwise {
			found = found || c.name == n
		}
		if !found && n != "softmax" && n != "log_softmax" && n != "glu" {
			t.Errorf("activation %q has no formula test", n)
		}
	}
	x := tf.Constant(tensor.From(xs))
	check := func(name string, f Func, ref func(float64) float64) {
		y := f(x).Value()
		for i, xi := range xs {
			want := ref(xi)
			if d := math.Abs(y.Float(i) - want); d > 1e-13*math.Max(1, math.Abs(want)) {
				t.Errorf("%s(%v) = %.17g, want %.17g", name, xi, y.Float(i), want)
			}
		}
		checkGradient(t, name, f, []int{len(xs)}, xs)
	}
	for _, c := range elementwise {
		f, err := Get(c.name)
		if err != nil {
			t.Fatal(err)
		}
		check(c.name, f, c.ref)
		// float32 follows the same formula within float32 rounding.
		y := f(tf.Constant(tensor.Cast(tensor.From(xs), tensor.Float32))).Value()
		for i, xi := range xs {
			if want := c.ref(float64(float32(xi))); math.Abs(y.Float(i)-want) > 2e-6*math.Max(1, math.Abs(want)) {
				t.Errorf("%s float32(%v) = %v, want %v", c.name, xi, y.Float(i), want)
			}
		}
	}
	for _, c := range withArgs {
		check(c.name, c.f, c.ref)
	}
}

// checkGradient compares the tf gradient of sum(w * f(x)), w random, with
// central finite differences in float64.
func checkGradient(t *testing.T, name string, f Func, shape []int, x0 []float64) {
	t.Helper()
	g := tf.NewGraph()
	x := tf.Placeholder(g, tf.Float64, tensor.Shape(shape))
	y := f(x)
	r := rand.New(rand.NewSource(1))
	wv := make([]float64, y.Shape().NumElements())
	for i := range wv {
		wv[i] = r.Float64()*2 - 1
	}
	w := tf.Const(g, tensor.From(wv).Reshape(y.Shape()...))
	loss := tf.ReduceSum(tf.Mul(w, y), nil, false)
	grad := tf.Gradients([]*tf.Tensor{loss}, []*tf.Tensor{x})[0]
	s := tf.NewSession(g)
	feed := func(v []float64) tf.Feeds {
		return tf.Feeds{x: tensor.From(append([]float64(nil), v...)).Reshape(shape...)}
	}
	if grad == nil {
		t.Errorf("%s: no gradient", name)
		return
	}
	out, err := s.Run(feed(x0), []*tf.Tensor{grad})
	if err != nil {
		t.Fatal(err)
	}
	const h = 1e-6
	xp := append([]float64(nil), x0...)
	for i := range x0 {
		xp[i] = x0[i] + h
		lp, err := s.Run(feed(xp), []*tf.Tensor{loss})
		if err != nil {
			t.Fatal(err)
		}
		xp[i] = x0[i] - h
		lm, _ := s.Run(feed(xp), []*tf.Tensor{loss})
		xp[i] = x0[i]
		num := (lp[0].Item() - lm[0].Item()) / (2 * h)
		if got := out[0].Float(i); math.Abs(got-num) > 1e-6*math.Max(1, math.Abs(num)) {
			t.Errorf("%s: d/dx[%d] (x=%v) = %.12g, finite differences %.12g", name, i, x0[i], got, num)
		}
	}
}

func TestSoftmaxAndGluOverAnyAxis(t *testing.T) {
	shape := []int{2, 3, 4}
	x0 := make([]float64, 24)
	for i := range x0 {
		x0[i] = math.Sin(float64(i)*1.7) * 2
	}
	at := func(i, j, k int) int { return (i*3+j)*4 + k }
	x := tf.Constant(tensor.From(x0).Reshape(shape...))
	for _, axis := range []int{0, 1, 2, -1, -2} {
		a := axis
		if a < 0 {
			a += 3
		}
		sm := SoftmaxAxis(axis)(x).Value()
		lsm := LogSoftmaxAxis(axis)(x).Value()
		for i := 0; i < 2; i++ {
			for j := 0; j < 3; j++ {
				for k := 0; k < 4; k++ {
					idx := [3]int{i, j, k}
					sum := 0.0
					for m := 0; m < shape[a]; m++ {
						o := idx
						o[a] = m
						sum += math.Exp(x0[at(o[0], o[1], o[2])])
					}
					want := math.Exp(x0[at(i, j, k)]) / sum
					if got := sm.Float(at(i, j, k)); math.Abs(got-want) > 1e-14 {
						t.Errorf("softmax axis %d at %v = %v, want %v", axis, idx, got, want)
					}
					if got := lsm.Float(at(i, j, k)); math.Abs(got-math.Log(want)) > 1e-13 {
						t.Errorf("log_softmax axis %d at %v = %v, want %v", axis, idx, got, math.Log(want))
					}
				}
			}
		}
		checkGradient(t, "softmax", SoftmaxAxis(axis), shape, x0)
		checkGradient(t, "log_softmax", LogSoftmaxAxis(axis), shape, x0)
	}
	// glu along axis 2 (size 4) and axis 0 (size 2): a * sigmoid(b).
	for _, axis := range []int{-1, 0} {
		a := axis
		if a < 0 {
			a += 3
		}
		y := GluAxis(axis)(x).Value()
		out := append([]int(nil), shape...)
		out[a] /= 2
		if !y.Shape().Equal(tensor.Shape(out)) {
			t.Fatalf("glu axis %d: shape %v, want %v", axis, y.Shape(), out)
		}
		n := 0
		for i := 0; i < out[0]; i++ {
			for j := 0; j < out[1]; j++ {
				for k := 0; k < out[2]; k++ {
					p, q := [3]int{i, j, k}, [3]int{i, j, k}
					q[a] += shape[a] / 2
					want := x0[at(p[0], p[1], p[2])] * sigmoid(x0[at(q[0], q[1], q[2])])
					if got := y.Float(n); math.Abs(got-want) > 1e-14 {
						t.Errorf("glu axis %d at %v = %v, want %v", axis, p, got, want)
					}
					n++
				}
			}
		}
		checkGradient(t, "glu", GluAxis(axis), shape, x0)
	}
	defer func() {
		if r := recover(); r == nil || !strings.Contains(r.(string), "glu") {
			t.Errorf("glu over an odd axis: panic %v", r)
		}
	}()
	GluAxis(1)(x)
}

func TestGetListsKnownNames(t *testing.T) {
	_, err := Get("rellu")
	if err == nil {
		t.Fatal("no error")
	}
	for _, n := range []string{"relu", "mish", "hard_silu", "gelu", "celu", "glu"} {
		if !strings.Contains(err.Error(), n) {
			t.Errorf("error %q does not list %q", err, n)
		}
	}
	if f, err := Get("HARD_SWISH"); err != nil || f == nil {
		t.Errorf("Get is not case-insensitive: %v", err)
	}
}

func TestHardSigmoidKeras2StaysAvailable(t *testing.T) {
	y := HardSigmoidKeras2(tf.Constant(tensor.From(xs))).Value()
	for i, x := range xs {
		if want := math.Max(0, math.Min(1, 0.2*x+0.5)); math.Abs(y.Float(i)-want) > 1e-15 {
			t.Errorf("hard sigmoid (Keras 2)(%v) = %v, want %v", x, y.Float(i), want)
		}
	}
}
