package rnn

import "github.com/tensorgo/tensorgo/internal/parallel"

// Forward runs the layer over a batch of sequences: the input projection of
// every step as one GEMM, then per step one recurrent GEMM and one fused pass
// over the gates. It writes the non-nil fields of out (Y: Spec.OutputLen
// elements, H and C: the final states). reserve receives what Backward
// needs (Spec.ReserveLen elements); pass nil when no Backward follows and
// the Kernel keeps one of its own. Forward panics on lengths that do not fit
// the Spec. After a first call with the largest sizes it allocates nothing.
func (k *Kernel[T]) Forward(w Weights[T], in Input[T], reserve []T, out Output[T]) {
	const op = "rnn.Forward"
	k.checkCall(op, w, in)
	k.checkStates(op, false, out, in.Batch, in.Steps)
	s := k.spec
	nb, ns := in.Batch, in.Steps
	u, wd, nf := s.Units, s.width(), s.Features
	rows := nb * ns
	if reserve == nil {
		reserve = grow(&k.infer, s.ReserveLen(nb, ns))
	} else {
		needLen(op, "reserve", reserve, false, s.ReserveLen(nb, ns))
	}
	if nb == 0 {
		return
	}
	c := &k.cur
	*c = call[T]{batch: nb, steps: ns, mask: in.Mask, rmask: in.RecurrentMask, bias: w.Bias, y: out.Y}
	c.resView = k.view(reserve, rows)
	k.firstKept(in)
	grow(&k.hLast, nb*u)
	if s.Cell == LSTM {
		grow(&k.cLast, nb*u)
	}
	if s.resetAfter() {
		grow(&k.rstep, nb*wd)
	}
	if c.rmask != nil {
		grow(&k.hm, nb*wd)
	}

	// Every step's input projection at once: (steps·batch, features)·(features, gates·units).
	if in.InputMask == nil {
		k.gemm(false, false, rows, wd, nf, 1, k.stepMajorX(in), nf, w.Kernel, wd, 0, c.gates, wd)
	} else {
		xs := k.stepMajorX(in)
		for q := 0; q < s.Cell.Gates(); q++ {
			xm := k.maskedX(xs, in.InputMask, nb, q)
			k.gemm(false, false, rows, u, nf, 1, xm, nf, w.Kernel[q*u:], wd, 0, c.gates[q*u:], wd)
		}
	}

	t0 := k.inputStep(0, ns)
	if dst := c.hprev[t0*nb*u:][:nb*u]; in.H0 != nil {
		copy(dst, in.H0)
	} else {
		clear(dst)
	}
	if s.Cell == LSTM {
		if dst := c.cprev[t0*nb*u:][:nb*u]; in.C0 != nil {
			copy(dst, in.C0)
		} else {
			clear(dst)
		}
	}

	grain := k.grain()
	ldh, ldg := u, wd // a step's rows are contiguous
	for st := 0; st < ns; st++ {
		c.s, c.tau, c.next = st, k.inputStep(st, ns), -1
		if st+1 < ns {
			c.next = k.inputStep(st+1, ns)
		}
		hp := c.hprev[c.tau*nb*u:]
		g := c.gates[c.tau*nb*wd:]
		switch {
		case c.rmask != nil:
			k.recurrentMasked(w.Recurrent, g, ldg)
		case s.resetAfter():
			k.gemm(false, false, nb, wd, u, 1, hp, ldh, w.Recurrent, wd, 0, k.rstep, wd)
		case s.Cell == GRU:
			k.gemm(false, false, nb, 2*u, u, 1, hp, ldh, w.Recurrent, wd, 1, g, ldg)
		default:
			k.gemm(false, false, nb, wd, u, 1, hp, ldh, w.Recurrent, wd, 1, g, ldg)
		}
		parallel.For(nb, grain, k.fwdFn)
		if s.Cell == GRU && !s.ResetAfter {
			// The candidate's recurrent term (r·h_{t-1})·U_h, once r is known.
			k.gemm(false, false, nb, u, u, 1, c.aux[c.tau*nb*u:], ldh, w.Recurrent[2*u:], wd, 1, g[2*u:], ldg)
			parallel.For(nb, grain, k.fwd2Fn)
		}
	}
	if out.H != nil {
		copy(out.H, k.hLast[:nb*u])
	}
	if out.C != nil {
		copy(out.C, k.cLast[:nb*u])
	}
	*c = call[T]{}
}

