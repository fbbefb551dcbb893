package tf

import (
	"fmt"
	"math"
	"math/rand/v2"
	"testing"

	"github.com/tensorgo/tensorgo/tensor"
)

// Every op has a reference kernel (or is Host, the same on every device):
// an op added without one fails here, and TestMain says which.
func TestEveryOpHasAReferenceKernel(t *testing.T) {
	for _, typ := range RegisteredOps() {
		if LookupOp(typ).KernelFor("REF") == nil {
			t.Errorf("op %s has no kernel on the reference device (RegisterKernel(%q, \"REF\", ...))", typ, typ)
		}
	}
}

// onBoth runs f on placeholders fed with ins on the CPU and on the
// reference device and compares the results with tol relative to
// max(1, |ref|) (tol 0: matchRef's rounding tolerance).
func onBoth(t *testing.T, name string, tol float64, f func(xs []*Tensor) *Tensor, ins ...*tensor.Tensor) {
	t.Helper()
	run := func(dev string) *tensor.Tensor {
		g := NewGraph()
		feeds := Feeds{}
		phs := make([]*Tensor, len(ins))
		for i, v := range ins {
			phs[i] = Placeholder(g, v.DType(), v.Shape())
			feeds[phs[i]] = v
		}
		out, err := NewSession(g, SessionDevice(dev)).Run(feeds, []*Tensor{f(phs)})
		if err != nil {
			t.Fatalf("%s on %s: %v", name, dev, err)
		}
		return out[0]
	}
	cpu, ref := run(""), run(RefDevice)
	if tol == 0 {
		matchRef(t, name, cpu, ref)
		return
	}
	if !cpu.Shape().Equal(ref.Shape()) {
		t.Fatalf("%s: CPU shape %v, reference %v", name, cpu.Shape(), ref.Shape())
	}
	for i := 0; i < cpu.Size(); i++ {
		a, b := cpu.Float(i), ref.Float(i)
		if math.Abs(a-b) > tol*math.Max(1, math.Abs(b)) {
			t.Fatalf("%s: element %d: CPU %v, reference %v", name, i, a, b)
		}
	}
}

func randShape(r *rand.Rand, rank, maxDim int) []int {
	s := make([]int, rank)
	for i := range s {
		s[i] = 1 + r.IntN(maxDim)
	}
	return s
}

func randOf(r *rand.Rand, dt tensor.DType, shape []int, lo, hi float64) *tensor.Tensor {
	t := tensor.New(dt, shape...)
	for i := 0; i < t.Size(); i++ {
		t.SetFloat(i, lo+(hi-lo)*r.Float64())
	}
	return t
}

// The elementwise, reduction, shape and nn kernels agree with the
// reference device on random shapes, broadcasts and axes, in both float
// dtypes.
func TestKernelsMatchReferenceOnRandomShapes(t *testing.T) {
	r := rand.New(rand.NewPCG(5, 6))
	unary := []string{"Neg", "Abs", "Square", "Relu", "Relu6", "Exp", "Sin", "Cos", "Tanh", "Sigmoid", "LogSigmoid",
		"Softplus", "Softsign", "Elu", "Selu", "Swish", "Gelu", "Erf", "HardSigmoid", "Floor", "Ceil", "Round", "Sign"}
	positive := []string{"Log", "Log1p", "Sqrt", "Rsqrt", "Reciprocal", "Expm1"}
	binary := []string{"Add", "Sub", "Mul", "Div", "Maximum", "Minimum", "SquaredDifference", "FloorMod", "FloorDiv",
		"ReluGrad", "SigmoidGrad", "TanhGrad", "DivNoNan", "Pow", "Greater", "LessEqual", "Equal"}
	for trial := 0; trial < 6; trial++ {
		for _, dt := range []tensor.DType{Float32, Float64} {
			shape := randShape(r, 1+r.IntN(4), 7)
			x := randOf(r, dt, shape, -3, 3)
			for _, op := range unary {
				onBoth(t, fmt.Sprintf("%s %v %v", op, dt, shape), 0, func(xs []*Tensor) *Tensor { return NewOp(op, xs, nil).Output(0) }, x)
			}
			p := randOf(r, dt, shape, 0.1, 3)
			for _, op := range positive {
				onBoth(t, fmt.Sprintf("%s %v %v", op, dt, shape), 0, func(xs []*Tensor) *Tensor { return NewOp(op, xs, nil).Output(0) }, p)
			}
			// b broadcasts: some dimensions set to 1, leading ones dropped.
			bs := append([]int(nil), shape[r.IntN(len(shape)):]...)
			for i := range bs {
				if r.IntN(2) == 0 {
					bs[i] = 1
				}
			}
			b := randOf(r, dt, bs, 0.5, 2)
			for _, op := range binary {
				name := fmt.Sprintf("%s %v %v %v", op, dt, shape, bs)
				in := []*tensor.Tensor{x, b}
				if op == "Pow" {
					in[0] = p
				}
				onBoth(t, name, 0, func(xs []*Tensor) *Tensor { return NewOp(op, xs, nil).Output(0) }, in...)
			}
			var axes []int
			for i := range shape {
				if r.IntN(2) == 0 {
					axes = append(axes, i)
				}
			}
			keep := r.IntN(2) == 0
			for _, op := range []string{"Sum", "Mean", "Max", "Min", "Prod", "LogSumExp"} {
				name := fmt.Sprintf("%s %v %v axes %v keep %v", op, dt, shape, axes, keep)
				onBoth(t, name, 0, func(xs []*Tensor) *Tensor { return reduce(op, xs[0], axes, keep) }, x)
			}
			ax := r.IntN(len(shape))
			onBoth(t, "Softmax", 0, func(xs []*Tensor) *Tensor { return Softmax(xs[0], ax) }, x)
			onBoth(t, "LogSoftmax", 0, func(xs []*Tensor) *Tensor { return LogSoftmax(xs[0], ax) }, x)
			onBoth(t, "ArgMax", 0, func(xs []*Tensor) *Tensor { return ArgMax(xs[0], ax) }, x)
			onBoth(t, "ArgMin", 0, func(xs []*Tensor) *Tensor { return ArgMin(xs[0], ax) }, x)
			perm := r.Perm(len(shape))
			onBoth(t, fmt.Sprintf("Transpose %v %v", shape, perm), 0, func(xs []*Tensor) *Tensor { return Transpose(xs[0], perm...) }, x)
			onBoth(t, "Concat", 0, func(xs []*Tensor) *Tensor { return Concat(ax, xs[0], Square(xs[0]), xs[0]) }, x)
			begin, size := make([]int, len(shape)), make([]int, len(shape))
			for i, d := range shape {
				begin[i] = r.IntN(d)
				size[i] = 1 + r.IntN(d-begin[i])
			}
			onBoth(t, fmt.Sprintf("Slice %v %v %v", shape, begin, size), 0, func(xs []*Tensor) *Tensor { return Slice(xs[0], begin, size) }, x)
			idx := randOf(r, Int32, []int{5}, 0, float64(shape[ax])-1e-9)
			onBoth(t, "Gather", 0, func(xs []*Tensor) *Tensor { return Gather(xs[0], xs[1], ax) }, x, idx)
			lab := randOf(r, Int32, shape[:len(shape)-1], 0, float64(shape[len(shape)-1])-1e-9)
			onBoth(t, "SparseSoftmaxCrossEntropyWithLogits", 0, func(xs []*Tensor) *Tensor {
				return SparseSoftmaxCrossEntropyWithLogits(xs[1], xs[0])
			}, x, lab)
		}
	}
}

