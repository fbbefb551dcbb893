package conv

import (
	"sync"

	"github.com/tensorgo/tensorgo/internal/gemm"
	"github.com/tensorgo/tensorgo/internal/parallel"
	"github.com/tensorgo/tensorgo/internal/vec"
)

// Winograd's F(2×2, 3×3) (vec.WinoInput and its kin) runs the float32
// 3×3 stride-1 convolutions: each 2×2 block of outputs ("tile") costs 16
// products per channel pair instead of 36. The input's 4×4 patches are
// transformed a block of tiles at a time into 16 matrices (tiles ×
// channels), each multiplied by one of the 16 transformed filter matrices
// (channels × outputs) on the GEMM kernels, and the 16 products are
// transformed back into the output tiles. The gradient of the input is the
// same computation on the output's gradient, with the filter turned by 180°
// and its channels swapped, which in the transformed domain is a
// permutation of the 16 matrices, each transposed (see winoBackPerm).
//
// The rounding differs from im2col's (a sum of a few transformed terms
// instead of one chain of products), by a few units in the last place
// relative to the terms' size.

// winoMinChannels is the fewest input and output channels for which the
// transforms cost less than the products they save.
const winoMinChannels = 16

// winoBlock is the number of tiles transformed and multiplied at once.
const winoBlock = 144

// winoOn switches F(2×2, 3×3) on; benchmarks turn it off to compare.
var winoOn = true

// winograd reports whether p runs by F(2×2, 3×3).
func (p *Params) winograd() bool {
	return winoOn && p.KH == 3 && p.KW == 3 && p.StrideH == 1 && p.StrideW == 1 && p.DilH == 1 && p.DilW == 1 &&
		p.Groups == 1 && p.C >= winoMinChannels && p.O >= winoMinChannels && p.PadT <= 2 && p.PadL <= 2
}

// winogradFilter reports whether BackwardFilter runs by F(2×2, 3×3): its
// products (channels × tiles times tiles × filters) need more channels to
// beat im2col's than the other two passes do.
func (p *Params) winogradFilter() bool {
	return p.winograd() && p.C >= 2*winoMinChannels && p.O >= 2*winoMinChannels
}

// winoBackPerm maps ξ = 4i+j to the ξ whose transformed filter, transposed,
// is the transformed turned filter: turning g by 180° reverses its rows and
// columns, and G·reverse(g) is G·g with its first and last rows swapped.
var winoBackPerm = [16]int{15, 13, 14, 12, 7, 5, 6, 4, 11, 9, 10, 8, 3, 1, 2, 0}

// winoGeom is one Winograd convolution: an N×H×W×C input read with PadT
// and PadL cells of zeros before it (and as many after as the output
// needs), an N×OH×OW×O output.
type winoGeom struct {
	n, h, w, c  int
	oh, ow, o   int
	padT, padL  int
	th, tw      int // tiles down and across one image
	tiles, tb   int // tiles in all, and in one block
	vs, ms      int // the row stride of a block's 16 transformed inputs and products
	back        bool
	x, u, y     []float32
	transformed bool
	// Forward: bias2, the bias twice over (a tile row's two pixels), is
	// added to each output tile as it is written, then ReLU if relu.
	bias2 []float32
	relu  bool
}

func newWinoGeom(n, h, w, c, oh, ow, o, padT, padL int) winoGeom {
	g := winoGeom{n: n, h: h, w: w, c: c, oh: oh, ow: ow, o: o, padT: padT, padL: padL,
		th: (oh + 1) / 2, tw: (ow + 1) / 2}
	g.tiles = n * g.th * g.tw
	// A block of tiles is a whole number of the GEMM kernels' row panels
	// (12 rows on AVX-512, 6 on AVX2). Its size measured about as fast
	// anywhere from 96 to 288 tiles, for 64 to 512 channels; a few tiles
	// more than one block are taken whole, since the products' shapes
	// then do better than two thin ones.
	g.tb = winoBlock
	if g.tiles <= winoBlock*4/3 {
		g.tb = g.tiles
	}
	// The 16 matrices of a block are a cache line further apart than
	// their size: a tile's 16 values would otherwise often be a multiple
	// of 4 KiB apart and fall into the same L1 sets.
	g.vs, g.ms = g.tb*c+16, g.tb*o+16
	return g
}