// recurrentMasked adds the step's recurrent products under recurrent
// dropout, one GEMM per gate block: (h_{t-1}⊙M_g)·U_g into the gates g (or,
// for GRU with ResetAfter, into rstep; for GRU without, only z and r: the
// candidate's product follows forwardRows).
func (k *Kernel[T]) recurrentMasked(rec, g []T, ldg int) {
	s, c := &k.spec, &k.cur
	nb, u, wd := c.batch, s.Units, s.width()
	k.maskH()
	gates := s.Cell.Gates()
	if s.Cell == GRU && !s.ResetAfter {
		gates = 2
	}
	for q := 0; q < gates; q++ {
		if s.resetAfter() {
			k.gemm(false, false, nb, u, u, 1, k.hm[q*u:], wd, rec[q*u:], wd, 0, k.rstep[q*u:], wd)
		} else {
			k.gemm(false, false, nb, u, u, 1, k.hm[q*u:], wd, rec[q*u:], wd, 1, g[q*u:], ldg)
		}
	}
}

// forwardRows is the fused pass of one step over samples [lo, hi): gate
// nonlinearities, the new states and the outputs (for GRU without
// ResetAfter, only the gates z and r: forwardRows2 finishes the step).
func (k *Kernel[T]) forwardRows(lo, hi int) {
	s, c := &k.spec, &k.cur
	u, wd := s.Units, s.width()
	act := s.Activation
	for b := lo; b < hi; b++ {
		r := c.row(b, c.tau)
		g := c.gates[r*wd : (r+1)*wd]
		hp := c.hprev[r*u : (r+1)*u]
		hn := k.nextH(b)
		keep := !k.skipped(b)
		switch s.Cell {
		case SimpleRNN:
			if c.bias != nil {
				for j := range g {
					g[j] += c.bias[j]
				}
			}
			applySlice(act, g)
			if keep {
				copy(hn, g)
			} else {
				copy(hn, hp)
			}
		case LSTM:
			if c.bias != nil {
				for j := range g {
					g[j] += c.bias[j]
				}
			}
			applySlice(Sigmoid, g[:2*u]) // i, f
			applySlice(act, g[2*u:3*u])
			applySlice(Sigmoid, g[3*u:]) // o
			gi, gf, gc, gout := g[:u], g[u:2*u], g[2*u:3*u], g[3*u:]
			cp := c.cprev[r*u : (r+1)*u]
			tc := c.tc[r*u : (r+1)*u]
			cn := k.nextC(b)
			if keep {
				for j := 0; j < u; j++ {
					cn[j] = gf[j]*cp[j] + gi[j]*gc[j]
				}
				copy(tc, cn)
				applySlice(act, tc)
				for j := 0; j < u; j++ {
					hn[j] = gout[j] * tc[j]
				}
			} else {
				for j := 0; j < u; j++ {
					tc[j] = gf[j]*cp[j] + gi[j]*gc[j]
				}
				applySlice(act, tc)
				copy(cn, cp)
				copy(hn, hp)
			}
		case GRU:
			gz, gr, gh := g[:u], g[u:2*u], g[2*u:]
			if !s.ResetAfter {
				aux := c.aux[r*u : (r+1)*u]
				if c.bias != nil {
					for j := 0; j < 2*u; j++ {
						g[j] += c.bias[j]
					}
				}
				applySlice(Sigmoid, g[:2*u]) // z, r
				hh := hp
				if c.rmask != nil {
					hh = k.hm[b*wd+2*u : b*wd+3*u] // h_{t-1}⊙M_h
				}
				for j := 0; j < u; j++ {
					aux[j] = gr[j] * hh[j]
				}
				continue // forwardRows2 writes h and the outputs
			}
			rs := k.rstep[b*wd : (b+1)*wd]
			rz, rr, rh := rs[:u], rs[u:2*u], rs[2*u:]
			aux := c.aux[r*u : (r+1)*u]
			for j := 0; j < u; j++ {
				vz, vr, wh := gz[j]+rz[j], gr[j]+rr[j], rh[j]
				if c.bias != nil {
					bi, br := c.bias[:wd], c.bias[wd:]
					vz += bi[j] + br[j]
					vr += bi[u+j] + br[u+j]
					gh[j] += bi[2*u+j]
					wh += br[2*u+j]
				}
				gz[j], gr[j], aux[j] = vz, vr, wh
			}
			applySlice(Sigmoid, g[:2*u]) // z, r
			for j := 0; j < u; j++ {
				gh[j] += gr[j] * aux[j]
			}
			applySlice(act, gh)
			if keep {
				for j := 0; j < u; j++ {
					z := gz[j]
					hn[j] = z*hp[j] + (1-z)*gh[j]
				}
			} else {
				copy(hn, hp)
			}
		}
		k.emit(b, hn)
	}
}

