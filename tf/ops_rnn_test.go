package tf

import (
	"errors"
	"fmt"
	"math/rand/v2"
	"strings"
	"testing"

	"github.com/tensorgo/tensorgo/tensor"
)

// rnnCase is one configuration of the RNN op under test.
type rnnCase struct {
	cfg      RNNConfig
	noBias   bool
	mask     []bool // (batch, steps), nil for none
	initial  bool   // feed h0 (and c0 for LSTM)
	features int
	recMask  []float64 // (batch, gates·units) recurrent dropout mask, nil for none
	inMask   []float64 // (batch, gates·features) per-gate input dropout mask, nil for none
}

const rnnNBatch, rnnNSteps = 2, 4

func (c rnnCase) String() string {
	return fmt.Sprintf("%s reset_after=%v act=%s seq=%v back=%v zero=%v bias=%v mask=%v h0=%v",
		c.cfg.Cell, c.cfg.ResetAfter, c.cfg.Activation, c.cfg.ReturnSequences, c.cfg.GoBackwards,
		c.cfg.ZeroOutputForMask, !c.noBias, c.mask != nil, c.initial)
}

func rnnGates(cell string) int {
	switch cell {
	case "LSTM":
		return 4
	case "GRU":
		return 3
	}
	return 1
}

// A mask in which sample 0 keeps all but its second step and sample 1
// starts with two skipped steps.
var rnnMask = []bool{true, false, true, true, false, false, true, true}

func rnnCases() []rnnCase {
	var out []rnnCase
	for _, cell := range []struct {
		name       string
		resetAfter bool
	}{{"SimpleRNN", false}, {"LSTM", false}, {"GRU", true}, {"GRU", false}} {
		base := RNNConfig{Cell: cell.name, Units: 3, ResetAfter: cell.resetAfter}
		with := func(f func(c *rnnCase)) rnnCase {
			c := rnnCase{cfg: base, features: 2}
			f(&c)
			return c
		}
		out = append(out,
			with(func(c *rnnCase) {}),
			with(func(c *rnnCase) { c.cfg.ReturnSequences = true }),
			with(func(c *rnnCase) { c.initial = true }),
			with(func(c *rnnCase) { c.cfg.GoBackwards, c.cfg.ReturnSequences = true, true }),
			with(func(c *rnnCase) { c.mask, c.initial = rnnMask, true }),
			with(func(c *rnnCase) { c.mask, c.cfg.ReturnSequences, c.initial = rnnMask, true, true }),
			with(func(c *rnnCase) {
				c.mask, c.cfg.ReturnSequences, c.cfg.ZeroOutputForMask, c.cfg.GoBackwards = rnnMask, true, true, true
			}),
			with(func(c *rnnCase) { c.noBias, c.cfg.Activation = true, "relu" }),
		)
	}
	return out
}

// shapes returns the shapes of the case's float inputs: x, kernel,
// recurrent, then bias, h0, c0 when present.
func (c rnnCase) shapes() [][]int {
	u, w := c.cfg.Units, rnnGates(c.cfg.Cell)*c.cfg.Units
	s := [][]int{{rnnNBatch, rnnNSteps, c.features}, {c.features, w}, {u, w}}
	if !c.noBias {
		if c.cfg.Cell == "GRU" && c.cfg.ResetAfter {
			s = append(s, []int{2, w})
		} else {
			s = append(s, []int{w})
		}
	}
	if c.initial {
		s = append(s, []int{rnnNBatch, u})
		if c.cfg.Cell == "LSTM" {
			s = append(s, []int{rnnNBatch, u})
		}
	}
	return s
}

// inputs names the case's float inputs xs (in the order of shapes).
func (c rnnCase) inputs(xs []*Tensor) RNNInputs {
	in := RNNInputs{X: xs[0], Kernel: xs[1], Recurrent: xs[2]}
	i := 3
	if !c.noBias {
		in.Bias = xs[i]
		i++
	}
	if c.initial {
		in.H0 = xs[i]
		i++
		if c.cfg.Cell == "LSTM" {
			in.C0 = xs[i]
		}
	}
	if c.mask != nil {
		in.Mask = Constant(tensor.FromSlice(append([]bool(nil), c.mask...), rnnNBatch, rnnNSteps))
	}
	if c.recMask != nil {
		m := Constant(tensor.FromSlice(append([]float64(nil), c.recMask...), rnnNBatch, len(c.recMask)/rnnNBatch))
		in.RecurrentMask = Cast(m, xs[0].DType())
	}
	if c.inMask != nil {
		m := Constant(tensor.FromSlice(append([]float64(nil), c.inMask...), rnnNBatch, len(c.inMask)/rnnNBatch))
		in.InputMask = Cast(m, xs[0].DType())
	}
	return in
}

