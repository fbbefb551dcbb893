package rnn

import (
	"fmt"
	"math"
	"testing"
)

// loss is Σ dy·y + Σ dh·h_T + Σ dc·c_T over the reference's results: its
// gradients with respect to the outputs are d's dy, dh and dc, which is
// what Backward is given.
func (d data) loss(s Spec) float64 {
	r := d.ref(s)
	l := 0.0
	for i, v := range r.y {
		l += d.dy[i] * v
	}
	for i, v := range r.h {
		l += d.dh[i] * v
	}
	for i, v := range d.dc {
		l += v * r.c[i]
	}
	return l
}

// TestGradientsFiniteDifference checks every element of the fused float64
// backward's gradients against central differences of the reference
// forward's loss.
func TestGradientsFiniteDifference(t *testing.T) {
	const eps = 1e-6
	for i, tc := range cases() {
		t.Run(tc.String(), func(t *testing.T) {
			d := makeData(tc, uint64(100+i))
			_, g := run(New[float64](tc.spec), d)
			check := func(name string, param, grad []float64) {
				t.Helper()
				if param == nil {
					return
				}
				if grad == nil || len(grad) != len(param) {
					t.Fatalf("%s: gradient has %d elements, want %d", name, len(grad), len(param))
				}
				for j := range param {
					old := param[j]
					param[j] = old + eps
					lp := d.loss(tc.spec)
					param[j] = old - eps
					lm := d.loss(tc.spec)
					param[j] = old
					num := (lp - lm) / (2 * eps)
					// Central differences are exact to O(eps²) ≈ 1e-12 here;
					// rounding of the loss adds about 1e-16·|L|/eps ≈ 1e-10.
					if diff := math.Abs(grad[j] - num); diff > 1e-7+1e-6*math.Abs(num) || math.IsNaN(grad[j]) {
						t.Errorf("d/d%s[%d] = %.10g, finite difference %.10g", name, j, grad[j], num)
					}
				}
			}
			check("x", d.in.X, g.X)
			check("kernel", d.w.Kernel, g.Kernel)
			check("recurrent", d.w.Recurrent, g.Recurrent)
			check("bias", d.w.Bias, g.Bias)
			check("h0", d.in.H0, g.H0)
			check("c0", d.in.C0, g.C0)
		})
	}
}

// TestGradientsWithoutStart checks the gradients with respect to the
// initial states when Forward starts from zeros (no H0, C0 given): they are
// still those of the zero state, and nil output gradients count as zeros.
func TestGradientsWithoutStart(t *testing.T) {
	for _, cell := range []Cell{SimpleRNN, LSTM, GRU} {
		s := NewSpec(cell, 3, 4)
		s.ReturnSequences = true
		tc := tcase{spec: s, batch: 2, steps: 4}
		d := makeData(tc, 5)
		d.dh, d.dc = nil, nil // only the outputs carry gradient
		t.Run(fmt.Sprint(cell), func(t *testing.T) {
			k := New[float64](s)
			w, in := d.w, d.in
			res := make([]float64, s.ReserveLen(2, 4))
			k.Forward(w, in, res, Output[float64]{})
			g := Grads[float64]{H0: make([]float64, 8)}
			if cell == LSTM {
				g.C0 = make([]float64, 8)
			}
			k.Backward(w, in, res, Output[float64]{Y: d.dy}, g)
			d.dh = make([]float64, 8)
			if cell == LSTM {
				d.dc = make([]float64, 8)
			}
			d.in.H0, d.in.C0 = make([]float64, 8), make([]float64, 8)
			if cell != LSTM {
				d.in.C0 = nil
			}
			for _, p := range []struct {
				name        string
				param, grad []float64
			}{{"h0", d.in.H0, g.H0}, {"c0", d.in.C0, g.C0}} {
				for j := range p.param {
					p.param[j] = 1e-6
					lp := d.loss(s)
					p.param[j] = -1e-6
					lm := d.loss(s)
					p.param[j] = 0
					num := (lp - lm) / 2e-6
					if math.Abs(p.grad[j]-num) > 1e-7+1e-6*math.Abs(num) {
						t.Errorf("d/d%s[%d] = %.10g, finite difference %.10g", p.name, j, p.grad[j], num)
					}
				}
			}
		})
	}
}

// TestGradientsFloat32 checks the float32 backward against the float64
// one (itself checked by finite differences): relative to the largest
// gradient, within 1e-4 (float32 keeps 7 digits; BPTT sums a few hundred
// terms here).
func TestGradientsFloat32(t *testing.T) {
	for i, tc := range cases() {
		t.Run(tc.String(), func(t *testing.T) {
			d := makeData(tc, uint64(200+i))
			_, g64 := run(New[float64](tc.spec), d)
			_, g32 := run(New[float32](tc.spec), d)
			for _, p := range []struct {
				name string
				a    []float32
				b    []float64
			}{
				{"x", g32.X, g64.X}, {"kernel", g32.Kernel, g64.Kernel}, {"recurrent", g32.Recurrent, g64.Recurrent},
				{"bias", g32.Bias, g64.Bias}, {"h0", g32.H0, g64.H0}, {"c0", g32.C0, g64.C0},
			} {
				scale := 1.0
				for _, v := range p.b {
					scale = math.Max(scale, math.Abs(v))
				}
				for j := range p.b {
					if diff := math.Abs(float64(p.a[j]) - p.b[j]); diff > 1e-4*scale {
						t.Errorf("d/d%s[%d]: float32 %v, float64 %v", p.name, j, p.a[j], p.b[j])
					}
				}
			}
		})
	}
}