// winoState is the Workspace's part for Winograd convolutions: the
// current call's geometry and the scratch it borrowed from winoPool.
type winoState struct {
	u, du  []float32 // the transformed filter (16×C×O) and the filter gradient's parts
	bias2  []float32 // forward: the bias twice over (see winoGeom)
	mats   [2]*[]float32
	g      winoGeom
	parts  int // of the filter gradient's blocks
	fn, df func(lo, hi int)
	mu     sync.Mutex
	free   []*winoBuf // the call's worker scratch not in use
	held   []*winoBuf // all of the call's worker scratch
}

// winoBuf is one worker's scratch: a block's transformed inputs (v) and
// products (m), and a patch and a tile for the borders.
type winoBuf struct {
	v, m, patch, out []float32
}

// winoPool keeps the Winograd calls' scratch between calls. Every
// convolution's calls share it, so that it holds what the calls running
// at once need rather than a copy for each layer (a 512-channel layer's
// transformed filter alone is 16 MiB). It only grows, and a warm call
// takes from it without allocating.
var winoPool struct {
	mu   sync.Mutex
	bufs []*winoBuf
	mats []*[]float32
}

// begin borrows scratch for a call with k workers: a sized winoBuf each,
// and matrices of nu and ndu elements.
func (s *winoState) begin(k, nu, ndu int) {
	winoPool.mu.Lock()
	for i := 0; i < k; i++ {
		var b *winoBuf
		if n := len(winoPool.bufs); n > 0 {
			b, winoPool.bufs = winoPool.bufs[n-1], winoPool.bufs[:n-1]
		} else {
			b = new(winoBuf)
		}
		s.held = append(s.held, b)
	}
	for i := range s.mats {
		if n := len(winoPool.mats); n > 0 {
			s.mats[i], winoPool.mats = winoPool.mats[n-1], winoPool.mats[:n-1]
		} else {
			s.mats[i] = new([]float32)
		}
	}
	winoPool.mu.Unlock()
	for _, b := range s.held {
		s.size(b)
	}
	s.free = append(s.free[:0], s.held...)
	*s.mats[0] = grow(*s.mats[0], nu)
	*s.mats[1] = grow(*s.mats[1], ndu)
	s.u, s.du = *s.mats[0], *s.mats[1]
}

// end gives the call's scratch back to winoPool.
func (s *winoState) end() {
	winoPool.mu.Lock()
	winoPool.bufs = append(winoPool.bufs, s.held...)
	winoPool.mats = append(winoPool.mats, s.mats[:]...)
	winoPool.mu.Unlock()
	clear(s.held)
	clear(s.free)
	s.held, s.free = s.held[:0], s.free[:0]
	s.mats = [2]*[]float32{}
	s.u, s.du = nil, nil
}

// get returns a worker's scratch, for it alone until put back: one of the
// call's, or one more from the pool when more workers came than begin
// reserved for.
func (s *winoState) get() *winoBuf {
	s.mu.Lock()
	defer s.mu.Unlock()
	if k := len(s.free); k > 0 {
		b := s.free[k-1]
		s.free = s.free[:k-1]
		return b
	}
	winoPool.mu.Lock()
	var b *winoBuf
	if n := len(winoPool.bufs); n > 0 {
		b, winoPool.bufs = winoPool.bufs[n-1], winoPool.bufs[:n-1]
	} else {
		b = new(winoBuf)
	}
	winoPool.mu.Unlock()
	s.size(b)
	s.held = append(s.held, b)
	return b
}

func (s *winoState) put(b *winoBuf) {
	s.mu.Lock()
	s.free = append(s.free, b)
	s.mu.Unlock()
}

// grow returns b resized to n elements, reallocated only when too small.
func grow[T Float](b []T, n int) []T {
	if cap(b) < n {
		return make([]T, n)
	}
	return b[:n]
}

// transformFilter writes the transformed HWIO filter w (3×3×c×o) into s.u.
func (s *winoState) transformFilter(w []float32, c, o int) []float32 {
	for i := 0; i < c; i++ {
		vec.WinoFilter(s.u[i*o:], c*o, w[i*o:], c*o, o)
	}
	return s.u
}

// run computes g's convolution, a block of tiles per chunk of work, with
// the filter transformed from w (or, if w is nil, s.u as it is).
func (s *winoState) run(g winoGeom, w []float32, c, o int) {
	if s.fn == nil {
		s.fn = s.blocks
	}
	s.g = g
	blocks := (g.tiles + g.tb - 1) / g.tb
	s.begin(min(blocks, parallel.NumThreads()), 16*c*o, 0)
	defer s.end()
	s.g.u = s.transformFilter(w, c, o)
	parallel.For(blocks, 1, s.fn)
}

