package gemm

import (
	"fmt"
	"math/rand/v2"
	"testing"

	"github.com/tensorgo/tensorgo/internal/cpu"
	"github.com/tensorgo/tensorgo/internal/parallel"
)

// TestBiasActSameBits checks that SgemmBiasAct and DgemmBiasAct give the
// bits of the product followed by the bias and the ReLU, on every path:
// tiles, edges, in-place and packed operands, whole-depth B, the row and
// column splits, the thin and matrix-vector products and k = 0; and that
// they leave C's padding columns alone.
func TestBiasActSameBits(t *testing.T) {
	defer splitSmall()()
	oldThreads, oldISA := parallel.NumThreads(), cpu.Selected()
	defer parallel.SetNumThreads(oldThreads)
	defer cpu.Set(oldISA)
	defer func() { forcePack = false }()
	shapes := append([][3]int{{300, 6, 50}, {20, 700, 64}, {64, 128, 0}, {1000, 10, 128}}, determinismShapes...)
	r := rand.New(rand.NewPCG(21, 0))
	for _, s := range shapes {
		for _, tr := range [][2]bool{{false, false}, {true, false}, {false, true}} {
			tc := gemmCase{transA: tr[0], transB: tr[1], m: s[0], n: s[1], k: s[2], alpha: 1}
			tc.lda, tc.ldb, tc.ldc = max(1, tc.k), tc.n, tc.n+3
			if tc.transA {
				tc.lda = tc.m
			}
			if tc.transB {
				tc.ldb = max(1, tc.k)
			}
			a64, b64, c64 := tc.operands(r)
			bias64 := make([]float64, tc.n)
			for i := range bias64 {
				bias64[i] = r.Float64() - 0.5
			}
			a, b, c, bias := to32(a64), to32(b64), to32(c64), to32(bias64)
			for _, relu := range []bool{false, true} {
				for _, beta := range []float64{0, 1} {
					tc.beta = beta
					want := append([]float32(nil), c...)
					runCase32(tc, a, b, want)
					want64 := append([]float64(nil), c64...)
					Dgemm(tc.transA, tc.transB, tc.m, tc.n, tc.k, 1, a64, tc.lda, b64, tc.ldb, beta, want64, tc.ldc)
					for i := 0; i < tc.m; i++ {
						for j := 0; j < tc.n; j++ {
							v, v64 := want[i*tc.ldc+j]+bias[j], want64[i*tc.ldc+j]+bias64[j]
							if relu {
								v, v64 = max(v, 0), max(v64, 0)
							}
							want[i*tc.ldc+j], want64[i*tc.ldc+j] = v, v64
						}
					}
					for _, isa := range cpu.Available() {
						cpu.Set(isa)
						for _, threads := range []int{1, 2, 3} {
							parallel.SetNumThreads(threads)
							for _, pack := range []bool{false, true} {
								forcePack = pack
								label := fmt.Sprintf("%v relu %v isa %v threads %d packed %v", tc, relu, isa, threads, pack)
								got := append([]float32(nil), c...)
								SgemmBiasAct(tc.transA, tc.transB, tc.m, tc.n, tc.k, 1, a, tc.lda, b, tc.ldb, float32(beta), got, tc.ldc, bias, relu)
								sameBits32(t, "SgemmBiasAct "+label, got, want)
								got64 := append([]float64(nil), c64...)
								DgemmBiasAct(tc.transA, tc.transB, tc.m, tc.n, tc.k, 1, a64, tc.lda, b64, tc.ldb, beta, got64, tc.ldc, bias64, relu)
								for i := range got64 {
									if got64[i] != want64[i] {
										t.Fatalf("DgemmBiasAct %s: c[%d] = %v, want %v", label, i, got64[i], want64[i])
									}
								}
							}
						}
					}
					forcePack = false
				}
			}
		}
	}
}

func TestBiasActShortBiasPanics(t *testing.T) {
	defer func() {
		if r := recover(); r == nil || fmt.Sprint(r) != "gemm.SgemmBiasAct: bias has 3 elements, need 4" {
			t.Errorf("panic %v, want the bias's length named", r)
		}
	}()
	SgemmBiasAct(false, false, 2, 4, 3, 1, make([]float32, 6), 3, make([]float32, 12), 4, 0, make([]float32, 8), 4, make([]float32, 3), false)
}
