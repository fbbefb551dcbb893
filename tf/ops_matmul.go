package tf

import (
	"github.com/tensorgo/tensorgo/tensor"
)

// MatMulOption sets MatMul's transposes.
type MatMulOption func(*matmulAttrs)

type matmulAttrs struct{ transA, transB bool }

// TransposeA multiplies by a's transpose.
func TransposeA(b bool) MatMulOption { return func(a *matmulAttrs) { a.transA = b } }

// TransposeB multiplies by b's transpose.
func TransposeB(b bool) MatMulOption { return func(a *matmulAttrs) { a.transB = b } }

// MatMul multiplies the matrices in the last two dimensions of a and b
// (leading batch dimensions broadcast).
func MatMul(a, b *Tensor, opts ...MatMulOption) *Tensor {
	var at matmulAttrs
	for _, o := range opts {
		o(&at)
	}
	return apply1("MatMul", attrs{at.transA, at.transB}, nil, a, b)
}

func matmul(a, b *Tensor, ta, tb bool) *Tensor {
	return apply1("MatMul", attrs{ta, tb}, nil, a, b)
}

func init() {
	RegisterOp(&OpDef{Type: "MatMul",
		Attrs: []AttrDef{{"transpose_a", AttrBool, false}, {"transpose_b", AttrBool, false}},
		Infer: func(op *Operation, in []TensorSpec) []TensorSpec {
			a, b := in[0], in[1]
			if a.DType != b.DType || !a.DType.IsFloat() {
				dtypePanic(op, in, "want two float tensors of one dtype")
			}
			if len(a.Shape) < 2 || len(b.Shape) < 2 {
				shapePanic(op, in, "inputs must have rank >= 2")
			}
			m, n := matmulDims(op, in)
			batch, err := tensor.BroadcastShapes(a.Shape[:len(a.Shape)-2], b.Shape[:len(b.Shape)-2])
			if err != nil {
				shapePanic(op, in, "batch dimensions do not broadcast")
			}
			return []TensorSpec{{a.DType, append(append(tensor.Shape{}, batch...), m, n)}}
		},
		Kernel: func(op *Operation, in, out []*tensor.Tensor) error {
			tensor.MatMulInto(out[0], in[0], in[1], op.aBool(0), op.aBool(1))
			return nil
		},
		Grad: func(op *Operation, dys []*Tensor, need []bool) []*Tensor {
			return matmulGrad(in0(op), in1(op), dys[0], op.aBool(0), op.aBool(1), need)
		},
	})
	RegisterOp(&OpDef{Type: "BiasAdd",
		Infer: func(op *Operation, in []TensorSpec) []TensorSpec {
			x, b := in[0], in[1]
			if x.DType != b.DType || len(b.Shape) != 1 || len(x.Shape) < 1 ||
				(b.Shape[0] >= 0 && x.Shape[len(x.Shape)-1] >= 0 && b.Shape[0] != x.Shape[len(x.Shape)-1]) {
				shapePanic(op, in, "bias must be a vector matching the last dimension")
			}
			return []TensorSpec{x}
		},
		Kernel: func(op *Operation, in, out []*tensor.Tensor) error {
			// float32 goes through tensor's row-broadcast loop (vec.RowsOp,
			// in parallel).
			tensor.BinaryInto(out[0], tensor.OpAdd, in[0], in[1])
			return nil
		},
		Grad: func(op *Operation, dys []*Tensor, need []bool) []*Tensor {
			return []*Tensor{dys[0], unbroadcast(dys[0], in1(op))}
		},
	})
}

// BiasAdd adds the vector b to the last dimension of x.
func BiasAdd(x, b *Tensor) *Tensor { return apply1("BiasAdd", attrs{}, nil, x, b) }

// matmulGrad is MatMul's gradient with respect to a and b (those need
// asks for) given dy, the gradient of a·b.
func matmulGrad(a, b, dy *Tensor, ta, tb bool, need []bool) []*Tensor {
	var da, db *Tensor
	switch {
	case !ta && !tb:
		if need[0] {
			da = matmul(dy, b, false, true)
		}
		if need[1] {
			db = matmul(a, dy, true, false)
		}
	case ta && !tb:
		if need[0] {
			da = matmul(b, dy, false, true)
		}
		if need[1] {
			db = matmul(a, dy, false, false)
		}
	case !ta && tb:
		if need[0] {
			da = matmul(dy, b, false, false)
		}
		if need[1] {
			db = matmul(dy, a, true, false)
		}
	default:
		if need[0] {
			da = matmul(b, dy, true, true)
		}
		if need[1] {
			db = matmul(dy, a, true, true)
		}
	}
	return []*Tensor{unbroadcast(da, a), unbroadcast(db, b)}
}

// matmulDims returns the rows and columns of op's product of in[0] and
// in[1] (their last two dimensions, transposed as attributes 0 and 1 say),
// and panics if the inner dimensions differ.
func matmulDims(op *Operation, in []TensorSpec) (m, n int) {
	a, b := in[0].Shape, in[1].Shape
	m, k := a[len(a)-2], a[len(a)-1]
	if op.aBool(0) {
		m, k = k, m
	}
	k2, n := b[len(b)-2], b[len(b)-1]
	if op.aBool(1) {
		k2, n = n, k2
	}
	if k >= 0 && k2 >= 0 && k != k2 {
		shapePanic(op, in, "inner dimensions %d and %d differ", k, k2)
	}
	return m, n
}
