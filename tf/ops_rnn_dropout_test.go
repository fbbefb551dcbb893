package tf

import (
	"math/rand/v2"
	"strings"
	"testing"

	"github.com/tensorgo/tensorgo/tensor"
)

// rnnDropCases are rnnCases' cells with a fixed recurrent dropout mask
// (rate 0.4: zeros and 1/0.6), alone and with a step mask, initial states,
// all outputs and GoBackwards.
func rnnDropCases() []rnnCase {
	var out []rnnCase
	r := rand.New(rand.NewPCG(21, 22))
	for i, c := range rnnCases() {
		if i%8 != 0 && i%8 != 5 && i%8 != 6 {
			continue
		}
		w := rnnGates(c.cfg.Cell) * c.cfg.Units
		c.recMask = make([]float64, rnnNBatch*w)
		for j := range c.recMask {
			if r.Float64() >= 0.4 {
				c.recMask[j] = 1 / (1 - 0.4)
			}
		}
		out = append(out, c)
		if i%8 == 5 {
			// With per-gate input dropout too, as Keras's cells then draw it.
			c.inMask = make([]float64, rnnNBatch*rnnGates(c.cfg.Cell)*c.features)
			for j := range c.inMask {
				if r.Float64() >= 0.3 {
					c.inMask[j] = 1 / (1 - 0.3)
				}
			}
			out = append(out, c)
		}
	}
	return out
}

// runCPU is runBoth without the reference device, which has no recurrent
// dropout: eager and graph results must be the same bits.
func runCPU(t *testing.T, name string, f func(xs []*Tensor) *Tensor, ins ...*tensor.Tensor) *tensor.Tensor {
	t.Helper()
	return eagerAndGraph(t, name, f, false, ins...).Clone()
}

// The op with a recurrent dropout mask against the unrolled graph: outputs
// in float64 and float32, and the gradients with respect to every input
// against the unrolled graph's (internal/rnn checks the kernel's against
// finite differences; checkGrad would also run the reference device).
func TestRNNRecurrentDropoutMatchesUnrolled(t *testing.T) {
	for i, c := range rnnDropCases() {
		name := c.String() + " recurrent dropout"
		vs := rnnValues(c, uint64(400+i))
		got := runCPU(t, name, func(xs []*Tensor) *Tensor { return all(RNN(c.cfg, c.inputs(xs))) }, vs...)
		consts := make([]*Tensor, len(vs))
		tape := NewGradientTape(false)
		for k, v := range vs {
			consts[k] = Constant(v)
			tape.Watch(consts[k])
		}
		unrolled := all(unrolledRNN(c, c.inputs(consts)))
		want := unrolled.Value()
		expect(t, name, got, Float64, want.Shape(), want.Float64s(), 1e-12)
		v32 := make([]*tensor.Tensor, len(vs))
		for k, v := range vs {
			v32[k] = tensor.Cast(v, Float32)
		}
		got32 := runCPU(t, name+" float32", func(xs []*Tensor) *Tensor { return all(RNN(c.cfg, c.inputs(xs))) }, v32...)
		expect(t, name+" float32", got32, Float32, want.Shape(), want.Float64s(), 1e-5)

		// Gradients of Σ outputs with respect to each input.
		wantG, err := tape.Gradient(ReduceSum(unrolled, nil, false), consts)
		if err != nil {
			t.Fatal(err)
		}
		for k := range vs {
			gotG := runCPU(t, name+" gradient", func(xs []*Tensor) *Tensor {
				return Gradients([]*Tensor{ReduceSum(all(RNN(c.cfg, c.inputs(xs))), nil, false)}, xs[k:k+1])[0]
			}, vs...)
			expect(t, name+" gradient", gotG, Float64, wantG[k].Shape(), wantG[k].Value().Float64s(), 1e-12)
		}
	}
}

// A mask of the wrong shape or dtype panics naming it; the reference
// device reports that it has no recurrent dropout.
func TestRNNRecurrentMaskErrors(t *testing.T) {
	g := NewGraph()
	ph := func(dt tensor.DType, s ...int) *Tensor { return Placeholder(g, dt, s) }
	x := ph(Float32, -1, 5, 2)
	k, r := ph(Float32, 2, 12), ph(Float32, 3, 12)
	for _, c := range []struct {
		name string
		m    *Tensor
		want string
	}{{"(batch, units)", ph(Float32, -1, 3), "recurrent dropout mask has shape (None, 3), want (None, 12)"},
		{"float64", ph(Float64, -1, 12), "recurrent dropout mask has dtype float64"}} {
		err := Catch(func() {
			RNN(RNNConfig{Cell: "LSTM", Units: 3}, RNNInputs{X: x, Kernel: k, Recurrent: r, RecurrentMask: c.m})
		})
		if err == nil || !strings.Contains(err.Error(), c.want) {
			t.Errorf("%s: error %v, want one with %q", c.name, err, c.want)
		}
	}
	// The input mask has a block of features (2) per gate (4).
	err := Catch(func() {
		RNN(RNNConfig{Cell: "LSTM", Units: 3}, RNNInputs{X: x, Kernel: k, Recurrent: r, InputMask: ph(Float32, -1, 2)})
	})
	if want := "input dropout mask has shape (None, 2), want (None, 8)"; err == nil || !strings.Contains(err.Error(), want) {
		t.Errorf("an input mask of one block: error %v, want one with %q", err, want)
	}
	m := ph(Float32, -1, 12)
	o := RNN(RNNConfig{Cell: "LSTM", Units: 3}, RNNInputs{X: x, Kernel: k, Recurrent: r, RecurrentMask: m})
	feeds := Feeds{x: tensor.New(Float32, 2, 5, 2), k: tensor.New(Float32, 2, 12), r: tensor.New(Float32, 3, 12), m: tensor.New(Float32, 2, 12)}
	if _, err := NewSession(g).Run(feeds, []*Tensor{o.Y}); err != nil {
		t.Errorf("on the CPU: %v", err)
	}
	_, err = NewSession(g, SessionDevice(RefDevice)).Run(feeds, []*Tensor{o.Y})
	if err == nil || !strings.Contains(err.Error(), "recurrent dropout is not implemented") {
		t.Errorf("on %s: error %v, want one saying recurrent dropout is not implemented", RefDevice, err)
	}
}
