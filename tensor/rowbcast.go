package tensor

import (
	"sync"

	"github.com/tensorgo/tensorgo/internal/parallel"
	"github.com/tensorgo/tensorgo/internal/vec"
)

// rowBroadcast runs a float32 Add, Sub or Mul of a tensor with a vector
// along its last axis (a per-channel bias or scale, in either operand) as
// row loops, and reports whether it did: the general broadcasting loop
// pays per row, and a convolution's rows are a few channels long. Every
// element is the same single operation, so the result has the general
// loop's bits.
func rowBroadcast(op BinaryOp, dst, a, b *Tensor) bool {
	if op != OpAdd && op != OpSub && op != OpMul || len(dst.shape) < 2 {
		return false
	}
	c := dst.shape[len(dst.shape)-1]
	full, v, vecFirst := a, b, false
	if !a.shape.Equal(dst.shape) {
		full, v, vecFirst = b, a, true
	}
	if !full.shape.Equal(dst.shape) || !isRowVector(v.shape, c) || c < 1 {
		return false
	}
	rop := vec.RowAdd
	switch {
	case op == OpMul:
		rop = vec.RowMul
	case op == OpSub && vecFirst:
		rop = vec.RowRSub
	case op == OpSub:
		rop = vec.RowSub
	}
	j := rowJobs.Get().(*rowJob)
	j.y, j.x, j.b, j.c, j.op = dst.data.([]float32), full.data.([]float32), v.data.([]float32)[:c], c, rop
	rows := dst.Size() / c
	parallel.For(rows, max(1, grainCheap/c), j.fn)
	j.y, j.x, j.b = nil, nil, nil
	rowJobs.Put(j)
	return true
}

// isRowVector reports whether s is c elements along the last axis and 1
// along every other.
func isRowVector(s Shape, c int) bool {
	if len(s) == 0 || s[len(s)-1] != c {
		return false
	}
	for _, d := range s[:len(s)-1] {
		if d != 1 {
			return false
		}
	}
	return true
}

type rowJob struct {
	y, x, b []float32
	c       int
	op      vec.RowOp
	fn      func(lo, hi int)
}

var rowJobs = sync.Pool{New: func() any {
	j := new(rowJob)
	j.fn = j.run
	return j
}}

func (j *rowJob) run(lo, hi int) {
	vec.RowsOp(j.y[lo*j.c:hi*j.c], j.x[lo*j.c:hi*j.c], j.b, j.op)
}
