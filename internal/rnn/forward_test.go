package rnn

import (
	"math"
	"strings"
	"testing"
)

func maxDiff[T Float](got []T, want []float64) (float64, int) {
	worst, at := 0.0, -1
	for i := range want {
		d := math.Abs(float64(got[i])-want[i]) / math.Max(1, math.Abs(want[i]))
		if d > worst || math.IsNaN(d) {
			worst, at = d, i
		}
	}
	return worst, at
}

func checkClose[T Float](t *testing.T, what string, got []T, want []float64, tol float64) {
	t.Helper()
	if len(got) != len(want) {
		t.Fatalf("%s: %d values, want %d", what, len(got), len(want))
	}
	if d, at := maxDiff(got, want); d > tol || math.IsNaN(d) {
		t.Errorf("%s[%d] = %v, want %v (relative difference %.3g > %.3g)", what, at, got[at], want[at], d, tol)
	}
}

// TestForwardMatchesReference checks the fused forward against the plain
// reference in float64 (to rounding) and in float32.
func TestForwardMatchesReference(t *testing.T) {
	for i, tc := range cases() {
		t.Run(tc.String(), func(t *testing.T) {
			d := makeData(tc, uint64(i))
			want := d.ref(tc.spec)
			out, _ := run(New[float64](tc.spec), d)
			checkClose(t, "y", out.Y, want.y, 1e-13)
			checkClose(t, "h", out.H, want.h, 1e-13)
			if tc.spec.Cell == LSTM {
				checkClose(t, "c", out.C, want.c, 1e-13)
			}
			// float32: inputs rounded to float32 and float32 arithmetic over
			// a few steps of sums of at most ~10 terms of size ≤ 1 give
			// errors of a few 1e-7; 1e-5 leaves room for growth through time.
			out32, _ := run(New[float32](tc.spec), d)
			checkClose(t, "float32 y", out32.Y, want.y, 1e-5)
			checkClose(t, "float32 h", out32.H, want.h, 1e-5)
			if tc.spec.Cell == LSTM {
				checkClose(t, "float32 c", out32.C, want.c, 1e-5)
			}
		})
	}
}

// TestOptionsByHand pins the options' semantics on a SimpleRNN with linear
// activation, one unit and W = U = 1, no bias: h_t = h_{t-1} + x_t, so the
// outputs are running sums, computed here by hand.
func TestOptionsByHand(t *testing.T) {
	s := NewSpec(SimpleRNN, 1, 1)
	s.Activation, s.UseBias, s.ReturnSequences = Linear, false, true
	w := Weights[float64]{Kernel: []float64{1}, Recurrent: []float64{1}}
	x := []float64{1, 2, 3}
	for _, c := range []struct {
		name      string
		backwards bool
		mask      []bool
		h0        float64
		y         []float64
		h         float64
	}{
		{"forwards", false, nil, 0, []float64{1, 3, 6}, 6},
		{"h0", false, nil, 10, []float64{11, 13, 16}, 16},
		// processed order 3, 2, 1: outputs stay in processed order (Keras).
		{"backwards", true, nil, 0, []float64{3, 5, 6}, 6},
		// a skipped step repeats the previous output and keeps the state.
		{"mask middle", false, []bool{true, false, true}, 0, []float64{1, 1, 4}, 4},
		// before the first kept step the output is zero (TensorFlow backend),
		// while the state is still h0.
		{"mask first", false, []bool{false, true, true}, 10, []float64{0, 12, 15}, 15},
		{"mask all", false, []bool{false, false, false}, 10, []float64{0, 0, 0}, 10},
		// backwards with a mask: input step 2 is processed first and skipped.
		{"backwards mask", true, []bool{true, true, false}, 0, []float64{0, 2, 3}, 3},
	} {
		t.Run(c.name, func(t *testing.T) {
			s := s
			s.GoBackwards = c.backwards
			k := New[float64](s)
			out := Output[float64]{Y: make([]float64, 3), H: make([]float64, 1)}
			k.Forward(w, Input[float64]{Batch: 1, Steps: 3, X: x, Mask: c.mask, H0: []float64{c.h0}}, nil, out)
			for i := range c.y {
				if out.Y[i] != c.y[i] {
					t.Errorf("y = %v, want %v", out.Y, c.y)
					break
				}
			}
			if out.H[0] != c.h {
				t.Errorf("final h = %v, want %v", out.H[0], c.h)
			}
			// Without ReturnSequences the output is the last processed step's.
			s.ReturnSequences = false
			k = New[float64](s)
			last := []float64{-1}
			k.Forward(w, Input[float64]{Batch: 1, Steps: 3, X: x, Mask: c.mask, H0: []float64{c.h0}}, nil, Output[float64]{Y: last})
			if last[0] != c.y[2] {
				t.Errorf("last output = %v, want %v", last[0], c.y[2])
			}
		})
	}
}

