package tf

import (
	"github.com/tensorgo/tensorgo/tensor"
)

// FusedMatMul computes activation(MatMul(a, b) + bias) for matrices in one
// pass: the bias and the activation are applied to each block of the
// product as it is finished, while it is still in cache, with the bits of
// the three ops done apart. a and b have rank 2 (opts may transpose them),
// bias is a vector of the result's columns, and activation is "" (linear)
// or "relu". Keras's Dense layers use it (and Relu of a linear FusedMatMul
// folds into it); the gradient is that of the three ops it fuses.
func FusedMatMul(a, b, bias *Tensor, activation string, opts ...MatMulOption) *Tensor {
	var at matmulAttrs
	for _, o := range opts {
		o(&at)
	}
	activation = fusedActivation("FusedMatMul", activation)
	return apply1("FusedMatMul", attrs{at.transA, at.transB, activation}, nil, a, b, bias)
}

const matmulActivation = 2 // FusedMatMul's activation attribute

func init() {
	RegisterOp(&OpDef{Type: "FusedMatMul",
		Attrs: []AttrDef{{"transpose_a", AttrBool, false}, {"transpose_b", AttrBool, false}, {"activation", AttrString, ""}},
		Infer: func(op *Operation, in []TensorSpec) []TensorSpec {
			a, b, bias := in[0], in[1], in[2]
			if a.DType != b.DType || bias.DType != a.DType || !a.DType.IsFloat() {
				dtypePanic(op, in, "want three float tensors of one dtype")
			}
			if len(a.Shape) != 2 || len(b.Shape) != 2 {
				shapePanic(op, in, "a and b must be matrices (rank 2)")
			}
			m, n := matmulDims(op, in)
			if s := bias.Shape; len(s) != 1 || (s[0] >= 0 && n >= 0 && s[0] != n) {
				shapePanic(op, in, "the bias must be a vector of the %d output columns", n)
			}
			return []TensorSpec{{a.DType, tensor.Shape{m, n}}}
		},
		Kernel: func(op *Operation, in, out []*tensor.Tensor) error {
			tensor.MatMulBiasActInto(out[0], in[0], in[1], in[2], op.aBool(0), op.aBool(1), op.aString(matmulActivation) == "Relu")
			return nil
		},
		Grad: func(op *Operation, dys []*Tensor, need []bool) []*Tensor {
			dz := dys[0]
			if op.aString(matmulActivation) == "Relu" {
				dz = reluGrad(dz, out0(op))
			}
			g := matmulGrad(in0(op), in1(op), dz, op.aBool(0), op.aBool(1), need)
			var db *Tensor
			if need[2] {
				db = unbroadcast(dz, op.inputs[2])
			}
			return []*Tensor{g[0], g[1], db}
		},
	})
}
