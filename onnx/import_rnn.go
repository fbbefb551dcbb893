package onnx

import (
	"fmt"

	"github.com/tensorgo/tensorgo/tensor"
	"github.com/tensorgo/tensorgo/tf"
)

// Import of ONNX's recurrent operators (RNN, GRU, LSTM) as tensorgo's
// fused RNN op, whose weights are in Keras's layouts: each direction's W
// (gates·hidden, input) becomes a kernel (input, gates·hidden) with the
// gate blocks in Keras's order, R likewise, and B's input and recurrent
// halves are summed (kept apart for a GRU with linear_before_reset, which
// is Keras's reset_after). The activations Tanh, Relu and Sigmoid map to
// the RNN op's tanh, relu and sigmoid; its gates always use Sigmoid.

func init() {
	importers["RNN"] = importRNN("SimpleRNN", []int{0}, []string{"Tanh"})
	importers["GRU"] = importRNN("GRU", []int{0, 1, 2}, []string{"Sigmoid", "Tanh"})
	// ONNX's LSTM gates are i, o, f, c; Keras's i, f, c, o.
	importers["LSTM"] = importRNN("LSTM", []int{0, 2, 3, 1}, []string{"Sigmoid", "Tanh", "Tanh"})
}

// tensorgoActivation maps the activations of ONNX's recurrent ops that
// tensorgo's RNN op has (spelt as ONNX spells them; ONNX Runtime refuses
// "relu") to its names. None of them takes activation_alpha or
// activation_beta, so those are not read.
var tensorgoActivation = map[string]string{"Tanh": "tanh", "Relu": "relu", "Sigmoid": "sigmoid"}

// rnnActivations returns the tensorgo activation of each of dirs
// directions from a recurrent node's activations attribute, whose entries
// per direction are, in ONNX's terms, f (RNN); f, g (GRU); or f, g, h
// (LSTM), defaults being defs. tensorgo's RNN op has one activation per
// layer (SimpleRNN's f, GRU's g, LSTM's g and h, which must then agree)
// and gates (GRU's and LSTM's f) always use Sigmoid.
func rnnActivations(n *Node, cell string, defs []string, dirs int) ([]string, error) {
	names := defs
	if a, ok := n.Attrs["activations"]; ok && len(a.Strings) > 0 {
		names = a.Strings
	}
	k := len(defs)
	if len(names) != k*dirs {
		return nil, fmt.Errorf("activations %q: want %d per direction (%d direction(s)), got %d", names, k, dirs, len(names))
	}
	out := make([]string, dirs)
	for d := range out {
		per := names[d*k : (d+1)*k]
		act := per[k-1] // RNN's f, GRU's g, LSTM's h
		if k > 1 {
			if per[0] != "Sigmoid" {
				return nil, fmt.Errorf("gate activation %q (activations %q) is not supported: tensorgo's %s gates use Sigmoid", per[0], names, cell)
			}
			act = per[1] // the candidate's
			if k == 3 && per[1] != per[2] {
				return nil, fmt.Errorf("activations %q: the cell activation g (%s) and output activation h (%s) differ, which tensorgo's LSTM (one activation for both) does not support", names, per[1], per[2])
			}
		}
		tg, ok := tensorgoActivation[act]
		if !ok {
			return nil, fmt.Errorf("activation %q (activations %q) is not supported: tensorgo's %s takes Tanh, Relu or Sigmoid", act, names, cell)
		}
		out[d] = tg
	}
	return out, nil
}

