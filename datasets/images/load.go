// Package images turns image files into tensors and augments them: Load and
// LoadDirectory read PNG, JPEG and GIF files through the standard library
// (one sub-folder per class, as Keras's image_dataset_from_directory and the
// seeds' home-made dataset), with resizing, grayscale and scaling to [0, 1];
// DataGenerator is Keras's ImageDataGenerator (rotation, shifts, zoom,
// shear, flips, rescale), seeded, usable as a data.MapFunc or through Flow.
//
// Images are float32 tensors of shape (height, width, channels), batches
// (n, height, width, channels): NHWC, as Keras.
package images

import (
	"bytes"
	"fmt"
	"image"
	"image/draw"
	_ "image/gif"  // registers GIF decoding
	_ "image/jpeg" // registers JPEG decoding
	_ "image/png"  // registers PNG decoding
	"io"
	"os"
	"path/filepath"
	"slices"
	"strings"

	"github.com/tensorgo/tensorgo/datasets"
	"github.com/tensorgo/tensorgo/tensor"
)

// Options say how to turn an image into a tensor.
type Options struct {
	// Height and Width resize every image (bilinear, as Keras's default);
	// zero keeps the size, and LoadDirectory then needs all images to agree.
	Height, Width int
	// Grayscale gives one channel (ITU-R 601 luma, as PIL's "L" mode);
	// otherwise three (RGB; alpha is dropped).
	Grayscale bool
	// Scale divides values by 255, giving [0, 1]; otherwise they are 0..255.
	Scale bool
	// MaxPixels bounds an image's width times height, read from its header
	// before it is decoded (DefaultMaxPixels if zero).
	MaxPixels int
}

// DefaultMaxPixels is the largest image (width times height) Load decodes
// when Options.MaxPixels is zero: Pillow's Image.MAX_IMAGE_PIXELS, which
// Keras's image loading inherits (1024*1024*1024/4/3). A small file can
// declare a huge image (a 389 KB PNG of 20000x20000 pixels needs gigabytes
// decoded); its header is checked first, so such a file costs nothing.
var DefaultMaxPixels = 1024 * 1024 * 1024 / 4 / 3

// Extensions are the file types LoadDirectory reads (case-insensitive).
var Extensions = []string{".png", ".jpg", ".jpeg", ".gif"}

// Load reads one image file as a (height, width, channels) float32 tensor.
func Load(path string, opt Options) (*tensor.Tensor, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, fmt.Errorf("images: %w", err)
	}
	defer f.Close()
	return Decode(f, path, opt)
}

// Decode reads one PNG, JPEG or GIF image from r, as Load. name is used in
// error messages. The size in the image's header is checked against
// Options.MaxPixels before the pixels are decoded.
func Decode(r io.Reader, name string, opt Options) (*tensor.Tensor, error) {
	// DecodeConfig reads only the header; what it consumed is replayed to
	// the full decoder.
	var head bytes.Buffer
	cfg, _, err := image.DecodeConfig(io.TeeReader(r, &head))
	if err != nil {
		return nil, fmt.Errorf("images: %s: cannot decode: %w", name, err)
	}
	limit := opt.MaxPixels
	if limit <= 0 {
		limit = DefaultMaxPixels
	}
	if cfg.Width <= 0 || cfg.Height <= 0 {
		return nil, fmt.Errorf("images: %s: the header declares a %dx%d image", name, cfg.Width, cfg.Height)
	}
	if cfg.Width > limit/cfg.Height {
		return nil, fmt.Errorf("images: %s: the header declares %dx%d = %d pixels, more than the limit of %d (a corrupt file or a decompression bomb? Options.MaxPixels raises the limit): %w",
			name, cfg.Width, cfg.Height, int64(cfg.Width)*int64(cfg.Height), limit, datasets.ErrTooLarge)
	}
	img, _, err := image.Decode(io.MultiReader(&head, r))
	if err != nil {
		return nil, fmt.Errorf("images: %s: cannot decode: %w", name, err)
	}
	return FromImage(img, opt), nil
}

// FromImage converts a decoded image to a (height, width, channels) float32
// tensor.
func FromImage(img image.Image, opt Options) *tensor.Tensor {
	b := img.Bounds()
	rgba := image.NewNRGBA(image.Rect(0, 0, b.Dx(), b.Dy()))
	draw.Draw(rgba, rgba.Bounds(), img, b.Min, draw.Src)
	h, w := b.Dy(), b.Dx()
	c := 3
	if opt.Grayscale {
		c = 1
	}
	t := tensor.New(tensor.Float32, h, w, c)
	d := t.Float32s()
	for p := 0; p < h*w; p++ {
		px := rgba.Pix[4*p : 4*p+3]
		if opt.Grayscale {
			// PIL's integer luma: L = (R*299 + G*587 + B*114) / 1000.
			d[p] = float32((int(px[0])*299 + int(px[1])*587 + int(px[2])*114) / 1000)
		} else {
			d[3*p], d[3*p+1], d[3*p+2] = float32(px[0]), float32(px[1]), float32(px[2])
		}
	}
	if opt.Height > 0 && opt.Width > 0 && (opt.Height != h || opt.Width != w) {
		t = Resize(t, opt.Height, opt.Width)
	}
	if opt.Scale {
		d := t.Float32s()
		for i := range d {
			d[i] /= 255
		}
	}
	return t
}

