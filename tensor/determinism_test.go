package tensor

import (
	"fmt"
	"math"
	"testing"

	"github.com/tensorgo/tensorgo/internal/cpu"
	"github.com/tensorgo/tensorgo/internal/parallel"
)

// determinismCase is one kernel family on inputs big enough to be split
// across threads (every grain is at most 32K elements).
type determinismCase struct {
	name string
	run  func() *Tensor
}

func determinismCases() []determinismCase {
	var cs []determinismCase
	add := func(name string, f func() *Tensor) { cs = append(cs, determinismCase{name, f}) }
	for _, dt := range []DType{Float32, Float64} {
		x := RandomNormal(dt, Shape{301, 517}, 0, 2, 1)
		y := RandomNormal(dt, Shape{301, 517}, 0, 2, 2)
		row := RandomNormal(dt, Shape{517}, 0, 1, 3)
		col := RandomNormal(dt, Shape{301, 1}, 0, 1, 4)
		x3 := RandomNormal(dt, Shape{37, 61, 53}, 0, 1, 5)
		big := RandomUniform(dt, Shape{1<<20 + 13}, -1, 1, 6)
		pos := RandomUniform(dt, Shape{301, 517}, 0.5, 1.5, 7)
		d := dt.String() + " "
		// Elementwise.
		for _, op := range []UnaryOp{OpExp, OpTanh, OpSigmoid, OpSqrt, OpGelu, OpSoftplus, OpLog} {
			add(d+op.String(), func() *Tensor { return Unary(op, pos) })
		}
		add(d+"Tanh of normal", func() *Tensor { return Tanh(x) })
		add(d+"Mul", func() *Tensor { return Mul(x, y) })
		add(d+"Div", func() *Tensor { return Div(x, pos) })
		add(d+"Pow", func() *Tensor { return Pow(pos, y) })
		// Broadcasting, and operands that are views.
		add(d+"Add row", func() *Tensor { return Add(x, row) })
		add(d+"Mul col×row", func() *Tensor { return Mul(col, row) })
		add(d+"Sub transposed", func() *Tensor { return Sub(Transpose(x), Transpose(y)) })
		add(d+"SquaredDifference sliced", func() *Tensor {
			return SquaredDifference(Slice(x, []int{1, 3}, []int{290, 500}), Slice(y, []int{0, 7}, []int{290, 500}))
		})
		// Reductions, every layout.
		add(d+"Sum all", func() *Tensor { return Sum(big, nil, false) })
		add(d+"Mean all", func() *Tensor { return Mean(big, nil, false) })
		add(d+"Prod all", func() *Tensor {
			return Prod(Add(Scalar(1.0).castTo(dt), Mul(big, Scalar(1e-3).castTo(dt))), nil, false)
		})
		add(d+"Sum axis 0", func() *Tensor { return Sum(x, []int{0}, false) })
		add(d+"Sum axis 1", func() *Tensor { return Sum(x, []int{1}, false) })
		add(d+"Mean axes 0,2", func() *Tensor { return Mean(x3, []int{0, 2}, true) })
		add(d+"Max axis 1", func() *Tensor { return Max(x, []int{1}, false) })
		add(d+"LogSumExp axis 0", func() *Tensor { return LogSumExp(x, []int{0}, false) })
		add(d+"LogSumExp axis 1", func() *Tensor { return LogSumExp(x, []int{1}, false) })
		add(d+"SumToShape", func() *Tensor { return SumToShape(Mul(x, y), 517) })
		// Softmax and log-softmax along rows and columns.
		add(d+"Softmax -1", func() *Tensor { return Softmax(x, -1) })
		add(d+"Softmax 0", func() *Tensor { return Softmax(x, 0) })
		add(d+"LogSoftmax -1", func() *Tensor { return LogSoftmax(x, -1) })
		add(d+"LogSoftmax 1 of 3-D", func() *Tensor { return LogSoftmax(x3, 1) })
		// Matrix products, every transpose combination, odd sizes.
		a := RandomNormal(dt, Shape{301, 259}, 0, 1, 8)
		b := RandomNormal(dt, Shape{259, 133}, 0, 1, 9)
		add(d+"MatMul", func() *Tensor { return MatMul(a, b, false, false) })
		add(d+"MatMul tA", func() *Tensor { return MatMul(Transpose(a), b, true, false) })
		add(d+"MatMul tB", func() *Tensor { return MatMul(a, Transpose(b), false, true) })
		add(d+"MatMul tA tB", func() *Tensor { return MatMul(Transpose(a), Transpose(b), true, true) })
		add(d+"MatMul vector", func() *Tensor { return MatMul(Slice(a, []int{5, 0}, []int{1, 259}), b, false, false) })
	}
	return cs
}

// castTo is Cast, for the test's one-line scalars.
func (t *Tensor) castTo(d DType) *Tensor { return Cast(t, d) }

// TestBitIdenticalAcrossThreadsAndISAs runs each kernel family at 1, 2, 3, 4
// and 7 threads on every instruction-set path this machine has and wants
// the bits of the first run every time.
func TestBitIdenticalAcrossThreadsAndISAs(t *testing.T) {
	oldThreads, oldISA := parallel.NumThreads(), cpu.Selected()
	defer parallel.SetNumThreads(oldThreads)
	defer cpu.Set(oldISA)
	cases := determinismCases()
	want := make([][]uint64, len(cases))
	for _, isa := range cpu.Available() {
		cpu.Set(isa)
		for _, threads := range []int{1, 2, 3, 4, 7} {
			parallel.SetNumThreads(threads)
			for i, c := range cases {
				got := bitsOf(c.run())
				if want[i] == nil {
					want[i] = got
					continue
				}
				label := fmt.Sprintf("%s at %d threads on %v", c.name, threads, isa)
				if len(got) != len(want[i]) {
					t.Fatalf("%s: %d elements, first run %d", label, len(got), len(want[i]))
				}
				for k := range got {
					if got[k] != want[i][k] {
						t.Fatalf("%s: element %d has bits %#x, the first run (1 thread, %v) %#x", label, k, got[k], cpu.Available()[0], want[i][k])
					}
				}
			}
		}
	}
}

// bitsOf returns a float tensor's elements as bit patterns.
func bitsOf(t *Tensor) []uint64 {
	var b []uint64
	switch d := t.Data().(type) {
	case []float32:
		for _, v := range d {
			b = append(b, uint64(math.Float32bits(v)))
		}
	case []float64:
		for _, v := range d {
			b = append(b, math.Float64bits(v))
		}
	}
	return b
}
