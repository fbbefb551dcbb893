package tf

import (
	"fmt"
	"sync"

	"github.com/tensorgo/tensorgo/internal/rnn"
	"github.com/tensorgo/tensorgo/tensor"
)

// RNNConfig describes a fused recurrent layer (see RNN) in Keras's terms.
type RNNConfig struct {
	// Cell is "SimpleRNN", "LSTM" or "GRU".
	Cell string
	// Units is the size of the state h (and c).
	Units int
	// Activation is "tanh" (the default when empty), "relu", "linear" or
	// "sigmoid": SimpleRNN's output, LSTM's candidate and cell output,
	// GRU's candidate. The gates use the logistic sigmoid.
	Activation string
	// ResetAfter selects Keras's default GRU variant (reset_after=True)
	// with a (2, 3·units) bias; ignored for other cells.
	ResetAfter bool
	// ReturnSequences returns the outputs of every step (batch, steps,
	// units), else those of the last step (batch, units).
	ReturnSequences bool
	// GoBackwards processes the steps from last to first; the outputs come
	// in processed order, as in Keras.
	GoBackwards bool
	// ZeroOutputForMask makes the output of a masked step zero instead of
	// the previous output.
	ZeroOutputForMask bool
}

// RNNInputs are the tensors of an RNN op. X, Kernel and Recurrent are
// required; Bias, Mask, H0, C0 and RecurrentMask may be nil.
type RNNInputs struct {
	X         *Tensor // (batch, steps, features), float32 or float64
	Kernel    *Tensor // (features, gates·units)
	Recurrent *Tensor // (units, gates·units)
	Bias      *Tensor // (gates·units), or (2, 3·units) for a GRU with ResetAfter
	Mask      *Tensor // (batch, steps) bool, true where a step is kept
	H0, C0    *Tensor // (batch, units) initial states; C0 for LSTM only
	// RecurrentMask is recurrent dropout (Keras's recurrent_dropout):
	// (batch, gates·units) in x's dtype, already scaled (0 or 1/(1−rate)),
	// such as Dropout(OnesLike(...), rate, seed) gives. Block g multiplies
	// h_{t-1} in gate g's recurrent product at every step (see
	// internal/rnn's Input.RecurrentMask). It gets no gradient.
	RecurrentMask *Tensor
	// InputMask is input dropout with one mask per gate: (batch,
	// gates·features) in x's dtype, already scaled; block g multiplies x_t
	// in gate g's input product, as Keras's cells do when recurrent_dropout
	// is set too. (One mask for all gates is X⊙M, no input here.) It gets
	// no gradient.
	InputMask *Tensor
}

// RNNOutputs are an RNN op's results: the outputs Y and the final states H
// and C (C is nil except for LSTM).
type RNNOutputs struct {
	Y, H, C *Tensor
}

// Attribute positions of the RNN and RNNGrad ops.
const (
	rnnAttrCell = iota
	rnnAttrUnits
	rnnAttrActivation
	rnnAttrResetAfter
	rnnAttrReturnSequences
	rnnAttrGoBackwards
	rnnAttrZeroOutput
	rnnAttrHasBias
	rnnAttrHasMask
	rnnAttrHasH0
	rnnAttrHasC0
	rnnAttrHasRecurrentMask
	rnnAttrHasInputMask
)

var rnnAttrs = []AttrDef{
	{"cell", AttrString, nil},
	{"units", AttrInt, nil},
	{"activation", AttrString, "tanh"},
	{"reset_after", AttrBool, true},
	{"return_sequences", AttrBool, false},
	{"go_backwards", AttrBool, false},
	{"zero_output_for_mask", AttrBool, false},
	{"has_bias", AttrBool, true},
	{"has_mask", AttrBool, false},
	{"has_h0", AttrBool, false},
	{"has_c0", AttrBool, false},
	{"has_recurrent_mask", AttrBool, false},
	{"has_input_mask", AttrBool, false},
}

func rnnCellOf(name string) (rnn.Cell, bool) {
	switch name {
	case "SimpleRNN":
		return rnn.SimpleRNN, true
	case "LSTM":
		return rnn.LSTM, true
	case "GRU":
		return rnn.GRU, true
	}
	return 0, false
}

