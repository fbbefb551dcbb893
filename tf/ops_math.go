package tf

import (
	"math"

	"github.com/tensorgo/tensorgo/tensor"
	"github.com/tensorgo/tensorgo/tf/internal/kernels"
)

type gradFunc = func(op *Operation, dys []*Tensor, need []bool) []*Tensor

func binaryInfer(bop tensor.BinaryOp) func(op *Operation, in []TensorSpec) []TensorSpec {
	return func(op *Operation, in []TensorSpec) []TensorSpec {
		if in[0].DType != in[1].DType {
			dtypePanic(op, in, "inputs must have the same dtype")
		}
		if !bop.Supports(in[0].DType) {
			dtypePanic(op, in, "dtype %v is not supported", in[0].DType)
		}
		s, err := tensor.BroadcastShapes(in[0].Shape, in[1].Shape)
		if err != nil {
			shapePanic(op, in, "shapes are not broadcast-compatible")
		}
		return []TensorSpec{{bop.ResultDType(in[0].DType), s}}
	}
}

func registerBinary(typ string, bop tensor.BinaryOp, grad gradFunc) {
	RegisterOp(&OpDef{Type: typ, Infer: binaryInfer(bop), Grad: grad,
		Kernel: func(op *Operation, in, out []*tensor.Tensor) error {
			if in[1].DType().IsInteger() {
				if err := kernels.CheckIntOperand(bop, in[1]); err != nil {
					return err
				}
			}
			tensor.BinaryInto(out[0], bop, in[0], in[1])
			return nil
		},
	})
}

func registerUnary(typ string, uop tensor.UnaryOp, grad gradFunc) {
	RegisterOp(&OpDef{Type: typ, Grad: grad,
		Infer: func(op *Operation, in []TensorSpec) []TensorSpec {
			if !uop.Supports(in[0].DType) {
				dtypePanic(op, in, "dtype %v is not supported", in[0].DType)
			}
			return []TensorSpec{in[0]}
		},
		Kernel: func(op *Operation, in, out []*tensor.Tensor) error {
			tensor.UnaryInto(out[0], uop, in[0])
			return nil
		},
	})
}

func in0(op *Operation) *Tensor  { return op.inputs[0] }
func in1(op *Operation) *Tensor  { return op.inputs[1] }
func out0(op *Operation) *Tensor { return op.outputs[0] }

// g1 wraps a one-input gradient.
func g1(f func(op *Operation, dy *Tensor) *Tensor) gradFunc {
	return func(op *Operation, dys []*Tensor, need []bool) []*Tensor {
		return []*Tensor{f(op, dys[0])}
	}
}

