package conv

import "github.com/tensorgo/tensorgo/internal/gemm"

// mm is C = op(A)·op(B) + beta·C for either float type.
func mm[T Float](transA, transB bool, m, n, k int, a []T, lda int, b []T, ldb int, beta T, c []T, ldc int) {
	switch a := any(a).(type) {
	case []float32:
		gemm.Sgemm(transA, transB, m, n, k, 1, a, lda, any(b).([]float32), ldb, float32(beta), any(c).([]float32), ldc)
	case []float64:
		gemm.Dgemm(transA, transB, m, n, k, 1, a, lda, any(b).([]float64), ldb, float64(beta), any(c).([]float64), ldc)
	}
}

// mmBiasAct is mm with beta 0 followed by C += bias (per column) and, with
// relu, ReLU, applied as the GEMM finishes each block of C (bits as if
// done apart).
func mmBiasAct[T Float](m, n, k int, a []T, lda int, b []T, ldb int, c []T, ldc int, bias []T, relu bool) {
	switch a := any(a).(type) {
	case []float32:
		gemm.SgemmBiasAct(false, false, m, n, k, 1, a, lda, any(b).([]float32), ldb, 0, any(c).([]float32), ldc, any(bias).([]float32), relu)
	case []float64:
		gemm.DgemmBiasAct(false, false, m, n, k, 1, a, lda, any(b).([]float64), ldb, 0, any(c).([]float64), ldc, any(bias).([]float64), relu)
	}
}
