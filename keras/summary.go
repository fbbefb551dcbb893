package keras

import (
	"fmt"
	"io"
	"os"
	"strconv"
	"strings"
	"unicode/utf8"

	"github.com/tensorgo/tensorgo/tensor"
	"github.com/tensorgo/tensorgo/tf"
)

// Summary prints Keras's model table to w (os.Stdout if none): layer
// names and types, output shapes and parameter counts, then the total,
// trainable and non-trainable parameter counts with their sizes. The model
// must be built.
func (m *Model) Summary(w ...io.Writer) error {
	s, err := m.SummaryString()
	if err != nil {
		return err
	}
	var out io.Writer = os.Stdout
	if len(w) > 0 {
		out = w[0]
	}
	_, err = io.WriteString(out, s)
	return err
}

// SummaryString returns the text Summary prints.
func (m *Model) SummaryString() (string, error) {
	if err := m.ensureBuilt(); err != nil {
		return "", err
	}
	if m.g == nil {
		return "", fmt.Errorf("keras: model %s is not built yet: give the first layer an InputShape, call Build, or fit it first", m.name)
	}
	type row struct{ name, shape, params string }
	var rows []row
	if m.kind == functionalModel {
		for i, in := range m.fnInputs {
			rows = append(rows, row{in.Op().Name() + " (InputLayer)", shapeString(m.inputs[i]), "0"})
		}
	}
	for _, l := range m.layerList {
		b := l.LayerBase()
		rows = append(rows, row{b.Name() + " (" + b.ClassName() + ")", shapeString(b.OutputShape()), thousands(b.CountParams())})
	}
	// Keras 3's widths for a Sequential-like table; wider when a cell needs it.
	w := [3]int{31, 22, 13}
	for _, r := range rows {
		w[0] = max(w[0], utf8.RuneCountInString(r.name))
		w[1] = max(w[1], utf8.RuneCountInString(r.shape))
		w[2] = max(w[2], utf8.RuneCountInString(r.params))
	}
	var b strings.Builder
	fmt.Fprintf(&b, "Model: %q\n", m.name)
	line := func(l, mid, r, fill string) {
		b.WriteString(l)
		for i, n := range w {
			if i > 0 {
				b.WriteString(mid)
			}
			b.WriteString(strings.Repeat(fill, n+2))
		}
		b.WriteString(r + "\n")
	}
	cells := func(sep string, a, c, p string) {
		b.WriteString(sep + " " + pad(a, w[0]) + " " + sep + " " + pad(c, w[1]) + " " + sep + " " + padLeft(p, w[2]) + " " + sep + "\n")
	}
	line("┏", "┳", "┓", "━")
	cells("┃", "Layer (type)", "Output Shape", "Param #")
	line("┡", "╇", "┩", "━")
	for i, r := range rows {
		if i > 0 {
			line("├", "┼", "┤", "─")
		}
		cells("│", r.name, r.shape, r.params)
	}
	line("└", "┴", "┘", "─")
	var trainable, frozen, tBytes, fBytes int
	isTrainable := map[*tf.Variable]bool{}
	for _, v := range m.TrainableWeights() {
		isTrainable[v] = true
	}
	for _, v := range m.Weights() {
		n := v.Shape().NumElements()
		if isTrainable[v] {
			trainable += n
			tBytes += n * v.DType().Size()
		} else {
			frozen += n
			fBytes += n * v.DType().Size()
		}
	}
	fmt.Fprintf(&b, " Total params: %s (%s)\n", thousands(trainable+frozen), memSize(tBytes+fBytes))
	fmt.Fprintf(&b, " Trainable params: %s (%s)\n", thousands(trainable), memSize(tBytes))
	fmt.Fprintf(&b, " Non-trainable params: %s (%s)\n\n", thousands(frozen), memSize(fBytes))
	return b.String(), nil
}

func shapeString(s tensor.Shape) string {
	if s == nil {
		return "?"
	}
	return s.String()
}

func pad(s string, n int) string {
	return s + strings.Repeat(" ", max(0, n-utf8.RuneCountInString(s)))
}

func padLeft(s string, n int) string {
	return strings.Repeat(" ", max(0, n-utf8.RuneCountInString(s))) + s
}

// thousands formats n with comma separators (101,770).
func thousands(n int) string {
	s := strconv.Itoa(n)
	neg := strings.HasPrefix(s, "-")
	if neg {
		s = s[1:]
	}
	var b strings.Builder
	for i, c := range s {
		if i > 0 && (len(s)-i)%3 == 0 {
			b.WriteByte(',')
		}
		b.WriteRune(c)
	}
	if neg {
		return "-" + b.String()
	}
	return b.String()
}

// memSize formats a byte count as Keras's readable_memory_size: "397.54 KB".
func memSize(n int) string {
	units := []string{"B", "KB", "MB", "GB", "TB", "PB"}
	v := float64(n)
	for _, u := range units {
		if v/1024 < 1 {
			return fmt.Sprintf("%.2f %s", v, u)
		}
		v /= 1024
	}
	return fmt.Sprintf("%.2f %s", v, units[len(units)-1])
}
