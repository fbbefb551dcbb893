package gemm

import (
	"fmt"
	"math"
	"math/rand/v2"
	"testing"
	"time"

	"github.com/tensorgo/tensorgo/internal/cpu"
	"github.com/tensorgo/tensorgo/internal/parallel"
)

// determinismShapes have odd sizes around every kernel's tile (4×4, 6×16,
// 12×32), depths past one K block (blockK), matrix-vector products,
// products big enough to be split into several units per thread, one
// with several row blocks and a small B, which packs B for the whole depth
// (wholeK), and ones that the AVX2 kernels run along rows of tiles
// (kernel.nb), over several column chunks with a partial last one.
var determinismShapes = [][3]int{
	{1, 37, 300}, {45, 1, 513}, {1, 1, 77}, {5, 7, 3}, {13, 33, 257}, {25, 65, 600},
	{97, 31, 7}, {130, 70, 260}, {7, 300, 129}, {333, 129, 301}, {400, 20, 300},
	{50, 530, 260},
}

// orderRef computes C the way every kernel must: each element is a chain of
// fused multiply-adds over k in order, restarted at every K block of
// kcStep(k) and added into C with one more rounding (store). It is written
// from that rule, not from the kernels; cpu.FMA32 is checked against math/big in
// internal/cpu's TestFMA32MatchesExactRounding.
func orderRef(tc gemmCase, a, b, c []float32) {
	step := kcStep(tc.k)
	for i := 0; i < tc.m; i++ {
		for j := 0; j < tc.n; j++ {
			bet := float32(tc.beta)
			for p0 := 0; p0 < tc.k; p0 += step {
				var acc float32
				for p := p0; p < min(p0+step, tc.k); p++ {
					var av, bv float32
					if tc.transA {
						av = a[p*tc.lda+i]
					} else {
						av = a[i*tc.lda+p]
					}
					if tc.transB {
						bv = b[j*tc.ldb+p]
					} else {
						bv = b[p*tc.ldb+j]
					}
					acc = cpu.FMA32(av, bv, acc)
				}
				x := &c[i*tc.ldc+j]
				if bet == 0 {
					*x = float32(tc.alpha) * acc
				} else {
					*x = cpu.FMA32(bet, *x, float32(tc.alpha)*acc)
				}
				bet = 1
			}
		}
	}
}

// TestBitIdenticalAcrossThreadsAndISAs runs every shape in every transpose
// combination at 1, 2, 3, 4 and 7 threads on every instruction-set path this
// machine has, packed and in place, and wants the same bits each time. Away
// from the dot-product form of matrix-vector products (which has its own
// fixed order, TestDotLayout), the bits must also be those of orderRef.
func TestBitIdenticalAcrossThreadsAndISAs(t *testing.T) {
	defer splitSmall()()
	oldThreads, oldISA := parallel.NumThreads(), cpu.Selected()
	defer parallel.SetNumThreads(oldThreads)
	defer cpu.Set(oldISA)
	defer func() { forcePack = false }()
	r := rand.New(rand.NewPCG(11, 0))
	for _, s := range determinismShapes {
		for _, tr := range [][2]bool{{false, false}, {true, false}, {false, true}, {true, true}} {
			tc := gemmCase{transA: tr[0], transB: tr[1], m: s[0], n: s[1], k: s[2], alpha: 0.75, beta: -1.25}
			tc.lda, tc.ldb, tc.ldc = tc.k+1, tc.n+3, tc.n+2
			if tc.transA {
				tc.lda = tc.m + 2
			}
			if tc.transB {
				tc.ldb = tc.k
			}
			a64, b64, c64 := tc.operands(r)
			a, b, c := to32(a64), to32(b64), to32(c64)
			dotForm := tc.n == 1 && !tc.transA || tc.m == 1 && tc.transB
			for _, beta := range []float64{0, -1.25} {
				tc.beta = beta
				var ref []float32
				if !dotForm {
					ref = append([]float32(nil), c...)
					orderRef(tc, a, b, ref)
				}
				for _, isa := range cpu.Available() {
					cpu.Set(isa)
					for _, threads := range []int{1, 2, 3, 4, 7} {
						parallel.SetNumThreads(threads)
						for _, pack := range []bool{false, true} {
							forcePack = pack
							got := append([]float32(nil), c...)
							runCase32(tc, a, b, got)
							label := fmt.Sprintf("%v isa %v threads %d packed %v", tc, isa, threads, pack)
							if ref == nil {
								ref = got
								continue
							}
							sameBits32(t, label, got, ref)
						}
					}
				}
			}
		}
	}
}

