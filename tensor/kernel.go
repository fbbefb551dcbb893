package tensor

import (
	"fmt"
	"strconv"
	"sync"

	"github.com/tensorgo/tensorgo/internal/parallel"
)

// This file holds the machinery every kernel shares: the collapsed iteration
// geometry of an op over broadcast / permuted / sliced operands, a cursor over
// it, and a pooled job so that running a kernel in parallel allocates nothing.

// maxRank bounds the rank of a kernel's collapsed iteration space (adjacent
// dimensions that are contiguous in every operand merge, so this is rarely
// approached).
const maxRank = 16

// Grains: the number of elements below which a kernel stays on the calling
// goroutine. Cheap ops (add, copy) need more work per goroutine to pay for the
// hand-off than transcendental ones (exp, tanh).
const (
	grainCheap = 32 * 1024
	grainMath  = 4 * 1024
)

// geometry describes iterating over a row-major index space dims (the output)
// while operands 0..3 are addressed with their own strides (0 where an operand
// is broadcast) from their own base offsets. Operand 0 is normally the
// destination.
type geometry struct {
	rank int
	size int
	dims [maxRank]int
	st   [4][maxRank]int
	base [4]int
}

// build sets g from the full index space dims and per-operand strides st (of
// len(dims) entries each), dropping size-1 dimensions and merging neighbours
// that are contiguous in every operand.
func (g *geometry) build(op string, dims []int, st *[4][maxRank]int, nops int) {
	g.rank = 0
	g.size = 1
	for _, d := range dims {
		g.size *= d
	}
	for i, d := range dims {
		if d == 1 {
			continue
		}
		if r := g.rank; r > 0 {
			merge := true
			for k := 0; k < nops; k++ {
				if g.st[k][r-1] != st[k][i]*d {
					merge = false
					break
				}
			}
			if merge {
				g.dims[r-1] *= d
				for k := 0; k < nops; k++ {
					g.st[k][r-1] = st[k][i]
				}
				continue
			}
		}
		if g.rank == maxRank {
			panic(fmt.Sprintf("%s: iteration space %v has more than %d non-mergeable dimensions", op, Shape(dims), maxRank))
		}
		g.dims[g.rank] = d
		for k := 0; k < nops; k++ {
			g.st[k][g.rank] = st[k][i]
		}
		g.rank++
	}
	if g.rank == 0 {
		g.rank = 1
		g.dims[0] = 1
		for k := 0; k < 4; k++ {
			g.st[k][0] = 0
		}
	}
}

// contiguousStrides writes the row-major strides of s into st.
func contiguousStrides(s Shape, st *[maxRank]int) {
	acc := 1
	for i := len(s) - 1; i >= 0; i-- {
		st[i] = acc
		acc *= s[i]
	}
}

// broadcastStrides writes into st the strides with which an operand of shape s
// is read when broadcast to out (0 along broadcast dimensions).
func broadcastStrides(out, s Shape, st *[maxRank]int) {
	acc := 1
	off := len(out) - len(s)
	for i := len(out) - 1; i >= 0; i-- {
		j := i - off
		if j < 0 {
			st[i] = 0
			continue
		}
		if s[j] == out[i] && s[j] != 1 {
			st[i] = acc
		} else {
			st[i] = 0
		}
		acc *= s[j]
	}
}

// cursor walks a geometry's index space from a flat position, yielding runs
// along the innermost dimension. (It takes the geometry as an argument rather
// than keeping a pointer, so that escape analysis keeps jobs on the stack.)
type cursor struct {
	idx [maxRank]int
	off [4]int
	pos int
}

func (c *cursor) start(g *geometry, lo int) {
	c.pos = lo
	c.off = g.base
	rem := lo
	for d := g.rank - 1; d >= 0; d-- {
		n := g.dims[d]
		i := rem % n
		rem /= n
		c.idx[d] = i
		for k := range c.off {
			c.off[k] += i * g.st[k][d]
		}
	}
}

// run is the length of the next run: the rest of the innermost row, capped
// at hi.
func (c *cursor) run(g *geometry, hi int) int {
	r := g.rank - 1
	return min(g.dims[r]-c.idx[r], hi-c.pos)
}

func (c *cursor) advance(g *geometry, cnt int) {
	r := g.rank - 1
	c.pos += cnt
	c.idx[r] += cnt
	for k := range c.off {
		c.off[k] += cnt * g.st[k][r]
	}
	for d := r; d > 0 && c.idx[d] == g.dims[d]; d-- {
		c.idx[d] = 0
		c.idx[d-1]++
		for k := range c.off {
			c.off[k] += g.st[k][d-1] - g.dims[d]*g.st[k][d]
		}
	}
}

// inner returns the innermost strides of operands 0..3.
func (g *geometry) inner() (s0, s1, s2, s3 int) {
	r := g.rank - 1
	return g.st[0][r], g.st[1][r], g.st[2][r], g.st[3][r]
}

type jobKind uint8

const (
	jobUnary jobKind = iota + 1
	jobBinary
	jobWhere
	jobClip
	jobCopy
	jobCast
	jobReduce
	jobArg
	jobSoftmax
	jobGather
)

