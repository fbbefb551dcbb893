package ref

import (
	"fmt"
	"math"
)

// RNNConfig describes a recurrent layer for the reference kernels RNN and
// RNNGrad, in Keras's terms and layouts: kernel (features, gates·units),
// recurrent kernel (units, gates·units), bias (gates·units) or, for a GRU
// with ResetAfter, (2, 3·units) with the input bias in row 0. The gates are
// in Keras's order: LSTM i, f, c, o; GRU z, r, h.
type RNNConfig struct {
	Cell              string // "SimpleRNN", "LSTM" or "GRU"
	Activation        string // "tanh", "relu", "linear" or "sigmoid"
	Batch, Steps      int
	Features, Units   int
	ResetAfter        bool // GRU only
	ReturnSequences   bool
	GoBackwards       bool
	ZeroOutputForMask bool
}

// RNNArgs are the values of one call: the input x (batch, steps, features),
// the weights, and the optional bias, mask (batch, steps), and initial
// states h0 and c0 (batch, units); nil stands for none (zeros, all steps
// kept).
type RNNArgs struct {
	X, Kernel, Recurrent, Bias []float64
	Mask                       []bool
	H0, C0                     []float64
}

func (c RNNConfig) gates() int {
	switch c.Cell {
	case "LSTM":
		return 4
	case "GRU":
		return 3
	}
	return 1
}

func refSigm(v float64) float64 { return 1 / (1 + math.Exp(-v)) }

func (c RNNConfig) act(v float64) float64 {
	switch c.Activation {
	case "relu":
		return math.Max(v, 0)
	case "linear":
		return v
	case "sigmoid":
		return refSigm(v)
	}
	return math.Tanh(v)
}

// dact returns the derivative of the activation at pre-activation v.
func (c RNNConfig) dact(v float64) float64 {
	switch c.Activation {
	case "relu":
		if v > 0 {
			return 1
		}
		return 0
	case "linear":
		return 1
	case "sigmoid":
		s := refSigm(v)
		return s * (1 - s)
	}
	t := math.Tanh(v)
	return 1 - t*t
}

// rnnStep is what one step of one sample computed, kept for the backward
// pass: the states before, the pre-activations and whether it was kept.
type rnnStep struct {
	kept       bool
	hPrev      []float64
	cPrev      []float64
	pre        []float64 // x·W + b_in (+ h·U + b_rec for non-GRU), gates·units
	rec        []float64 // GRU: h·U (+ b_rec), gates·units
	rh         []float64 // GRU without ResetAfter: r·h_prev
	gate       []float64 // activated gates, gates·units
	c          []float64 // LSTM: c after the step
	h          []float64 // h after the step
	seenBefore bool      // a step was kept before this one (processed order)
}

// inputBias returns the bias added on the input side (row 0 for a GRU with
// ResetAfter), or nil.
func (c RNNConfig) inputBias(a RNNArgs) []float64 {
	if a.Bias == nil {
		return nil
	}
	return a.Bias[:c.gates()*c.Units]
}

