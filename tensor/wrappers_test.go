package tensor

import (
	"math/rand/v2"
	"testing"
)

// The named shorthands (Exp, Maximum, ...) apply the op they are named
// after: the generic forms are tested against references, this ties each
// name to its op.
func TestNamedShorthandsApplyTheirOp(t *testing.T) {
	r := rand.New(rand.NewPCG(3, 4))
	// Mixed signs tell Relu from Identity; NaN (log of a negative) matches
	// NaN, and the positive elements tell Log from Sqrt.
	x := randTensor(r, Float64, 3, 4)
	y := randTensor(r, Float64, 4)
	b1, b2 := randTensor(r, Bool, 3, 4), randTensor(r, Bool, 4)
	for _, c := range []struct {
		f  func(*Tensor) *Tensor
		op UnaryOp
	}{
		{Neg, OpNeg}, {Abs, OpAbs}, {Sign, OpSign}, {Square, OpSquare}, {Relu, OpRelu}, {Relu6, OpRelu6},
		{Exp, OpExp}, {Log, OpLog}, {Log1p, OpLog1p}, {Expm1, OpExpm1}, {Sqrt, OpSqrt}, {Rsqrt, OpRsqrt},
		{Reciprocal, OpReciprocal}, {Floor, OpFloor}, {Ceil, OpCeil}, {Round, OpRound}, {Sin, OpSin},
		{Cos, OpCos}, {Tan, OpTan}, {Tanh, OpTanh}, {Sigmoid, OpSigmoid}, {LogSigmoid, OpLogSigmoid},
		{Softplus, OpSoftplus}, {Softsign, OpSoftsign}, {Elu, OpElu}, {Selu, OpSelu}, {Swish, OpSwish},
		{Gelu, OpGelu}, {Erf, OpErf}, {HardSigmoid, OpHardSigmoid},
	} {
		closeTo(t, c.op.String(), c.f(x), Unary(c.op, x), 0)
	}
	closeTo(t, "LogicalNot", LogicalNot(b1), Unary(OpLogicalNot, b1), 0)
	for _, c := range []struct {
		f  func(a, b *Tensor) *Tensor
		op BinaryOp
	}{
		{Add, OpAdd}, {Sub, OpSub}, {Mul, OpMul}, {Div, OpDiv}, {FloorDiv, OpFloorDiv}, {FloorMod, OpFloorMod},
		{Pow, OpPow}, {Maximum, OpMaximum}, {Minimum, OpMinimum}, {SquaredDifference, OpSquaredDifference},
		{DivNoNan, OpDivNoNan}, {Equal, OpEqual}, {NotEqual, OpNotEqual}, {Less, OpLess},
		{LessEqual, OpLessEqual}, {Greater, OpGreater}, {GreaterEqual, OpGreaterEqual},
	} {
		closeTo(t, c.op.String(), c.f(x, y), Binary(c.op, x, y), 0)
	}
	for _, c := range []struct {
		f  func(a, b *Tensor) *Tensor
		op BinaryOp
	}{{LogicalAnd, OpLogicalAnd}, {LogicalOr, OpLogicalOr}, {LogicalXor, OpLogicalXor}} {
		closeTo(t, c.op.String(), c.f(b1, b2), Binary(c.op, b1, b2), 0)
	}
}