// size fits b to s.g.
func (s *winoState) size(b *winoBuf) {
	g := &s.g
	b.v = grow(b.v, 16*g.vs)
	b.m = grow(b.m, 16*g.ms)
	b.patch = grow(b.patch, 16*g.c)
	b.out = grow(b.out, 4*g.o)
}

func (s *winoState) blocks(lo, hi int) {
	g := &s.g
	b := s.get()
	defer s.put(b)
	for blk := lo; blk < hi; blk++ {
		t0 := blk * g.tb
		t1 := min(g.tiles, t0+g.tb)
		g.block(b, t0, t1)
	}
}

// inputs writes the transformed input patches of tiles [t0, t1) into b.v.
func (g *winoGeom) inputs(b *winoBuf, t0, t1 int) {
	c := g.c
	per := g.th * g.tw
	for t := t0; t < t1; t++ {
		n, rem := t/per, t%per
		ih0, iw0 := 2*(rem/g.tw)-g.padT, 2*(rem%g.tw)-g.padL
		dst := b.v[(t-t0)*c:]
		if ih0 >= 0 && iw0 >= 0 && ih0+4 <= g.h && iw0+4 <= g.w {
			vec.WinoInput(dst, g.vs, g.x[((n*g.h+ih0)*g.w+iw0)*c:], g.w*c, c, c)
			continue
		}
		// A border tile: its patch, with zeros for the cells outside.
		b0, b1 := max(0, -iw0), min(4, g.w-iw0)
		for a := 0; a < 4; a++ {
			row := b.patch[4*a*c : 4*(a+1)*c]
			if ih := ih0 + a; ih < 0 || ih >= g.h || b0 >= b1 {
				clear(row)
				continue
			}
			clear(row[:b0*c])
			copy(row[b0*c:b1*c], g.x[((n*g.h+ih0+a)*g.w+iw0+b0)*c:])
			clear(row[b1*c:])
		}
		vec.WinoInput(dst, g.vs, b.patch, 4*c, c, c)
	}
}

// block computes tiles [t0, t1).
func (g *winoGeom) block(b *winoBuf, t0, t1 int) {
	c, o, nt := g.c, g.o, t1-t0
	per := g.th * g.tw
	g.inputs(b, t0, t1)
	for xi := 0; xi < 16; xi++ {
		v, m := b.v[xi*g.vs:], b.m[xi*g.ms:]
		if g.back {
			gemm.Sgemm(false, true, nt, o, c, 1, v, c, g.u[winoBackPerm[xi]*c*o:], c, 0, m, o)
		} else {
			gemm.Sgemm(false, false, nt, o, c, 1, v, c, g.u[xi*c*o:], o, 0, m, o)
		}
	}
	for t := t0; t < t1; t++ {
		n, rem := t/per, t%per
		oh0, ow0 := 2*(rem/g.tw), 2*(rem%g.tw)
		src := b.m[(t-t0)*o:]
		if oh0+2 <= g.oh && ow0+2 <= g.ow {
			dst := g.y[((n*g.oh+oh0)*g.ow+ow0)*o:]
			vec.WinoOutput(dst, g.ow*o, o, src, g.ms, o)
			if g.bias2 != nil {
				vec.BiasActStrided(dst, g.ow*o, 2, g.bias2, g.relu)
			}
			continue
		}
		vec.WinoOutput(b.out, 2*o, o, src, g.ms, o)
		if g.bias2 != nil {
			vec.BiasActStrided(b.out, 2*o, 2, g.bias2, g.relu)
		}
		for a := 0; a < min(2, g.oh-oh0); a++ {
			k := min(2, g.ow-ow0) * o
			copy(g.y[((n*g.oh+oh0+a)*g.ow+ow0)*o:][:k], b.out[2*a*o:][:k])
		}
	}
}

// winoForward is Forward's product, y = conv(x, w), by F(2×2, 3×3), then,
// if bias is not nil, y + bias and, with relu, ReLU, applied to each tile
// of the output as it is written.
func winoForward(ws *winoState, p *Params, x, w, bias, y []float32, relu bool) {
	g := newWinoGeom(p.N, p.H, p.W, p.C, p.OH, p.OW, p.O, p.PadT, p.PadL)
	g.x, g.y = x, y
	if bias != nil {
		ws.bias2 = grow(ws.bias2, 2*p.O)
		copy(ws.bias2, bias[:p.O])
		copy(ws.bias2[p.O:], bias[:p.O])
		g.bias2, g.relu = ws.bias2, relu
	}
	ws.run(g, w, p.C, p.O)
	ws.g.bias2 = nil
}

