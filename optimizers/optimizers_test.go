package optimizers

import (
	"math"
	"testing"

	"github.com/tensorgo/tensorgo/tensor"
	"github.com/tensorgo/tensorgo/tf"
)

// reference implements each update rule on plain slices, independently of
// the fused kernels.
type reference func(w, g []float64, step int, state map[string][]float64)

func slot(state map[string][]float64, name string, n int, init float64) []float64 {
	s, ok := state[name]
	if !ok {
		s = make([]float64, n)
		for i := range s {
			s[i] = init
		}
		state[name] = s
	}
	return s
}

var optCases = []struct {
	name string
	make func() Optimizer
	ref  reference
}{
	{"GradientDescent", func() Optimizer { return NewGradientDescent(0.1) }, func(w, g []float64, _ int, _ map[string][]float64) {
		for i := range w {
			w[i] -= 0.1 * g[i]
		}
	}},
	{"Momentum", func() Optimizer { return NewMomentum(0.1, 0.9, false) }, func(w, g []float64, _ int, st map[string][]float64) {
		v := slot(st, "v", len(w), 0)
		for i := range w {
			v[i] = 0.9*v[i] - 0.1*g[i]
			w[i] += v[i]
		}
	}},
	{"Nesterov", func() Optimizer { return NewSGD(0.1, Momentum(0.9), Nesterov(true)) }, func(w, g []float64, _ int, st map[string][]float64) {
		v := slot(st, "v", len(w), 0)
		for i := range w {
			v[i] = 0.9*v[i] - 0.1*g[i]
			w[i] += 0.9*v[i] - 0.1*g[i]
		}
	}},
	{"Adagrad", func() Optimizer { return NewAdagrad(0.1) }, func(w, g []float64, _ int, st map[string][]float64) {
		a := slot(st, "a", len(w), 0.1)
		for i := range w {
			a[i] += g[i] * g[i]
			w[i] -= 0.1 * g[i] / (math.Sqrt(a[i]) + 1e-7)
		}
	}},
	{"RMSprop", func() Optimizer { return NewRMSprop(0.01) }, func(w, g []float64, _ int, st map[string][]float64) {
		ms := slot(st, "ms", len(w), 0)
		for i := range w {
			ms[i] = 0.9*ms[i] + 0.1*g[i]*g[i]
			w[i] -= 0.01 * g[i] / math.Sqrt(ms[i]+1e-7)
		}
	}},
	{"RMSprop centered momentum", func() Optimizer { return NewRMSprop(0.01, Centered(true), Momentum(0.5)) }, func(w, g []float64, _ int, st map[string][]float64) {
		ms, mg, mom := slot(st, "ms", len(w), 0), slot(st, "mg", len(w), 0), slot(st, "mom", len(w), 0)
		for i := range w {
			ms[i] = 0.9*ms[i] + 0.1*g[i]*g[i]
			mg[i] = 0.9*mg[i] + 0.1*g[i]
			mom[i] = 0.5*mom[i] + 0.01*g[i]/math.Sqrt(ms[i]-mg[i]*mg[i]+1e-7)
			w[i] -= mom[i]
		}
	}},
	{"Adam", func() Optimizer { return NewAdam(0.01) }, func(w, g []float64, t int, st map[string][]float64) {
		m, v := slot(st, "m", len(w), 0), slot(st, "v", len(w), 0)
		for i := range w {
			m[i] = 0.9*m[i] + 0.1*g[i]
			v[i] = 0.999*v[i] + 0.001*g[i]*g[i]
			mh := m[i] / (1 - math.Pow(0.9, float64(t)))
			vh := v[i] / (1 - math.Pow(0.999, float64(t)))
			// Keras folds the corrections into the rate, so epsilon is
			// scaled by sqrt(1-beta2^t): use the same form.
			w[i] -= 0.01 * mh / (math.Sqrt(vh) + 1e-7/math.Sqrt(1-math.Pow(0.999, float64(t))))
		}
	}},
	{"AMSGrad", func() Optimizer { return NewAdam(0.01, AMSGrad(true)) }, func(w, g []float64, t int, st map[string][]float64) {
		m, v, vm := slot(st, "m", len(w), 0), slot(st, "v", len(w), 0), slot(st, "vm", len(w), 0)
		for i := range w {
			m[i] = 0.9*m[i] + 0.1*g[i]
			v[i] = 0.999*v[i] + 0.001*g[i]*g[i]
			vm[i] = math.Max(vm[i], v[i])
			lrt := 0.01 * math.Sqrt(1-math.Pow(0.999, float64(t))) / (1 - math.Pow(0.9, float64(t)))
			w[i] -= lrt * m[i] / (math.Sqrt(vm[i]) + 1e-7)
		}
	}},
}

