package losses_test

import (
	"fmt"

	"github.com/tensorgo/tensorgo/keras/losses"
	"github.com/tensorgo/tensorgo/tensor"
	"github.com/tensorgo/tensorgo/tf"
)

// A focal loss on logits with Keras's arguments as options; the numbers
// are Keras 3's docstring example (0.691, and 0.51 with class balancing).
func ExampleBinaryFocalCrossentropy() {
	y := tf.Constant(tensor.From([]float32{0, 1, 0, 0}))
	logits := tf.Constant(tensor.From([]float32{-18.6, 0.51, 2.94, -12.8}))
	l := losses.BinaryFocalCrossentropy(true, losses.WithGamma(2))
	balanced := losses.BinaryFocalCrossentropy(true, losses.WithGamma(2), losses.WithClassBalancing(true))
	fmt.Printf("%.3f %.2f\n", losses.Compute(l, y, logits, nil).Value().Item(), losses.Compute(balanced, y, logits, nil).Value().Item())
	// Output: 0.691 0.51
}

// Per-sample losses (reduction "none") weighted per sample, as Keras's
// CategoricalCrossentropy docstring.
func ExampleWithReduction() {
	y := tf.Constant(tensor.From([][]float32{{0, 1, 0}, {0, 0, 1}}))
	p := tf.Constant(tensor.From([][]float32{{0.05, 0.95, 0}, {0.1, 0.8, 0.1}}))
	l := losses.CategoricalCrossentropy(false, losses.WithReduction(losses.NoReduction))
	v := losses.Compute(l, y, p, nil).Value()
	fmt.Printf("%.4f %.3f\n", v.Float(0), v.Float(1))
	// Output: 0.0513 2.303
}
