package keras

import (
	"bufio"
	"fmt"
	"io"
	"strconv"

	"github.com/tensorgo/tensorgo/tensor"
)

// WriteWeightsText writes every trainable weight of the model to w as
// text, the course's 参数提取 (np.set_printoptions(threshold=np.inf), then
// the name, shape and values of each of model.trainable_variables): for
// each weight, in NamedVariables order, a line with its key, a line with
// its shape as Python writes a tuple, and all of its values in NumPy's
// nested brackets, one innermost row per line, none left out. Each value is
// the shortest decimal that reads back as the same float32 (or float64), so
// the text holds the weights exactly:
//
//	dense/kernel
//	(2, 3)
//	[[0.1 -0.25 1.5]
//	 [2 0 -3.0000002]]
func (m *Model) WriteWeightsText(w io.Writer) error {
	bw := bufio.NewWriter(w)
	for _, nv := range m.NamedVariables() {
		if !nv.Trainable {
			continue
		}
		v := nv.Variable.Value()
		fmt.Fprintf(bw, "%s\n%s\n", nv.Key, pyShape(v.Shape()))
		writeNested(bw, v)
		bw.WriteByte('\n')
	}
	return bw.Flush()
}

// pyShape writes a shape as a Python tuple: "()", "(3,)", "(2, 3)".
func pyShape(s tensor.Shape) string {
	switch len(s) {
	case 0:
		return "()"
	case 1:
		return fmt.Sprintf("(%d,)", s[0])
	}
	out := "("
	for i, d := range s {
		if i > 0 {
			out += ", "
		}
		out += strconv.Itoa(d)
	}
	return out + ")"
}

// writeNested writes t's values in NumPy's bracket layout.
func writeNested(w *bufio.Writer, t *tensor.Tensor) {
	bits := 64
	if t.DType() == tensor.Float32 {
		bits = 32
	}
	shape := t.Shape()
	if len(shape) == 0 {
		w.WriteString(strconv.FormatFloat(t.Float(0), 'g', -1, bits))
		return
	}
	var rec func(depth, off int)
	rec = func(depth, off int) {
		w.WriteByte('[')
		n := shape[depth]
		if depth == len(shape)-1 {
			for i := 0; i < n; i++ {
				if i > 0 {
					w.WriteByte(' ')
				}
				w.WriteString(strconv.FormatFloat(t.Float(off+i), 'g', -1, bits))
			}
			w.WriteByte(']')
			return
		}
		stride := 1
		for _, d := range shape[depth+1:] {
			stride *= d
		}
		for i := 0; i < n; i++ {
			if i > 0 {
				// NumPy: a newline per finished axis, then indentation.
				for k := depth + 1; k < len(shape); k++ {
					w.WriteByte('\n')
				}
				for k := 0; k <= depth; k++ {
					w.WriteByte(' ')
				}
			}
			rec(depth+1, off+i*stride)
		}
		w.WriteByte(']')
	}
	rec(0, 0)
}
