package optimizers

import (
	"math"
	"strings"
	"testing"

	"github.com/tensorgo/tensorgo/tensor"
	"github.com/tensorgo/tensorgo/tf"
)

// References for the optimizers built of tf ops, written as direct float64
// loops from the update rules in Keras 3's keras/src/optimizers/*.py.
var kerasCases = []struct {
	name string
	make func() Optimizer
	ref  reference
}{
	{"AdamW", func() Optimizer { return NewAdamW(0.01, WeightDecay(0.1)) }, func(w, g []float64, t int, st map[string][]float64) {
		m, v := slot(st, "m", len(w), 0), slot(st, "v", len(w), 0)
		ft := float64(t)
		for i := range w {
			w[i] -= w[i] * 0.1 * 0.01
			m[i] += (g[i] - m[i]) * 0.1
			v[i] += (g[i]*g[i] - v[i]) * 0.001
			alpha := 0.01 * math.Sqrt(1-math.Pow(0.999, ft)) / (1 - math.Pow(0.9, ft))
			w[i] -= m[i] * alpha / (math.Sqrt(v[i]) + 1e-7)
		}
	}},
	{"Nadam", func() Optimizer { return NewNadam(0.01, Beta1(0.8), Beta2(0.9), Epsilon(1e-4)) }, func(w, g []float64, t int, st map[string][]float64) {
		m, v, up := slot(st, "m", len(w), 0), slot(st, "v", len(w), 0), slot(st, "u", 1, 1)
		u := func(s float64) float64 { return 0.8 * (1 - 0.5*math.Pow(0.96, s)) }
		ft := float64(t)
		up[0] *= u(ft)
		for i := range w {
			m[i] += (g[i] - m[i]) * 0.2
			v[i] += (g[i]*g[i] - v[i]) * 0.1
			mh := u(ft+1)*m[i]/(1-up[0]*u(ft+1)) + (1-u(ft))*g[i]/(1-up[0])
			vh := v[i] / (1 - math.Pow(0.9, ft))
			w[i] -= mh * 0.01 / (math.Sqrt(vh) + 1e-4)
		}
	}},
	{"Adamax", func() Optimizer { return NewAdamax(0.02, Beta1(0.85), Beta2(0.95)) }, func(w, g []float64, t int, st map[string][]float64) {
		m, u := slot(st, "m", len(w), 0), slot(st, "u", len(w), 0)
		for i := range w {
			m[i] += (g[i] - m[i]) * 0.15
			u[i] = math.Max(0.95*u[i], math.Abs(g[i]))
			w[i] -= 0.02 * m[i] / ((1 - math.Pow(0.85, float64(t))) * (u[i] + 1e-7))
		}
	}},
	{"Adadelta", func() Optimizer { return NewAdadelta(1, Rho(0.8), Epsilon(1e-6)) }, func(w, g []float64, _ int, st map[string][]float64) {
		ag, ad := slot(st, "ag", len(w), 0), slot(st, "ad", len(w), 0)
		for i := range w {
			ag[i] = 0.8*ag[i] + 0.2*g[i]*g[i]
			d := -math.Sqrt(ad[i]+1e-6) / math.Sqrt(ag[i]+1e-6) * g[i]
			ad[i] = 0.8*ad[i] + 0.2*d*d
			w[i] += d
		}
	}},
	{"Ftrl", func() Optimizer {
		return NewFtrl(0.05, LearningRatePower(-0.2), InitialAccumulator(0.4), L1RegularizationStrength(0.05),
			L2RegularizationStrength(0.15), L2ShrinkageRegularizationStrength(0.01), FTRLBeta(0.3))
	}, func(w, g []float64, _ int, st map[string][]float64) {
		n, z := slot(st, "n", len(w), 0.4), slot(st, "z", len(w), 0)
		const lr, p, l1 = 0.05, 0.2, 0.05
		l2 := 0.15 + 0.3/(2*lr)
		for i := range w {
			nn := n[i] + g[i]*g[i]
			z[i] += g[i] + 2*0.01*w[i] - (math.Pow(nn, p)-math.Pow(n[i], p))/lr*w[i]
			zc := math.Max(-l1, math.Min(l1, z[i]))
			w[i] = (zc - z[i]) / (math.Pow(nn, p)/lr + 2*l2)
			n[i] = nn
		}
	}},
	{"Lion", func() Optimizer { return NewLion(0.01) }, func(w, g []float64, _ int, st map[string][]float64) {
		m := slot(st, "m", len(w), 0)
		for i := range w {
			c := 0.9*m[i] + 0.1*g[i]
			s := 0.0
			if c > 0 {
				s = 1
			} else if c < 0 {
				s = -1
			}
			w[i] -= 0.01 * s
			m[i] = 0.99*m[i] + 0.01*g[i]
		}
	}},
	{"SGD weight decay", func() Optimizer { return NewSGD(0.1, WeightDecay(0.05)) }, func(w, g []float64, _ int, _ map[string][]float64) {
		for i := range w {
			w[i] -= w[i] * 0.05 * 0.1
			w[i] -= 0.1 * g[i]
		}
	}},
	{"Adam weight decay", func() Optimizer { return NewAdam(0.01, WeightDecay(0.2)) }, func(w, g []float64, t int, st map[string][]float64) {
		m, v := slot(st, "m", len(w), 0), slot(st, "v", len(w), 0)
		ft := float64(t)
		for i := range w {
			w[i] -= w[i] * 0.2 * 0.01
			m[i] += (g[i] - m[i]) * 0.1
			v[i] += (g[i]*g[i] - v[i]) * 0.001
			alpha := 0.01 * math.Sqrt(1-math.Pow(0.999, ft)) / (1 - math.Pow(0.9, ft))
			w[i] -= m[i] * alpha / (math.Sqrt(v[i]) + 1e-7)
		}
	}},
	{"Ftrl weight decay", func() Optimizer {
		return NewFtrl(0.1, L2ShrinkageRegularizationStrength(0.1), WeightDecay(0.5))
	}, func(w, g []float64, _ int, st map[string][]float64) {
		n, z := slot(st, "n", len(w), 0.1), slot(st, "z", len(w), 0)
		for i := range w {
			w[i] -= w[i] * 0.5 * 0.1 // FTRL then reads the decayed value
			nn := n[i] + g[i]*g[i]
			z[i] += g[i] + 2*0.1*w[i] - (math.Sqrt(nn)-math.Sqrt(n[i]))/0.1*w[i]
			w[i] = (0 - z[i]) / (math.Sqrt(nn) / 0.1)
			n[i] = nn
		}
	}},
	{"SGD EMA", func() Optimizer { return NewSGD(0.1, UseEMA(true), EMAMomentum(0.5)) }, func(w, g []float64, t int, st map[string][]float64) {
		a := slot(st, "a", len(w), 0)
		for i := range w {
			w[i] -= 0.1 * g[i]
			if t == 1 {
				a[i] = w[i]
			} else {
				a[i] = 0.5*a[i] + 0.5*w[i]
			}
		}
	}},
	{"Momentum EMA overwrite", func() Optimizer {
		return NewMomentum(0.1, 0.9, false, UseEMA(true), EMAMomentum(0.7), EMAOverwriteFrequency(2))
	}, func(w, g []float64, t int, st map[string][]float64) {
		a, v := slot(st, "a", len(w), 0), slot(st, "v", len(w), 0)
		for i := range w {
			v[i] = 0.9*v[i] - 0.1*g[i]
			w[i] += v[i]
			if t == 1 {
				a[i] = w[i]
			} else {
				a[i] = 0.7*a[i] + 0.3*w[i]
			}
			if t%2 == 0 {
				w[i] = a[i]
			}
		}
	}},
}

