package tf

import (
	"fmt"
	"math"

	"github.com/tensorgo/tensorgo/tensor"
	"github.com/tensorgo/tensorgo/tf/internal/kernels/ref"
)

// The reference device ("REF"): every op's kernel as a plain loop from
// tf/internal/kernels/ref, written apart from the CPU kernels, so that a
// test can run any graph on both and compare. It is slow on purpose.

// refUnaryFns are the reference scalar functions of the unary ops.
var refUnaryFns = map[string]func(float64) float64{
	"Neg": func(x float64) float64 { return -x },
	"Abs": math.Abs,
	"Sign": func(x float64) float64 {
		switch {
		case x > 0:
			return 1
		case x < 0:
			return -1
		}
		return x // 0 and NaN
	},
	"Square":     func(x float64) float64 { return x * x },
	"Relu":       func(x float64) float64 { return math.Max(x, 0) },
	"Relu6":      func(x float64) float64 { return math.Min(math.Max(x, 0), 6) },
	"Exp":        math.Exp,
	"Log":        math.Log,
	"Log1p":      math.Log1p,
	"Expm1":      math.Expm1,
	"Sqrt":       math.Sqrt,
	"Rsqrt":      func(x float64) float64 { return 1 / math.Sqrt(x) },
	"Reciprocal": func(x float64) float64 { return 1 / x },
	"Floor":      math.Floor,
	"Ceil":       math.Ceil,
	"Round":      math.RoundToEven,
	"Sin":        math.Sin,
	"Cos":        math.Cos,
	"Tan":        math.Tan,
	"Tanh":       math.Tanh,
	"Sigmoid":    refSigmoid,
	"LogSigmoid": func(x float64) float64 { return -refSoftplus(-x) },
	"Softplus":   refSoftplus,
	"Softsign":   func(x float64) float64 { return x / (1 + math.Abs(x)) },
	"Elu": func(x float64) float64 {
		if x > 0 {
			return x
		}
		return math.Expm1(x)
	},
	"Selu": func(x float64) float64 {
		if x > 0 {
			return seluScale * x
		}
		return seluScale * seluAlpha * math.Expm1(x)
	},
	"Swish":       func(x float64) float64 { return x * refSigmoid(x) },
	"Gelu":        func(x float64) float64 { return 0.5 * x * (1 + math.Erf(x/math.Sqrt2)) },
	"Erf":         math.Erf,
	"HardSigmoid": func(x float64) float64 { return math.Min(math.Max(0.2*x+0.5, 0), 1) },
	"LogicalNot": func(x float64) float64 {
		if x == 0 {
			return 1
		}
		return 0
	},
}

func refSigmoid(x float64) float64 {
	if x >= 0 {
		return 1 / (1 + math.Exp(-x))
	}
	e := math.Exp(x)
	return e / (1 + e)
}

// refSoftplus is log(1+e^x) = max(x, 0) + log1p(e^-|x|).
func refSoftplus(x float64) float64 { return math.Max(x, 0) + math.Log1p(math.Exp(-math.Abs(x))) }

func refBool(b bool) float64 {
	if b {
		return 1
	}
	return 0
}

