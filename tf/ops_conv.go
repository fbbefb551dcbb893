package tf

import (
	"fmt"
	"sync"

	"github.com/tensorgo/tensorgo/internal/conv"
	"github.com/tensorgo/tensorgo/tensor"
)

// Convolutions in TensorFlow's layouts: NHWC inputs, HWIO filters
// (height, width, input channels per group, output channels). Padding is
// "VALID" (none) or "SAME" (ceil(in/stride) outputs, the odd extra cell at
// the bottom / right). Conv2D, Conv2DBackpropInput and Conv2DBackpropFilter
// are primitive ops whose gradients are written with each other, so
// gradients of any order work; DepthwiseConv2D, SeparableConv2D,
// Conv2DTranspose and Conv1D are built from them.

// The attribute positions shared by the three convolution ops.
const (
	convStrides = iota
	convPadding
	convDilations
	convSizes // input_sizes / filter_sizes of the backprop ops
)

// ConvOption sets an optional argument of a convolution.
type ConvOption func(*convOpts)

type convOpts struct{ dilations []int }

// Dilations sets the dilation rate (height, width; one value for both).
// The default is 1: no dilation.
func Dilations(d ...int) ConvOption { return func(o *convOpts) { o.dilations = d } }

// convState is a convolution op's scratch, kept with the op so that a
// compiled step does not allocate. Runs of one op from several goroutines
// (Predict) take turns on it.
type convState struct {
	mu  sync.Mutex
	p   conv.Params // the run's geometry (kept here: the kernels hold on to it)
	w32 conv.Workspace[float32]
	w64 conv.Workspace[float64]
	// fwd, on a filter-gradient op, is the state of the forward
	// convolution it differentiates, whose im2col matrix it may reuse
	// (conv.BackwardFilterAfter checks that it matches the input).
	fwd *convState
}

// pair expands a 1- or 2-element list (strides, dilations) to (h, w).
func pair(op, what string, v []int, def int) []int {
	switch len(v) {
	case 0:
		return []int{def, def}
	case 1:
		return []int{v[0], v[0]}
	case 2:
		return []int{v[0], v[1]}
	}
	panic(opErr(op, "%s %v: want 1 or 2 values (height, width)", what, v))
}

func normPadding(op, padding string) string {
	p, err := conv.ParsePadding(padding)
	if err != nil {
		panic(opErr(op, "%v", err))
	}
	return string(p)
}

// Conv2D convolves x (NHWC) with filter (HWIO: kh, kw, in/groups, out):
// tf.nn.conv2d. strides are (height, width) or one value for both; padding
// is "valid" or "same" (any case). The filter's input-channel dimension may
// divide x's channels: the convolution is then grouped (groups = C /
// filter's in).
func Conv2D(x, filter *Tensor, strides []int, padding string, opts ...ConvOption) *Tensor {
	var o convOpts
	for _, f := range opts {
		f(&o)
	}
	a := attrs{pair("Conv2D", "strides", strides, 1), normPadding("Conv2D", padding), pair("Conv2D", "dilations", o.dilations, 1)}
	return applyState("Conv2D", a, &convState{}, x, filter)
}

// conv2DBackpropInput is the gradient of Conv2D with respect to its input
// of shape sizes (NHWC; the batch may be -1: dy's is used).
func conv2DBackpropInput(sizes tensor.Shape, filter, dy *Tensor, a []any) *Tensor {
	return applyState("Conv2DBackpropInput", attrs{a[0], a[1], a[2], sizes.Clone()}, &convState{}, filter, dy)
}

// conv2DBackpropFilter is the gradient of Conv2D with respect to its
// filter of shape sizes (HWIO).
func conv2DBackpropFilter(x *Tensor, sizes tensor.Shape, dy *Tensor, a []any) *Tensor {
	return applyState("Conv2DBackpropFilter", attrs{a[0], a[1], a[2], sizes.Clone()}, &convState{}, x, dy)
}

// convFilterGrad is the filter gradient of the forward convolution fwd (a
// Conv2D or FusedConv2D whose input is x). It reuses the im2col matrix
// that fwd built for x: a control input makes fwd run in every step that
// runs the gradient, before it, even where fwd's output is fed.
func convFilterGrad(fwd *Operation, x *Tensor, sizes tensor.Shape, dy *Tensor, a []any) *Tensor {
	st := &convState{}
	if f, ok := fwd.state.(*convState); ok {
		st.fwd = f
	}
	dw := applyState("Conv2DBackpropFilter", attrs{a[0], a[1], a[2], sizes.Clone()}, st, x, dy)
	if fwd.graph != nil {
		dw.op.AddControlInput(fwd)
	}
	return dw
}

func conv2DWith(x, filter *Tensor, a []any) *Tensor {
	return applyState("Conv2D", attrs{a[0], a[1], a[2]}, &convState{}, x, filter)
}

