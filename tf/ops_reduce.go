package tf

import (
	"fmt"

	"github.com/tensorgo/tensorgo/tensor"
	"github.com/tensorgo/tensorgo/tf/internal/kernels"
)

// normAxes returns sorted, normalised, de-duplicated axes; nil means all.
func normAxes(op string, axes []int, rank int) []int {
	if axes == nil {
		return nil
	}
	seen := make([]bool, rank)
	for _, a := range axes {
		seen[normAxis(op, a, rank)] = true
	}
	out := []int{}
	for i, s := range seen {
		if s {
			out = append(out, i)
		}
	}
	return out
}

func reducedAxis(axes []int, i int) bool {
	if axes == nil {
		return true
	}
	for _, a := range axes {
		if a == i {
			return true
		}
	}
	return false
}

func reduceShape(s tensor.Shape, axes []int, keep bool) tensor.Shape {
	out := tensor.Shape{}
	for i, d := range s {
		if reducedAxis(axes, i) {
			if keep {
				out = append(out, 1)
			}
			continue
		}
		out = append(out, d)
	}
	return out
}

// reduceAttrs are the attributes of the reductions: the sorted axes
// reduced (nil: all) and whether they stay as size-1 dimensions.
var reduceAttrs = []AttrDef{{"axes", AttrInts, nil}, {"keep_dims", AttrBool, false}}

func registerReduce(typ string, rop tensor.ReduceOp, grad gradFunc) {
	RegisterOp(&OpDef{Type: typ, Grad: grad, Attrs: reduceAttrs,
		Infer: func(op *Operation, in []TensorSpec) []TensorSpec {
			if !rop.Supports(in[0].DType) {
				dtypePanic(op, in, "dtype %v is not supported", in[0].DType)
			}
			for _, a := range op.aInts(0) {
				if a >= len(in[0].Shape) {
					shapePanic(op, in, "axis %d is out of range", a)
				}
			}
			return []TensorSpec{{in[0].DType, reduceShape(in[0].Shape, op.aInts(0), op.aBool(1))}}
		},
		Kernel: func(op *Operation, in, out []*tensor.Tensor) error {
			tensor.ReduceInto(out[0], rop, in[0], op.aInts(0))
			return nil
		},
	})
}

// reduceGrad broadcasts dy (the gradient of a reduction of x over axes) back
// to x's shape, divided by the number of reduced elements when mean.
func reduceGrad(dy, x *Tensor, axes []int, keep, mean bool) *Tensor {
	return apply1("ReduceGrad", attrs{axes, keep, mean}, nil, dy, x)
}