// refBinaryFns are the reference functions of the binary ops; isInt says
// whether the operands are integers (division truncates).
var refBinaryFns = map[string]func(a, b float64, isInt bool) float64{
	"Add": func(a, b float64, _ bool) float64 { return a + b },
	"Sub": func(a, b float64, _ bool) float64 { return a - b },
	"Mul": func(a, b float64, _ bool) float64 { return a * b },
	"Div": func(a, b float64, isInt bool) float64 {
		if isInt {
			return math.Trunc(a / b)
		}
		return a / b
	},
	"DivNoNan": func(a, b float64, _ bool) float64 {
		if b == 0 {
			return 0
		}
		return a / b
	},
	"Pow":     func(a, b float64, _ bool) float64 { return math.Pow(a, b) },
	"Maximum": func(a, b float64, _ bool) float64 { return math.Max(a, b) },
	"Minimum": func(a, b float64, _ bool) float64 { return math.Min(a, b) },
	"SquaredDifference": func(a, b float64, _ bool) float64 {
		return (a - b) * (a - b)
	},
	"FloorDiv": func(a, b float64, _ bool) float64 { return math.Floor(a / b) },
	"FloorMod": func(a, b float64, _ bool) float64 { return a - math.Floor(a/b)*b },
	"ReluGrad": func(dy, x float64, _ bool) float64 {
		if x > 0 {
			return dy
		}
		return 0
	},
	"SigmoidGrad":  func(y, dy float64, _ bool) float64 { return dy * y * (1 - y) },
	"TanhGrad":     func(y, dy float64, _ bool) float64 { return dy * (1 - y*y) },
	"Equal":        func(a, b float64, _ bool) float64 { return refBool(a == b) },
	"NotEqual":     func(a, b float64, _ bool) float64 { return refBool(a != b) },
	"Less":         func(a, b float64, _ bool) float64 { return refBool(a < b) },
	"LessEqual":    func(a, b float64, _ bool) float64 { return refBool(a <= b) },
	"Greater":      func(a, b float64, _ bool) float64 { return refBool(a > b) },
	"GreaterEqual": func(a, b float64, _ bool) float64 { return refBool(a >= b) },
	"LogicalAnd":   func(a, b float64, _ bool) float64 { return refBool(a != 0 && b != 0) },
	"LogicalOr":    func(a, b float64, _ bool) float64 { return refBool(a != 0 || b != 0) },
	"LogicalXor":   func(a, b float64, _ bool) float64 { return refBool((a != 0) != (b != 0)) },
}

// refReduceFns are the reference reductions: initial value, step, finish.
var refReduceFns = map[string]struct {
	init float64
	step func(acc, v float64) float64
	fin  func(acc float64, n int) float64
}{
	"Sum":  {0, func(a, v float64) float64 { return a + v }, nil},
	"Mean": {0, func(a, v float64) float64 { return a + v }, func(a float64, n int) float64 { return a / float64(n) }},
	"Max": {math.Inf(-1), func(a, v float64) float64 {
		if math.IsNaN(v) || v > a {
			return v
		}
		return a
	}, nil},
	"Min": {math.Inf(1), func(a, v float64) float64 {
		if math.IsNaN(v) || v < a {
			return v
		}
		return a
	}, nil},
	"Prod": {1, func(a, v float64) float64 { return a * v }, nil},
}

func refKernel(typ string, k KernelFunc) { RegisterKernel(typ, "REF", k) }