func rnnActivationOf(name string) (rnn.Activation, bool) {
	switch name {
	case "tanh", "":
		return rnn.Tanh, true
	case "relu":
		return rnn.ReLU, true
	case "linear":
		return rnn.Linear, true
	case "sigmoid":
		return rnn.Sigmoid, true
	}
	return 0, false
}

// rnnSpec returns the kernels' Spec of an RNN or RNNGrad op for inputs of
// features features.
func rnnSpec(op *Operation, features int) rnn.Spec {
	cell, _ := rnnCellOf(op.aString(rnnAttrCell))
	act, _ := rnnActivationOf(op.aString(rnnAttrActivation))
	return rnn.Spec{
		Cell: cell, Features: features, Units: op.aInt(rnnAttrUnits), Activation: act,
		UseBias: op.aBool(rnnAttrHasBias), ResetAfter: op.aBool(rnnAttrResetAfter),
		ReturnSequences: op.aBool(rnnAttrReturnSequences), GoBackwards: op.aBool(rnnAttrGoBackwards),
		ZeroOutputForMask: op.aBool(rnnAttrZeroOutput),
	}
}

// rnnSlots says where each optional input of an RNN op sits (-1: absent).
type rnnSlots struct{ bias, mask, h0, c0, rmask, xmask, next int }

func rnnSlotsOf(op *Operation) rnnSlots {
	s := rnnSlots{bias: -1, mask: -1, h0: -1, c0: -1, rmask: -1, xmask: -1, next: 3}
	take := func(has bool) int {
		if !has {
			return -1
		}
		s.next++
		return s.next - 1
	}
	s.bias = take(op.aBool(rnnAttrHasBias))
	s.mask = take(op.aBool(rnnAttrHasMask))
	s.h0 = take(op.aBool(rnnAttrHasH0))
	s.c0 = take(op.aBool(rnnAttrHasC0))
	s.rmask = take(op.aBool(rnnAttrHasRecurrentMask))
	s.xmask = take(op.aBool(rnnAttrHasInputMask))
	return s
}

// rnnInfer checks the inputs of an RNN op (and the leading inputs of an
// RNNGrad op) and returns batch, steps, features, the gates·units width and
// the dtype.
func rnnInfer(op *Operation, in []TensorSpec) (batch, steps, features int, dt tensor.DType) {
	cellName := op.aString(rnnAttrCell)
	cell, ok := rnnCellOf(cellName)
	if !ok {
		shapePanic(op, in, "cell %q is not SimpleRNN, LSTM or GRU", cellName)
	}
	if _, ok := rnnActivationOf(op.aString(rnnAttrActivation)); !ok {
		shapePanic(op, in, "activation %q is not tanh, relu, linear or sigmoid", op.aString(rnnAttrActivation))
	}
	units := op.aInt(rnnAttrUnits)
	if units < 1 {
		shapePanic(op, in, "units must be at least 1, got %d", units)
	}
	x := in[0]
	dt = x.DType
	if dt != tensor.Float32 && dt != tensor.Float64 {
		dtypePanic(op, in, "x has dtype %v, want float32 or float64", dt)
	}
	if len(x.Shape) != 3 {
		shapePanic(op, in, "x has shape %v: want a sequence (batch, steps, features) of rank 3", x.Shape)
	}
	batch, steps, features = x.Shape[0], x.Shape[1], x.Shape[2]
	if features < 1 {
		shapePanic(op, in, "x has shape %v: the features dimension must be known", x.Shape)
	}
	w := cell.Gates() * units
	want := func(i int, what string, shape ...int) {
		s := in[i]
		if s.DType != dt && what != "mask" {
			dtypePanic(op, in, "%s has dtype %v, want %v as x", what, s.DType, dt)
		}
		if !rnnShapeFits(s.Shape, shape) {
			shapePanic(op, in, "%s has shape %v, want %v (%s with %d units on %d features)", what, s.Shape, tensor.Shape(shape), cellName, units, features)
		}
	}
	want(1, "kernel", features, w)
	want(2, "recurrent kernel", units, w)
	sl := rnnSlotsOf(op)
	if sl.next > len(in) {
		shapePanic(op, in, "has %d inputs, want at least %d", len(in), sl.next)
	}
	if sl.bias >= 0 {
		if cell == rnn.GRU && op.aBool(rnnAttrResetAfter) {
			want(sl.bias, "bias", 2, w)
		} else {
			want(sl.bias, "bias", w)
		}
	}
	if sl.mask >= 0 {
		m := in[sl.mask]
		if m.DType != tensor.Bool {
			dtypePanic(op, in, "mask has dtype %v, want bool", m.DType)
		}
		want(sl.mask, "mask", batch, steps)
	}
	if sl.h0 >= 0 {
		want(sl.h0, "initial state h", batch, units)
	}
	if sl.c0 >= 0 {
		if cell != rnn.LSTM {
			shapePanic(op, in, "%s has no cell state but was given an initial c", cellName)
		}
		want(sl.c0, "initial state c", batch, units)
	}
	if sl.rmask >= 0 {
		want(sl.rmask, "recurrent dropout mask", batch, w)
	}
	if sl.xmask >= 0 {
		want(sl.xmask, "input dropout mask", batch, cell.Gates()*features)
	}
	return batch, steps, features, dt
}

