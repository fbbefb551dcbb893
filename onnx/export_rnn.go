package onnx

import (
	"fmt"
	"math"

	"github.com/tensorgo/tensorgo/tensor"
	"github.com/tensorgo/tensorgo/tf"
)

// Export of tensorgo's sequence ops: the fused recurrent op (RNN, behind
// Keras's SimpleRNN, LSTM and GRU layers) as ONNX's RNN, LSTM and GRU,
// and Embedding's lookup as Gather. Where ONNX's recurrent ops cannot
// express the RNN op exactly (a mask, a linear activation) it is exported
// unrolled over its steps instead, with the ops masks are made of (see
// export_rnn_unrolled.go).
//
// tensorgo's sequences are batch first (batch, steps, features) with
// Keras's weight layouts: a kernel (features, gates·units) whose gate
// blocks are in Keras's order (LSTM i, f, c, o; GRU z, r, h), a recurrent
// kernel (units, gates·units) and a bias. ONNX's recurrent ops are time
// major (steps, batch, features), with one W (directions, gates·hidden,
// features), R (directions, gates·hidden, hidden) and B (directions,
// 2·gates·hidden: the input bias, then the recurrent one), and LSTM's
// gates in the order i, o, f, c. Each RNN op is exported as one ONNX op
// of one direction between Transposes, so that the rest of the graph sees
// tensorgo's layout; weights held by variables or constants are stored in
// ONNX's layout, others are rearranged by ops.

// onnxGates maps each ONNX gate block to the Keras block it comes from.
var onnxGates = map[string][]int{
	"SimpleRNN": {0},
	"GRU":       {0, 1, 2},    // z, r, h in both
	"LSTM":      {0, 3, 1, 2}, // ONNX i, o, f, c from Keras i, f, c, o
}

// onnxActivation is the name ONNX's recurrent ops give a tensorgo
// activation.
var onnxActivation = map[string]string{"tanh": "Tanh", "": "Tanh", "sigmoid": "Sigmoid", "relu": "Relu"}

// constValue returns the value of t if a variable or a constant holds it,
// else nil.
func constValue(t *tf.Tensor) *tensor.Tensor {
	switch op := t.Op(); op.Type() {
	case "VariableV2":
		if v := op.Variable(); v != nil && v.Initialized() {
			return v.Value()
		}
	case "Const":
		return op.Attr("value").(*tensor.Tensor)
	}
	return nil
}

// gateRows returns the row order of an ONNX weight of gates·units rows
// taken from a Keras one: row k of the result is row order[k] of Keras's.
func gateRows(gates []int, units int) []int64 {
	order := make([]int64, 0, len(gates)*units)
	for _, g := range gates {
		for j := 0; j < units; j++ {
			order = append(order, int64(g*units+j))
		}
	}
	return order
}

// onnxWeight returns the ONNX name of a Keras kernel k (rows, gates·units)
// as ONNX's (1, gates·units, rows): transposed, gate blocks reordered.
func (ex *exporter) onnxWeight(k *tf.Tensor, gates []int, units int, base string) string {
	order := gateRows(gates, units)
	if v := constValue(k); v != nil {
		rows, cols := v.Shape()[0], v.Shape()[1]
		w := tensor.New(v.DType(), 1, cols, rows)
		for o, src := range order {
			for r := 0; r < rows; r++ {
				w.SetFloat(o*rows+r, v.Float(r*cols+int(src)))
			}
		}
		return ex.constant(base, w)
	}
	t := ex.transposed(ex.name(k), []int{1, 0})
	g := ex.tmpName(base)
	ex.node("Gather", []string{t, ex.constant(base+"/gates", tensor.FromSlice(order))}, []string{g}, map[string]Attr{"axis": intAttr(0)})
	return ex.unsqueeze0(g, base)
}

// onnxBias returns the ONNX name of B (1, 2·gates·units) for a Keras bias
// b: (gates·units) as the input bias, the recurrent one zero; or, for a GRU
// with reset_after, (2, 3·units) as the input and recurrent biases.
func (ex *exporter) onnxBias(b *tf.Tensor, gates []int, units int, resetAfter bool, base string) string {
	n := len(gates) * units
	if resetAfter {
		if v := constValue(b); v != nil {
			return ex.constant(base, v.Clone().Reshape(1, 2*n))
		}
		out := ex.tmpName(base)
		ex.node("Reshape", []string{ex.name(b), ex.constant("shape", tensor.FromSlice([]int64{1, int64(2 * n)}))}, []string{out}, nil)
		return out
	}
	order := gateRows(gates, units)
	if v := constValue(b); v != nil {
		w := tensor.New(v.DType(), 1, 2*n)
		for o, src := range order {
			w.SetFloat(o, v.Float(int(src)))
		}
		return ex.constant(base, w)
	}
	g := ex.tmpName(base)
	ex.node("Gather", []string{ex.name(b), ex.constant(base+"/gates", tensor.FromSlice(order))}, []string{g}, map[string]Attr{"axis": intAttr(0)})
	zeros := ex.constant(base+"/recurrent", tensor.New(b.DType(), n))
	cat := ex.tmpName(base)
	ex.node("Concat", []string{g, zeros}, []string{cat}, map[string]Attr{"axis": intAttr(0)})
	return ex.unsqueeze0(cat, base)
}

// tmpName returns a fresh value name derived from base.
func (ex *exporter) tmpName(base string) string {
	ex.n++
	return fmt.Sprintf("%s/tmp_%d", base, ex.n)
}

