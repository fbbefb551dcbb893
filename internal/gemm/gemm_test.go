package gemm

import (
	"fmt"
	"math"
	"math/rand/v2"
	"strings"
	"testing"

	"github.com/tensorgo/tensorgo/internal/parallel"
)

// splitSmall lowers the size above which products are split across
// threads, so that the tests' small shapes cover the parallel paths; it
// returns the function that restores it.
func splitSmall() func() {
	old := serialFlops
	serialFlops = 1 << 15
	return func() { serialFlops = old }
}

// withKernel runs f with the float32 and float64 kernels forced to the given
// ones, restoring the defaults afterwards.
func withKernel(k32 *kernel[float32], k64 *kernel[float64], f func()) {
	o32, o64 := s32.forced, s64.forced
	if k32 != nil {
		s32.forced = k32
	}
	if k64 != nil {
		s64.forced = k64
	}
	defer func() { s32.forced, s64.forced = o32, o64 }()
	f()
}

type gemmCase struct {
	transA, transB bool
	m, n, k        int
	lda, ldb, ldc  int
	alpha, beta    float64
}

func (tc gemmCase) String() string {
	return fmt.Sprintf("tA=%v tB=%v m=%d n=%d k=%d lda=%d ldb=%d ldc=%d alpha=%g beta=%g",
		tc.transA, tc.transB, tc.m, tc.n, tc.k, tc.lda, tc.ldb, tc.ldc, tc.alpha, tc.beta)
}

func randCase(r *rand.Rand, maxDim int) gemmCase {
	tc := gemmCase{transA: r.IntN(2) == 1, transB: r.IntN(2) == 1,
		m: 1 + r.IntN(maxDim), n: 1 + r.IntN(maxDim), k: 1 + r.IntN(maxDim)}
	switch r.IntN(10) { // matrix-vector products take their own path
	case 0:
		tc.m = 1
	case 1:
		tc.n = 1
	}
	ac, bc := tc.k, tc.n
	if tc.transA {
		ac = tc.m
	}
	if tc.transB {
		bc = tc.k
	}
	tc.lda, tc.ldb, tc.ldc = ac, bc, tc.n
	if r.IntN(2) == 0 {
		tc.lda += r.IntN(9)
		tc.ldb += r.IntN(9)
		tc.ldc += r.IntN(9)
	}
	alphas := []float64{1, -0.5, 2.25}
	betas := []float64{0, 1, -1.5}
	tc.alpha = alphas[r.IntN(len(alphas))]
	tc.beta = betas[r.IntN(len(betas))]
	return tc
}

// operands makes A, B, C for a case, in float64, filled with random values
// (C's unused padding too, so that a kernel writing outside its rows shows).
func (tc gemmCase) operands(r *rand.Rand) (a, b, c []float64) {
	rows := func(trans bool, r0, c0 int) int {
		if trans {
			return c0
		}
		return r0
	}
	fill := func(n int) []float64 {
		x := make([]float64, n)
		for i := range x {
			x[i] = r.Float64()*2 - 1
		}
		return x
	}
	a = fill(rows(tc.transA, tc.m, tc.k) * tc.lda)
	b = fill(rows(tc.transB, tc.k, tc.n) * tc.ldb)
	c = fill(tc.m*tc.ldc + guard)
	return a, b, c
}

// reference computes C in float64 with the naive loop and a bound on the
// rounding error of a float32 or float64 result at each element.
func (tc gemmCase) reference(a, b, c []float64) (want, bound []float64) {
	want = append([]float64(nil), c...)
	naive(tc.transA, tc.transB, tc.m, tc.n, tc.k, tc.alpha, a, tc.lda, b, tc.ldb, tc.beta, want, tc.ldc)
	absA := make([]float64, len(a))
	for i, v := range a {
		absA[i] = math.Abs(v)
	}
	absB := make([]float64, len(b))
	for i, v := range b {
		absB[i] = math.Abs(v)
	}
	bound = make([]float64, len(c))
	naive(tc.transA, tc.transB, tc.m, tc.n, tc.k, math.Abs(tc.alpha), absA, tc.lda, absB, tc.ldb, 0, bound, tc.ldc)
	for i := range bound {
		bound[i] += math.Abs(tc.beta * c[i])
	}
	return want, bound
}