// runAgainstReference applies gradSeq eagerly and through a compiled graph
// step, checking both against ref after every step.
func runAgainstReference(t *testing.T, make func() Optimizer, ref reference) {
	t.Helper()
	want := []float64{1, -2, 0.5}
	st := map[string][]float64{}
	opt := make()
	v := tf.NewVariable(nil, tensor.From([]float64{1, -2, 0.5}), tf.Name("w"))
	opt2 := make()
	g := tf.NewGraph()
	v2 := tf.NewVariable(g, tensor.From([]float64{1, -2, 0.5}), tf.Name("w"))
	gph := tf.Placeholder(g, tf.Float64, tf.Shape{3})
	step := opt2.ApplyGradientsOp([]*tf.Tensor{gph}, []*tf.Variable{v2})
	s := tf.NewSession(g)
	if err := tf.GlobalVariablesInitializer(g).Run(s, nil); err != nil {
		t.Fatal(err)
	}
	for k := 0; k < 4; k++ {
		gr := gradSeq[k%len(gradSeq)]
		ref(want, gr, k+1, st)
		if err := opt.ApplyGradients([]*tf.Tensor{tf.Constant(gr)}, []*tf.Variable{v}); err != nil {
			t.Fatal(err)
		}
		if err := step.Run(s, tf.Feeds{gph: tensor.From(gr)}); err != nil {
			t.Fatal(err)
		}
		for i := range want {
			tol := 1e-12 * math.Max(1, math.Abs(want[i]))
			if e := v.Value().Float(i); math.Abs(e-want[i]) > tol {
				t.Fatalf("eager step %d: w[%d] = %.15g, want %.15g", k+1, i, e, want[i])
			}
			if e := v2.Value().Float(i); math.Abs(e-want[i]) > tol {
				t.Fatalf("graph step %d: w[%d] = %.15g, want %.15g", k+1, i, e, want[i])
			}
		}
	}
	if opt.Iterations() != 4 || opt2.Iterations() != 4 {
		t.Errorf("iterations %d, %d, want 4", opt.Iterations(), opt2.Iterations())
	}
	if s.NumPlans() != 2 {
		t.Errorf("%d plans compiled, want 2 (initializer and step)", s.NumPlans())
	}
}