// TestDgemmBitIdentical is the float64 version, against the first run.
func TestDgemmBitIdentical(t *testing.T) {
	defer splitSmall()()
	oldThreads, oldISA := parallel.NumThreads(), cpu.Selected()
	defer parallel.SetNumThreads(oldThreads)
	defer cpu.Set(oldISA)
	r := rand.New(rand.NewPCG(12, 0))
	for _, s := range determinismShapes {
		for _, tr := range [][2]bool{{false, false}, {true, false}, {false, true}, {true, true}} {
			tc := gemmCase{transA: tr[0], transB: tr[1], m: s[0], n: s[1], k: s[2], alpha: 1, beta: 0.5}
			tc.lda, tc.ldb, tc.ldc = tc.k, tc.n, tc.n
			if tc.transA {
				tc.lda = tc.m
			}
			if tc.transB {
				tc.ldb = tc.k
			}
			a, b, c := tc.operands(r)
			var ref []float64
			for _, isa := range cpu.Available() {
				cpu.Set(isa)
				for _, threads := range []int{1, 2, 3, 4, 7} {
					parallel.SetNumThreads(threads)
					got := append([]float64(nil), c...)
					Dgemm(tc.transA, tc.transB, tc.m, tc.n, tc.k, tc.alpha, a, tc.lda, b, tc.ldb, tc.beta, got, tc.ldc)
					if ref == nil {
						ref = got
						continue
					}
					for i := range got {
						if math.Float64bits(got[i]) != math.Float64bits(ref[i]) {
							t.Fatalf("%v isa %v threads %d: C[%d] = %v, first run gave %v", tc, isa, threads, i, got[i], ref[i])
						}
					}
				}
			}
		}
	}
}

// TestDotLayout checks every kernel's dot product against the layout it
// documents: partial l sums elements l, l+L, l+2L, ... with fused
// multiply-adds, and the partials are summed pairwise (L/2 apart, then L/4,
// ...).
func TestDotLayout(t *testing.T) {
	r := rand.New(rand.NewPCG(13, 0))
	for _, n := range []int{1, 7, 31, 32, 33, 64, 100, 257} {
		x, y := make([]float32, n), make([]float32, n)
		for i := range x {
			x[i], y[i] = float32(r.NormFloat64()), float32(r.NormFloat64())
		}
		var acc [32]float32
		for i := range x {
			acc[i%32] = cpu.FMA32(x[i], y[i], acc[i%32])
		}
		for w := 16; w > 0; w /= 2 {
			for l := 0; l < w; l++ {
				acc[l] += acc[l+w]
			}
		}
		for _, kern := range kernels32() {
			if got := kern.dot(n, &x[0], &y[0]); math.Float32bits(got) != math.Float32bits(acc[0]) {
				t.Errorf("kernel %s: dot of %d = %v, want %v", kern.name, n, got, acc[0])
			}
		}
		x64, y64 := widen(x), widen(y)
		var acc64 [16]float64
		for i := range x64 {
			acc64[i%16] = math.FMA(x64[i], y64[i], acc64[i%16])
		}
		for w := 8; w > 0; w /= 2 {
			for l := 0; l < w; l++ {
				acc64[l] += acc64[l+w]
			}
		}
		for _, kern := range kernels64() {
			if got := kern.dot(n, &x64[0], &y64[0]); got != acc64[0] {
				t.Errorf("kernel %s: float64 dot of %d = %v, want %v", kern.name, n, got, acc64[0])
			}
		}
	}
}

func sameBits32(t *testing.T, label string, got, want []float32) {
	t.Helper()
	for i := range got {
		if math.Float32bits(got[i]) != math.Float32bits(want[i]) {
			t.Fatalf("%s: C[%d] = %v (%#x), want %v (%#x)", label, i, got[i], math.Float32bits(got[i]), want[i], math.Float32bits(want[i]))
		}
	}
}