// winoBackwardInput is BackwardInput by F(2×2, 3×3): dx is the stride-1
// convolution of dy, read with 2-PadT and 2-PadL cells of zeros before
// it, with the turned filter.
func winoBackwardInput(ws *winoState, p *Params, dy, w, dx []float32) {
	g := newWinoGeom(p.N, p.OH, p.OW, p.O, p.H, p.W, p.C, 2-p.PadT, 2-p.PadL)
	g.x, g.y, g.back = dy, dx, true
	ws.run(g, w, p.C, p.O)
}

// winoParts is how many partial sums the filter gradient's blocks are
// added into, in parallel: fixed by the shape, never by the thread count,
// so that the sums do not depend on it, and small enough that the parts
// stay within 8 MiB.
func winoParts(blocks, c, o int) int {
	return max(1, min(blocks, 8, (1<<21)/(16*c*o)))
}

// winoBackwardFilter is BackwardFilter by F(2×2, 3×3): the gradient of
// the transformed filter is, for each ξ, the product of the transformed
// input patches (transposed) with the output gradient's tiles spread by
// WinoOutputT, summed over the tiles; WinoFilterT folds it back onto the
// taps.
func winoBackwardFilter(ws *winoState, p *Params, x, dy, dw []float32) {
	g := newWinoGeom(p.N, p.H, p.W, p.C, p.OH, p.OW, p.O, p.PadT, p.PadL)
	g.x, g.y = x, dy
	blocks := (g.tiles + g.tb - 1) / g.tb
	ws.parts = winoParts(blocks, p.C, p.O)
	size := 16 * p.C * p.O
	if ws.df == nil {
		ws.df = ws.filterParts
	}
	ws.g = g
	ws.begin(min(ws.parts, parallel.NumThreads()), 0, ws.parts*size)
	defer ws.end()
	parallel.For(ws.parts, 1, ws.df)
	du := ws.du[:size]
	for k := 1; k < ws.parts; k++ {
		vec.Add(du, ws.du[k*size:(k+1)*size])
	}
	for c := 0; c < p.C; c++ {
		vec.WinoFilterT(dw[c*p.O:], p.C*p.O, du[c*p.O:], p.C*p.O, p.O)
	}
}

// filterParts computes parts [lo, hi) of the filter gradient: part k sums
// its share of the blocks, in order.
func (s *winoState) filterParts(lo, hi int) {
	g := &s.g
	b := s.get()
	defer s.put(b)
	blocks := (g.tiles + g.tb - 1) / g.tb
	size := 16 * g.c * g.o
	for k := lo; k < hi; k++ {
		b0, b1 := k*blocks/s.parts, (k+1)*blocks/s.parts
		for blk := b0; blk < b1; blk++ {
			t0 := blk * g.tb
			g.filterBlock(b, t0, min(g.tiles, t0+g.tb), s.du[k*size:(k+1)*size], blk > b0)
		}
	}
}

// filterBlock adds tiles [t0, t1)'s share of the transformed filter's
// gradient into du (or sets it, unless acc).
func (g *winoGeom) filterBlock(b *winoBuf, t0, t1 int, du []float32, acc bool) {
	c, o, nt := g.c, g.o, t1-t0
	per := g.th * g.tw
	g.inputs(b, t0, t1)
	for t := t0; t < t1; t++ {
		n, rem := t/per, t%per
		oh0, ow0 := 2*(rem/g.tw), 2*(rem%g.tw)
		dst := b.m[(t-t0)*o:]
		if oh0+2 <= g.oh && ow0+2 <= g.ow {
			vec.WinoOutputT(dst, g.ms, g.y[((n*g.oh+oh0)*g.ow+ow0)*o:], g.ow*o, o, o)
			continue
		}
		// A tile over the edge: the outputs past it have no gradient.
		clear(b.out)
		for a := 0; a < min(2, g.oh-oh0); a++ {
			k := min(2, g.ow-ow0) * o
			copy(b.out[2*a*o:][:k], g.y[((n*g.oh+oh0+a)*g.ow+ow0)*o:][:k])
		}
		vec.WinoOutputT(dst, g.ms, b.out, 2*o, o, o)
	}
	var beta float32
	if acc {
		beta = 1
	}
	for xi := 0; xi < 16; xi++ {
		gemm.Sgemm(true, false, c, o, nt, 1, b.v[xi*g.vs:], c, b.m[xi*g.ms:], o, beta, du[xi*c*o:], o)
	}
}