func to32(x []float64) []float32 {
	y := make([]float32, len(x))
	for i, v := range x {
		y[i] = float32(v)
	}
	return y
}

// guard is how many elements past the end of C the tests fill and then
// check for stray writes.
const guard = 64

// check compares got against want within rel*bound (plus a hair) and also
// that padding columns of C were left alone.
func (tc gemmCase) check(t *testing.T, label string, got, want, bound, c0 []float64, rel float64) {
	t.Helper()
	for x := tc.m * tc.ldc; x < len(got); x++ {
		if got[x] != c0[x] {
			t.Fatalf("%s %v: element %d past the end of C changed", label, tc, x-tc.m*tc.ldc)
		}
	}
	for i := 0; i < tc.m; i++ {
		for j := 0; j < tc.ldc; j++ {
			x := i*tc.ldc + j
			if j >= tc.n {
				if got[x] != c0[x] {
					t.Fatalf("%s %v: padding C[%d][%d] changed: %g -> %g", label, tc, i, j, c0[x], got[x])
				}
				continue
			}
			if d := math.Abs(got[x] - want[x]); d > rel*bound[x]+1e-30 || math.IsNaN(got[x]) {
				t.Fatalf("%s %v: C[%d][%d] = %g, want %g (|diff| %g > %g)", label, tc, i, j, got[x], want[x], d, rel*bound[x])
			}
		}
	}
}

func runCase32(tc gemmCase, a, b, c []float32) {
	Sgemm(tc.transA, tc.transB, tc.m, tc.n, tc.k, float32(tc.alpha), a, tc.lda, b, tc.ldb, float32(tc.beta), c, tc.ldc)
}

func widen(x []float32) []float64 {
	y := make([]float64, len(x))
	for i, v := range x {
		y[i] = float64(v)
	}
	return y
}

// TestSgemmKernels checks every float32 kernel this CPU can run, at 1 and 2
// threads, on random shapes up to 300 in all transpose combinations, against
// the naive loop; the assembly kernels are also compared with the Go one.
func TestSgemmKernels(t *testing.T) {
	defer splitSmall()()
	oldThreads := parallel.NumThreads()
	defer parallel.SetNumThreads(oldThreads)
	defer func() { forcePack = false }()
	cases := 60
	if testing.Short() {
		cases = 15
	}
	for _, kern := range kernels32() {
		for _, threads := range []int{1, 2} {
			parallel.SetNumThreads(threads)
			r := rand.New(rand.NewPCG(1, uint64(threads)))
			for i := 0; i < cases; i++ {
				maxDim := 300
				if i%3 != 0 {
					maxDim = 70 // many small shapes: edge tiles and in-place paths
				}
				tc := randCase(r, maxDim)
				a64, b64, c64 := tc.operands(r)
				// Round the inputs to float32 so the float64 reference sees the same values.
				a, b, c := to32(a64), to32(b64), to32(c64)
				a64, b64, c64 = widen(a), widen(b), widen(c)
				want, bound := tc.reference(a64, b64, c64)
				got := append([]float32(nil), c...)
				forcePack = i%2 == 1
				withKernel(kern, nil, func() { runCase32(tc, a, b, got) })
				label := fmt.Sprintf("kernel %s threads %d packed %v", kern.name, threads, forcePack)
				tc.check(t, label, widen(got), want, bound, c64, 2e-6*float64(tc.k+2))
				if kern.name != "go" {
					ref := append([]float32(nil), c...)
					withKernel(&goKernel32, nil, func() { runCase32(tc, a, b, ref) })
					tc.check(t, label+" vs go", widen(got), widen(ref), bound, c64, 4e-6*float64(tc.k+2))
				}
				forcePack = false
			}
		}
	}
}