func init() {
	registerBinary("Add", tensor.OpAdd, func(op *Operation, dys []*Tensor, need []bool) []*Tensor {
		return []*Tensor{unbroadcast(dys[0], in0(op)), unbroadcast(dys[0], in1(op))}
	})
	registerBinary("Sub", tensor.OpSub, func(op *Operation, dys []*Tensor, need []bool) []*Tensor {
		var db *Tensor
		if need[1] {
			db = unbroadcast(Neg(dys[0]), in1(op))
		}
		return []*Tensor{unbroadcast(dys[0], in0(op)), db}
	})
	registerBinary("Mul", tensor.OpMul, func(op *Operation, dys []*Tensor, need []bool) []*Tensor {
		r := make([]*Tensor, 2)
		if need[0] {
			r[0] = unbroadcast(Mul(dys[0], in1(op)), in0(op))
		}
		if need[1] {
			r[1] = unbroadcast(Mul(dys[0], in0(op)), in1(op))
		}
		return r
	})
	registerBinary("Div", tensor.OpDiv, func(op *Operation, dys []*Tensor, need []bool) []*Tensor {
		a, b, dy := in0(op), in1(op), dys[0]
		r := make([]*Tensor, 2)
		if need[0] {
			r[0] = unbroadcast(Div(dy, b), a)
		}
		if need[1] {
			r[1] = unbroadcast(Neg(Div(Mul(dy, out0(op)), b)), b)
		}
		return r
	})
	registerBinary("DivNoNan", tensor.OpDivNoNan, func(op *Operation, dys []*Tensor, need []bool) []*Tensor {
		a, b, dy := in0(op), in1(op), dys[0]
		r := make([]*Tensor, 2)
		if need[0] {
			r[0] = unbroadcast(DivNoNan(dy, b), a)
		}
		if need[1] {
			r[1] = unbroadcast(Neg(DivNoNan(Mul(dy, out0(op)), b)), b)
		}
		return r
	})
	registerBinary("Pow", tensor.OpPow, func(op *Operation, dys []*Tensor, need []bool) []*Tensor {
		a, b, dy := in0(op), in1(op), dys[0]
		r := make([]*Tensor, 2)
		if need[0] {
			r[0] = unbroadcast(Mul(dy, Mul(b, Pow(a, Sub(b, scalarLike(b, 1))))), a)
		}
		if need[1] {
			zero := scalarLike(a, 0)
			safe := Where(Greater(a, zero), a, OnesLike(a))
			logA := Where(Greater(a, zero), Log(safe), ZerosLike(a))
			r[1] = unbroadcast(Mul(dy, Mul(out0(op), logA)), b)
		}
		return r
	})
	minmax := func(pick func(a, b *Tensor) *Tensor) gradFunc {
		return func(op *Operation, dys []*Tensor, need []bool) []*Tensor {
			a, b, dy := in0(op), in1(op), dys[0]
			c := pick(a, b)
			zero := scalarLike(dy, 0)
			return []*Tensor{unbroadcast(Where(c, dy, zero), a), unbroadcast(Where(c, zero, dy), b)}
		}
	}
	registerBinary("Maximum", tensor.OpMaximum, minmax(GreaterEqual))
	registerBinary("Minimum", tensor.OpMinimum, minmax(LessEqual))
	registerBinary("SquaredDifference", tensor.OpSquaredDifference, func(op *Operation, dys []*Tensor, need []bool) []*Tensor {
		a, b := in0(op), in1(op)
		d := Mul(dys[0], Mul(scalarLike(a, 2), Sub(a, b)))
		var db *Tensor
		if need[1] {
			db = unbroadcast(Neg(d), b)
		}
		return []*Tensor{unbroadcast(d, a), db}
	})
	registerBinary("FloorMod", tensor.OpFloorMod, nil)
	registerBinary("FloorDiv", tensor.OpFloorDiv, nil)
	for _, c := range []struct {
		name string
		op   tensor.BinaryOp
	}{{"Equal", tensor.OpEqual}, {"NotEqual", tensor.OpNotEqual}, {"Less", tensor.OpLess},
		{"LessEqual", tensor.OpLessEqual}, {"Greater", tensor.OpGreater}, {"GreaterEqual", tensor.OpGreaterEqual},
		{"LogicalAnd", tensor.OpLogicalAnd}, {"LogicalOr", tensor.OpLogicalOr}, {"LogicalXor", tensor.OpLogicalXor}} {
		registerBinary(c.name, c.op, nil)
	}
	// Fused activation gradients, differentiable themselves (second order).
	registerBinary("ReluGrad", tensor.OpReluGrad, func(op *Operation, dys []*Tensor, need []bool) []*Tensor {
		return []*Tensor{reluGrad(dys[0], in1(op)), nil}
	})
	registerBinary("SigmoidGrad", tensor.OpSigmoidGrad, func(op *Operation, dys []*Tensor, need []bool) []*Tensor {
		y, dy, g := in0(op), in1(op), dys[0]
		// d/dy [dy*y*(1-y)] = dy*(1-2y); d/d(dy) = y*(1-y)
		var gy *Tensor
		if need[0] {
			gy = Mul(g, Mul(dy, Sub(scalarLike(y, 1), Mul(scalarLike(y, 2), y))))
		}
		return []*Tensor{gy, sigmoidGrad(y, g)}
	})
	registerBinary("TanhGrad", tensor.OpTanhGrad, func(op *Operation, dys []*Tensor, need []bool) []*Tensor {
		y, dy, g := in0(op), in1(op), dys[0]
		var gy *Tensor
		if need[0] {
			gy = Mul(g, Mul(dy, Mul(scalarLike(y, -2), y)))
		}
		return []*Tensor{gy, tanhGrad(y, g)}
	})

	registerUnary("Neg", tensor.OpNeg, g1(func(op *Operation, dy *Tensor) *Tensor { return Neg(dy) }))
	registerUnary("Abs", tensor.OpAbs, g1(func(op *Operation, dy *Tensor) *Tensor { return Mul(dy, Sign(in0(op))) }))
	registerUnary("Sign", tensor.OpSign, nil)
	registerUnary("Square", tensor.OpSquare, g1(func(op *Operation, dy *Tensor) *Tensor {
		return Mul(dy, Mul(scalarLike(dy, 2), in0(op)))
	}))
	registerUnary("Relu", tensor.OpRelu, g1(func(op *Operation, dy *Tensor) *Tensor { return reluGrad(dy, in0(op)) }))
	registerUnary("Relu6", tensor.OpRelu6, g1(func(op *Operation, dy *Tensor) *Tensor {
		x := in0(op)
		c := LogicalAnd(Greater(x, scalarLike(x, 0)), Less(x, scalarLike(x, 6)))
		return Where(c, dy, scalarLike(dy, 0))
	}))
	registerUnary("Exp", tensor.OpExp, g1(func(op *Operation, dy *Tensor) *Tensor { return Mul(dy, out0(op)) }))
	registerUnary("Log", tensor.OpLog, g1(func(op *Operation, dy *Tensor) *Tensor { return Div(dy, in0(op)) }))
	registerUnary("Log1p", tensor.OpLog1p, g1(func(op *Operation, dy *Tensor) *Tensor {
		return Div(dy, Add(scalarLike(dy, 1), in0(op)))
	}))
	registerUnary("Expm1", tensor.OpExpm1, g1(func(op *Operation, dy *Tensor) *Tensor {
		return Mul(dy, Exp(in0(op)))
	}))
	registerUnary("Sqrt", tensor.OpSqrt, g1(func(op *Operation, dy *Tensor) *Tensor {
		return Div(Mul(dy, scalarLike(dy, 0.5)), out0(op))
	}))
	registerUnary("Rsqrt", tensor.OpRsqrt, g1(func(op *Operation, dy *Tensor) *Tensor {
		y := out0(op)
		return Mul(dy, Mul(scalarLike(y, -0.5), Mul(y, Square(y))))
	}))
	registerUnary("Reciprocal", tensor.OpReciprocal, g1(func(op *Operation, dy *Tensor) *Tensor {
		return Neg(Mul(dy, Square(out0(op))))
	}))
	registerUnary("Floor", tensor.OpFloor, nil)
	registerUnary("Ceil", tensor.OpCeil, nil)
	registerUnary("Round", tensor.OpRound, nil)
	registerUnary("Sin", tensor.OpSin, g1(func(op *Operation, dy *Tensor) *Tensor { return Mul(dy, Cos(in0(op))) }))
	registerUnary("Cos", tensor.OpCos, g1(func(op *Operation, dy *Tensor) *Tensor { return Neg(Mul(dy, Sin(in0(op)))) }))
	registerUnary("Tan", tensor.OpTan, g1(func(op *Operation, dy *Tensor) *Tensor {
		return Mul(dy, Add(scalarLike(dy, 1), Square(out0(op))))
	}))
	registerUnary("Tanh", tensor.OpTanh, g1(func(op *Operation, dy *Tensor) *Tensor { return tanhGrad(out0(op), dy) }))
	registerUnary("Sigmoid", tensor.OpSigmoid, g1(func(op *Operation, dy *Tensor) *Tensor { return sigmoidGrad(out0(op), dy) }))
	registerUnary("LogSigmoid", tensor.OpLogSigmoid, g1(func(op *Operation, dy *Tensor) *Tensor {
		return Mul(dy, Sigmoid(Neg(in0(op))))
	}))
	registerUnary("Softplus", tensor.OpSoftplus, g1(func(op *Operation, dy *Tensor) *Tensor { return Mul(dy, Sigmoid(in0(op))) }))
	registerUnary("Softsign", tensor.OpSoftsign, g1(func(op *Operation, dy *Tensor) *Tensor {
		return Div(dy, Square(Add(scalarLike(dy, 1), Abs(in0(op)))))
	}))
	registerUnary("Elu", tensor.OpElu, g1(func(op *Operation, dy *Tensor) *Tensor {
		x, y := in0(op), out0(op)
		return Where(Greater(x, scalarLike(x, 0)), dy, Mul(dy, Add(y, scalarLike(y, 1))))
	}))
	registerUnary("Selu", tensor.OpSelu, g1(func(op *Operation, dy *Tensor) *Tensor {
		x, y := in0(op), out0(op)
		return Where(Greater(x, scalarLike(x, 0)), Mul(dy, scalarLike(dy, seluScale)), Mul(dy, Add(y, scalarLike(y, seluScale*seluAlpha))))
	}))
	registerUnary("Swish", tensor.OpSwish, g1(func(op *Operation, dy *Tensor) *Tensor {
		x := in0(op)
		s := Sigmoid(x)
		return Mul(dy, Mul(s, Add(scalarLike(x, 1), Mul(x, Sub(scalarLike(x, 1), s)))))
	}))
	registerUnary("Gelu", tensor.OpGelu, g1(func(op *Operation, dy *Tensor) *Tensor {
		x := in0(op)
		cdf := Mul(scalarLike(x, 0.5), Add(scalarLike(x, 1), Erf(Mul(x, scalarLike(x, 1/math.Sqrt2)))))
		pdf := Mul(scalarLike(x, 1/math.Sqrt(2*math.Pi)), Exp(Mul(scalarLike(x, -0.5), Square(x))))
		return Mul(dy, Add(cdf, Mul(x, pdf)))
	}))
	registerUnary("Erf", tensor.OpErf, g1(func(op *Operation, dy *Tensor) *Tensor {
		x := in0(op)
		return Mul(dy, Mul(scalarLike(x, 2/math.Sqrt(math.Pi)), Exp(Neg(Square(x)))))
	}))
	registerUnary("HardSigmoid", tensor.OpHardSigmoid, g1(func(op *Operation, dy *Tensor) *Tensor {
		x := in0(op)
		c := LogicalAnd(Greater(x, scalarLike(x, -2.5)), Less(x, scalarLike(x, 2.5)))
		return Where(c, Mul(dy, scalarLike(dy, 0.2)), scalarLike(dy, 0))
	}))
	registerUnary("LogicalNot", tensor.OpLogicalNot, nil)

	RegisterOp(&OpDef{Type: "Where",
		Infer: func(op *Operation, in []TensorSpec) []TensorSpec {
			if in[0].DType != tensor.Bool || in[1].DType != in[2].DType {
				dtypePanic(op, in, "want a bool condition and two values of one dtype")
			}
			s, err := tensor.BroadcastShapes(in[0].Shape, in[1].Shape)
			if err == nil {
				s, err = tensor.BroadcastShapes(s, in[2].Shape)
			}
			if err != nil {
				shapePanic(op, in, "shapes are not broadcast-compatible")
			}
			return []TensorSpec{{in[1].DType, s}}
		},
		Kernel: func(op *Operation, in, out []*tensor.Tensor) error {
			tensor.WhereInto(out[0], in[0], in[1], in[2])
			return nil
		},
		Grad: func(op *Operation, dys []*Tensor, need []bool) []*Tensor {
			c, dy := in0(op), dys[0]
			zero := scalarLike(dy, 0)
			r := []*Tensor{nil, nil, nil}
			if need[1] {
				r[1] = unbroadcast(Where(c, dy, zero), op.inputs[1])
			}
			if need[2] {
				r[2] = unbroadcast(Where(c, zero, dy), op.inputs[2])
			}
			return r
		},
	})
	RegisterOp(&OpDef{Type: "ClipByValue",
		Attrs: []AttrDef{{"clip_value_min", AttrFloat, nil}, {"clip_value_max", AttrFloat, nil}},
		Infer: func(op *Operation, in []TensorSpec) []TensorSpec {
			if !in[0].DType.IsFloat() && !in[0].DType.IsInteger() {
				dtypePanic(op, in, "dtype %v is not supported (want a float or integer dtype)", in[0].DType)
			}
			if op.aFloat(0) > op.aFloat(1) {
				shapePanic(op, in, "lower bound %v is above upper bound %v", op.aFloat(0), op.aFloat(1))
			}
			return []TensorSpec{in[0]}
		},
		Kernel: func(op *Operation, in, out []*tensor.Tensor) error {
			tensor.ClipInto(out[0], in[0], op.aFloat(0), op.aFloat(1))
			return nil
		},
		Grad: g1(func(op *Operation, dy *Tensor) *Tensor {
			x := in0(op)
			c := LogicalAnd(GreaterEqual(x, scalarLike(x, op.aFloat(0))), LessEqual(x, scalarLike(x, op.aFloat(1))))
			return Where(c, dy, scalarLike(dy, 0))
		}),
	})
}

