package images_test

import (
	"fmt"

	"github.com/tensorgo/tensorgo/data"
	"github.com/tensorgo/tensorgo/datasets/images"
	"github.com/tensorgo/tensorgo/tensor"
)

// Keras's ImageDataGenerator(rotation_range=15, width_shift_range=0.1,
// zoom_range=0.1, horizontal_flip=True, rescale=1/255).flow(x, y, 32).
func ExampleDataGenerator_Flow() {
	x := tensor.New(tensor.Uint8, 100, 28, 28, 1) // e.g. MNIST reshaped to NHWC
	y := tensor.New(tensor.Uint8, 100)
	gen := images.DataGenerator{
		RotationRange: 15, WidthShiftRange: 0.1, ZoomRange: 0.1,
		HorizontalFlip: true, Rescale: 1.0 / 255,
	}
	train := gen.Flow(x, y, 32, true, 7)
	fmt.Println("batches:", train.Cardinality())
	for elem, err := range train.Take(1).All() {
		if err != nil {
			fmt.Println(err)
			return
		}
		fmt.Println(elem[0].Shape(), elem[0].DType(), elem[1].Shape())
	}
	// Output:
	// batches: 4
	// (32, 28, 28, 1) float32 (32,)
}

// Augmentation as a step of a pipeline.
func ExampleDataGenerator_MapFunc() {
	x := tensor.New(tensor.Uint8, 8, 4, 4, 3)
	y := tensor.New(tensor.Int64, 8)
	gen := images.DataGenerator{RotationRange: 10}
	ds := data.FromTensorSlices(x, y).Batch(4, false).
		Map(data.CastScale(tensor.Float32, 1.0/255, 0)).
		Map(gen.MapFunc(1))
	for elem, err := range ds.All() {
		if err != nil {
			fmt.Println(err)
			return
		}
		fmt.Println(elem[0].Shape())
	}
	// Output:
	// (4, 4, 4, 3)
	// (4, 4, 4, 3)
}
