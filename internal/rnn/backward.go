package rnn

import (
	"fmt"

	"github.com/tensorgo/tensorgo/internal/parallel"
)

// Backward propagates gradients back through the time steps of the Forward
// that filled reserve, with the same weights and input (X and Mask; the
// initial states are read from the reserve). dOut holds the gradients with
// respect to that Forward's outputs: Y (all steps with ReturnSequences, else
// the last), H and C (the final states); nil fields count as zeros. Backward
// overwrites the non-nil fields of g: the gradients with respect to x, the
// three weights and the initial states.
//
// Per step it runs one fused pass and one GEMM (two for GRU without
// ResetAfter); the gradients with respect to x and the weights are GEMMs
// over all steps at once at the end. Results do not depend on the number of
// threads. It panics on lengths that do not fit the Spec, and allocates
// nothing once the Kernel has seen the sizes.
func (k *Kernel[T]) Backward(w Weights[T], in Input[T], reserve []T, dOut Output[T], g Grads[T]) {
	const op = "rnn.Backward"
	k.checkCall(op, w, in)
	k.checkStates(op, true, dOut, in.Batch, in.Steps)
	s := k.spec
	nb, ns := in.Batch, in.Steps
	u, wd, nf := s.Units, s.width(), s.Features
	rows := nb * ns
	needLen(op, "reserve", reserve, false, s.ReserveLen(nb, ns))
	needLen(op, "gradient of x", g.X, true, nb, ns, nf)
	needLen(op, "gradient of the kernel", g.Kernel, true, nf, wd)
	needLen(op, "gradient of the recurrent kernel", g.Recurrent, true, u, wd)
	if s.UseBias {
		needLen(op, "gradient of the bias", g.Bias, true, s.BiasLen())
	} else if g.Bias != nil {
		panic(fmt.Sprintf("%s: %v without UseBias got a bias gradient of %d elements", op, s.Cell, len(g.Bias)))
	}
	needLen(op, "gradient of h0", g.H0, true, nb, u)
	if s.Cell == LSTM {
		needLen(op, "gradient of c0", g.C0, true, nb, u)
	} else if g.C0 != nil {
		panic(fmt.Sprintf("%s: %v has no cell state but got a gradient of c0", op, s.Cell))
	}
	if nb == 0 {
		clear(g.Kernel)
		clear(g.Recurrent)
		clear(g.Bias)
		return
	}

	c := &k.cur
	*c = call[T]{batch: nb, steps: ns, mask: in.Mask, rmask: in.RecurrentMask, bias: w.Bias, dy: dOut.Y}
	c.resView = k.view(reserve, rows)
	k.firstKept(in)
	dzx := grow(&k.dzx, rows*wd)
	dzh := dzx // the recurrent side's pre-activation gradient
	if s.resetAfter() {
		dzh = grow(&k.dzh, rows*wd)
	}
	dh := grow(&k.dh, nb*u)
	grow(&k.dhPrev, nb*u)
	if dOut.H != nil {
		copy(dh, dOut.H)
	} else {
		clear(dh)
	}
	if s.Cell == LSTM {
		dc := grow(&k.dc, nb*u)
		if dOut.C != nil {
			copy(dc, dOut.C)
		} else {
			clear(dc)
		}
	}
	if s.Cell == GRU && !s.ResetAfter {
		grow(&k.drh, nb*u)
	}
	if c.rmask != nil {
		grow(&k.hm, nb*wd)
		grow(&k.dhm, nb*wd)
	}

	// The recurrent kernel transposed, (gates·units, units), once per call:
	// the steps' products dz·Uᵀ then read it in place instead of packing a
	// transpose at every step.
	ut := grow(&k.ut, wd*u)
	for i := 0; i < u; i++ {
		for j := 0; j < wd; j++ {
			ut[j*u+i] = w.Recurrent[i*wd+j]
		}
	}
	grain := k.grain()
	ldz := wd // a step's rows are contiguous
	for st := ns - 1; st >= 0; st-- {
		c.s, c.tau = st, k.inputStep(st, ns)
		parallel.For(nb, grain, k.bwdFn)
		if c.rmask != nil {
			k.backRecurrentMasked(ut, dzx, dzh, ldz)
		} else if s.Cell == GRU && !s.ResetAfter {
			// d(r·h_{t-1}) = dz_h·U_hᵀ, then dr and the rest of dh_{t-1}.
			k.gemm(false, false, nb, u, u, 1, dzx[c.tau*nb*wd+2*u:], ldz, ut[2*u*u:], u, 0, k.drh, u)
			parallel.For(nb, grain, k.bwd2Fn)
			k.gemm(false, false, nb, u, 2*u, 1, dzx[c.tau*nb*wd:], ldz, ut, u, 1, k.dhPrev, u)
		} else {
			k.gemm(false, false, nb, u, wd, 1, dzh[c.tau*nb*wd:], ldz, ut, u, 1, k.dhPrev, u)
		}
		k.dh, k.dhPrev = k.dhPrev, k.dh
	}
	if g.H0 != nil {
		copy(g.H0, k.dh[:nb*u])
	}
	if g.C0 != nil {
		copy(g.C0, k.dc[:nb*u])
	}

	// Sums over all steps and samples, each one GEMM (or two).
	if in.InputMask != nil {
		k.inputGradMasked(in, w.Kernel, dzx, g)
	} else if g.X != nil {
		if nb == 1 || ns == 1 {
			k.gemm(false, true, rows, nf, wd, 1, dzx, wd, w.Kernel, wd, 0, g.X, nf)
		} else {
			dxs := grow(&k.dxs, rows*nf)
			k.gemm(false, true, rows, nf, wd, 1, dzx, wd, w.Kernel, wd, 0, dxs, nf)
			batchMajor(g.X, dxs, nb, ns, nf)
		}
	}
	if g.Kernel != nil && in.InputMask == nil {
		k.gemm(true, false, nf, wd, rows, 1, k.stepMajorX(in), nf, dzx, wd, 0, g.Kernel, wd)
	}
	if g.Recurrent != nil {
		if c.rmask != nil {
			k.recurrentGradMasked(g.Recurrent, dzx, dzh)
		} else if s.Cell == GRU && !s.ResetAfter {
			k.gemm(true, false, u, 2*u, rows, 1, c.hprev, u, dzx, wd, 0, g.Recurrent, wd)
			k.gemm(true, false, u, u, rows, 1, c.aux, u, dzx[2*u:], wd, 0, g.Recurrent[2*u:], wd)
		} else {
			k.gemm(true, false, u, wd, rows, 1, c.hprev, u, dzh, wd, 0, g.Recurrent, wd)
		}
	}
	if g.Bias != nil {
		// Column sums as 1ᵀ·dz: GEMM's vector path, in row order.
		ones := k.onesOf(rows)
		k.gemm(false, false, 1, wd, rows, 1, ones, rows, dzx, wd, 0, g.Bias[:wd], wd)
		if s.resetAfter() {
			k.gemm(false, false, 1, wd, rows, 1, ones, rows, dzh, wd, 0, g.Bias[wd:], wd)
		}
	}
	*c = call[T]{}
}

