// Package gemm multiplies matrices: C = alpha*op(A)*op(B) + beta*C for
// row-major float32 and float64 matrices.
//
// The implementation follows the Goto/BLIS scheme: op(B) is packed into
// KC×NC blocks of NR-column panels, op(A) into MC×KC blocks of MR-row
// panels, and a register-tiled micro-kernel multiplies one MR-row panel by
// one NR-column panel, keeping the MR×NR tile of C in registers for KC
// steps. Transposes are absorbed by the packing; alpha and beta are applied
// when a tile is written back. When the other operand is small, so that
// packing would cost more than it saves, an operand is read in place.
//
// On amd64 the micro-kernels are assembly (kernels_amd64.s, written by
// gen.go), picked from the CPU's features (and internal/cpu's setting): AVX-512 FMA with a
// 12×32 float32 tile (12×16 for float64) or AVX2 FMA with 6×16 (6×8).
// Partial tiles at the right and bottom edges go through masked AVX-512
// kernels straight into C, or elsewhere through a small temporary tile.
// Other platforms use a portable 4×4 Go kernel. Matrix-vector products
// (m == 1 or n == 1) use dot products or axpys instead of tiles.
// SgemmBiasAct and DgemmBiasAct also add a bias to each row of C and apply
// ReLU, to each block of C as soon as it is final: a dense layer's or a
// convolution's output, without a second pass over C.
//
// Products of more than about 2^20 multiply-adds are cut along M or N into
// units that the internal/parallel workers take in turn.
//
// Results are the same bits on every kernel and at every thread count: each
// element of C is a chain of fused multiply-adds over k in order, restarted
// every blockK steps (one constant for all kernels) and added into C with
// one rounding; K is never split across threads; the Go kernels fuse with
// math.FMA (and a correctly rounded float32 FMA); dot products keep a fixed
// 32-lane (16 for float64) layout. internal/cpu picks the kernel family
// (TENSORGO_ISA, cpu.Set; the purego build tag leaves only the Go kernels).
package gemm

import "fmt"

// Sgemm computes C = alpha*op(A)*op(B) + beta*C on row-major float32
// matrices. op(A) is m×k (A is k×m when transA), op(B) is k×n (B is n×k when
// transB); lda, ldb and ldc are the row strides of A, B and C. With beta == 0,
// C is overwritten without being read.
func Sgemm(transA, transB bool, m, n, k int, alpha float32, a []float32, lda int, b []float32, ldb int, beta float32, c []float32, ldc int) {
	s32.gemm(transA, transB, m, n, k, alpha, a, lda, b, ldb, beta, c, ldc, epilogue[float32]{})
}

// Dgemm is Sgemm for float64.
func Dgemm(transA, transB bool, m, n, k int, alpha float64, a []float64, lda int, b []float64, ldb int, beta float64, c []float64, ldc int) {
	s64.gemm(transA, transB, m, n, k, alpha, a, lda, b, ldb, beta, c, ldc, epilogue[float64]{})
}

// SgemmBiasAct is Sgemm followed by C[i][j] += bias[j] and then, with
// relu, C[i][j] = max(C[i][j], 0): a dense layer's output. Each block of C
// is finished as soon as its last depth block is in, while it is still in
// cache, so that there is no second pass over C; the bits are those of
// Sgemm, then the bias and the ReLU applied separately. bias has at least
// n elements.
func SgemmBiasAct(transA, transB bool, m, n, k int, alpha float32, a []float32, lda int, b []float32, ldb int, beta float32, c []float32, ldc int, bias []float32, relu bool) {
	s32.gemm(transA, transB, m, n, k, alpha, a, lda, b, ldb, beta, c, ldc, epilogue[float32]{bias, relu})
}

// DgemmBiasAct is SgemmBiasAct for float64.
func DgemmBiasAct(transA, transB bool, m, n, k int, alpha float64, a []float64, lda int, b []float64, ldb int, beta float64, c []float64, ldc int, bias []float64, relu bool) {
	s64.gemm(transA, transB, m, n, k, alpha, a, lda, b, ldb, beta, c, ldc, epilogue[float64]{bias, relu})
}

// checkArgs panics unless every matrix fits its slice: the assembly kernels
// read through raw pointers, so this is what keeps them in bounds.
func checkArgs(name string, transA, transB bool, m, n, k, lda, ldb, ldc, la, lb, lc int) {
	if m < 0 || n < 0 || k < 0 {
		panic(fmt.Sprintf("gemm.%s: negative size m=%d n=%d k=%d", name, m, n, k))
	}
	check := func(what string, trans bool, rows, cols, ld, l int) {
		if trans {
			rows, cols = cols, rows
		}
		if rows == 0 || cols == 0 {
			return
		}
		if ld < cols {
			panic(fmt.Sprintf("gemm.%s: %s stride %d < %d columns", name, what, ld, cols))
		}
		if need := (rows-1)*ld + cols; l < need {
			panic(fmt.Sprintf("gemm.%s: %s has %d elements, need %d for %d×%d with stride %d", name, what, l, need, rows, cols, ld))
		}
	}
	check("A", transA, m, k, lda, la)
	check("B", transB, k, n, ldb, lb)
	check("C", false, m, n, ldc, lc)
}

// naive is the reference triple loop, used by the tests.
func naive[T float32 | float64](transA, transB bool, m, n, k int, alpha T, a []T, lda int, b []T, ldb int, beta T, c []T, ldc int) {
	for i := 0; i < m; i++ {
		for j := 0; j < n; j++ {
			var s T
			for p := 0; p < k; p++ {
				var av, bv T
				if transA {
					av = a[p*lda+i]
				} else {
					av = a[i*lda+p]
				}
				if transB {
					bv = b[j*ldb+p]
				} else {
					bv = b[p*ldb+j]
				}
				s += av * bv
			}
			if beta == 0 {
				c[i*ldc+j] = alpha * s
			} else {
				c[i*ldc+j] = alpha*s + beta*c[i*ldc+j]
			}
		}
	}
}
