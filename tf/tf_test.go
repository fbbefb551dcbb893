package tf

import (
	"bytes"
	"fmt"
	"math"
	"strings"
	"testing"

	"github.com/tensorgo/tensorgo/tensor"
)

func TestNamingAndScopes(t *testing.T) {
	g := NewGraph()
	a := Const(g, 1.0)
	b := Const(g, 2.0)
	c := Const(g, 3.0, Name("answer"))
	d := Const(g, 4.0, Name("answer"))
	for _, tc := range []struct{ got, want string }{
		{a.Name(), "Const:0"}, {b.Name(), "Const_1:0"}, {c.Name(), "answer:0"}, {d.Name(), "answer_1:0"},
	} {
		if tc.got != tc.want {
			t.Errorf("name %q, want %q", tc.got, tc.want)
		}
	}
	exit := g.NameScope("loss")
	m := ReduceMean(Add(a, b), nil, false)
	inner := g.NameScope("inner")
	n := Neg(m)
	inner()
	exit()
	exit2 := g.NameScope("loss")
	m2 := ReduceMean(a, nil, false)
	exit2()
	for _, tc := range []struct{ got, want string }{
		{m.Op().Name(), "loss/Mean"}, {m.Op().Inputs()[0].Op().Name(), "loss/Add"},
		{n.Op().Name(), "loss/inner/Neg"}, {m2.Op().Name(), "loss_1/Mean"},
	} {
		if tc.got != tc.want {
			t.Errorf("op name %q, want %q", tc.got, tc.want)
		}
	}
	if got := m.Op().Device(); got != "/job:localhost/replica:0/task:0/device:CPU:0" {
		t.Errorf("device %q", got)
	}
	e := Const(g, 1.0, Device("/cpu:0"))
	if got := e.Op().Device(); got != DefaultDevice {
		t.Errorf("device %q", got)
	}
	if x, err := g.Tensor("loss/Mean:0"); err != nil || x != m {
		t.Errorf("Graph.Tensor: %v, %v", x, err)
	}
	if _, err := g.Tensor("nope:0"); err == nil {
		t.Error("Graph.Tensor of a missing op: no error")
	}
	if g.Operation("answer_1") != d.Op() {
		t.Error("Graph.Operation")
	}
	if m.Op().Type() != "Mean" || m.Shape().Rank() != 0 || m.DType() != Float32 {
		t.Errorf("Mean op: %v %v %v", m.Op().Type(), m.Shape(), m.DType())
	}
}

func TestSessionRunAndShapes(t *testing.T) {
	g := NewGraph()
	x := Placeholder(g, Float32, Shape{-1, 2}, Name("x"))
	w := Const(g, [][]float32{{1, 2}, {3, 4}})
	y := MatMul(x, w)
	if !y.Shape().Equal(Shape{-1, 2}) {
		t.Fatalf("static shape %v", y.Shape())
	}
	s := NewSession(g)
	out, err := s.Run(Feeds{x: tensor.From([][]float32{{1, 1}, {0, 2}, {1, 0}})}, []*Tensor{y})
	if err != nil {
		t.Fatal(err)
	}
	want := []float32{4, 6, 6, 8, 1, 2}
	for i, v := range out[0].Float32s() {
		if v != want[i] {
			t.Fatalf("MatMul = %v, want %v", out[0].Float32s(), want)
		}
	}
	// A different batch size compiles a second plan; the first is reused.
	feeds := Feeds{x: tensor.From([][]float32{{1, 1}})}
	for i := 0; i < 3; i++ {
		if _, err := s.Run(feeds, []*Tensor{y}); err != nil {
			t.Fatal(err)
		}
	}
	if n := s.numCompiles(); n != 2 {
		t.Errorf("compiled %d plans, want 2", n)
	}
	v, err := y.Eval(s, feeds)
	if err != nil || v.At(0, 1) != 6 {
		t.Errorf("Eval = %v, %v", v, err)
	}
}

