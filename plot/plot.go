// Package plot draws training curves and predicted-against-real series to
// PNG, SVG, PDF or JPEG files with gonum/plot, as the course draws them
// with matplotlib: one panel per metric, the training values against the
// validation ones.
//
//	history, err := model.Fit(x, y, keras.ValidationSplit(0.1))
//	...
//	err = plot.History(history.History, "curves.png")
package plot

import (
	"fmt"
	"image/color"
	"io"
	"math"
	"path/filepath"
	"sort"
	"strings"

	"gonum.org/v1/plot"
	"gonum.org/v1/plot/plotter"
	"gonum.org/v1/plot/vg"
	"gonum.org/v1/plot/vg/draw"
	"gonum.org/v1/plot/vg/vgimg"
	"gonum.org/v1/plot/vg/vgpdf"
	"gonum.org/v1/plot/vg/vgsvg"

	"github.com/tensorgo/tensorgo/internal/atomicfile"
)

// An Option changes a figure.
type Option func(*config)

type config struct {
	width, height vg.Length
	title         string
}

// Size sets a panel's size in centimetres (default 12 × 9).
func Size(width, height float64) Option {
	return func(c *config) { c.width, c.height = vg.Length(width)*vg.Centimeter, vg.Length(height)*vg.Centimeter }
}

// Title sets the figure's title (for Series) or a prefix of each panel's
// title (for History).
func Title(s string) Option { return func(c *config) { c.title = s } }

func newConfig(opts []Option) *config {
	c := &config{width: 12 * vg.Centimeter, height: 9 * vg.Centimeter}
	for _, o := range opts {
		o(c)
	}
	return c
}

// Palette: the first two colours of matplotlib's default cycle, so that the
// curves look as the course's do (training blue, validation orange).
var palette = []color.Color{
	color.RGBA{0x1f, 0x77, 0xb4, 0xff},
	color.RGBA{0xff, 0x7f, 0x0e, 0xff},
	color.RGBA{0x2c, 0xa0, 0x2c, 0xff},
	color.RGBA{0xd6, 0x27, 0x28, 0xff},
}

// Panels returns the metric names History draws, in order: "loss" first,
// then the other training metrics sorted; "val_" keys join their training
// metric's panel, keys such as "learning_rate" get a panel of their own.
func Panels(history map[string][]float64) []string {
	var names []string
	for k := range history {
		if strings.HasPrefix(k, "val_") {
			if _, ok := history[strings.TrimPrefix(k, "val_")]; ok {
				continue
			}
		}
		names = append(names, k)
	}
	sort.Slice(names, func(i, j int) bool {
		if (names[i] == "loss") != (names[j] == "loss") {
			return names[i] == "loss"
		}
		return names[i] < names[j]
	})
	return names
}

// History draws a Keras History (History.History: metric name → one value
// per epoch) to path, one panel per metric side by side, each with the
// training curve and, where the history has it, the validation curve. The
// file name's extension picks the format (.png, .svg, .pdf, .jpg).
func History(history map[string][]float64, path string, opts ...Option) error {
	return writeFile(path, func(w io.Writer, format string) error {
		return WriteHistory(w, format, history, opts...)
	})
}

// WriteHistory is History writing to w in format ("png", "svg", "pdf",
// "jpg").
func WriteHistory(w io.Writer, format string, history map[string][]float64, opts ...Option) error {
	c := newConfig(opts)
	names := Panels(history)
	if len(names) == 0 {
		return fmt.Errorf("plot: History: the history is empty")
	}
	var plots []*plot.Plot
	for _, name := range names {
		p := plot.New()
		title := "Training and Validation " + label(name)
		if _, ok := history["val_"+name]; !ok {
			title = "Training " + label(name)
		}
		if c.title != "" {
			title = c.title + ": " + title
		}
		p.Title.Text = title
		p.X.Label.Text = "epoch"
		p.Y.Label.Text = name
		p.Add(plotter.NewGrid())
		// Put the legend where the curve is not: at the bottom for a
		// rising curve (accuracy), at the top for a falling one (loss).
		p.Legend.Top = !rising(history[name])
		p.Legend.XOffs, p.Legend.YOffs = -3*vg.Millimeter, 3*vg.Millimeter
		if p.Legend.Top {
			p.Legend.YOffs = -3 * vg.Millimeter
		}
		if err := addLine(p, "Training "+label(name), history[name], palette[0]); err != nil {
			return err
		}
		if v, ok := history["val_"+name]; ok {
			if err := addLine(p, "Validation "+label(name), v, palette[1]); err != nil {
				return err
			}
		}
		plots = append(plots, p)
	}
	return render(w, format, c.width*vg.Length(len(plots)), c.height, func(dc draw.Canvas) {
		tiles := draw.Tiles{Rows: 1, Cols: len(plots), PadX: vg.Millimeter * 4}
		row := [][]*plot.Plot{plots}
		canvases := plot.Align(row, tiles, dc)
		for i, p := range plots {
			p.Draw(canvases[0][i])
		}
	})
}