// inputGradMasked writes the gradients with respect to x and the kernel
// under a per-gate input mask: dx = Σ_g M_g⊙(dz_g·W_gᵀ) and the kernel's
// block g = Σ (x⊙M_g)ᵀ·dz_g, GEMMs over all steps per gate.
func (k *Kernel[T]) inputGradMasked(in Input[T], kernel, dzx []T, g Grads[T]) {
	s := &k.spec
	nb, ns, nf, u, wd := in.Batch, in.Steps, s.Features, s.Units, s.width()
	rows, gates := nb*ns, s.Cell.Gates()
	xs := k.stepMajorX(in)
	var dxs []T
	if g.X != nil {
		dxs = grow(&k.dxs, rows*nf)
		clear(dxs)
		grow(&k.dxm, rows*nf)
	}
	for q := 0; q < gates; q++ {
		if g.Kernel != nil {
			xm := k.maskedX(xs, in.InputMask, nb, q)
			k.gemm(true, false, nf, u, rows, 1, xm, nf, dzx[q*u:], wd, 0, g.Kernel[q*u:], wd)
		}
		if g.X != nil {
			k.gemm(false, true, rows, nf, u, 1, dzx[q*u:], wd, kernel[q*u:], wd, 0, k.dxm, nf)
			for r := 0; r < rows; r++ {
				m := in.InputMask[(r%nb)*gates*nf+q*nf:][:nf]
				d, out := k.dxm[r*nf:(r+1)*nf], dxs[r*nf:(r+1)*nf]
				for f := range out {
					out[f] += m[f] * d[f]
				}
			}
		}
	}
	if g.X != nil {
		batchMajor(g.X, dxs, nb, ns, nf)
	}
}