// all returns the op's results as one (batch, ·) tensor: y, h and c side
// by side, so that one check covers every output and its gradient.
func all(o RNNOutputs) *Tensor {
	parts := []*Tensor{Reshape(o.Y, rnnNBatch, -1), o.H}
	if o.C != nil {
		parts = append(parts, o.C)
	}
	return Concat(1, parts...)
}

// unrolledRNN is the independent step-by-step implementation the fused op
// is checked against: the layer unrolled into small tf ops (MatMul, Add,
// Sigmoid, ...), one step at a time, the mask applied by arithmetic.
func unrolledRNN(c rnnCase, in RNNInputs) RNNOutputs {
	cfg := c.cfg
	u := cfg.Units
	dt := in.X.DType()
	zeros := Constant(tensor.New(dt, rnnNBatch, u))
	h, cs := zeros, zeros
	if in.H0 != nil {
		h = in.H0
	}
	if in.C0 != nil {
		cs = in.C0
	}
	act := func(v *Tensor) *Tensor {
		switch cfg.Activation {
		case "relu":
			return Relu(v)
		case "linear":
			return v
		case "sigmoid":
			return Sigmoid(v)
		}
		return Tanh(v)
	}
	block := func(v *Tensor, i int) *Tensor { return Slice(v, []int{0, i * u}, []int{-1, u}) }
	w := rnnGates(cfg.Cell) * u
	var bIn, bRec *Tensor
	if in.Bias != nil {
		if cfg.Cell == "GRU" && cfg.ResetAfter {
			bIn = Reshape(Slice(in.Bias, []int{0, 0}, []int{1, w}), w)
			bRec = Reshape(Slice(in.Bias, []int{1, 0}, []int{1, w}), w)
		} else {
			bIn = in.Bias
		}
	}
	// rec is h·U, or under recurrent dropout each gate block g's
	// (h⊙M_g)·U_g side by side (Keras's cells, implementation 1).
	rec := func(h *Tensor) *Tensor {
		if in.RecurrentMask == nil {
			return MatMul(h, in.Recurrent)
		}
		var parts []*Tensor
		for g := 0; g < rnnGates(cfg.Cell); g++ {
			ug := Slice(in.Recurrent, []int{0, g * u}, []int{-1, u})
			parts = append(parts, MatMul(Mul(h, block(in.RecurrentMask, g)), ug))
		}
		return Concat(1, parts...)
	}
	prevOut := zeros
	var ys []*Tensor
	for s := 0; s < rnnNSteps; s++ {
		tau := s
		if cfg.GoBackwards {
			tau = rnnNSteps - 1 - s
		}
		xt := Reshape(Slice(in.X, []int{0, tau, 0}, []int{-1, 1, -1}), rnnNBatch, c.features)
		zx := MatMul(xt, in.Kernel)
		if in.InputMask != nil {
			// Gate g's input product reads x_t⊙M_g.
			var parts []*Tensor
			for g := 0; g < rnnGates(cfg.Cell); g++ {
				mg := Slice(in.InputMask, []int{0, g * c.features}, []int{-1, c.features})
				wg := Slice(in.Kernel, []int{0, g * u}, []int{-1, u})
				parts = append(parts, MatMul(Mul(xt, mg), wg))
			}
			zx = Concat(1, parts...)
		}
		if bIn != nil {
			zx = Add(zx, bIn)
		}
		var nh, nc *Tensor
		switch cfg.Cell {
		case "SimpleRNN":
			nh = act(Add(zx, rec(h)))
		case "LSTM":
			z := Add(zx, rec(h))
			i, f, g, o := Sigmoid(block(z, 0)), Sigmoid(block(z, 1)), act(block(z, 2)), Sigmoid(block(z, 3))
			nc = Add(Mul(f, cs), Mul(i, g))
			nh = Mul(o, act(nc))
		case "GRU":
			zh := rec(h)
			if bRec != nil {
				zh = Add(zh, bRec)
			}
			z := Sigmoid(Add(block(zx, 0), block(zh, 0)))
			r := Sigmoid(Add(block(zx, 1), block(zh, 1)))
			var hh *Tensor
			if cfg.ResetAfter {
				hh = act(Add(block(zx, 2), Mul(r, block(zh, 2))))
			} else {
				uh := Slice(in.Recurrent, []int{0, 2 * u}, []int{-1, u})
				hm := h
				if in.RecurrentMask != nil {
					hm = Mul(h, block(in.RecurrentMask, 2))
				}
				hh = act(Add(block(zx, 2), MatMul(Mul(r, hm), uh)))
			}
			one := OnesLike(z)
			nh = Add(Mul(z, h), Mul(Sub(one, z), hh))
		}
		out := nh
		if in.Mask != nil {
			m := Cast(Reshape(Slice(in.Mask, []int{0, tau}, []int{-1, 1}), rnnNBatch, 1), dt)
			keep := func(a, b *Tensor) *Tensor { return Add(Mul(m, a), Mul(Sub(OnesLike(m), m), b)) }
			nh = keep(nh, h)
			if nc != nil {
				nc = keep(nc, cs)
			}
			if cfg.ZeroOutputForMask {
				out = Mul(m, out)
			} else {
				out = keep(out, prevOut)
			}
		}
		h, prevOut = nh, out
		if nc != nil {
			cs = nc
		}
		ys = append(ys, out)
	}
	res := RNNOutputs{Y: prevOut, H: h}
	if cfg.ReturnSequences {
		res.Y = Stack(1, ys...)
	}
	if cfg.Cell == "LSTM" {
		res.C = cs
	}
	return res
}