func init() {
	RegisterOp(&OpDef{Type: "ReduceGrad",
		Attrs: append(append([]AttrDef(nil), reduceAttrs...), AttrDef{"mean", AttrBool, false}),
		Infer: func(op *Operation, in []TensorSpec) []TensorSpec { return []TensorSpec{{in[0].DType, in[1].Shape}} },
		Kernel: func(op *Operation, in, out []*tensor.Tensor) error {
			xs := out[0].Shape()
			var buf [16]int
			ks := buf[:len(xs)]
			for i, d := range xs {
				ks[i] = d
				if reducedAxis(op.aInts(0), i) {
					ks[i] = 1
				}
			}
			scale := 1.0
			if op.aBool(2) && out[0].Size() > 0 {
				scale = float64(in[0].Size()) / float64(out[0].Size())
			}
			if in[0].Size() != 1 && len(ks) > 16 {
				return fmt.Errorf("rank %d above 16", len(ks))
			}
			kernels.BroadcastScaled(out[0], in[0], ks, scale)
			return nil
		},
		Grad: func(op *Operation, dys []*Tensor, need []bool) []*Tensor {
			if op.aBool(2) {
				return []*Tensor{ReduceMean(dys[0], op.aInts(0), op.aBool(1)), nil}
			}
			return []*Tensor{ReduceSum(dys[0], op.aInts(0), op.aBool(1)), nil}
		},
	})
	registerReduce("Sum", tensor.OpSum, g1(func(op *Operation, dy *Tensor) *Tensor {
		return reduceGrad(dy, in0(op), op.aInts(0), op.aBool(1), false)
	}))
	registerReduce("Mean", tensor.OpMean, g1(func(op *Operation, dy *Tensor) *Tensor {
		return reduceGrad(dy, in0(op), op.aInts(0), op.aBool(1), true)
	}))
	extreme := g1(func(op *Operation, dy *Tensor) *Tensor {
		x, y := in0(op), out0(op)
		yb := reduceGrad(y, x, op.aInts(0), op.aBool(1), false)
		ind := Cast(Equal(x, yb), x.dtype)
		cnt := reduceGrad(ReduceSum(ind, op.aInts(0), op.aBool(1)), x, op.aInts(0), op.aBool(1), false)
		return Div(Mul(ind, reduceGrad(dy, x, op.aInts(0), op.aBool(1), false)), cnt)
	})
	registerReduce("Max", tensor.OpMax, extreme)
	registerReduce("Min", tensor.OpMin, extreme)
	registerReduce("Prod", tensor.OpProd, g1(prodGrad))
	registerReduce("LogSumExp", tensor.OpLogSumExp, g1(func(op *Operation, dy *Tensor) *Tensor {
		x, y := in0(op), out0(op)
		ax, k := op.aInts(0), op.aBool(1)
		return Mul(reduceGrad(dy, x, ax, k, false), Exp(Sub(x, reduceGrad(y, x, ax, k, false))))
	}))
}

// prodGrad is the gradient of Prod: the product of the other elements. It
// is y/x only where no element is zero; with one zero in a group that zero
// gets the product of the rest and the others 0, with two or more every
// element gets 0 (dividing would give NaN or Inf).
func prodGrad(op *Operation, dy *Tensor) *Tensor {
	x := in0(op)
	ax, k := op.aInts(0), op.aBool(1)
	zero, one := scalarLike(x, 0), scalarLike(x, 1)
	isZero := Equal(x, zero)
	safe := Where(isZero, OnesLike(x), x)
	// others: the product of the group's non-zero elements, broadcast.
	others := reduceGrad(ReduceProd(safe, ax, k), x, ax, k, false)
	zeros := reduceGrad(ReduceSum(Cast(isZero, x.dtype), ax, k), x, ax, k, false)
	g := Where(isZero,
		Where(Equal(zeros, one), others, ZerosLike(x)),
		Where(Equal(zeros, zero), Div(others, safe), ZerosLike(x)))
	return Mul(reduceGrad(dy, x, ax, k, false), g)
}

func reduce(typ string, x *Tensor, axes []int, keepDims bool) *Tensor {
	ax := normAxes(typ, axes, len(x.shape))
	return apply1(typ, attrs{ax, keepDims}, nil, x)
}

// ReduceSum sums x over axes (nil: all), keeping them as size 1 if keepDims.
func ReduceSum(x *Tensor, axes []int, keepDims bool) *Tensor { return reduce("Sum", x, axes, keepDims) }

// ReduceMean averages x over axes (nil: all).
func ReduceMean(x *Tensor, axes []int, keepDims bool) *Tensor {
	return reduce("Mean", x, axes, keepDims)
}

// ReduceMax takes the maximum over axes (nil: all).
func ReduceMax(x *Tensor, axes []int, keepDims bool) *Tensor { return reduce("Max", x, axes, keepDims) }

// ReduceMin takes the minimum over axes (nil: all).
func ReduceMin(x *Tensor, axes []int, keepDims bool) *Tensor { return reduce("Min", x, axes, keepDims) }

// ReduceProd multiplies over axes (nil: all).
func ReduceProd(x *Tensor, axes []int, keepDims bool) *Tensor {
	return reduce("Prod", x, axes, keepDims)
}

// ReduceLogSumExp computes log(sum(exp(x))) over axes (nil: all), stably.
func ReduceLogSumExp(x *Tensor, axes []int, keepDims bool) *Tensor {
	return reduce("LogSumExp", x, axes, keepDims)
}