func TestSessionErrors(t *testing.T) {
	g := NewGraph()
	x := Placeholder(g, Float32, Shape{-1, 2}, Name("x"))
	v := NewVariable(g, [][]float32{{1}, {2}}, Name("w"))
	y := MatMul(x, v.Tensor(), nil...)
	other := NewGraph()
	z := Const(other, 1.0, Name("z"))
	s := NewSession(g)
	good := tensor.From([][]float32{{1, 2}})
	for _, tc := range []struct {
		name  string
		feeds Feeds
		fetch []*Tensor
		want  []string
	}{
		{"unfed placeholder", nil, []*Tensor{y}, []string{"placeholder x:0", "not fed", "MatMul:0"}},
		{"wrong dtype", Feeds{x: tensor.From([][]float64{{1, 2}})}, []*Tensor{y}, []string{"x:0", "float64", "float32"}},
		{"wrong shape", Feeds{x: tensor.From([][]float32{{1, 2, 3}})}, []*Tensor{y}, []string{"x:0", "shape (1, 3)", "(None, 2)"}},
		{"uninitialised variable", Feeds{x: good}, []*Tensor{y}, []string{"variable w", "w:0", "uninitialized"}},
		{"fetch of another graph", nil, []*Tensor{z}, []string{"z:0", "different graph"}},
		{"feed of another graph", Feeds{z: tensor.Scalar(float32(1))}, []*Tensor{x}, []string{"z:0", "different graph"}},
	} {
		_, err := s.Run(tc.feeds, tc.fetch)
		if err == nil {
			t.Errorf("%s: no error", tc.name)
			continue
		}
		for _, w := range tc.want {
			if !strings.Contains(err.Error(), w) {
				t.Errorf("%s: error %q does not mention %q", tc.name, err, w)
			}
		}
	}
	if _, err := s.Run(nil, nil, Group(other, nil)); err == nil || !strings.Contains(err.Error(), "different graph") {
		t.Errorf("target of another graph: %v", err)
	}
	if err := v.Initializer().Run(s, nil); err != nil {
		t.Fatal(err)
	}
	out, err := s.Run(Feeds{x: good}, []*Tensor{y})
	if err != nil || out[0].Item() != 5 {
		t.Errorf("after init: %v, %v", out, err)
	}
	s.Close()
	if _, err := s.Run(Feeds{x: good}, []*Tensor{y}); err == nil {
		t.Error("Run on a closed session: no error")
	}
}

func TestUnconnectedGradientIsNil(t *testing.T) {
	g := NewGraph()
	a := Placeholder(g, Float32, Shape{2})
	b := Placeholder(g, Float32, Shape{2})
	y := ReduceSum(Square(a), nil, false)
	gr := Gradients([]*Tensor{y}, []*Tensor{a, b})
	if gr[0] == nil || gr[1] != nil {
		t.Errorf("gradients %v, want [non-nil, nil]", gr)
	}
	if gs := Gradients([]*Tensor{ArgMax(a, 0)}, []*Tensor{a}); gs[0] != nil {
		t.Error("gradient through ArgMax is not nil")
	}
	// eager
	x := Constant([]float32{1, 2})
	u := Constant([]float32{3, 4})
	tp := NewGradientTape(false)
	tp.Watch(x, u)
	ge, err := tp.Gradient(ReduceSum(Mul(x, x), nil, false), x, u)
	if err != nil || ge[0] == nil || ge[1] != nil {
		t.Errorf("eager gradients %v, %v", ge, err)
	}
	if _, err := tp.Gradient(ReduceSum(x, nil, false), x); err == nil {
		t.Error("second Gradient on a non-persistent tape: no error")
	}
}