// rnnShapeFits reports whether shape s can be want (-1 in either matches
// any size).
func rnnShapeFits(s tensor.Shape, want []int) bool {
	if len(s) != len(want) {
		return false
	}
	for i, d := range s {
		if d >= 0 && want[i] >= 0 && d != want[i] {
			return false
		}
	}
	return true
}

// rnnReserveWidth is the reserve's length per (sample, step).
func rnnReserveWidth(op *Operation, features int) int {
	return rnnSpec(op, features).ReserveLen(1, 1)
}

// rnnPool hands out the fused kernels of one op: each concurrent run takes
// its own, and a kernel keeps its scratch buffers between runs, so a
// steady-state run allocates nothing.
type rnnPool struct {
	mu   sync.Mutex
	spec rnn.Spec
	k32  []*rnn.Kernel[float32]
	k64  []*rnn.Kernel[float64]
}

func getKernel[T rnn.Float](p *rnnPool, list *[]*rnn.Kernel[T]) *rnn.Kernel[T] {
	p.mu.Lock()
	defer p.mu.Unlock()
	if n := len(*list); n > 0 {
		k := (*list)[n-1]
		*list = (*list)[:n-1]
		return k
	}
	return rnn.New[T](p.spec)
}

func putKernel[T rnn.Float](p *rnnPool, list *[]*rnn.Kernel[T], k *rnn.Kernel[T]) {
	p.mu.Lock()
	*list = append(*list, k)
	p.mu.Unlock()
}

func init() {
	RegisterOp(&OpDef{Type: "RNN", Attrs: rnnAttrs,
		Infer: func(op *Operation, in []TensorSpec) []TensorSpec {
			batch, steps, features, dt := rnnInfer(op, in)
			if n := rnnSlotsOf(op).next; len(in) != n {
				shapePanic(op, in, "has %d inputs, want %d", len(in), n)
			}
			u := op.aInt(rnnAttrUnits)
			y := tensor.Shape{batch, u}
			if op.aBool(rnnAttrReturnSequences) {
				y = tensor.Shape{batch, steps, u}
			}
			out := []TensorSpec{{dt, y}, {dt, tensor.Shape{batch, u}}}
			if op.aString(rnnAttrCell) == "LSTM" {
				out = append(out, TensorSpec{dt, tensor.Shape{batch, u}})
			}
			return append(out, TensorSpec{dt, tensor.Shape{batch, steps, rnnReserveWidth(op, features)}})
		},
		Kernel: rnnForwardKernel,
		Grad:   rnnGrad,
	})
	RegisterOp(&OpDef{Type: "RNNGrad", Attrs: rnnAttrs,
		Infer: func(op *Operation, in []TensorSpec) []TensorSpec {
			_, _, _, dt := rnnInfer(op, in)
			sl := rnnSlotsOf(op)
			n := sl.next + 3 // reserve, dy, dh
			lstm := op.aString(rnnAttrCell) == "LSTM"
			if lstm {
				n++ // dc
			}
			if len(in) != n {
				shapePanic(op, in, "has %d inputs, want %d", len(in), n)
			}
			out := []TensorSpec{{dt, in[0].Shape}, {dt, in[1].Shape}, {dt, in[2].Shape}}
			if sl.bias >= 0 {
				out = append(out, TensorSpec{dt, in[sl.bias].Shape})
			}
			if sl.h0 >= 0 {
				out = append(out, TensorSpec{dt, in[sl.h0].Shape})
			}
			if sl.c0 >= 0 {
				out = append(out, TensorSpec{dt, in[sl.c0].Shape})
			}
			return out
		},
		Kernel: rnnBackwardKernel,
	})
}

