package rnn

import (
	"math"
	"testing"
)

// kerasCase is one of Keras 3's own correctness tests of its recurrent
// layers (keras/src/layers/rnn/{simple_rnn,lstm,gru}_test.py): every
// kernel weight 0.01, every recurrent weight 0.02, every bias 0.03 (LSTM:
// the forget gate's bias 1, Keras's unit_forget_bias, unless turned off),
// inputs np.arange(n).reshape(shape), and the outputs those tests expect,
// quoted here.
type kerasCase struct {
	name                   string
	cell                   Cell
	units                  int
	batch, steps, features int
	edit                   func(*Spec)
	noForgetBias           bool   // LSTM unit_forget_bias=False
	h0, c0                 bool   // initial states np.arange(batch·units).reshape(batch, units)
	mask                   []bool // (batch, steps)
	want                   []float64
}

func backwards(s *Spec) { s.GoBackwards = true }
func sequences(s *Spec) { s.ReturnSequences = true }

var (
	maskA = []bool{true, true, false, true, true, false, false, true} // simple_rnn_test, gru_test test_masking
	maskB = []bool{true, true, true, false, true, true, false, false} // lstm_test test_masking
)

var kerasCases = []kerasCase{
	// simple_rnn_test.py
	{"SimpleRNN correctness", SimpleRNN, 4, 2, 3, 4, nil, false, false, false, nil,
		[]float64{0.405432, 0.405432, 0.405432, 0.405432, 0.73605347, 0.73605347, 0.73605347, 0.73605347}},
	{"SimpleRNN go_backwards", SimpleRNN, 4, 2, 3, 4, backwards, false, false, false, nil,
		[]float64{0.11144729, 0.11144729, 0.11144729, 0.11144729, 0.5528889, 0.5528889, 0.5528889, 0.5528889}},
	{"SimpleRNN initial_state", SimpleRNN, 4, 2, 4, 3, nil, false, true, false, nil,
		[]float64{0.33621645, 0.33621645, 0.33621645, 0.33621645, 0.6262637, 0.6262637, 0.6262637, 0.6262637}},
	{"SimpleRNN initial_state go_backwards", SimpleRNN, 4, 2, 4, 3, backwards, false, true, false, nil,
		[]float64{0.07344437, 0.07344437, 0.07344437, 0.07344437, 0.43043602, 0.43043602, 0.43043602, 0.43043602}},
	{"SimpleRNN mask", SimpleRNN, 4, 2, 4, 3, nil, false, false, false, maskA,
		[]float64{0.32951632, 0.32951632, 0.32951632, 0.32951632, 0.61799484, 0.61799484, 0.61799484, 0.61799484}},
	{"SimpleRNN mask return_sequences", SimpleRNN, 2, 2, 4, 3, sequences, false, false, false, maskA,
		[]float64{0.0599281, 0.0599281, 0.15122814, 0.15122814, 0.15122814, 0.15122814, 0.32394567, 0.32394567,
			0.3969304, 0.3969304, 0.3969304, 0.3969304, 0.3969304, 0.3969304, 0.608085, 0.608085}},
	{"SimpleRNN mask zero_output_for_mask", SimpleRNN, 2, 2, 4, 3, func(s *Spec) { s.ReturnSequences, s.ZeroOutputForMask = true, true }, false, false, false, maskA,
		[]float64{0.0599281, 0.0599281, 0.15122814, 0.15122814, 0, 0, 0.32394567, 0.32394567,
			0.3969304, 0.3969304, 0, 0, 0, 0, 0.608085, 0.608085}},
	{"SimpleRNN mask go_backwards", SimpleRNN, 4, 2, 4, 3, backwards, false, false, false, maskA,
		[]float64{0.07376196, 0.07376196, 0.07376196, 0.07376196, 0.43645123, 0.43645123, 0.43645123, 0.43645123}},

	// lstm_test.py
	{"LSTM correctness", LSTM, 3, 3, 6, 4, nil, false, false, false, nil,
		[]float64{0.6288687, 0.6288687, 0.6288687, 0.86899155, 0.86899155, 0.86899155, 0.9460773, 0.9460773, 0.9460773}},
	{"LSTM go_backwards", LSTM, 3, 3, 6, 4, backwards, false, false, false, nil,
		[]float64{0.35622165, 0.35622165, 0.35622165, 0.74789524, 0.74789524, 0.74789524, 0.8872726, 0.8872726, 0.8872726}},
	{"LSTM unit_forget_bias=False", LSTM, 3, 3, 6, 4, nil, true, false, false, nil,
		[]float64{0.57019705, 0.57019705, 0.57019705, 0.8661914, 0.8661914, 0.8661914, 0.9459622, 0.9459622, 0.9459622}},
	{"LSTM use_bias=False", LSTM, 3, 3, 6, 4, func(s *Spec) { s.UseBias = false }, false, false, false, nil,
		[]float64{0.54986924, 0.54986924, 0.54986924, 0.86226785, 0.86226785, 0.86226785, 0.9443936, 0.9443936, 0.9443936}},
	{"LSTM initial_state", LSTM, 2, 2, 4, 3, nil, false, true, true, nil,
		[]float64{0.20574439, 0.3558822, 0.64930826, 0.66276}},
	{"LSTM initial_state go_backwards", LSTM, 2, 2, 4, 3, backwards, false, true, true, nil,
		[]float64{0.13281618, 0.2790356, 0.5839337, 0.5992567}},
	{"LSTM mask", LSTM, 2, 2, 4, 3, nil, false, false, false, maskB,
		[]float64{0.11755939, 0.11755939, 0.28556206, 0.28556206}},
	{"LSTM mask return_sequences", LSTM, 2, 2, 4, 3, sequences, false, false, false, maskB,
		[]float64{0.01588910, 0.01588910, 0.05552048, 0.05552048, 0.11755939, 0.11755939, 0.11755939, 0.11755939,
			0.14185596, 0.14185596, 0.28556206, 0.28556206, 0.28556206, 0.28556206, 0.28556206, 0.28556206}},
	{"LSTM mask zero_output_for_mask", LSTM, 2, 2, 4, 3, func(s *Spec) { s.ReturnSequences, s.ZeroOutputForMask = true, true }, false, false, false, maskB,
		[]float64{0.01588910, 0.01588910, 0.05552048, 0.05552048, 0.11755939, 0.11755939, 0, 0,
			0.14185596, 0.14185596, 0.28556206, 0.28556206, 0, 0, 0, 0}},
	{"LSTM mask go_backwards", LSTM, 2, 2, 4, 3, backwards, false, false, false,
		[]bool{false, true, true, true, false, false, true, true},
		[]float64{0.15341201, 0.15341201, 0.3844719, 0.3844719}},

	// gru_test.py
	{"GRU correctness", GRU, 3, 3, 6, 4, nil, false, false, false, nil,
		[]float64{0.5217289, 0.5217289, 0.5217289, 0.6371659, 0.6371659, 0.6371659, 0.39384964, 0.39384964, 0.3938496}},
	{"GRU go_backwards", GRU, 3, 3, 6, 4, backwards, false, false, false, nil,
		[]float64{0.24406259, 0.24406259, 0.24406259, 0.611516, 0.611516, 0.611516, 0.3928808, 0.3928808, 0.3928808}},
	{"GRU reset_after=False", GRU, 3, 3, 6, 4, func(s *Spec) { s.ResetAfter = false }, false, false, false, nil,
		[]float64{0.51447755, 0.51447755, 0.51447755, 0.6426879, 0.6426879, 0.6426879, 0.40208298, 0.40208298, 0.40208298}},
	{"GRU use_bias=False", GRU, 3, 3, 6, 4, func(s *Spec) { s.UseBias = false }, false, false, false, nil,
		[]float64{0.49988455, 0.49988455, 0.49988455, 0.64701194, 0.64701194, 0.64701194, 0.4103359, 0.4103359, 0.4103359}},
	{"GRU initial_state", GRU, 2, 2, 4, 3, nil, false, true, false, nil,
		[]float64{0.23774096, 0.33508456, 0.83659905, 1.0227708}},
	{"GRU initial_state go_backwards", GRU, 2, 2, 4, 3, backwards, false, true, false, nil,
		[]float64{0.13486053, 0.23261218, 0.78257304, 0.9691353}},
	{"GRU mask", GRU, 2, 2, 4, 3, nil, false, false, false, maskA,
		[]float64{0.19393763, 0.19393763, 0.30818558, 0.30818558}},
	{"GRU mask return_sequences", GRU, 2, 2, 4, 3, sequences, false, false, false, maskA,
		[]float64{0.03606692, 0.03606692, 0.09497581, 0.09497581, 0.09497581, 0.09497581, 0.19393763, 0.19393763,
			0.16051409, 0.16051409, 0.16051409, 0.16051409, 0.16051409, 0.16051409, 0.30818558, 0.30818558}},
	{"GRU mask zero_output_for_mask", GRU, 2, 2, 4, 3, func(s *Spec) { s.ReturnSequences, s.ZeroOutputForMask = true, true }, false, false, false, maskA,
		[]float64{0.03606692, 0.03606692, 0.09497581, 0.09497581, 0, 0, 0.19393763, 0.19393763,
			0.16051409, 0.16051409, 0, 0, 0, 0, 0.30818558, 0.30818558}},
	{"GRU mask go_backwards", GRU, 2, 2, 4, 3, backwards, false, false, false, maskA,
		[]float64{0.11669192, 0.11669192, 0.28380975, 0.28380975}},
}

