package npy_test

import (
	"fmt"
	"os"
	"path/filepath"

	"github.com/tensorgo/tensorgo/datasets/npy"
	"github.com/tensorgo/tensorgo/tensor"
)

func Example() {
	dir, _ := os.MkdirTemp("", "npy")
	defer os.RemoveAll(dir)
	x := tensor.From([][]float32{{1, 2, 3}, {4, 5, 6}})
	y := tensor.From([]int64{0, 1})

	// np.savez_compressed("arrays.npz", x=x, y=y), then np.load.
	path := filepath.Join(dir, "arrays.npz")
	if err := npy.WriteNPZ(path, map[string]*tensor.Tensor{"x": x, "y": y}, true); err != nil {
		fmt.Println(err)
		return
	}
	arrays, err := npy.ReadNPZ(path)
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Println(arrays["x"].Shape(), arrays["x"].DType(), arrays["y"].Int64s())
	// Output:
	// (2, 3) float32 [0 1]
}