// Resize resizes a (height, width, channels) float32 image with bilinear
// interpolation and half-pixel centres (tf.image.resize's "bilinear").
func Resize(img *tensor.Tensor, height, width int) *tensor.Tensor {
	if img.Rank() != 3 || img.DType() != tensor.Float32 {
		panic(fmt.Sprintf("images.Resize: image is %v %v, want float32 (height, width, channels)", img.DType(), img.Shape()))
	}
	h, w, c := img.Dim(0), img.Dim(1), img.Dim(2)
	out := tensor.New(tensor.Float32, height, width, c)
	src, dst := img.Float32s(), out.Float32s()
	sy, sx := float64(h)/float64(height), float64(w)/float64(width)
	for r := 0; r < height; r++ {
		fy := max((float64(r)+0.5)*sy-0.5, 0)
		y0 := min(int(fy), h-1)
		y1 := min(y0+1, h-1)
		wy := float32(fy - float64(y0))
		for q := 0; q < width; q++ {
			fx := max((float64(q)+0.5)*sx-0.5, 0)
			x0 := min(int(fx), w-1)
			x1 := min(x0+1, w-1)
			wx := float32(fx - float64(x0))
			for k := 0; k < c; k++ {
				a := src[(y0*w+x0)*c+k]*(1-wx) + src[(y0*w+x1)*c+k]*wx
				b := src[(y1*w+x0)*c+k]*(1-wx) + src[(y1*w+x1)*c+k]*wx
				dst[(r*width+q)*c+k] = a*(1-wy) + b*wy
			}
		}
	}
	return out
}

// LoadDirectory reads a folder with one sub-folder per class, as Keras's
// image_dataset_from_directory: classes are the sub-folders in alphabetical
// order, images within a class in file-name order. It returns the images
// (n, height, width, channels) float32, the labels (n,) int32 and the class
// names. Files with other extensions are ignored, and so are hidden files
// and folders (names starting with ".", such as .DS_Store or
// .ipynb_checkpoints), as Keras skips them.
func LoadDirectory(dir string, opt Options) (x, y *tensor.Tensor, classes []string, err error) {
	entries, err := os.ReadDir(dir)
	if err != nil {
		return nil, nil, nil, fmt.Errorf("images: %w", err)
	}
	var imgs []*tensor.Tensor
	var labels []int32
	for _, e := range entries {
		if !e.IsDir() || hidden(e.Name()) {
			continue
		}
		files, err := os.ReadDir(filepath.Join(dir, e.Name()))
		if err != nil {
			return nil, nil, nil, fmt.Errorf("images: %w", err)
		}
		label := int32(len(classes))
		classes = append(classes, e.Name())
		for _, f := range files {
			if f.IsDir() || hidden(f.Name()) || !slices.Contains(Extensions, strings.ToLower(filepath.Ext(f.Name()))) {
				continue
			}
			p := filepath.Join(dir, e.Name(), f.Name())
			img, err := Load(p, opt)
			if err != nil {
				return nil, nil, nil, err
			}
			if len(imgs) > 0 && !img.Shape().Equal(imgs[0].Shape()) {
				return nil, nil, nil, fmt.Errorf("images: %s is %v but earlier images are %v; set Options.Height and Width to resize", p, img.Shape(), imgs[0].Shape())
			}
			imgs = append(imgs, img)
			labels = append(labels, label)
		}
	}
	if len(classes) == 0 {
		return nil, nil, nil, fmt.Errorf("images: %s has no class sub-folders", dir)
	}
	if len(imgs) == 0 {
		return nil, nil, classes, fmt.Errorf("images: %s has no %s images in its sub-folders", dir, strings.Join(Extensions, "/"))
	}
	shape := append([]int{len(imgs)}, imgs[0].Shape()...)
	x = tensor.New(tensor.Float32, shape...)
	d := x.Float32s()[:0]
	for _, img := range imgs {
		d = append(d, img.Float32s()...)
	}
	return x, tensor.FromSlice(labels), classes, nil
}

// hidden reports whether a file or folder name is hidden by Unix convention
// (macOS's ._ resource forks and Jupyter's checkpoints among them).
func hidden(name string) bool { return strings.HasPrefix(name, ".") }
