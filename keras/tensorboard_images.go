package keras

import (
	"image"
	"image/color"
	"math"

	"github.com/tensorgo/tensorgo/tensor"
)

// maxImages is tf.summary.image's default max_outputs: the images of a
// batch written at most.
const maxImages = 3

// weightImages draws a weight as Keras's TensorBoard callback does
// (_log_weight_as_image): dimensions of size 1 are dropped; a vector of n
// becomes one n-high, 1-wide image; a matrix one image, transposed first
// when it has more rows than columns; a 3-D weight (H, W, C) C images of
// H×W; a 4-D one (N, H, W, C) with C of 1, 3 or 4 is taken as N images of
// C channels, and anything else gives none. At most maxImages are drawn.
// Values are pixel intensities in [0, 1], as tf.summary.image converts
// them: v×255.5 saturated to [0, 255] and truncated.
func weightImages(w *tensor.Tensor) []image.Image {
	var dims []int
	for _, d := range w.Shape() {
		if d != 1 {
			dims = append(dims, d)
		}
	}
	vals := w
	if w.DType() != tensor.Float64 {
		vals = tensor.Cast(w, tensor.Float64)
	}
	x := vals.Float64s()
	// at(n, h, w, c) reads the value drawn as channel c of pixel (h, w) of
	// image n.
	var n, h, wd, c int
	var at func(n, y, x, c int) float64
	switch len(dims) {
	case 1:
		n, h, wd, c = 1, dims[0], 1, 1
		at = func(_, y, _, _ int) float64 { return x[y] }
	case 2:
		r, cols := dims[0], dims[1]
		if r > cols {
			n, h, wd, c = 1, cols, r, 1
			at = func(_, y, xx, _ int) float64 { return x[xx*cols+y] }
		} else {
			n, h, wd, c = 1, r, cols, 1
			at = func(_, y, xx, _ int) float64 { return x[y*cols+xx] }
		}
	case 3:
		a, b, ch := dims[0], dims[1], dims[2]
		n, h, wd, c = ch, a, b, 1
		at = func(i, y, xx, _ int) float64 { return x[(y*b+xx)*ch+i] }
	case 4:
		n, h, wd, c = dims[0], dims[1], dims[2], dims[3]
		if c != 1 && c != 3 && c != 4 {
			return nil
		}
		at = func(i, y, xx, k int) float64 { return x[((i*h+y)*wd+xx)*c+k] }
	default:
		return nil
	}
	n = min(n, maxImages)
	imgs := make([]image.Image, n)
	for i := range imgs {
		r := image.Rect(0, 0, wd, h)
		switch c {
		case 1:
			g := image.NewGray(r)
			for y := 0; y < h; y++ {
				for xx := 0; xx < wd; xx++ {
					g.SetGray(xx, y, color.Gray{pixel(at(i, y, xx, 0))})
				}
			}
			imgs[i] = g
		default:
			m := image.NewNRGBA(r)
			for y := 0; y < h; y++ {
				for xx := 0; xx < wd; xx++ {
					px := color.NRGBA{A: 255}
					px.R, px.G, px.B = pixel(at(i, y, xx, 0)), pixel(at(i, y, xx, 1)), pixel(at(i, y, xx, 2))
					if c == 4 {
						px.A = pixel(at(i, y, xx, 3))
					}
					m.SetNRGBA(xx, y, px)
				}
			}
			imgs[i] = m
		}
	}
	return imgs
}

// pixel converts an intensity in [0, 1] to a byte as
// tf.image.convert_image_dtype(saturate=True) does.
func pixel(v float64) uint8 {
	v *= 255.5
	switch {
	case math.IsNaN(v) || v <= 0:
		return 0
	case v >= 255:
		return 255
	}
	return uint8(v)
}
