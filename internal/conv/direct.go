package conv

import (
	"math"

	"github.com/tensorgo/tensorgo/internal/cpu"
	"github.com/tensorgo/tensorgo/internal/gemm"
	"github.com/tensorgo/tensorgo/internal/parallel"
	"github.com/tensorgo/tensorgo/internal/vec"
)

// The direct convolution: a stride-1 float32 convolution with a window of
// 3×3 or more that Winograd does not take and up to two vectors of
// filters (32 with AVX-512, 16 with AVX2): Inception10's 5×5 branches and
// first layer, LeNet5's and the baseline's layers, and the input
// gradients that BackwardInput computes as such convolutions. It is
// computed from a zero-padded copy of the input without an im2col matrix.
// The pixels of one output row read overlapping stretches of the padded
// rows, so that the kernels read their A operand in place; the im2col
// matrix they replace is KH·KW times the input's size, and writing and
// reading it took a third of these convolutions' time on AVX-512. On a
// Zen 3 EPYC (AVX2), against im2col at batch 32, the filter gradients
// took 0.4-0.8 of the time, the forward products with 6 filters 0.6-0.8
// and with 16 filters 0.8-1.05. The filter gradient reads the same padded
// input, its rows the taps. The kernels do the blocked GEMM's arithmetic
// on that matrix (the same depth blocks, chains and additions), so the
// results keep their bits, as on every other path.

// noDirect turns the direct convolution off (tests compare the paths).
var noDirect bool

// directState is one direct convolution's arguments for its parallel loop.
type directState struct {
	p        Params    // a copy: a pointer kept here would make the caller's escape
	pad      []float32 // the zero-padded input, (OH+KH-1)×(OW+KW-1)×C per image
	hp, wp   int
	w, y     []float32 // the filter and output; dw and dy for the filter gradient
	bias     []float32 // forward: added to each output tile as it is finished (nil: none)
	relu     bool      // forward: then ReLU
	r, q, kc int
	// The parallel loops' bodies, bound once.
	fn, filterFn func(lo, hi int)
}

// walk is the path of the kernels' A operand through the padded input
// (see direct_amd64.s): segments of l steps (the first seg), skip elements
// apart, and imgSkip more after every rows of them (the first time after
// left).
type walk struct {
	seg, l, skip, rows, left, imgSkip int
}

// maxTile is the most pixels (or taps) of a kernel's tile, by the number
// of vectors of filters q: 16 filters a vector with AVX-512, 8 with AVX2
// (see gen_direct.go).
var (
	maxTile  = [3]int{0, 16, 12}
	maxTile8 = [3]int{0, 12, 5}
)

// directLanes is the filters a vector of the direct kernels holds on this
// machine.
func directLanes() int {
	if cpu.Selected() >= cpu.AVX512 {
		return 16
	}
	return 8
}

// directQ returns the vectors of filters of p's tiles and the most pixels
// or taps a tile has with them.
func (p *Params) directQ() (q, maxR int) {
	l := directLanes()
	q = (p.O + l - 1) / l
	if l == 16 {
		return q, maxTile[q]
	}
	return q, maxTile8[q]
}

// tileWidth is the width of the tiles (of q vectors) that cut a row of n
// pixels (or taps) into tiles of at most maxR. With AVX2 it is the width
// whose tiles take the fewest cycles a depth step, a tile of w pixels
// max(w·q/2, 4) (two multiply-add pipes, each accumulator one chain of
// 4-cycle latency), the widest of those: a narrow last tile would hold
// too few accumulators to cover the latency. On a Zen 3 EPYC the forward
// product of Inception10's 16-filter 5×5 convolutions, rows of 16 pixels,
// took 1.23 times im2col's time with tiles of 5+5+5+1 and 0.96-1.05 with
// 4+4+4+4, its input gradient 1.38 and 0.80-1.06. With AVX-512 the widest
// tiles come first, as measured there.
func tileWidth(n, maxR, q int) int {
	if directLanes() == 16 {
		return min(maxR, n)
	}
	best, bestCost := 1, math.MaxInt
	for r := 1; r <= min(maxR, n); r++ {
		cost := n / r * max(r*q, 8) // in half cycles
		if rest := n % r; rest > 0 {
			cost += max(rest*q, 8)
		}
		if cost <= bestCost {
			best, bestCost = r, cost
		}
	}
	return best
}

