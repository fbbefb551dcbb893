// Command mnist_cnn trains the seeds' convolutional MNIST network (note
// 001) the Keras way:
//
//	go run ./examples/mnist_cnn             # 2 epochs, about 0.989 test accuracy
//	go run ./examples/mnist_cnn -epochs 1 -threads 4 -json
//
// The network: Reshape to 28×28×1, Conv2D(32, 3×3, relu), MaxPooling2D
// 2×2, Conv2D(64, 3×3, relu), MaxPooling2D 2×2, Flatten, Dense(64, relu),
// Dense(10, softmax) — 121,930 parameters; Adam; sparse categorical
// cross-entropy; accuracy. It takes the flags of examples/mnist.
package main

import (
	"flag"
	"fmt"
	"os"

	"github.com/tensorgo/tensorgo/datasets/mnist"
	"github.com/tensorgo/tensorgo/examples/internal/mlp"
	"github.com/tensorgo/tensorgo/tensor"
)

func loadData() (xTrain, yTrain, xTest, yTest *tensor.Tensor, err error) {
	return mnist.LoadData()
}

func main() {
	c := mlp.Flags(flag.CommandLine, "mnist_cnn", 2)
	flag.Parse()
	c.LoadData, c.Out, c.Err = loadData, os.Stdout, os.Stderr
	if _, err := run(*c); err != nil {
		fmt.Fprintln(os.Stderr, "mnist_cnn:", err)
		os.Exit(1)
	}
}

// run trains and evaluates note 001's network with the MNIST example's
// loop (mlp.Run): data, Adam, the flags, -json, -logdir, -plot and
// -checkpoint alike.
func run(c mlp.Config) (*mlp.Result, error) {
	c.Model = mlp.NewCNN
	return mlp.Run(c)
}