// TestParamCount checks the shapes against Keras's model summaries:
// SimpleRNN(80), LSTM(80) and GRU(80) on one feature, as in the course's
// chapter 6, and the second layers of the w5/w9 anchors (80 -> 100).
// Counts by hand: SimpleRNN u(f+u+1), LSTM 4u(f+u+1), GRU reset_after
// 3u(f+u+2), GRU reset_after=False 3u(f+u+1).
func TestParamCount(t *testing.T) {
	for _, c := range []struct {
		cell        Cell
		f, u, count int
	}{
		{SimpleRNN, 1, 80, 6560},
		{LSTM, 1, 80, 26240},
		{GRU, 1, 80, 19920},
		{SimpleRNN, 80, 100, 18100},
		{LSTM, 80, 100, 72400},
		{GRU, 80, 100, 54600},
	} {
		if got := ParamCount(c.cell, c.f, c.u); got != c.count {
			t.Errorf("ParamCount(%v, %d, %d) = %d, want %d", c.cell, c.f, c.u, got, c.count)
		}
	}
	s := NewSpec(GRU, 1, 80)
	s.ResetAfter = false
	if got := s.ParamCount(); got != 19680 {
		t.Errorf("GRU(80, reset_after=False) has %d parameters, want 19680", got)
	}
	s = NewSpec(LSTM, 1, 80)
	s.UseBias = false
	if got := s.ParamCount(); got != 25920 {
		t.Errorf("LSTM(80, use_bias=False) has %d parameters, want 25920", got)
	}
}

func mustPanic(t *testing.T, want string, f func()) {
	t.Helper()
	defer func() {
		t.Helper()
		r := recover()
		if r == nil {
			t.Errorf("no panic, want one mentioning %q", want)
			return
		}
		if msg, _ := r.(string); !strings.Contains(msg, want) {
			t.Errorf("panic %q, want one mentioning %q", r, want)
		}
	}()
	f()
}

func TestPanics(t *testing.T) {
	s := NewSpec(LSTM, 2, 3)
	k := New[float32](s)
	w := Weights[float32]{make([]float32, 24), make([]float32, 36), make([]float32, 12)}
	in := Input[float32]{Batch: 2, Steps: 4, X: make([]float32, 16)}
	res := make([]float32, s.ReserveLen(2, 4))
	mustPanic(t, "rnn.New: unknown cell 7", func() { New[float32](Spec{Cell: 7, Features: 1, Units: 1}) })
	mustPanic(t, "units=0", func() { New[float64](NewSpec(GRU, 3, 0)) })
	mustPanic(t, "rnn.Forward: kernel (2, 12) has 23 elements, want 24", func() {
		k.Forward(Weights[float32]{w.Kernel[:23], w.Recurrent, w.Bias}, in, res, Output[float32]{})
	})
	mustPanic(t, "rnn.Forward: x (2, 4, 2) has 15 elements, want 16", func() {
		k.Forward(w, Input[float32]{Batch: 2, Steps: 4, X: in.X[:15]}, res, Output[float32]{})
	})
	mustPanic(t, "rnn.Forward: output y (2, 3) has 5 elements, want 6", func() {
		k.Forward(w, in, res, Output[float32]{Y: make([]float32, 5)})
	})
	mustPanic(t, "rnn.Forward: reserve has 3 elements", func() { k.Forward(w, in, res[:3], Output[float32]{}) })
	mustPanic(t, "steps=0", func() { k.Forward(w, Input[float32]{Batch: 2, Steps: 0}, nil, Output[float32]{}) })
	mustPanic(t, "rnn.Backward: reserve has 0 elements", func() { k.Backward(w, in, nil, Output[float32]{}, Grads[float32]{}) })
	mustPanic(t, "rnn.Backward: gradient of the bias has 4 elements, want 12", func() {
		k.Backward(w, in, res, Output[float32]{}, Grads[float32]{Bias: make([]float32, 4)})
	})
	g := New[float32](NewSpec(GRU, 2, 3))
	mustPanic(t, "GRU has no cell state but got c0", func() {
		g.Forward(Weights[float32]{make([]float32, 18), make([]float32, 27), make([]float32, 18)},
			Input[float32]{Batch: 2, Steps: 4, X: in.X, C0: make([]float32, 6)}, nil, Output[float32]{})
	})
	mustPanic(t, "rnn.Forward: bias has 9 elements, want 18", func() {
		g.Forward(Weights[float32]{make([]float32, 18), make([]float32, 27), make([]float32, 9)}, Input[float32]{Batch: 2, Steps: 4, X: in.X}, nil, Output[float32]{})
	})
}