// applyState builds (graph) or runs (eager) an op whose kernel keeps state.
func applyState(typ string, a attrs, state any, inputs ...*Tensor) *Tensor {
	op := build(mustOp(typ), nil, inputs, a, nil, nil)
	op.state = state
	if op.graph == nil {
		runEager(op)
	}
	return op.outputs[0]
}

func shape4(s tensor.Shape) [4]int { return [4]int{s[0], s[1], s[2], s[3]} }

// convInfer checks the shapes of a convolution of x by w (either may have
// -1 dimensions) and returns the output shape.
func convInfer(op *Operation, in []TensorSpec, x, w tensor.Shape) tensor.Shape {
	if len(x) != 4 || len(w) != 4 {
		shapePanic(op, in, "want an NHWC input of rank 4 and an HWIO filter of rank 4, got input %v and filter %v", x, w)
	}
	st, dil := op.aInts(convStrides), op.aInts(convDilations)
	for i := 0; i < 2; i++ {
		if st[i] < 1 || dil[i] < 1 {
			shapePanic(op, in, "strides %v and dilations %v must be at least 1", st, dil)
		}
	}
	if w[3] == 0 || w[2] == 0 || w[0] == 0 || w[1] == 0 {
		shapePanic(op, in, "filter %v has an empty dimension", w)
	}
	out := tensor.Shape{x[0], -1, -1, w[3]}
	if x[3] >= 0 && w[2] >= 0 {
		if x[3]%w[2] != 0 {
			shapePanic(op, in, "input channels %d (input %v) are not a multiple of the filter's input channels %d (filter %v)", x[3], x, w[2], w)
		}
		if g := x[3] / w[2]; w[3] >= 0 && w[3]%g != 0 {
			shapePanic(op, in, "filter %v: %d output channels are not divisible into %d groups", w, w[3], g)
		}
	}
	pad := conv.Padding(op.aString(convPadding))
	for i := 0; i < 2; i++ {
		if x[1+i] < 0 || w[i] < 0 {
			continue
		}
		o, _, _, err := conv.Window(x[1+i], w[i], st[i], dil[i], pad)
		if err != nil {
			shapePanic(op, in, "%s of input %v and filter %v: %v", [2]string{"height", "width"}[i], x, w, err)
		}
		out[1+i] = o
	}
	return out
}

// convParamsOf sets st.p to the geometry of a convolution of an input x
// by a filter w. The caller holds st.mu.
func convParamsOf(op *Operation, st *convState, x, w [4]int) error {
	s, dil := op.aInts(convStrides), op.aInts(convDilations)
	groups := 1
	if w[2] > 0 {
		groups = x[3] / w[2]
	}
	var err error
	st.p, err = conv.NewParams(x, w, [2]int{s[0], s[1]}, [2]int{dil[0], dil[1]}, conv.Padding(op.aString(convPadding)), groups)
	if err != nil {
		return fmt.Errorf("%s: input %v, filter %v: %w", op.def.Type, x, w, err)
	}
	return nil
}

func convStateOf(op *Operation) *convState {
	if st, ok := op.state.(*convState); ok {
		return st
	}
	return &convState{} // an op built with NewOp: scratch per run
}

// backpropSizes is the input_sizes attribute with the batch taken from dy.
func backpropSizes(op *Operation, batch int) [4]int {
	s := op.aShape(convSizes)
	return [4]int{batch, s[1], s[2], s[3]}
}

