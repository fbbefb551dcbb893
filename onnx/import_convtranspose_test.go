package onnx_test

import (
	"testing"

	"github.com/tensorgo/tensorgo/keras/layers"
	"github.com/tensorgo/tensorgo/tensor"
)

// Transposed convolutions ("same" with strides 2 and 3, whose exported
// ConvTranspose crops pads and adds output_padding; "valid"; dilated)
// import back into tensorgo with the model's predictions. ONNX's own
// cases (output_shape, auto_pad, 1-D) are in the node conformance test.
func TestImportConvTransposeRoundTrip(t *testing.T) {
	cases := []struct {
		name string
		ls   func() []layers.Layer
	}{
		{"same, strides 2", func() []layers.Layer {
			return []layers.Layer{layers.Conv2DTranspose(4, []int{3, 3}, layers.Strides(2), layers.Padding("same"), layers.InputShape(5, 5, 2))}
		}},
		{"same, strides 3 by 2", func() []layers.Layer {
			return []layers.Layer{layers.Conv2DTranspose(3, []int{4, 3}, layers.Strides(3, 2), layers.Padding("same"), layers.InputShape(4, 5, 2))}
		}},
		{"valid, then dilated", func() []layers.Layer {
			return []layers.Layer{layers.Conv2DTranspose(3, []int{2, 2}, layers.Padding("valid"), layers.InputShape(5, 4, 2)),
				layers.Conv2DTranspose(2, []int{3, 3}, layers.DilationRate(2), layers.UseBias(false))}
		}},
	}
	for i, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			m := sequential(t, int64(110+i), c.ls()...)
			s := m.Inputs()[0].Shape()
			x := tensor.RandomUniform(tensor.Float32, tensor.Shape{2, s[1], s[2], s[3]}, -1, 1, int64(120+i))
			exportAndCompare(t, c.name, m, x, "ConvTranspose")
		})
	}
}