// Keras's SELU constants.
const (
	seluAlpha = 1.6732632423543772848170429916717
	seluScale = 1.0507009873554804934193349852946
)

func reluGrad(dy, x *Tensor) *Tensor    { return apply1("ReluGrad", attrs{}, nil, dy, x) }
func sigmoidGrad(y, dy *Tensor) *Tensor { return apply1("SigmoidGrad", attrs{}, nil, y, dy) }
func tanhGrad(y, dy *Tensor) *Tensor    { return apply1("TanhGrad", attrs{}, nil, y, dy) }

// Elementwise binary ops broadcast as NumPy; both inputs have one dtype.

// Add returns a + b.
func Add(a, b *Tensor) *Tensor { return apply1("Add", attrs{}, nil, a, b) }

// Sub returns a - b.
func Sub(a, b *Tensor) *Tensor { return apply1("Sub", attrs{}, nil, a, b) }

// Mul returns a * b.
func Mul(a, b *Tensor) *Tensor { return apply1("Mul", attrs{}, nil, a, b) }

// Div returns a / b.
func Div(a, b *Tensor) *Tensor { return apply1("Div", attrs{}, nil, a, b) }

// DivNoNan returns a / b, or 0 where b is 0.
func DivNoNan(a, b *Tensor) *Tensor { return apply1("DivNoNan", attrs{}, nil, a, b) }