// MatMul's GEMM kernels (blocked over k past 256 and over m past the
// micro-kernel's panels, with odd tails) agree with the reference triple
// loop for every transpose combination, both float dtypes and broadcast
// batch dimensions. The tolerance scales with sum |a||b|, computed by the
// reference loop itself on |a| and |b|.
func TestGEMMMatchesReference(t *testing.T) {
	r := rand.New(rand.NewPCG(7, 8))
	sizes := [][3]int{{1, 1, 1}, {1, 7, 1}, {1, 33, 17}, {5, 3, 33}, {7, 1, 9}, {13, 257, 17}, {6, 16, 16}, {25, 31, 47},
		{197, 300, 35}, {389, 40, 19}, {12, 520, 65}}
	if testing.Short() {
		sizes = sizes[:8]
	}
	for _, sz := range sizes {
		m, k, n := sz[0], sz[1], sz[2]
		for _, dt := range []tensor.DType{Float32, Float64} {
			for _, ta := range []bool{false, true} {
				for _, tb := range []bool{false, true} {
					as, bs := []int{m, k}, []int{k, n}
					if ta {
						as = []int{k, m}
					}
					if tb {
						bs = []int{n, k}
					}
					a, b := randOf(r, dt, as, -1, 1), randOf(r, dt, bs, -1, 1)
					name := fmt.Sprintf("MatMul %v m%d k%d n%d ta %v tb %v", dt, m, k, n, ta, tb)
					gemmCompare(t, name, a, b, ta, tb)
				}
			}
		}
	}
	// Batched, with a broadcast batch dimension.
	a := randOf(r, Float32, []int{3, 1, 9, 70}, -1, 1)
	b := randOf(r, Float32, []int{4, 70, 11}, -1, 1)
	gemmCompare(t, "batched MatMul", a, b, false, false)
}

func gemmCompare(t *testing.T, name string, a, b *tensor.Tensor, ta, tb bool) {
	t.Helper()
	run := func(dev string, x, y *tensor.Tensor) *tensor.Tensor {
		g := NewGraph()
		pa, pb := Placeholder(g, x.DType(), x.Shape()), Placeholder(g, y.DType(), y.Shape())
		out, err := NewSession(g, SessionDevice(dev)).Run(Feeds{pa: x, pb: y}, []*Tensor{MatMul(pa, pb, TransposeA(ta), TransposeB(tb))})
		if err != nil {
			t.Fatalf("%s on %q: %v", name, dev, err)
		}
		return out[0]
	}
	abs := func(x *tensor.Tensor) *tensor.Tensor {
		y := tensor.New(Float64, x.Shape()...)
		for i := 0; i < x.Size(); i++ {
			y.SetFloat(i, math.Abs(x.Float(i)))
		}
		return y
	}
	cpu, ref := run("", a, b), run(RefDevice, a, b)
	bound := run(RefDevice, abs(a), abs(b))
	eps := 1e-5 // float32: sqrt(k) roundings of 6e-8 each, with room
	if a.DType() == Float64 {
		eps = 1e-13
	}
	if !cpu.Shape().Equal(ref.Shape()) {
		t.Fatalf("%s: CPU shape %v, reference %v", name, cpu.Shape(), ref.Shape())
	}
	for i := 0; i < cpu.Size(); i++ {
		if d := math.Abs(cpu.Float(i) - ref.Float(i)); d > eps*(bound.Float(i)+1) {
			t.Fatalf("%s: element %d: CPU %v, reference %v (bound %v)", name, i, cpu.Float(i), ref.Float(i), eps*bound.Float(i))
		}
	}
}