func filled(n int, v float64) []float64 {
	s := make([]float64, n)
	for i := range s {
		s[i] = v
	}
	return s
}

func arange(n int) []float64 {
	s := make([]float64, n)
	for i := range s {
		s[i] = float64(i)
	}
	return s
}

func kerasForward[T Float](c kerasCase) []T {
	s := NewSpec(c.cell, c.features, c.units)
	if c.edit != nil {
		c.edit(&s)
	}
	w := Weights[T]{Kernel: conv[T](filled(s.KernelLen(), 0.01)), Recurrent: conv[T](filled(s.RecurrentLen(), 0.02))}
	if s.UseBias {
		b := filled(s.BiasLen(), 0.03)
		if c.cell == LSTM && !c.noForgetBias {
			copy(b[c.units:2*c.units], filled(c.units, 1))
		}
		w.Bias = conv[T](b)
	}
	in := Input[T]{Batch: c.batch, Steps: c.steps, X: conv[T](arange(c.batch * c.steps * c.features)), Mask: c.mask}
	if c.h0 {
		in.H0 = conv[T](arange(c.batch * c.units))
	}
	if c.c0 {
		in.C0 = conv[T](arange(c.batch * c.units))
	}
	y := make([]T, s.OutputLen(c.batch, c.steps))
	New[T](s).Forward(w, in, nil, Output[T]{Y: y})
	return y
}

// TestKerasNumbers checks the forward against the outputs Keras 3's own
// tests expect, within their tolerance (atol = rtol = 1e-5).
func TestKerasNumbers(t *testing.T) {
	for _, c := range kerasCases {
		t.Run(c.name, func(t *testing.T) {
			y64, y32 := kerasForward[float64](c), kerasForward[float32](c)
			if len(y64) != len(c.want) {
				t.Fatalf("%d outputs, want %d", len(y64), len(c.want))
			}
			for i, want := range c.want {
				tol := 1e-5 + 1e-5*math.Abs(want)
				if math.Abs(y64[i]-want) > tol || math.Abs(float64(y32[i])-want) > tol {
					t.Errorf("y[%d] = %v (float64), %v (float32), Keras %v", i, y64[i], y32[i], want)
				}
			}
		})
	}
}