// backRecurrentMasked finishes a backward step under recurrent dropout:
// it adds Σ_g M_g⊙(dz_g·U_gᵀ) to dh_{t-1} (for GRU without ResetAfter,
// after backwardRows2 has the reset gate's part from d(r⊙h_{t-1}⊙M_h)).
func (k *Kernel[T]) backRecurrentMasked(ut, dzx, dzh []T, ldz int) {
	s, c := &k.spec, &k.cur
	nb, u, wd := c.batch, s.Units, s.width()
	gates := s.Cell.Gates()
	if s.Cell == GRU && !s.ResetAfter {
		k.maskH() // backwardRows2 reads h_{t-1}⊙M_h
		k.gemm(false, false, nb, u, u, 1, dzx[c.tau*nb*wd+2*u:], ldz, ut[2*u*u:], u, 0, k.drh, u)
		parallel.For(nb, k.grain(), k.bwd2Fn)
		gates = 2
	}
	for q := 0; q < gates; q++ {
		k.gemm(false, false, nb, u, u, 1, dzh[c.tau*nb*wd+q*u:], ldz, ut[q*u*u:], u, 0, k.dhm[q*u:], wd)
	}
	for b := 0; b < nb; b++ {
		dhp := k.dhPrev[b*u : (b+1)*u]
		for q := 0; q < gates; q++ {
			m := c.rmask[b*wd+q*u : b*wd+(q+1)*u]
			d := k.dhm[b*wd+q*u : b*wd+(q+1)*u]
			for j := range dhp {
				dhp[j] += m[j] * d[j]
			}
		}
	}
}

// recurrentGradMasked writes the recurrent kernel's gradient under
// recurrent dropout: block g is Σ_{t,b} (h_{t-1}⊙M_g)ᵀ·dz_g, one GEMM over
// all steps per gate (for GRU without ResetAfter, the candidate's block is
// Σ (r⊙h_{t-1}⊙M_h)ᵀ·dz_h, from the reserve).
func (k *Kernel[T]) recurrentGradMasked(dst, dzx, dzh []T) {
	s, c := &k.spec, &k.cur
	u, wd, rows := s.Units, s.width(), c.batch*c.steps
	gates := s.Cell.Gates()
	if s.Cell == GRU && !s.ResetAfter {
		k.gemm(true, false, u, u, rows, 1, c.aux, u, dzx[2*u:], wd, 0, dst[2*u:], wd)
		gates = 2
	}
	hm := grow(&k.hmAll, rows*wd)
	for r := 0; r < rows; r++ {
		b := r % c.batch
		hp := c.hprev[r*u : (r+1)*u]
		for q := 0; q < gates; q++ {
			m := c.rmask[b*wd+q*u : b*wd+(q+1)*u]
			out := hm[r*wd+q*u : r*wd+(q+1)*u]
			for j := range out {
				out[j] = hp[j] * m[j]
			}
		}
	}
	for q := 0; q < gates; q++ {
		k.gemm(true, false, u, u, rows, 1, hm[q*u:], wd, dzh[q*u:], wd, 0, dst[q*u:], wd)
	}
}

