//go:build openblas && cgo && linux && amd64

// Command vsblas times tensorgo's Sgemm against OpenBLAS's cblas_sgemm in one
// process, a burst of products of each in turn on the same operands, and
// reports the median of the per-pair speed ratios. The development machines'
// speed drifts by ±10% from minute to minute, so two benchmarks run one after
// the other (go test -bench, then the anchors' w6_gemm.py) can disagree by
// more than the difference being measured; pairs taken milliseconds apart
// cannot.
//
// It links Debian's OpenBLAS (libopenblas0-pthread) and needs cgo, so it
// builds only with the openblas tag:
//
//	go run -tags openblas ./internal/gemm/vsblas -sizes 256,512,1024,2048
//	TENSORGO_ISA=avx2 OPENBLAS_CORETYPE=Haswell go run -tags openblas ./internal/gemm/vsblas
//
// OPENBLAS_CORETYPE chooses OpenBLAS's kernel; set it empty for the one it
// detects (some environments preset it).
//
// Each library runs its products in bursts, back to back as a training loop
// would, and a burst is timed by the median of its calls after the first.
// Between bursts vsblas pauses for 2 ms, long enough for the other
// library's idle threads to stop spinning: at two threads, a product that
// follows the other library's takes a core from it otherwise (tensorgo's
// workers poll for 100 µs, a third of the time OpenBLAS takes for n = 256
// at two threads; OpenBLAS's spin for 2^28 cycles by default). So vsblas
// runs itself again with OPENBLAS_THREAD_TIMEOUT=20 (2^20 cycles, under
// half a millisecond, read by OpenBLAS when it loads) unless that is set
// already.
package main

/*
#cgo LDFLAGS: -L/usr/lib/x86_64-linux-gnu/openblas-pthread -l:libopenblas.so.0 -Wl,-rpath,/usr/lib/x86_64-linux-gnu/openblas-pthread
void cblas_sgemm(int order, int ta, int tb, int m, int n, int k, float alpha, const float *a, int lda, const float *b, int ldb, float beta, float *c, int ldc);
void openblas_set_num_threads(int);
char* openblas_get_corename(void);
*/
import "C"

import (
	"flag"
	"fmt"
	"math/rand/v2"
	"os"
	"runtime"
	"slices"
	"strings"
	"syscall"
	"time"

	"github.com/tensorgo/tensorgo/internal/cpu"
	"github.com/tensorgo/tensorgo/internal/gemm"
	"github.com/tensorgo/tensorgo/internal/parallel"
)

// cblas_sgemm's enumerations.
const (
	rowMajor = 101
	noTrans  = 111
)

func main() {
	sizes := flag.String("sizes", "256,512,1024,2048", "comma-separated sizes: n (square) or MxNxK")
	secs := flag.Float64("t", 3, "seconds of pairs per size")
	threads := flag.Int("threads", 1, "threads for both libraries")
	beta := flag.Float64("beta", 0, "C = A·B + beta·C")
	flag.Parse()
	if *threads > 1 && os.Getenv("OPENBLAS_THREAD_TIMEOUT") == "" {
		if exe, err := os.Executable(); err == nil {
			env := append(os.Environ(), "OPENBLAS_THREAD_TIMEOUT=20")
			err = syscall.Exec(exe, os.Args, env)
			fmt.Fprintln(os.Stderr, "vsblas: running again with OPENBLAS_THREAD_TIMEOUT=20:", err)
		}
	}
	// As many Go threads as the product uses: with a spare P, the runtime
	// hands it between threads around each long cgo call, and on a Xeon
	// (Emerald Rapids) the tensorgo product after it then ran 5–10% slower
	// at one thread than one right after another tensorgo product.
	runtime.GOMAXPROCS(*threads)
	C.openblas_set_num_threads(C.int(*threads))
	parallel.SetNumThreads(*threads)
	fmt.Printf("tensorgo %s, OpenBLAS %s, %d thread(s)\n", cpu.Selected(), C.GoString(C.openblas_get_corename()), *threads)
	for _, s := range strings.Split(*sizes, ",") {
		var m, n, k int
		if _, err := fmt.Sscanf(s, "%dx%dx%d", &m, &n, &k); err != nil {
			if _, err := fmt.Sscanf(s, "%d", &n); err != nil || n <= 0 {
				fmt.Fprintf(os.Stderr, "vsblas: bad size %q\n", s)
				os.Exit(2)
			}
			m, k = n, n
		}
		pair(s, m, n, k, float32(*beta), *secs)
	}
}

// pair times products C = A·B + beta·C of both libraries in turn for secs
// seconds (and at least five pairs) and prints the medians.
func pair(name string, m, n, k int, beta float32, secs float64) {
	r := rand.New(rand.NewPCG(1, 2))
	a, b := make([]float32, m*k), make([]float32, k*n)
	for i := range a {
		a[i] = r.Float32() - 0.5
	}
	for i := range b {
		b[i] = r.Float32() - 0.5
	}
	c1, c2 := make([]float32, m*n), make([]float32, m*n)
	gflop := 2 * float64(m) * float64(n) * float64(k) / 1e9
	ours := func() {
		gemm.Sgemm(false, false, m, n, k, 1, a, k, b, n, beta, c1, n)
	}
	theirs := func() {
		C.cblas_sgemm(rowMajor, noTrans, noTrans, C.int(m), C.int(n), C.int(k), 1,
			(*C.float)(&a[0]), C.int(k), (*C.float)(&b[0]), C.int(n), C.float(beta), (*C.float)(&c2[0]), C.int(n))
	}
	// Warm-up: first touches, buffers, and the length of a burst (twice
	// the burst over one call of each is the burst over one call).
	t0 := time.Now()
	ours()
	theirs()
	reps := max(2, int(burst.Seconds()/time.Since(t0).Seconds()*2))
	var tg, ob, ratio []float64
	start := time.Now()
	for time.Since(start).Seconds() < secs || len(ratio) < 5 {
		g1, g2 := gflop/run(ours, reps), gflop/run(theirs, reps)
		tg, ob, ratio = append(tg, g1), append(ob, g2), append(ratio, g1/g2)
	}
	fmt.Printf("%s pairs=%d tensorgo=%.1f openblas=%.1f GFLOP/s (medians) ratio=%.3f (median of pairs, IQR %.3f-%.3f)\n",
		name, len(ratio), median(tg), median(ob), median(ratio), quantile(ratio, 0.25), quantile(ratio, 0.75))
}

// burst is about how long each library runs its products back to back
// before the other takes over.
const burst = 10 * time.Millisecond

// run pauses, calls f reps times back to back and returns the median
// seconds of the calls after the first, which pays for waking the threads
// and for the operands the other library left in other caches.
func run(f func(), reps int) float64 {
	time.Sleep(2 * time.Millisecond)
	f()
	t := make([]float64, reps-1)
	for i := range t {
		t0 := time.Now()
		f()
		t[i] = time.Since(t0).Seconds()
	}
	return median(t)
}

func median(x []float64) float64 { return quantile(x, 0.5) }

func quantile(x []float64, q float64) float64 {
	y := slices.Clone(x)
	slices.Sort(y)
	return y[int(q*float64(len(y)-1)+0.5)]
}
