package gemm

import (
	"sync"
	"unsafe"

	"github.com/tensorgo/tensorgo/internal/cpu"
	"github.com/tensorgo/tensorgo/internal/parallel"
)

type float interface{ ~float32 | ~float64 }

// kernelFunc computes the MR×NR tile C = alpha*A·B + beta*C (C not read
// when beta == 0) over k steps. Element (r, p) of the A panel is at
// a[r*ars + p*acs]; row p of the B panel (NR contiguous values) starts at
// b[p*bs]; C rows are ldc apart. Strides are in elements.
type kernelFunc[T float] func(k int, a *T, ars, acs int, b *T, bs int, c *T, ldc int, alpha, beta T)

// tilesFunc is a kernelFunc over tiles tiles: tile i reads A from
// a + i*aStep and B from b + i*bStep, and writes C from c + i*cStep.
type tilesFunc[T float] func(k int, a *T, ars, acs int, b *T, bs int, c *T, ldc int, alpha, beta T, tiles, aStep, bStep, cStep int)

// edgeFunc is a kernelFunc for a partial tile: mr rows, mask's columns.
type edgeFunc[T float] func(k int, a *T, ars, acs int, b *T, bs int, c *T, ldc int, alpha, beta T, mr int, mask uint32)

// kernel is a micro-kernel with the blocking that suits it.
type kernel[T float] struct {
	name   string
	mr, nr int // register tile
	mc, nc int // cache blocks: blockK×nc of B, mc×blockK of A
	fn     kernelFunc[T]
	half   kernelFunc[T] // optional MR×(NR/2) tile, for narrow last panels
	tiles  tilesFunc[T]  // optional: fn over a column or row of tiles in one call
	// nb, when not 0, has rows run a block's tiles along rows rather than
	// down columns, nb columns of C at a time (see rows).
	nb int
	// edge and edgeHalf, when not nil, write partial tiles straight into C:
	// only the first mr rows, only the columns set in mask, and they read
	// only those columns of B. Entry i computes 3*(i+1) rows.
	edge, edgeHalf []edgeFunc[T]
	// dot returns x·y over n elements; axpy does y += alpha*x. They serve
	// matrix-vector products.
	dot  func(n int, x, y *T) T
	axpy func(n int, alpha T, x, y *T)
	// tpack, when not nil, transposes a 4×(kc&^3) block (see transpose).
	tpack func(kc int, src *T, ld int, dst *T, ldd int)
	// tpack8, when not nil, transposes an 8×(kc&^7) block.
	tpack8 func(kc int, src *T, ld int, dst *T, ldd int)
	// tpack2, when not nil, transposes a 2×(kc&^3) block: the rows that
	// six-row panels leave after a 4×4 block.
	tpack2 func(kc int, src *T, ld int, dst *T, ldd int)
	// tpack6, when not nil, packs a six-row panel's 6×(kc&^7) block in one
	// pass, into rows of six (dst's stride is 6).
	tpack6 func(kc int, src *T, ld int, dst *T)
}

// impl is the per-type GEMM: the kernel for each instruction-set path and
// reusable buffers.
type impl[T float] struct {
	byISA  [cpu.AVX512 + 1]*kernel[T] // indexed by cpu.ISA
	forced *kernel[T]                 // tests: this kernel whatever the setting
	ws     sync.Pool                  // *workspace[T]
	jobs   sync.Pool                  // *job[T]
}

var (
	s32 = &impl[float32]{byISA: [...]*kernel[float32]{&goKernel32, &goKernel32, &goKernel32}}
	s64 = &impl[float64]{byISA: [...]*kernel[float64]{&goKernel64, &goKernel64, &goKernel64}}
)

// kernel returns the kernel of the path internal/cpu selects.
func (g *impl[T]) kernel() *kernel[T] {
	if g.forced != nil {
		return g.forced
	}
	return g.byISA[cpu.Selected()]
}

// blockK is the most K steps a micro-kernel accumulates in registers before
// adding into C. Every kernel shares it, and it never depends on the thread
// count: each element of C is then the same sequence of fused multiply-adds
// whichever kernel, tile or thread computes it.
const blockK = 256

// workspace holds one goroutine's packed panels and an edge tile.
type workspace[T float] struct {
	a, b, t []T
	x, y    []T // matrix-vector operands
}

