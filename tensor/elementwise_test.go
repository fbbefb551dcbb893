package tensor

import (
	"fmt"
	"math"
	"math/rand/v2"
	"testing"
)

// refUnaryFloat is an independent scalar reference for each unary op, written
// from the textbook definitions in float64.
func refUnaryFloat(op UnaryOp, x float64) float64 {
	switch op {
	case OpNeg:
		return -x
	case OpAbs:
		return math.Abs(x)
	case OpSign:
		if x > 0 {
			return 1
		} else if x < 0 {
			return -1
		}
		return 0
	case OpSquare:
		return x * x
	case OpRelu:
		return math.Max(x, 0)
	case OpRelu6:
		return math.Min(math.Max(x, 0), 6)
	case OpIdentity:
		return x
	case OpExp:
		return math.Exp(x)
	case OpLog:
		return math.Log(x)
	case OpLog1p:
		return math.Log(1 + x)
	case OpExpm1:
		return math.Exp(x) - 1
	case OpSqrt:
		return math.Sqrt(x)
	case OpRsqrt:
		return 1 / math.Sqrt(x)
	case OpReciprocal:
		return 1 / x
	case OpFloor:
		return math.Floor(x)
	case OpCeil:
		return math.Ceil(x)
	case OpRound:
		r := math.Floor(x + 0.5)
		if r-x == 0.5 && math.Mod(r, 2) != 0 {
			r--
		}
		return r
	case OpSin:
		return math.Sin(x)
	case OpCos:
		return math.Cos(x)
	case OpTan:
		return math.Sin(x) / math.Cos(x)
	case OpTanh:
		return (math.Exp(2*x) - 1) / (math.Exp(2*x) + 1)
	case OpSigmoid:
		return 1 / (1 + math.Exp(-x))
	case OpLogSigmoid:
		return math.Log(1 / (1 + math.Exp(-x)))
	case OpSoftplus:
		return math.Log(1 + math.Exp(x))
	case OpSoftsign:
		return x / (1 + math.Abs(x))
	case OpElu:
		if x > 0 {
			return x
		}
		return math.Exp(x) - 1
	case OpSelu:
		const alpha, scale = 1.67326324235437728481, 1.05070098735548049342
		if x > 0 {
			return scale * x
		}
		return scale * alpha * (math.Exp(x) - 1)
	case OpSwish:
		return x / (1 + math.Exp(-x))
	case OpGelu:
		return x * 0.5 * math.Erfc(-x/math.Sqrt2)
	case OpErf:
		return math.Erf(x)
	case OpHardSigmoid:
		switch {
		case x < -2.5:
			return 0
		case x > 2.5:
			return 1
		}
		return 0.2*x + 0.5
	}
	panic("no reference for " + op.String())
}

func refUnaryInt(op UnaryOp, x int64) int64 {
	switch op {
	case OpNeg:
		return -x
	case OpAbs:
		if x < 0 {
			return -x
		}
		return x
	case OpSign:
		switch {
		case x > 0:
			return 1
		case x < 0:
			return -1
		}
		return 0
	case OpSquare:
		return x * x
	case OpRelu:
		return max(x, 0)
	case OpRelu6:
		return min(max(x, 0), 6)
	case OpIdentity:
		return x
	}
	panic("no reference for " + op.String())
}

// unaryInput draws inputs inside each op's domain.
func unaryInput(r *rand.Rand, op UnaryOp, d DType, n int) *Tensor {
	x := randTensor(r, d, n)
	if !d.IsFloat() {
		return x
	}
	for i := 0; i < n; i++ {
		v := x.Float(i)
		switch op {
		case OpLog, OpSqrt, OpRsqrt:
			v = math.Abs(v) + 0.01
		case OpLog1p:
			v = math.Abs(v) - 0.9
		case OpRound:
			v = math.Round(v*4) / 4 // hit the halves
		case OpTan:
			v /= 3
		}
		x.SetFloat(i, v)
	}
	return x
}

