package gemm

// rows multiplies rows [i0, i1) of op(A) by the block of op(B), adding
// into C: MC-row blocks of A packed into ws.a (unless read in place), then
// every MR×NR tile by the micro-kernel, down each column panel of tiles,
// or along rows of tiles for kernels with a row chunk (nb).
//
// Down a column, a B panel stays in L1 and the tiles' C rows are the
// same few lines of successive rows of C, which the hardware does not
// prefetch (and which share L1 and L2 sets when C's rows are a multiple of
// 4 KiB apart). Along a row, an A panel stays in L1, the chunk's B panels
// (nb columns: 256 KiB of them at blockK) stay in L2, and each C row is a
// sequential stream. On a Zen 3 EPYC (AVX2 only) that took float32 n =
// 512…2048 from 0.99 to 1.00–1.02 of OpenBLAS's speed in one process
// (float64 1024…2048 3% faster), and the MNIST MLP's predict product 3%.
// Where a row has few tiles or the depth is short, the calls per tile
// cost more than that gains: the CNN's 3872×288×64 and its first
// convolution's 21632×9×32 went 1% and 18% slower, so those stay down
// columns.
func (p *call[T]) rows(ws *workspace[T], blk *block[T], i0, i1 int) {
	kern := p.kern
	MR, NR, MC := kern.mr, kern.nr, kern.mc
	a, lda, ldc := p.a, p.lda, p.ldc
	jc, nc, pc, kc := blk.jc, blk.nc, blk.pc, blk.kc
	directA := blk.directA
	last := p.ep.on() && pc+kc == p.k
	for ic := i0; ic < i1; ic += MC {
		mc := min(MC, i1-ic)
		t := tiler[T]{p: p, ws: ws, blk: blk, ic: ic, mc: mc, mFull: mc}
		if directA {
			t.mFull = mc / MR * MR
			if t.mFull < mc {
				packA(kern, ws.a, p.transA, a, lda, ic+t.mFull, mc-t.mFull, pc, kc)
			}
		} else {
			packA(kern, ws.a, p.transA, a, lda, ic, mc, pc, kc)
		}
		full := mc / MR // tiles of MR rows
		if kern.tiles == nil {
			full = 0
		}
		if kern.nb > 0 && full > 0 && nc >= 8*NR && kc >= 128 {
			// Along rows of tiles, a chunk of nb columns at a time.
			for jb := 0; jb < nc; jb += kern.nb {
				je := min(nc, jb+kern.nb)
				nt := (je - jb) / NR // full tiles in the chunk's rows
				if nt > 0 {
					bp, bs, bStep := t.b(jb)
					for ir := 0; ir < full*MR; ir += MR {
						ap, ars, acs, _ := t.a(ir)
						ci := (ic+ir)*ldc + jc + jb
						_ = p.c[ci+(MR-1)*ldc+nt*NR-1] // the kernel writes through a raw pointer
						kern.tiles(kc, ap, ars, acs, bp, bs, &p.c[ci], ldc, p.alpha, blk.bet, nt, 0, bStep, NR)
					}
				}
				for jr := jb; jr < je; jr += NR {
					ir := full * MR
					if jr >= jb+nt*NR {
						ir = 0
					}
					for ; ir < mc; ir += MR {
						t.tile(ir, jr)
					}
				}
				if last {
					// The chunk's C is final and still in cache.
					p.ep.finish(p.c, ldc, ic, ic+mc, jc+jb, jc+je)
				}
			}
			continue
		}
		for jr := 0; jr < nc; jr += NR {
			nr := min(NR, nc-jr)
			ir := 0
			if full > 0 && nr == NR {
				// The full tiles, whose A operands are equally far apart.
				ap, ars, acs, step := t.a(0)
				bp, bs, _ := t.b(jr)
				ci := ic*ldc + jc + jr
				_ = p.c[ci+(full*MR-1)*ldc+NR-1] // the kernel writes through a raw pointer
				kern.tiles(kc, ap, ars, acs, bp, bs, &p.c[ci], ldc, p.alpha, blk.bet, full, step, 0, MR*ldc)
				ir = full * MR
			}
			for ; ir < mc; ir += MR {
				t.tile(ir, jr)
			}
			if last {
				// The panel's C is final and still in cache.
				p.ep.finish(p.c, ldc, ic, ic+mc, jc+jr, jc+jr+nr)
			}
		}
	}
}

