package onnx

import (
	"fmt"
	"math"

	"github.com/tensorgo/tensorgo/tensor"
	"github.com/tensorgo/tensorgo/tf"
)

// Export of tensorgo's sequence ops: the fused recurrent op (RNN, behind
// Keras's SimpleRNN, LSTM and GRU layers) as ONNX's RNN, LSTM and GRU, or
// unrolled over its steps where those cannot express it exactly (a mask,
// a linear activation); the ops masks are made of (NotEqual, ZerosLike,
// ExpandDims and Squeeze); and Embedding's lookup as Gather.
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

// Unrolled export. A recurrent op with a mask (from Masking or an
// Embedding with mask_zero) or with an activation ONNX's recurrent ops
// lack (linear) has no exact form as one of those ops: ONNX's
// sequence_lens only drops the end of each sequence, where a mask may
// skip any step. It is exported unrolled instead, one group of
// elementwise ops and MatMuls per step, with Keras's weights as they are,
// which needs the number of steps. At a skipped step the states are
// carried over and the output repeats the previous one (zero before the
// first kept step), or is zero with zero_output_for_mask, as tensorgo's
// RNN op does.

// unrolled builds the ops of one unrolled recurrent op.
type unrolled struct {
	ex   *exporter
	base string
	dt   tensor.DType
}

func (u *unrolled) op(typ string, ins ...string) string {
	out := u.ex.tmpName(u.base)
	u.ex.node(typ, ins, []string{out}, nil)
	return out
}

func (u *unrolled) opAttrs(typ string, attrs map[string]Attr, ins ...string) string {
	out := u.ex.tmpName(u.base)
	u.ex.node(typ, ins, []string{out}, attrs)
	return out
}

// gather takes index (a scalar) or the indices [from, from+n) of v's axis.
func (u *unrolled) gather(v string, axis, from, n int) string {
	var idx *tensor.Tensor
	if n == 0 {
		idx = tensor.Scalar(int64(from))
	} else {
		r := make([]int64, n)
		for i := range r {
			r[i] = int64(from + i)
		}
		idx = tensor.FromSlice(r)
	}
	return u.opAttrs("Gather", map[string]Attr{"axis": intAttr(axis)}, v, u.ex.constant("index", idx))
}

// act applies a tensorgo activation.
func (u *unrolled) act(name, v string) string {
	switch name {
	case "", "tanh":
		return u.op("Tanh", v)
	case "sigmoid":
		return u.op("Sigmoid", v)
	case "relu":
		return u.op("Relu", v)
	}
	return v // linear
}

func (u *unrolled) scalar(v float64) string {
	t := tensor.New(u.dt)
	t.SetFloat(0, v)
	return u.ex.constant("scalar", t)
}