func rnnValues(c rnnCase, seed uint64) []*tensor.Tensor {
	r := rand.New(rand.NewPCG(seed, 11))
	var vs []*tensor.Tensor
	for _, s := range c.shapes() {
		vs = append(vs, randTensor(r, s, uniform(-1, 1)))
	}
	return vs
}

func TestRNNForwardMatchesUnrolled(t *testing.T) {
	for i, c := range rnnCases() {
		vs := rnnValues(c, uint64(i))
		got := runBoth(t, c.String(), func(xs []*Tensor) *Tensor { return all(RNN(c.cfg, c.inputs(xs))) }, vs...)
		consts := make([]*Tensor, len(vs))
		for k, v := range vs {
			consts[k] = Constant(v)
		}
		want := all(unrolledRNN(c, c.inputs(consts))).Value()
		expect(t, c.String(), got, Float64, want.Shape(), want.Float64s(), 1e-12)
		// float32: the same numbers within float32 precision.
		v32 := make([]*tensor.Tensor, len(vs))
		for k, v := range vs {
			v32[k] = tensor.Cast(v, Float32)
		}
		got32 := runBoth(t, c.String()+" float32", func(xs []*Tensor) *Tensor { return all(RNN(c.cfg, c.inputs(xs))) }, v32...)
		expect(t, c.String()+" float32", got32, Float32, want.Shape(), want.Float64s(), 1e-5)
	}
}

func TestRNNGradients(t *testing.T) {
	for _, c := range rnnCases() {
		checkGrad(t, gradCase{name: "RNN " + c.String(), shapes: c.shapes(),
			f:   func(xs []*Tensor) *Tensor { return all(RNN(c.cfg, c.inputs(xs))) },
			gen: uniform(-1, 1)})
	}
	// The gradient op on its own, against the unrolled graph's gradients.
	for i, c := range rnnCases()[:8] {
		vs := rnnValues(c, uint64(100+i))
		got := runBoth(t, "RNNGrad "+c.String(), func(xs []*Tensor) *Tensor {
			return Gradients([]*Tensor{ReduceSum(all(RNN(c.cfg, c.inputs(xs))), nil, false)}, xs[:1])[0]
		}, vs...)
		consts := make([]*Tensor, len(vs))
		tape := NewGradientTape(false)
		for k, v := range vs {
			consts[k] = Constant(v)
			tape.Watch(consts[k])
		}
		loss := ReduceSum(all(unrolledRNN(c, c.inputs(consts))), nil, false)
		want, err := tape.Gradient(loss, consts[:1])
		if err != nil {
			t.Fatal(err)
		}
		expect(t, "RNNGrad "+c.String(), got, Float64, want[0].Shape(), want[0].Value().Float64s(), 1e-12)
	}
}