// gradient sequence used by the hand-computed steps
var gradSeq = [][]float64{{0.5, -0.1, 2}, {-0.3, -0.1, 1}, {0.2, 0.4, -1}}

func TestUpdatesMatchHandComputedSteps(t *testing.T) {
	for _, c := range optCases {
		t.Run(c.name, func(t *testing.T) {
			want := []float64{1, -2, 0.5}
			st := map[string][]float64{}
			// eager
			opt := c.make()
			v := tf.NewVariable(nil, tensor.From([]float64{1, -2, 0.5}))
			// graph, sharing nothing with the eager run
			opt2 := c.make()
			g := tf.NewGraph()
			v2 := tf.NewVariable(g, tensor.From([]float64{1, -2, 0.5}))
			gph := tf.Placeholder(g, tf.Float64, tf.Shape{3})
			step := opt2.ApplyGradientsOp([]*tf.Tensor{gph}, []*tf.Variable{v2})
			s := tf.NewSession(g)
			if err := tf.GlobalVariablesInitializer(g).Run(s, nil); err != nil {
				t.Fatal(err)
			}
			for k, gr := range gradSeq {
				c.ref(want, gr, k+1, st)
				if err := opt.ApplyGradients([]*tf.Tensor{tf.Constant(gr)}, []*tf.Variable{v}); err != nil {
					t.Fatal(err)
				}
				if err := step.Run(s, tf.Feeds{gph: tensor.From(gr)}); err != nil {
					t.Fatal(err)
				}
				for i := range want {
					if e := v.Value().Float(i); math.Abs(e-want[i]) > 1e-12 {
						t.Fatalf("eager step %d: w[%d] = %.15g, want %.15g", k+1, i, e, want[i])
					}
					if e := v2.Value().Float(i); math.Abs(e-want[i]) > 1e-12 {
						t.Fatalf("graph step %d: w[%d] = %.15g, want %.15g", k+1, i, e, want[i])
					}
				}
			}
			if opt.Iterations() != 3 || opt2.Iterations() != 3 {
				t.Errorf("iterations %d, %d, want 3", opt.Iterations(), opt2.Iterations())
			}
			if s.NumPlans() != 2 {
				t.Errorf("%d plans compiled, want 2 (initializer and step)", s.NumPlans())
			}
		})
	}
}

func TestConvergence(t *testing.T) {
	for _, c := range optCases {
		t.Run(c.name, func(t *testing.T) {
			// minimise sum((w - target)^2) + a coupling term, in graph mode
			g := tf.NewGraph()
			w := tf.NewVariable(g, []float32{3, -2, 1}, tf.Name("w"))
			target := tf.Const(g, []float32{0.5, 1.5, -1})
			d := tf.Sub(w.Tensor(), target)
			loss := tf.Add(tf.ReduceSum(tf.Square(d), nil, false), tf.Mul(tf.Const(g, float32(0.1)), tf.Square(tf.ReduceSum(d, nil, false))))
			opt := c.make()
			train := opt.Minimize(loss)
			s := tf.NewSession(g)
			tf.GlobalVariablesInitializer(g).Run(s, nil)
			for i := 0; i < 3000; i++ {
				if err := train.Run(s, nil); err != nil {
					t.Fatal(err)
				}
			}
			out, _ := s.Run(nil, []*tf.Tensor{loss})
			if l := out[0].Item(); l > 1e-3 {
				t.Errorf("loss after 3000 steps: %g", l)
			}
		})
	}
}
