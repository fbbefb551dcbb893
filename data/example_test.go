package data_test

import (
	"fmt"

	"github.com/tensorgo/tensorgo/data"
	"github.com/tensorgo/tensorgo/datasets/mnist"
	"github.com/tensorgo/tensorgo/tensor"
)

// A Keras-style input pipeline: slices of (features, labels), shuffled with
// a seed, batched, cast to float32 in [0, 1], prefetched.
func Example() {
	x := tensor.New(tensor.Uint8, 10, 2, 2) // ten tiny 2x2 "images"
	for i := range x.Uint8s() {
		x.Uint8s()[i] = uint8(i * 6)
	}
	y := tensor.Range(tensor.Int64, 0, 10, 1)

	ds := data.FromTensorSlices(x, y).
		Shuffle(10, 42, true).
		Batch(4, false).
		Map(data.CastScale(tensor.Float32, 1.0/255, 0), data.Autotune).
		Prefetch(data.Autotune)

	fmt.Println("batches per epoch:", ds.Cardinality())
	for elem, err := range ds.All() {
		if err != nil {
			fmt.Println(err)
			return
		}
		images, labels := elem[0], elem[1]
		fmt.Println(images.Shape(), images.DType(), labels.Shape())
	}
	// Output:
	// batches per epoch: 3
	// (4, 2, 2) float32 (4,)
	// (4, 2, 2) float32 (4,)
	// (2, 2, 2) float32 (2,)
}

// MNIST as a training pipeline: 1875 shuffled batches of 32 per epoch.
func Example_mnist() {
	xTrain, yTrain, _, _, err := mnist.LoadData()
	if err != nil {
		fmt.Println(err)
		return
	}
	train := data.FromTensorSlices(xTrain, yTrain).
		Shuffle(60000, 1, true).
		Batch(32, false).
		Map(data.CastScale(tensor.Float32, 1.0/255, 0)).
		Prefetch(data.Autotune)
	fmt.Println("steps per epoch:", train.Cardinality())
	for elem, err := range train.Take(1).All() {
		if err != nil {
			fmt.Println(err)
			return
		}
		fmt.Println(elem[0].Shape(), elem[0].DType(), elem[1].Shape(), elem[1].DType())
	}
	// Output:
	// steps per epoch: 1875
	// (32, 28, 28) float32 (32,) uint8
}
