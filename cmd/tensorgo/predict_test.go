package main

import (
	"bytes"
	"encoding/json"
	"image"
	"image/color"
	"image/gif"
	"image/jpeg"
	"image/png"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"

	"github.com/tensorgo/tensorgo/datasets/mnist"
	"github.com/tensorgo/tensorgo/keras"
	"github.com/tensorgo/tensorgo/keras/layers"
	"github.com/tensorgo/tensorgo/tensor"
)

// drawDigit renders a 28×28 MNIST image (white strokes on black) as a
// size×size picture of black strokes on white paper, as a photo of a
// hand-written digit would be: inverted and enlarged (each output pixel
// takes the nearest source pixel).
func drawDigit(src []uint8, size int) *image.Gray {
	img := image.NewGray(image.Rect(0, 0, size, size))
	for y := 0; y < size; y++ {
		for x := 0; x < size; x++ {
			v := src[(y*28/size)*28+x*28/size]
			img.SetGray(x, y, color.Gray{Y: 255 - v})
		}
	}
	return img
}

func toRGBA(g *image.Gray) *image.RGBA {
	b := g.Bounds()
	out := image.NewRGBA(b)
	for y := b.Min.Y; y < b.Max.Y; y++ {
		for x := b.Min.X; x < b.Max.X; x++ {
			v := g.GrayAt(x, y).Y
			out.Set(x, y, color.RGBA{v, v, v, 255})
		}
	}
	return out
}

