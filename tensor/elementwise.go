package tensor

import (
	"fmt"
	"math"
)

var (
	negInf = math.Inf(-1)
	posInf = math.Inf(1)
)

// UnaryOp names an elementwise function of one tensor. Unary and UnaryInto
// apply one; the functions named after each op (Exp, Relu, ...) are
// shorthands.
type UnaryOp uint8

// The unary ops. Those marked "float" accept only float32 and float64; the
// rest also accept int32, int64 and uint8; LogicalNot and Identity accept
// bool.
const (
	OpNeg         UnaryOp = iota + 1 // -x (wraps for uint8)
	OpAbs                            // |x|
	OpSign                           // -1, 0 or 1 (NaN stays NaN)
	OpSquare                         // x*x
	OpRelu                           // max(x, 0)
	OpRelu6                          // min(max(x, 0), 6)
	OpIdentity                       // x (a copy); every dtype
	OpExp                            // float: e^x
	OpLog                            // float: natural logarithm
	OpLog1p                          // float: log(1+x), accurate near 0
	OpExpm1                          // float: e^x-1, accurate near 0
	OpSqrt                           // float
	OpRsqrt                          // float: 1/sqrt(x)
	OpReciprocal                     // float: 1/x
	OpFloor                          // float
	OpCeil                           // float
	OpRound                          // float: half to even, as tf.round
	OpSin                            // float
	OpCos                            // float
	OpTan                            // float
	OpTanh                           // float
	OpSigmoid                        // float: 1/(1+e^-x), stable for large |x|
	OpLogSigmoid                     // float: log(sigmoid(x)), stable
	OpSoftplus                       // float: log(1+e^x), stable
	OpSoftsign                       // float: x/(1+|x|)
	OpElu                            // float: x if x>0 else e^x-1
	OpSelu                           // float: scaled ELU (Keras constants)
	OpSwish                          // float: x*sigmoid(x) (SiLU)
	OpGelu                           // float: x*Phi(x), exact (erf) form
	OpErf                            // float
	OpHardSigmoid                    // float: clip(0.2x+0.5, 0, 1) as Keras
	OpLogicalNot                     // bool
	numUnaryOps
)

var unaryNames = [...]string{
	OpNeg: "Neg", OpAbs: "Abs", OpSign: "Sign", OpSquare: "Square", OpRelu: "Relu", OpRelu6: "Relu6",
	OpIdentity: "Identity", OpExp: "Exp", OpLog: "Log", OpLog1p: "Log1p", OpExpm1: "Expm1",
	OpSqrt: "Sqrt", OpRsqrt: "Rsqrt", OpReciprocal: "Reciprocal", OpFloor: "Floor", OpCeil: "Ceil",
	OpRound: "Round", OpSin: "Sin", OpCos: "Cos", OpTan: "Tan", OpTanh: "Tanh", OpSigmoid: "Sigmoid",
	OpLogSigmoid: "LogSigmoid", OpSoftplus: "Softplus", OpSoftsign: "Softsign", OpElu: "Elu",
	OpSelu: "Selu", OpSwish: "Swish", OpGelu: "Gelu", OpErf: "Erf", OpHardSigmoid: "HardSigmoid",
	OpLogicalNot: "LogicalNot",
}

// String returns the op's name ("Exp").
func (op UnaryOp) String() string {
	if op > 0 && op < numUnaryOps {
		return unaryNames[op]
	}
	return fmt.Sprintf("UnaryOp(%d)", uint8(op))
}

// Supports reports whether op accepts tensors of dtype d.
func (op UnaryOp) Supports(d DType) bool {
	switch {
	case op == OpIdentity:
		return d.Valid()
	case op == OpLogicalNot:
		return d == Bool
	case op <= OpRelu6:
		return d.IsFloat() || d.IsInteger()
	case op < numUnaryOps:
		return d.IsFloat()
	}
	return false
}

