package plot

import (
	"bytes"
	"image/png"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"
)

func TestPanels(t *testing.T) {
	h := map[string][]float64{"val_loss": {1}, "accuracy": {1}, "loss": {1}, "val_accuracy": {1}, "learning_rate": {1}}
	if got, want := Panels(h), []string{"loss", "accuracy", "learning_rate"}; !reflect.DeepEqual(got, want) {
		t.Fatalf("Panels = %v, want %v", got, want)
	}
}

func TestHistoryPNG(t *testing.T) {
	h := map[string][]float64{
		"loss": {0.9, 0.5, 0.3}, "val_loss": {1.0, 0.6, 0.45},
		"accuracy": {0.7, 0.85, 0.9}, "val_accuracy": {0.65, 0.8, 0.86},
	}
	path := filepath.Join(t.TempDir(), "curves.png")
	if err := History(h, path, Size(10, 8)); err != nil {
		t.Fatal(err)
	}
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	img, err := png.Decode(bytes.NewReader(b))
	if err != nil {
		t.Fatalf("not a PNG: %v", err)
	}
	// Two panels of 10 cm side by side at gonum's default 96 dpi.
	if w, h := img.Bounds().Dx(), img.Bounds().Dy(); w < 2*h || w > 3*h {
		t.Errorf("picture is %dx%d; want two panels side by side", w, h)
	}
	// The curves are drawn in the training and validation colours.
	var blue, orange int
	for y := img.Bounds().Min.Y; y < img.Bounds().Max.Y; y++ {
		for x := img.Bounds().Min.X; x < img.Bounds().Max.X; x++ {
			r, g, b, _ := img.At(x, y).RGBA()
			switch {
			case r>>8 < 0x40 && g>>8 > 0x60 && g>>8 < 0x90 && b>>8 > 0xa0:
				blue++
			case r>>8 > 0xe0 && g>>8 > 0x60 && g>>8 < 0xa0 && b>>8 < 0x40:
				orange++
			}
		}
	}
	if blue < 50 || orange < 50 {
		t.Errorf("%d blue and %d orange pixels; want both curves drawn", blue, orange)
	}
}

func TestSeriesSVG(t *testing.T) {
	var buf bytes.Buffer
	err := WriteSeries(&buf, "svg", []Line{{"Real Price", []float64{1, 2, 3, 2}}, {"Predicted Price", []float64{1.1, 1.9, 2.8, 2.2}}},
		Title("Stock Price Prediction"))
	if err != nil {
		t.Fatal(err)
	}
	s := buf.String()
	for _, want := range []string{"<svg", "Real Price", "Predicted Price", "Stock Price Prediction"} {
		if !strings.Contains(s, want) {
			t.Errorf("SVG lacks %q", want)
		}
	}
}

func TestErrors(t *testing.T) {
	dir := t.TempDir()
	if err := History(nil, filepath.Join(dir, "a.png")); err == nil {
		t.Error("an empty history drew a picture")
	}
	if err := History(map[string][]float64{"loss": {1}}, filepath.Join(dir, "a.bmp")); err == nil || !strings.Contains(err.Error(), "bmp") {
		t.Errorf("unknown format: %v", err)
	}
	if _, err := os.Stat(filepath.Join(dir, "a.bmp")); err == nil {
		t.Error("a failed drawing left a file behind")
	}
	if err := History(map[string][]float64{"loss": {1}}, filepath.Join(dir, "noext")); err == nil {
		t.Error("a path without an extension was accepted")
	}
}