// importRNN imports a recurrent op whose W blocks, taken in the order
// given by gates, are Keras's, and whose default activations are acts.
func importRNN(cell string, gates []int, acts []string) importFunc {
	return func(c *importer, n *Node, ins []*tf.Tensor) ([]*tf.Tensor, error) {
		for i, name := range []string{"", "", "", "", "sequence_lens", "", "", "P (peepholes)"} {
			if name != "" && i < len(ins) && ins[i] != nil {
				return nil, fmt.Errorf("the %s input is not supported", name)
			}
		}
		if _, ok := n.Attrs["clip"]; ok {
			return nil, fmt.Errorf("clip is not supported")
		}
		if attrInt(n, "input_forget", 0) != 0 {
			return nil, fmt.Errorf("input_forget is not supported")
		}
		x, w, r := ins[0], ins[1], ins[2]
		ws, rs := w.Shape(), r.Shape()
		hidden := int(attrInt(n, "hidden_size", 0))
		if hidden <= 0 && rs.Rank() == 3 {
			hidden = rs[2]
		}
		g := len(gates)
		if x.Shape().Rank() != 3 || ws.Rank() != 3 || rs.Rank() != 3 || hidden <= 0 || ws[1] != g*hidden || rs[1] != g*hidden || rs[2] != hidden {
			return nil, fmt.Errorf("X %v, W %v, R %v with hidden_size %d: want (seq, batch, input), (dirs, %d·hidden, input), (dirs, %d·hidden, hidden)",
				x.Shape(), ws, rs, hidden, g, g)
		}
		dirs := 1
		dir := n.Attrs["direction"].String
		switch dir {
		case "", "forward":
			dir = "forward"
		case "reverse":
		case "bidirectional":
			dirs = 2
		default:
			return nil, fmt.Errorf("direction %q is not supported", dir)
		}
		if ws[0] != dirs || rs[0] != dirs {
			return nil, fmt.Errorf("W %v and R %v for direction %s: want %d direction(s)", ws, rs, dir, dirs)
		}
		activations, err := rnnActivations(n, cell, acts, dirs)
		if err != nil {
			return nil, err
		}
		batchFirst := attrInt(n, "layout", 0) != 0
		if !batchFirst {
			x = tf.Transpose(x, 1, 0, 2)
		}
		steps := x.Shape()[1]
		resetAfter := cell == "GRU" && attrInt(n, "linear_before_reset", 0) != 0
		var ys, hs, cs []*tf.Tensor
		for d := 0; d < dirs; d++ {
			backwards := dir == "reverse" || d == 1
			in := tf.RNNInputs{X: x, Kernel: kerasKernel(pick(w, d), gates, hidden), Recurrent: kerasKernel(pick(r, d), gates, hidden)}
			if len(ins) > 3 && ins[3] != nil {
				b := pick(ins[3], d) // (2·gates·hidden): Wb, then Rb
				wb := reorder(tf.Slice(b, []int{0}, []int{g * hidden}), gates, hidden)
				rb := reorder(tf.Slice(b, []int{g * hidden}, []int{g * hidden}), gates, hidden)
				if resetAfter {
					in.Bias = tf.Stack(0, wb, rb)
				} else {
					in.Bias = tf.Add(wb, rb)
				}
			}
			if len(ins) > 5 && ins[5] != nil {
				in.H0 = pickState(ins[5], d, batchFirst)
			}
			if len(ins) > 6 && ins[6] != nil && cell == "LSTM" {
				in.C0 = pickState(ins[6], d, batchFirst)
			}
			out := tf.RNN(tf.RNNConfig{Cell: cell, Units: hidden, Activation: activations[d], ResetAfter: resetAfter,
				ReturnSequences: true, GoBackwards: backwards}, in)
			y := out.Y // (batch, steps, hidden), in processed order
			if backwards {
				if steps < 0 {
					return nil, fmt.Errorf("a reverse direction needs the sequence length, got X %v", ins[0].Shape())
				}
				rev := make([]int64, steps)
				for i := range rev {
					rev[i] = int64(steps - 1 - i)
				}
				y = tf.Gather(y, tf.Const(c.g, tensor.FromSlice(rev, steps)), 1)
			}
			ys, hs = append(ys, y), append(hs, out.H)
			if out.C != nil {
				cs = append(cs, out.C)
			}
		}
		// Y: (seq, dirs, batch, hidden), or (batch, seq, dirs, hidden)
		// batch-first; Y_h, Y_c: (dirs, batch, hidden), or (batch, dirs,
		// hidden).
		stackY := tf.Stack(2, ys...) // (batch, steps, dirs, hidden)
		if !batchFirst {
			stackY = tf.Transpose(stackY, 1, 2, 0, 3)
		}
		state := func(s []*tf.Tensor) *tf.Tensor {
			if len(s) == 0 {
				return nil
			}
			if batchFirst {
				return tf.Stack(1, s...)
			}
			return tf.Stack(0, s...)
		}
		outs := []*tf.Tensor{stackY, state(hs)}
		if cell == "LSTM" {
			outs = append(outs, state(cs))
		}
		return outs, nil
	}
}

// pick returns direction d of a (dirs, ...) tensor.
func pick(t *tf.Tensor, d int) *tf.Tensor {
	s := t.Shape()
	begin := make([]int, s.Rank())
	size := make([]int, s.Rank())
	for i := range size {
		size[i] = -1
	}
	begin[0], size[0] = d, 1
	return tf.Squeeze(tf.Slice(t, begin, size), 0)
}

// pickState returns direction d of an initial state, (batch, hidden).
func pickState(t *tf.Tensor, d int, batchFirst bool) *tf.Tensor {
	if batchFirst {
		t = tf.Transpose(t, 1, 0, 2)
	}
	return pick(t, d)
}

// reorder takes the gate blocks of the first axis of t in the order given.
func reorder(t *tf.Tensor, gates []int, hidden int) *tf.Tensor {
	if len(gates) == 1 {
		return t
	}
	parts := make([]*tf.Tensor, len(gates))
	for i, gi := range gates {
		begin := make([]int, t.Shape().Rank())
		size := make([]int, t.Shape().Rank())
		for j := range size {
			size[j] = -1
		}
		begin[0], size[0] = gi*hidden, hidden
		parts[i] = tf.Slice(t, begin, size)
	}
	return tf.Concat(0, parts...)
}

// kerasKernel turns one direction's (gates·hidden, in) weights into
// Keras's (in, gates·hidden) kernel.
func kerasKernel(w *tf.Tensor, gates []int, hidden int) *tf.Tensor {
	return tf.Transpose(reorder(w, gates, hidden), 1, 0)
}