func (op UnaryOp) check(x *Tensor) {
	if op == 0 || op >= numUnaryOps {
		panic(fmt.Sprintf("Unary: unknown op %d", uint8(op)))
	}
	if !op.Supports(x.dtype) {
		switch {
		case op == OpLogicalNot:
			unsupported(op.String(), x.dtype, boolTypes...)
		case op <= OpRelu6:
			unsupported(op.String(), x.dtype, numberTypes...)
		default:
			unsupported(op.String(), x.dtype, floatTypes...)
		}
	}
}

func (op UnaryOp) grain() int {
	if op >= OpExp && op != OpLogicalNot {
		return grainMath
	}
	return grainCheap
}

// Unary returns op applied to every element of x.
func Unary(op UnaryOp, x *Tensor) *Tensor {
	op.check(x)
	dst := New(x.dtype, x.shape...)
	unaryRun(op, dst, x)
	return dst
}

// UnaryInto writes op(x) into dst, which must have x's dtype and shape (it
// may be x itself). It does not allocate.
func UnaryInto(dst *Tensor, op UnaryOp, x *Tensor) {
	op.check(x)
	checkDst(op.String(), dst, x.dtype, x.shape)
	unaryRun(op, dst, x)
}

func unaryRun(op UnaryOp, dst, x *Tensor) {
	var j job
	j.kind = jobUnary
	j.uop = op
	j.dst = dst
	j.in[0] = x
	j.exec(x.Size(), op.grain())
}

// Neg returns -x.
func Neg(x *Tensor) *Tensor { return Unary(OpNeg, x) }

// Abs returns |x|.
func Abs(x *Tensor) *Tensor { return Unary(OpAbs, x) }

// Sign returns -1, 0 or 1 according to the sign of each element.
func Sign(x *Tensor) *Tensor { return Unary(OpSign, x) }

// Square returns x*x.
func Square(x *Tensor) *Tensor { return Unary(OpSquare, x) }

// Relu returns max(x, 0).
func Relu(x *Tensor) *Tensor { return Unary(OpRelu, x) }

// Relu6 returns min(max(x, 0), 6).
func Relu6(x *Tensor) *Tensor { return Unary(OpRelu6, x) }

// Exp returns e^x.
func Exp(x *Tensor) *Tensor { return Unary(OpExp, x) }

// Log returns the natural logarithm of x.
func Log(x *Tensor) *Tensor { return Unary(OpLog, x) }

// Log1p returns log(1+x), accurate for x near zero.
func Log1p(x *Tensor) *Tensor { return Unary(OpLog1p, x) }

// Expm1 returns e^x-1, accurate for x near zero.
func Expm1(x *Tensor) *Tensor { return Unary(OpExpm1, x) }

// Sqrt returns the square root of x.
func Sqrt(x *Tensor) *Tensor { return Unary(OpSqrt, x) }

// Rsqrt returns 1/sqrt(x).
func Rsqrt(x *Tensor) *Tensor { return Unary(OpRsqrt, x) }

// Reciprocal returns 1/x.
func Reciprocal(x *Tensor) *Tensor { return Unary(OpReciprocal, x) }

// Floor rounds down.
func Floor(x *Tensor) *Tensor { return Unary(OpFloor, x) }

// Ceil rounds up.
func Ceil(x *Tensor) *Tensor { return Unary(OpCeil, x) }

// Round rounds to the nearest integer, halves to even (as tf.round).
func Round(x *Tensor) *Tensor { return Unary(OpRound, x) }

// Sin returns the sine of x (radians).
func Sin(x *Tensor) *Tensor { return Unary(OpSin, x) }

// Cos returns the cosine of x (radians).
func Cos(x *Tensor) *Tensor { return Unary(OpCos, x) }

// Tan returns the tangent of x (radians).
func Tan(x *Tensor) *Tensor { return Unary(OpTan, x) }

// Tanh returns the hyperbolic tangent of x.
func Tanh(x *Tensor) *Tensor { return Unary(OpTanh, x) }

// Sigmoid returns 1/(1+e^-x), computed without overflow for large |x|.
func Sigmoid(x *Tensor) *Tensor { return Unary(OpSigmoid, x) }

// LogSigmoid returns log(sigmoid(x)) without overflow.
func LogSigmoid(x *Tensor) *Tensor { return Unary(OpLogSigmoid, x) }