// forwardSample runs sample b through all steps and returns the steps in
// processed order.
func (c RNNConfig) forwardSample(a RNNArgs, b int) []rnnStep {
	u, nf, w := c.Units, c.Features, c.gates()*c.Units
	h := make([]float64, u)
	cs := make([]float64, u)
	if a.H0 != nil {
		copy(h, a.H0[b*u:(b+1)*u])
	}
	if a.C0 != nil {
		copy(cs, a.C0[b*u:(b+1)*u])
	}
	steps := make([]rnnStep, c.Steps)
	seen := false
	for s := 0; s < c.Steps; s++ {
		tau := s
		if c.GoBackwards {
			tau = c.Steps - 1 - s
		}
		st := &steps[s]
		st.seenBefore = seen
		st.kept = a.Mask == nil || a.Mask[b*c.Steps+tau]
		st.hPrev = append([]float64(nil), h...)
		st.cPrev = append([]float64(nil), cs...)
		if !st.kept {
			st.h = append([]float64(nil), h...)
			st.c = append([]float64(nil), cs...)
			continue
		}
		seen = true
		x := a.X[(b*c.Steps+tau)*nf : (b*c.Steps+tau+1)*nf]
		pre := make([]float64, w)
		rec := make([]float64, w)
		for j := 0; j < w; j++ {
			for f := 0; f < nf; f++ {
				pre[j] += x[f] * a.Kernel[f*w+j]
			}
			if a.Bias != nil {
				pre[j] += a.Bias[j]
			}
			for k := 0; k < u; k++ {
				rec[j] += h[k] * a.Recurrent[k*w+j]
			}
			if c.Cell == "GRU" && c.ResetAfter && a.Bias != nil {
				rec[j] += a.Bias[w+j]
			}
		}
		gate := make([]float64, w)
		nh := make([]float64, u)
		nc := make([]float64, u)
		switch c.Cell {
		case "SimpleRNN":
			for j := 0; j < u; j++ {
				pre[j] += rec[j]
				gate[j] = c.act(pre[j])
				nh[j] = gate[j]
			}
		case "LSTM":
			for j := 0; j < w; j++ {
				pre[j] += rec[j]
			}
			for j := 0; j < u; j++ {
				gate[j] = refSigm(pre[j])
				gate[u+j] = refSigm(pre[u+j])
				gate[2*u+j] = c.act(pre[2*u+j])
				gate[3*u+j] = refSigm(pre[3*u+j])
				nc[j] = gate[u+j]*cs[j] + gate[j]*gate[2*u+j]
				nh[j] = gate[3*u+j] * c.act(nc[j])
			}
		case "GRU":
			for j := 0; j < 2*u; j++ {
				gate[j] = refSigm(pre[j] + rec[j])
			}
			if c.ResetAfter {
				for j := 0; j < u; j++ {
					gate[2*u+j] = c.act(pre[2*u+j] + gate[u+j]*rec[2*u+j])
				}
			} else {
				st.rh = make([]float64, u)
				for k := 0; k < u; k++ {
					st.rh[k] = gate[u+k] * h[k]
				}
				for j := 0; j < u; j++ {
					v := pre[2*u+j]
					for k := 0; k < u; k++ {
						v += st.rh[k] * a.Recurrent[k*w+2*u+j]
					}
					rec[2*u+j] = v - pre[2*u+j] // (r·h)·U_h
					gate[2*u+j] = c.act(v)
				}
			}
			for j := 0; j < u; j++ {
				z := gate[j]
				nh[j] = z*h[j] + (1-z)*gate[2*u+j]
			}
		}
		st.pre, st.rec, st.gate, st.h, st.c = pre, rec, gate, nh, nc
		h, cs = nh, nc
	}
	return steps
}

// checkRNN panics unless the argument lengths fit the configuration.
func (c RNNConfig) check(a RNNArgs) {
	w := c.gates() * c.Units
	bias := w
	if c.Cell == "GRU" && c.ResetAfter {
		bias = 2 * w
	}
	for _, p := range []struct {
		name string
		got  int
		want int
		opt  bool
	}{
		{"x", len(a.X), c.Batch * c.Steps * c.Features, false},
		{"kernel", len(a.Kernel), c.Features * w, false},
		{"recurrent kernel", len(a.Recurrent), c.Units * w, false},
		{"bias", len(a.Bias), bias, true},
		{"mask", len(a.Mask), c.Batch * c.Steps, true},
		{"h0", len(a.H0), c.Batch * c.Units, true},
		{"c0", len(a.C0), c.Batch * c.Units, true},
	} {
		if p.got != p.want && !(p.opt && p.got == 0) {
			panic(fmt.Sprintf("ref.RNN: %s %s has %d elements, want %d", c.Cell, p.name, p.got, p.want))
		}
	}
}

