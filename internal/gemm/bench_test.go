package gemm

import (
	"fmt"
	"math/rand/v2"
	"slices"
	"testing"
	"time"

	"github.com/tensorgo/tensorgo/internal/parallel"
	"github.com/tensorgo/tensorgo/internal/vec"
)

func randSlice32(r *rand.Rand, n int) []float32 {
	x := make([]float32, n)
	for i := range x {
		x[i] = float32(r.NormFloat64())
	}
	return x
}

// benchGemm runs one Sgemm shape and reports GFLOP/s.
func benchGemm(b *testing.B, threads int, transA, transB bool, m, n, k int) {
	old := parallel.NumThreads()
	parallel.SetNumThreads(threads)
	defer parallel.SetNumThreads(old)
	r := rand.New(rand.NewPCG(1, 2))
	x := randSlice32(r, m*k)
	y := randSlice32(r, k*n)
	c := make([]float32, m*n)
	lda, ldb := k, n
	if transA {
		lda = m
	}
	if transB {
		ldb = k
	}
	Sgemm(transA, transB, m, n, k, 1, x, lda, y, ldb, 0, c, n)
	times := make([]time.Duration, 0, 1<<16)
	b.ResetTimer()
	for b.Loop() {
		t0 := time.Now()
		Sgemm(transA, transB, m, n, k, 1, x, lda, y, ldb, 0, c, n)
		if len(times) < cap(times) {
			times = append(times, time.Since(t0))
		}
	}
	flops := 2 * float64(m) * float64(n) * float64(k)
	b.ReportMetric(flops*float64(b.N)/b.Elapsed().Seconds()/1e9, "GFLOP/s")
	// The median product as well, the statistic the OpenBLAS anchor
	// (w6_gemm.py) reports: on a virtual machine a few slow products, the
	// host's doing, pull the mean down.
	slices.Sort(times)
	b.ReportMetric(flops/times[len(times)/2].Seconds()/1e9, "median-GFLOP/s")
}

// BenchmarkMatMul is square float32 C = A·B at 1 and 2 threads, the figure
// compared with OpenBLAS.
func BenchmarkMatMul(b *testing.B) {
	for _, n := range []int{128, 256, 512, 1024, 2048} {
		for _, threads := range []int{1, 2} {
			b.Run(fmt.Sprintf("n=%d/threads=%d", n, threads), func(b *testing.B) {
				benchGemm(b, threads, false, false, n, n, n)
			})
		}
	}
}

// BenchmarkMatMulMLP is the products of an MNIST MLP step (batch 32,
// 784-128-10): forward, weight gradients (A^T·B) and input gradients (A·B^T).
// Names give m×k×n.
func BenchmarkMatMulMLP(b *testing.B) {
	shapes := []struct {
		name           string
		transA, transB bool
		m, n, k        int
	}{
		{"fwd1_32x784x128", false, false, 32, 128, 784},
		{"fwd2_32x128x10", false, false, 32, 10, 128},
		{"dW1_784x32x128", true, false, 784, 128, 32},
		{"dW2_128x32x10", true, false, 128, 10, 32},
		{"dX1_32x128x784", false, true, 32, 784, 128},
		{"dX2_32x10x128", false, true, 32, 128, 10},
	}
	for _, s := range shapes {
		for _, threads := range []int{1, 2} {
			b.Run(fmt.Sprintf("%s/threads=%d", s.name, threads), func(b *testing.B) {
				benchGemm(b, threads, s.transA, s.transB, s.m, s.n, s.k)
			})
		}
	}
}

// BenchmarkMatVec is matrix-vector products, which must not fall off a cliff.
func BenchmarkMatVec(b *testing.B) {
	b.Run("1024x1024·v", func(b *testing.B) { benchGemm(b, 1, false, false, 1024, 1, 1024) })
	b.Run("vT·1024x1024", func(b *testing.B) { benchGemm(b, 1, false, false, 1, 1024, 1024) })
}

// BenchmarkKernels is n=512 on one thread with each kernel this CPU can run.
func BenchmarkKernels(b *testing.B) {
	for _, k := range kernels32() {
		b.Run("float32/"+k.name, func(b *testing.B) {
			withKernel(k, nil, func() { benchGemm(b, 1, false, false, 512, 512, 512) })
		})
	}
	for _, k := range kernels64() {
		b.Run("float64/"+k.name, func(b *testing.B) {
			withKernel(nil, k, func() { benchDgemm(b, 512) })
		})
	}
}

func benchDgemm(b *testing.B, n int) {
	old := parallel.NumThreads()
	parallel.SetNumThreads(1)
	defer parallel.SetNumThreads(old)
	r := rand.New(rand.NewPCG(1, 2))
	x := make([]float64, n*n)
	for i := range x {
		x[i] = r.NormFloat64()
	}
	c := make([]float64, n*n)
	for b.Loop() {
		Dgemm(false, false, n, n, n, 1, x, n, x, n, 0, c, n)
	}
	b.ReportMetric(2*float64(n*n*n)*float64(b.N)/b.Elapsed().Seconds()/1e9, "GFLOP/s")
}