// Softplus returns log(1+e^x) without overflow.
func Softplus(x *Tensor) *Tensor { return Unary(OpSoftplus, x) }

// Softsign returns x/(1+|x|).
func Softsign(x *Tensor) *Tensor { return Unary(OpSoftsign, x) }

// Elu returns x for x > 0 and e^x-1 otherwise.
func Elu(x *Tensor) *Tensor { return Unary(OpElu, x) }

// Selu returns the scaled ELU with Keras's constants.
func Selu(x *Tensor) *Tensor { return Unary(OpSelu, x) }

// Swish returns x*sigmoid(x) (also called SiLU).
func Swish(x *Tensor) *Tensor { return Unary(OpSwish, x) }

// Gelu returns x*Phi(x) with Phi the standard normal CDF (the exact form).
func Gelu(x *Tensor) *Tensor { return Unary(OpGelu, x) }

// Erf returns the error function of x.
func Erf(x *Tensor) *Tensor { return Unary(OpErf, x) }

// HardSigmoid returns clip(0.2*x+0.5, 0, 1), as Keras's hard_sigmoid.
func HardSigmoid(x *Tensor) *Tensor { return Unary(OpHardSigmoid, x) }

// LogicalNot negates a bool tensor.
func LogicalNot(x *Tensor) *Tensor { return Unary(OpLogicalNot, x) }

// BinaryOp names an elementwise function of two tensors of one dtype with
// NumPy broadcasting. Binary and BinaryInto apply one; the functions named
// after each op (Add, Less, ...) are shorthands.
type BinaryOp uint8

// The binary ops. Arithmetic ops accept every numeric dtype unless marked
// "float" and return the inputs' dtype; comparisons accept every numeric
// dtype (Equal and NotEqual also bool) and return Bool; logical ops take and
// return Bool.
const (
	OpAdd               BinaryOp = iota + 1 // a + b
	OpSub                                   // a - b
	OpMul                                   // a * b
	OpDiv                                   // a / b (integers truncate; division by zero panics)
	OpFloorDiv                              // floor(a / b)
	OpFloorMod                              // a - floor(a/b)*b: the result has b's sign, as Python's %
	OpPow                                   // a^b (integers: negative exponents panic)
	OpMaximum                               // max(a, b)
	OpMinimum                               // min(a, b)
	OpSquaredDifference                     // (a - b)^2
	OpDivNoNan                              // float: a / b, or 0 where b == 0
	OpReluGrad                              // a where b > 0, else 0 (a: upstream gradient, b: Relu's input)
	OpSigmoidGrad                           // float: b*a*(1-a) (a: Sigmoid's output, b: upstream gradient)
	OpTanhGrad                              // float: b*(1-a*a) (a: Tanh's output, b: upstream gradient)
	OpEqual                                 // a == b
	OpNotEqual                              // a != b
	OpLess                                  // a < b
	OpLessEqual                             // a <= b
	OpGreater                               // a > b
	OpGreaterEqual                          // a >= b
	OpLogicalAnd                            // bool: a && b
	OpLogicalOr                             // bool: a || b
	OpLogicalXor                            // bool: a != b
	numBinaryOps
)

var binaryNames = [...]string{
	OpAdd: "Add", OpSub: "Sub", OpMul: "Mul", OpDiv: "Div", OpFloorDiv: "FloorDiv", OpFloorMod: "FloorMod",
	OpPow: "Pow", OpMaximum: "Maximum", OpMinimum: "Minimum", OpSquaredDifference: "SquaredDifference",
	OpDivNoNan: "DivNoNan", OpReluGrad: "ReluGrad", OpSigmoidGrad: "SigmoidGrad", OpTanhGrad: "TanhGrad",
	OpEqual: "Equal", OpNotEqual: "NotEqual", OpLess: "Less", OpLessEqual: "LessEqual",
	OpGreater: "Greater", OpGreaterEqual: "GreaterEqual", OpLogicalAnd: "LogicalAnd",
	OpLogicalOr: "LogicalOr", OpLogicalXor: "LogicalXor",
}