// forwardRows2 finishes a step of a GRU without ResetAfter over samples
// [lo, hi): the candidate, the new state and the outputs.
func (k *Kernel[T]) forwardRows2(lo, hi int) {
	s, c := &k.spec, &k.cur
	u, wd := s.Units, s.width()
	for b := lo; b < hi; b++ {
		r := c.row(b, c.tau)
		g := c.gates[r*wd : (r+1)*wd]
		gz, gh := g[:u], g[2*u:]
		hp := c.hprev[r*u : (r+1)*u]
		hn := k.nextH(b)
		keep := !k.skipped(b)
		if c.bias != nil {
			for j := 0; j < u; j++ {
				gh[j] += c.bias[2*u+j]
			}
		}
		applySlice(s.Activation, gh)
		if keep {
			for j := 0; j < u; j++ {
				hn[j] = gz[j]*hp[j] + (1-gz[j])*gh[j]
			}
		} else {
			copy(hn, hp)
		}
		k.emit(b, hn)
	}
}

// nextH returns where sample b's state after the current step goes: the
// next step's h_{t-1} slot of the reserve, or hLast after the last step.
func (k *Kernel[T]) nextH(b int) []T {
	c, u := &k.cur, k.spec.Units
	if c.next < 0 {
		return k.hLast[b*u : (b+1)*u]
	}
	r := c.row(b, c.next)
	return c.hprev[r*u : (r+1)*u]
}

// nextC is nextH for LSTM's c.
func (k *Kernel[T]) nextC(b int) []T {
	c, u := &k.cur, k.spec.Units
	if c.next < 0 {
		return k.cLast[b*u : (b+1)*u]
	}
	r := c.row(b, c.next)
	return c.cprev[r*u : (r+1)*u]
}

// emit writes sample b's output of the current step: h after the step, or
// zeros before the sample's first kept step and, with ZeroOutputForMask, at
// a skipped step (see the package doc).
func (k *Kernel[T]) emit(b int, h []T) {
	c, u := &k.cur, k.spec.Units
	if c.y == nil {
		return
	}
	var y []T
	switch {
	case k.spec.ReturnSequences:
		r := b*c.steps + c.s
		y = c.y[r*u : (r+1)*u]
	case c.s == c.steps-1:
		y = c.y[b*u : (b+1)*u]
	default:
		return
	}
	if c.s >= k.first[b] && !(k.spec.ZeroOutputForMask && k.skipped(b)) {
		copy(y, h)
	} else {
		clear(y)
	}
}

// skipped reports whether the mask skips sample b's current step.
func (k *Kernel[T]) skipped(b int) bool {
	c := &k.cur
	return c.mask != nil && !c.mask[b*c.steps+c.tau]
}
