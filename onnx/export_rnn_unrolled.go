package onnx

import (
	"fmt"

	"github.com/tensorgo/tensorgo/tensor"
	"github.com/tensorgo/tensorgo/tf"
)

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

// The ops masks are made of: Masking's and Embedding's mask_zero
// comparisons (NotEqual, ZerosLike) and the ExpandDims and Squeeze that
// shape them.

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