// String returns the op's name ("Add").
func (op BinaryOp) String() string {
	if op > 0 && op < numBinaryOps {
		return binaryNames[op]
	}
	return fmt.Sprintf("BinaryOp(%d)", uint8(op))
}

// IsComparison reports whether op returns Bool from numeric inputs.
func (op BinaryOp) IsComparison() bool { return op >= OpEqual && op <= OpGreaterEqual }

// IsLogical reports whether op is LogicalAnd, LogicalOr or LogicalXor.
func (op BinaryOp) IsLogical() bool { return op >= OpLogicalAnd && op < numBinaryOps }

func (op BinaryOp) floatOnly() bool {
	return op == OpDivNoNan || op == OpSigmoidGrad || op == OpTanhGrad
}

// Supports reports whether op accepts inputs of dtype d.
func (op BinaryOp) Supports(d DType) bool {
	switch {
	case op == 0 || op >= numBinaryOps:
		return false
	case op.IsLogical():
		return d == Bool
	case op == OpEqual || op == OpNotEqual:
		return d.Valid()
	case op.floatOnly():
		return d.IsFloat()
	}
	return d.IsFloat() || d.IsInteger()
}

// ResultDType is the dtype op returns for inputs of dtype d.
func (op BinaryOp) ResultDType(d DType) DType {
	if op.IsComparison() || op.IsLogical() {
		return Bool
	}
	return d
}

// ResultShape is the broadcast shape of op's result, panicking (with op's
// name) if a and b do not broadcast.
func (op BinaryOp) ResultShape(a, b Shape) Shape { return broadcastShape(op.String(), a, b) }

func (op BinaryOp) check(a, b *Tensor) {
	if op == 0 || op >= numBinaryOps {
		panic(fmt.Sprintf("Binary: unknown op %d", uint8(op)))
	}
	checkSameDType(op.String(), a, b)
	if !op.Supports(a.dtype) {
		switch {
		case op.IsLogical():
			unsupported(op.String(), a.dtype, boolTypes...)
		case op.floatOnly():
			unsupported(op.String(), a.dtype, floatTypes...)
		default:
			unsupported(op.String(), a.dtype, numberTypes...)
		}
	}
}

// Binary returns op(a, b) elementwise, broadcasting a and b as NumPy does.
func Binary(op BinaryOp, a, b *Tensor) *Tensor {
	op.check(a, b)
	shape := op.ResultShape(a.shape, b.shape)
	dst := New(op.ResultDType(a.dtype), shape...)
	binaryRun(op, dst, a, b)
	return dst
}

// BinaryInto writes op(a, b) into dst, which must have the result's dtype and
// broadcast shape (it may be a or b when that has the result's shape). It
// does not allocate.
func BinaryInto(dst *Tensor, op BinaryOp, a, b *Tensor) {
	op.check(a, b)
	name := op.String()
	if dst.dtype != op.ResultDType(a.dtype) {
		panic(fmt.Sprintf("%s: destination dtype is %v, want %v", name, dst.dtype, op.ResultDType(a.dtype)))
	}
	if len(dst.shape) != max(len(a.shape), len(b.shape)) {
		panic(fmt.Sprintf("%s: destination shape %v is not the broadcast of %v and %v", name, dst.shape, a.shape, b.shape))
	}
	for i := range dst.shape {
		da, db := dimFromEnd(a.shape, len(dst.shape)-i), dimFromEnd(b.shape, len(dst.shape)-i)
		want := max(da, db)
		if da != db && da != 1 && db != 1 {
			broadcastShape(name, a.shape, b.shape)
		}
		if da == 0 || db == 0 {
			want = 0
		}
		if dst.shape[i] != want {
			panic(fmt.Sprintf("%s: destination shape %v is not the broadcast of %v and %v", name, dst.shape, a.shape, b.shape))
		}
	}
	binaryRun(op, dst, a, b)
}

// dimFromEnd returns s[len(s)-k], or 1 beyond s's rank.
func dimFromEnd(s Shape, k int) int {
	if k > len(s) {
		return 1
	}
	return s[len(s)-k]
}

