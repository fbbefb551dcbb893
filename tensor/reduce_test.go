package tensor

import (
	"fmt"
	"math"
	"math/rand/v2"
	"testing"

	"github.com/tensorgo/tensorgo/internal/parallel"
)

// refReduce reduces x over mask with naive loops: every input element is
// folded into its output slot, in float64 for floats and int64 (wrapped) for
// integers.
func refReduce(op ReduceOp, x *Tensor, mask uint64, keepDims bool) *Tensor {
	outShape := reducedShape(x.shape, mask, keepDims)
	keptShape := reducedShape(x.shape, mask, true)
	n := keptShape.NumElements()
	accF := make([]float64, n)
	accI := make([]int64, n)
	count := make([]int64, n)
	for i := range accF {
		switch op {
		case OpMax, OpLogSumExp:
			accF[i], accI[i] = math.Inf(-1), math.MinInt64
		case OpMin:
			accF[i], accI[i] = math.Inf(1), math.MaxInt64
		case OpProd:
			accF[i], accI[i] = 1, 1
		}
	}
	for i := 0; i < x.Size(); i++ {
		idx := unravel(i, x.shape)
		o := bcastOffset(idx, keptShape)
		v := x.Float(i)
		iv := int64(v)
		count[o]++
		switch op {
		case OpSum, OpMean:
			accF[o] += v
			accI[o] += iv
		case OpProd:
			accF[o] *= v
			accI[o] *= iv
		case OpMax:
			accF[o] = math.Max(accF[o], v)
			accI[o] = max(accI[o], iv)
		case OpMin:
			accF[o] = math.Min(accF[o], v)
			accI[o] = min(accI[o], iv)
		case OpLogSumExp:
			accF[o] = math.Max(accF[o], v) // the max; the sum follows below
		}
	}
	if op == OpLogSumExp {
		s := make([]float64, n)
		for i := 0; i < x.Size(); i++ {
			o := bcastOffset(unravel(i, x.shape), keptShape)
			s[o] += math.Exp(x.Float(i) - accF[o])
		}
		for o := range s {
			if !math.IsInf(accF[o], 0) {
				accF[o] += math.Log(s[o])
			}
		}
	}
	out := New(x.dtype, outShape...)
	for o := 0; o < n; o++ {
		if x.dtype.IsFloat() {
			v := accF[o]
			if op == OpMean {
				v /= float64(count[o])
			}
			out.SetFloat(o, v)
			continue
		}
		v := accI[o]
		switch {
		case op == OpMean && count[o] > 0:
			v /= count[o]
		case op == OpMean:
			v = 0
		case op == OpMax && count[o] == 0:
			setWrapped(out, o, lowestOf(x.dtype))
			continue
		case op == OpMin && count[o] == 0:
			setWrapped(out, o, highestOf(x.dtype))
			continue
		}
		setWrapped(out, o, v)
	}
	return out
}

func lowestOf(d DType) int64 {
	switch d {
	case Int32:
		return math.MinInt32
	case Int64:
		return math.MinInt64
	}
	return 0
}

func highestOf(d DType) int64 {
	switch d {
	case Int32:
		return math.MaxInt32
	case Int64:
		return math.MaxInt64
	}
	return 255
}

func maskOf(axes []int, rank int) uint64 {
	if axes == nil {
		return 1<<uint(rank) - 1
	}
	var m uint64
	for _, a := range axes {
		if a < 0 {
			a += rank
		}
		m |= 1 << uint(a)
	}
	return m
}

var reduceCases = []struct {
	shape []int
	axes  [][]int
}{
	{[]int{}, [][]int{nil, {}}},
	{[]int{1}, [][]int{nil, {0}}},
	{[]int{7}, [][]int{nil, {0}, {-1}}},
	{[]int{33, 5}, [][]int{nil, {0}, {1}, {}}},
	{[]int{5, 33}, [][]int{{0}, {1}, {-1, 0}}},
	{[]int{32, 128}, [][]int{{0}, {1}}},
	{[]int{2, 3, 4}, [][]int{nil, {0}, {1}, {2}, {0, 1}, {1, 2}, {0, 2}, {2, 0, 1}}},
	{[]int{4, 1, 300}, [][]int{{0}, {1}, {2}, {0, 1}, {1, 2}}},
	{[]int{2, 3, 1, 4, 5}, [][]int{{0, 3}, {1, 4}, {0, 2, 4}}},
	{[]int{0, 3}, [][]int{nil, {0}, {1}}},
	{[]int{300, 257}, [][]int{nil, {0}, {1}}},
	{[]int{3, 600, 129}, [][]int{{1}}},
	{[]int{200003}, [][]int{nil}},
}

