package optimizers

import (
	"math"
	"testing"

	"github.com/tensorgo/tensorgo/tensor"
	"github.com/tensorgo/tensorgo/tf"
)

func TestSetLearningRateWithoutRecompiling(t *testing.T) {
	g := tf.NewGraph()
	w := tf.NewVariable(g, tensor.Scalar(1.0))
	opt := NewGradientDescent(0.5)
	train := opt.Minimize(w.Tensor()) // d/dw w = 1
	s := tf.NewSession(g)
	tf.GlobalVariablesInitializer(g).Run(s, nil)
	train.Run(s, nil)
	opt.SetLearningRate(0.25)
	train.Run(s, nil)
	if got := w.Value().Item(); math.Abs(got-0.25) > 1e-15 {
		t.Errorf("w = %v, want 1 - 0.5 - 0.25", got)
	}
	if s.NumPlans() != 2 || opt.LearningRate() != 0.25 {
		t.Errorf("plans %d (want 2), lr %v", s.NumPlans(), opt.LearningRate())
	}
}

func TestSchedules(t *testing.T) {
	for _, c := range []struct {
		name string
		s    LearningRateSchedule
		step int64
		want float64
	}{
		{"exp", ExponentialDecay(0.1, 10, 0.5, false), 5, 0.1 * math.Pow(0.5, 0.5)},
		{"exp stair", ExponentialDecay(0.1, 10, 0.5, true), 15, 0.05},
		{"piecewise 0", PiecewiseConstant([]int64{10, 20}, []float64{1, 0.5, 0.1}), 10, 1},
		{"piecewise 1", PiecewiseConstant([]int64{10, 20}, []float64{1, 0.5, 0.1}), 11, 0.5},
		{"piecewise 2", PiecewiseConstant([]int64{10, 20}, []float64{1, 0.5, 0.1}), 21, 0.1},
		{"cosine mid", CosineDecay(1, 100, 0), 50, 0.5},
		{"cosine end", CosineDecay(1, 100, 0.1), 200, 0.1},
	} {
		if got := c.s.At(c.step); math.Abs(got-c.want) > 1e-12 {
			t.Errorf("%s: At(%d) = %v, want %v", c.name, c.step, got, c.want)
		}
	}
	// A schedule drives the graph-mode update step by step.
	g := tf.NewGraph()
	w := tf.NewVariable(g, tensor.Scalar(0.0))
	opt := NewGradientDescent(0, Schedule(PiecewiseConstant([]int64{0}, []float64{1, 0.5})))
	train := opt.Minimize(w.Tensor())
	s := tf.NewSession(g)
	tf.GlobalVariablesInitializer(g).Run(s, nil)
	for i := 0; i < 3; i++ {
		train.Run(s, nil)
	}
	if got := w.Value().Item(); got != -2 { // -1 at step 0, then -0.5 twice
		t.Errorf("w = %v, want -2", got)
	}
}

func TestClipping(t *testing.T) {
	for _, c := range []struct {
		name string
		opt  Optimizer
		want []float64
	}{
		{"value", NewGradientDescent(1, ClipValue(0.5)), []float64{-0.5, 0.5}},
		{"norm", NewGradientDescent(1, ClipNorm(1)), []float64{-0.6, 0.8}},
		{"global norm", NewGradientDescent(1, GlobalClipNorm(1)), []float64{-0.6, 0.8}},
	} {
		v := tf.NewVariable(nil, tensor.From([]float64{0, 0}))
		if err := c.opt.ApplyGradients([]*tf.Tensor{tf.Constant([]float64{3, -4})}, []*tf.Variable{v}); err != nil {
			t.Fatal(err)
		}
		for i, w := range c.want {
			if got := v.Value().Float(i); math.Abs(got-w) > 1e-12 {
				t.Errorf("%s: w = %v, want %v", c.name, v.Value(), c.want)
				break
			}
		}
	}
}

func TestExponentialMovingAverage(t *testing.T) {
	v := tf.NewVariable(nil, tensor.From([]float64{10}))
	ema := NewExponentialMovingAverage(0.9, false)
	ema.Apply(nil, v) // shadow starts at 10
	v.SetValue(tensor.From([]float64{0}))
	ema.Apply(nil, v)
	if got := ema.Average(v).Value().Float(0); math.Abs(got-9) > 1e-12 {
		t.Errorf("eager EMA = %v, want 9", got)
	}
	g := tf.NewGraph()
	op := ema.Apply(g, v)
	s := tf.NewSession(g)
	op.Run(s, nil)
	op.Run(s, nil)
	if got := ema.Average(v).Value().Float(0); math.Abs(got-9*0.81) > 1e-12 {
		t.Errorf("graph EMA = %v, want %v", got, 9*0.81)
	}
}

func TestGet(t *testing.T) {
	for _, n := range []string{"sgd", "adam", "rmsprop", "adagrad"} {
		o, err := Get(n)
		if err != nil || o == nil {
			t.Errorf("Get(%q): %v", n, err)
		}
	}
	if o, _ := Get("adam"); o.LearningRate() != 0.001 {
		t.Errorf("Adam default lr %v", o.LearningRate())
	}
	if _, err := Get("nope"); err == nil {
		t.Error("Get of an unknown name: no error")
	}
}

// Regression: with numUpdates, a graph op built once must warm its decay up
// as it runs, min(decay, (1+n)/(10+n)) for the n-th run, not keep the decay
// of the build.
func TestExponentialMovingAverageWarmUpInGraph(t *testing.T) {
	v := tf.NewVariable(nil, tensor.From([]float64{10}))
	ema := NewExponentialMovingAverage(0.99, true)
	g := tf.NewGraph()
	op := ema.Apply(g, v) // shadow starts at 10
	s := tf.NewSession(g)
	want := 10.0
	for n := 1; n <= 4; n++ {
		x := float64(n * n) // the variable moves between runs
		if err := v.SetValue(tensor.From([]float64{x})); err != nil {
			t.Fatal(err)
		}
		if err := op.Run(s, nil); err != nil {
			t.Fatal(err)
		}
		d := math.Min(0.99, float64(1+n)/float64(10+n))
		want -= (1 - d) * (want - x)
		if got := ema.Average(v).Value().Float(0); math.Abs(got-want) > 1e-12 {
			t.Fatalf("run %d: shadow %.15g, want %.15g (decay %v)", n, got, want, d)
		}
	}
	if c := ema.NumUpdates().Value().Item(); c != 4 {
		t.Errorf("step count %v, want 4", c)
	}
	// Eager applies continue the same count: the 5th update.
	if err := v.SetValue(tensor.From([]float64{0})); err != nil {
		t.Fatal(err)
	}
	ema.Apply(nil, v)
	d := math.Min(0.99, 6.0/15)
	want -= (1 - d) * want
	if got := ema.Average(v).Value().Float(0); math.Abs(got-want) > 1e-12 {
		t.Errorf("eager 5th update: shadow %.15g, want %.15g", got, want)
	}
	if NewExponentialMovingAverage(0.9, false).NumUpdates() != nil {
		t.Error("an EMA without numUpdates has a step variable")
	}
}