// Pow returns a^b.
func Pow(a, b *Tensor) *Tensor { return apply1("Pow", attrs{}, nil, a, b) }

// Maximum returns max(a, b).
func Maximum(a, b *Tensor) *Tensor { return apply1("Maximum", attrs{}, nil, a, b) }

// Minimum returns min(a, b).
func Minimum(a, b *Tensor) *Tensor { return apply1("Minimum", attrs{}, nil, a, b) }

// SquaredDifference returns (a - b)^2.
func SquaredDifference(a, b *Tensor) *Tensor { return apply1("SquaredDifference", attrs{}, nil, a, b) }

// FloorMod returns a mod b with b's sign.
func FloorMod(a, b *Tensor) *Tensor { return apply1("FloorMod", attrs{}, nil, a, b) }

// FloorDiv returns floor(a / b).
func FloorDiv(a, b *Tensor) *Tensor { return apply1("FloorDiv", attrs{}, nil, a, b) }

// Equal returns a == b (bool).
func Equal(a, b *Tensor) *Tensor { return apply1("Equal", attrs{}, nil, a, b) }

// NotEqual returns a != b (bool).
func NotEqual(a, b *Tensor) *Tensor { return apply1("NotEqual", attrs{}, nil, a, b) }

// Less returns a < b (bool).
func Less(a, b *Tensor) *Tensor { return apply1("Less", attrs{}, nil, a, b) }