func TestDgemmKernels(t *testing.T) {
	defer splitSmall()()
	oldThreads := parallel.NumThreads()
	defer parallel.SetNumThreads(oldThreads)
	defer func() { forcePack = false }()
	cases := 40
	if testing.Short() {
		cases = 10
	}
	for _, kern := range kernels64() {
		for _, threads := range []int{1, 2} {
			parallel.SetNumThreads(threads)
			r := rand.New(rand.NewPCG(2, uint64(threads)))
			for i := 0; i < cases; i++ {
				maxDim := 300
				if i%3 != 0 {
					maxDim = 50
				}
				tc := randCase(r, maxDim)
				a, b, c := tc.operands(r)
				want, bound := tc.reference(a, b, c)
				got := append([]float64(nil), c...)
				forcePack = i%2 == 1
				withKernel(nil, kern, func() {
					Dgemm(tc.transA, tc.transB, tc.m, tc.n, tc.k, tc.alpha, a, tc.lda, b, tc.ldb, tc.beta, got, tc.ldc)
				})
				tc.check(t, "kernel "+kern.name, got, want, bound, c, 4e-15*float64(tc.k+2))
			}
		}
	}
}

// TestShapes covers shapes that hit each in-place/packed path and each edge:
// the MLP shapes, matrix-vector products, and sizes around the tile sizes.
func TestShapes(t *testing.T) {
	defer splitSmall()()
	oldThreads := parallel.NumThreads()
	defer parallel.SetNumThreads(oldThreads)
	shapes := [][3]int{{32, 128, 784}, {32, 10, 128}, {784, 128, 32}, {128, 10, 32}, {32, 784, 128}, {32, 128, 10},
		{1, 500, 300}, {500, 1, 300}, {300, 300, 1}, {1, 1, 1000}, {13, 33, 257}, {12, 32, 256}, {25, 65, 513}, {97, 31, 7},
		{333, 290, 301}, {70, 700, 260}} // the last two are split into several units per thread
	r := rand.New(rand.NewPCG(3, 0))
	for _, s := range shapes {
		for _, tr := range [][2]bool{{false, false}, {true, false}, {false, true}, {true, true}} {
			tc := gemmCase{transA: tr[0], transB: tr[1], m: s[0], n: s[1], k: s[2], alpha: 1, beta: 0.5}
			tc.lda, tc.ldb, tc.ldc = tc.k, tc.n, tc.n
			if tc.transA {
				tc.lda = tc.m
			}
			if tc.transB {
				tc.ldb = tc.k
			}
			a64, b64, c64 := tc.operands(r)
			a, b, c := to32(a64), to32(b64), to32(c64)
			a64, b64, c64 = widen(a), widen(b), widen(c)
			want, bound := tc.reference(a64, b64, c64)
			for _, kern := range kernels32() {
				for _, threads := range []int{1, 2, 3} {
					parallel.SetNumThreads(threads)
					got := append([]float32(nil), c...)
					withKernel(kern, nil, func() { runCase32(tc, a, b, got) })
					label := fmt.Sprintf("kernel %s threads %d", kern.name, threads)
					tc.check(t, label, widen(got), want, bound, c64, 2e-6*float64(tc.k+2))
				}
			}
		}
	}
}

func TestEmptyDims(t *testing.T) {
	c := []float32{1, 2, 3, 4, 5, 6}
	// k = 0: C = beta*C.
	Sgemm(false, false, 2, 3, 0, 1, nil, 1, nil, 3, 2, c, 3)
	for i, v := range []float32{2, 4, 6, 8, 10, 12} {
		if c[i] != v {
			t.Fatalf("k=0, beta=2: c = %v", c)
		}
	}
	// k = 0 and beta = 0: C = 0 even when it held NaN.
	c[0] = float32(math.NaN())
	Sgemm(false, false, 2, 3, 0, 1, nil, 1, nil, 3, 0, c, 3)
	for _, v := range c {
		if v != 0 {
			t.Fatalf("k=0, beta=0: c = %v", c)
		}
	}
	// m = 0 and n = 0 touch nothing.
	d := []float64{7}
	Dgemm(false, false, 0, 1, 5, 1, nil, 5, make([]float64, 5), 1, 0, d, 1)
	Dgemm(false, false, 1, 0, 5, 1, make([]float64, 5), 5, nil, 1, 0, d, 1)
	if d[0] != 7 {
		t.Fatalf("m=0 or n=0 changed C: %v", d)
	}
	// beta = 0 must not read C: NaN in C does not leak into the result.
	for _, kern := range kernels32() {
		for _, size := range []int{3, 40, 100} {
			a := make([]float32, size*size)
			for i := range a {
				a[i] = 1
			}
			c := make([]float32, size*size)
			for i := range c {
				c[i] = float32(math.NaN())
			}
			withKernel(kern, nil, func() { Sgemm(false, false, size, size, size, 1, a, size, a, size, 0, c, size) })
			for _, v := range c {
				if v != float32(size) {
					t.Fatalf("kernel %s size %d: beta=0 read C: got %g", kern.name, size, v)
				}
			}
		}
	}
}

