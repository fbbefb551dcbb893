package tensor

import (
	"sync"

	"github.com/tensorgo/tensorgo/internal/parallel"
	"github.com/tensorgo/tensorgo/internal/vec"
)

// colPartRows is the length of the row parts that splitColumnSum cuts a
// long float32 column sum into. It is fixed, so the result does not depend
// on the thread count.
const colPartRows = 2048

// splitColumnSum runs a float32 Sum or Mean over the rows of an r×k2
// matrix (k2 ≤ colBlock columns: a convolution's bias gradient, say) as
// parts of colPartRows rows summed in parallel and then added in order,
// and reports whether it did. The plain column loop is one strip, which
// would run on one thread.
func splitColumnSum(op ReduceOp, dst, x *Tensor, r, k2 int) bool {
	parts := (r + colPartRows - 1) / colPartRows
	if op != OpSum && op != OpMean || k2 > colBlock || parts < 2 {
		return false
	}
	j := colJobs.Get().(*colJob)
	if cap(j.part) < parts*k2 {
		j.part = make([]float32, parts*k2)
	}
	j.part, j.x, j.r, j.k2 = j.part[:parts*k2], x.data.([]float32), r, k2
	parallel.For(parts, 1, j.fn)
	d := dst.data.([]float32)[:k2]
	copy(d, j.part[:k2])
	for p := 1; p < parts; p++ {
		vec.Add(d, j.part[p*k2:(p+1)*k2])
	}
	if op == OpMean {
		n := float32(r)
		for i, v := range d {
			d[i] = v / n
		}
	}
	j.x = nil
	colJobs.Put(j)
	return true
}

type colJob struct {
	part, x []float32
	r, k2   int
	fn      func(lo, hi int)
}

var colJobs = sync.Pool{New: func() any {
	j := new(colJob)
	j.fn = j.run
	return j
}}

func (j *colJob) run(lo, hi int) {
	for p := lo; p < hi; p++ {
		r0 := p * colPartRows
		rows := min(colPartRows, j.r-r0)
		acc := j.part[p*j.k2 : (p+1)*j.k2]
		clear(acc)
		vec.SumRows(acc, j.x[r0*j.k2:], rows, j.k2)
	}
}