// RNN runs the recurrent layer c describes over a whole batch, one sample
// and one step at a time, and returns the outputs y (batch, steps, units)
// with ReturnSequences, else (batch, units), and the final states h and c
// (batch, units; c is zeros except for LSTM). At a step the mask skips, the
// states carry over and the output repeats the previous output (zero before
// the sample's first kept step), or is zero with ZeroOutputForMask; with
// GoBackwards the steps run from last to first and the outputs come in
// processed order.
func RNN(c RNNConfig, a RNNArgs) (y, h, cOut []float64) {
	c.check(a)
	u := c.Units
	if c.ReturnSequences {
		y = make([]float64, c.Batch*c.Steps*u)
	} else {
		y = make([]float64, c.Batch*u)
	}
	h = make([]float64, c.Batch*u)
	cOut = make([]float64, c.Batch*u)
	for b := 0; b < c.Batch; b++ {
		steps := c.forwardSample(a, b)
		last := steps[len(steps)-1]
		copy(h[b*u:], last.h)
		copy(cOut[b*u:], last.c)
		for s, st := range steps {
			var out []float64
			switch {
			case st.kept:
				out = st.h
			case c.ZeroOutputForMask || !st.seenBefore:
				out = make([]float64, u)
			default:
				out = st.h // the carried state, the previous output
			}
			if c.ReturnSequences {
				copy(y[(b*c.Steps+s)*u:], out)
			} else if s == len(steps)-1 {
				copy(y[b*u:], out)
			}
		}
	}
	return y, h, cOut
}

// RNNGrads are the gradients RNNGrad returns, in the layouts of RNNArgs.
type RNNGrads struct {
	X, Kernel, Recurrent, Bias, H0, C0 []float64
}