func TestSecondOrder(t *testing.T) {
	xs := []float64{-1.5, -0.3, 0.4, 2}
	// graph: d2/dx2 sum(x^3) = 6x; d2/dx2 sum(tanh x) = -2 tanh(x)(1 - tanh^2 x);
	// d2/dx2 sum(sigmoid x) = s(1-s)(1-2s).
	g := NewGraph()
	x := Placeholder(g, Float64, Shape{4})
	for _, tc := range []struct {
		name string
		f    func(*Tensor) *Tensor
		want func(float64) float64
	}{
		{"cube", func(x *Tensor) *Tensor { return Mul(x, Square(x)) }, func(v float64) float64 { return 6 * v }},
		{"tanh", Tanh, func(v float64) float64 { th := math.Tanh(v); return -2 * th * (1 - th*th) }},
		{"sigmoid", Sigmoid, func(v float64) float64 { s := 1 / (1 + math.Exp(-v)); return s * (1 - s) * (1 - 2*s) }},
		{"exp*sin", func(x *Tensor) *Tensor { return Mul(Exp(x), Sin(x)) }, func(v float64) float64 { return 2 * math.Exp(v) * math.Cos(v) }},
		{"softplus", Softplus, func(v float64) float64 { s := 1 / (1 + math.Exp(-v)); return s * (1 - s) }},
	} {
		y := ReduceSum(tc.f(x), nil, false)
		d1 := Gradients([]*Tensor{y}, []*Tensor{x})[0]
		d2 := Gradients([]*Tensor{ReduceSum(d1, nil, false)}, []*Tensor{x})[0]
		out, err := NewSession(g).Run(Feeds{x: tensor.From(xs)}, []*Tensor{d2})
		if err != nil {
			t.Fatal(err)
		}
		// eager, nested use of recorded gradients
		xe := Constant(xs)
		tp := NewGradientTape(true)
		tp.Watch(xe)
		e1, _ := tp.Gradient(ReduceSum(tc.f(xe), nil, false), xe)
		e2, err := tp.Gradient(ReduceSum(e1[0], nil, false), xe)
		if err != nil || e2[0] == nil {
			t.Fatalf("%s: eager second order: %v", tc.name, err)
		}
		for i, v := range xs {
			w := tc.want(v)
			if got := out[0].Float(i); math.Abs(got-w) > 1e-12*math.Max(1, math.Abs(w)) {
				t.Errorf("%s: graph d2 at %v = %v, want %v", tc.name, v, got, w)
			}
			if got := e2[0].Value().Float(i); math.Abs(got-w) > 1e-12*math.Max(1, math.Abs(w)) {
				t.Errorf("%s: eager d2 at %v = %v, want %v", tc.name, v, got, w)
			}
		}
	}
}

func TestFusedCrossEntropySecondOrder(t *testing.T) {
	// The Hessian-vector product through the fused kernel equals the one
	// through the composite -sum(labels*log_softmax(z)).
	z := Constant([][]float64{{0.1, -1, 2}, {0.5, 0.3, -0.2}})
	lab := Constant([][]float64{{0.2, 0.5, 0.3}, {1, 0, 0}})
	vec := Constant([][]float64{{1, -2, 0.5}, {0.3, 0.1, 2}})
	hvp := func(loss func(z *Tensor) *Tensor) []float64 {
		tp := NewGradientTape(true)
		zz := Identity(z)
		tp.Watch(zz)
		g, _ := tp.Gradient(ReduceSum(loss(zz), nil, false), zz)
		h, _ := tp.Gradient(ReduceSum(Mul(g[0], vec), nil, false), zz)
		return h[0].Value().Float64s()
	}
	a := hvp(func(z *Tensor) *Tensor { return SoftmaxCrossEntropyWithLogits(lab, z) })
	b := hvp(func(z *Tensor) *Tensor { return Neg(ReduceSum(Mul(lab, LogSoftmax(z)), []int{-1}, false)) })
	for i := range a {
		if math.Abs(a[i]-b[i]) > 1e-12 {
			t.Fatalf("fused HVP %v, composite %v", a, b)
		}
	}
}

