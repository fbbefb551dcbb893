package tensor_test

import (
	"fmt"

	"github.com/tensorgo/tensorgo/tensor"
)

// Create tensors, compute with them and print the result.
func Example() {
	x := tensor.From([][]float32{{1, 2, 3}, {4, 5, 6}})
	w := tensor.Ones(tensor.Float32, 3, 2)
	b := tensor.From([]float32{0.5, -0.5})

	y := tensor.Add(tensor.MatMul(x, w, false, false), b) // (2,3)·(3,2) + (2,)
	fmt.Println(y)
	fmt.Println(tensor.Softmax(y, -1).Shape(), tensor.ArgMax(y, 0))
	// Output:
	// tensor(
	// [[ 6.5  5.5]
	//  [15.5 14.5]], shape=(2, 2), dtype=float32)
	// (2, 2) tensor([1 1], shape=(2,), dtype=int64)
}

func ExampleFrom() {
	m := tensor.From([][]int32{{1, 2}, {3, 4}})
	fmt.Println(m)
	fmt.Println(m.DType(), m.Shape(), m.At(1, 0))
	fmt.Println(tensor.From(3.5))
	// Output:
	// tensor(
	// [[1 2]
	//  [3 4]], shape=(2, 2), dtype=int32)
	// int32 (2, 2) 3
	// tensor(3.5, shape=(), dtype=float64)
}

func ExampleRange() {
	fmt.Println(tensor.Range(tensor.Float32, 0, 6, 1).Reshape(2, 3))
	fmt.Println(tensor.Linspace(tensor.Float64, 0, 1, 5))
	// Output:
	// tensor(
	// [[0. 1. 2.]
	//  [3. 4. 5.]], shape=(2, 3), dtype=float32)
	// tensor([0.   0.25 0.5  0.75 1.  ], shape=(5,), dtype=float64)
}

func ExampleRandomNormal() {
	// The same per-call seed gives the same numbers.
	a := tensor.RandomNormal(tensor.Float32, tensor.Shape{2, 3}, 0, 1, 42)
	b := tensor.RandomNormal(tensor.Float32, tensor.Shape{2, 3}, 0, 1, 42)
	fmt.Println(tensor.Equal(a, b))
	// Output:
	// tensor(
	// [[ True  True  True]
	//  [ True  True  True]], shape=(2, 3), dtype=bool)
}

func ExampleMatMul() {
	a := tensor.From([][]float64{{1, 2}, {3, 4}})
	b := tensor.From([][]float64{{5, 6}, {7, 8}})
	fmt.Println(tensor.MatMul(a, b, false, false))
	fmt.Println(tensor.MatMul(a, b, true, false)) // aᵀ·b

	// Batch dimensions broadcast: four (2,3) matrices times one (3,5).
	batch := tensor.Ones(tensor.Float32, 4, 2, 3)
	fmt.Println(tensor.MatMul(batch, tensor.Ones(tensor.Float32, 3, 5), false, false).Shape())
	// Output:
	// tensor(
	// [[19. 22.]
	//  [43. 50.]], shape=(2, 2), dtype=float64)
	// tensor(
	// [[26. 30.]
	//  [38. 44.]], shape=(2, 2), dtype=float64)
	// (4, 2, 5)
}

func ExampleAdd() {
	col := tensor.From([][]int64{{0}, {10}, {20}})
	row := tensor.From([]int64{1, 2, 3, 4})
	fmt.Println(tensor.Add(col, row)) // (3,1) + (4,) broadcasts to (3,4)
	// Output:
	// tensor(
	// [[ 1  2  3  4]
	//  [11 12 13 14]
	//  [21 22 23 24]], shape=(3, 4), dtype=int64)
}

func ExampleSum() {
	x := tensor.From([][]float32{{1, 2, 3}, {4, 5, 6}})
	fmt.Println(tensor.Sum(x, nil, false))
	fmt.Println(tensor.Sum(x, []int{0}, false))
	fmt.Println(tensor.Mean(x, []int{-1}, true))
	// Output:
	// tensor(21.0, shape=(), dtype=float32)
	// tensor([5. 7. 9.], shape=(3,), dtype=float32)
	// tensor(
	// [[2.]
	//  [5.]], shape=(2, 1), dtype=float32)
}

func ExampleBinaryInto() {
	// Into forms write into a preallocated tensor and allocate nothing,
	// for loops that run every training step.
	x := tensor.From([]float32{1, -2, 3})
	out := tensor.New(tensor.Float32, 3)
	tensor.BinaryInto(out, tensor.OpMul, x, tensor.Scalar[float32](10))
	tensor.UnaryInto(out, tensor.OpRelu, out)
	fmt.Println(out)
	// Output:
	// tensor([10.  0. 30.], shape=(3,), dtype=float32)
}

func ExampleTranspose() {
	x := tensor.Range(tensor.Int32, 0, 6, 1).Reshape(2, 3)
	fmt.Println(tensor.Transpose(x))
	// Output:
	// tensor(
	// [[0 3]
	//  [1 4]
	//  [2 5]], shape=(3, 2), dtype=int32)
}

func ExampleGather() {
	table := tensor.From([][]float32{{0, 0}, {1, 1}, {2, 2}})
	ids := tensor.From([]int32{2, 0, 2})
	fmt.Println(tensor.Gather(table, ids, 0))
	fmt.Println(tensor.OneHot(ids, 3, tensor.Float32))
	// Output:
	// tensor(
	// [[2. 2.]
	//  [0. 0.]
	//  [2. 2.]], shape=(3, 2), dtype=float32)
	// tensor(
	// [[0. 0. 1.]
	//  [1. 0. 0.]
	//  [0. 0. 1.]], shape=(3, 3), dtype=float32)
}
