package tensorgo_test

import (
	"fmt"

	"github.com/tensorgo/tensorgo"
	"github.com/tensorgo/tensorgo/tensor"
)

func ExampleSetNumThreads() {
	old := tensorgo.NumThreads()
	defer tensorgo.SetNumThreads(old)

	// Kernels on large tensors now use at most two goroutines. Results are
	// the same for the same inputs and thread count.
	tensorgo.SetNumThreads(2)
	x := tensor.Ones(tensor.Float32, 1000, 1000)
	fmt.Println(tensorgo.NumThreads(), tensor.Sum(x, nil, false))
	// Output:
	// 2 tensor(1000000.0, shape=(), dtype=float32)
}
