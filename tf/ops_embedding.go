package tf

import (
	"github.com/tensorgo/tensorgo/tensor"
	"github.com/tensorgo/tensorgo/tf/internal/kernels"
	"github.com/tensorgo/tensorgo/tf/internal/kernels/ref"
)

func init() {
	RegisterOp(&OpDef{Type: "EmbeddingLookup",
		Infer: func(op *Operation, in []TensorSpec) []TensorSpec {
			p, ids := in[0], in[1]
			if ids.DType != tensor.Int32 && ids.DType != tensor.Int64 {
				dtypePanic(op, in, "ids have dtype %v, want int32 or int64", ids.DType)
			}
			if len(p.Shape) < 1 {
				shapePanic(op, in, "params must have rank >= 1 (a table of rows)")
			}
			return []TensorSpec{{p.DType, append(ids.Shape.Clone(), p.Shape[1:]...)}}
		},
		Kernel: func(op *Operation, in, out []*tensor.Tensor) error {
			return kernels.LookupRows(out[0], in[0], in[1])
		},
		Grad: func(op *Operation, dys []*Tensor, need []bool) []*Tensor {
			return []*Tensor{apply1("EmbeddingLookupGrad", nil, nil, dys[0], in1(op), in0(op)), nil}
		},
	})
	// EmbeddingLookupGrad(dy, ids, params) adds each row of dy into the
	// row of a zero table (params' shape) its id names.
	RegisterOp(&OpDef{Type: "EmbeddingLookupGrad",
		Infer: func(op *Operation, in []TensorSpec) []TensorSpec { return []TensorSpec{{in[0].DType, in[2].Shape}} },
		Kernel: func(op *Operation, in, out []*tensor.Tensor) error {
			return kernels.ScatterAddRows(out[0], in[0], in[1])
		},
		Grad: func(op *Operation, dys []*Tensor, need []bool) []*Tensor {
			return []*Tensor{EmbeddingLookup(dys[0], in1(op)), nil, nil}
		},
	})
	RegisterKernel("EmbeddingLookup", "REF", func(op *Operation, in, out []*tensor.Tensor) error {
		return ref.Gather(out[0], in[0], in[1], 0)
	})
	RegisterKernel("EmbeddingLookupGrad", "REF", func(op *Operation, in, out []*tensor.Tensor) error {
		return ref.ScatterAdd(out[0], in[0], in[1], 0)
	})
}

// EmbeddingLookup returns the rows of the table params picked by the
// integer ids (tf.nn.embedding_lookup, Keras's Embedding): shape ids.shape
// + params.shape[1:]. An id outside [0, len(params)) is an error from the
// kernel naming it (Session.Run returns it; eagerly, a *KernelError panic),
// never a read outside the table. The gradient adds each looked-up row's
// gradient into its row of the table and leaves the other rows zero.
func EmbeddingLookup(params, ids *Tensor) *Tensor {
	if params.Rank() < 1 {
		panic(opErr("EmbeddingLookup", "params %v must have rank >= 1", params.shape))
	}
	return apply1("EmbeddingLookup", nil, nil, params, ids)
}
