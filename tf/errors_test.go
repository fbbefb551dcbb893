package tf

import (
	"fmt"
	"strings"
	"testing"

	"github.com/tensorgo/tensorgo/tensor"
)

// mustPanic runs f and checks that it panics with a message containing
// every one of wants.
func mustPanic(t *testing.T, name string, f func(), wants ...string) {
	t.Helper()
	defer func() {
		t.Helper()
		r := recover()
		if r == nil {
			t.Errorf("%s: did not panic", name)
			return
		}
		msg := fmt.Sprint(r)
		for _, w := range wants {
			if !strings.Contains(msg, w) {
				t.Errorf("%s: panic message %q does not contain %q", name, msg, w)
			}
		}
	}()
	f()
}

// Building a graph (or running an eager op) with impossible inputs panics
// with a message naming the op, the shapes or axis, and what was expected.
func TestBuildPanicsNameOpAndShapes(t *testing.T) {
	g := NewGraph()
	a := Placeholder(g, Float32, Shape{-1, 3}, Name("a"))
	b := Placeholder(g, Float32, Shape{4, 2}, Name("b"))
	i := Placeholder(g, Int32, Shape{4}, Name("i"))
	u := Placeholder(g, tensor.Uint8, Shape{4}, Name("u"))
	bo := Placeholder(g, tensor.Bool, Shape{4}, Name("bo"))
	v := NewVariable(g, []float32{1, 2}, Name("v"))
	cases := []struct {
		name  string
		f     func()
		wants []string
	}{
		{"broadcast", func() { Add(a, b) }, []string{"Add", "(None, 3)", "(4, 2)", "not broadcast-compatible"}},
		{"mixed dtypes", func() { Mul(a, Cast(a, Float64)) }, []string{"Mul", "float32 (None, 3)", "float64", "same dtype"}},
		{"unary dtype", func() { Exp(i) }, []string{"Exp", "int32 (4,)", "dtype int32 is not supported"}},
		{"logical dtype", func() { LogicalAnd(a, a) }, []string{"LogicalAnd", "float32 is not supported"}},
		{"matmul inner", func() { MatMul(a, b) }, []string{"MatMul", "(None, 3)", "(4, 2)", "inner dimensions 3 and 4"}},
		{"matmul rank", func() { MatMul(i, i) }, []string{"MatMul", "int32 (4,)", "want two float tensors"}},
		{"matmul batch", func() {
			MatMul(Placeholder(g, Float32, Shape{2, 2, 3}), Placeholder(g, Float32, Shape{3, 3, 4}))
		}, []string{"MatMul", "(2, 2, 3)", "(3, 3, 4)", "batch dimensions"}},
		{"reshape count", func() { Reshape(b, 3, 3) }, []string{"Reshape", "(4, 2)", "8 elements", "(3, 3)", "9 elements"}},
		{"reshape -1", func() { Reshape(b, -1, 3) }, []string{"Reshape", "(4, 2)", "(-1, 3)"}},
		{"reshape two -1", func() { Reshape(a, -1, -1) }, []string{"Reshape", "(None, 3)", "[-1 -1]", "at most one -1"}},
		{"concat axis", func() { Concat(2, a, a) }, []string{"Concat", "axis 2", "rank 2", "-2 <= axis < 2"}},
		{"concat shapes", func() { Concat(0, a, b) }, []string{"Concat", "(None, 3)", "(4, 2)", "dimension 1 differs", "axis 0"}},
		{"concat dtypes", func() { Concat(0, a, Cast(a, Float64)) }, []string{"Concat", "float64", "share dtype"}},
		{"stack shapes", func() { Stack(0, a, b) }, []string{"Stack", "(None, 3)", "(4, 2)", "one dtype and shape"}},
		{"stack axis", func() { Stack(4, a, a) }, []string{"Stack", "axis 4", "rank 3"}},
		{"split sizes", func() { Split(b, 1, 1, 2) }, []string{"Split", "[1 2]", "add up to 3", "(4, 2)", "has 2"}},
		{"split short", func() { Split(b, 0, 1, 2) }, []string{"Split", "add up to 3", "axis 0", "has 4"}},
		{"split axis", func() { Split(b, 2, 1, 1) }, []string{"Split", "axis 2", "rank 2"}},
		{"slice bounds", func() { Slice(b, []int{1, 1}, []int{4, 1}) }, []string{"Slice", "(4, 2)", "begin [1 1] size [4 1]", "out of bounds"}},
		{"slice rank", func() { Slice(b, []int{1}, []int{1}) }, []string{"Slice", "(4, 2)", "one entry per dimension"}},
		{"gather axis", func() { Gather(b, i, 2) }, []string{"Gather", "axis 2", "rank 2"}},
		{"gather dtype", func() { Gather(b, b, 0) }, []string{"Gather", "(4, 2)", "float32", "want int32 or int64"}},
		{"gather uint8", func() { Gather(b, u, 0) }, []string{"Gather", "uint8", "want int32 or int64"}},
		{"onehot dtype", func() { OneHot(b, 3, Float32) }, []string{"OneHot", "float32 (4, 2)", "want int32, int64 or uint8"}},
		{"onehot depth", func() { OneHot(i, -3, Float32) }, []string{"OneHot", "int32 (4,)", "depth -3", "depth >= 0"}},
		{"transpose perm", func() { Transpose(b, 0, 0) }, []string{"Transpose", "[0 0]", "(4, 2)", "not a permutation"}},
		{"transpose rank", func() { Transpose(b, 0) }, []string{"Transpose", "[0]", "not a permutation"}},
		{"transpose axis", func() { Transpose(b, 0, 2) }, []string{"Transpose", "axis 2", "rank 2"}},
		{"sum axis", func() { ReduceSum(b, []int{2}, false) }, []string{"Sum", "axis 2", "rank 2", "-2 <= axis < 2"}},
		{"mean dtype", func() { ReduceMean(bo, nil, false) }, []string{"Mean", "bool (4,)", "not supported"}},
		{"logsumexp dtype", func() { ReduceLogSumExp(i, nil, false) }, []string{"LogSumExp", "int32 (4,)", "not supported"}},
		{"argmax axis", func() { ArgMax(b, 2) }, []string{"ArgMax", "axis 2", "rank 2"}},
		{"argmax dtype", func() { ArgMin(bo, 0) }, []string{"ArgMin", "bool (4,)", "want a float or integer dtype"}},
		{"argmax empty", func() { ArgMax(Placeholder(g, Float32, Shape{2, 0}), 1) }, []string{"ArgMax", "(2, 0)", "axis 1 is empty"}},
		{"softmax axis", func() { Softmax(b, 2) }, []string{"Softmax", "axis 2", "rank 2"}},
		{"softmax dtype", func() { LogSoftmax(i) }, []string{"LogSoftmax", "int32 (4,)", "want a float tensor"}},
		{"xent shapes", func() { SoftmaxCrossEntropyWithLogits(a, b) }, []string{"SoftmaxCrossEntropyWithLogits", "(None, 3)", "(4, 2)", "labels must match"}},
		{"sparse xent labels", func() { SparseSoftmaxCrossEntropyWithLogits(Cast(b, Int32), b) }, []string{"SparseSoftmaxCrossEntropyWithLogits", "int32 (4, 2)", "labels must be integers of shape (4,)"}},
		{"where cond", func() { Where(a, a, a) }, []string{"Where", "float32 (None, 3)", "want a bool condition"}},
		{"where shapes", func() { Where(bo, b, b) }, []string{"Where", "bool (4,)", "(4, 2)", "not broadcast-compatible"}},
		{"clip dtype", func() { ClipByValue(bo, 0, 1) }, []string{"ClipByValue", "bool (4,)", "not supported"}},
		{"clip bounds", func() { ClipByValue(a, 1, 0) }, []string{"ClipByValue", "lower bound 1", "upper bound 0"}},
		{"expand axis", func() { ExpandDims(b, 3) }, []string{"ExpandDims", "axis 3", "(4, 2)", "-3 <= axis < 3"}},
		{"squeeze size", func() { Squeeze(b, 0) }, []string{"Squeeze", "dimension 0", "(4, 2)", "not 1"}},
		{"broadcast to", func() { BroadcastTo(b, 3, 3) }, []string{"BroadcastTo", "(4, 2)", "(3, 3)"}},
		{"bias add", func() { BiasAdd(b, a) }, []string{"BiasAdd", "(4, 2)", "(None, 3)", "vector matching the last dimension"}},
		{"cast dtype", func() { Cast(b, tensor.Invalid) }, []string{"Cast", "(4, 2)", "cannot cast to invalid"}},
		{"dropout rate", func() { Dropout(b, 1.5) }, []string{"Dropout", "rate 1.5", "[0, 1)"}},
		{"dropout dtype", func() { Dropout(i, 0.5) }, []string{"Dropout", "int32 (4,)", "want a float tensor"}},
		{"assign shape", func() { v.Assign(a) }, []string{"Assign", "(None, 3)", "v:0", "(2,)"}},
		{"apply gradient shape", func() { ApplyGradientDescent(v, Const(g, float32(0.1)), a) }, []string{"ApplyGradientDescent", "(None, 3)", "v:0"}},
		{"two graphs", func() { Add(a, Const(NewGraph(), 1.0)) }, []string{"Add", "a:0", "different graphs"}},
		{"eager broadcast", func() { Add(Constant([]float32{1, 2}), Constant([]float32{1, 2, 3})) }, []string{"Add", "(2,)", "(3,)", "not broadcast-compatible"}},
		{"eager axis", func() { ReduceSum(Constant([]float32{1, 2}), []int{1}, false) }, []string{"Sum", "axis 1", "rank 1"}},
	}
	for _, c := range cases {
		mustPanic(t, c.name, c.f, c.wants...)
	}
}
