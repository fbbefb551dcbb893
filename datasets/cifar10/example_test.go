package cifar10_test

import (
	"fmt"

	"github.com/tensorgo/tensorgo/datasets"
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

// Load looks for the batches (datasets.Dir, $TENSORGO_DATA/cifar10, the
// cache, /usr/share/datasets/cifar10) and, when allowed, downloads
// cifar-10-binary.tar.gz into the cache. With NoDownload and no data on
// the machine, the error says where it looked and how to provide the data.
func ExampleLoad() {
	xTrain, _, xTest, _, err := cifar10.Load(datasets.NoDownload())
	if err != nil {
		fmt.Println("no CIFAR-10 here")
		return
	}
	fmt.Println(xTrain.Shape(), xTest.Shape())
}