// LessEqual returns a <= b (bool).
func LessEqual(a, b *Tensor) *Tensor { return apply1("LessEqual", attrs{}, nil, a, b) }

// Greater returns a > b (bool).
func Greater(a, b *Tensor) *Tensor { return apply1("Greater", attrs{}, nil, a, b) }

// GreaterEqual returns a >= b (bool).
func GreaterEqual(a, b *Tensor) *Tensor { return apply1("GreaterEqual", attrs{}, nil, a, b) }

// LogicalAnd returns a && b.
func LogicalAnd(a, b *Tensor) *Tensor { return apply1("LogicalAnd", attrs{}, nil, a, b) }

// LogicalOr returns a || b.
func LogicalOr(a, b *Tensor) *Tensor { return apply1("LogicalOr", attrs{}, nil, a, b) }

// LogicalXor returns a != b for bools.
func LogicalXor(a, b *Tensor) *Tensor { return apply1("LogicalXor", attrs{}, nil, a, b) }

// Neg returns -x.
func Neg(x *Tensor) *Tensor { return apply1("Neg", attrs{}, nil, x) }

// Abs returns |x|.
func Abs(x *Tensor) *Tensor { return apply1("Abs", attrs{}, nil, x) }

// Sign returns -1, 0 or 1.
func Sign(x *Tensor) *Tensor { return apply1("Sign", attrs{}, nil, x) }