func TestBadArgsPanic(t *testing.T) {
	for _, tc := range []struct {
		name string
		f    func()
		want string
	}{
		{"short A", func() {
			Sgemm(false, false, 2, 2, 2, 1, make([]float32, 3), 2, make([]float32, 4), 2, 0, make([]float32, 4), 2)
		}, "A has 3 elements, need 4"},
		{"small ldb", func() {
			Sgemm(false, true, 2, 3, 2, 1, make([]float32, 4), 2, make([]float32, 6), 1, 0, make([]float32, 6), 3)
		}, "B stride 1 < 2"},
		{"negative", func() { Dgemm(false, false, -1, 2, 2, 1, nil, 2, nil, 2, 0, nil, 2) }, "negative size"},
	} {
		func() {
			defer func() {
				r := recover()
				if s, _ := r.(string); !strings.Contains(s, tc.want) {
					t.Errorf("%s: panic %v, want it to contain %q", tc.name, r, tc.want)
				}
			}()
			tc.f()
		}()
	}
}

// TestNoAllocs checks that steady-state calls, serial and parallel, reuse
// their buffers.
func TestNoAllocs(t *testing.T) {
	defer splitSmall()()
	if raceEnabled {
		t.Skip("the race detector makes sync.Pool drop items")
	}
	oldThreads := parallel.NumThreads()
	defer parallel.SetNumThreads(oldThreads)
	parallel.SetNumThreads(2)
	for _, n := range []int{16, 200, 600} { // 600: pipelined shared blocks
		a := make([]float32, n*n)
		c := make([]float32, n*n)
		Sgemm(false, false, n, n, n, 1, a, n, a, n, 0, c, n)
		allocs := testing.AllocsPerRun(20, func() { Sgemm(false, true, n, n, n, 1, a, n, a, n, 0, c, n) })
		if allocs > 0.5 {
			t.Errorf("n=%d: %.1f allocations per call", n, allocs)
		}
	}
}

// TestTranspose checks the packing transposes, assembly and scalar, on every
// row count and column count around their block sizes.
func TestTranspose(t *testing.T) {
	for _, kern := range kernels32() {
		testTranspose(t, kern)
	}
	for _, kern := range kernels64() {
		testTranspose(t, kern)
	}
}

func testTranspose[T float](t *testing.T, kern *kernel[T]) {
	for rows := 1; rows <= 20; rows++ {
		for kc := 1; kc <= 40; kc++ {
			// dst rows of exactly the panel's height too (as packing writes).
			ldd := rows + 5
			if kc%2 == 0 {
				ldd = rows
			}
			ld := kc + 3
			src := make([]T, rows*ld)
			for i := range src {
				src[i] = T(i + 1)
			}
			dst := make([]T, kc*ldd)
			transpose(kern, dst, ldd, src, ld, rows, kc)
			for p := 0; p < kc; p++ {
				for r := 0; r < ldd; r++ {
					want := T(0)
					if r < rows {
						want = src[r*ld+p]
					}
					if got := dst[p*ldd+r]; got != want {
						t.Fatalf("kernel %s rows %d kc %d: dst[%d][%d] = %g, want %g", kern.name, rows, kc, p, r, got, want)
					}
				}
			}
		}
	}
}
