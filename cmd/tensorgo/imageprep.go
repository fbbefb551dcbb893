package main

import (
	"bytes"
	"fmt"
	"image"
	"image/color"
	"io"
	"os"

	"github.com/tensorgo/tensorgo/datasets/images" // also registers PNG, JPEG and GIF decoding
	"github.com/tensorgo/tensorgo/tensor"
)

// inputGeometry is what a model takes as one picture: height, width and
// channels (1 grayscale, 3 RGB), and the shape of one sample as the model
// wants it (a flat vector, (h, w) or (h, w, c)).
type inputGeometry struct {
	h, w, c int
	sample  []int
}

// geometryOf works out the picture a model's input shape (batch first)
// stands for: (h, w) and (h, w, 1) are grayscale, (h, w, 3) is RGB, and a
// flat (n) is a square grayscale picture when n is a square (784: 28×28),
// else a square RGB one when n/3 is.
func geometryOf(shape tensor.Shape) (inputGeometry, error) {
	s := shape[1:]
	for _, d := range s {
		if d <= 0 {
			return inputGeometry{}, fmt.Errorf("the model's input shape %v has unknown dimensions: cannot tell what size to resize pictures to", shape)
		}
	}
	switch len(s) {
	case 1:
		if r := isqrt(s[0]); r*r == s[0] {
			return inputGeometry{r, r, 1, []int{s[0]}}, nil
		}
		if s[0]%3 == 0 {
			if r := isqrt(s[0] / 3); r*r*3 == s[0] {
				return inputGeometry{r, r, 3, []int{s[0]}}, nil
			}
		}
		return inputGeometry{}, fmt.Errorf("the model takes vectors of %d values, which is not a square picture (h×w or h×w×3)", s[0])
	case 2:
		return inputGeometry{s[0], s[1], 1, []int{s[0], s[1]}}, nil
	case 3:
		if s[2] != 1 && s[2] != 3 {
			return inputGeometry{}, fmt.Errorf("the model takes pictures with %d channels; tensorgo predict gives 1 (grayscale) or 3 (RGB)", s[2])
		}
		return inputGeometry{s[0], s[1], s[2], []int{s[0], s[1], s[2]}}, nil
	}
	return inputGeometry{}, fmt.Errorf("the model's input shape %v is not a picture's", shape)
}

func isqrt(n int) int {
	r := 0
	for (r+1)*(r+1) <= n {
		r++
	}
	return r
}

// invertMode says when a grayscale picture is inverted.
type invertMode int

const (
	invertAuto invertMode = iota // when its border is light (white paper)
	invertAlways
	invertNever
)

// loadPicture reads an image file (PNG, JPEG or GIF) and turns it into one
// sample for a model of geometry g, the way the course prepares its own
// photos for the MNIST model: grayscale (ITU-R 601 luma), resized to the
// model's size (averaging the pixels each output pixel covers when
// shrinking, so that strokes do not vanish; bilinear when enlarging),
// inverted when it is dark-on-white (MNIST digits are white on black), and
// scaled to [0, 1]. For an RGB model it is resized and scaled only. A
// grayscale picture for an RGB model is an error.
func loadPicture(path string, g inputGeometry, inv invertMode) (*tensor.Tensor, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	var head bytes.Buffer
	cfg, _, err := image.DecodeConfig(io.TeeReader(f, &head))
	if err != nil {
		return nil, fmt.Errorf("%s is not a PNG, JPEG or GIF image: %v", path, err)
	}
	if cfg.Width <= 0 || cfg.Height <= 0 || cfg.Width > images.DefaultMaxPixels/cfg.Height {
		return nil, fmt.Errorf("%s declares a %d×%d image, too large or empty", path, cfg.Width, cfg.Height)
	}
	img, _, err := image.Decode(io.MultiReader(&head, f))
	if err != nil {
		return nil, fmt.Errorf("%s: cannot decode the image: %v", path, err)
	}
	gray := isGray(img.ColorModel())
	if g.c == 3 && gray {
		return nil, fmt.Errorf("%s is a grayscale image (1 channel), but the model takes RGB images (3 channels)", path)
	}
	t := images.FromImage(img, images.Options{Grayscale: g.c == 1}) // (h, w, c), 0..255
	t = resizeArea(t, g.h, g.w)
	d := t.Float32s()
	if g.c == 1 && (inv == invertAlways || inv == invertAuto && borderMean(t) > 127.5) {
		for i := range d {
			d[i] = 255 - d[i]
		}
	}
	for i := range d {
		d[i] /= 255
	}
	return t.Reshape(append([]int{1}, g.sample...)...), nil
}

// isGray reports whether a color model has one channel.
func isGray(m color.Model) bool {
	switch m {
	case color.GrayModel, color.Gray16Model:
		return true
	}
	if p, ok := m.(color.Palette); ok {
		for _, c := range p {
			r, g, b, _ := c.RGBA()
			if r != g || g != b {
				return false
			}
		}
		return len(p) > 0
	}
	return false
}

// borderMean is the mean value of a (h, w, 1) picture's outermost pixels:
// the paper's colour for a drawing.
func borderMean(t *tensor.Tensor) float64 {
	h, w := t.Dim(0), t.Dim(1)
	d := t.Float32s()
	sum, n := 0.0, 0
	for y := 0; y < h; y++ {
		for x := 0; x < w; x++ {
			if y == 0 || x == 0 || y == h-1 || x == w-1 {
				sum += float64(d[y*w+x])
				n++
			}
		}
	}
	return sum / float64(n)
}

// resizeArea resizes a (h, w, c) float32 image to (height, width, c): when
// shrinking, each output pixel is the mean of the input area it covers
// (fractional pixels weighted, as OpenCV's INTER_AREA); when enlarging,
// bilinear interpolation.
func resizeArea(img *tensor.Tensor, height, width int) *tensor.Tensor {
	h, w, c := img.Dim(0), img.Dim(1), img.Dim(2)
	if h == height && w == width {
		return img
	}
	if height > h || width > w {
		return images.Resize(img, height, width)
	}
	src := img.Float32s()
	out := tensor.New(tensor.Float32, height, width, c)
	dst := out.Float32s()
	sy, sx := float64(h)/float64(height), float64(w)/float64(width)
	for r := 0; r < height; r++ {
		y0, y1 := float64(r)*sy, float64(r+1)*sy
		for q := 0; q < width; q++ {
			x0, x1 := float64(q)*sx, float64(q+1)*sx
			for k := 0; k < c; k++ {
				sum := 0.0
				for y := int(y0); y < h && float64(y) < y1; y++ {
					wy := min(float64(y+1), y1) - max(float64(y), y0)
					for x := int(x0); x < w && float64(x) < x1; x++ {
						wx := min(float64(x+1), x1) - max(float64(x), x0)
						sum += wy * wx * float64(src[(y*w+x)*c+k])
					}
				}
				dst[(r*width+q)*c+k] = float32(sum / (sy * sx))
			}
		}
	}
	return out
}