// Square returns x*x.
func Square(x *Tensor) *Tensor { return apply1("Square", attrs{}, nil, x) }

// Exp returns e^x.
func Exp(x *Tensor) *Tensor { return apply1("Exp", attrs{}, nil, x) }

// Log returns the natural logarithm.
func Log(x *Tensor) *Tensor { return apply1("Log", attrs{}, nil, x) }

// Log1p returns log(1+x).
func Log1p(x *Tensor) *Tensor { return apply1("Log1p", attrs{}, nil, x) }

// Expm1 returns e^x - 1.
func Expm1(x *Tensor) *Tensor { return apply1("Expm1", attrs{}, nil, x) }

// Sqrt returns the square root.
func Sqrt(x *Tensor) *Tensor { return apply1("Sqrt", attrs{}, nil, x) }

// Rsqrt returns 1/sqrt(x).
func Rsqrt(x *Tensor) *Tensor { return apply1("Rsqrt", attrs{}, nil, x) }

// Reciprocal returns 1/x.
func Reciprocal(x *Tensor) *Tensor { return apply1("Reciprocal", attrs{}, nil, x) }

// Floor rounds down.
func Floor(x *Tensor) *Tensor { return apply1("Floor", attrs{}, nil, x) }

// Ceil rounds up.
func Ceil(x *Tensor) *Tensor { return apply1("Ceil", attrs{}, nil, x) }

// Round rounds half to even.
func Round(x *Tensor) *Tensor { return apply1("Round", attrs{}, nil, x) }

// Sin returns sin(x).
func Sin(x *Tensor) *Tensor { return apply1("Sin", attrs{}, nil, x) }

// Cos returns cos(x).
func Cos(x *Tensor) *Tensor { return apply1("Cos", attrs{}, nil, x) }