func rising(ys []float64) bool {
	return len(ys) > 1 && ys[len(ys)-1] > ys[0]
}

// label turns a metric key into a title word: "accuracy" → "Accuracy",
// "sparse_categorical_accuracy" → "Sparse Categorical Accuracy".
func label(key string) string {
	parts := strings.Split(key, "_")
	for i, p := range parts {
		if p != "" {
			parts[i] = strings.ToUpper(p[:1]) + p[1:]
		}
	}
	return strings.Join(parts, " ")
}

// A Line is one named series of values for Series.
type Line struct {
	Name   string
	Values []float64
}

// Series draws lines against their index (time step) to path, as the
// course draws a stock model's predicted prices against the real ones. The
// extension picks the format.
func Series(path string, lines []Line, opts ...Option) error {
	return writeFile(path, func(w io.Writer, format string) error {
		return WriteSeries(w, format, lines, opts...)
	})
}

// WriteSeries is Series writing to w in format.
func WriteSeries(w io.Writer, format string, lines []Line, opts ...Option) error {
	c := newConfig(opts)
	if len(lines) == 0 {
		return fmt.Errorf("plot: Series: no lines")
	}
	p := plot.New()
	p.Title.Text = c.title
	p.X.Label.Text = "time"
	p.Add(plotter.NewGrid())
	p.Legend.Top = true
	p.Legend.Left = true
	p.Legend.XOffs, p.Legend.YOffs = 3*vg.Millimeter, -3*vg.Millimeter
	for i, l := range lines {
		if err := addLine(p, l.Name, l.Values, palette[i%len(palette)]); err != nil {
			return err
		}
	}
	return render(w, format, c.width*1.5, c.height, func(dc draw.Canvas) { p.Draw(dc) })
}

func addLine(p *plot.Plot, name string, ys []float64, col color.Color) error {
	pts := make(plotter.XYs, 0, len(ys))
	for i, y := range ys {
		if math.IsNaN(y) || math.IsInf(y, 0) {
			continue // a diverged epoch leaves a gap rather than wrecking the axes
		}
		pts = append(pts, plotter.XY{X: float64(i), Y: y})
	}
	if len(pts) == 0 {
		return fmt.Errorf("plot: %q has no finite values", name)
	}
	l, err := plotter.NewLine(pts)
	if err != nil {
		return fmt.Errorf("plot: %q: %w", name, err)
	}
	l.Color = col
	l.Width = vg.Points(1.5)
	p.Add(l)
	p.Legend.Add(name, l)
	return nil
}

func render(w io.Writer, format string, width, height vg.Length, paint func(draw.Canvas)) error {
	var c vg.CanvasSizer
	var wt io.WriterTo
	switch strings.ToLower(format) {
	case "png", "jpg", "jpeg":
		img := vgimg.New(width, height)
		c = img
		if format == "png" {
			wt = vgimg.PngCanvas{Canvas: img}
		} else {
			wt = vgimg.JpegCanvas{Canvas: img}
		}
	case "svg":
		s := vgsvg.New(width, height)
		c, wt = s, s
	case "pdf":
		s := vgpdf.New(width, height)
		c, wt = s, s
	default:
		return fmt.Errorf("plot: unknown format %q (want png, svg, pdf or jpg)", format)
	}
	paint(draw.New(c))
	if _, err := wt.WriteTo(w); err != nil {
		return fmt.Errorf("plot: %w", err)
	}
	return nil
}

// writeFile writes atomically, so that a failed drawing never leaves half
// a picture under the final name.
func writeFile(path string, fn func(io.Writer, string) error) error {
	ext := strings.TrimPrefix(strings.ToLower(filepath.Ext(path)), ".")
	if ext == "" {
		return fmt.Errorf("plot: %s: no extension to choose the format by", path)
	}
	err := atomicfile.Write(path, func(w io.Writer) error { return fn(w, ext) })
	if err != nil && !strings.HasPrefix(err.Error(), "plot:") {
		err = fmt.Errorf("plot: %w", err)
	}
	return err
}
