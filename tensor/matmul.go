package tensor

import (
	"fmt"

	"github.com/tensorgo/tensorgo/internal/gemm"
)

// MatMul multiplies the matrices in the last two dimensions of a and b,
// optionally transposing either first (tf.linalg.matmul's transpose_a and
// transpose_b). Leading (batch) dimensions broadcast as in NumPy. Float32 and
// Float64 only; a and b must share the dtype.
func MatMul(a, b *Tensor, transA, transB bool) *Tensor {
	shape := matmulShape(a, b, transA, transB)
	dst := New(a.dtype, shape...)
	matmulRun(dst, a, b, transA, transB, nil, false)
	return dst
}

// MatMulInto is MatMul writing into dst, which must have the result's dtype
// and shape. It does not allocate.
func MatMulInto(dst, a, b *Tensor, transA, transB bool) {
	matmulCheckDst(dst, a, b, transA, transB)
	matmulRun(dst, a, b, transA, transB, nil, false)
}

// MatMulBiasActInto is MatMulInto followed by adding bias (a vector of the
// result's last dimension) to every row and then, with relu, setting the
// negatives to zero: a dense layer's output in one pass, with the bits of
// the three steps done apart. It does not allocate.
func MatMulBiasActInto(dst, a, b, bias *Tensor, transA, transB, relu bool) {
	matmulCheckDst(dst, a, b, transA, transB)
	n := dst.shape[dst.Rank()-1]
	if bias.dtype != dst.dtype || bias.Rank() != 1 || bias.shape[0] != n {
		panic(fmt.Sprintf("MatMulBiasAct: bias is %v %v, want %v [%d]", bias.dtype, bias.shape, dst.dtype, n))
	}
	matmulRun(dst, a, b, transA, transB, bias, relu)
}

// matmulCheckDst panics unless dst fits the product of a and b.
func matmulCheckDst(dst, a, b *Tensor, transA, transB bool) {
	m, n := matmulCheck(a, b, transA, transB)
	ra, rb := a.Rank(), b.Rank()
	r := max(ra, rb)
	ok := dst.dtype == a.dtype && dst.Rank() == r && dst.shape[r-2] == m && dst.shape[r-1] == n
	for i := 0; ok && i < r-2; i++ {
		da, db := dimFromEnd(a.shape[:ra-2], r-2-i), dimFromEnd(b.shape[:rb-2], r-2-i)
		want := max(da, db)
		if da == 0 || db == 0 {
			want = 0
		}
		ok = dst.shape[i] == want
	}
	if !ok {
		panic(fmt.Sprintf("MatMul: destination is %v %v, want %v %v", dst.dtype, dst.shape, a.dtype, matmulShape(a, b, transA, transB)))
	}
}

// matmulCheck validates the operands and returns the result's matrix size.
func matmulCheck(a, b *Tensor, transA, transB bool) (m, n int) {
	checkSameDType("MatMul", a, b)
	if !a.dtype.IsFloat() {
		unsupported("MatMul", a.dtype, floatTypes...)
	}
	if a.Rank() < 2 || b.Rank() < 2 {
		panic(fmt.Sprintf("MatMul: shapes %v and %v: both operands need rank >= 2 (use ExpandDims or Reshape for vectors)", a.shape, b.shape))
	}
	ra, rb := a.Rank(), b.Rank()
	m, ka := a.shape[ra-2], a.shape[ra-1]
	if transA {
		m, ka = ka, m
	}
	kb, n := b.shape[rb-2], b.shape[rb-1]
	if transB {
		kb, n = n, kb
	}
	if ka != kb {
		panic(fmt.Sprintf("MatMul: shapes %v and %v (transposeA=%v, transposeB=%v) do not fit: a has %d columns but b has %d rows", a.shape, b.shape, transA, transB, ka, kb))
	}
	for i := 1; i <= max(ra, rb)-2; i++ {
		da, db := dimFromEnd(a.shape[:ra-2], i), dimFromEnd(b.shape[:rb-2], i)
		if da != db && da != 1 && db != 1 {
			panic(fmt.Sprintf("MatMul: batch dimensions of %v and %v do not broadcast (%d vs %d)", a.shape, b.shape, da, db))
		}
	}
	if max(ra, rb) > maxRank {
		panic(fmt.Sprintf("MatMul: rank %d is more than %d", max(ra, rb), maxRank))
	}
	return m, n
}

func matmulShape(a, b *Tensor, transA, transB bool) Shape {
	m, n := matmulCheck(a, b, transA, transB)
	batch := broadcastShape("MatMul", a.shape[:a.Rank()-2], b.shape[:b.Rank()-2])
	return append(batch, m, n)
}

// matmulRun computes dst = a·b, then adds bias and applies ReLU when bias
// is not nil.
func matmulRun(dst, a, b *Tensor, transA, transB bool, bias *Tensor, relu bool) {
	ra, rb, r := a.Rank(), b.Rank(), dst.Rank()
	m, n := dst.shape[r-2], dst.shape[r-1]
	k := a.shape[ra-1]
	if transA {
		k = a.shape[ra-2]
	}
	if dst.Size() == 0 {
		return
	}
	lda, ldb := k, n
	if transA {
		lda = m
	}
	if transB {
		ldb = k
	}
	batch := dst.shape[:r-2]
	nb := batch.NumElements()
	na, nbb := a.shape[:ra-2].NumElements(), b.shape[:rb-2].NumElements()
	if nbb == 1 && !transA {
		// b is one matrix: fold a's batch into its rows, one GEMM.
		gemmCall(dst, a, b, 0, 0, 0, false, transB, na*m, n, k, lda, ldb, bias, relu)
		return
	}
	// Per-batch offsets in matrices, with broadcast batch dims stepping 0.
	var as, bs [maxRank]int
	broadcastStrides(batch, a.shape[:ra-2], &as)
	broadcastStrides(batch, b.shape[:rb-2], &bs)
	sa, sb, sc := a.shape[ra-2]*a.shape[ra-1], b.shape[rb-2]*b.shape[rb-1], m*n
	for bi := 0; bi < nb; bi++ {
		oa, ob, rem := 0, 0, bi
		for d := len(batch) - 1; d >= 0; d-- {
			i := rem % batch[d]
			rem /= batch[d]
			oa += i * as[d]
			ob += i * bs[d]
		}
		gemmCall(dst, a, b, oa*sa, ob*sb, bi*sc, transA, transB, m, n, k, lda, ldb, bias, relu)
	}
}

func gemmCall(dst, a, b *Tensor, oa, ob, oc int, transA, transB bool, m, n, k, lda, ldb int, bias *Tensor, relu bool) {
	switch c := dst.data.(type) {
	case []float32:
		if bias != nil {
			gemm.SgemmBiasAct(transA, transB, m, n, k, 1, a.data.([]float32)[oa:], lda, b.data.([]float32)[ob:], ldb, 0, c[oc:], n, bias.data.([]float32), relu)
			return
		}
		gemm.Sgemm(transA, transB, m, n, k, 1, a.data.([]float32)[oa:], lda, b.data.([]float32)[ob:], ldb, 0, c[oc:], n)
	case []float64:
		if bias != nil {
			gemm.DgemmBiasAct(transA, transB, m, n, k, 1, a.data.([]float64)[oa:], lda, b.data.([]float64)[ob:], ldb, 0, c[oc:], n, bias.data.([]float64), relu)
			return
		}
		gemm.Dgemm(transA, transB, m, n, k, 1, a.data.([]float64)[oa:], lda, b.data.([]float64)[ob:], ldb, 0, c[oc:], n)
	}
}