// directTile returns the widest tile (R pixels by Q vectors of output
// channels) that the direct convolution would use for p, or ok false when
// it does not apply; rows narrower than R take a narrower last tile.
func (p *Params) directTile() (r, q int, ok bool) {
	if !p.direct() || p.winograd() {
		return 0, 0, false
	}
	q, maxR := p.directQ()
	return tileWidth(p.OW, maxR, q), q, true
}

// direct reports the convolutions whose products the direct kernels can
// compute on this machine.
func (p *Params) direct() bool {
	return !noDirect && hasDirect && cpu.Selected() >= cpu.AVX2 && p.StrideH == 1 && p.StrideW == 1 &&
		p.DilH == 1 && p.DilW == 1 && p.Groups == 1 && !p.pointwise() && p.KH*p.KW >= 9 && p.O <= 2*directLanes()
}

// directForward is Forward's product y = x ⊛ w by the direct kernels with
// tile (r, q), then, if bias is not nil, y + bias and, with relu, ReLU,
// applied to each row of the output as it is finished.
func directForward(s *directState, p *Params, x, w, bias, y []float32, relu bool, r, q int) {
	s.pad = padInput(s, p, x)
	s.p, s.w, s.y, s.r, s.q = *p, w, y, r, q
	s.bias, s.relu = bias, relu
	s.kc = gemm.DepthStep(p.KH * p.KW * p.C)
	s.bind()
	parallel.For(p.N*p.OH, 1, s.fn)
	s.w, s.y, s.bias = nil, nil, nil
}

// bind binds the parallel loops' bodies, once.
func (s *directState) bind() {
	if s.fn == nil {
		s.fn, s.filterFn = s.rows, s.filterTiles
	}
}

// padInput copies x into s.pad with zeros around it: per image
// (OH+KH-1)×(OW+KW-1) pixels, the input at (PadT, PadL), so that every
// window of the output lies inside.
func padInput(s *directState, p *Params, x []float32) []float32 {
	s.hp, s.wp = p.OH+p.KH-1, p.OW+p.KW-1
	img := s.hp * s.wp * p.C
	pad := s.pad
	if cap(pad) < p.N*img {
		pad = make([]float32, p.N*img)
	}
	pad = pad[:p.N*img]
	// Each padded row: PadL zero pixels, the input row, zeros to wp.
	cols := min(p.W, s.wp-p.PadL)
	for n := 0; n < p.N; n++ {
		for hh := 0; hh < s.hp; hh++ {
			row := pad[(n*s.hp+hh)*s.wp*p.C:][:s.wp*p.C]
			ih := hh - p.PadT
			if ih < 0 || ih >= p.H || cols <= 0 {
				clear(row)
				continue
			}
			clear(row[:p.PadL*p.C])
			copy(row[p.PadL*p.C:(p.PadL+cols)*p.C], x[((n*p.H+ih)*p.W)*p.C:])
			clear(row[(p.PadL+cols)*p.C:])
		}
	}
	return pad
}

// directFilterTile returns the tile of the filter gradient's direct
// kernels (R taps of one kernel row by Q vectors of 16 filters), or ok
// false. The gradient is taken only where BackwardFilter would sum its
// pixels in blocks of a chunked im2col matrix or of a whole one in one
// product (not in parallel parts), whose blocks it then repeats.
func (p *Params) directFilterTile() (r, q int, ok bool) {
	if !p.direct() || p.winogradFilter() {
		return 0, 0, false
	}
	k, m := p.KH*p.KW*p.C, p.N*p.OH*p.OW
	if p.blockRows(k) >= m && splitsFilter(k, p.O, m) {
		return 0, 0, false
	}
	q, maxR := p.directQ()
	return tileWidth(p.KW*p.C, maxR, q), q, true
}