// rnnInputOf gathers the kernels' Input from an op's input values.
func rnnInputOf[T rnn.Float](sl rnnSlots, in []*tensor.Tensor) (rnn.Weights[T], rnn.Input[T]) {
	x := in[0]
	w := rnn.Weights[T]{Kernel: tensor.Data[T](in[1]), Recurrent: tensor.Data[T](in[2])}
	if sl.bias >= 0 {
		w.Bias = tensor.Data[T](in[sl.bias])
	}
	inp := rnn.Input[T]{Batch: x.Shape()[0], Steps: x.Shape()[1], X: tensor.Data[T](x)}
	if sl.mask >= 0 {
		inp.Mask = in[sl.mask].Bools()
	}
	if sl.h0 >= 0 {
		inp.H0 = tensor.Data[T](in[sl.h0])
	}
	if sl.c0 >= 0 {
		inp.C0 = tensor.Data[T](in[sl.c0])
	}
	if sl.rmask >= 0 {
		inp.RecurrentMask = tensor.Data[T](in[sl.rmask])
	}
	if sl.xmask >= 0 {
		inp.InputMask = tensor.Data[T](in[sl.xmask])
	}
	return w, inp
}

func rnnSteps(op *Operation, x *tensor.Tensor) error {
	if x.Shape()[1] < 1 {
		return fmt.Errorf("%s: x has shape %v: a sequence needs at least one step", op.aString(rnnAttrCell), x.Shape())
	}
	return nil
}

func rnnForwardKernel(op *Operation, in, out []*tensor.Tensor) error {
	if err := rnnSteps(op, in[0]); err != nil {
		return err
	}
	p := op.state.(*rnnPool)
	sl := rnnSlotsOf(op)
	if in[0].DType() == tensor.Float32 {
		rnnForward(p, &p.k32, sl, in, out)
	} else {
		rnnForward(p, &p.k64, sl, in, out)
	}
	return nil
}

func rnnForward[T rnn.Float](p *rnnPool, list *[]*rnn.Kernel[T], sl rnnSlots, in, out []*tensor.Tensor) {
	k := getKernel(p, list)
	defer putKernel(p, list, k)
	w, inp := rnnInputOf[T](sl, in)
	o := rnn.Output[T]{Y: tensor.Data[T](out[0]), H: tensor.Data[T](out[1])}
	if p.spec.Cell == rnn.LSTM {
		o.C = tensor.Data[T](out[2])
	}
	k.Forward(w, inp, tensor.Data[T](out[len(out)-1]), o)
}

func rnnBackwardKernel(op *Operation, in, out []*tensor.Tensor) error {
	if err := rnnSteps(op, in[0]); err != nil {
		return err
	}
	p := op.state.(*rnnPool)
	sl := rnnSlotsOf(op)
	if in[0].DType() == tensor.Float32 {
		rnnBackward(p, &p.k32, sl, in, out)
	} else {
		rnnBackward(p, &p.k64, sl, in, out)
	}
	return nil
}

func rnnBackward[T rnn.Float](p *rnnPool, list *[]*rnn.Kernel[T], sl rnnSlots, in, out []*tensor.Tensor) {
	k := getKernel(p, list)
	defer putKernel(p, list, k)
	w, inp := rnnInputOf[T](sl, in)
	r := sl.next
	d := rnn.Output[T]{Y: tensor.Data[T](in[r+1]), H: tensor.Data[T](in[r+2])}
	if p.spec.Cell == rnn.LSTM {
		d.C = tensor.Data[T](in[r+3])
	}
	g := rnn.Grads[T]{X: tensor.Data[T](out[0]), Kernel: tensor.Data[T](out[1]), Recurrent: tensor.Data[T](out[2])}
	i := 3
	if sl.bias >= 0 {
		g.Bias = tensor.Data[T](out[i])
		i++
	}
	if sl.h0 >= 0 {
		g.H0 = tensor.Data[T](out[i])
		i++
	}
	if sl.c0 >= 0 {
		g.C0 = tensor.Data[T](out[i])
	}
	k.Backward(w, inp, tensor.Data[T](in[r]), d, g)
}