func TestKerasOptimizersMatchReference(t *testing.T) {
	for _, c := range kerasCases {
		t.Run(c.name, func(t *testing.T) { runAgainstReference(t, c.make, c.ref) })
	}
}

// Keras 3's test_single_step (grads [1, 6, 7, 2] on [1, 2, 3, 4], lr 0.5)
// and test_correctness_with_golden (a step of 0.01s, then five steps of
// 0.1..1.0 on ten ones) for each optimizer, values quoted from
// keras/src/optimizers/*_test.py; Keras checks them at 1e-4 and 5e-4.
func TestKerasGoldenValues(t *testing.T) {
	single := []struct {
		name string
		opt  func() Optimizer
		want []float64
	}{
		{"AdamW", func() Optimizer { return NewAdamW(0.5) }, []float64{0.4980, 1.4960, 2.494, 3.492}},
		{"Nadam", func() Optimizer { return NewNadam(0.5) }, []float64{0.4686, 1.4686, 2.4686, 3.4686}},
		{"Adamax", func() Optimizer { return NewAdamax(0.5) }, []float64{0.5, 1.5, 2.5, 3.5}},
		{"Adadelta", func() Optimizer { return NewAdadelta(0.5) }, []float64{0.9993, 1.9993, 2.9993, 3.9993}},
		{"Ftrl", func() Optimizer { return NewFtrl(0.5) }, []float64{0.2218, 1.3954, 2.3651, 2.8814}},
		{"Lion", func() Optimizer { return NewLion(0.5) }, []float64{0.5, 1.5, 2.5, 3.5}},
	}
	for _, c := range single {
		for _, eager := range []bool{true, false} {
			v := applySteps(t, c.opt(), eager, []float32{1, 2, 3, 4}, [][]float32{{1, 6, 7, 2}})
			for i, w := range c.want {
				if d := math.Abs(float64(v[0][i]) - w); d > 1e-4+1e-4*math.Abs(w) {
					t.Errorf("%s single step (eager %v): w = %v, want %v", c.name, eager, v[0], c.want)
					break
				}
			}
		}
	}

	tile := func(xs ...float64) [][]float64 {
		out := make([][]float64, len(xs))
		for i, x := range xs {
			out[i] = []float64{x, x, x, x, x, x, x, x, x, x}
		}
		return out
	}
	golden := []struct {
		name string
		opt  func() Optimizer
		want [][]float64
	}{
		{"AdamW", func() Optimizer { return NewAdamW(1, WeightDecay(0.5), Epsilon(2)) }, [][]float64{
			{0.4998, 0.4998, 0.4998, 0.4998, 0.4998, 0.4998, 0.4998, 0.4998, 0.4998, 0.4998},
			{0.2486, 0.2475, 0.2463, 0.2451, 0.244, 0.2428, 0.2417, 0.2405, 0.2394, 0.2382},
			{0.1223, 0.1198, 0.1174, 0.1149, 0.1124, 0.11, 0.1075, 0.1051, 0.1027, 0.1003},
			{0.0586, 0.0549, 0.0512, 0.0475, 0.0439, 0.0402, 0.0366, 0.033, 0.0294, 0.0258},
			{0.0263, 0.0215, 0.0167, 0.012, 0.0073, 0.0026, -0.0021, -0.0067, -0.0113, -0.0159}}},
		{"Nadam", func() Optimizer { return NewNadam(0.5, Beta1(0.5), Beta2(0.67), Epsilon(1e-5)) }, [][]float64{
			{0.4281, 0.4281, 0.4281, 0.4281, 0.4281, 0.4281, 0.4281, 0.4281, 0.4281, 0.4281},
			{-0.1738, -0.1731, -0.1726, -0.1723, -0.1721, -0.172, -0.1719, -0.1718, -0.1718, -0.1717},
			{-0.7115, -0.7103, -0.7096, -0.7092, -0.709, -0.7088, -0.7086, -0.7085, -0.7085, -0.7084},
			{-1.2335, -1.2322, -1.2313, -1.2309, -1.2306, -1.2304, -1.2302, -1.2301, -1.23, -1.2299},
			{-1.7492, -1.7478, -1.7469, -1.7464, -1.7461, -1.7459, -1.7457, -1.7456, -1.7455, -1.7454}}},
		{"Adamax", func() Optimizer { return NewAdamax(0.2, Beta1(0.85), Beta2(0.95), Epsilon(1e-6)) }, [][]float64{
			{0.8, 0.8, 0.8, 0.8, 0.8, 0.8, 0.8, 0.8, 0.8, 0.8},
			{0.6827, 0.6873, 0.6888, 0.6896, 0.6901, 0.6904, 0.6906, 0.6908, 0.6909, 0.691},
			{0.5333, 0.5407, 0.5431, 0.5444, 0.5451, 0.5456, 0.546, 0.5462, 0.5464, 0.5466},
			{0.368, 0.3773, 0.3804, 0.382, 0.3829, 0.3835, 0.384, 0.3843, 0.3846, 0.3848},
			{0.1933, 0.204, 0.2076, 0.2094, 0.2105, 0.2112, 0.2117, 0.2121, 0.2124, 0.2126}}},
		{"Adadelta", func() Optimizer { return NewAdadelta(1, Rho(0.8), Epsilon(1e-6)) },
			tile(0.9978, 0.9947, 0.9915, 0.9882, 0.9849)},
		{"Ftrl", func() Optimizer {
			return NewFtrl(0.05, LearningRatePower(-0.2), InitialAccumulator(0.4), L1RegularizationStrength(0.05),
				L2RegularizationStrength(0.15), L2ShrinkageRegularizationStrength(0.01), FTRLBeta(0.3))
		}, [][]float64{
			{0, 0, 0, 0, 0, 0, 0, 0, 0, 0},
			{-0.0034, -0.0077, -0.0118, -0.0157, -0.0194, -0.023, -0.0263, -0.0294, -0.0325, -0.0354},
			{-0.0078, -0.0162, -0.0242, -0.0317, -0.0387, -0.0454, -0.0516, -0.0575, -0.0631, -0.0685},
			{-0.0121, -0.0246, -0.0363, -0.0472, -0.0573, -0.0668, -0.0757, -0.0842, -0.0922, -0.0999},
			{-0.0164, -0.0328, -0.0481, -0.0623, -0.0753, -0.0875, -0.099, -0.1098, -0.1201, -0.1299}}},
		{"Lion", func() Optimizer { return NewLion(0) }, tile(0.999, 0.998, 0.997, 0.996, 0.995)},
	}
	first := make([]float32, 10)
	grads := make([]float32, 10)
	ones := make([]float32, 10)
	for i := range first {
		first[i], grads[i], ones[i] = 0.01, 0.1*float32(i+1), 1
	}
	seq := [][]float32{first, grads, grads, grads, grads}
	for _, c := range golden {
		for _, eager := range []bool{true, false} {
			got := applySteps(t, c.opt(), eager, ones, seq)
			for k, want := range c.want {
				for i, w := range want {
					if d := math.Abs(float64(got[k][i]) - w); d > 5e-4+5e-4*math.Abs(w) {
						t.Errorf("%s golden step %d (eager %v): w = %v, want %v", c.name, k+1, eager, got[k], want)
						break
					}
				}
			}
		}
	}
}