func TestUnaryOpsAgainstReference(t *testing.T) {
	r := rand.New(rand.NewPCG(1, 2))
	for op := UnaryOp(1); op < numUnaryOps; op++ {
		for _, d := range allTypes {
			if !op.Supports(d) {
				continue
			}
			for _, n := range []int{0, 1, 7, 17, 33, 1000, 20011} {
				x := unaryInput(r, op, d, n)
				got := Unary(op, x)
				want := New(d, n)
				for i := 0; i < n; i++ {
					switch {
					case d == Bool:
						b := x.Bools()[i]
						want.Bools()[i] = b
						if op == OpLogicalNot {
							want.Bools()[i] = !b
						}
					case d.IsFloat():
						want.SetFloat(i, refUnaryFloat(op, x.Float(i)))
					default:
						setWrapped(want, i, refUnaryInt(op, int64(x.Float(i))))
					}
				}
				closeTo(t, fmt.Sprintf("%v %v n=%d", op, d, n), got, want, 4*tolFor(d))
				// The Into form, in place.
				UnaryInto(x, op, x)
				closeTo(t, fmt.Sprintf("%vInto %v n=%d", op, d, n), x, want, 4*tolFor(d))
			}
		}
	}
}

func TestUnaryHandValues(t *testing.T) {
	x := From([]float64{-2.5, -0.5, 0.5, 1.5, 2.5})
	closeTo(t, "Round", Round(x), From([]float64{-2, 0, 0, 2, 2}), 0)
	closeTo(t, "Sign", Sign(From([]int32{-3, 0, 4})), From([]int32{-1, 0, 1}), 0)
	big := From([]float32{-1000, 1000})
	closeTo(t, "Sigmoid stable", Sigmoid(big), From([]float32{0, 1}), 0)
	closeTo(t, "Softplus stable", Softplus(big), From([]float32{0, 1000}), 1e-6)
	closeTo(t, "LogSigmoid stable", LogSigmoid(big), From([]float32{-1000, 0}), 1e-6)
	closeTo(t, "Neg uint8 wraps", Neg(From([]uint8{1, 0})), From([]uint8{255, 0}), 0)
	closeTo(t, "LogicalNot", LogicalNot(From([]bool{true, false})), From([]bool{false, true}), 0)
}

// refBinary computes op on scalars: floats in float64, integers in int64
// (wrapped to the dtype afterwards by the caller).
func refBinaryFloat(op BinaryOp, a, b float64) float64 {
	switch op {
	case OpAdd:
		return a + b
	case OpSub:
		return a - b
	case OpMul:
		return a * b
	case OpDiv:
		return a / b
	case OpFloorDiv:
		return math.Floor(a / b)
	case OpFloorMod:
		return a - math.Floor(a/b)*b
	case OpPow:
		return math.Pow(a, b)
	case OpMaximum:
		return math.Max(a, b)
	case OpMinimum:
		return math.Min(a, b)
	case OpSquaredDifference:
		return (a - b) * (a - b)
	case OpDivNoNan:
		if b == 0 {
			return 0
		}
		return a / b
	case OpReluGrad:
		if b > 0 {
			return a
		}
		return 0
	case OpSigmoidGrad:
		return b * a * (1 - a)
	case OpTanhGrad:
		return b * (1 - a*a)
	}
	panic("no reference for " + op.String())
}

func refBinaryInt(op BinaryOp, a, b int64) int64 {
	switch op {
	case OpAdd:
		return a + b
	case OpSub:
		return a - b
	case OpMul:
		return a * b
	case OpDiv:
		return a / b
	case OpFloorDiv:
		return int64(math.Floor(float64(a) / float64(b)))
	case OpFloorMod:
		return a - int64(math.Floor(float64(a)/float64(b)))*b
	case OpPow:
		p := int64(1)
		for i := int64(0); i < b; i++ {
			p *= a
		}
		return p
	case OpMaximum:
		return max(a, b)
	case OpMinimum:
		return min(a, b)
	case OpSquaredDifference:
		return (a - b) * (a - b)
	case OpReluGrad:
		if b > 0 {
			return a
		}
		return 0
	}
	panic("no reference for " + op.String())
}

