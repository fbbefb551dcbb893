package optimizers

import (
	"math"
	"reflect"
	"strings"
	"testing"

	"github.com/tensorgo/tensorgo/tensor"
	"github.com/tensorgo/tensorgo/tf"
)

func slotNames(s []Slot) []string {
	var out []string
	for _, x := range s {
		out = append(out, x.Name)
	}
	return out
}

// Build creates every slot up front with Keras's slot names and initial
// values.
func TestBuildCreatesSlotsUpFront(t *testing.T) {
	for _, c := range []struct {
		opt   Optimizer
		names []string
		init  []float64
	}{
		{NewSGD(0.1), nil, nil},
		{NewSGD(0.1, Momentum(0.9)), []string{"momentum"}, []float64{0}},
		{NewAdagrad(0.1), []string{"accumulator"}, []float64{0.1}},
		{NewRMSprop(0.1), []string{"velocity"}, []float64{0}},
		{NewRMSprop(0.1, Momentum(0.5), Centered(true)), []string{"velocity", "momentum", "average_gradient"}, []float64{0, 0, 0}},
		{NewAdam(0.1), []string{"momentum", "velocity"}, []float64{0, 0}},
		{NewAdam(0.1, AMSGrad(true)), []string{"momentum", "velocity", "velocity_hat"}, []float64{0, 0, 0}},
		{NewAdamW(0.1, UseEMA(true)), []string{"momentum", "velocity", "average"}, []float64{0, 0, 0}},
		{NewNadam(0.1), []string{"momentum", "velocity"}, []float64{0, 0}},
		{NewAdamax(0.1), []string{"momentum", "norm"}, []float64{0, 0}},
		{NewAdadelta(0.1), []string{"accumulated_grad", "accumulated_delta_var"}, []float64{0, 0}},
		{NewFtrl(0.1, InitialAccumulator(0.3)), []string{"accumulator", "linear"}, []float64{0.3, 0}},
		{NewLion(0.1), []string{"momentum"}, []float64{0}},
	} {
		g := tf.NewGraph()
		w := tf.NewVariable(g, tensor.Zeros(tensor.Float32, 2, 3), tf.Name("kernel"))
		b := tf.NewVariable(g, tensor.Zeros(tensor.Float32, 3), tf.Name("bias"))
		if s := c.opt.Slots(w); s != nil {
			t.Errorf("%s: slots before Build: %v", c.opt.Name(), slotNames(s))
		}
		if err := c.opt.Build([]*tf.Variable{w, b}); err != nil {
			t.Fatal(err)
		}
		s := c.opt.Slots(w)
		if got := slotNames(s); !reflect.DeepEqual(got, c.names) {
			t.Errorf("%s: slots %v, want %v", c.opt.Name(), got, c.names)
			continue
		}
		for i, sl := range s {
			sv := sl.Variable
			if !sv.Initialized() || sv.Trainable() || sv.DType() != tensor.Float32 || !sv.Shape().Equal(w.Shape()) {
				t.Errorf("%s: slot %s is %v %v (initialised %v, trainable %v)", c.opt.Name(), sl.Name, sv.DType(), sv.Shape(), sv.Initialized(), sv.Trainable())
			}
			for _, x := range sv.Value().Float32s() {
				if float64(x) != float64(float32(c.init[i])) {
					t.Errorf("%s: slot %s starts at %v, want %v", c.opt.Name(), sl.Name, x, c.init[i])
					break
				}
			}
			if !strings.Contains(sv.Name(), sl.Name) || !strings.HasPrefix(sv.Name(), "kernel") {
				t.Errorf("%s: slot variable named %s", c.opt.Name(), sv.Name())
			}
		}
		// iterations, Nadam's u_product, then each variable's slots.
		extra := 0
		if c.opt.Name() == "Nadam" {
			extra = 1
		}
		if n := len(c.opt.Variables()); n != 1+extra+2*len(c.names) {
			t.Errorf("%s: %d optimizer variables after Build, want %d", c.opt.Name(), n, 1+extra+2*len(c.names))
		}
		// Building again keeps the slots.
		if err := c.opt.Build([]*tf.Variable{w}); err != nil {
			t.Fatal(err)
		}
		if s2 := c.opt.Slots(w); len(s2) != len(s) || (len(s) > 0 && s2[0].Variable != s[0].Variable) {
			t.Errorf("%s: a second Build replaced the slots", c.opt.Name())
		}
	}
}

func TestBuildErrors(t *testing.T) {
	opt := NewAdam(0.1)
	if err := opt.Build([]*tf.Variable{nil}); err == nil || !strings.Contains(err.Error(), "Adam") {
		t.Errorf("Build(nil variable): %v", err)
	}
	iv := tf.NewVariable(nil, tensor.Scalar(int64(3)), tf.Name("count"))
	if err := opt.Build([]*tf.Variable{iv}); err == nil || !strings.Contains(err.Error(), "count") {
		t.Errorf("Build(int64 variable): %v", err)
	}
}