func TestVariablesAndAssign(t *testing.T) {
	g := NewGraph()
	v := NewVariable(g, []float32{1, 2}, Name("v"))
	frozen := NewVariable(g, float32(3), Name("f"), Trainable(false))
	if v.Name() != "v:0" || v.Tensor().Name() != "v:0" {
		t.Errorf("names %q %q", v.Name(), v.Tensor().Name())
	}
	if len(TrainableVariables(g)) != 1 || len(GlobalVariables(g)) != 2 {
		t.Errorf("trainable %d, global %d", len(TrainableVariables(g)), len(GlobalVariables(g)))
	}
	add := v.AssignAdd(Const(g, []float32{10, 20}))
	s := NewSession(g)
	if err := GlobalVariablesInitializer(g).Run(s, nil); err != nil {
		t.Fatal(err)
	}
	if _, err := s.Run(nil, []*Tensor{add}); err != nil {
		t.Fatal(err)
	}
	if got := v.Value().Float32s(); got[0] != 11 || got[1] != 22 {
		t.Errorf("after AssignAdd: %v", got)
	}
	if err := v.SetValue(tensor.From([]float32{5, 6})); err != nil {
		t.Fatal(err)
	}
	out, _ := s.Run(nil, []*Tensor{v.Tensor()})
	if out[0].Float(1) != 6 {
		t.Errorf("read after SetValue: %v", out[0])
	}
	if err := v.SetValue(tensor.From([]float32{1})); err == nil {
		t.Error("SetValue with the wrong shape: no error")
	}
	_ = frozen
	// eager variables are shared with graphs through In
	ev := NewVariable(nil, []float64{1, 2, 3}, Name("e"))
	h := NewGraph()
	dbl := ev.AssignAdd(ev.In(h))
	if _, err := NewSession(h).Run(nil, []*Tensor{dbl}); err != nil {
		t.Fatal(err)
	}
	if ev.Value().Float(2) != 6 {
		t.Errorf("eager variable after a graph AssignAdd: %v", ev.Value())
	}
	ev.AssignSub(Constant([]float64{1, 1, 1}))
	if ev.Value().Float(0) != 1 {
		t.Errorf("eager AssignSub: %v", ev.Value())
	}
}

func TestWritesRunAfterReads(t *testing.T) {
	// y = w*x; an update of w in the same run must not change what the
	// gradient of the other variable reads.
	g := NewGraph()
	w1 := NewVariable(g, tensor.Scalar(2.0), Name("w1"))
	w2 := NewVariable(g, tensor.Scalar(3.0), Name("w2"))
	x := Const(g, tensor.Scalar(5.0))
	loss := Mul(Mul(x, w1.Tensor()), w2.Tensor())
	gr := Gradients([]*Tensor{loss}, []*Tensor{w1.Tensor(), w2.Tensor()})
	lr := Const(g, tensor.Scalar(1.0))
	up := Group(g, []*Operation{ApplyGradientDescent(w2, lr, gr[1]), ApplyGradientDescent(w1, lr, gr[0])})
	s := NewSession(g)
	GlobalVariablesInitializer(g).Run(s, nil)
	if err := up.Run(s, nil); err != nil {
		t.Fatal(err)
	}
	// dl/dw1 = x*w2 = 15, dl/dw2 = x*w1 = 10 (both at the old values)
	if a, b := w1.Value().Item(), w2.Value().Item(); a != 2-15 || b != 3-10 {
		t.Errorf("w1 = %v, w2 = %v, want -13, -7", a, b)
	}
}

func TestLogDevicePlacement(t *testing.T) {
	g := NewGraph()
	a := Const(g, 1.0, Name("a"))
	b := Add(a, a)
	var buf bytes.Buffer
	s := NewSession(g, LogDevicePlacement(true), LogWriter(&buf))
	if _, err := s.Run(nil, []*Tensor{b}); err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(buf.String(), "Add: (Add): /job:localhost/replica:0/task:0/device:CPU:0") {
		t.Errorf("placement log %q", buf.String())
	}
}

func TestDropout(t *testing.T) {
	tensor.SetSeed(3)
	g := NewGraph()
	x := Const(g, tensor.Ones(tensor.Float32, 1000))
	y := Dropout(x, 0.25)
	gr := Gradients([]*Tensor{ReduceSum(y, nil, false)}, []*Tensor{x})[0]
	s := NewSession(g)
	o1, err := s.Run(nil, []*Tensor{y, gr})
	if err != nil {
		t.Fatal(err)
	}
	first := o1[0].Clone()
	zeros := 0
	for i := 0; i < 1000; i++ {
		v := first.Float(i)
		if v == 0 {
			zeros++
		} else if math.Abs(v-1/0.75) > 1e-6 {
			t.Fatalf("kept value %v, want %v", v, 1/0.75)
		}
		if o1[1].Float(i) != v {
			t.Fatalf("gradient %v differs from the mask %v", o1[1].Float(i), v)
		}
	}
	if zeros < 180 || zeros > 320 {
		t.Errorf("%d of 1000 dropped at rate 0.25", zeros)
	}
	o2, _ := s.Run(nil, []*Tensor{y})
	same := true
	for i := 0; i < 1000; i++ {
		if o2[0].Float(i) != first.Float(i) {
			same = false
		}
	}
	if same {
		t.Error("the mask did not change between runs")
	}
}

