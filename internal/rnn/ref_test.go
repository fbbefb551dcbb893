package rnn

import "math"

// This file is the tests' reference: a step-by-step implementation of the
// three cells in float64 with plain loops, one sample at a time, written
// from the formulas in Keras's cells (keras/src/layers/rnn/{simple_rnn,
// lstm,gru}.py) and the masking rule of the TensorFlow backend's rnn loop.
// It shares no code with the package's kernels.

type refParams struct {
	kernel, recurrent, bias []float64
}

type refResult struct {
	y, h, c []float64
}

func refAct(a Activation, v float64) float64 {
	switch a {
	case Tanh:
		return math.Tanh(v)
	case ReLU:
		return math.Max(v, 0)
	case Sigmoid:
		return 1 / (1 + math.Exp(-v))
	}
	return v
}

func refSigmoid(v float64) float64 { return 1 / (1 + math.Exp(-v)) }

// refForward runs the layer on x (batch, steps, features). rm, when not
// nil, is recurrent dropout: (batch, gates·units), block g multiplying
// h_{t-1} where gate g's recurrent product reads it; xm likewise input
// dropout, (batch, gates·features), block g multiplying x_t in gate g's
// input product (Keras's cells with implementation 1, which
// recurrent_dropout selects).
func refForward(s Spec, p refParams, batch, steps int, x []float64, mask []bool, h0, c0, rm, xm []float64) refResult {
	F, U := s.Features, s.Units
	G := map[Cell]int{SimpleRNN: 1, LSTM: 4, GRU: 3}[s.Cell]
	GU := G * U
	var res refResult
	if s.ReturnSequences {
		res.y = make([]float64, batch*steps*U)
	} else {
		res.y = make([]float64, batch*U)
	}
	res.h = make([]float64, batch*U)
	res.c = make([]float64, batch*U)
	// bias terms: bin added to x·W, brec added to h·U (GRU reset_after only).
	bin := make([]float64, GU)
	brec := make([]float64, GU)
	if s.UseBias {
		copy(bin, p.bias[:GU])
		if s.Cell == GRU && s.ResetAfter {
			copy(brec, p.bias[GU:2*GU])
		}
	}
	for b := 0; b < batch; b++ {
		h := make([]float64, U)
		c := make([]float64, U)
		if h0 != nil {
			copy(h, h0[b*U:])
		}
		if c0 != nil {
			copy(c, c0[b*U:])
		}
		prevOut := make([]float64, U)
		for st := 0; st < steps; st++ {
			t := st
			if s.GoBackwards {
				t = steps - 1 - st
			}
			xt := x[(b*steps+t)*F : (b*steps+t+1)*F]
			xw := make([]float64, GU)
			hu := make([]float64, GU)
			for j := 0; j < GU; j++ {
				xw[j] = bin[j]
				for f := 0; f < F; f++ {
					xf := xt[f]
					if xm != nil {
						xf *= xm[b*G*F+(j/U)*F+f] // the mask of j's gate
					}
					xw[j] += xf * p.kernel[f*GU+j]
				}
				hu[j] = brec[j]
				for i := 0; i < U; i++ {
					hi := h[i]
					if rm != nil {
						hi *= rm[b*GU+(j/U)*U+i] // the mask of j's gate
					}
					hu[j] += hi * p.recurrent[i*GU+j]
				}
			}
			hn := make([]float64, U)
			cn := make([]float64, U)
			switch s.Cell {
			case SimpleRNN:
				for j := 0; j < U; j++ {
					hn[j] = refAct(s.Activation, xw[j]+hu[j])
				}
			case LSTM:
				for j := 0; j < U; j++ {
					i := refSigmoid(xw[j] + hu[j])
					f := refSigmoid(xw[U+j] + hu[U+j])
					g := refAct(s.Activation, xw[2*U+j]+hu[2*U+j])
					o := refSigmoid(xw[3*U+j] + hu[3*U+j])
					cn[j] = f*c[j] + i*g
					hn[j] = o * refAct(s.Activation, cn[j])
				}
			case GRU:
				z := make([]float64, U)
				r := make([]float64, U)
				for j := 0; j < U; j++ {
					z[j] = refSigmoid(xw[j] + hu[j])
					r[j] = refSigmoid(xw[U+j] + hu[U+j])
				}
				for j := 0; j < U; j++ {
					var rec float64
					if s.ResetAfter {
						rec = r[j] * hu[2*U+j]
					} else {
						for i := 0; i < U; i++ {
							hi := h[i]
							if rm != nil {
								hi *= rm[b*GU+2*U+i]
							}
							rec += r[i] * hi * p.recurrent[i*GU+2*U+j]
						}
					}
					hh := refAct(s.Activation, xw[2*U+j]+rec)
					hn[j] = z[j]*h[j] + (1-z[j])*hh
				}
			}
			out := make([]float64, U)
			if mask == nil || mask[b*steps+t] {
				h, c = hn, cn
				copy(out, h)
			} else if !s.ZeroOutputForMask {
				copy(out, prevOut)
			}
			prevOut = out
			if s.ReturnSequences {
				copy(res.y[(b*steps+st)*U:], out)
			} else if st == steps-1 {
				copy(res.y[b*U:], out)
			}
		}
		copy(res.h[b*U:], h)
		copy(res.c[b*U:], c)
	}
	return res
}