// applySteps applies grads to a float32 variable starting at init, one
// update per entry, eagerly or through a compiled graph, and returns the
// variable after each update.
func applySteps(t *testing.T, opt Optimizer, eager bool, init []float32, grads [][]float32) [][]float32 {
	t.Helper()
	var out [][]float32
	if eager {
		v := tf.NewVariable(nil, tensor.From(init))
		for _, g := range grads {
			if err := opt.ApplyGradients([]*tf.Tensor{tf.Constant(g)}, []*tf.Variable{v}); err != nil {
				t.Fatal(err)
			}
			out = append(out, append([]float32(nil), v.Value().Float32s()...))
		}
		return out
	}
	gr := tf.NewGraph()
	v := tf.NewVariable(gr, tensor.From(init))
	ph := tf.Placeholder(gr, tf.Float32, tf.Shape{len(init)})
	step := opt.ApplyGradientsOp([]*tf.Tensor{ph}, []*tf.Variable{v})
	s := tf.NewSession(gr)
	if err := tf.GlobalVariablesInitializer(gr).Run(s, nil); err != nil {
		t.Fatal(err)
	}
	for _, g := range grads {
		if err := step.Run(s, tf.Feeds{ph: tensor.From(g)}); err != nil {
			t.Fatal(err)
		}
		out = append(out, append([]float32(nil), v.Value().Float32s()...))
	}
	return out
}

