package rnn

import (
	"fmt"
	"math/rand/v2"
)

// tcase is one layer configuration and batch the tests run.
type tcase struct {
	spec         Spec
	batch, steps int
	h0, mask     bool // an initial state (h0, and c0 for LSTM); a mask
	recDrop      bool // a recurrent dropout mask
	inDrop       bool // a per-gate input dropout mask
}

func (tc tcase) String() string {
	s := tc.spec
	name := s.Cell.String()
	if s.Cell == GRU {
		name += fmt.Sprintf("/resetAfter=%v", s.ResetAfter)
	}
	name += "/" + s.Activation.String()
	if !s.UseBias {
		name += "/nobias"
	}
	if s.ReturnSequences {
		name += "/seq"
	}
	if s.GoBackwards {
		name += "/backwards"
	}
	if s.ZeroOutputForMask {
		name += "/zeroout"
	}
	if tc.h0 {
		name += "/h0"
	}
	if tc.mask {
		name += "/mask"
	}
	if tc.recDrop {
		name += "/recdrop"
	}
	if tc.inDrop {
		name += "/indrop"
	}
	return fmt.Sprintf("%s/b%d_t%d_f%d_u%d", name, tc.batch, tc.steps, s.Features, s.Units)
}

// cases lists every cell with each option alone, most together, and
// ZeroOutputForMask with a mask, at
// small sizes (batch 2-3, steps 3-5, features 2-4, units 2-5).
func cases() []tcase {
	type cell struct {
		c          Cell
		act        Activation
		resetAfter bool
	}
	cells := []cell{
		{SimpleRNN, Tanh, false}, {SimpleRNN, ReLU, false}, {SimpleRNN, Linear, false},
		{LSTM, Tanh, false}, {LSTM, ReLU, false},
		{GRU, Tanh, true}, {GRU, Tanh, false}, {GRU, Sigmoid, true},
	}
	var out []tcase
	for ci, c := range cells {
		for opt := 0; opt < 13; opt++ {
			s := NewSpec(c.c, 2+(ci+opt)%3, 2+(ci+2*opt)%4)
			s.Activation, s.ResetAfter = c.act, c.resetAfter
			tc := tcase{spec: s, batch: 2 + (ci+opt)%2, steps: 3 + (ci+opt)%3}
			switch opt {
			case 1:
				tc.spec.ReturnSequences = true
			case 2:
				tc.h0 = true
			case 3:
				tc.spec.GoBackwards = true
			case 4:
				tc.mask, tc.batch = true, 3
			case 5:
				tc.spec.UseBias = false
			case 6:
				tc.spec.ReturnSequences, tc.spec.GoBackwards, tc.h0, tc.mask, tc.batch = true, true, true, true, 3
			case 7:
				tc.spec.ReturnSequences, tc.spec.ZeroOutputForMask, tc.h0, tc.mask, tc.batch = true, true, true, true, 3
			case 8:
				tc.spec.ZeroOutputForMask, tc.spec.GoBackwards, tc.mask, tc.batch = true, true, true, 3
			case 9:
				tc.recDrop = true
			case 10:
				tc.recDrop, tc.spec.ReturnSequences, tc.spec.GoBackwards, tc.h0, tc.mask, tc.batch = true, true, true, true, true, 3
			case 11:
				tc.inDrop, tc.recDrop = true, true
			case 12:
				tc.inDrop, tc.spec.ReturnSequences, tc.spec.GoBackwards, tc.h0, tc.mask, tc.batch = true, true, true, true, true, 3
			}
			out = append(out, tc)
		}
	}
	return out
}

// data is a test batch in float64: weights, inputs and gradients of a loss
// with respect to the outputs.
type data struct {
	w          Weights[float64]
	in         Input[float64]
	dy, dh, dc []float64
}

func uniform(rng *rand.Rand, n int, scale float64) []float64 {
	v := make([]float64, n)
	for i := range v {
		v[i] = scale * (2*rng.Float64() - 1)
	}
	return v
}

