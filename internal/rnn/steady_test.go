package rnn

import (
	"math"
	"testing"

	"github.com/tensorgo/tensorgo/internal/parallel"
)

// bigCases are the anchors' second layer (80 features, 100 units, batch 64)
// with every option on, short sequences: big enough that the GEMMs and the
// row passes split across threads; LSTM and GRU without ResetAfter also
// with recurrent dropout.
func bigCases() []tcase {
	var out []tcase
	for _, c := range []struct {
		cell       Cell
		resetAfter bool
	}{{SimpleRNN, false}, {LSTM, false}, {GRU, true}, {GRU, false}} {
		s := NewSpec(c.cell, 80, 100)
		s.ResetAfter, s.ReturnSequences, s.GoBackwards = c.resetAfter, true, true
		out = append(out, tcase{spec: s, batch: 64, steps: 5, h0: true, mask: true})
		if c.cell == LSTM || c.cell == GRU && !c.resetAfter {
			// Recurrent dropout's own GEMMs and passes, on the two cells
			// whose masked steps differ most (the pure-Go build runs these
			// sizes slowly: two are enough).
			out = append(out, tcase{spec: s, batch: 64, steps: 5, h0: true, mask: true, recDrop: true, inDrop: true})
		}
	}
	return out
}

func sameBits(t *testing.T, what string, a, b []float32) {
	t.Helper()
	for i := range a {
		if math.Float32bits(a[i]) != math.Float32bits(b[i]) {
			t.Errorf("%s[%d]: %v at 1 thread, %v here", what, i, a[i], b[i])
			return
		}
	}
}

// TestThreadsBitIdentical checks that outputs and gradients are the same
// bits at 1, 2 and 4 threads.
func TestThreadsBitIdentical(t *testing.T) {
	old := parallel.NumThreads()
	defer parallel.SetNumThreads(old)
	for i, tc := range bigCases() {
		t.Run(tc.String(), func(t *testing.T) {
			d := makeData(tc, uint64(300+i))
			parallel.SetNumThreads(1)
			out1, g1 := run(New[float32](tc.spec), d)
			for _, n := range []int{2, 4} {
				parallel.SetNumThreads(n)
				out, g := run(New[float32](tc.spec), d)
				sameBits(t, "y", out1.Y, out.Y)
				sameBits(t, "h", out1.H, out.H)
				sameBits(t, "c", out1.C, out.C)
				sameBits(t, "dx", g1.X, g.X)
				sameBits(t, "dkernel", g1.Kernel, g.Kernel)
				sameBits(t, "drecurrent", g1.Recurrent, g.Recurrent)
				sameBits(t, "dbias", g1.Bias, g.Bias)
				sameBits(t, "dh0", g1.H0, g.H0)
				sameBits(t, "dc0", g1.C0, g.C0)
			}
		})
	}
}

// TestSteadyStateAllocations checks that a warm Kernel's Forward and
// Backward allocate nothing, and that a forward without a reserve
// (inference) allocates nothing either.
func TestSteadyStateAllocations(t *testing.T) {
	if raceEnabled {
		t.Skip("the race detector makes sync.Pool drop items")
	}
	old := parallel.NumThreads()
	defer parallel.SetNumThreads(old)
	all := append(bigCases(), cases()...)
	for _, tc := range all {
		t.Run(tc.String(), func(t *testing.T) {
			s := tc.spec
			d := makeData(tc, 1)
			k := New[float32](s)
			b, n := tc.batch, tc.steps
			w := Weights[float32]{conv[float32](d.w.Kernel), conv[float32](d.w.Recurrent), conv[float32](d.w.Bias)}
			in := Input[float32]{Batch: b, Steps: n, X: conv[float32](d.in.X), Mask: d.in.Mask, H0: conv[float32](d.in.H0), C0: conv[float32](d.in.C0),
				RecurrentMask: conv[float32](d.in.RecurrentMask), InputMask: conv[float32](d.in.InputMask)}
			out := Output[float32]{Y: make([]float32, s.OutputLen(b, n)), H: make([]float32, b*s.Units)}
			dOut := Output[float32]{Y: conv[float32](d.dy), H: conv[float32](d.dh), C: conv[float32](d.dc)}
			g := Grads[float32]{X: make([]float32, len(in.X)), Kernel: make([]float32, len(w.Kernel)),
				Recurrent: make([]float32, len(w.Recurrent)), H0: make([]float32, b*s.Units)}
			if s.UseBias {
				g.Bias = make([]float32, len(w.Bias))
			}
			if s.Cell == LSTM {
				out.C = make([]float32, b*s.Units)
				g.C0 = make([]float32, b*s.Units)
			}
			res := make([]float32, s.ReserveLen(b, n))
			step := func() {
				k.Forward(w, in, res, out)
				k.Backward(w, in, res, dOut, g)
				k.Forward(w, in, nil, out)
			}
			parallel.SetNumThreads(1)
			step()
			if a := testing.AllocsPerRun(5, step); a != 0 {
				t.Errorf("1 thread: %v allocations per Forward+Backward+Forward, want 0", a)
			}
			// With more threads this package still allocates nothing, but the
			// sync.Pools of internal/gemm's workspaces and internal/parallel's
			// groups miss now and then when chunks run on other Ps: allow a
			// fraction of an allocation per call on average.
			parallel.SetNumThreads(2)
			step()
			if a := testing.AllocsPerRun(50, step); a > 1 {
				t.Errorf("2 threads: %v allocations per Forward+Backward+Forward, want at most 1", a)
			}
		})
	}
}
