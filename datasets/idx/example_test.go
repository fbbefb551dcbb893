package idx_test

import (
	"fmt"
	"os"
	"path/filepath"

	"github.com/tensorgo/tensorgo/datasets/idx"
	"github.com/tensorgo/tensorgo/tensor"
)

func Example() {
	dir, _ := os.MkdirTemp("", "idx")
	defer os.RemoveAll(dir)
	path := filepath.Join(dir, "labels-idx1-ubyte.gz")
	if err := idx.Write(path, tensor.From([]uint8{5, 0, 4, 1})); err != nil {
		fmt.Println(err)
		return
	}
	labels, err := idx.Read(path)
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Println(labels.Shape(), labels.DType(), labels.Uint8s())
	// Output:
	// (4,) uint8 [5 0 4 1]
}
