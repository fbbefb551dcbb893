package keras

import (
	"fmt"
	"io"
	"os"
	"strconv"
	"strings"
	"unicode/utf8"

	"github.com/tensorgo/tensorgo/keras/layers"
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
	// A functional model whose layers do not form one chain gets Keras's
	// "Connected to" column.
	conns := m.connections()
	var rows [][]string
	if m.kind == functionalModel {
		for i, in := range m.fnInputs {
			rows = append(rows, []string{in.Op().Name() + " (InputLayer)", shapeString(m.inputs[i]), "0", "-"})
		}
	}
	for _, l := range m.layerList {
		b := l.LayerBase()
		c := "-"
		if cs := conns[l]; len(cs) > 0 {
			c = strings.Join(cs, ", ")
		}
		rows = append(rows, []string{b.Name() + " (" + b.ClassName() + ")", shapeString(b.OutputShape()), thousands(b.CountParams()), c})
	}
	header := []string{"Layer (type)", "Output Shape", "Param #", "Connected to"}
	// Keras 3's widths (on an 80-column console) for a Sequential-like
	// table and for one with connections; wider when a cell needs it.
	w := []int{31, 22, 13}
	if conns != nil {
		w = []int{19, 17, 10, 17}
	}
	header = header[:len(w)]
	for _, r := range rows {
		for i := range w {
			w[i] = max(w[i], utf8.RuneCountInString(r[i]))
		}
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
	cells := func(sep string, c []string) {
		for i, n := range w {
			b.WriteString(sep + " ")
			if i == 2 { // parameter counts align right
				b.WriteString(padLeft(c[i], n))
			} else {
				b.WriteString(pad(c[i], n))
			}
			b.WriteString(" ")
		}
		b.WriteString(sep + "\n")
	}
	line("┏", "┳", "┓", "━")
	cells("┃", header)
	line("┡", "╇", "┩", "━")
	for i, r := range rows {
		if i > 0 {
			line("├", "┼", "┤", "─")
		}
		cells("│", r)
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

// connections returns, for a functional model whose layers are not one
// chain, each layer's inbound tensors as Keras names them:
// "<layer>[<node>][<tensor>]", the node counting the producing layer's
// calls in this model. It returns nil for a Sequential-like model (no
// "Connected to" column), as Keras decides.
func (m *Model) connections() map[layers.Layer][]string {
	if m.kind != functionalModel || m.chain() {
		return nil
	}
	type source struct {
		layer string
		node  int
	}
	made := map[*tf.Tensor]source{}
	calls := map[layers.Layer]int{}
	for _, in := range m.fnInputs {
		made[in] = source{in.Op().Name(), 0}
	}
	out := map[layers.Layer][]string{}
	for _, n := range m.nodes {
		l := n.Layer.(layers.Layer)
		for _, t := range n.Inputs {
			if s, ok := made[t]; ok {
				out[l] = append(out[l], fmt.Sprintf("%s[%d][0]", s.layer, s.node))
			}
		}
		made[n.Output] = source{l.LayerBase().Name(), calls[l]}
		calls[l]++
	}
	return out
}

// chain reports whether the functional model's layers form one chain
// from its one input to its one output, each called once on the previous
// one's output (Keras's "sequential-like").
func (m *Model) chain() bool {
	if len(m.fnInputs) != 1 || len(m.fnOutputs) != 1 {
		return false
	}
	prev := m.fnInputs[0]
	seen := map[any]bool{}
	for _, n := range m.nodes {
		if len(n.Inputs) != 1 || n.Inputs[0] != prev || seen[n.Layer] {
			return false
		}
		seen[n.Layer] = true
		prev = n.Output
	}
	return true
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
