package mnist_test

import (
	"fmt"

	"github.com/tensorgo/tensorgo/datasets/mnist"
)

// Loading MNIST needs no setup: the data comes through the Go module proxy
// with tensorgo's other dependencies.
func Example() {
	xTrain, yTrain, xTest, yTest, err := mnist.LoadData()
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Println(xTrain.Shape(), xTrain.DType(), yTrain.Shape(), yTrain.DType())
	fmt.Println(xTest.Shape(), yTest.Shape())
	// Output:
	// (60000, 28, 28) uint8 (60000,) uint8
	// (10000, 28, 28) (10000,)
}
