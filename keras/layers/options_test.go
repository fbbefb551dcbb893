package layers

import (
	"strings"
	"testing"

	"github.com/tensorgo/tensorgo/keras/activations"
	"github.com/tensorgo/tensorgo/keras/initializers"
	"github.com/tensorgo/tensorgo/tensor"
	"github.com/tensorgo/tensorgo/tf"
)

// custom is a user layer: it calls the public Init, so it takes the base
// options only.
type custom struct{ Base }

func newCustom(opts ...Option) *custom {
	c := &custom{}
	c.Init(c, "Custom", opts...)
	return c
}

func (c *custom) Build(tensor.Shape)                             {}
func (c *custom) Call(x *tf.Tensor, training bool) *tf.Tensor    { return x }
func (c *custom) ComputeOutputShape(s tensor.Shape) tensor.Shape { return s }

// mustOptionError runs f and checks that it panics with an *OptionError
// naming layer and option.
func mustOptionError(t *testing.T, layer, opt string, f func()) {
	t.Helper()
	defer func() {
		t.Helper()
		r := recover()
		e, ok := r.(*OptionError)
		if !ok {
			t.Fatalf("%s with %s: panic %v (%T), want an *OptionError", layer, opt, r, r)
		}
		if e.Layer != layer || e.Option != opt {
			t.Errorf("%s with %s: OptionError{%q, %q}", layer, opt, e.Layer, e.Option)
		}
		if msg := e.Error(); !strings.Contains(msg, layer) || !strings.Contains(msg, opt) || !strings.Contains(msg, "Name") {
			t.Errorf("message %q does not name the layer, the option and the accepted ones", msg)
		}
	}()
	f()
}

func TestLayersRejectForeignOptions(t *testing.T) {
	idFn := func(x *tf.Tensor) *tf.Tensor { return x }
	cases := []struct {
		layer string
		opt   string
		make  func()
	}{
		{"Flatten", "Activation", func() { Flatten(Activation("relu")) }},
		{"Flatten", "KernelInitializer", func() { Flatten(KernelInitializer("zeros")) }},
		{"Dropout", "KernelInitializer", func() { Dropout(0.5, KernelInitializer("zeros")) }},
		{"Dropout", "Activation", func() { Dropout(0.5, Activation("relu")) }},
		{"Dense", "Seed", func() { Dense(2, Seed(1)) }},
		{"Dense", "OutputShape", func() { Dense(2, OutputShape(3)) }},
		{"Reshape", "UseBias", func() { Reshape([]int{4}, UseBias(false)) }},
		{"Activation", "Seed", func() { Activation("relu", Seed(1)) }},
		{"Activation", "KernelRegularizer", func() { Activation("relu", KernelRegularizer("l2")) }},
		{"Lambda", "Activation", func() { Lambda(idFn, Activation("relu")) }},
		{"Lambda", "BiasInitializer", func() { Lambda(idFn, BiasInitializer("ones")) }},
		{"Add", "KernelRegularizer", func() { Add(KernelRegularizer("l2")) }},
		{"Concatenate", "Seed", func() { Concatenate(-1, Seed(2)) }},
		{"Custom", "UseBias", func() { newCustom(UseBias(true)) }},
	}
	for _, c := range cases {
		mustOptionError(t, c.layer, c.opt, c.make)
	}
}

