// Command fashion_mnist trains the seeds' MLP on Fashion-MNIST (clothing
// images in 10 classes, the same shapes as MNIST): Flatten, Dense(128,
// relu), Dropout(0.2), Dense(10, softmax); Adam; sparse categorical
// cross-entropy.
//
//	go run ./examples/fashion_mnist          # 10 epochs, about 0.88 test accuracy
//
// On Debian, `apt-get install dataset-fashion-mnist` provides the data.
package main

import (
	"flag"
	"fmt"
	"os"

	"github.com/tensorgo/tensorgo/datasets/fashionmnist"
	"github.com/tensorgo/tensorgo/examples/internal/mlp"
	"github.com/tensorgo/tensorgo/tensor"
)

func loadData() (xTrain, yTrain, xTest, yTest *tensor.Tensor, err error) {
	return fashionmnist.LoadData()
}

func main() {
	c := mlp.Flags(flag.CommandLine, "fashion_mnist_mlp", 10)
	flag.Parse()
	c.LoadData, c.Out, c.Err = loadData, os.Stdout, os.Stderr
	if _, err := mlp.Run(*c); err != nil {
		fmt.Fprintln(os.Stderr, "fashion_mnist:", err)
		os.Exit(1)
	}
}