func TestReduceAgainstReference(t *testing.T) {
	r := rand.New(rand.NewPCG(7, 8))
	for op := ReduceOp(1); op < numReduceOps; op++ {
		for _, d := range numberTypes {
			if !op.Supports(d) {
				continue
			}
			for _, c := range reduceCases {
				x := randTensor(r, d, c.shape...)
				if op == OpProd && d.IsFloat() {
					// Keep products of many elements finite and non-zero.
					for i := 0; i < x.Size(); i++ {
						x.SetFloat(i, 1+x.Float(i)/1000)
					}
				}
				for _, axes := range c.axes {
					for _, keep := range []bool{false, true} {
						got := Reduce(op, x, axes, keep)
						want := refReduce(op, x, maskOf(axes, len(c.shape)), keep)
						tol := tolFor(d)
						if d == Float32 {
							tol = 1e-4 // float32 sums of up to 2e5 terms
						}
						closeTo(t, fmt.Sprintf("%v %v %v axes=%v keep=%v", op, d, c.shape, axes, keep), got, want, tol)
						dst := New(d, want.shape...)
						ReduceInto(dst, op, x, axes)
						closeTo(t, fmt.Sprintf("%vInto %v %v axes=%v keep=%v", op, d, c.shape, axes, keep), dst, want, tol)
					}
				}
			}
		}
	}
}

func TestReduceHandValues(t *testing.T) {
	x := From([][]float32{{1, 2, 3}, {4, 5, 6}})
	closeTo(t, "Sum", Sum(x, nil, false), Scalar[float32](21), 0)
	closeTo(t, "Sum axis 0", Sum(x, []int{0}, false), From([]float32{5, 7, 9}), 0)
	closeTo(t, "Mean axis 1 keep", Mean(x, []int{1}, true), From([][]float32{{2}, {5}}), 0)
	closeTo(t, "Max", Max(x, []int{-1}, false), From([]float32{3, 6}), 0)
	closeTo(t, "Min", Min(x, []int{0}, false), From([]float32{1, 2, 3}), 0)
	closeTo(t, "Prod", Prod(x, nil, false), Scalar[float32](720), 0)
	closeTo(t, "Mean int truncates", Mean(From([]int32{1, 2}), nil, false), Scalar[int32](1), 0)
	closeTo(t, "Mean uint8 does not wrap", Mean(From([]uint8{200, 250}), nil, false), Scalar[uint8](225), 0)
	closeTo(t, "Mean of nothing", Mean(New(Float64, 0), nil, false), Scalar(math.NaN()), 0)
	closeTo(t, "Max of nothing", Max(New(Float32, 0), nil, false), Scalar(float32(math.Inf(-1))), 0)
	lse := LogSumExp(From([]float64{1000, 1000}), nil, false)
	closeTo(t, "LogSumExp stable", lse, Scalar(1000+math.Ln2), 1e-15)
	closeTo(t, "LogSumExp -inf", LogSumExp(From([]float64{math.Inf(-1)}), nil, false), Scalar(math.Inf(-1)), 0)
}

func TestReduceDeterministicAcrossThreads(t *testing.T) {
	old := parallel.NumThreads()
	defer parallel.SetNumThreads(old)
	x := RandomNormal(Float32, Shape{1 << 20}, 0, 1, 42)
	var sums []float32
	for _, n := range []int{1, 2, 3, 8} {
		parallel.SetNumThreads(n)
		sums = append(sums, Sum(x, nil, false).Float32s()[0])
	}
	for i, s := range sums {
		if s != sums[0] {
			t.Fatalf("sum with thread setting #%d = %v, with 1 thread %v: not bit-identical", i, s, sums[0])
		}
	}
}

func TestArgMaxArgMin(t *testing.T) {
	r := rand.New(rand.NewPCG(9, 10))
	for _, d := range numberTypes {
		for _, shape := range [][]int{{7}, {33, 5}, {5, 33}, {2, 3, 4}, {3, 300, 2}, {2, 600}, {1, 1}} {
			x := randTensor(r, d, shape...) // small integers: plenty of ties
			for axis := -len(shape); axis < len(shape); axis++ {
				for _, isMax := range []bool{true, false} {
					var got *Tensor
					if isMax {
						got = ArgMax(x, axis)
					} else {
						got = ArgMin(x, axis)
					}
					a := axis
					if a < 0 {
						a += len(shape)
					}
					k1, n, k2 := axisSplit(x.shape, a)
					want := New(Int64, got.shape...)
					for i := 0; i < k1; i++ {
						for k := 0; k < k2; k++ {
							best := 0
							for j := 1; j < n; j++ {
								v, b := x.Float((i*n+j)*k2+k), x.Float((i*n+best)*k2+k)
								if (isMax && v > b) || (!isMax && v < b) {
									best = j
								}
							}
							want.SetFloat(i*k2+k, float64(best))
						}
					}
					closeTo(t, fmt.Sprintf("Arg(max=%v) %v %v axis %d", isMax, d, shape, axis), got, want, 0)
					into := Fill(Int64, -7, got.shape...)
					if isMax {
						ArgMaxInto(into, x, axis)
					} else {
						ArgMinInto(into, x, axis)
					}
					closeTo(t, fmt.Sprintf("Arg(max=%v)Into %v %v axis %d", isMax, d, shape, axis), into, want, 0)
				}
			}
		}
	}
}