func init() {
	convAttrs := []AttrDef{{"strides", AttrInts, []int{1, 1}}, {"padding", AttrString, "VALID"}, {"dilations", AttrInts, []int{1, 1}}}
	floatPair := func(op *Operation, in []TensorSpec) {
		if !in[0].DType.IsFloat() || in[0].DType != in[1].DType {
			dtypePanic(op, in, "want two float tensors of one dtype")
		}
	}
	RegisterOp(&OpDef{Type: "Conv2D", Attrs: convAttrs,
		Infer: func(op *Operation, in []TensorSpec) []TensorSpec {
			floatPair(op, in)
			return []TensorSpec{{in[0].DType, convInfer(op, in, in[0].Shape, in[1].Shape)}}
		},
		Kernel: func(op *Operation, in, out []*tensor.Tensor) error {
			st := convStateOf(op)
			st.mu.Lock()
			defer st.mu.Unlock()
			if err := convParamsOf(op, st, shape4(in[0].Shape()), shape4(in[1].Shape())); err != nil {
				return err
			}
			p := &st.p
			if in[0].DType() == Float32 {
				conv.Forward(p, in[0].Float32s(), in[1].Float32s(), nil, out[0].Float32s(), conv.Linear, &st.w32)
			} else {
				conv.Forward(p, in[0].Float64s(), in[1].Float64s(), nil, out[0].Float64s(), conv.Linear, &st.w64)
			}
			return nil
		},
		Grad: func(op *Operation, dys []*Tensor, need []bool) []*Tensor {
			x, w, dy := in0(op), in1(op), dys[0]
			var dx, dw *Tensor
			if need[0] {
				dx = conv2DBackpropInput(x.shape, w, dy, op.attrVals)
			}
			if need[1] {
				dw = convFilterGrad(op, x, w.shape, dy, op.attrVals)
			}
			return []*Tensor{dx, dw}
		},
	})
	sized := func(name string) []AttrDef {
		return append(append([]AttrDef(nil), convAttrs...), AttrDef{name, AttrShape, nil})
	}
	RegisterOp(&OpDef{Type: "Conv2DBackpropInput", Attrs: sized("input_sizes"),
		Infer: func(op *Operation, in []TensorSpec) []TensorSpec {
			floatPair(op, in)
			s := op.aShape(convSizes)
			if len(s) != 4 || len(in[1].Shape) != 4 {
				shapePanic(op, in, "input_sizes %v and the output gradient must have rank 4", s)
			}
			x := tensor.Shape{in[1].Shape[0], s[1], s[2], s[3]}
			if o := convInfer(op, in, x, in[0].Shape); !o.CompatibleWith(in[1].Shape) {
				shapePanic(op, in, "a convolution of input %v by filter %v gives %v, the output gradient is %v", x, in[0].Shape, o, in[1].Shape)
			}
			return []TensorSpec{{in[0].DType, x}}
		},
		Kernel: func(op *Operation, in, out []*tensor.Tensor) error {
			st := convStateOf(op)
			st.mu.Lock()
			defer st.mu.Unlock()
			if err := convParamsOf(op, st, backpropSizes(op, in[1].Shape()[0]), shape4(in[0].Shape())); err != nil {
				return err
			}
			p := &st.p
			if in[0].DType() == Float32 {
				conv.BackwardInput(p, in[1].Float32s(), in[0].Float32s(), out[0].Float32s(), &st.w32)
			} else {
				conv.BackwardInput(p, in[1].Float64s(), in[0].Float64s(), out[0].Float64s(), &st.w64)
			}
			return nil
		},
		// dx = conv^T(dy, w) is linear in both: <g, dx> = <conv(g, w), dy>.
		Grad: func(op *Operation, dys []*Tensor, need []bool) []*Tensor {
			w, dy, g := in0(op), in1(op), dys[0]
			var dw, ddy *Tensor
			if need[0] {
				dw = conv2DBackpropFilter(g, w.shape, dy, op.attrVals)
			}
			if need[1] {
				ddy = conv2DWith(g, w, op.attrVals)
			}
			return []*Tensor{dw, ddy}
		},
	})
	RegisterOp(&OpDef{Type: "Conv2DBackpropFilter", Attrs: sized("filter_sizes"),
		Infer: func(op *Operation, in []TensorSpec) []TensorSpec {
			floatPair(op, in)
			s := op.aShape(convSizes)
			if len(s) != 4 || !known(s) {
				shapePanic(op, in, "filter_sizes %v must be a known shape of rank 4", s)
			}
			if o := convInfer(op, in, in[0].Shape, s); !o.CompatibleWith(in[1].Shape) {
				shapePanic(op, in, "a convolution of input %v by filter %v gives %v, the output gradient is %v", in[0].Shape, s, o, in[1].Shape)
			}
			return []TensorSpec{{in[0].DType, s.Clone()}}
		},
		Kernel: func(op *Operation, in, out []*tensor.Tensor) error {
			st := convStateOf(op)
			st.mu.Lock()
			defer st.mu.Unlock()
			if err := convParamsOf(op, st, shape4(in[0].Shape()), shape4(out[0].Shape())); err != nil {
				return err
			}
			p := &st.p
			var f32 *conv.Workspace[float32]
			var f64 *conv.Workspace[float64]
			if f := st.fwd; f != nil {
				// The forward op's state, locked after this op's own: the
				// forward never takes this one's, so the order cannot
				// deadlock.
				f.mu.Lock()
				defer f.mu.Unlock()
				f32, f64 = &f.w32, &f.w64
			}
			if in[0].DType() == Float32 {
				conv.BackwardFilterAfter(p, in[0].Float32s(), in[1].Float32s(), out[0].Float32s(), nil, &st.w32, f32)
			} else {
				conv.BackwardFilterAfter(p, in[0].Float64s(), in[1].Float64s(), out[0].Float64s(), nil, &st.w64, f64)
			}
			return nil
		},
		// dw = F(x, dy) is bilinear: <G, F(x, dy)> = <conv(x, G), dy>.
		Grad: func(op *Operation, dys []*Tensor, need []bool) []*Tensor {
			x, dy, g := in0(op), in1(op), dys[0]
			var dx, ddy *Tensor
			if need[0] {
				dx = conv2DBackpropInput(x.shape, g, dy, op.attrVals)
			}
			if need[1] {
				ddy = conv2DWith(x, g, op.attrVals)
			}
			return []*Tensor{dx, ddy}
		},
	})
}
