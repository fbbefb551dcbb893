package datasets_test

import (
	"fmt"

	"github.com/tensorgo/tensorgo/datasets"
	"github.com/tensorgo/tensorgo/datasets/mnist"
)

// Options steer where a loader looks. Here: the default search order (which
// ends, for MNIST, with the Go module that ships it) but no download; setting
// $TENSORGO_OFFLINE does the same for every loader.
func Example() {
	xTrain, _, xTest, _, err := mnist.LoadData(datasets.NoDownload())
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Println(xTrain.Shape(), xTest.Shape())
	// Output:
	// (60000, 28, 28) (10000, 28, 28)
}