// unsqueeze0 adds a leading axis of 1 to v (ONNX's num_directions).
func (ex *exporter) unsqueeze0(v, base string) string {
	out := ex.tmpName(base)
	ex.node("Unsqueeze", []string{v, ex.constant("axes", tensor.FromSlice([]int64{0}))}, []string{out}, nil)
	return out
}

// squeeze removes axis from v, writing out.
func (ex *exporter) squeeze(v string, axis int, out string) {
	ex.node("Squeeze", []string{v, ex.constant("axes", tensor.FromSlice([]int64{int64(axis)}))}, []string{out}, nil)
}

// reverseTime reverses the first axis of v (of steps entries, -1 when
// unknown), writing out.
func (ex *exporter) reverseTime(v string, steps int, out string) {
	if steps > 0 {
		idx := make([]int64, steps)
		for i := range idx {
			idx[i] = int64(steps - 1 - i)
		}
		ex.node("Gather", []string{v, ex.constant("reversed", tensor.FromSlice(idx))}, []string{out}, map[string]Attr{"axis": intAttr(0)})
		return
	}
	one := func(x int64) string { return ex.constant("slice", tensor.FromSlice([]int64{x})) }
	ex.node("Slice", []string{v, one(-1), one(math.MinInt64), one(0), one(-1)}, []string{out}, nil)
}

// convertRNN exports tf's RNN op as ONNX's RNN, GRU or LSTM of one
// direction: go_backwards is direction "reverse", whose Y ONNX gives in
// the input's order of time, so it is reversed into Keras's processed
// order. One with a mask or an activation ONNX's ops lack is exported
// unrolled (see convertRNNUnrolled).
func (ex *exporter) convertRNN(op *tf.Operation, ins []string) error {
	cell := op.Attr("cell").(string)
	units := op.Attr("units").(int)
	act := op.Attr("activation").(string)
	resetAfter := cell == "GRU" && op.Attr("reset_after").(bool)
	returnSeq := op.Attr("return_sequences").(bool)
	backwards := op.Attr("go_backwards").(bool)
	gates := onnxGates[cell]
	onnxAct, ok := onnxActivation[act]
	if op.Attr("has_mask").(bool) || !ok {
		return ex.convertRNNUnrolled(op, ins)
	}
	onnxOp := map[string]string{"SimpleRNN": "RNN", "GRU": "GRU", "LSTM": "LSTM"}[cell]
	acts := []string{onnxAct}
	switch cell {
	case "GRU":
		acts = []string{"Sigmoid", onnxAct}
	case "LSTM":
		acts = []string{"Sigmoid", onnxAct, onnxAct}
	}
	inputs := op.Inputs()
	x := inputs[0]
	base := op.Name()
	next := 3
	nodeIns := []string{ex.transposed(ins[0], []int{1, 0, 2}),
		ex.onnxWeight(inputs[1], gates, units, base+"/W"), ex.onnxWeight(inputs[2], gates, units, base+"/R"), "", "", "", ""}
	if op.Attr("has_bias").(bool) {
		nodeIns[3] = ex.onnxBias(inputs[next], gates, units, resetAfter, base+"/B")
		next++
	}
	if op.Attr("has_h0").(bool) {
		nodeIns[5] = ex.unsqueeze0(ins[next], base+"/initial_h")
		next++
	}
	if op.Attr("has_c0").(bool) {
		nodeIns[6] = ex.unsqueeze0(ins[next], base+"/initial_c")
	}
	for len(nodeIns) > 3 && nodeIns[len(nodeIns)-1] == "" {
		nodeIns = nodeIns[:len(nodeIns)-1]
	}
	attrs := map[string]Attr{"hidden_size": intAttr(units), "activations": {Kind: AttrStrings, Strings: acts}}
	if backwards {
		attrs["direction"] = Attr{Kind: AttrString, String: "reverse"}
	}
	if cell == "GRU" && resetAfter {
		attrs["linear_before_reset"] = intAttr(1)
	}
	y, yh := ex.tmpName(base+"/Y"), ex.tmpName(base+"/Y_h")
	outs := []string{y, yh}
	yc := ""
	if cell == "LSTM" {
		yc = ex.tmpName(base + "/Y_c")
		outs = append(outs, yc)
	}
	ex.node(onnxOp, nodeIns, outs, attrs)

	// Y (steps, 1, batch, units) → (batch, steps, units); Y_h, Y_c (1,
	// batch, units) → (batch, units).
	if returnSeq {
		seq := ex.tmpName(base + "/Y")
		ex.squeeze(y, 1, seq)
		if backwards {
			rev := ex.tmpName(base + "/Y")
			ex.reverseTime(seq, x.Shape()[1], rev)
			seq = rev
		}
		ex.node("Transpose", []string{seq}, []string{op.Output(0).Name()}, map[string]Attr{"perm": intsAttr([]int{1, 0, 2})})
	} else {
		ex.squeeze(yh, 0, op.Output(0).Name())
	}
	ex.squeeze(yh, 0, op.Output(1).Name())
	if cell == "LSTM" {
		ex.squeeze(yc, 0, op.Output(2).Name())
	}
	return nil
}

// convertGather exports EmbeddingLookup(params, ids) (Embedding) as Gather
// along axis 0, and tf's Gather as Gather.
func (ex *exporter) convertGather(op *tf.Operation, ins, out []string) {
	axis := 0
	if op.Type() == "Gather" {
		axis = op.Attr("axis").(int)
	}
	ex.node("Gather", ins, out, map[string]Attr{"axis": intAttr(axis)})
}