// job is one kernel invocation: everything its loops need, in a value that
// lives on the caller's stack when the work is small and is copied into a
// pooled job (whose method value was bound once) when it runs in parallel.
type job struct {
	kind jobKind
	uop  UnaryOp
	bop  BinaryOp
	rop  ReduceOp
	log  bool    // LogSoftmax rather than Softmax; for copies, a tiled 2-D transpose
	lo   float64 // Clip bounds
	hi   float64
	dst  *Tensor
	in   [3]*Tensor
	geo  geometry
	red  redGeom
	fn   func(lo, hi int)
}

var jobPool = sync.Pool{New: func() any {
	j := new(job)
	j.fn = j.do
	return j
}}

// exec runs j.do over [0, n) split into ranges of at least grain units. The
// results j's loops keep in j itself (reduction partials) are copied back.
func (j *job) exec(n, grain int) {
	if n <= 0 {
		return
	}
	if n < 2*grain || parallel.NumThreads() < 2 {
		j.do(0, n)
		return
	}
	p := jobPool.Get().(*job)
	fn := p.fn
	*p = *j
	p.fn = fn
	parallel.For(n, grain, fn)
	p.fn = nil
	*j = *p
	*p = job{fn: fn}
	jobPool.Put(p)
}

func (j *job) do(lo, hi int) {
	switch j.kind {
	case jobUnary:
		unaryDispatch(j, lo, hi)
	case jobBinary:
		binaryDispatch(j, lo, hi)
	case jobWhere:
		whereDispatch(j, lo, hi)
	case jobClip:
		clipDispatch(j, lo, hi)
	case jobCopy:
		copyDispatch(j, lo, hi)
	case jobCast:
		castDispatch(j, lo, hi)
	case jobReduce:
		reduceDispatch(j, lo, hi)
	case jobArg:
		argDispatch(j, lo, hi)
	case jobSoftmax:
		softmaxDispatch(j, lo, hi)
	case jobGather:
		gatherDispatch(j, lo, hi)
	}
}

// isFloat reports whether T is a floating-point type. The compiler folds it
// per instantiation's dictionary, and it is hoisted out of every loop.
func isFloat[T Number]() bool {
	var z T
	switch any(z).(type) {
	case float32, float64:
		return true
	}
	return false
}

// lowest and highest are the identities of max and min for T.
func lowest[T Number]() T {
	var z T
	switch any(z).(type) {
	case float32:
		return T(float32(negInf))
	case float64:
		return T(negInf)
	case int32:
		v := int32(-1 << 31)
		return T(v)
	case int64:
		v := int64(-1 << 63)
		return T(v)
	}
	return 0
}

func highest[T Number]() T {
	var z T
	switch any(z).(type) {
	case float32:
		return T(float32(posInf))
	case float64:
		return T(posInf)
	case int32:
		v := int32(1<<31 - 1)
		return T(v)
	case int64:
		v := int64(1<<63 - 1)
		return T(v)
	case uint8:
		v := uint8(255)
		return T(v)
	}
	return 0
}

// checkSameDType panics unless every tensor has the dtype of the first.
func checkSameDType(op string, ts ...*Tensor) {
	for _, t := range ts[1:] {
		if t.dtype != ts[0].dtype {
			panic(fmt.Sprintf("%s: mixed dtypes %v and %v (want both the same; Cast one of them)", op, ts[0].dtype, t.dtype))
		}
	}
}

// checkDst panics unless dst has the given dtype and shape.
func checkDst(op string, dst *Tensor, dtype DType, shape Shape) {
	if dst.dtype != dtype || !dst.shape.Equal(shape) {
		panic(fmt.Sprintf("%s: destination is %v %v, want %v %v", op, dst.dtype, dst.shape, dtype, shape))
	}
}

// broadcastShape is BroadcastShapes panicking with op's name.
func broadcastShape(op string, a, b Shape) Shape {
	s, err := BroadcastShapes(a, b)
	if err != nil {
		panic(op + ": " + err.Error())
	}
	return s
}

// checkBroadcastTo panics unless s broadcasts to out, without allocating.
func checkBroadcastTo(op string, s, out Shape) {
	ok := len(s) <= len(out)
	for i := 0; ok && i < len(s); i++ {
		d := s[len(s)-1-i]
		if d != 1 && d != out[len(out)-1-i] {
			ok = false
		}
	}
	if !ok {
		panic(fmt.Sprintf("%s: shape %v cannot be broadcast to %v", op, s, out))
	}
}

func dtypeList(ds ...DType) string {
	s := ""
	for i, d := range ds {
		switch {
		case i == 0:
		case i == len(ds)-1:
			s += " or "
		default:
			s += ", "
		}
		s += d.String()
	}
	return s
}

func unsupported(op string, d DType, want ...DType) {
	panic(fmt.Sprintf("%s: dtype %v is not supported (want %s)", op, d, dtypeList(want...)))
}

var (
	floatTypes  = []DType{Float32, Float64}
	numberTypes = []DType{Float32, Float64, Int32, Int64, Uint8}
	allTypes    = []DType{Float32, Float64, Int32, Int64, Uint8, Bool}
	boolTypes   = []DType{Bool}
)

// dimsString formats a requested shape as a tuple, printing -1 as -1 (a
// Shape prints it as None, which reads wrong for a reshape's "infer" marker
// or a bad argument).
func dimsString(s []int) string {
	b := []byte{'('}
	for i, d := range s {
		if i > 0 {
			b = append(b, ", "...)
		}
		b = strconv.AppendInt(b, int64(d), 10)
	}
	if len(s) == 1 {
		b = append(b, ',')
	}
	return string(append(b, ')'))
}