func TestRNNShapeErrors(t *testing.T) {
	g := NewGraph()
	ph := func(dt tensor.DType, s ...int) *Tensor { return Placeholder(g, dt, s) }
	x := ph(Float32, -1, 5, 2)
	k, r := ph(Float32, 2, 12), ph(Float32, 3, 12)
	for _, c := range []struct {
		name string
		f    func()
		want []string
	}{
		{"rank 2 sequence", func() {
			RNN(RNNConfig{Cell: "LSTM", Units: 3}, RNNInputs{X: ph(Float32, -1, 2), Kernel: k, Recurrent: r})
		}, []string{"RNN", "rank 3", "(None, 2)"}},
		{"wrong kernel", func() {
			RNN(RNNConfig{Cell: "LSTM", Units: 3}, RNNInputs{X: x, Kernel: ph(Float32, 3, 12), Recurrent: r})
		}, []string{"RNN", "kernel", "(3, 12)", "(2, 12)"}},
		{"wrong recurrent kernel", func() {
			RNN(RNNConfig{Cell: "GRU", Units: 4}, RNNInputs{X: x, Kernel: k, Recurrent: r})
		}, []string{"RNN", "kernel", "(2, 12)"}},
		{"reset_after bias of one row", func() {
			RNN(RNNConfig{Cell: "GRU", Units: 4, ResetAfter: true}, RNNInputs{X: x, Kernel: k, Recurrent: ph(Float32, 4, 12), Bias: ph(Float32, 12)})
		}, []string{"bias", "(2, 12)"}},
		{"unknown cell", func() {
			RNN(RNNConfig{Cell: "Elman", Units: 3}, RNNInputs{X: x, Kernel: k, Recurrent: r})
		}, []string{"Elman"}},
		{"c0 for a GRU", func() {
			RNN(RNNConfig{Cell: "GRU", Units: 4}, RNNInputs{X: x, Kernel: k, Recurrent: ph(Float32, 4, 12), C0: ph(Float32, -1, 4)})
		}, []string{"no cell state"}},
		{"float mask", func() {
			RNN(RNNConfig{Cell: "LSTM", Units: 3}, RNNInputs{X: x, Kernel: k, Recurrent: r, Mask: ph(Float32, -1, 5)})
		}, []string{"mask", "bool"}},
		{"float64 kernel", func() {
			RNN(RNNConfig{Cell: "LSTM", Units: 3}, RNNInputs{X: x, Kernel: ph(Float64, 2, 12), Recurrent: r})
		}, []string{"kernel", "float64"}},
	} {
		err := Catch(c.f)
		if err == nil {
			t.Errorf("%s: no error", c.name)
			continue
		}
		for _, w := range c.want {
			if !strings.Contains(err.Error(), w) {
				t.Errorf("%s: error %q does not mention %q", c.name, err, w)
			}
		}
	}
	// A wrong rank is a *ShapeError once the op is built.
	err := Catch(func() {
		NewOp("RNN", []*Tensor{ph(Float32, 4, 2), k, r}, map[string]any{"cell": "LSTM", "units": 3, "has_bias": false})
	})
	var se *ShapeError
	if !errors.As(err, &se) {
		t.Errorf("a rank-2 sequence gives %v, want a *ShapeError", err)
	}
}

func TestRNNNoStepsIsARunError(t *testing.T) {
	g := NewGraph()
	x := Placeholder(g, Float32, tensor.Shape{-1, -1, 2})
	o := RNN(RNNConfig{Cell: "SimpleRNN", Units: 1}, RNNInputs{X: x, Kernel: Const(g, tensor.New(Float32, 2, 1)), Recurrent: Const(g, tensor.New(Float32, 1, 1))})
	_, err := NewSession(g).Run(Feeds{x: tensor.New(Float32, 3, 0, 2)}, []*Tensor{o.Y})
	if err == nil || !strings.Contains(err.Error(), "at least one step") {
		t.Errorf("a sequence of no steps gives %v, want an error", err)
	}
}

func TestRNNTrainingStepAllocatesNothing(t *testing.T) {
	if rnnRaceEnabled {
		t.Skip("allocation counts mean nothing under the race detector")
	}
	g := NewGraph()
	x := Placeholder(g, Float32, tensor.Shape{-1, 6, 3})
	r := rand.New(rand.NewPCG(3, 4))
	kv, rv := randTensor(r, []int{3, 16}, uniform(-0.5, 0.5)), randTensor(r, []int{4, 16}, uniform(-0.5, 0.5))
	k := Const(g, tensor.Cast(kv, Float32))
	rk := Const(g, tensor.Cast(rv, Float32))
	o := RNN(RNNConfig{Cell: "LSTM", Units: 4, ReturnSequences: true}, RNNInputs{X: x, Kernel: k, Recurrent: rk})
	loss := ReduceSum(Square(o.Y), nil, false)
	gr := Gradients([]*Tensor{loss}, []*Tensor{x, k, rk})
	sess := NewSession(g)
	feeds := Feeds{x: tensor.Cast(randTensor(r, []int{8, 6, 3}, uniform(-1, 1)), Float32)}
	for i := 0; i < 3; i++ {
		if _, err := sess.Run(feeds, gr); err != nil {
			t.Fatal(err)
		}
	}
	allocs := testing.AllocsPerRun(20, func() {
		if _, err := sess.Run(feeds, gr); err != nil {
			t.Fatal(err)
		}
	})
	// What Run itself allocates to return three fetched tensors, as a
	// baseline: the recurrent ops must add nothing to it.
	same := []*Tensor{Identity(x), Identity(k), Identity(rk)}
	for i := 0; i < 3; i++ {
		if _, err := sess.Run(feeds, same); err != nil {
			t.Fatal(err)
		}
	}
	base := testing.AllocsPerRun(20, func() {
		if _, err := sess.Run(feeds, same); err != nil {
			t.Fatal(err)
		}
	})
	if allocs > base {
		t.Errorf("a warm forward-and-backward Run allocates %v times, fetching three tensors alone %v", allocs, base)
	}
}