// Keras 3's test_weight_decay: three optimizers with lr 1 and weight decay
// 0.004 each decay var1 once (2 * 0.996^3 = 1.9760959); a variable
// excluded by name or by reference keeps 2.
func TestWeightDecayExclusion(t *testing.T) {
	for _, name := range []string{"adamw", "nadam", "adamax", "adadelta", "lion", "sgd", "adam", "rmsprop", "adagrad", "ftrl"} {
		mk := func() Optimizer {
			o, err := Get(name)
			if err != nil {
				t.Fatal(err)
			}
			opt := o.(*base)
			opt.SetLearningRate(1)
			opt.cfg.weightDecay = 0.004
			return opt
		}
		zero := tf.Constant(tensor.Scalar(0.0))
		var1 := tf.NewVariable(nil, tensor.Scalar(2.0))
		var2 := tf.NewVariable(nil, tensor.Scalar(2.0), tf.Name("exclude"))
		var3 := tf.NewVariable(nil, tensor.Scalar(2.0))
		if err := mk().ApplyGradients([]*tf.Tensor{zero}, []*tf.Variable{var1}); err != nil {
			t.Fatal(err)
		}
		o2 := mk()
		o2.ExcludeFromWeightDecay(nil, "exclude")
		if err := o2.ApplyGradients([]*tf.Tensor{zero, zero}, []*tf.Variable{var1, var2}); err != nil {
			t.Fatal(err)
		}
		o3 := mk()
		o3.ExcludeFromWeightDecay([]*tf.Variable{var3})
		if err := o3.ApplyGradients([]*tf.Tensor{zero, zero}, []*tf.Variable{var1, var3}); err != nil {
			t.Fatal(err)
		}
		if name == "ftrl" {
			// FTRL's zero-gradient step moves w (to 0 here): only the
			// exclusions are comparable.
			if var2.Value().Item() == 2 || var3.Value().Item() == 2 {
				t.Errorf("ftrl: a zero-gradient step should move w")
			}
			continue
		}
		if got := var1.Value().Item(); math.Abs(got-2*0.996*0.996*0.996) > 1e-12 {
			t.Errorf("%s: var1 = %.9f, want 1.9760959 (Keras)", name, got)
		}
		if a, b := var2.Value().Item(), var3.Value().Item(); a != 2 || b != 2 {
			t.Errorf("%s: excluded variables moved to %v, %v", name, a, b)
		}
	}
}

