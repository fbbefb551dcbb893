package onnx_test

import (
	"fmt"
	"os"

	"github.com/tensorgo/tensorgo/onnx"
)

// Read an ONNX model and list its operators.
func ExampleDecode() {
	b, err := os.ReadFile("testdata/mlp.onnx")
	if err != nil {
		fmt.Println(err)
		return
	}
	m, err := onnx.Decode(b, onnx.Limits{})
	if err != nil {
		fmt.Println(err)
		return
	}
	for _, n := range m.Graph.Nodes {
		fmt.Println(n.OpType, n.Inputs, "->", n.Outputs)
	}
	fmt.Println("W:", m.Graph.Initializers["W"].Shape())
	// Output:
	// Gemm [x W b] -> [h]
	// Relu [h] -> [r]
	// Softmax [r] -> [y]
	// W: (4, 3)
}