// rnnGrad builds the RNNGrad op of an RNN op: gradients for x, the weights
// and the initial states (none for the masks).
func rnnGrad(op *Operation, dys []*Tensor, need []bool) []*Tensor {
	sl := rnnSlotsOf(op)
	lstm := op.aString(rnnAttrCell) == "LSTM"
	nOut := 2
	if lstm {
		nOut = 3
	}
	ins := append([]*Tensor(nil), op.inputs...)
	ins = append(ins, op.outputs[len(op.outputs)-1]) // the reserve
	for i := 0; i < nOut; i++ {
		d := dys[i]
		if d == nil {
			d = ZerosLike(op.outputs[i])
		}
		ins = append(ins, d)
	}
	g := buildRNNOp("RNNGrad", op.attrVals, ins, op.inputs[0].Shape()[2], nil)
	outs := g.outputs
	grads := make([]*Tensor, len(op.inputs))
	grads[0], grads[1], grads[2] = outs[0], outs[1], outs[2]
	i := 3
	if sl.bias >= 0 {
		grads[sl.bias] = outs[i]
		i++
	}
	if sl.h0 >= 0 {
		grads[sl.h0] = outs[i]
		i++
	}
	if sl.c0 >= 0 {
		grads[sl.c0] = outs[i]
	}
	return grads
}

// buildRNNOp builds (graph) or runs (eager) an RNN or RNNGrad op with the
// attribute values a and its own pool of fused kernels.
func buildRNNOp(typ string, a attrs, ins []*Tensor, features int, opts []Option) *Operation {
	op := build(mustOp(typ), nil, ins, a, nil, opts)
	op.state = &rnnPool{spec: rnnSpec(op, features)}
	if op.graph == nil {
		runEager(op)
	}
	return op
}

// RNN runs a recurrent layer over whole sequences with one fused op per
// direction of time (Keras's SimpleRNN, LSTM and GRU layers; TensorFlow's
// CudnnRNN). The weights are in Keras's layouts, so Keras weights load as
// they are: kernel (features, gates·units), recurrent kernel (units,
// gates·units), bias (gates·units) or (2, 3·units) for a GRU with
// ResetAfter; gates in Keras's order, LSTM i, f, c, o and GRU z, r, h.
//
// The op's gradient (BPTT) flows to x, the weights and the initial states;
// the masks get none. With a RecurrentMask the op is a training step's:
// the Dropout op that makes the mask carries the seed, so runs repeat. Shapes that do not fit panic with a *ShapeError naming
// the op, the shapes and what was expected; a sequence of no steps is an
// error of the run.
func RNN(cfg RNNConfig, in RNNInputs, opts ...Option) RNNOutputs {
	if in.X == nil || in.Kernel == nil || in.Recurrent == nil {
		panic(opErr("RNN", "%s needs x, a kernel and a recurrent kernel", cfg.Cell))
	}
	if in.X.Rank() != 3 || in.X.Shape()[2] < 1 {
		panic(opErr("RNN", "%s: x has shape %v: want a sequence (batch, steps, features) of rank 3 with known features", cfg.Cell, in.X.Shape()))
	}
	act := cfg.Activation
	if act == "" {
		act = "tanh"
	}
	a := attrs{cfg.Cell, cfg.Units, act, cfg.ResetAfter, cfg.ReturnSequences, cfg.GoBackwards, cfg.ZeroOutputForMask,
		in.Bias != nil, in.Mask != nil, in.H0 != nil, in.C0 != nil, in.RecurrentMask != nil, in.InputMask != nil}
	ins := []*Tensor{in.X, in.Kernel, in.Recurrent}
	for _, t := range []*Tensor{in.Bias, in.Mask, in.H0, in.C0, in.RecurrentMask, in.InputMask} {
		if t != nil {
			ins = append(ins, t)
		}
	}
	op := buildRNNOp("RNN", a, ins, in.X.Shape()[2], opts)
	out := RNNOutputs{Y: op.outputs[0], H: op.outputs[1]}
	if cfg.Cell == "LSTM" {
		out.C = op.outputs[2]
	}
	return out
}