// convertRNNUnrolled exports an RNN op unrolled over its steps.
func (ex *exporter) convertRNNUnrolled(op *tf.Operation, ins []string) error {
	cell := op.Attr("cell").(string)
	units := op.Attr("units").(int)
	act := op.Attr("activation").(string)
	resetAfter := cell == "GRU" && op.Attr("reset_after").(bool)
	x := op.Inputs()[0]
	steps := x.Shape()[1]
	if steps < 1 {
		return unsupportedError(fmt.Sprintf("%s (%s with a mask or a linear activation is exported unrolled, which needs the number of steps; got an input %v)", op.Name(), cell, x.Shape()))
	}
	u := &unrolled{ex: ex, base: op.Name(), dt: x.DType()}
	next := 3
	bias, mask, h, c := "", "", "", ""
	if op.Attr("has_bias").(bool) {
		bias = ins[next]
		next++
	}
	if op.Attr("has_mask").(bool) {
		mask = ins[next]
		next++
	}
	// The input's part of every step at once: x·kernel (+ the input bias).
	xk := u.op("MatMul", ins[0], ins[1]) // (batch, steps, gates·units)
	recBias := ""
	if bias != "" {
		inBias := bias
		if resetAfter {
			inBias, recBias = u.gather(bias, 0, 0, 0), u.gather(bias, 0, 1, 0)
		}
		xk = u.op("Add", xk, inBias)
	}
	// Zeros (batch, units) for the initial states and outputs: the first
	// step's mask (or input), times zero, broadcast.
	var zeros string
	{
		var first string
		if mask != "" {
			first = u.op("Unsqueeze", u.gather(mask, 1, 0, 0), ex.constant("axes", tensor.FromSlice([]int64{1})))
			first = u.opAttrs("Cast", map[string]Attr{"to": {Kind: AttrInt, Int: int64(onnxType(u.dt))}}, first)
		} else {
			first = u.gather(u.gather(u.gather(ins[0], 1, 0, 0), 1, 0, 1), 1, 0, 0) // x[:, 0, 0]
			first = u.op("Unsqueeze", u.op("Mul", first, u.scalar(0)), ex.constant("axes", tensor.FromSlice([]int64{1})))
		}
		zeros = u.op("Mul", first, ex.constant("zeros", tensor.New(u.dt, 1, units)))
	}
	h = zeros
	if op.Attr("has_h0").(bool) {
		h = ins[next]
		next++
	}
	if cell == "LSTM" {
		c = zeros
		if op.Attr("has_c0").(bool) {
			c = ins[next]
		}
	}
	rec := ins[2]
	var recZR, recH string
	if cell == "GRU" && !resetAfter {
		recZR, recH = u.gather(rec, 1, 0, 2*units), u.gather(rec, 1, 2*units, units)
	}
	zeroOut := op.Attr("zero_output_for_mask").(bool)
	backwards := op.Attr("go_backwards").(bool)
	y := zeros
	var ys []string
	for s := 0; s < steps; s++ {
		t := s
		if backwards {
			t = steps - 1 - s
		}
		xt := u.gather(xk, 1, t, 0) // (batch, gates·units)
		gate := func(v string, k int) string { return u.gather(v, 1, k*units, units) }
		var hNew, cNew string
		switch cell {
		case "SimpleRNN":
			hNew = u.act(act, u.op("Add", xt, u.op("MatMul", h, rec)))
		case "LSTM":
			z := u.op("Add", xt, u.op("MatMul", h, rec))
			i, f := u.op("Sigmoid", gate(z, 0)), u.op("Sigmoid", gate(z, 1))
			cc, o := u.act(act, gate(z, 2)), u.op("Sigmoid", gate(z, 3))
			cNew = u.op("Add", u.op("Mul", f, c), u.op("Mul", i, cc))
			hNew = u.op("Mul", o, u.act(act, cNew))
		case "GRU":
			var z, r, hh string
			if resetAfter {
				hr := u.op("MatMul", h, rec)
				if recBias != "" {
					hr = u.op("Add", hr, recBias)
				}
				z = u.op("Sigmoid", u.op("Add", gate(xt, 0), gate(hr, 0)))
				r = u.op("Sigmoid", u.op("Add", gate(xt, 1), gate(hr, 1)))
				hh = u.act(act, u.op("Add", gate(xt, 2), u.op("Mul", r, gate(hr, 2))))
			} else {
				hzr := u.op("MatMul", h, recZR)
				z = u.op("Sigmoid", u.op("Add", gate(xt, 0), gate(hzr, 0)))
				r = u.op("Sigmoid", u.op("Add", gate(xt, 1), gate(hzr, 1)))
				hh = u.act(act, u.op("Add", gate(xt, 2), u.op("MatMul", u.op("Mul", r, h), recH)))
			}
			hNew = u.op("Add", u.op("Mul", z, h), u.op("Mul", u.op("Sub", u.scalar(1), z), hh))
		}
		if mask == "" {
			h, c, y = hNew, cNew, hNew
		} else {
			m := u.op("Unsqueeze", u.gather(mask, 1, t, 0), ex.constant("axes", tensor.FromSlice([]int64{1}))) // (batch, 1)
			prev := y
			if zeroOut {
				prev = zeros
			}
			y = u.op("Where", m, hNew, prev)
			h = u.op("Where", m, hNew, h)
			if cell == "LSTM" {
				c = u.op("Where", m, cNew, c)
			}
		}
		ys = append(ys, y)
	}
	if op.Attr("return_sequences").(bool) {
		for i, v := range ys {
			ys[i] = u.op("Unsqueeze", v, ex.constant("axes", tensor.FromSlice([]int64{1})))
		}
		ex.node("Concat", ys, []string{op.Output(0).Name()}, map[string]Attr{"axis": intAttr(1)})
	} else {
		ex.node("Identity", []string{y}, []string{op.Output(0).Name()}, nil)
	}
	ex.node("Identity", []string{h}, []string{op.Output(1).Name()}, nil)
	if cell == "LSTM" {
		ex.node("Identity", []string{c}, []string{op.Output(2).Name()}, nil)
	}
	return nil
}

// convertReshapeDims exports ReshapeDims (tf's ExpandDims and Squeeze:
// the input's dimensions kept in order, 1s inserted) as a Squeeze of the
// dropped dimensions and an Unsqueeze of the new ones.
func (ex *exporter) convertReshapeDims(op *tf.Operation, ins, out []string) {
	src := op.Attr("shape").([]int)
	kept := map[int]bool{}
	var add []int64
	for i, j := range src {
		if j < 0 {
			add = append(add, int64(i))
		} else {
			kept[j] = true
		}
	}
	var drop []int64
	for i := 0; i < op.Inputs()[0].Shape().Rank(); i++ {
		if !kept[i] {
			drop = append(drop, int64(i))
		}
	}
	v := ins[0]
	if len(drop) > 0 {
		next := v
		if len(add) > 0 {
			next = ex.tmp(op)
		} else {
			next = out[0]
		}
		ex.node("Squeeze", []string{v, ex.constant("axes", tensor.FromSlice(drop))}, []string{next}, nil)
		v = next
	}
	switch {
	case len(add) > 0:
		ex.node("Unsqueeze", []string{v, ex.constant("axes", tensor.FromSlice(add))}, out, nil)
	case len(drop) == 0:
		ex.node("Identity", []string{v}, out, nil)
	}
}

// convertZerosLike exports ZerosLike: x−x for integers, And(x, Not(x))
// for booleans (Embedding's mask_zero compares its ids with these), and
// for floats a ConstantOfShape of x's shape (x·0 or x−x would give NaN for
// an infinite x).
func (ex *exporter) convertZerosLike(op *tf.Operation, ins, out []string) {
	dt := op.Inputs()[0].DType()
	switch {
	case dt == tensor.Bool:
		n := ex.tmp(op)
		ex.node("Not", ins, []string{n}, nil)
		ex.node("And", []string{ins[0], n}, out, nil)
	case dt.IsFloat():
		shape := ex.tmp(op)
		ex.node("Shape", ins, []string{shape}, nil)
		ex.node("ConstantOfShape", []string{shape}, out, map[string]Attr{"value": {Kind: AttrTensor, Tensor: tensor.New(dt, 1)}})
	default:
		ex.node("Sub", []string{ins[0], ins[0]}, out, nil)
	}
}

// convertNotEqual exports NotEqual (Masking's and mask_zero's comparison)
// as Not(Equal).
func (ex *exporter) convertNotEqual(op *tf.Operation, ins, out []string) {
	eq := ex.tmp(op)
	ex.node("Equal", ins, []string{eq}, nil)
	ex.node("Not", []string{eq}, out, nil)
}
