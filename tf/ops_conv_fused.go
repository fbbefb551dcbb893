package tf

import (
	"github.com/tensorgo/tensorgo/internal/conv"
	"github.com/tensorgo/tensorgo/tensor"
)

// FusedConv2D computes activation(Conv2D(x, filter) + bias) in one pass
// over the output (the bias and the activation are applied as each block
// of the output is written): activation is "" (linear) or "relu". Keras's
// Conv2D layers use it; the gradient is that of the three ops it fuses.
func FusedConv2D(x, filter, bias *Tensor, strides []int, padding, activation string, opts ...ConvOption) *Tensor {
	var o convOpts
	for _, f := range opts {
		f(&o)
	}
	activation = fusedActivation("FusedConv2D", activation)
	a := attrs{pair("FusedConv2D", "strides", strides, 1), normPadding("FusedConv2D", padding),
		pair("FusedConv2D", "dilations", o.dilations, 1), activation}
	return applyState("FusedConv2D", a, &convState{}, x, filter, bias)
}

const convActivation = 3 // FusedConv2D's activation attribute

// activationOf is the fused activation an op's string attribute i names
// ("" or "Relu", as FusedConv2D and FusedBatchNormInference take it).
func activationOf(op *Operation, i int) conv.Activation {
	if op.aString(i) == "Relu" {
		return conv.Relu
	}
	return conv.Linear
}

func init() {
	RegisterOp(&OpDef{Type: "FusedConv2D",
		Attrs: []AttrDef{{"strides", AttrInts, []int{1, 1}}, {"padding", AttrString, "VALID"},
			{"dilations", AttrInts, []int{1, 1}}, {"activation", AttrString, ""}},
		Infer: func(op *Operation, in []TensorSpec) []TensorSpec {
			for _, s := range in {
				if !s.DType.IsFloat() || s.DType != in[0].DType {
					dtypePanic(op, in, "want float tensors of one dtype")
				}
			}
			out := convInfer(op, in, in[0].Shape, in[1].Shape)
			if b := in[2].Shape; len(b) != 1 || (b[0] >= 0 && out[3] >= 0 && b[0] != out[3]) {
				shapePanic(op, in, "the bias must be a vector of the %d output channels", out[3])
			}
			return []TensorSpec{{in[0].DType, out}}
		},
		Kernel: func(op *Operation, in, out []*tensor.Tensor) error {
			st := convStateOf(op)
			st.mu.Lock()
			defer st.mu.Unlock()
			if err := convParamsOf(op, st, shape4(in[0].Shape()), shape4(in[1].Shape())); err != nil {
				return err
			}
			act := activationOf(op, convActivation)
			if in[0].DType() == Float32 {
				conv.Forward(&st.p, in[0].Float32s(), in[1].Float32s(), in[2].Float32s(), out[0].Float32s(), act, &st.w32)
			} else {
				conv.Forward(&st.p, in[0].Float64s(), in[1].Float64s(), in[2].Float64s(), out[0].Float64s(), act, &st.w64)
			}
			return nil
		},
		Grad: func(op *Operation, dys []*Tensor, need []bool) []*Tensor {
			x, w, b, dz := op.inputs[0], op.inputs[1], op.inputs[2], dys[0]
			if op.aString(convActivation) == "Relu" {
				dz = reluGrad(dz, out0(op))
			}
			a := op.attrVals[:3]
			out := make([]*Tensor, 3)
			if need[0] {
				out[0] = conv2DBackpropInput(x.shape, w, dz, a)
			}
			if need[1] {
				out[1] = convFilterGrad(op, x, w.shape, dz, a)
			}
			if need[2] {
				out[2] = unbroadcast(dz, b)
			}
			return out
		},
	})
}
