// Command mnist trains the seeds' MNIST network the Keras way: the six
// steps (import, data, Sequential, compile, fit, summary) in Go.
//
//	go run ./examples/mnist                 # 5 epochs, about 0.98 test accuracy
//	go run ./examples/mnist -epochs 1 -threads 1 -json
//	go run ./examples/mnist -logdir logs -plot curves.png   # then: go run ./cmd/tensorgo board logs
//	go run ./examples/mnist -checkpoint ckpt    # resume from ckpt's best weights, if any (断点续训)
//
// With -checkpoint DIR the run starts from DIR/mnist_mlp.tgckpt when it
// exists, validates on the test set after every epoch, keeps the best
// weights (lowest val_loss) in that file, and writes every trainable
// weight's name, shape and values to DIR/weights.txt (参数提取).
//
// The network: Flatten, Dense(128, relu), Dropout(0.2), Dense(10, softmax);
// Adam; sparse categorical cross-entropy; accuracy. The data comes through
// the Go module proxy on a fresh machine (see datasets/mnist).
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
	c := mlp.Flags(flag.CommandLine, "mnist_mlp", 5)
	flag.Parse()
	c.LoadData, c.Out, c.Err = loadData, os.Stdout, os.Stderr
	if _, err := mlp.Run(*c); err != nil {
		fmt.Fprintln(os.Stderr, "mnist:", err)
		os.Exit(1)
	}
}