func binaryRun(op BinaryOp, dst, a, b *Tensor) {
	if dst.Size() == 0 {
		return
	}
	if a.dtype.IsInteger() && (op == OpDiv || op == OpFloorDiv || op == OpFloorMod) {
		checkNoZero(op.String(), b)
	}
	if a.dtype.IsInteger() && op == OpPow {
		checkNoNegative(op.String(), b)
	}
	if dst.dtype == Float32 && rowBroadcast(op, dst, a, b) {
		return
	}
	var j job
	j.kind = jobBinary
	j.bop = op
	j.dst = dst
	j.in[0], j.in[1] = a, b
	var st [4][maxRank]int
	contiguousStrides(dst.shape, &st[0])
	broadcastStrides(dst.shape, a.shape, &st[1])
	broadcastStrides(dst.shape, b.shape, &st[2])
	j.geo.build(op.String(), dst.shape, &st, 3)
	grain := grainCheap
	if op == OpPow || op == OpFloorMod || op == OpFloorDiv {
		grain = grainMath
	}
	j.exec(dst.Size(), grain)
}

// checkNoZero panics if an integer divisor holds a zero: Go would panic inside
// a worker goroutine, which no caller could recover.
func checkNoZero(op string, b *Tensor) {
	bad := false
	switch d := b.data.(type) {
	case []int32:
		bad = hasValue(d, 0)
	case []int64:
		bad = hasValue(d, 0)
	case []uint8:
		bad = hasValue(d, 0)
	}
	if bad {
		panic(fmt.Sprintf("%s: integer division by zero (divisor of shape %v holds a 0)", op, b.shape))
	}
}

func hasValue[T comparable](d []T, v T) bool {
	for _, x := range d {
		if x == v {
			return true
		}
	}
	return false
}

func checkNoNegative(op string, b *Tensor) {
	bad := false
	switch d := b.data.(type) {
	case []int32:
		for _, v := range d {
			bad = bad || v < 0
		}
	case []int64:
		for _, v := range d {
			bad = bad || v < 0
		}
	}
	if bad {
		panic(fmt.Sprintf("%s: integers to negative integer powers are not allowed (exponent of shape %v)", op, b.shape))
	}
}

// Add returns a + b with broadcasting.
func Add(a, b *Tensor) *Tensor { return Binary(OpAdd, a, b) }

// Sub returns a - b with broadcasting.
func Sub(a, b *Tensor) *Tensor { return Binary(OpSub, a, b) }

// Mul returns a * b with broadcasting.
func Mul(a, b *Tensor) *Tensor { return Binary(OpMul, a, b) }

// Div returns a / b with broadcasting. Integer division truncates toward
// zero, and an integer division by zero panics.
func Div(a, b *Tensor) *Tensor { return Binary(OpDiv, a, b) }

// FloorDiv returns floor(a / b) with broadcasting (Python's //).
func FloorDiv(a, b *Tensor) *Tensor { return Binary(OpFloorDiv, a, b) }

// FloorMod returns a - floor(a/b)*b, whose sign is b's (Python's %).
func FloorMod(a, b *Tensor) *Tensor { return Binary(OpFloorMod, a, b) }

// Pow returns a^b with broadcasting.
func Pow(a, b *Tensor) *Tensor { return Binary(OpPow, a, b) }

// Maximum returns the larger of a and b elementwise.
func Maximum(a, b *Tensor) *Tensor { return Binary(OpMaximum, a, b) }

// Minimum returns the smaller of a and b elementwise.
func Minimum(a, b *Tensor) *Tensor { return Binary(OpMinimum, a, b) }

// SquaredDifference returns (a-b)^2 with broadcasting.
func SquaredDifference(a, b *Tensor) *Tensor { return Binary(OpSquaredDifference, a, b) }

// DivNoNan returns a / b, with 0 wherever b is 0 (tf.math.divide_no_nan).
func DivNoNan(a, b *Tensor) *Tensor { return Binary(OpDivNoNan, a, b) }

// Equal returns a == b elementwise as Bool.
func Equal(a, b *Tensor) *Tensor { return Binary(OpEqual, a, b) }

