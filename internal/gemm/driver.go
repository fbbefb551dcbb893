package gemm

import (
	"sync"
	"sync/atomic"
	"unsafe"

	"github.com/tensorgo/tensorgo/internal/cpu"
	"github.com/tensorgo/tensorgo/internal/parallel"
	"github.com/tensorgo/tensorgo/internal/vec"
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

// job is one parallel product; fn is bound once so calls do not allocate.
type job[T float] struct {
	call[T]
	g       *impl[T]
	splitM  bool
	shared  bool // split M with one packed B block shared by all workers
	directA bool // the shared blocks read A in place
	bp      []T  // the wholeK blocks' packed B
	parts   int  // > 0: the shared blocks are blks[:parts], the whole depth (wholeK)
	blks    [wholeKParts]block[T]
	tiles   int          // tiles along the split dimension
	units   int          // ... cut into this many units
	next    atomic.Int64 // next unit to take
	fn      func(lo, hi int)
	// The shared blocks (see sharedBlocks): a phase's workers
	// multiply by cur (units units) and pack the next block, pack, in
	// packUnits parts, into the other buffer.
	pipe      [2]block[T]
	pipeB     [2][]T
	cur, pack *block[T]
	packUnits int
}

// parallel cuts the product into units that the pool's workers take first
// come, first served, so that a worker that starts late (its core busy
// elsewhere) takes fewer.
func (j *job[T]) parallel(threads, tilesM, tilesN int) {
	// Split the dimension with more tiles, so that the parts balance; on a
	// tie split M, because each part then packs only its own rows of A
	// (packing A transposes, packing B mostly copies).
	j.splitM = tilesM >= tilesN
	j.tiles = tilesN
	if j.splitM {
		j.tiles = tilesM
	}
	workers := min(threads, j.tiles)
	var directB bool
	j.directA, directB = j.direct()
	j.shared = j.splitM && !directB
	if j.shared {
		// Blocks of B are packed once, by the caller, and every worker
		// multiplies its rows of A by them: units only cost a pass over
		// the block, so there can be several per worker.
		j.units = min(j.tiles, 4*workers)
		if j.wholeK(false) {
			j.parts = kParts(j.k)
			for jc := 0; jc < j.n; jc += j.kern.nc {
				j.bp = j.packWholeK(j.blks[:], j.bp, jc, j.directA, false)
				j.next.Store(0)
				parallel.ForChunks(workers, workers, j.fn)
			}
			j.parts = 0
			return
		}
		j.sharedBlocks(workers)
		return
	}
	// Otherwise each unit is a product of its own and packs its own panels
	// of the operand that is not split: units stay big, at least 2^22
	// multiply-adds.
	j.units = workers
	if j.tiles >= 3*workers && j.m*j.n*j.k/(3*workers) >= 1<<22 {
		j.units = 3 * workers
	}
	j.next.Store(0)
	parallel.ForChunks(workers, workers, j.fn)
}

// noPipeline has the caller pack every shared block (tests compare the
// two orders).
var noPipeline bool

// sharedBlocks runs the shared blocks of B (no wholeK) one phase each.
// Where there are at least two, they are pipelined: while the workers
// multiply by block i from one buffer, they also pack block i+1, in parts,
// into the other, so that packing is shared out and overlaps the products
// (a phase before the first packs block 0). A single block is packed by the
// caller: a phase more would cost more than that saves (n = 256 at two
// threads went 5% slower on a Zen 3 EPYC). Each element of C still sums
// its depth blocks in order: block i's products all finish in phase i.
func (j *job[T]) sharedBlocks(workers int) {
	units := j.units
	parts := kParts(j.k)
	blocks := (j.n + j.kern.nc - 1) / j.kern.nc * parts
	pipelined := !noPipeline && blocks >= 2
	for i := range min(blocks, len(j.pipe)) {
		j.pipeB[i] = aligned(j.pipeB[i], j.bSize(false))
		j.pipe[i].directA, j.pipe[i].directB = j.directA, false
	}
	// at sets pipe[i%2] to block i.
	at := func(i int) *block[T] {
		b := &j.pipe[i%2]
		j.frame(b, j.pipeB[i%2], i/parts*j.kern.nc, i%parts*j.kcStep())
		return b
	}
	j.cur, j.pack, j.units, j.packUnits = nil, nil, 0, 0
	if pipelined {
		j.setPack(at(0), workers)
		j.next.Store(0)
		parallel.ForChunks(workers, workers, j.fn)
	}
	for i := 0; i < blocks; i++ {
		j.cur, j.units = &j.pipe[i%2], units
		j.pack, j.packUnits = nil, 0
		switch {
		case !pipelined:
			j.packBlock(at(i))
		case i+1 < blocks:
			j.setPack(at(i+1), workers)
		}
		j.next.Store(0)
		parallel.ForChunks(workers, workers, j.fn)
	}
	j.cur, j.pack, j.packUnits = nil, nil, 0
}

// setPack has the phase's workers pack blk, in up to two parts each.
func (j *job[T]) setPack(blk *block[T], workers int) {
	j.pack, j.packUnits = blk, min(j.panels(blk), 2*workers)
}

// panels is how many NR-column panels blk has, a partial last one included.
func (j *job[T]) panels(blk *block[T]) int { return (blk.nc + j.kern.nr - 1) / j.kern.nr }

// run is one worker: it takes units until none are left.
func (j *job[T]) run(_, _ int) {
	ws := j.g.getWS()
	if j.shared {
		j.sizeWS(ws, j.directA, j.m)
	}
	for {
		u := int(j.next.Add(1)) - 1
		if u < j.packUnits {
			// Columns of the next block, whole panels but for the last.
			panels := j.panels(j.pack)
			q0 := u * panels / j.packUnits * j.kern.nr
			q1 := min((u+1)*panels/j.packUnits*j.kern.nr, j.pack.nc)
			j.packPanels(j.pack, q0, q1)
			continue
		}
		u -= j.packUnits
		if u >= j.units {
			break
		}
		lo, hi := u*j.tiles/j.units, (u+1)*j.tiles/j.units
		if j.cur != nil {
			j.rows(ws, j.cur, lo*j.kern.mr, min(hi*j.kern.mr, j.m))
			continue
		}
		if j.shared && j.parts > 0 {
			j.rowsWholeK(ws, j.blks[:j.parts], lo*j.kern.mr, min(hi*j.kern.mr, j.m))
			continue
		}
		j.unit(ws, lo, hi)
	}
	j.g.ws.Put(ws)
}

// unit computes the tiles [lo, hi) along the split dimension as a product
// of its own.
func (j *job[T]) unit(ws *workspace[T], lo, hi int) {
	p := j.call
	if j.splitM {
		i0, i1 := lo*p.kern.mr, min(hi*p.kern.mr, p.m)
		p.m = i1 - i0
		if p.transA {
			p.a = p.a[i0:]
		} else {
			p.a = p.a[i0*p.lda:]
		}
		p.c = p.c[i0*p.ldc:]
	} else {
		j0, j1 := lo*p.kern.nr, min(hi*p.kern.nr, p.n)
		p.n = j1 - j0
		if p.transB {
			p.b = p.b[j0*p.ldb:]
		} else {
			p.b = p.b[j0:]
		}
		p.c = p.c[j0:]
		p.ep = p.ep.from(j0)
	}
	p.serial(ws)
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

// packA copies rows [i0, i0+mc) and columns [p0, p0+kc) of op(A) into
// MR-row panels: panel q holds op(A)[i0+q*MR+r][p0+p] at dst[q*MR*kc+p*MR+r],
// zero-padded to a whole panel.
func packA[T float](kern *kernel[T], dst []T, trans bool, a []T, lda, i0, mc, p0, kc int) {
	MR := kern.mr
	for q := 0; q < mc; q += MR {
		mr := min(MR, mc-q)
		pan := dst[q*kc : q*kc+MR*kc]
		if trans {
			// op(A)[i][p] = a[p*lda+i]: each step p is a contiguous run of
			// rows. For float32, one strided copy takes them all (copy
			// would call memmove for each run of a few values).
			if a32, ok := any(a).([]float32); ok {
				if mr < MR {
					clear(pan)
				}
				vec.CopyStrided(any(pan).([]float32), MR, a32[p0*lda+i0+q:], vec.Strided{Blocks: kc, C: mr, Stride: lda})
				continue
			}
			for p := 0; p < kc; p++ {
				src := a[(p0+p)*lda+i0+q:]
				d := pan[p*MR : p*MR+MR]
				copy(d, src[:mr])
				clear(d[mr:])
			}
			continue
		}
		transpose(kern, pan, MR, a[(i0+q)*lda+p0:], lda, mr, kc)
		for r := mr; r < MR; r++ {
			for p := 0; p < kc; p++ {
				pan[p*MR+r] = 0
			}
		}
	}
}

// packB copies rows [p0, p0+kc) and columns [j0, j0+nc) of op(B) into
// NR-column panels: panel q holds op(B)[p0+p][j0+q*NR+j] at
// dst[q*NR*kc+p*NR+j], zero-padded to a whole panel.
func packB[T float](kern *kernel[T], dst []T, trans bool, b []T, ldb, p0, kc, j0, nc int) {
	NR := kern.nr
	for q := 0; q < nc; q += NR {
		nr := min(NR, nc-q)
		pan := dst[q*kc : q*kc+NR*kc]
		// Only the columns a kernel reads need zero padding.
		w := NR
		if nr <= NR/2 && kern.half != nil {
			w = NR / 2
		}
		if !trans {
			if nr == NR && (NR == 16 || NR == 32) {
				// Whole panels: one strided copy for float32, fixed-size
				// block copies otherwise (copy would call memmove for
				// each 64- or 128-byte row).
				if b32, ok := any(b).([]float32); ok {
					vec.CopyStrided(any(pan).([]float32), NR, b32[p0*ldb+j0+q:], vec.Strided{Blocks: kc, C: NR, Stride: ldb})
					continue
				}
				for p := 0; p < kc; p++ {
					src := b[(p0+p)*ldb+j0+q:]
					if NR == 16 {
						*(*[16]T)(pan[p*16:]) = *(*[16]T)(src)
					} else {
						*(*[32]T)(pan[p*32:]) = *(*[32]T)(src)
					}
				}
				continue
			}
			for p := 0; p < kc; p++ {
				src := b[(p0+p)*ldb+j0+q:]
				d := pan[p*NR : p*NR+w]
				if nr == NR {
					copy(d, src[:NR])
					continue
				}
				for j, v := range src[:nr] {
					d[j] = v
				}
				for j := nr; j < w; j++ {
					d[j] = 0
				}
			}
			continue
		}
		// op(B)[p][j] = b[j*ldb+p]: a transpose.
		transpose(kern, pan, NR, b[(j0+q)*ldb+p0:], ldb, nr, kc)
		for j := nr; j < w; j++ {
			for p := 0; p < kc; p++ {
				pan[p*NR+j] = 0
			}
		}
	}
}

// gemv handles m == 1 or n == 1, where a register tile would be mostly
// padding. The matrix operand is walked either as dot products of its
// contiguous rows with the vector, or as a sum of its rows scaled by the
// vector's elements (axpy), whichever reads it contiguously.
func gemv[T float](ws *workspace[T], kern *kernel[T], transA, transB bool, m, n, k int, alpha T, a []T, lda int, b []T, ldb int, beta T, c []T, ldc int) {
	var (
		mat        []T
		ld         int
		dotForm    bool
		rows, cols int // of the matrix as walked
		x          []T // the vector, k long
		incx, incy int
		ny         int
	)
	if n == 1 {
		// y = C[:,0] (m long), x = op(B)[:,0].
		x, incx = b, ldb
		if transB {
			incx = 1
		}
		mat, ld, ny, incy = a, lda, m, ldc
		dotForm = !transA
		rows, cols = m, k
		if transA {
			rows, cols = k, m
		}
	} else {
		// y = C[0,:] (n long), x = op(A)[0,:].
		x, incx = a, 1
		if transA {
			incx = lda
		}
		mat, ld, ny, incy = b, ldb, n, 1
		dotForm = transB
		rows, cols = k, n
		if transB {
			rows, cols = n, k
		}
	}
	if incx != 1 {
		ws.x = aligned(ws.x, k)
		for p := range ws.x {
			ws.x[p] = x[p*incx]
		}
		x = ws.x
	}
	x = x[:k]
	if dotForm {
		for i := 0; i < ny; i++ {
			row := mat[i*ld : i*ld+cols]
			store(&c[i*incy], alpha, beta, kern.dot(cols, &row[0], &x[0]))
		}
		return
	}
	// Sums of scaled rows accumulate each element over k in order, in the
	// tiles' K blocks, so they give the bits a tile kernel would.
	ws.y = aligned(ws.y, cols)
	acc := ws.y
	step := kcStep(rows)
	bet := beta
	for p0 := 0; p0 < rows; p0 += step {
		clear(acc)
		for p := p0; p < min(p0+step, rows); p++ {
			row := mat[p*ld : p*ld+cols]
			kern.axpy(cols, x[p], &row[0], &acc[0])
		}
		for i, s := range acc {
			store(&c[i*incy], alpha, bet, s)
		}
		bet = 1
	}
}

// transpose sets dst[p*ldd+r] = src[r*ld+p] for r < rows, p < kc.
func transpose[T float](kern *kernel[T], dst []T, ldd int, src []T, ld int, rows, kc int) {
	if kern.tpack6 != nil && rows == 6 && ldd == 6 && kc >= 8 {
		kc8 := kc &^ 7
		_, _ = src[5*ld+kc8-1], dst[(kc8-1)*6+5]
		kern.tpack6(kc8, &src[0], ld, &dst[0])
		transposeTail(dst, ldd, src, ld, 0, rows, kc8, kc)
		return
	}
	r := 0
	if kern.tpack8 != nil && kc >= 8 {
		kc8 := kc &^ 7
		for ; r+8 <= rows; r += 8 {
			// The assembly writes through raw pointers: check the extents here.
			_, _ = src[(r+7)*ld+kc8-1], dst[(kc8-1)*ldd+r+7]
			kern.tpack8(kc8, &src[r*ld], ld, &dst[r], ldd)
		}
		transposeTail(dst, ldd, src, ld, 0, r, kc8, kc)
	}
	if r0 := r; kern.tpack != nil && kc >= 4 {
		kc4 := kc &^ 3
		for ; r+4 <= rows; r += 4 {
			_, _ = src[(r+3)*ld+kc4-1], dst[(kc4-1)*ldd+r+3]
			kern.tpack(kc4, &src[r*ld], ld, &dst[r], ldd)
		}
		if kern.tpack2 != nil && r+2 <= rows {
			_, _ = src[(r+1)*ld+kc4-1], dst[(kc4-1)*ldd+r+1]
			kern.tpack2(kc4, &src[r*ld], ld, &dst[r], ldd)
			r += 2
		}
		transposeTail(dst, ldd, src, ld, r0, r, kc4, kc)
	}
	transposeTail(dst, ldd, src, ld, r, rows, 0, kc)
}

// transposeTail is transpose's scalar loop over rows [r0, r1) and
// columns [p0, p1).
func transposeTail[T float](dst []T, ldd int, src []T, ld int, r0, r1, p0, p1 int) {
	for r := r0; r < r1; r++ {
		row := src[r*ld+p0 : r*ld+p1]
		for p, v := range row {
			dst[(p0+p)*ldd+r] = v
		}
	}
}