func TestCheckIDs(t *testing.T) {
	ids := tensor.FromSlice([]int32{0, 3, 2, 1, 0, 3}, 2, 3)
	got := runBoth(t, "CheckIDs", x0(func(x *Tensor) *Tensor { return CheckIDs(x, 4, "embedding") }), ids)
	expect(t, "CheckIDs", got, Int32, []int{2, 3}, []float64{0, 3, 2, 1, 0, 3}, 0)
	for _, c := range []struct {
		ids  []int32
		want string
	}{
		{[]int32{0, 3, 2, 1, 4, 3}, "embedding: sample 1 of the batch has index 4 at position 1, outside [0, 4)"},
		{[]int32{-1, 3, 2, 1, 0, 3}, "embedding: sample 0 of the batch has index -1 at position 0, outside [0, 4)"},
	} {
		g := NewGraph()
		x := Placeholder(g, Int32, tensor.Shape{-1, 3})
		y := CheckIDs(x, 4, "embedding")
		for _, dev := range []string{"", RefDevice} {
			var opts []SessionOption
			if dev != "" {
				opts = append(opts, SessionDevice(dev))
			}
			_, err := NewSession(g, opts...).Run(Feeds{x: tensor.FromSlice(c.ids, 2, 3)}, []*Tensor{y})
			if err == nil || !strings.Contains(err.Error(), c.want) {
				t.Errorf("ids %v on %q: error %v, want %q", c.ids, dev, err, c.want)
			}
		}
	}
}

// Runs from several goroutines at once each take their own fused kernel
// (the op's pool) and give the same bits as a run alone.
func TestRNNConcurrentRuns(t *testing.T) {
	g := NewGraph()
	x := Placeholder(g, Float32, tensor.Shape{-1, 7, 3})
	r := rand.New(rand.NewPCG(8, 9))
	k := Const(g, tensor.Cast(randTensor(r, []int{3, 15}, uniform(-0.5, 0.5)), Float32))
	rk := Const(g, tensor.Cast(randTensor(r, []int{5, 15}, uniform(-0.5, 0.5)), Float32))
	o := RNN(RNNConfig{Cell: "GRU", Units: 5, ResetAfter: false, ReturnSequences: true}, RNNInputs{X: x, Kernel: k, Recurrent: rk})
	dx := Gradients([]*Tensor{ReduceSum(Square(o.Y), nil, false)}, []*Tensor{x})[0]
	sess := NewSession(g)
	inputs := make([]*tensor.Tensor, 4)
	want := make([][]*tensor.Tensor, 4)
	for i := range inputs {
		inputs[i] = tensor.Cast(randTensor(r, []int{2 + i, 7, 3}, uniform(-1, 1)), Float32)
		out, err := sess.Run(Feeds{x: inputs[i]}, []*Tensor{o.Y, dx})
		if err != nil {
			t.Fatal(err)
		}
		want[i] = []*tensor.Tensor{out[0].Clone(), out[1].Clone()}
	}
	errs := make(chan error, 4)
	for i := range inputs {
		go func(i int) {
			for rep := 0; rep < 20; rep++ {
				out, err := sess.Run(Feeds{x: inputs[i]}, []*Tensor{o.Y, dx})
				if err != nil {
					errs <- err
					return
				}
				for j := range out {
					for e := 0; e < out[j].Size(); e++ {
						if out[j].Float(e) != want[i][j].Float(e) {
							errs <- fmt.Errorf("goroutine %d, run %d: output %d element %d = %v, alone %v", i, rep, j, e, out[j].Float(e), want[i][j].Float(e))
							return
						}
					}
				}
			}
			errs <- nil
		}(i)
	}
	for range inputs {
		if err := <-errs; err != nil {
			t.Error(err)
		}
	}
}