func refCompare(op BinaryOp, a, b float64) bool {
	switch op {
	case OpEqual:
		return a == b
	case OpNotEqual:
		return a != b
	case OpLess:
		return a < b
	case OpLessEqual:
		return a <= b
	case OpGreater:
		return a > b
	case OpGreaterEqual:
		return a >= b
	case OpLogicalAnd:
		return a != 0 && b != 0
	case OpLogicalOr:
		return a != 0 || b != 0
	case OpLogicalXor:
		return (a != 0) != (b != 0)
	}
	panic("no reference for " + op.String())
}

// Shape pairs covering the broadcasting corner cases and the fast paths
// (same shape, scalar, row and column broadcast), sizes that are not a
// multiple of any SIMD width, size-0 and size-1 dimensions, and tensors large
// enough to be split across threads.
var broadcastPairs = [][2][]int{
	{{}, {}}, {{7}, {}}, {{}, {7}}, {{1}, {17}}, {{33}, {33}}, {{1000}, {1000}},
	{{3, 1}, {1, 4}}, {{2, 3, 4}, {4}}, {{2, 3, 4}, {3, 1}}, {{4}, {2, 3, 4}},
	{{32, 128}, {128}}, {{33, 5}, {33, 1}}, {{33, 1}, {33, 5}}, {{1, 1}, {5, 1, 33}},
	{{4, 1, 6}, {1, 5, 1}}, {{0, 3}, {3}}, {{2, 0}, {1}}, {{0}, {}},
	{{300, 257}, {257}}, {{300, 257}, {300, 1}}, {{70001}, {70001}}, {{70001}, {}},
	{{2, 1, 3, 1, 5}, {1, 4, 1, 2, 5}},
}

func binaryInputs(r *rand.Rand, op BinaryOp, d DType, sa, sb []int) (*Tensor, *Tensor) {
	a, b := randTensor(r, d, sa...), randTensor(r, d, sb...)
	for i := 0; i < b.Size(); i++ {
		v := b.Float(i)
		switch {
		case d.IsInteger() && (op == OpDiv || op == OpFloorDiv || op == OpFloorMod) && v == 0:
			b.SetFloat(i, 3)
		case d.IsInteger() && op == OpPow:
			b.SetFloat(i, math.Abs(v)/2)
		case op == OpPow:
			b.SetFloat(i, math.Round(v)) // integral exponents keep negative bases real
		}
	}
	if (op == OpEqual || op == OpNotEqual) && d.IsFloat() {
		// Make some elements equal so that both outcomes occur.
		for i := 0; i < a.Size(); i++ {
			a.SetFloat(i, math.Round(a.Float(i)))
		}
		for i := 0; i < b.Size(); i++ {
			b.SetFloat(i, math.Round(b.Float(i)))
		}
	}
	return a, b
}

func TestBinaryOpsAgainstReference(t *testing.T) {
	r := rand.New(rand.NewPCG(3, 4))
	for op := BinaryOp(1); op < numBinaryOps; op++ {
		for _, d := range allTypes {
			if !op.Supports(d) {
				continue
			}
			for _, p := range broadcastPairs {
				big := Shape(p[0]).NumElements() > 5000 || Shape(p[1]).NumElements() > 5000
				if big && (d == Int64 || d == Uint8 || op.IsLogical()) && op != OpAdd {
					continue // keep the run short: one big case per kernel family is enough
				}
				a, b := binaryInputs(r, op, d, p[0], p[1])
				got := Binary(op, a, b)
				shape, err := BroadcastShapes(a.shape, b.shape)
				if err != nil {
					t.Fatal(err)
				}
				want := New(op.ResultDType(d), shape...)
				for i := 0; i < want.Size(); i++ {
					idx := unravel(i, shape)
					x, y := a.Float(bcastOffset(idx, a.shape)), b.Float(bcastOffset(idx, b.shape))
					switch {
					case op.IsComparison() || op.IsLogical():
						want.Bools()[i] = refCompare(op, x, y)
					case d.IsFloat():
						want.SetFloat(i, refBinaryFloat(op, x, y))
					default:
						setWrapped(want, i, refBinaryInt(op, int64(x), int64(y)))
					}
				}
				what := fmt.Sprintf("%v %v %v %v", op, d, a.shape, b.shape)
				closeTo(t, what, got, want, tolFor(d))
				dst := New(want.dtype, shape...)
				BinaryInto(dst, op, a, b)
				closeTo(t, what+" Into", dst, want, tolFor(d))
			}
		}
	}
}