// BenchmarkKernelL1 runs each float32 micro-kernel alone on L1-resident
// panels (k = 256): the ceiling the blocked product can approach.
func BenchmarkKernelL1(b *testing.B) {
	for _, k := range kernels32() {
		b.Run(k.name, func(b *testing.B) {
			kc := 256
			a := aligned[float32](nil, k.mr*kc)
			bb := aligned[float32](nil, k.nr*kc)
			c := aligned[float32](nil, k.mr*k.nr)
			// Random values: zeros would take the Go kernels' shortest path.
			r := rand.New(rand.NewPCG(5, 5))
			for i := range a {
				a[i] = float32(r.NormFloat64())
			}
			for i := range bb {
				bb[i] = float32(r.NormFloat64())
			}
			for b.Loop() {
				k.fn(kc, &a[0], 1, k.mr, &bb[0], k.nr, &c[0], k.nr, 1, 0)
			}
			b.ReportMetric(2*float64(k.mr*k.nr*kc)*float64(b.N)/b.Elapsed().Seconds()/1e9, "GFLOP/s")
		})
	}
}

// BenchmarkMatMulCNN is the products of the MNIST CNN's second convolution
// at batch 32 (im2col: 3872 output pixels, 288 = 3·3·32 taps, 64 filters):
// forward, the filter gradient (A^T·B) and the input gradient (A·B^T), with
// a square product beside them. Names give m×k×n.
func BenchmarkMatMulCNN(b *testing.B) {
	shapes := []struct {
		name           string
		transA, transB bool
		m, n, k        int
	}{
		{"fwd_3872x288x64", false, false, 3872, 64, 288},
		{"dW_288x3872x64", true, false, 288, 64, 3872},
		{"dX_3872x64x288", false, true, 3872, 288, 64},
		{"conv1fwd_21632x9x32", false, false, 21632, 32, 9},
		{"conv1dW_9x21632x32", true, false, 9, 32, 21632},
		{"square_512", false, false, 512, 512, 512},
	}
	for _, s := range shapes {
		b.Run(s.name, func(b *testing.B) {
			benchGemm(b, 1, s.transA, s.transB, s.m, s.n, s.k)
		})
	}
}

// BenchmarkMatMulPredict is the products of MLP Predict at batch 1000
// (w7_infer.py's mlp variant): the hidden layer and the output layer.
func BenchmarkMatMulPredict(b *testing.B) {
	for _, s := range []struct {
		name    string
		m, n, k int
	}{{"hidden_1000x784x128", 1000, 128, 784}, {"out_1000x128x10", 1000, 10, 128}} {
		for _, threads := range []int{1, 2} {
			b.Run(fmt.Sprintf("%s/threads=%d", s.name, threads), func(b *testing.B) {
				benchGemm(b, threads, false, false, s.m, s.n, s.k)
			})
		}
	}
}

// BenchmarkBiasActFusion times SgemmBiasAct against Sgemm followed by a
// pass of vec.BiasAct over C, one after the other in turn, and reports the
// median of the pairs' ratios (fused/apart), which the host's drift cannot
// skew. Names give m×k×n.
func BenchmarkBiasActFusion(b *testing.B) {
	for _, s := range []struct {
		name    string
		m, n, k int
	}{
		{"predict_1000x784x128", 1000, 128, 784},
		{"predict_1000x128x10", 1000, 10, 128},
		{"train_32x784x128", 32, 128, 784},
		{"im2col_28800x27x96", 28800, 96, 27},
		{"pointwise_32768x16x16", 32768, 16, 16},
		{"im2col_8192x576x128", 8192, 128, 576},
	} {
		r := rand.New(rand.NewPCG(1, 2))
		x, y := randSlice32(r, s.m*s.k), randSlice32(r, s.k*s.n)
		bias, c := randSlice32(r, s.n), make([]float32, s.m*s.n)
		b.Run(s.name, func(b *testing.B) {
			var ratios []float64
			for b.Loop() {
				t0 := time.Now()
				SgemmBiasAct(false, false, s.m, s.n, s.k, 1, x, s.k, y, s.n, 0, c, s.n, bias, true)
				t1 := time.Now()
				Sgemm(false, false, s.m, s.n, s.k, 1, x, s.k, y, s.n, 0, c, s.n)
				parallel.For(s.m, max(1, (1<<14)/s.n), func(lo, hi int) { vec.BiasAct(c[lo*s.n:hi*s.n], bias, true) })
				ratios = append(ratios, float64(t1.Sub(t0))/float64(time.Since(t1)))
			}
			slices.Sort(ratios)
			b.ReportMetric(ratios[len(ratios)/2], "fused/apart")
		})
	}
}