func TestGetKnowsKerasNames(t *testing.T) {
	want := map[string]string{"sgd": "SGD", "rmsprop": "RMSprop", "adagrad": "Adagrad", "adadelta": "Adadelta",
		"adam": "Adam", "adamw": "AdamW", "nadam": "Nadam", "adamax": "Adamax", "ftrl": "Ftrl", "lion": "Lion"}
	for n, cls := range want {
		for _, s := range []string{n, cls} {
			o, err := Get(s)
			if err != nil {
				t.Errorf("Get(%q): %v", s, err)
				continue
			}
			if o.Name() != cls {
				t.Errorf("Get(%q).Name() = %q, want %q", s, o.Name(), cls)
			}
			wantLR := 0.001
			if n == "sgd" {
				wantLR = 0.01
			}
			if o.LearningRate() != wantLR {
				t.Errorf("Get(%q): learning rate %v, want Keras's %v", s, o.LearningRate(), wantLR)
			}
		}
	}
	_, err := Get("adamm")
	if err == nil {
		t.Fatal("Get of an unknown name: no error")
	}
	for n := range want {
		if !strings.Contains(err.Error(), n) {
			t.Errorf("error %q does not list %q", err, n)
		}
	}
	if wd := mustGet(t, "adamw").(*base).cfg.weightDecay; wd != 0.004 {
		t.Errorf("AdamW default weight decay %v, want 0.004", wd)
	}
	if b2 := mustGet(t, "lion").(*base).cfg.beta2; b2 != 0.99 {
		t.Errorf("Lion default beta_2 %v, want 0.99", b2)
	}
	if rho := mustGet(t, "adadelta").(*base).cfg.rho; rho != 0.95 {
		t.Errorf("Adadelta default rho %v, want 0.95", rho)
	}
}

func mustGet(t *testing.T, n string) Optimizer {
	t.Helper()
	o, err := Get(n)
	if err != nil {
		t.Fatal(err)
	}
	return o
}