// aligned returns a slice of n elements starting on a 64-byte boundary,
// reusing buf when it is big enough.
func aligned[T float](buf []T, n int) []T {
	if cap(buf) >= n && uintptr(unsafe.Pointer(unsafe.SliceData(buf)))%64 == 0 {
		return buf[:n]
	}
	var z T
	pad := 64 / int(unsafe.Sizeof(z))
	raw := make([]T, n+pad)
	off := 0
	for uintptr(unsafe.Pointer(&raw[off]))%64 != 0 {
		off++
	}
	return raw[off : off+n : off+n]
}

func (g *impl[T]) getWS() *workspace[T] {
	if w, ok := g.ws.Get().(*workspace[T]); ok {
		return w
	}
	return new(workspace[T])
}

// forcePack makes every product pack both operands (tests use it to cover
// the packing paths at small sizes).
var forcePack bool

// serialFlops is the size (m*n*k) under which a product stays on the
// calling goroutine. The pool hands a chunk to a polling worker in well under
// a microsecond, so splitting pays from about 2^20 multiply-adds (5 µs of work
// on one AVX-512 core): the MNIST MLP's 32x784x128 products split in two.
var serialFlops = 1 << 20 // a variable so that tests can split small products

func (g *impl[T]) gemm(transA, transB bool, m, n, k int, alpha T, a []T, lda int, b []T, ldb int, beta T, c []T, ldc int, ep epilogue[T]) {
	var z T
	name := "Sgemm"
	if unsafe.Sizeof(z) == 8 {
		name = "Dgemm"
	}
	checkArgs(name, transA, transB, m, n, k, lda, ldb, ldc, len(a), len(b), len(c))
	ep.check(name, n)
	if m == 0 || n == 0 {
		return
	}
	if k == 0 || alpha == 0 {
		scale(m, n, beta, c, ldc)
		ep.finish(c, ldc, 0, m, 0, n)
		return
	}
	if g.forced == nil {
		if a32, ok := any(a).([]float32); ok && thin(transA, transB, m, n, k, float32(alpha), a32, lda, any(b).([]float32), ldb, float32(beta), any(c).([]float32), ldc) {
			ep.finish(c, ldc, 0, m, 0, n)
			return
		}
	}
	kern := g.kernel()
	if m == 1 || n == 1 {
		ws := g.getWS()
		gemv(ws, kern, transA, transB, m, n, k, alpha, a, lda, b, ldb, beta, c, ldc)
		g.ws.Put(ws)
		ep.finish(c, ldc, 0, m, 0, n)
		return
	}
	p := call[T]{kern, transA, transB, m, n, k, alpha, beta, a, b, c, lda, ldb, ldc, ep}
	threads := parallel.NumThreads()
	tilesM := (m + kern.mr - 1) / kern.mr
	tilesN := (n + kern.nr - 1) / kern.nr
	if threads <= 1 || m*n*k < serialFlops || tilesM*tilesN < 2 {
		ws := g.getWS()
		p.serial(ws)
		g.ws.Put(ws)
		return
	}
	j, _ := g.jobs.Get().(*job[T])
	if j == nil {
		j = &job[T]{g: g}
		j.fn = j.run
	}
	j.call = p
	j.parallel(threads, tilesM, tilesN)
	j.a, j.b, j.c = nil, nil, nil
	g.jobs.Put(j)
}

// call is one product's arguments.
type call[T float] struct {
	kern           *kernel[T]
	transA, transB bool
	m, n, k        int
	alpha, beta    T
	a, b, c        []T
	lda, ldb, ldc  int
	ep             epilogue[T] // applied to each block of C once its last depth block is in
}

// direct reports which operands to read in place rather than pack: those
// that few panels of the other operand reuse, so that packing would cost
// more than it saves. A in place is MR row streams (one stream when
// transposed); B in place is one stream of NR-wide rows, which needs B not
// transposed. Rows a multiple of 4 KiB apart would all fall in the same L1
// set: those get packed, and so do B's rows 512 elements apart (two sets
// for float32: n = 512 went 7% faster on AVX-512 and 15% on AVX2 on a
// Xeon with 48 KiB of L1). So does a B panel that many tiles reuse (m >
// 128) if its rows are far enough apart to crowd a few sets (fitsL1): the
// MNIST MLP's predict, 1000×784 by 784×128, went 7% faster on AVX2, and
// n = 256 (rows 1 KiB apart, in four sets) 2.5% on that Xeon. A (not
// transposed) is read in place, too, by up to 512 columns of B if its rows
// are more than 128 and under 1024 elements long: its block then stays
// spread over L2, and the transposing pack costs more than the row
// streams. On a Zen 5 EPYC n = 192…512 went 1–6% faster on both paths, and
// twice that at two threads; at n = 1536 (rows 6 KiB apart) AVX2 went 6%
// slower, and so did Inception10's input gradients (rows of 16–128).
func (p *call[T]) direct() (directA, directB bool) {
	MR, NR := p.kern.mr, p.kern.nr
	if forcePack {
		return false, false
	}
	directA = p.transA && p.n <= 8*NR ||
		!p.transA && p.lda%1024 != 0 && (p.n <= max(4*NR, 128) || p.n <= 512 && p.k > 128 && p.lda < 1024)
	directB = !p.transB && (p.m <= 6*MR || (p.n*p.k <= 1<<18 && p.ldb%512 != 0 && (p.m <= 128 || fitsL1[T](p.kcStep(), NR, p.ldb))))
	return directA, directB
}