func makeData(tc tcase, seed uint64) data {
	rng := rand.New(rand.NewPCG(seed, 7))
	s := tc.spec
	u := s.Units
	d := data{}
	d.w.Kernel = uniform(rng, s.KernelLen(), 0.8)
	d.w.Recurrent = uniform(rng, s.RecurrentLen(), 0.8)
	if s.UseBias {
		d.w.Bias = uniform(rng, s.BiasLen(), 0.5)
	}
	d.in = Input[float64]{Batch: tc.batch, Steps: tc.steps, X: uniform(rng, tc.batch*tc.steps*s.Features, 1)}
	if tc.h0 {
		d.in.H0 = uniform(rng, tc.batch*u, 0.9)
		if s.Cell == LSTM {
			d.in.C0 = uniform(rng, tc.batch*u, 0.9)
		}
	}
	if tc.mask {
		// Sample 0 starts with a skipped step, sample 1 is random with its
		// last step skipped, the last sample has every step skipped.
		m := make([]bool, tc.batch*tc.steps)
		for t := 0; t < tc.steps; t++ {
			m[t] = t%2 == 1
			m[tc.steps+t] = rng.IntN(3) > 0 && t != tc.steps-1
		}
		d.in.Mask = m
	}
	if tc.recDrop {
		// Keras's scaled mask for rate 0.4: 0 or 1/(1−0.4), about 40% zeros.
		m := make([]float64, tc.batch*s.width())
		for i := range m {
			if rng.Float64() >= 0.4 {
				m[i] = 1 / (1 - 0.4)
			}
		}
		d.in.RecurrentMask = m
	}
	if tc.inDrop {
		m := make([]float64, tc.batch*s.Cell.Gates()*s.Features)
		for i := range m {
			if rng.Float64() >= 0.3 {
				m[i] = 1 / (1 - 0.3)
			}
		}
		d.in.InputMask = m
	}
	d.dy = uniform(rng, s.OutputLen(tc.batch, tc.steps), 1)
	d.dh = uniform(rng, tc.batch*u, 1)
	if s.Cell == LSTM {
		d.dc = uniform(rng, tc.batch*u, 1)
	}
	return d
}

func (d data) params() refParams {
	return refParams{d.w.Kernel, d.w.Recurrent, d.w.Bias}
}

func (d data) ref(s Spec) refResult {
	return refForward(s, d.params(), d.in.Batch, d.in.Steps, d.in.X, d.in.Mask, d.in.H0, d.in.C0, d.in.RecurrentMask, d.in.InputMask)
}

// run runs the fused kernel forward and backward in T, on d converted to T.
func run[T Float](k *Kernel[T], d data) (Output[T], Grads[T]) {
	s := k.Spec()
	b, t := d.in.Batch, d.in.Steps
	w := Weights[T]{conv[T](d.w.Kernel), conv[T](d.w.Recurrent), conv[T](d.w.Bias)}
	in := Input[T]{Batch: b, Steps: t, X: conv[T](d.in.X), Mask: d.in.Mask, H0: conv[T](d.in.H0), C0: conv[T](d.in.C0),
		RecurrentMask: conv[T](d.in.RecurrentMask), InputMask: conv[T](d.in.InputMask)}
	out := Output[T]{Y: make([]T, s.OutputLen(b, t)), H: make([]T, b*s.Units)}
	g := Grads[T]{
		X: make([]T, len(in.X)), Kernel: make([]T, len(w.Kernel)), Recurrent: make([]T, len(w.Recurrent)),
		H0: make([]T, b*s.Units),
	}
	if s.UseBias {
		g.Bias = make([]T, len(w.Bias))
	}
	if s.Cell == LSTM {
		out.C = make([]T, b*s.Units)
		g.C0 = make([]T, b*s.Units)
	}
	res := make([]T, s.ReserveLen(b, t))
	k.Forward(w, in, res, out)
	k.Backward(w, in, res, Output[T]{Y: conv[T](d.dy), H: conv[T](d.dh), C: conv[T](d.dc)}, g)
	return out, g
}

func conv[T Float](v []float64) []T {
	if v == nil {
		return nil
	}
	o := make([]T, len(v))
	for i, x := range v {
		o[i] = T(x)
	}
	return o
}