// RNNGrad returns the gradients of a loss with respect to x, the weights
// and the initial states of RNN(c, a), given the loss's gradients dy, dh
// and dc with respect to RNN's outputs (dc ignored except for LSTM; nil
// counts as zeros). It recomputes the forward pass and propagates back
// through the steps one sample and one step at a time.
func RNNGrad(c RNNConfig, a RNNArgs, dy, dh, dc []float64) RNNGrads {
	c.check(a)
	u, nf, w := c.Units, c.Features, c.gates()*c.Units
	g := RNNGrads{
		X:         make([]float64, len(a.X)),
		Kernel:    make([]float64, len(a.Kernel)),
		Recurrent: make([]float64, len(a.Recurrent)),
		H0:        make([]float64, c.Batch*u),
		C0:        make([]float64, c.Batch*u),
	}
	if a.Bias != nil {
		g.Bias = make([]float64, len(a.Bias))
	}
	for b := 0; b < c.Batch; b++ {
		steps := c.forwardSample(a, b)
		gh := make([]float64, u) // gradient w.r.t. h after the step being undone
		gc := make([]float64, u)
		if dh != nil {
			copy(gh, dh[b*u:(b+1)*u])
		}
		if dc != nil && c.Cell == "LSTM" {
			copy(gc, dc[b*u:(b+1)*u])
		}
		for s := c.Steps - 1; s >= 0; s-- {
			st := steps[s]
			// The output's gradient at this step.
			var gy []float64
			if c.ReturnSequences {
				gy = dy[(b*c.Steps+s)*u : (b*c.Steps+s+1)*u]
			} else if s == c.Steps-1 {
				gy = dy[b*u : (b+1)*u]
			}
			if gy != nil && (st.kept || (!c.ZeroOutputForMask && st.seenBefore)) {
				for j := range gh {
					gh[j] += gy[j]
				}
			}
			if !st.kept {
				continue // h and c carried over: their gradients pass through
			}
			tau := s
			if c.GoBackwards {
				tau = c.Steps - 1 - s
			}
			dpre := make([]float64, w) // gradient w.r.t. the input-side pre-activations
			drec := make([]float64, w) // and the recurrent-side ones
			nh := make([]float64, u)   // gradient w.r.t. h_prev through paths other than U
			nc := make([]float64, u)
			switch c.Cell {
			case "SimpleRNN":
				for j := 0; j < u; j++ {
					dpre[j] = gh[j] * c.dact(st.pre[j])
				}
				copy(drec, dpre)
			case "LSTM":
				for j := 0; j < u; j++ {
					i, f, gg, o := st.gate[j], st.gate[u+j], st.gate[2*u+j], st.gate[3*u+j]
					tc := c.act(st.c[j])
					dcj := gc[j] + gh[j]*o*c.dact(st.c[j])
					dpre[3*u+j] = gh[j] * tc * o * (1 - o)
					dpre[j] = dcj * gg * i * (1 - i)
					dpre[u+j] = dcj * st.cPrev[j] * f * (1 - f)
					dpre[2*u+j] = dcj * i * c.dact(st.pre[2*u+j])
					nc[j] = dcj * f
				}
				copy(drec, dpre)
			case "GRU":
				dr := make([]float64, u)
				for j := 0; j < u; j++ {
					z, hh := st.gate[j], st.gate[2*u+j]
					nh[j] += gh[j] * z
					dz := gh[j] * (st.hPrev[j] - hh)
					dhh := gh[j] * (1 - z)
					var a2 float64 // the candidate's pre-activation
					if c.ResetAfter {
						a2 = st.pre[2*u+j] + st.gate[u+j]*st.rec[2*u+j]
					} else {
						a2 = st.pre[2*u+j] + st.rec[2*u+j]
					}
					da := dhh * c.dact(a2)
					dpre[2*u+j] = da
					if c.ResetAfter {
						drec[2*u+j] = da * st.gate[u+j]
						dr[j] = da * st.rec[2*u+j]
					} else {
						drec[2*u+j] = da // w.r.t. (r·h)·U_h
					}
					dpre[j] = dz * z * (1 - z)
					drec[j] = dpre[j]
				}
				if !c.ResetAfter {
					// (r·h)·U_h: gradient w.r.t. r·h, then r and h.
					for k := 0; k < u; k++ {
						var drh float64
						for j := 0; j < u; j++ {
							drh += drec[2*u+j] * a.Recurrent[k*w+2*u+j]
						}
						dr[k] = drh * st.hPrev[k]
						nh[k] += drh * st.gate[u+k]
					}
				}
				for j := 0; j < u; j++ {
					r := st.gate[u+j]
					dpre[u+j] = dr[j] * r * (1 - r)
					drec[u+j] = dpre[u+j]
				}
			}
			x := a.X[(b*c.Steps+tau)*nf : (b*c.Steps+tau+1)*nf]
			gx := g.X[(b*c.Steps+tau)*nf : (b*c.Steps+tau+1)*nf]
			for j := 0; j < w; j++ {
				for f := 0; f < nf; f++ {
					g.Kernel[f*w+j] += x[f] * dpre[j]
					gx[f] += dpre[j] * a.Kernel[f*w+j]
				}
				if g.Bias != nil {
					g.Bias[j] += dpre[j]
					if c.Cell == "GRU" && c.ResetAfter {
						g.Bias[w+j] += drec[j]
					}
				}
				hsrc := st.hPrev
				if c.Cell == "GRU" && !c.ResetAfter && j >= 2*u {
					hsrc = st.rh // the candidate's recurrent input is r·h
				}
				for k := 0; k < u; k++ {
					g.Recurrent[k*w+j] += hsrc[k] * drec[j]
					if !(c.Cell == "GRU" && !c.ResetAfter && j >= 2*u) {
						nh[k] += drec[j] * a.Recurrent[k*w+j]
					}
				}
			}
			gh = nh
			if c.Cell == "LSTM" {
				gc = nc
			}
		}
		copy(g.H0[b*u:], gh)
		copy(g.C0[b*u:], gc)
	}
	return g
}