// fitsL1 reports whether rows rows of n elements, ld apart, can all stay in
// the L1 cache (32 KiB, 8-way, 64 sets of 64-byte lines: the smaller of the
// machines'): rows whose stride is a multiple of a large power of two fall
// into few sets, and a B panel read in place that way would be fetched again
// from L2 by every tile that uses it.
func fitsL1[T float](rows, n, ld int) bool {
	var z T
	size := int(unsafe.Sizeof(z))
	stride := ld * size
	sets := 4096 / gcdPow2(stride, 4096)
	lines := (n*size + 63) / 64 // per row
	return rows*lines <= min(64, sets*lines)*8
}

// gcdPow2 is the largest power of two dividing both x and p (p a power of
// two).
func gcdPow2(x, p int) int {
	g := 1
	for g < p && x%(2*g) == 0 {
		g *= 2
	}
	return g
}

// block is one step of the two outer loops: columns [jc, jc+nc) and
// depth [pc, pc+kc) of op(B), packed in bp unless directB (then bp holds
// at most the last, partial panel, and nFull columns are read in place).
type block[T float] struct {
	jc, nc, pc, kc   int
	bet              T // beta for this step: beta on the first, then 1
	bp               []T
	directA, directB bool
	nFull            int
}

// setBlock fills blk for one (jc, pc) step and packs op(B) into bp.
func (p *call[T]) setBlock(blk *block[T], bp []T, jc, pc int) {
	p.frame(blk, bp, jc, pc)
	p.packBlock(blk)
}

// packBlock packs blk's columns of op(B) into blk.bp: all of them, or
// those that a directB block does not read in place.
func (p *call[T]) packBlock(blk *block[T]) {
	kern := p.kern
	if !blk.directB {
		packB(kern, blk.bp, p.transB, p.b, p.ldb, blk.pc, blk.kc, blk.jc, blk.nc)
		return
	}
	if kern.edge == nil {
		// The last panel is packed, padded with zeros.
		blk.nFull = blk.nc / kern.nr * kern.nr
	}
	if blk.nFull < blk.nc {
		packB(kern, blk.bp, p.transB, p.b, p.ldb, blk.pc, blk.kc, blk.jc+blk.nFull, blk.nc-blk.nFull)
	}
}

// frame fills blk for one (jc, pc) step, packing nothing.
func (p *call[T]) frame(blk *block[T], bp []T, jc, pc int) {
	blk.jc, blk.nc = jc, min(p.kern.nc, p.n-jc)
	blk.pc, blk.kc = pc, min(p.kcStep(), p.k-pc)
	blk.bet = p.beta
	if pc > 0 {
		blk.bet = 1
	}
	blk.bp = bp
	blk.nFull = blk.nc
}

// packPanels packs the columns [q0, q1) of blk (q0 a multiple of NR) into
// their place in blk.bp.
func (p *call[T]) packPanels(blk *block[T], q0, q1 int) {
	packB(p.kern, blk.bp[q0*blk.kc:], p.transB, p.b, p.ldb, blk.pc, blk.kc, blk.jc+q0, q1-q0)
}

// kcStep is the depth of the blocks: k cut into equal parts of at most
// blockK, so that no pass over C is a short one.
func (p *call[T]) kcStep() int { return kcStep(p.k) }

func kcStep(k int) int {
	parts := kParts(k)
	return (k + parts - 1) / parts
}

// DepthStep is the depth of the blocks that a product of depth k is cut
// into and sums in order (each element a fused chain from zero per block,
// then added to C): kernels outside the package that must give a
// product's bits, such as the direct convolution, cut theirs the same.
func DepthStep(k int) int { return kcStep(k) }