// tiler finds the operands of the tiles of one block of MC rows (at ic)
// and runs those that are not a Tiles call's.
type tiler[T float] struct {
	p      *call[T]
	ws     *workspace[T]
	blk    *block[T]
	ic, mc int
	mFull  int // rows read in place when directA; those after are packed
}

// a is the A operand of the tile at row ir of the block: its first
// element, row and column strides, and how far on the next tile's starts
// (in place for the rows before mFull when directA, packed otherwise).
func (t *tiler[T]) a(ir int) (ap *T, ars, acs, step int) {
	p, MR, kc, pc := t.p, t.p.kern.mr, t.blk.kc, t.blk.pc
	switch {
	case !t.blk.directA:
		return &t.ws.a[ir*kc], 1, MR, MR * kc
	case ir >= t.mFull:
		return &t.ws.a[0], 1, MR, 0
	case p.transA:
		return &p.a[pc*p.lda+t.ic+ir], 1, p.lda, MR
	}
	return &p.a[(t.ic+ir)*p.lda+pc], p.lda, 1, MR * p.lda
}

// b is the B operand of the column panel at jr of the block: its first
// row, the rows' stride, and how far on the next panel's starts (for full
// panels; the last, partial one is packed on its own when directB).
func (t *tiler[T]) b(jr int) (bp *T, bs, step int) {
	p, blk, NR := t.p, t.blk, t.p.kern.nr
	switch {
	case !blk.directB:
		return &blk.bp[jr*blk.kc], NR, NR * blk.kc
	case jr < blk.nFull:
		return &p.b[blk.pc*p.ldb+blk.jc+jr], p.ldb, NR
	}
	return &blk.bp[0], NR, 0
}

// tile computes the tile at row ir and column jr of the block, a partial
// one included.
func (t *tiler[T]) tile(ir, jr int) {
	p, blk, kern := t.p, t.blk, t.p.kern
	MR, NR, ldc := kern.mr, kern.nr, p.ldc
	mr, nr := min(MR, t.mc-ir), min(NR, blk.nc-jr)
	ap, ars, acs, _ := t.a(ir)
	bp, bs, _ := t.b(jr)
	ci := (t.ic+ir)*ldc + blk.jc + jr
	alpha, bet := p.alpha, blk.bet
	if mr == MR && nr == NR {
		kern.fn(blk.kc, ap, ars, acs, bp, bs, &p.c[ci], ldc, alpha, bet)
		return
	}
	if kern.edge != nil {
		mask := uint32(uint64(1)<<nr - 1)
		e := kern.edge
		if nr <= NR/2 {
			e = kern.edgeHalf
		}
		e[(mr-1)/3](blk.kc, ap, ars, acs, bp, bs, &p.c[ci], ldc, alpha, bet, mr, mask)
		return
	}
	f := kern.fn
	if nr <= NR/2 && kern.half != nil {
		// Half the columns are padding: skip them.
		if mr == MR && nr == NR/2 {
			kern.half(blk.kc, ap, ars, acs, bp, bs, &p.c[ci], ldc, alpha, bet)
			return
		}
		f = kern.half
	}
	f(blk.kc, ap, ars, acs, bp, bs, &t.ws.t[0], NR, 1, 0)
	for i := 0; i < mr; i++ {
		storeRow(p.c[ci+i*ldc:ci+i*ldc+nr], t.ws.t[i*NR:i*NR+nr], alpha, bet)
	}
}

func roundUp(x, m int) int { return (x + m - 1) / m * m }