func TestSoftmaxAgainstReference(t *testing.T) {
	r := rand.New(rand.NewPCG(11, 12))
	for _, d := range floatTypes {
		for _, shape := range [][]int{{1}, {7}, {2, 3, 4}, {5, 33}, {33, 300}, {3, 1}, {400, 50}} {
			x := randTensor(r, d, shape...)
			for axis := -1; axis < len(shape); axis++ {
				a := axis
				if a < 0 {
					a += len(shape)
				}
				k1, n, k2 := axisSplit(x.shape, a)
				want := New(d, shape...)
				wantLog := New(d, shape...)
				for i := 0; i < k1; i++ {
					for k := 0; k < k2; k++ {
						s := 0.0
						for j := 0; j < n; j++ {
							s += math.Exp(x.Float((i*n+j)*k2 + k))
						}
						for j := 0; j < n; j++ {
							o := (i*n+j)*k2 + k
							want.SetFloat(o, math.Exp(x.Float(o))/s)
							wantLog.SetFloat(o, x.Float(o)-math.Log(s))
						}
					}
				}
				what := fmt.Sprintf("%v %v axis %d", d, shape, axis)
				closeTo(t, "Softmax "+what, Softmax(x, axis), want, tolFor(d))
				closeTo(t, "LogSoftmax "+what, LogSoftmax(x, axis), wantLog, tolFor(d))
				y := x.Clone()
				SoftmaxInto(y, y, axis)
				closeTo(t, "SoftmaxInto in place "+what, y, want, tolFor(d))
				y = x.Clone()
				LogSoftmaxInto(y, y, axis)
				closeTo(t, "LogSoftmaxInto in place "+what, y, wantLog, tolFor(d))
			}
		}
	}
	// Large logits must not overflow.
	x := From([][]float32{{1000, 1001}, {-1000, -1001}})
	e := 1 / (1 + math.E)
	closeTo(t, "Softmax stable", Softmax(x, -1), From([][]float32{{float32(e), float32(1 - e)}, {float32(1 - e), float32(e)}}), 1e-6)
	closeTo(t, "Softmax stable axis 0", Softmax(x, 0), From([][]float32{{1, 1}, {0, 0}}), 1e-6)
	closeTo(t, "LogSoftmax stable", LogSoftmax(x, -1), From([][]float32{{float32(math.Log(e)), float32(math.Log(1 - e))}, {float32(math.Log(1 - e)), float32(math.Log(e))}}), 1e-6)
}

// TestSoftmaxRowsSameBits checks that short float32 rows taken a group at a
// time (softmaxRowsF32) get softmaxRowF32's bits, row by row, in place too.
func TestSoftmaxRowsSameBits(t *testing.T) {
	r := rand.New(rand.NewPCG(13, 14))
	for _, width := range []int{1, 2, 3, 7, 10, 21, 31, 32} {
		for _, rows := range []int{1, 5, 6, 7, 100} {
			x := make([]float32, rows*width)
			for i := range x {
				x[i] = float32(r.NormFloat64() * 8)
			}
			for _, log := range []bool{false, true} {
				want := make([]float32, len(x))
				for i := 0; i < rows; i++ {
					softmaxRowF32(log, want[i*width:(i+1)*width], x[i*width:(i+1)*width])
				}
				got := make([]float32, len(x))
				softmaxRowsF32(log, got, x, width)
				inPlace := append([]float32(nil), x...)
				softmaxRowsF32(log, inPlace, inPlace, width)
				for i := range want {
					if math.Float32bits(got[i]) != math.Float32bits(want[i]) || math.Float32bits(inPlace[i]) != math.Float32bits(want[i]) {
						t.Fatalf("width %d rows %d log %v: [%d] = %v (in place %v), want %v", width, rows, log, i, got[i], inPlace[i], want[i])
					}
				}
			}
		}
	}
}

func TestAnyAll(t *testing.T) {
	x := From([][]bool{{true, false, false}, {true, true, true}})
	closeTo(t, "Any", Any(x, []int{1}, false), From([]bool{true, true}), 0)
	closeTo(t, "All", All(x, []int{1}, false), From([]bool{false, true}), 0)
	closeTo(t, "All axis 0 keep", All(x, []int{0}, true), From([][]bool{{true, false, false}}), 0)
	closeTo(t, "Any of nothing", Any(New(Bool, 0), nil, false), Scalar(false), 0)
	closeTo(t, "All of nothing", All(New(Bool, 0), nil, false), Scalar(true), 0)
	mustPanic(t, "Any dtype", func() { Any(New(Float32, 2), nil, false) }, "Any:", "float32", "want bool")
}