// kParts is how many depth blocks a depth of k is cut into.
func kParts(k int) int { return (k + blockK - 1) / blockK }

// bSize is the packed-B buffer a block needs.
func (p *call[T]) bSize(directB bool) int {
	if directB {
		return p.kern.nr * min(blockK, p.k)
	}
	return roundUp(min(p.kern.nc, p.n), p.kern.nr) * min(blockK, p.k)
}

// sizeWS makes ws's A panel and edge tile buffers big enough for rows
// blocks of up to mRows rows.
func (p *call[T]) sizeWS(ws *workspace[T], directA bool, mRows int) {
	kern := p.kern
	kcMax := min(blockK, p.k)
	if directA {
		ws.a = aligned(ws.a, kern.mr*kcMax)
	} else {
		ws.a = aligned(ws.a, roundUp(min(kern.mc, mRows), kern.mr)*kcMax)
	}
	ws.t = aligned(ws.t, kern.mr*kern.nr)
}

// wholeK reports whether to pack B's blocks for all of K at once and run
// each block of MC rows through all of them (rows outside, depth inside)
// rather than each depth block through all the rows: when B's panels for
// the whole depth fit in half the L2 cache and A has several row blocks.
// A's rows then stream through once, contiguously, and C's block stays in
// the cache between depth blocks; the MNIST MLP's predict reads its 3 MiB
// batch from memory that way. Each C element still sums the depth blocks
// in order, so the results do not change.
func (p *call[T]) wholeK(directB bool) bool {
	var z T
	parts := kParts(p.k)
	return !noWholeK && parts > 1 && p.m > p.kern.mc && parts <= wholeKParts &&
		parts*p.bSize(directB)*int(unsafe.Sizeof(z)) <= 512<<10
}

// serial runs the blocked product on the calling goroutine.
func (p *call[T]) serial(ws *workspace[T]) {
	var blk block[T]
	blk.directA, blk.directB = p.direct()
	p.sizeWS(ws, blk.directA, p.m)
	if p.wholeK(blk.directB) {
		p.serialWholeK(ws, &blk)
		return
	}
	ws.b = aligned(ws.b, p.bSize(blk.directB))
	for jc := 0; jc < p.n; jc += p.kern.nc {
		for pc := 0; pc < p.k; pc += p.kcStep() {
			p.setBlock(&blk, ws.b, jc, pc)
			p.rows(ws, &blk, 0, p.m)
		}
	}
}

// wholeKParts is the most depth blocks wholeK takes.
const wholeKParts = 8

// noWholeK turns wholeK off (tests compare the two orders).
var noWholeK bool

// serialWholeK is serial with B packed for the whole depth (see wholeK).
func (p *call[T]) serialWholeK(ws *workspace[T], blk *block[T]) {
	var blks [wholeKParts]block[T]
	for jc := 0; jc < p.n; jc += p.kern.nc {
		ws.b = p.packWholeK(blks[:], ws.b, jc, blk.directA, blk.directB)
		p.rowsWholeK(ws, blks[:kParts(p.k)], 0, p.m)
	}
}

// packWholeK sets blks[:kParts(k)] to the depth blocks of columns jc…
// of op(B), packed into buf (grown as needed), and returns buf.
func (p *call[T]) packWholeK(blks []block[T], buf []T, jc int, directA, directB bool) []T {
	bs, parts := p.bSize(directB), kParts(p.k)
	buf = aligned(buf, parts*bs)
	for i := range blks[:parts] {
		blks[i].directA, blks[i].directB = directA, directB
		p.setBlock(&blks[i], buf[i*bs:(i+1)*bs], jc, i*p.kcStep())
	}
	return buf
}

// rowsWholeK runs rows [r0, r1) a block of MC rows at a time, each through
// every depth block in order.
func (p *call[T]) rowsWholeK(ws *workspace[T], blks []block[T], r0, r1 int) {
	for ic := r0; ic < r1; ic += p.kern.mc {
		for i := range blks {
			p.rows(ws, &blks[i], ic, min(ic+p.kern.mc, r1))
		}
	}
}

// scale sets C = beta*C (C = 0 when beta == 0, whatever C held).
func scale[T float](m, n int, beta T, c []T, ldc int) {
	for i := 0; i < m; i++ {
		row := c[i*ldc : i*ldc+n]
		if beta == 0 {
			clear(row)
		} else if beta != 1 {
			for j := range row {
				row[j] *= beta
			}
		}
	}
}