func TestInvalidArgumentsPanic(t *testing.T) {
	for name, f := range map[string]func(){
		"two clips":         func() { NewSGD(0.1, ClipNorm(1), ClipValue(1)) },
		"lion beta1":        func() { NewLion(0.1, Beta1(0)) },
		"ftrl power":        func() { NewFtrl(0.1, LearningRatePower(0.5)) },
		"ftrl l1":           func() { NewFtrl(0.1, L1RegularizationStrength(-1)) },
		"ftrl accumulator":  func() { NewFtrl(0.1, InitialAccumulator(-1)) },
		"ema momentum":      func() { NewAdam(0.1, UseEMA(true), EMAMomentum(1.5)) },
		"negative decay":    func() { NewAdam(0.1, WeightDecay(-1)) },
		"bad exclude regex": func() { NewAdamW(0).ExcludeFromWeightDecay(nil, "(") },
	} {
		func() {
			defer func() {
				r := recover()
				if r == nil {
					t.Errorf("%s: no panic", name)
					return
				}
				if s, _ := r.(string); !strings.HasPrefix(s, "optimizers: ") {
					t.Errorf("%s: panic %v does not name the package and optimizer", name, r)
				}
			}()
			f()
		}()
	}
}

// A compiled step of an optimizer built of tf ops allocates no more than
// one of the fused Adam kernel does (the steady state allocates nothing for
// the update itself).
func TestComposedStepAllocations(t *testing.T) {
	allocs := func(opt Optimizer) float64 {
		g := tf.NewGraph()
		w := tf.NewVariable(g, tensor.RandomNormal(tensor.Float32, tensor.Shape{64, 32}, 0, 1))
		loss := tf.ReduceSum(tf.Square(w.Tensor()), nil, false)
		train := opt.Minimize(loss)
		s := tf.NewSession(g)
		if err := tf.GlobalVariablesInitializer(g).Run(s, nil); err != nil {
			t.Fatal(err)
		}
		if err := train.Run(s, nil); err != nil {
			t.Fatal(err)
		}
		return testing.AllocsPerRun(20, func() {
			if err := train.Run(s, nil); err != nil {
				t.Fatal(err)
			}
		})
	}
	base := allocs(NewAdam(0.01))
	for _, opt := range []Optimizer{
		NewNadam(0.01, UseEMA(true), EMAOverwriteFrequency(3), WeightDecay(0.01)),
		NewFtrl(0.01, FTRLBeta(0.1)),
		NewAdadelta(0.01),
		NewAdamax(0.01),
		NewLion(0.01),
	} {
		if a := allocs(opt); a > base {
			t.Errorf("%s: a compiled step allocates %v times, fused Adam %v", opt.Name(), a, base)
		}
	}
}

// Each new optimizer minimises the coupled quadratic of TestConvergence in
// graph mode.
func TestKerasOptimizersConverge(t *testing.T) {
	for _, c := range []struct {
		opt Optimizer
		tol float64
	}{
		{NewAdamW(0.05, WeightDecay(1e-4)), 1e-3},
		{NewNadam(0.05), 1e-3},
		{NewAdamax(0.05), 1e-3},
		{NewAdadelta(1), 1e-3},
		{NewFtrl(0.5), 1e-3},
		// sign updates: Lion ends within about lr of the optimum.
		{NewLion(0.001), 1e-4},
		{NewAdam(0.05, UseEMA(true)), 1e-3},
	} {
		g := tf.NewGraph()
		w := tf.NewVariable(g, []float32{3, -2, 1}, tf.Name("w"))
		target := tf.Const(g, []float32{0.5, 1.5, -1})
		d := tf.Sub(w.Tensor(), target)
		loss := tf.Add(tf.ReduceSum(tf.Square(d), nil, false), tf.Mul(tf.Const(g, float32(0.1)), tf.Square(tf.ReduceSum(d, nil, false))))
		train := c.opt.Minimize(loss)
		s := tf.NewSession(g)
		if err := tf.GlobalVariablesInitializer(g).Run(s, nil); err != nil {
			t.Fatal(err)
		}
		for i := 0; i < 5000; i++ {
			if err := train.Run(s, nil); err != nil {
				t.Fatal(err)
			}
		}
		out, err := s.Run(nil, []*tf.Tensor{loss})
		if err != nil {
			t.Fatal(err)
		}
		if l := out[0].Item(); l > c.tol || math.IsNaN(l) {
			t.Errorf("%s: loss after 5000 steps: %g", c.opt.Name(), l)
		}
	}
}
