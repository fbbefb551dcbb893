package gemm

import (
	"sync/atomic"

	"github.com/tensorgo/tensorgo/internal/parallel"
)

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