// Without Build, the first update still creates the slots.
func TestSlotsStayLazyWithoutBuild(t *testing.T) {
	opt := NewAdam(0.1)
	v := tf.NewVariable(nil, tensor.From([]float64{1, 2}))
	if opt.Slots(v) != nil || len(opt.Variables()) != 1 {
		t.Fatalf("slots before any update: %v", opt.Variables())
	}
	if err := opt.ApplyGradients([]*tf.Tensor{tf.Constant([]float64{1, 1})}, []*tf.Variable{v}); err != nil {
		t.Fatal(err)
	}
	s := opt.Slots(v)
	if got := slotNames(s); !reflect.DeepEqual(got, []string{"momentum", "velocity"}) {
		t.Fatalf("slots after an update: %v", got)
	}
	// m = 0.1*g after one step
	if m := s[0].Variable.Value().Float(0); math.Abs(m-0.1) > 1e-15 {
		t.Errorf("momentum slot %v, want 0.1", m)
	}
}

// A run interrupted after two steps and resumed in a fresh optimizer (built
// up front, its variables restored before the first update) ends where an
// uninterrupted run does, bit for bit.
func TestResumeFromRestoredSlots(t *testing.T) {
	for _, mk := range []func() Optimizer{
		func() Optimizer { return NewAdam(0.05, AMSGrad(true)) },
		func() Optimizer { return NewNadam(0.05, UseEMA(true)) },
		func() Optimizer { return NewFtrl(0.05) },
		func() Optimizer { return NewRMSprop(0.05, Momentum(0.5), Centered(true)) },
	} {
		grads := [][]float32{{0.5, -1}, {0.2, 0.3}, {-0.4, 0.1}, {1, 1}}
		step := func(opt Optimizer, v *tf.Variable, gs [][]float32) *tf.Session {
			g := tf.NewGraph()
			ph := tf.Placeholder(g, tf.Float32, tf.Shape{2})
			op := opt.ApplyGradientsOp([]*tf.Tensor{ph}, []*tf.Variable{v})
			s := tf.NewSession(g)
			for _, gr := range gs {
				if err := op.Run(s, tf.Feeds{ph: tensor.From(gr)}); err != nil {
					t.Fatal(err)
				}
			}
			return s
		}
		// uninterrupted
		a := mk()
		va := tf.NewVariable(nil, tensor.From([]float32{1, -1}), tf.Name("w"))
		step(a, va, grads)
		// interrupted after two steps
		b := mk()
		vb := tf.NewVariable(nil, tensor.From([]float32{1, -1}), tf.Name("w"))
		step(b, vb, grads[:2])
		saved := []*tensor.Tensor{vb.Value().Clone()}
		for _, x := range b.Variables() {
			saved = append(saved, x.Value().Clone())
		}
		// resumed
		c := mk()
		vc := tf.NewVariable(nil, tensor.From([]float32{0, 0}), tf.Name("w"))
		if err := c.Build([]*tf.Variable{vc}); err != nil {
			t.Fatal(err)
		}
		cv := c.Variables()
		if len(cv) != len(saved)-1 {
			t.Fatalf("%s: %d variables after Build, %d saved", c.Name(), len(cv), len(saved)-1)
		}
		if err := vc.SetValue(saved[0]); err != nil {
			t.Fatal(err)
		}
		for i, x := range cv {
			if err := x.SetValue(saved[i+1]); err != nil {
				t.Fatal(err)
			}
		}
		if c.Iterations() != 2 {
			t.Errorf("%s: restored iterations %d, want 2", c.Name(), c.Iterations())
		}
		step(c, vc, grads[2:])
		for i, x := range va.Value().Float32s() {
			if y := vc.Value().Float32s()[i]; math.Float32bits(x) != math.Float32bits(y) {
				t.Errorf("%s: resumed w[%d] = %v, uninterrupted %v", c.Name(), i, y, x)
			}
		}
	}
}

func TestFinalizeVariableValuesCopiesAverages(t *testing.T) {
	opt := NewSGD(1, UseEMA(true), EMAMomentum(0.5))
	v := tf.NewVariable(nil, tensor.From([]float64{0}))
	for _, g := range []float64{-2, -4} {
		if err := opt.ApplyGradients([]*tf.Tensor{tf.Constant([]float64{g})}, []*tf.Variable{v}); err != nil {
			t.Fatal(err)
		}
	}
	// w: 2, then 6; average: 2 (first step copies), then 0.5*2 + 0.5*6 = 4.
	if w := v.Value().Float(0); w != 6 {
		t.Fatalf("w = %v, want 6", w)
	}
	if err := opt.FinalizeVariableValues([]*tf.Variable{v}); err != nil {
		t.Fatal(err)
	}
	if w := v.Value().Float(0); w != 4 {
		t.Errorf("finalized w = %v, want the average 4", w)
	}
	other := tf.NewVariable(nil, tensor.From([]float64{0}), tf.Name("other"))
	if err := opt.FinalizeVariableValues([]*tf.Variable{other}); err == nil || !strings.Contains(err.Error(), "other") {
		t.Errorf("finalizing a variable without an average: %v", err)
	}
	if err := NewSGD(1).FinalizeVariableValues([]*tf.Variable{other}); err != nil {
		t.Errorf("finalizing without EMA: %v", err)
	}
}