func TestEagerBasics(t *testing.T) {
	a := Constant([][]float32{{1, 2}, {3, 4}})
	b := MatMul(a, a)
	if b.Graph() != nil || b.Value().At(1, 1) != 22 {
		t.Errorf("eager MatMul %v", b)
	}
	if Constant(3).DType() != Int32 || Constant(3.5).DType() != Float32 {
		t.Error("Go ints and floats should become int32 and float32")
	}
	w := NewVariable(nil, []float32{1, -1})
	tp := NewGradientTape(false)
	loss := ReduceSum(Square(w.Tensor()), nil, false)
	gr, err := tp.Gradient(loss, w)
	if err != nil || gr[0].Value().Float(0) != 2 || gr[0].Value().Float(1) != -2 {
		t.Errorf("gradient %v, %v", gr, err)
	}
	if !strings.Contains(b.String(), "tf.Tensor(") {
		t.Errorf("String %q", b.String())
	}
}

func TestImpossibleShapesPanic(t *testing.T) {
	g := NewGraph()
	a := Placeholder(g, Float32, Shape{-1, 3})
	b := Placeholder(g, Float32, Shape{4, 2})
	defer func() {
		r := recover()
		msg := fmt.Sprint(r)
		if !strings.Contains(msg, "MatMul") || !strings.Contains(msg, "(None, 3)") || !strings.Contains(msg, "(4, 2)") {
			t.Errorf("panic %v should name the op and the shapes", r)
		}
	}()
	MatMul(a, b)
}

func TestEagerVariableReadInGraphStaysLive(t *testing.T) {
	v := NewVariable(nil, []float32{1, 2})
	g := NewGraph()
	y := Add(v.Tensor(), Const(g, []float32{0, 0})) // an eager read used in a graph
	s := NewSession(g)
	v.SetValue(tensor.From([]float32{5, 6}))
	out, err := s.Run(nil, []*Tensor{y})
	if err != nil || out[0].Float(0) != 5 {
		t.Errorf("graph read of an eager variable: %v, %v (want the live value 5)", out, err)
	}
}

func TestCanonicalDevice(t *testing.T) {
	for in, want := range map[string]string{
		"":              DefaultDevice,
		"/cpu:0":        DefaultDevice,
		"/device:CPU:0": DefaultDevice,
		"/device:GPU:1": "/job:localhost/replica:0/task:0/device:GPU:1",
		"/job:worker/replica:0/task:1/device:CPU:0": "/job:worker/replica:0/task:1/device:CPU:0",
	} {
		if got := canonicalDevice(in); got != want {
			t.Errorf("canonicalDevice(%q) = %q, want %q", in, got, want)
		}
	}
}

func TestFeedIntermediateTensor(t *testing.T) {
	g := NewGraph()
	x := Placeholder(g, Float32, Shape{2}, Name("x"))
	h := Square(x)
	y := Add(h, Const(g, []float32{1, 1}))
	xent := SoftmaxCrossEntropyWithLogits(Const(g, [][]float32{{1, 0}}), Const(g, [][]float32{{0, 0}}))
	back := xent.Op().Output(1)
	s := NewSession(g)
	// feeding h: x is not needed
	out, err := s.Run(Feeds{h: tensor.From([]float32{3, 4})}, []*Tensor{y})
	if err != nil || out[0].Float(1) != 5 {
		t.Errorf("feeding an intermediate: %v, %v", out, err)
	}
	// feeding one output of a multi-output op that runs for the other
	out, err = s.Run(Feeds{back: tensor.From([][]float32{{7, 7}})}, []*Tensor{xent, back})
	if err != nil || math.Abs(out[0].Float(0)-math.Log(2)) > 1e-6 || out[1].Float(0) != 7 {
		t.Errorf("feeding one output of a running op: %v, %v", out, err)
	}
}