// directFilter is BackwardFilter's product (dw = colᵀ·dy) by the direct
// kernels with tile (r, q), the im2col matrix col read in place from the
// padded input, in the depth blocks BackwardFilter's products would sum.
func directFilter(s *directState, p *Params, x, dy, dw []float32, r, q int) {
	s.pad = padInput(s, p, x)
	s.p, s.y, s.w, s.r, s.q = *p, dy, dw, r, q
	s.bind()
	// Tiles of r taps within each kernel row, the last one of a row narrower.
	parallel.For(p.KH*s.rowTiles(), 1, s.filterFn)
	s.w, s.y = nil, nil
}

// filterTiles computes the tap tiles [lo, hi) of the filter gradient:
// s.y is dy and s.w is dw here.
func (s *directState) filterTiles(lo, hi int) {
	p := &s.p
	l := p.KW * p.C
	k, m := p.KH*l, p.N*p.OH*p.OW
	img := p.OH * p.OW
	rows := p.blockRows(k)
	if rows >= m {
		rows = m // one product over the whole matrix
	}
	arow := s.wp * p.C
	for t := lo; t < hi; t++ {
		kh, j := t/s.rowTiles(), t%s.rowTiles()*s.r
		r := min(s.r, l-j)
		d0 := kh*l + j
		c := s.w[d0*p.O:][:r*p.O]
		first := true
		for c0 := 0; c0 < m; c0 += rows {
			c1 := min(m, c0+rows)
			kc := gemm.DepthStep(c1 - c0)
			for b0 := c0; b0 < c1; b0 += kc {
				b1 := min(c1, b0+kc)
				n, oh, ow := b0/img, b0%img/p.OW, b0%p.OW
				// A from tap j of pixel b0 to tap j+r-1 of pixel b1-1.
				ln, loh, low := (b1-1)/img, (b1-1)%img/p.OW, (b1-1)%p.OW
				a := s.pad[(n*s.hp+oh+kh)*arow+ow*p.C+j : (ln*s.hp+loh+kh)*arow+low*p.C+j+r]
				wk := walk{seg: p.OW - ow, l: p.OW, skip: (s.wp - p.OW) * p.C, rows: p.OH, left: p.OH - oh, imgSkip: (s.hp - p.OH) * arow}
				directKernel(r, s.q, a, 1, p.C, &wk, b1-b0, s.y[b0*p.O:b1*p.O], p.O, c, p.O, p.O, !first)
				first = false
			}
		}
	}
}

// rows computes output rows [lo, hi) (image-major).
func (s *directState) rows(lo, hi int) {
	p := &s.p
	l := p.KW * p.C // a kernel row's taps: contiguous in a padded row
	arow := s.wp * p.C
	k := p.KH * l
	for row := lo; row < hi; row++ {
		n, oh := row/p.OH, row%p.OH
		img := s.pad[n*s.hp*arow:][:s.hp*arow]
		for ow0 := 0; ow0 < p.OW; ow0 += s.r {
			r := min(s.r, p.OW-ow0)
			c := s.y[((n*p.OH+oh)*p.OW+ow0)*p.O:][:r*p.O]
			for d0 := 0; d0 < k; d0 += s.kc {
				d1 := min(k, d0+s.kc)
				kh, j := d0/l, d0%l
				// A from depth d0 of pixel ow0 to depth d1-1 of pixel ow0+r-1.
				start := (oh+kh)*arow + ow0*p.C + j
				a := img[start : (oh+(d1-1)/l)*arow+(ow0+r-1)*p.C+(d1-1)%l+1]
				b := s.w[d0*p.O : d1*p.O]
				wk := walk{seg: min(l-j, d1-d0), l: l, skip: arow - l, rows: k, left: k}
				directKernel(r, s.q, a, p.C, 1, &wk, d1-d0, b, p.O, c, p.O, p.O, d0 > 0)
			}
		}
		if s.bias != nil {
			// The row is finished and still in cache.
			vec.BiasAct(s.y[(n*p.OH+oh)*p.OW*p.O:][:p.OW*p.O], s.bias[:p.O], s.relu)
		}
	}
}

// isFloat32 reports whether x is a []float32.
func isFloat32[T Float](x []T) bool {
	_, ok := any(x).([]float32)
	return ok
}

// rowTiles is how many tiles of s.r taps the filter gradient cuts a
// kernel row (KW·C taps) into.
func (s *directState) rowTiles() int {
	l := s.p.KW * s.p.C
	return (l + s.r - 1) / s.r
}