func writeImage(t *testing.T, path string, img image.Image) {
	t.Helper()
	f, err := os.Create(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	switch filepath.Ext(path) {
	case ".png":
		err = png.Encode(f, img)
	case ".jpg":
		err = jpeg.Encode(f, img, &jpeg.Options{Quality: 95})
	case ".gif":
		err = gif.Encode(f, img, nil)
	}
	if err != nil {
		t.Fatal(err)
	}
}

// TestPredictMNISTDigits trains the course's MNIST MLP for one epoch on
// real MNIST, saves it, and has `tensorgo predict` recognise digits drawn
// as black strokes on white paper at other sizes than 28×28, in PNG, JPEG
// and GIF.
func TestPredictMNISTDigits(t *testing.T) {
	if testing.Short() {
		t.Skip("trains on MNIST")
	}
	xTrain, yTrain, xTest, yTest, err := mnist.LoadData()
	if err != nil {
		t.Skipf("MNIST is not available: %v", err)
	}
	keras.ClearSession()
	tensor.SetSeed(1)
	x := tensor.Cast(xTrain, tensor.Float32)
	for i, v := range x.Float32s() {
		x.Float32s()[i] = v / 255
	}
	m := keras.NewSequential(
		layers.Flatten(layers.InputShape(28, 28)),
		layers.Dense(128, layers.Activation("relu")),
		layers.Dropout(0.2),
		layers.Dense(10, layers.Activation("softmax")),
	)
	if err := m.Compile("adam", "sparse_categorical_crossentropy", keras.Metrics("accuracy")); err != nil {
		t.Fatal(err)
	}
	if _, err := m.Fit(x, yTrain, keras.Epochs(1), keras.BatchSize(32), keras.Verbose(0)); err != nil {
		t.Fatal(err)
	}
	dir := t.TempDir()
	model := filepath.Join(dir, "mnist.keras")
	names := []string{"zero", "one", "two", "three", "four", "five", "six", "seven", "eight", "nine"}
	if err := keras.SaveModel(m, model, keras.WithClassNames(names...)); err != nil {
		t.Fatal(err)
	}
	// For each digit, the first test image that the model reads right with
	// a probability of at least 0.95 as a 28×28 array (some MNIST digits
	// are ambiguous even to people; this test checks the way from a
	// picture file to the model, not the model), drawn at three sizes in
	// three formats.
	test, labels := xTest.Uint8s(), yTest.Uint8s()
	xt := tensor.Cast(xTest, tensor.Float32)
	for i, v := range xt.Float32s() {
		xt.Float32s()[i] = v / 255
	}
	probs, err := m.Predict(xt, keras.Verbose(0))
	if err != nil {
		t.Fatal(err)
	}
	correct := 0
	for i := range labels {
		best := 0
		for j := 1; j < 10; j++ {
			if probs.Float(i*10+j) > probs.Float(i*10+best) {
				best = j
			}
		}
		if best == int(labels[i]) {
			correct++
		}
	}
	acc := float64(correct) / float64(len(labels))
	t.Logf("test accuracy after one epoch: %.4f", acc)
	if acc < 0.94 {
		t.Fatalf("test accuracy %.4f after one epoch: the recipe gets about 0.96", acc)
	}
	confident := func(i int) bool { return probs.Float(i*10+int(labels[i])) >= 0.95 }
	var paths []string
	var want []int
	formats := []string{".png", ".jpg", ".gif"}
	sizes := []int{112, 100, 300}
	for d := 0; d < 10; d++ {
		i := 0
		for int(labels[i]) != d || !confident(i) {
			i++
		}
		img := drawDigit(test[i*784:(i+1)*784], sizes[d%3])
		p := filepath.Join(dir, "digit"+strconv.Itoa(d)+formats[d%3])
		if formats[d%3] == ".jpg" {
			writeImage(t, p, toRGBA(img)) // a colour photo
		} else {
			writeImage(t, p, img)
		}
		paths = append(paths, p)
		want = append(want, d)
	}
	var out, errb bytes.Buffer
	if code := run(append([]string{"predict", "-json", "-k", "2", model}, paths...), &out, &errb); code != 0 {
		t.Fatalf("exit %d: %s", code, errb.String())
	}
	var res []imageResult
	if err := json.Unmarshal(out.Bytes(), &res); err != nil {
		t.Fatalf("-json printed %q: %v", out.String(), err)
	}
	if len(res) != len(paths) {
		t.Fatalf("%d results for %d images", len(res), len(paths))
	}
	wrong := 0
	for i, r := range res {
		if len(r.Predictions) != 2 || r.Predictions[0].Probability < r.Predictions[1].Probability {
			t.Errorf("%s: predictions %v, want the top 2, most likely first", r.Image, r.Predictions)
		}
		if top := r.Predictions[0]; top.Index != want[i] || top.Class != names[want[i]] {
			t.Logf("%s: predicted %v, want %d", r.Image, r.Predictions, want[i])
			wrong++
		}
	}
	if wrong > 0 {
		t.Errorf("%d of %d drawn digits misread", wrong, len(paths))
	}
	// Plain output: one line per image, the classes from -classes.
	out.Reset()
	if code := run([]string{"predict", "-classes", "a,b,c,d,e,f,g,h,i,j", model, paths[7]}, &out, &errb); code != 0 {
		t.Fatalf("exit %d: %s", code, errb.String())
	}
	if line := out.String(); !strings.HasPrefix(line, paths[7]+": h (") || strings.Count(line, "%") != 3 || strings.Count(line, "\n") != 1 {
		t.Errorf("plain output %q, want %q then 3 classes", line, paths[7]+": h (")
	}
}

// TestPredictErrors: a file that is not an image, a corrupt model file and
// a grayscale picture for a colour model are clear errors.
func TestPredictErrors(t *testing.T) {
	dir := t.TempDir()
	keras.ClearSession()
	rgb := keras.NewSequential(layers.Flatten(layers.InputShape(8, 8, 3)), layers.Dense(2, layers.Activation("softmax")))
	rgbPath := filepath.Join(dir, "rgb.keras")
	if err := keras.SaveModel(rgb, rgbPath); err != nil {
		t.Fatal(err)
	}
	gray := filepath.Join(dir, "gray.png")
	writeImage(t, gray, image.NewGray(image.Rect(0, 0, 10, 10)))
	colour := filepath.Join(dir, "colour.png")
	writeImage(t, colour, image.NewRGBA(image.Rect(0, 0, 10, 10)))
	text := filepath.Join(dir, "notes.png")
	os.WriteFile(text, []byte("not a picture"), 0o644)
	corrupt := filepath.Join(dir, "corrupt.keras")
	b, _ := os.ReadFile(rgbPath)
	os.WriteFile(corrupt, b[:len(b)/2], 0o644)
	for _, c := range []struct {
		name string
		args []string
		code int
		want string
	}{
		{"not an image", []string{rgbPath, text}, 1, "notes.png is not a PNG, JPEG or GIF image"},
		{"corrupt model", []string{corrupt, colour}, 1, "not a .keras file"},
		{"channels", []string{rgbPath, gray}, 1, "gray.png is a grayscale image (1 channel), but the model takes RGB images (3 channels)"},
		{"class names", []string{"-classes", "a,b,c", rgbPath, colour}, 1, "3 class names for a model with 2 outputs"},
		{"no image", []string{rgbPath}, 2, "usage: tensorgo predict"},
	} {
		var out, errb bytes.Buffer
		code := run(append([]string{"predict"}, c.args...), &out, &errb)
		if code != c.code || !strings.Contains(errb.String(), c.want) {
			t.Errorf("%s: exit %d, stderr %q; want exit %d and %q", c.name, code, errb.String(), c.code, c.want)
		}
	}
	// The colour picture works.
	var out, errb bytes.Buffer
	if code := run([]string{"predict", "-k", "1", rgbPath, colour}, &out, &errb); code != 0 || !strings.Contains(out.String(), "colour.png: ") {
		t.Errorf("colour picture: exit %d, %q %q", code, out.String(), errb.String())
	}
}

// TestPredictKerasWrittenModel: a model file real Keras 3 wrote (the keras
// package's testdata: the MNIST MLP architecture, untrained) serves
// `tensorgo predict`; its softmax outputs come back as they are.
func TestPredictKerasWrittenModel(t *testing.T) {
	dir := t.TempDir()
	pic := filepath.Join(dir, "blank.png")
	img := image.NewGray(image.Rect(0, 0, 40, 40))
	for i := range img.Pix {
		img.Pix[i] = 255
	}
	writeImage(t, pic, img)
	var out, errb bytes.Buffer
	model := filepath.Join("..", "..", "keras", "testdata", "keras3", "mlp.keras")
	if code := run([]string{"predict", "-json", "-k", "10", model, pic}, &out, &errb); code != 0 {
		t.Fatalf("exit %d: %s", code, errb.String())
	}
	var res []imageResult
	if err := json.Unmarshal(out.Bytes(), &res); err != nil || len(res) != 1 || len(res[0].Predictions) != 10 {
		t.Fatalf("output %q: %v", out.String(), err)
	}
	sum := 0.0
	seen := map[int]bool{}
	for i, p := range res[0].Predictions {
		sum += p.Probability
		seen[p.Index] = true
		if i > 0 && p.Probability > res[0].Predictions[i-1].Probability {
			t.Errorf("predictions not sorted: %v", res[0].Predictions)
		}
	}
	if len(seen) != 10 || sum < 0.999 || sum > 1.001 {
		t.Errorf("10 classes summing to 1 expected, got %v (sum %v)", res[0].Predictions, sum)
	}
}

// TestSummaryCommand prints the saved MNIST MLP's summary, which must be
// Keras's (testdata of the keras package, printed by Keras 3.16).
func TestSummaryCommand(t *testing.T) {
	want, err := os.ReadFile(filepath.Join("..", "..", "keras", "testdata", "summary_mnist_mlp.txt"))
	if err != nil {
		t.Fatal(err)
	}
	keras.ClearSession()
	m := keras.NewSequential(
		layers.Flatten(layers.InputShape(28, 28)),
		layers.Dense(128, layers.Activation("relu")),
		layers.Dropout(0.2),
		layers.Dense(10, layers.Activation("softmax")),
	)
	path := filepath.Join(t.TempDir(), "mlp.keras")
	if err := keras.SaveModel(m, path); err != nil {
		t.Fatal(err)
	}
	keras.ClearSession()
	keras.NewSequential(layers.Dense(1, layers.InputShape(1))) // takes the automatic names "sequential", "dense"
	var out, errb bytes.Buffer
	if code := run([]string{"summary", path}, &out, &errb); code != 0 {
		t.Fatalf("exit %d: %s", code, errb.String())
	}
	if out.String() != string(want) {
		t.Errorf("summary:\n%s\nwant (Keras):\n%s", out.String(), want)
	}
	if code := run([]string{"summary", filepath.Join(t.TempDir(), "missing.keras")}, &out, &errb); code != 1 {
		t.Errorf("missing file: exit %d", code)
	}
}