// TestRowChunksMatchWhole multiplies row blocks of A (1, 2, 5 and 13 rows,
// as a caller splitting a batch would) by B and wants the rows of the whole
// product, bit for bit. A single row with B as stored takes the
// matrix-vector path, which follows the tiles' order; a single row times a
// transposed B is the dot-product form, which has its own order
// (TestDotLayout) and is left out.
func TestRowChunksMatchWhole(t *testing.T) {
	oldISA := cpu.Selected()
	defer cpu.Set(oldISA)
	r := rand.New(rand.NewPCG(14, 0))
	for _, transA := range []bool{false, true} {
		for _, transB := range []bool{false, true} {
			for _, isa := range cpu.Available() {
				cpu.Set(isa)
				tc := gemmCase{transA: transA, transB: transB, m: 41, n: 67, k: 600, alpha: 1}
				tc.lda, tc.ldb, tc.ldc = tc.k, tc.n, tc.n
				if transA {
					tc.lda = tc.m
				}
				if transB {
					tc.ldb = tc.k
				}
				a64, b64, _ := tc.operands(r)
				a, b := to32(a64), to32(b64)
				whole := make([]float32, tc.m*tc.n)
				runCase32(tc, a, b, whole)
				for _, rows := range []int{1, 2, 5, 13} {
					for i0 := 0; i0 < tc.m; i0 += rows {
						i1 := min(i0+rows, tc.m)
						if i1-i0 == 1 && transB {
							continue
						}
						part := make([]float32, (i1-i0)*tc.n)
						sub := tc
						sub.m = i1 - i0
						pa := a[i0*tc.lda:]
						if transA {
							pa = a[i0:]
						}
						runCase32(sub, pa, b, part)
						label := fmt.Sprintf("isa %v tA=%v tB=%v rows [%d,%d)", isa, transA, transB, i0, i1)
						sameBits32(t, label, part, whole[i0*tc.n:i1*tc.n])
					}
				}
			}
		}
	}
}

// The whole-depth order (wholeK) is taken where its conditions hold and
// gives the bits of the usual one, serially and split across threads.
func TestWholeKSameBits(t *testing.T) {
	defer splitSmall()()
	oldThreads := parallel.NumThreads()
	defer parallel.SetNumThreads(oldThreads)
	r := rand.New(rand.NewPCG(5, 6))
	const m, n, k = 1000, 128, 784 // the MNIST MLP's predict
	a, b := randSlice32(r, m*k), randSlice32(r, k*n)
	for _, kern := range kernels32() {
		p := call[float32]{kern: kern, m: m, n: n, k: k, lda: k, ldb: n, ldc: n}
		_, directB := p.direct()
		if !p.wholeK(directB) {
			t.Fatalf("kernel %s: %dx%dx%d does not take the whole-depth order", kern.name, m, n, k)
		}
		for _, threads := range []int{1, 2} {
			parallel.SetNumThreads(threads)
			var want, got []float32
			for _, off := range []bool{true, false} {
				noWholeK = off
				c := make([]float32, m*n)
				withKernel(kern, nil, func() { Sgemm(false, false, m, n, k, 1, a, k, b, n, 0, c, n) })
				if off {
					want = c
				} else {
					got = c
				}
			}
			noWholeK = false
			sameBits32(t, fmt.Sprintf("kernel %s threads %d", kern.name, threads), got, want)
		}
	}
}

// The pipelined shared blocks (pipeline) give the bits of packing each
// block on the caller, over several column blocks (a kernel copy with a
// narrow nc) and depth blocks, with partial last panels, and the bits of
// orderRef.
func TestPipelineSameBits(t *testing.T) {
	defer splitSmall()()
	oldThreads := parallel.NumThreads()
	defer parallel.SetNumThreads(oldThreads)
	// The whole-depth order would take these shapes instead.
	noWholeK = true
	defer func() { noWholeK = false }()
	r := rand.New(rand.NewPCG(7, 8))
	for _, base := range kernels32() {
		kern := *base
		kern.nc = 4 * kern.nr
		for _, s := range [][3]int{{301, 5*kern.nr + 3, 530}, {260, 9 * kern.nr, 257}} {
			for _, transB := range []bool{false, true} {
				tc := gemmCase{transB: transB, m: s[0], n: s[1], k: s[2], alpha: 1, beta: 0.5}
				// B's rows 512 apart are packed (see direct).
				tc.lda, tc.ldb, tc.ldc = tc.k, 512, tc.n
				if transB {
					tc.ldb = tc.k
				}
				a64, b64, c64 := tc.operands(r)
				a, b, c := to32(a64), to32(b64), to32(c64)
				want := append([]float32(nil), c...)
				orderRef(tc, a, b, want)
				p := call[float32]{kern: &kern, transB: transB, m: tc.m, n: tc.n, k: tc.k, lda: tc.lda, ldb: tc.ldb, ldc: tc.ldc}
				if _, directB := p.direct(); directB {
					t.Fatalf("kernel %s %v: B read in place, so no shared blocks", kern.name, tc)
				}
				for _, threads := range []int{2, 3} {
					parallel.SetNumThreads(threads)
					for _, off := range []bool{true, false} {
						noPipeline = off
						got := append([]float32(nil), c...)
						withKernel(&kern, nil, func() { runCase32(tc, a, b, got) })
						sameBits32(t, fmt.Sprintf("kernel %s %v threads %d pipelined %v", kern.name, tc, threads, !off), got, want)
					}
					noPipeline = false
				}
			}
		}
	}
}