func TestBinaryHandValues(t *testing.T) {
	a := From([][]float32{{1}, {2}, {3}})
	b := From([]float32{10, 20, 30, 40})
	closeTo(t, "(3,1)+(4,)", Add(a, b), From([][]float32{{11, 21, 31, 41}, {12, 22, 32, 42}, {13, 23, 33, 43}}), 0)
	closeTo(t, "FloorMod int", FloorMod(From([]int32{7, -7, 7, -7}), From([]int32{3, 3, -3, -3})), From([]int32{1, 2, -2, -1}), 0)
	closeTo(t, "FloorMod float", FloorMod(From([]float64{7.5, -7.5}), From([]float64{2, 2})), From([]float64{1.5, 0.5}), 0)
	closeTo(t, "Div int truncates", Div(From([]int64{7, -7}), From([]int64{2, 2})), From([]int64{3, -3}), 0)
	closeTo(t, "FloorDiv int", FloorDiv(From([]int64{7, -7}), From([]int64{2, 2})), From([]int64{3, -4}), 0)
	closeTo(t, "Pow int", Pow(From([]int32{2, 3, -2}), From([]int32{10, 0, 3})), From([]int32{1024, 1, -8}), 0)
	closeTo(t, "uint8 wraps", Sub(From([]uint8{1}), From([]uint8{2})), From([]uint8{255}), 0)
	closeTo(t, "DivNoNan", DivNoNan(From([]float64{1, 2}), From([]float64{0, 4})), From([]float64{0, 0.5}), 0)
}

func TestWhere(t *testing.T) {
	r := rand.New(rand.NewPCG(5, 6))
	for _, d := range allTypes {
		for _, shapes := range [][3][]int{
			{{7}, {7}, {7}}, {{3, 1}, {1, 4}, {}}, {{}, {2, 3}, {3}}, {{40000}, {40000}, {40000}}, {{0, 2}, {2}, {1}},
		} {
			c := randTensor(r, Bool, shapes[0]...)
			a, b := randTensor(r, d, shapes[1]...), randTensor(r, d, shapes[2]...)
			got := Where(c, a, b)
			s1, _ := BroadcastShapes(c.shape, a.shape)
			shape, _ := BroadcastShapes(s1, b.shape)
			want := New(d, shape...)
			for i := 0; i < want.Size(); i++ {
				idx := unravel(i, shape)
				if c.Bools()[bcastOffset(idx, c.shape)] {
					want.SetFloat(i, a.Float(bcastOffset(idx, a.shape)))
				} else {
					want.SetFloat(i, b.Float(bcastOffset(idx, b.shape)))
				}
			}
			closeTo(t, fmt.Sprintf("Where %v %v", d, shapes), got, want, 0)
		}
	}
}

func TestClip(t *testing.T) {
	for _, d := range numberTypes {
		x := Range(d, 0, 10, 1)
		got := Clip(x, 2, 7)
		want := New(d, 10)
		for i := 0; i < 10; i++ {
			want.SetFloat(i, math.Min(math.Max(float64(i), 2), 7))
		}
		closeTo(t, "Clip "+d.String(), got, want, 0)
	}
	// Bounds outside uint8's range saturate instead of wrapping.
	closeTo(t, "Clip uint8", Clip(From([]uint8{0, 5, 255}), -3, 300), From([]uint8{0, 5, 255}), 0)
}
