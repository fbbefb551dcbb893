package safetensors_test

import (
	"bytes"
	"fmt"

	"github.com/tensorgo/tensorgo/safetensors"
	"github.com/tensorgo/tensorgo/tensor"
)

// Save a dense layer's weights and read them back. Save and Load do the
// same with a file path.
func Example() {
	weights := map[string]*tensor.Tensor{
		"dense/kernel": tensor.FromSlice([]float32{1, 2, 3, 4, 5, 6}, 3, 2),
		"dense/bias":   tensor.FromSlice([]float32{0.5, -0.5}),
	}
	var buf bytes.Buffer
	if err := safetensors.Write(&buf, weights, map[string]string{"format": "tensorgo"}); err != nil {
		fmt.Println(err)
		return
	}

	f, err := safetensors.Open(bytes.NewReader(buf.Bytes()), int64(buf.Len()))
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Println(f.Names(), f.Metadata)
	kernel, err := f.Tensor("dense/kernel")
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Println(kernel.Shape(), kernel.Float32s())
	// Output:
	// [dense/bias dense/kernel] map[format:tensorgo]
	// (3, 2) [1 2 3 4 5 6]
}