func TestLayersAcceptOwnOptions(t *testing.T) {
	base := func(name string) []Option {
		return []Option{Name(name), InputShape(4), BatchSize(8), Trainable(false), DType(tensor.Float64), ActivityRegularizer("l2")}
	}
	check := func(l Layer, name string) {
		t.Helper()
		b := l.LayerBase()
		if b.Name() != name || b.Trainable() || b.DType() != tensor.Float64 || !b.BatchInputShape().Equal(tensor.Shape{8, 4}) || b.activityReg == nil {
			t.Errorf("%s: base options not applied: name %q trainable %v dtype %v input %v", b.ClassName(), b.Name(), b.Trainable(), b.DType(), b.BatchInputShape())
		}
	}
	idFn := func(x *tf.Tensor) *tf.Tensor { return x }

	d := Dense(3, append(base("d"), Activation("relu"), UseBias(false), KernelInitializer(initializers.Ones()),
		BiasInitializer("zeros"), KernelRegularizer("l2"), BiasRegularizer("l1"))...)
	check(d, "d")
	if d.UseBias || d.kernelReg == nil || d.biasReg == nil {
		t.Errorf("Dense options not applied: bias %v kernelReg %v biasReg %v", d.UseBias, d.kernelReg, d.biasReg)
	}
	// Kernel of ones on [-1, 2, -3, 4]: 2, then relu keeps it; without bias.
	y := d.Apply(eager([][]float64{{-1, 2, -3, 4}}))
	if got := y.Value().Float(0); got != 2 || d.Bias != nil {
		t.Errorf("Dense(relu, ones, no bias) = %v, bias %v", y.Value(), d.Bias)
	}

	dr := Dropout(0.5, append(base("dr"), Seed(7))...)
	check(dr, "dr")
	if len(dr.seed) != 1 || dr.seed[0] != 7 {
		t.Errorf("Dropout seed %v", dr.seed)
	}
	lam := Lambda(idFn, append(base("lam"), OutputShape(2, 2))...)
	check(lam, "lam")
	if got := lam.ComputeOutputShape(tensor.Shape{-1, 4}); !got.Equal(tensor.Shape{-1, 2, 2}) {
		t.Errorf("Lambda OutputShape: %v", got)
	}
	check(Flatten(base("f")...), "f")
	check(Reshape([]int{2, 2}, base("r")...), "r")
	check(Activation("tanh", base("a")...), "a")
	check(Add(base("add")...), "add")
	check(Concatenate(-1, base("cat")...), "cat")
	check(newCustom(base("cu")...), "cu")
}

// Issue 8: Dense with a nil activation is linear, whichever nil spelling
// is used, instead of panicking.
func TestDenseNilActivationIsLinear(t *testing.T) {
	var nilLayer *ActivationLayer
	ones := KernelInitializer(initializers.Ones())
	x := eager([][]float32{{-1, -2}})
	for name, d := range map[string]*DenseLayer{
		"Activation(nil)":                       Dense(2, Activation(nil), ones),
		"Activation(activations.Func(nil))":     Dense(2, Activation(activationsFuncNil()), ones),
		"nil *ActivationLayer":                  Dense(2, nilLayer, ones),
		"nil Option":                            Dense(2, nil, ones),
		"Activation(relu) then Activation(nil)": Dense(2, Activation("relu"), Activation(nil), ones),
	} {
		// ones·[-1, -2] + 0 = -3 in each unit: linear keeps the sign (relu
		// would give 0, sigmoid 0.047...).
		y := d.Apply(x).Value()
		if y.Float(0) != -3 || y.Float(1) != -3 {
			t.Errorf("%s: Dense output %v, want [-3 -3]", name, y)
		}
	}
	if d := Dense(1, Activation(nil)); d.ActivationName != "linear" {
		t.Errorf("Dense(Activation(nil)).ActivationName = %q", d.ActivationName)
	}
	if d := Dense(1, Activation("Relu")); d.ActivationName != "relu" {
		t.Errorf("Dense(Activation(Relu)).ActivationName = %q", d.ActivationName)
	}
	// A Dense whose Activation field is cleared after construction.
	d := Dense(1, ones)
	d.Activation = nil
	if got := d.Apply(x).Value().Float(0); got != -3 {
		t.Errorf("Dense with nil Activation field: %v, want -3", got)
	}
	// The Activation layer of nil is the identity.
	if got := Activation(nil).Apply(x).Value().Float(1); got != -2 {
		t.Errorf("Activation(nil) layer: %v, want -2", got)
	}
}

func activationsFuncNil() activations.Func { return nil }

// Activation takes Keras's forms of the activation argument: a name, a
// function, nil; anything else panics naming the type.
func TestActivationArgumentForms(t *testing.T) {
	x := eager([][]float32{{-1, 2}})
	for name, a := range map[string]*ActivationLayer{
		"name":             Activation("relu"),
		"func":             Activation(tf.Relu),
		"activations.Func": Activation(activations.Func(tf.Relu)),
	} {
		// relu([-1, 2]) = [0, 2]
		if y := a.Apply(x).Value(); y.Float(0) != 0 || y.Float(1) != 2 {
			t.Errorf("Activation(%s) = %v, want [0 2]", name, y)
		}
	}
	defer func() {
		if r := recover(); r == nil || !strings.Contains(r.(string), "int") {
			t.Errorf("Activation(3): %v", r)
		}
	}()
	Activation(3)
}