func init() {
	refKernel("AddN", func(op *Operation, in, out []*tensor.Tensor) error {
		for i := 0; i < out[0].Size(); i++ {
			s := 0.0
			for _, x := range in {
				s += x.Float(i)
			}
			out[0].SetFloat(i, s)
		}
		return nil
	})
	for typ, f := range refUnaryFns {
		f := f
		refKernel(typ, func(op *Operation, in, out []*tensor.Tensor) error { ref.Map(out[0], in[0], f); return nil })
	}
	for typ, f := range refBinaryFns {
		f := f
		refKernel(typ, func(op *Operation, in, out []*tensor.Tensor) error {
			isInt := in[1].DType().IsInteger()
			if isInt && (typ == "Div" || typ == "FloorDiv" || typ == "FloorMod" || typ == "Pow") {
				for i := 0; i < in[1].Size(); i++ {
					if v := in[1].Float(i); v == 0 && typ != "Pow" || v < 0 && typ == "Pow" {
						return fmt.Errorf("%s: integer operand %v (element %d) is not allowed", typ, v, i)
					}
				}
			}
			ref.Map2(out[0], in[0], in[1], func(a, b float64) float64 { return f(a, b, isInt) })
			return nil
		})
	}
	refKernel("BiasAdd", func(op *Operation, in, out []*tensor.Tensor) error {
		ref.Map2(out[0], in[0], in[1], func(a, b float64) float64 { return a + b })
		return nil
	})
	for typ, r := range refReduceFns {
		r := r
		fin := r.fin
		if fin == nil {
			fin = func(a float64, _ int) float64 { return a }
		}
		refKernel(typ, func(op *Operation, in, out []*tensor.Tensor) error {
			ref.Reduce(out[0], in[0], op.aInts(0), r.init, r.step, fin)
			return nil
		})
	}
	refKernel("LogSumExp", func(op *Operation, in, out []*tensor.Tensor) error {
		m := tensor.New(tensor.Float64, out[0].Shape()...)
		ref.Reduce(m, in[0], op.aInts(0), math.Inf(-1), math.Max, func(a float64, _ int) float64 { return a })
		// sum exp(x - m) with m broadcast back over the reduced axes
		mb := tensor.New(tensor.Float64, in[0].Shape()...)
		ref.BroadcastTo(mb, keptShape(m, in[0].Shape(), op.aInts(0)))
		e := tensor.New(tensor.Float64, in[0].Shape()...)
		for i := 0; i < e.Size(); i++ {
			d := in[0].Float(i) - mb.Float(i)
			if math.IsInf(mb.Float(i), 0) {
				d = 0
			}
			e.SetFloat(i, math.Exp(d))
		}
		ref.Reduce(out[0], e, op.aInts(0), 0, func(a, v float64) float64 { return a + v }, func(a float64, _ int) float64 { return a })
		for i := 0; i < out[0].Size(); i++ {
			out[0].SetFloat(i, m.Float(i)+math.Log(out[0].Float(i)))
		}
		return nil
	})
	refKernel("ReduceGrad", func(op *Operation, in, out []*tensor.Tensor) error {
		ref.BroadcastTo(out[0], keptShape(in[0], out[0].Shape(), op.aInts(0)))
		if op.aBool(2) && out[0].Size() > 0 {
			scale := float64(in[0].Size()) / float64(out[0].Size())
			for i := 0; i < out[0].Size(); i++ {
				out[0].SetFloat(i, out[0].Float(i)*scale)
			}
		}
		return nil
	})
	refKernel("ArgMax", func(op *Operation, in, out []*tensor.Tensor) error {
		ref.ArgBest(out[0], in[0], op.aInt(0), func(a, b float64) bool { return a > b || math.IsNaN(a) && !math.IsNaN(b) })
		return nil
	})
	refKernel("ArgMin", func(op *Operation, in, out []*tensor.Tensor) error {
		ref.ArgBest(out[0], in[0], op.aInt(0), func(a, b float64) bool { return a < b || math.IsNaN(a) && !math.IsNaN(b) })
		return nil
	})
	refKernel("MatMul", func(op *Operation, in, out []*tensor.Tensor) error {
		ref.MatMul(out[0], in[0], in[1], op.aBool(0), op.aBool(1))
		return nil
	})
	refKernel("FusedMatMul", func(op *Operation, in, out []*tensor.Tensor) error {
		ref.MatMul(out[0], in[0], in[1], op.aBool(0), op.aBool(1))
		refBiasAct(out[0], in[2], op.aString(matmulActivation) == "Relu")
		return nil
	})
	copyK := func(op *Operation, in, out []*tensor.Tensor) error { ref.Copy(out[0], in[0]); return nil }
	for _, typ := range []string{"Identity", "StopGradient", "Reshape", "ReshapeLike", "ReshapeDims"} {
		refKernel(typ, copyK)
	}
	refKernel("Cast", func(op *Operation, in, out []*tensor.Tensor) error {
		for i := 0; i < in[0].Size(); i++ {
			v := in[0].Float(i)
			if out[0].DType() == tensor.Uint8 && v < 0 { // wrap as a conversion through int64 does
				v = float64(uint8(int64(v)))
			}
			out[0].SetFloat(i, v)
		}
		return nil
	})
	refKernel("OnesLike", func(op *Operation, in, out []*tensor.Tensor) error { ref.Fill(out[0], 1); return nil })
	refKernel("ZerosLike", func(op *Operation, in, out []*tensor.Tensor) error { ref.Fill(out[0], 0); return nil })
	bcast := func(op *Operation, in, out []*tensor.Tensor) error { ref.BroadcastTo(out[0], in[0]); return nil }
	refKernel("BroadcastTo", bcast)
	refKernel("BroadcastLike", bcast)
	refKernel("SumToShape", func(op *Operation, in, out []*tensor.Tensor) error { ref.SumTo(out[0], in[0]); return nil })
	refKernel("Where", func(op *Operation, in, out []*tensor.Tensor) error {
		ref.Where(out[0], in[0], in[1], in[2])
		return nil
	})
	refKernel("ClipByValue", func(op *Operation, in, out []*tensor.Tensor) error {
		lo, hi := op.aFloat(0), op.aFloat(1)
		ref.Map(out[0], in[0], func(x float64) float64 { return math.Min(math.Max(x, lo), hi) })
		return nil
	})
	refKernel("Transpose", func(op *Operation, in, out []*tensor.Tensor) error {
		ref.Transpose(out[0], in[0], op.aInts(0))
		return nil
	})
	refKernel("Concat", func(op *Operation, in, out []*tensor.Tensor) error {
		ref.Concat(out[0], in, op.aInt(0))
		return nil
	})
	refKernel("ConcatSlice", func(op *Operation, in, out []*tensor.Tensor) error {
		ax, n := op.aInt(0), op.aInt(1)
		begin := make([]int, out[0].Rank())
		for _, x := range in[1 : 1+n] {
			begin[ax] += x.Shape()[ax]
		}
		ref.Block(out[0], in[0], begin, false)
		return nil
	})
	refKernel("Slice", func(op *Operation, in, out []*tensor.Tensor) error {
		ref.Block(out[0], in[0], op.aInts(0), false)
		return nil
	})
	refKernel("SliceGrad", func(op *Operation, in, out []*tensor.Tensor) error {
		ref.Fill(out[0], 0)
		ref.Block(in[0], out[0], op.aInts(0), true)
		return nil
	})
	refKernel("Gather", func(op *Operation, in, out []*tensor.Tensor) error {
		return ref.Gather(out[0], in[0], in[1], op.aInt(0))
	})
	refKernel("GatherGrad", func(op *Operation, in, out []*tensor.Tensor) error {
		return ref.ScatterAdd(out[0], in[0], in[1], op.aInt(0))
	})
	refKernel("OneHot", func(op *Operation, in, out []*tensor.Tensor) error {
		ax := op.aInt(oneHotAxis)
		if ax == -1 {
			ax = in[0].Rank()
		}
		ref.OneHot(out[0], in[0], op.aInt(oneHotDepth), ax, op.aFloat(oneHotOn), op.aFloat(oneHotOff))
		return nil
	})
	refKernel("Softmax", func(op *Operation, in, out []*tensor.Tensor) error {
		ref.Softmax(out[0], in[0], op.aInt(0), false)
		return nil
	})
	refKernel("LogSoftmax", func(op *Operation, in, out []*tensor.Tensor) error {
		ref.Softmax(out[0], in[0], op.aInt(0), true)
		return nil
	})
	refKernel("SoftmaxCrossEntropyWithLogits", func(op *Operation, in, out []*tensor.Tensor) error {
		return ref.Xent(in[0], in[1], out[0], out[1], false)
	})
	refKernel("SparseSoftmaxCrossEntropyWithLogits", func(op *Operation, in, out []*tensor.Tensor) error {
		return ref.Xent(in[0], in[1], out[0], out[1], true)
	})
	refKernel("Dropout", func(op *Operation, in, out []*tensor.Tensor) error {
		rate := op.aFloat(0)
		st := op.state.(*dropoutState)
		st.mu.Lock()
		defer st.mu.Unlock()
		ref.Dropout(in[0], out[0], out[1], 1/(1-rate), uint64(rate*(1<<32)), st.pcg)
		return nil
	})
	refAssign := func(f func(v, x float64) float64) KernelFunc {
		return func(op *Operation, in, out []*tensor.Tensor) error {
			v := op.variable
			if v.value == nil {
				if f != nil {
					return &uninitializedError{v}
				}
				v.value = tensor.New(v.dtype, v.shape...)
			}
			for i := 0; i < v.value.Size(); i++ {
				x := in[0].Float(i)
				if f != nil {
					x = f(v.value.Float(i), x)
				}
				v.value.SetFloat(i, x)
			}
			out[0] = v.value
			return nil
		}
	}
	refKernel("Assign", refAssign(nil))
	refKernel("AssignAdd", refAssign(func(v, x float64) float64 { return v + x }))
	refKernel("AssignSub", refAssign(func(v, x float64) float64 { return v - x }))
	refUpdate := func(typ string, k func(op *Operation, w *tensor.Tensor, slot func(i int) *tensor.Tensor, in []*tensor.Tensor)) {
		refKernel(typ, func(op *Operation, in, out []*tensor.Tensor) error {
			if op.variable.value == nil {
				return &uninitializedError{op.variable}
			}
			for _, s := range op.slots {
				if s != nil && s.value == nil {
					return &uninitializedError{s}
				}
			}
			slot := func(i int) *tensor.Tensor {
				if op.slots[i] == nil {
					return nil
				}
				return op.slots[i].value
			}
			k(op, op.variable.value, slot, in)
			return nil
		})
	}
	refUpdate("ApplyGradientDescent", func(op *Operation, w *tensor.Tensor, slot func(int) *tensor.Tensor, in []*tensor.Tensor) {
		ref.SGD(w, in[1], in[0].Float(0))
	})
	refUpdate("ApplyMomentum", func(op *Operation, w *tensor.Tensor, slot func(int) *tensor.Tensor, in []*tensor.Tensor) {
		ref.Momentum(w, slot(0), in[1], in[0].Float(0), op.aFloat(0), op.aBool(1))
	})
	refUpdate("ApplyAdagrad", func(op *Operation, w *tensor.Tensor, slot func(int) *tensor.Tensor, in []*tensor.Tensor) {
		ref.Adagrad(w, slot(0), in[1], in[0].Float(0), op.aFloat(0))
	})
	refUpdate("ApplyRMSProp", func(op *Operation, w *tensor.Tensor, slot func(int) *tensor.Tensor, in []*tensor.Tensor) {
		ref.RMSProp(w, slot(0), slot(1), slot(2), in[1], in[0].Float(0), op.aFloat(0), op.aFloat(1), op.aFloat(2))
	})
	refUpdate("ApplyAdam", func(op *Operation, w *tensor.Tensor, slot func(int) *tensor.Tensor, in []*tensor.Tensor) {
		lr, t := in[0].Float(0), in[1].Float(0)+1
		b1, b2 := op.aFloat(0), op.aFloat(1)
		lrt := lr * math.Sqrt(1-math.Pow(b2, t)) / (1 - math.Pow(b1, t))
		ref.Adam(w, slot(0), slot(1), slot(2), in[2], lrt, b1, b2, op.aFloat(2))
	})
}

// keptShape views a reduction result r (reduced over axes of shape s, kept
// or not) as s with size 1 along the reduced axes, for broadcasting back.
func keptShape(r *tensor.Tensor, s tensor.Shape, axes []int) *tensor.Tensor {
	ks := make([]int, len(s))
	for i, d := range s {
		ks[i] = d
		if axes == nil || reducedAxis(axes, i) {
			ks[i] = 1
		}
	}
	return r.Reshape(ks...)
}

// refBiasAct adds bias along y's last dimension and then, with relu, sets
// the negatives to zero: the fused ops' output pass on the reference device.
func refBiasAct(y, bias *tensor.Tensor, relu bool) {
	n := bias.Size()
	for i := 0; i < y.Size(); i++ {
		v := y.Float(i) + bias.Float(i%n)
		if relu && v < 0 {
			v = 0
		}
		y.SetFloat(i, v)
	}
}
