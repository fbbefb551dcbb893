package images_test

import (
	"image"
	"image/color"
	"image/gif"
	"image/jpeg"
	"image/png"
	"math"
	"math/rand/v2"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/tensorgo/tensorgo/data"
	"github.com/tensorgo/tensorgo/datasets/images"
	"github.com/tensorgo/tensorgo/tensor"
)

func save(t *testing.T, path string, img image.Image) {
	t.Helper()
	os.MkdirAll(filepath.Dir(path), 0o755)
	f, err := os.Create(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	switch filepath.Ext(path) {
	case ".png":
		err = png.Encode(f, img)
	case ".jpg":
		err = jpeg.Encode(f, img, &jpeg.Options{Quality: 100})
	case ".gif":
		err = gif.Encode(f, img, nil)
	}
	if err != nil {
		t.Fatal(err)
	}
}

func solid(w, h int, c color.Color) image.Image {
	img := image.NewRGBA(image.Rect(0, 0, w, h))
	for y := 0; y < h; y++ {
		for x := 0; x < w; x++ {
			img.Set(x, y, c)
		}
	}
	return img
}

func TestLoadDirectory(t *testing.T) {
	dir := t.TempDir()
	red, green := color.RGBA{255, 0, 0, 255}, color.RGBA{0, 255, 0, 255}
	save(t, filepath.Join(dir, "cat", "b.png"), solid(4, 2, red))
	save(t, filepath.Join(dir, "cat", "a.gif"), solid(4, 2, green))
	save(t, filepath.Join(dir, "ant", "x.jpg"), solid(4, 2, color.RGBA{0, 0, 255, 255}))
	os.WriteFile(filepath.Join(dir, "cat", "notes.txt"), []byte("ignored"), 0o644)
	x, y, classes, err := images.LoadDirectory(dir, images.Options{})
	if err != nil {
		t.Fatal(err)
	}
	if !slices.Equal(classes, []string{"ant", "cat"}) || !slices.Equal(y.Int32s(), []int32{0, 1, 1}) {
		t.Fatalf("classes %v labels %v", classes, y.Int32s())
	}
	if !x.Shape().Equal(tensor.Shape{3, 2, 4, 3}) {
		t.Fatalf("shape %v", x.Shape())
	}
	// a.gif (green) sorts before b.png (red) in class "cat".
	if x.At(1, 0, 0, 1) != 255 || x.At(2, 1, 3, 0) != 255 || x.At(2, 1, 3, 1) != 0 {
		t.Fatalf("pixels: %v %v", x.At(1, 0, 0, 1), x.At(2, 1, 3, 0))
	}
	// JPEG is lossy, but blue stays blue.
	if x.At(0, 0, 0, 2) < 240 || x.At(0, 0, 0, 0) > 15 {
		t.Fatalf("jpeg pixel %v", x.Float32s()[:3])
	}
	// Grayscale, resize and scale: red is PIL's L = 255*299/1000 = 76.
	x, _, _, err = images.LoadDirectory(dir, images.Options{Grayscale: true, Height: 3, Width: 3, Scale: true})
	if err != nil {
		t.Fatal(err)
	}
	if !x.Shape().Equal(tensor.Shape{3, 3, 3, 1}) || math.Abs(x.At(2, 1, 1, 0)-76.0/255) > 1e-6 {
		t.Fatalf("gray: %v %v", x.Shape(), x.At(2, 1, 1, 0))
	}
	// Different sizes without resizing: an error naming the file.
	save(t, filepath.Join(dir, "cat", "c.png"), solid(5, 5, red))
	if _, _, _, err := images.LoadDirectory(dir, images.Options{}); err == nil || !strings.Contains(err.Error(), "c.png") {
		t.Fatalf("mixed sizes: %v", err)
	}
	os.WriteFile(filepath.Join(dir, "cat", "d.png"), []byte("not a png"), 0o644)
	if _, _, _, err := images.LoadDirectory(dir, images.Options{Height: 2, Width: 2}); err == nil || !strings.Contains(err.Error(), "d.png") {
		t.Fatalf("corrupt image: %v", err)
	}
}

func TestResize(t *testing.T) {
	img := tensor.FromSlice([]float32{0, 1, 2, 3}, 2, 2, 1)
	r := images.Resize(img, 4, 4)
	// tf.image.resize([[0,1],[2,3]], (4,4), "bilinear") first and last rows.
	want := []float32{0, 0.25, 0.75, 1}
	if !slices.Equal(r.Float32s()[:4], want) {
		t.Fatalf("row 0 %v, want %v", r.Float32s()[:4], want)
	}
	if !slices.Equal(r.Float32s()[12:], []float32{2, 2.25, 2.75, 3}) {
		t.Fatalf("row 3 %v", r.Float32s()[12:])
	}
}

// ramp is a 5x5 one-channel image with pixel (r, c) = 10r + c.
func ramp() *tensor.Tensor {
	x := tensor.New(tensor.Float32, 5, 5, 1)
	for r := 0; r < 5; r++ {
		for c := 0; c < 5; c++ {
			x.SetFloat(r*5+c, float64(10*r+c))
		}
	}
	return x
}

func TestTransforms(t *testing.T) {
	var g images.DataGenerator
	in := ramp()
	at := func(x *tensor.Tensor, r, c int) float64 { return x.At(r, c, 0) }
	check := func(name string, tr images.Transform, want func(r, c int) float64) {
		t.Helper()
		out := g.Apply(in, tr)
		for r := 0; r < 5; r++ {
			for c := 0; c < 5; c++ {
				if w := want(r, c); math.Abs(at(out, r, c)-w) > 1e-4 {
					t.Fatalf("%s: pixel (%d,%d) = %v, want %v", name, r, c, at(out, r, c), w)
				}
			}
		}
	}
	check("identity", images.Identity, func(r, c int) float64 { return at(in, r, c) })
	flip := images.Identity
	flip.FlipHorizontal = true
	check("flip", flip, func(r, c int) float64 { return at(in, r, 4-c) })
	// Rotation by 90 degrees about the centre: input (r, c) = (4-c, r).
	rot := images.Identity
	rot.Theta = 90
	check("rotate 90", rot, func(r, c int) float64 { return at(in, 4-c, r) })
	// A shift of one row samples the row below; the last row repeats
	// (fill mode nearest).
	shift := images.Identity
	shift.Tx = 1
	check("shift", shift, func(r, c int) float64 { return at(in, min(r+1, 4), c) })
	// Zoom 0.5 about the centre (2, 2): input = 2 + (out-2)/2.
	zoom := images.Identity
	zoom.Zx, zoom.Zy = 0.5, 0.5
	check("zoom", zoom, func(r, c int) float64 { return 10*(2+float64(r-2)/2) + 2 + float64(c-2)/2 })
	// Shear 30 degrees: input row = r - sin(30)(c-2), column = 2 +
	// cos(30)(c-2); the ramp is linear inside the image, so bilinear
	// sampling returns the linear function.
	shear := images.Identity
	shear.Shear = 30
	check("shear", shear, func(r, c int) float64 {
		rin := float64(r) - 0.5*float64(c-2)
		cin := 2 + math.Cos(math.Pi/6)*float64(c-2)
		rin = math.Min(math.Max(rin, 0), 4)
		return 10*rin + cin
	})
	// Constant fill and rescale.
	g2 := images.DataGenerator{FillMode: "constant", Cval: -1, Rescale: 0.5}
	out := g2.Apply(in, shift)
	if at(out, 4, 2) != -0.5 || at(out, 0, 2) != 0.5*at(in, 1, 2) {
		t.Fatalf("constant fill / rescale: %v %v", at(out, 4, 2), at(out, 0, 2))
	}
}

func TestRandomTransformRanges(t *testing.T) {
	g := images.DataGenerator{RotationRange: 20, WidthShiftRange: 0.1, HeightShiftRange: 3, ZoomRange: 0.2, ShearRange: 10, HorizontalFlip: true}
	rng := rand.New(rand.NewPCG(1, 2))
	flips := 0
	for i := 0; i < 1000; i++ {
		tr := g.RandomTransform(28, 30, rng)
		if math.Abs(tr.Theta) > 20 || math.Abs(tr.Ty) > 3 || math.Abs(tr.Tx) > 3 || tr.Zx < 0.8 || tr.Zx > 1.2 || tr.Zy < 0.8 || tr.Zy > 1.2 || math.Abs(tr.Shear) > 10 {
			t.Fatalf("transform out of range: %+v", tr)
		}
		if tr.FlipHorizontal {
			flips++
		}
	}
	if flips < 400 || flips > 600 {
		t.Fatalf("%d flips in 1000", flips)
	}
}

func TestFlowAndMapDeterministic(t *testing.T) {
	x := tensor.New(tensor.Uint8, 10, 6, 6, 1)
	for i := range x.Uint8s() {
		x.Uint8s()[i] = uint8(i % 251)
	}
	y := tensor.Range(tensor.Int64, 0, 10, 1)
	g := images.DataGenerator{RotationRange: 30, ZoomRange: 0.2, HorizontalFlip: true, Rescale: 1.0 / 255}
	run := func(ds *data.Dataset) [][]float32 {
		var out [][]float32
		for e, err := range ds.All() {
			if err != nil {
				t.Fatal(err)
			}
			out = append(out, slices.Clone(e[0].Float32s()))
		}
		return out
	}
	f1, f2 := g.Flow(x, y, 4, true, 7), g.Flow(x, y, 4, true, 7)
	if f1.Cardinality() != 3 {
		t.Fatalf("flow cardinality %d", f1.Cardinality())
	}
	a, b := run(f1), run(f2)
	if len(a) != 3 || len(a[2]) != 2*36 {
		t.Fatalf("flow batches %d", len(a))
	}
	for i := range a {
		if !slices.Equal(a[i], b[i]) {
			t.Fatal("same seed, different flow batches")
		}
		for _, v := range a[i] {
			if v < 0 || v > 1.0001 {
				t.Fatalf("rescaled value %v", v)
			}
		}
	}
	if c := run(f1); slices.Equal(c[0], a[0]) {
		t.Fatal("second epoch repeated the first")
	}
	m := func() *data.Dataset {
		return data.FromTensorSlices(x, y).Batch(5, false).Map(data.CastScale(tensor.Float32, 1, 0)).Map(g.MapFunc(3))
	}
	p, q := run(m()), run(m())
	for i := range p {
		if !slices.Equal(p[i], q[i]) {
			t.Fatal("same seed, different MapFunc output")
		}
	}
}

// A file that is not the image its extension says, and a folder without
// images, are errors that name the path.
func TestLoadDirectoryErrors(t *testing.T) {
	dir := t.TempDir()
	save(t, filepath.Join(dir, "cat", "a.png"), solid(4, 2, color.White))
	bad := filepath.Join(dir, "dog", "broken.jpg")
	os.MkdirAll(filepath.Dir(bad), 0o755)
	os.WriteFile(bad, []byte("\xff\xd8 not really a jpeg"), 0o644)
	_, _, _, err := images.LoadDirectory(dir, images.Options{})
	if err == nil || !strings.Contains(err.Error(), "broken.jpg") || !strings.Contains(err.Error(), "cannot decode") {
		t.Errorf("corrupt image: %v", err)
	}
	// Different sizes without a target size.
	os.Remove(bad)
	save(t, filepath.Join(dir, "dog", "big.png"), solid(8, 8, color.Black))
	_, _, _, err = images.LoadDirectory(dir, images.Options{})
	if err == nil || !strings.Contains(err.Error(), "big.png") || !strings.Contains(err.Error(), "Height and Width") {
		t.Errorf("mixed sizes: %v", err)
	}
	empty := t.TempDir()
	os.MkdirAll(filepath.Join(empty, "cat"), 0o755)
	if _, _, _, err := images.LoadDirectory(empty, images.Options{}); err == nil || !strings.Contains(err.Error(), empty) {
		t.Errorf("no images: %v", err)
	}
	if _, _, _, err := images.LoadDirectory(filepath.Join(empty, "nowhere"), images.Options{}); err == nil || !strings.Contains(err.Error(), "nowhere") {
		t.Errorf("missing folder: %v", err)
	}
}
