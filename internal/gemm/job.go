package gemm

import (
	"runtime"
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
	// The shared blocks (see sharedBlocks). Serially, the workers
	// multiply by cur, packed by the caller. Pipelined, they take tasks
	// [0, tasks): blocks blocks, each packed in packUnits parts into
	// pipeB[i%3]; packed and used count block i's parts packed and units
	// done, and done[u] the blocks unit u has done.
	pipe      block[T]
	pipeB     [3][]T
	cur       *block[T]
	packUnits int
	blocks    int
	tasks     int
	packed    []atomic.Int32
	used      []atomic.Int32
	done      []atomic.Int32
	failed    atomic.Bool // a task panicked: the others stop waiting
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
		// Blocks of B are packed once (by the caller, or by the workers
		// in sharedBlocks's pipeline), and every worker multiplies its
		// rows of A by them: units only cost a pass over the block, so
		// there can be several per worker.
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

// sharedBlocks runs the shared blocks of B (no wholeK). A single block
// (or noPipeline) is packed by the caller and multiplied in one phase of
// units: the pipeline below would cost more than it saves there (n = 256
// at two threads went 5% slower on a Zen 3 EPYC).
//
// Where there are at least two, the whole product is one sequence of
// tasks that the workers take in order, first come, first served: the
// packing parts of blocks 0 and 1, then for each block i its units (rows
// of A by block i) followed by the packing parts of block i+2, into three
// buffers in turn. A task waits only for tasks before it: a unit for its
// block's packing and for the same unit of the block before, and a
// packing part for the units of the block that last used its buffer. So
// no worker waits at the end of a block for the others to finish theirs,
// as it did with a barrier after each block: on a Zen 3 EPYC at two
// threads the workers stood idle for 2–3% of n = 1024…2048 that way. Each
// element of C still sums its depth blocks in order.
func (j *job[T]) sharedBlocks(workers int) {
	parts := kParts(j.k)
	blocks := (j.n + j.kern.nc - 1) / j.kern.nc * parts
	j.packUnits, j.blocks = 0, blocks
	if noPipeline || blocks < 2 {
		j.pipeB[0] = aligned(j.pipeB[0], j.bSize(false))
		for i := 0; i < blocks; i++ {
			j.cur = j.blockAt(&j.pipe, i, j.pipeB[0])
			j.packBlock(j.cur)
			j.next.Store(0)
			parallel.ForChunks(workers, workers, j.fn)
		}
		j.cur = nil
		return
	}
	for i := range min(blocks, len(j.pipeB)) {
		j.pipeB[i] = aligned(j.pipeB[i], j.bSize(false))
	}
	j.packUnits = 2 * workers
	j.tasks = blocks * (j.units + j.packUnits)
	j.failed.Store(false)
	j.packed = grow(j.packed, blocks)
	j.used = grow(j.used, blocks)
	j.done = grow(j.done, j.units)
	j.next.Store(0)
	parallel.ForChunks(workers, workers, j.fn)
	j.packUnits, j.tasks = 0, 0
}

// grow returns x with n counters, all zero.
func grow(x []atomic.Int32, n int) []atomic.Int32 {
	if cap(x) < n {
		return make([]atomic.Int32, n)
	}
	x = x[:n]
	for i := range x {
		x[i].Store(0)
	}
	return x
}

// blockAt frames block i (column block i/parts, depth block i%parts) in
// b, over the buffer bp.
func (j *job[T]) blockAt(b *block[T], i int, bp []T) *block[T] {
	parts := kParts(j.k)
	j.frame(b, bp, i/parts*j.kern.nc, i%parts*j.kcStep())
	b.directA, b.directB = j.directA, false
	return b
}

// task decodes task t of the pipeline: a packing part or a unit, of block
// blk.
func (j *job[T]) task(t int) (pack bool, blk, idx int) {
	U, Q := j.units, j.packUnits
	first := min(2, j.blocks) * Q // blocks 0 and 1 are packed first
	if t < first {
		return true, t / Q, t % Q
	}
	t -= first
	mid := (j.blocks - 2) * (U + Q) // then each block's units, and a packing two on
	if t >= mid {
		t -= mid
		return false, j.blocks - 2 + t/U, t % U // the last two blocks' units
	}
	g, r := t/(U+Q), t%(U+Q)
	if r < U {
		return false, g, r
	}
	return true, g + 2, r - U
}

// stepHook, when not nil, is called before each task of the pipeline
// (tests use it to hold one back).
var stepHook func(pack bool, blk, idx int)

// step runs task t of the pipeline, and marks the product failed if it
// panics.
func (j *job[T]) step(ws *workspace[T], t int) {
	ok := false
	defer func() {
		if !ok {
			j.failed.Store(true)
		}
	}()
	j.runTask(ws, t)
	ok = true
}

// runTask runs task t of the pipeline, once the tasks it needs are done.
func (j *job[T]) runTask(ws *workspace[T], t int) {
	pack, i, idx := j.task(t)
	if stepHook != nil {
		stepHook(pack, i, idx)
	}
	var blk block[T]
	j.blockAt(&blk, i, j.pipeB[i%len(j.pipeB)])
	if pack {
		if i >= len(j.pipeB) {
			// The buffer's last block must be done with.
			j.spinUntil(&j.used[i-len(j.pipeB)], int32(j.units))
		}
		// Columns of the block, whole panels but for the last.
		panels := j.panels(&blk)
		q0 := min(idx*panels/j.packUnits*j.kern.nr, blk.nc)
		q1 := min((idx+1)*panels/j.packUnits*j.kern.nr, blk.nc)
		j.packPanels(&blk, q0, q1)
		j.packed[i].Add(1)
		return
	}
	j.spinUntil(&j.packed[i], int32(j.packUnits))
	j.spinUntil(&j.done[idx], int32(i)) // the unit's rows have blocks 0…i-1
	i0, i1 := j.unitRows(idx)
	j.rows(ws, &blk, i0, i1)
	j.done[idx].Store(int32(i + 1))
	j.used[i].Add(1)
}

// spinUntil returns once x reaches want. The task it waits for is already
// running on another worker, and usually about to finish; if a task
// panicked instead, it may never, and spinUntil panics too (the caller
// re-raises the first panic).
func (j *job[T]) spinUntil(x *atomic.Int32, want int32) {
	for i := 1; x.Load() < want; i++ {
		if i%64 == 0 {
			if j.failed.Load() {
				panic("gemm: a task of the product failed")
			}
			runtime.Gosched()
		}
	}
}

// panels is how many NR-column panels blk has, a partial last one included.
func (j *job[T]) panels(blk *block[T]) int { return (blk.nc + j.kern.nr - 1) / j.kern.nr }

// run is one worker: it takes units (or the pipeline's tasks) until none
// are left.
func (j *job[T]) run(_, _ int) {
	ws := j.g.getWS()
	if j.shared {
		j.sizeWS(ws, j.directA, j.m)
	}
	for {
		u := int(j.next.Add(1)) - 1
		if j.tasks > 0 {
			if u >= j.tasks {
				break
			}
			j.step(ws, u)
			continue
		}
		if u >= j.units {
			break
		}
		switch {
		case j.cur != nil:
			i0, i1 := j.unitRows(u)
			j.rows(ws, j.cur, i0, i1)
		case j.shared && j.parts > 0:
			i0, i1 := j.unitRows(u)
			j.rowsWholeK(ws, j.blks[:j.parts], i0, i1)
		default:
			j.unit(ws, u*j.tiles/j.units, (u+1)*j.tiles/j.units)
		}
	}
	j.g.ws.Put(ws)
}

// unitRows is the rows of C that unit u of a split of M covers.
func (j *job[T]) unitRows(u int) (i0, i1 int) {
	lo, hi := u*j.tiles/j.units, (u+1)*j.tiles/j.units
	return lo * j.kern.mr, min(hi*j.kern.mr, j.m)
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
