package tensor

import "testing"

// Every bad input panics with a message naming the op, the shapes or axis
// involved, and what was expected.
func TestErrorMessages(t *testing.T) {
	f23 := New(Float32, 2, 3)
	f4 := New(Float32, 4)
	i23 := New(Int32, 2, 3)
	cases := []struct {
		name  string
		f     func()
		wants []string
	}{
		{"broadcast", func() { Add(f23, f4) }, []string{"Add:", "(2, 3)", "(4,)", "not broadcast-compatible"}},
		{"broadcast Less", func() { Less(f23, f4) }, []string{"Less:", "(2, 3)", "(4,)"}},
		{"mixed dtypes", func() { Mul(f23, i23) }, []string{"Mul:", "mixed dtypes", "float32", "int32", "want both the same"}},
		{"unary dtype", func() { Exp(i23) }, []string{"Exp:", "dtype int32", "want float32 or float64"}},
		{"unary bool", func() { Neg(New(Bool, 2)) }, []string{"Neg:", "dtype bool", "want float32, float64, int32, int64 or uint8"}},
		{"logical dtype", func() { LogicalAnd(f4, f4) }, []string{"LogicalAnd:", "float32", "want bool"}},
		{"binary dst", func() { BinaryInto(New(Float32, 3, 2), OpAdd, f23, f23) }, []string{"Add:", "destination shape (3, 2)", "(2, 3)"}},
		{"binary dst dtype", func() { BinaryInto(New(Float32, 2, 3), OpLess, f23, f23) }, []string{"Less:", "destination dtype is float32", "want bool"}},
		{"unary dst", func() { UnaryInto(New(Float32, 3), OpExp, f4) }, []string{"Exp:", "destination", "(3,)", "(4,)"}},
		{"int div by zero", func() { Div(From([]int32{1}), From([]int32{0})) }, []string{"Div:", "division by zero"}},
		{"int pow negative", func() { Pow(From([]int32{2}), From([]int32{-1})) }, []string{"Pow:", "negative"}},
		{"reshape", func() { f23.Reshape(4) }, []string{"Reshape:", "(2, 3)", "6 elements", "(4,)"}},
		{"reshape -1", func() { f23.Reshape(-1, 4) }, []string{"Reshape:", "(2, 3)", "(-1, 4)"}},
		{"sum axis", func() { Sum(f23, []int{2}, false) }, []string{"Sum:", "axis 2", "rank 2", "-2 <= axis < 2"}},
		{"mean axis", func() { Mean(f23, []int{-3}, false) }, []string{"Mean:", "axis -3"}},
		{"reduce dtype", func() { Sum(New(Bool, 2), nil, false) }, []string{"Sum:", "dtype bool"}},
		{"logsumexp dtype", func() { LogSumExp(i23, nil, false) }, []string{"LogSumExp:", "int32", "float32 or float64"}},
		{"reduce dst", func() { ReduceInto(New(Float32, 3), OpSum, f23, []int{1}) }, []string{"Sum:", "destination shape (3,)", "(2, 3)"}},
		{"argmax axis", func() { ArgMax(f23, 5) }, []string{"ArgMax:", "axis 5", "rank 2"}},
		{"argmax empty", func() { ArgMin(New(Float32, 2, 0), 1) }, []string{"ArgMin:", "axis 1", "(2, 0)", "empty"}},
		{"argmax dst", func() { ArgMaxInto(New(Int64, 3), f23, 1) }, []string{"ArgMax:", "destination", "(3,)", "(2, 3)", "axis 1"}},
		{"argmin dst dtype", func() { ArgMinInto(New(Int32, 2), f23, 1) }, []string{"ArgMin:", "int32", "want int64"}},
		{"softmax axis", func() { Softmax(f23, 2) }, []string{"Softmax:", "axis 2", "rank 2"}},
		{"softmax dtype", func() { LogSoftmax(i23, -1) }, []string{"LogSoftmax:", "int32", "float32 or float64"}},
		{"matmul inner", func() { MatMul(f23, New(Float32, 4, 5), false, false) }, []string{"MatMul:", "(2, 3)", "(4, 5)", "3 columns", "4 rows"}},
		{"matmul batch", func() { MatMul(New(Float32, 2, 2, 3), New(Float32, 3, 3, 4), false, false) }, []string{"MatMul:", "(2, 2, 3)", "(3, 3, 4)", "batch"}},
		{"matmul rank", func() { MatMul(f4, f4, false, false) }, []string{"MatMul:", "(4,)", "rank >= 2"}},
		{"matmul dtype", func() { MatMul(i23, New(Int32, 3, 2), false, false) }, []string{"MatMul:", "int32", "float32 or float64"}},
		{"matmul dst", func() { MatMulInto(New(Float32, 3, 3), f23, New(Float32, 3, 2), false, false) }, []string{"MatMul:", "destination", "(3, 3)", "(2, 2)"}},
		{"transpose perm", func() { Transpose(f23, 0, 0) }, []string{"Transpose:", "[0 0]", "not a permutation", "(2, 3)"}},
		{"concat shapes", func() { Concat(0, f23, New(Float32, 2, 4)) }, []string{"Concat:", "(2, 3)", "(2, 4)", "axis 0"}},
		{"concat dtypes", func() { Concat(0, f23, i23) }, []string{"Concat:", "float32", "int32"}},
		{"concat axis", func() { Concat(2, f23, f23) }, []string{"Concat:", "axis 2", "rank 2"}},
		{"stack shapes", func() { Stack(0, f23, f4) }, []string{"Stack:", "(2, 3)", "(4,)"}},
		{"split sizes", func() { Split(f23, 1, 1, 1) }, []string{"Split:", "[1 1]", "add up to 2", "(2, 3)", "3"}},
		{"splitN", func() { SplitN(f23, 1, 2) }, []string{"Split:", "(2, 3)", "2 equal pieces"}},
		{"slice bounds", func() { Slice(f23, []int{1, 1}, []int{2, 1}) }, []string{"Slice:", "(2, 3)", "out of bounds", "dimension 0"}},
		{"gather index", func() { Gather(f23, From([]int32{0, 2}), 0) }, []string{"Gather:", "index 2", "position 1", "axis 0", "(2, 3)", "0 <= index < 2"}},
		{"gather negative", func() { Gather(f23, From([]int64{-1}), 1) }, []string{"Gather:", "index -1", "axis 1"}},
		{"gather index dtype", func() { Gather(f23, f4, 0) }, []string{"Gather:", "float32", "int32 or int64"}},
		{"onehot dtype", func() { OneHot(f4, 3, Float32) }, []string{"OneHot:", "float32", "int32, int64 or uint8"}},
		{"squeeze", func() { Squeeze(f23, 1) }, []string{"Squeeze:", "axis 1", "(2, 3)", "size is 3, want 1"}},
		{"expand axis", func() { ExpandDims(f23, 3) }, []string{"ExpandDims:", "axis 3", "rank 3"}},
		{"broadcast to", func() { BroadcastTo(f23, 3, 3) }, []string{"BroadcastTo:", "(2, 3)", "(3, 3)"}},
		{"sum to shape", func() { SumToShape(f23, 2) }, []string{"SumToShape:", "(2,)", "(2, 3)"}},
		{"where cond", func() { Where(f4, f4, f4) }, []string{"Where:", "condition", "float32", "want bool"}},
		{"where shapes", func() { Where(New(Bool, 4), f23, f23) }, []string{"Where:", "(4,)", "(2, 3)"}},
		{"clip bounds", func() { Clip(f4, 2, 1) }, []string{"Clip:", "lower bound 2", "upper bound 1"}},
		{"cast dtype", func() { Cast(f4, Invalid) }, []string{"Cast:", "invalid", "want float32"}},
		{"cast dst", func() { CastInto(New(Int32, 3), f4) }, []string{"Cast:", "(3,)", "(4,)"}},
		{"from slice", func() { FromSlice([]float32{1, 2, 3}, 2, 2) }, []string{"FromSlice:", "(2, 2)", "4 elements", "3"}},
		{"new negative", func() { New(Float32, 2, -1) }, []string{"New:", "negative", "(2, -1)"}},
		{"at", func() { f23.At(2, 0) }, []string{"At:", "index 2", "(2, 3)"}},
		{"item", func() { f23.Item() }, []string{"Item:", "(2, 3)", "6 elements", "want 1"}},
		{"data type", func() { Data[int64](f4) }, []string{"tensor.Data", "float32", "int64"}},
	}
	for _, c := range cases {
		mustPanic(t, c.name, c.f, c.wants...)
	}
}