// backwardRows is the fused pass of one step, backwards, over samples
// [lo, hi): it adds the output's gradient to dh, writes the step's
// pre-activation gradients, starts dh_{t-1} (the GEMM adds the recurrent
// term) and, for LSTM, carries dc back. A skipped step passes dh and dc
// through and has zero pre-activation gradients.
func (k *Kernel[T]) backwardRows(lo, hi int) {
	s, c := &k.spec, &k.cur
	u, wd := s.Units, s.width()
	act := s.Activation
	for b := lo; b < hi; b++ {
		r := c.row(b, c.tau)
		dh := k.dh[b*u : (b+1)*u]
		dhp := k.dhPrev[b*u : (b+1)*u]
		if c.dy != nil && c.s >= k.first[b] && !(s.ZeroOutputForMask && k.skipped(b)) {
			var dy []T
			switch {
			case s.ReturnSequences:
				q := b*c.steps + c.s
				dy = c.dy[q*u : (q+1)*u]
			case c.s == c.steps-1:
				dy = c.dy[b*u : (b+1)*u]
			}
			for j := range dy {
				dh[j] += dy[j]
			}
		}
		dz := k.dzx[r*wd : (r+1)*wd]
		if k.skipped(b) {
			clear(dz)
			if s.resetAfter() {
				clear(k.dzh[r*wd : (r+1)*wd])
			}
			copy(dhp, dh)
			continue
		}
		g := c.gates[r*wd : (r+1)*wd]
		switch s.Cell {
		case SimpleRNN:
			for j := range dz {
				dz[j] = dh[j] * slope(act, g[j])
			}
			clear(dhp)
		case LSTM:
			cp := c.cprev[r*u : (r+1)*u]
			tc := c.tc[r*u : (r+1)*u]
			dc := k.dc[b*u : (b+1)*u]
			for j := 0; j < u; j++ {
				i, f, cc, o := g[j], g[u+j], g[2*u+j], g[3*u+j]
				dct := dc[j] + dh[j]*o*slope(act, tc[j])
				dz[j] = dct * cc * i * (1 - i)
				dz[u+j] = dct * cp[j] * f * (1 - f)
				dz[2*u+j] = dct * i * slope(act, cc)
				dz[3*u+j] = dh[j] * tc[j] * o * (1 - o)
				dc[j] = dct * f
			}
			clear(dhp)
		case GRU:
			hp := c.hprev[r*u : (r+1)*u]
			aux := c.aux[r*u : (r+1)*u]
			var dzr []T
			if s.ResetAfter {
				dzr = k.dzh[r*wd : (r+1)*wd]
			}
			for j := 0; j < u; j++ {
				z, rg, hh := g[j], g[u+j], g[2*u+j]
				dpz := dh[j] * (hp[j] - hh) * z * (1 - z)
				dph := dh[j] * (1 - z) * slope(act, hh)
				dz[j], dz[2*u+j] = dpz, dph
				dhp[j] = dh[j] * z
				if s.ResetAfter {
					dpr := dph * aux[j] * rg * (1 - rg)
					dz[u+j] = dpr
					dzr[j], dzr[u+j], dzr[2*u+j] = dpz, dpr, dph*rg
				} else {
					dz[u+j] = 0 // backwardRows2, once d(r·h_{t-1}) is known
				}
			}
		}
	}
}

// backwardRows2 finishes a backward step of a GRU without ResetAfter over
// samples [lo, hi): from d(r·h_{t-1}) it writes the reset gate's
// pre-activation gradient and adds r·d(r·h_{t-1}) to dh_{t-1}.
func (k *Kernel[T]) backwardRows2(lo, hi int) {
	s, c := &k.spec, &k.cur
	u, wd := s.Units, s.width()
	for b := lo; b < hi; b++ {
		if k.skipped(b) {
			continue
		}
		r := c.row(b, c.tau)
		g := c.gates[r*wd : (r+1)*wd]
		dz := k.dzx[r*wd : (r+1)*wd]
		hp := c.hprev[r*u : (r+1)*u]
		drh := k.drh[b*u : (b+1)*u]
		dhp := k.dhPrev[b*u : (b+1)*u]
		if c.rmask != nil {
			// The candidate's product reads h_{t-1}⊙M_h.
			hm := k.hm[b*wd+2*u : b*wd+3*u]
			m := c.rmask[b*wd+2*u : b*wd+3*u]
			for j := 0; j < u; j++ {
				rg := g[u+j]
				dz[u+j] = drh[j] * hm[j] * rg * (1 - rg)
				dhp[j] += drh[j] * rg * m[j]
			}
			continue
		}
		for j := 0; j < u; j++ {
			rg := g[u+j]
			dz[u+j] = drh[j] * hp[j] * rg * (1 - rg)
			dhp[j] += drh[j] * rg
		}
	}
}
