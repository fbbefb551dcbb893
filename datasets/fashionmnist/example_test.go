package fashionmnist_test

import (
	"fmt"

	"github.com/tensorgo/tensorgo/datasets"
	"github.com/tensorgo/tensorgo/datasets/fashionmnist"
)

// On Debian: apt-get install dataset-fashion-mnist. Without NoDownload the
// files would otherwise be downloaded into the user's cache.
func Example() {
	xTrain, yTrain, _, _, err := fashionmnist.LoadData(datasets.NoDownload())
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Println(xTrain.Shape(), fashionmnist.ClassNames[yTrain.Uint8s()[0]])
}