// Tan returns tan(x).
func Tan(x *Tensor) *Tensor { return apply1("Tan", attrs{}, nil, x) }

// Erf returns the error function.
func Erf(x *Tensor) *Tensor { return apply1("Erf", attrs{}, nil, x) }

// LogicalNot returns !x.
func LogicalNot(x *Tensor) *Tensor { return apply1("LogicalNot", attrs{}, nil, x) }

// Relu returns max(x, 0). In a graph, the ReLU of a batch normalisation
// with fixed statistics or of a linear FusedConv2D is computed in that op's
// output pass (one op, one pass over the data).
func Relu(x *Tensor) *Tensor {
	if y := fuseRelu(x); y != nil {
		return y
	}
	return apply1("Relu", attrs{}, nil, x)
}

// Relu6 returns min(max(x, 0), 6).
func Relu6(x *Tensor) *Tensor { return apply1("Relu6", attrs{}, nil, x) }

// Sigmoid returns 1/(1+e^-x).
func Sigmoid(x *Tensor) *Tensor { return apply1("Sigmoid", attrs{}, nil, x) }

// LogSigmoid returns log(sigmoid(x)).
func LogSigmoid(x *Tensor) *Tensor { return apply1("LogSigmoid", attrs{}, nil, x) }

// HardSigmoid returns clip(0.2x+0.5, 0, 1), as Keras.
func HardSigmoid(x *Tensor) *Tensor { return apply1("HardSigmoid", attrs{}, nil, x) }

// Tanh returns tanh(x).
func Tanh(x *Tensor) *Tensor { return apply1("Tanh", attrs{}, nil, x) }

// Softplus returns log(1+e^x).
func Softplus(x *Tensor) *Tensor { return apply1("Softplus", attrs{}, nil, x) }

// Softsign returns x/(1+|x|).
func Softsign(x *Tensor) *Tensor { return apply1("Softsign", attrs{}, nil, x) }

// Selu returns the scaled ELU with Keras's constants.
func Selu(x *Tensor) *Tensor { return apply1("Selu", attrs{}, nil, x) }

// Swish returns x*sigmoid(x) (SiLU).
func Swish(x *Tensor) *Tensor { return apply1("Swish", attrs{}, nil, x) }

// Gelu returns x*Phi(x) (the exact erf form).
func Gelu(x *Tensor) *Tensor { return apply1("Gelu", attrs{}, nil, x) }

// Elu returns x for x > 0 and alpha*(e^x-1) otherwise (alpha defaults to 1).
func Elu(x *Tensor, alpha ...float64) *Tensor {
	if len(alpha) == 0 || alpha[0] == 1 {
		return apply1("Elu", attrs{}, nil, x)
	}
	a, zero := scalarLike(x, alpha[0]), scalarLike(x, 0)
	// min(x, 0): the unused branch must stay finite, or its zero gradient
	// times exp(x) = Inf would be NaN for large x.
	return Where(Greater(x, zero), x, Mul(a, Expm1(Minimum(x, zero))))
}

// LeakyRelu returns x for x > 0 and alpha*x otherwise (Keras default
// alpha 0.3; tf.nn's is 0.2: pass it explicitly).
func LeakyRelu(x *Tensor, alpha ...float64) *Tensor {
	al := 0.3
	if len(alpha) > 0 {
		al = alpha[0]
	}
	return Where(Greater(x, scalarLike(x, 0)), x, Mul(x, scalarLike(x, al)))
}

// Where returns a where cond is true and b elsewhere (all three broadcast).
func Where(cond, a, b *Tensor) *Tensor { return apply1("Where", attrs{}, nil, cond, a, b) }

// ClipByValue limits x to [lo, hi].
func ClipByValue(x *Tensor, lo, hi float64) *Tensor {
	return apply1("ClipByValue", attrs{lo, hi}, nil, x)
}