// NotEqual returns a != b elementwise as Bool.
func NotEqual(a, b *Tensor) *Tensor { return Binary(OpNotEqual, a, b) }

// Less returns a < b elementwise as Bool.
func Less(a, b *Tensor) *Tensor { return Binary(OpLess, a, b) }

// LessEqual returns a <= b elementwise as Bool.
func LessEqual(a, b *Tensor) *Tensor { return Binary(OpLessEqual, a, b) }

// Greater returns a > b elementwise as Bool.
func Greater(a, b *Tensor) *Tensor { return Binary(OpGreater, a, b) }

// GreaterEqual returns a >= b elementwise as Bool.
func GreaterEqual(a, b *Tensor) *Tensor { return Binary(OpGreaterEqual, a, b) }

// LogicalAnd returns a && b for Bool tensors.
func LogicalAnd(a, b *Tensor) *Tensor { return Binary(OpLogicalAnd, a, b) }

// LogicalOr returns a || b for Bool tensors.
func LogicalOr(a, b *Tensor) *Tensor { return Binary(OpLogicalOr, a, b) }

// LogicalXor returns a != b for Bool tensors.
func LogicalXor(a, b *Tensor) *Tensor { return Binary(OpLogicalXor, a, b) }

// Where returns a where cond is true and b elsewhere; the three broadcast
// together (tf.where with three arguments). a and b share a dtype; cond is
// Bool.
func Where(cond, a, b *Tensor) *Tensor {
	checkWhere(cond, a, b)
	shape := broadcastShape("Where", broadcastShape("Where", cond.shape, a.shape), b.shape)
	dst := New(a.dtype, shape...)
	whereRun(dst, cond, a, b)
	return dst
}

// WhereInto is Where writing into dst, which must have the result's dtype and
// shape. It does not allocate.
func WhereInto(dst, cond, a, b *Tensor) {
	checkWhere(cond, a, b)
	if dst.dtype != a.dtype {
		panic(fmt.Sprintf("Where: destination dtype is %v, want %v", dst.dtype, a.dtype))
	}
	for _, s := range []Shape{cond.shape, a.shape, b.shape} {
		checkBroadcastTo("Where", s, dst.shape)
	}
	whereRun(dst, cond, a, b)
}

func checkWhere(cond, a, b *Tensor) {
	if cond.dtype != Bool {
		panic(fmt.Sprintf("Where: condition has dtype %v, want bool", cond.dtype))
	}
	checkSameDType("Where", a, b)
}

func whereRun(dst, cond, a, b *Tensor) {
	if dst.Size() == 0 {
		return
	}
	var j job
	j.kind = jobWhere
	j.dst = dst
	j.in = [3]*Tensor{cond, a, b}
	var st [4][maxRank]int
	contiguousStrides(dst.shape, &st[0])
	broadcastStrides(dst.shape, cond.shape, &st[1])
	broadcastStrides(dst.shape, a.shape, &st[2])
	broadcastStrides(dst.shape, b.shape, &st[3])
	j.geo.build("Where", dst.shape, &st, 4)
	j.exec(dst.Size(), grainCheap)
}

// Clip returns x limited to [lo, hi] (tf.clip_by_value). Bounds are converted
// to x's dtype.
func Clip(x *Tensor, lo, hi float64) *Tensor {
	dst := New(x.dtype, x.shape...)
	ClipInto(dst, x, lo, hi)
	return dst
}

// ClipInto is Clip writing into dst (x's dtype and shape; it may be x).
func ClipInto(dst, x *Tensor, lo, hi float64) {
	if !x.dtype.IsFloat() && !x.dtype.IsInteger() {
		unsupported("Clip", x.dtype, numberTypes...)
	}
	if lo > hi {
		panic(fmt.Sprintf("Clip: lower bound %v is above upper bound %v", lo, hi))
	}
	checkDst("Clip", dst, x.dtype, x.shape)
	var j job
	j.kind = jobClip
	j.dst = dst
	j.in[0] = x
	j.lo, j.hi = lo, hi
	j.exec(x.Size(), grainCheap)
}