// pipelineCase sets up a pipelined product at three threads for the
// tests that hook its tasks: a kernel with narrow column blocks, so that
// 301×144×530 has six blocks of B, and operands. The returned func undoes
// the settings.
func pipelineCase(seed uint64, beta float64) (kern kernel[float32], tc gemmCase, a, b, c []float32, undo func()) {
	unsplit := splitSmall()
	oldThreads := parallel.NumThreads()
	noWholeK = true
	parallel.SetNumThreads(3)
	kern = *kernels32()[0]
	kern.nc = 4 * kern.nr
	tc = gemmCase{m: 301, n: 9 * kern.nr, k: 530, alpha: 1, beta: beta}
	tc.lda, tc.ldb, tc.ldc = tc.k, 512, tc.n
	a64, b64, c64 := tc.operands(rand.New(rand.NewPCG(seed, seed+1)))
	return kern, tc, to32(a64), to32(b64), to32(c64), func() {
		stepHook, noWholeK = nil, false
		parallel.SetNumThreads(oldThreads)
		unsplit()
	}
}

// TestPipelineWaits holds back one task of the pipeline while the other
// workers run ahead: the first unit of the first block (its buffer must not
// be packed again, nor its rows multiplied by a later block, until it is
// done), or the packing part of the fifth block's first panel (part 1 of
// six: part 0 has none), whose buffer holds the second block (no unit may
// multiply by a block before it is whole).
func TestPipelineWaits(t *testing.T) {
	kern, tc, a, b, c, undo := pipelineCase(9, 0.5)
	defer undo()
	want := append([]float32(nil), c...)
	orderRef(tc, a, b, want)
	for _, hold := range []struct {
		pack     bool
		blk, idx int
	}{{false, 0, 0}, {true, 4, 1}} {
		held := make(chan struct{}, 1)
		stepHook = func(pack bool, blk, idx int) {
			if pack == hold.pack && blk == hold.blk && idx == hold.idx {
				held <- struct{}{}
				time.Sleep(50 * time.Millisecond)
			}
		}
		got := append([]float32(nil), c...)
		withKernel(&kern, nil, func() { runCase32(tc, a, b, got) })
		select {
		case <-held:
		default:
			t.Fatalf("%+v: the pipeline never ran that task", hold)
		}
		sameBits32(t, fmt.Sprintf("kernel %s %v, task %+v held back", kern.name, tc, hold), got, want)
	}
}

// TestPipelinePanics has a task of the pipeline panic: the product must
// re-raise that panic on the caller, not leave the other workers waiting
// for the task for ever.
func TestPipelinePanics(t *testing.T) {
	kern, tc, a, b, c, undo := pipelineCase(11, 0)
	defer undo()
	stepHook = func(pack bool, blk, idx int) {
		if !pack && blk == 1 && idx == 0 {
			panic("task failed")
		}
	}
	got := func() (r any) {
		defer func() { r = recover() }()
		withKernel(&kern, nil, func() { runCase32(tc, a, b, c) })
		return nil
	}()
	if got != "task failed" {
		t.Fatalf("product with a failing task: recovered %v, want the task's panic", got)
	}
	// The pool still works afterwards (beta is 0: C's old values do not
	// count).
	stepHook = nil
	want := append([]float32(nil), c...)
	orderRef(tc, a, b, want)
	withKernel(&kern, nil, func() { runCase32(tc, a, b, c) })
	sameBits32(t, "after a failed product", c, want)
}
