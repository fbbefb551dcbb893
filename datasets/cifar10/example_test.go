package cifar10_test

import (
	"fmt"

	"github.com/tensorgo/tensorgo/datasets/cifar10"
)

// The binary batches come from
// https://www.cs.toronto.edu/~kriz/cifar-10-binary.tar.gz, extracted; with
// them, this prints (50000, 32, 32, 3) (50000, 1) (10000, 32, 32, 3) (10000, 1).
func Example() {
	xTrain, yTrain, xTest, yTest, err := cifar10.LoadData("cifar-10-batches-bin")
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Println(xTrain.Shape(), yTrain.Shape(), xTest.Shape(), yTest.Shape())
	fmt.Println(cifar10.ClassNames[yTrain.Uint8s()[0]])
}
