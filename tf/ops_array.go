package tf

import (
	"fmt"

	"github.com/tensorgo/tensorgo/tensor"
	"github.com/tensorgo/tensorgo/tf/internal/kernels"
)

func init() {
	axisAttr := []AttrDef{{"axis", AttrInt, 0}}
	RegisterOp(&OpDef{Type: "Transpose",
		Attrs: []AttrDef{{"perm", AttrInts, nil}},
		Infer: func(op *Operation, in []TensorSpec) []TensorSpec {
			p := op.aInts(0)
			if !isPerm(p, len(in[0].Shape)) {
				shapePanic(op, in, "perm %v is not a permutation of the %d dimensions", p, len(in[0].Shape))
			}
			s := make(tensor.Shape, len(p))
			for i, j := range p {
				s[i] = in[0].Shape[j]
			}
			return []TensorSpec{{in[0].DType, s}}
		},
		Kernel: func(op *Operation, in, out []*tensor.Tensor) error {
			tensor.TransposeInto(out[0], in[0], op.aInts(0)...)
			return nil
		},
		Grad: g1(func(op *Operation, dy *Tensor) *Tensor {
			inv := make([]int, len(op.aInts(0)))
			for i, j := range op.aInts(0) {
				inv[j] = i
			}
			return Transpose(dy, inv...)
		}),
	})
	RegisterOp(&OpDef{Type: "Concat", Attrs: axisAttr,
		Infer: func(op *Operation, in []TensorSpec) []TensorSpec {
			ax := op.aInt(0)
			s := in[0].Shape.Clone()
			s[ax] = 0
			for _, t := range in {
				if t.DType != in[0].DType || len(t.Shape) != len(s) {
					shapePanic(op, in, "inputs must share dtype and rank (want %v of rank %d)", in[0].DType, len(s))
				}
				for i, d := range t.Shape {
					if i == ax {
						if d < 0 || s[ax] < 0 {
							s[ax] = -1
						} else {
							s[ax] += d
						}
					} else if d >= 0 && s[i] >= 0 && d != s[i] {
						shapePanic(op, in, "dimension %d differs (want equal shapes except along axis %d)", i, ax)
					} else if s[i] < 0 {
						s[i] = d
					}
				}
			}
			return []TensorSpec{{in[0].DType, s}}
		},
		Kernel: func(op *Operation, in, out []*tensor.Tensor) error {
			kernels.Concat(out[0], in, op.aInt(0))
			return nil
		},
		Grad: func(op *Operation, dys []*Tensor, need []bool) []*Tensor {
			r := make([]*Tensor, len(op.inputs))
			for _, x := range op.inputs {
				if x.shape[op.aInt(0)] < 0 {
					// Offsets known only at run time (a None batch axis).
					for i := range r {
						if need[i] {
							ins := append([]*Tensor{dys[0]}, op.inputs...)
							r[i] = apply1("ConcatSlice", attrs{op.aInt(0), i}, nil, ins...)
						}
					}
					return r
				}
			}
			off := 0
			for i, x := range op.inputs {
				d := x.shape[op.aInt(0)]
				if need[i] {
					begin := make([]int, len(x.shape))
					size := make([]int, len(x.shape))
					for k := range size {
						size[k] = -1
					}
					begin[op.aInt(0)], size[op.aInt(0)] = off, d
					r[i] = Slice(dys[0], begin, size)
				}
				off += d
			}
			return r
		},
	})
	// ConcatSlice(dy, x0, x1, ...) is the part of dy that Concat took from
	// x_n (attribute n) along axis, its offset found from the inputs'
	// run-time shapes: Concat's gradient when a size along the axis is
	// unknown while the graph is built.
	RegisterOp(&OpDef{Type: "ConcatSlice", Attrs: []AttrDef{{"axis", AttrInt, 0}, {"n", AttrInt, 0}},
		Infer: func(op *Operation, in []TensorSpec) []TensorSpec {
			return []TensorSpec{{in[0].DType, in[1+op.aInt(1)].Shape}}
		},
		Kernel: func(op *Operation, in, out []*tensor.Tensor) error {
			var buf [16]int
			r := out[0].Rank()
			if r > len(buf) {
				return fmt.Errorf("rank %d is above 16", r)
			}
			begin := buf[:r]
			for _, x := range in[1 : 1+op.aInt(1)] {
				begin[op.aInt(0)] += x.Shape()[op.aInt(0)]
			}
			kernels.SliceCopy(out[0], in[0], begin, false)
			return nil
		},
		Grad: func(op *Operation, dys []*Tensor, need []bool) []*Tensor {
			parts := make([]*Tensor, len(op.inputs)-1)
			for j, x := range op.inputs[1:] {
				parts[j] = ZerosLike(x)
			}
			parts[op.aInt(1)] = dys[0]
			r := make([]*Tensor, len(op.inputs))
			r[0] = Concat(op.aInt(0), parts...)
			return r
		},
	})
	sliceAttrs := []AttrDef{{"begin", AttrInts, nil}, {"size", AttrInts, nil}}
	RegisterOp(&OpDef{Type: "Slice", Attrs: sliceAttrs,
		Infer: func(op *Operation, in []TensorSpec) []TensorSpec {
			b, sz := op.aInts(0), op.aInts(1)
			x := in[0].Shape
			if len(b) != len(x) || len(sz) != len(x) {
				shapePanic(op, in, "begin %v and size %v need one entry per dimension", b, sz)
			}
			s := make(tensor.Shape, len(x))
			for i := range s {
				s[i] = sz[i]
				if sz[i] == -1 {
					s[i] = -1
					if x[i] >= 0 {
						s[i] = x[i] - b[i]
					}
				}
				if b[i] < 0 || (x[i] >= 0 && (s[i] < 0 || b[i]+s[i] > x[i])) {
					shapePanic(op, in, "begin %v size %v is out of bounds", b, sz)
				}
			}
			return []TensorSpec{{in[0].DType, s}}
		},
		Kernel: func(op *Operation, in, out []*tensor.Tensor) error {
			kernels.SliceCopy(out[0], in[0], op.aInts(0), false)
			return nil
		},
		Grad: g1(func(op *Operation, dy *Tensor) *Tensor {
			return apply1("SliceGrad", attrs{op.aInts(0), op.aInts(1)}, nil, dy, in0(op))
		}),
	})
	RegisterOp(&OpDef{Type: "SliceGrad", Attrs: sliceAttrs,
		Infer: func(op *Operation, in []TensorSpec) []TensorSpec { return []TensorSpec{{in[0].DType, in[1].Shape}} },
		Kernel: func(op *Operation, in, out []*tensor.Tensor) error {
			out[0].FillValue(0)
			kernels.SliceCopy(in[0], out[0], op.aInts(0), true)
			return nil
		},
		Grad: func(op *Operation, dys []*Tensor, need []bool) []*Tensor {
			return []*Tensor{Slice(dys[0], op.aInts(0), op.aInts(1)), nil}
		},
	})
	RegisterOp(&OpDef{Type: "Gather", Attrs: axisAttr,
		Infer: func(op *Operation, in []TensorSpec) []TensorSpec {
			x, idx := in[0], in[1]
			if idx.DType != tensor.Int32 && idx.DType != tensor.Int64 {
				dtypePanic(op, in, "indices have dtype %v, want int32 or int64", idx.DType)
			}
			ax := op.aInt(0)
			s := append(append(append(tensor.Shape{}, x.Shape[:ax]...), idx.Shape...), x.Shape[ax+1:]...)
			return []TensorSpec{{x.DType, s}}
		},
		Kernel: func(op *Operation, in, out []*tensor.Tensor) error {
			if err := kernels.CheckIndices(in[1], in[0].Shape()[op.aInt(0)]); err != nil {
				return err
			}
			tensor.GatherInto(out[0], in[0], in[1], op.aInt(0))
			return nil
		},
		Grad: func(op *Operation, dys []*Tensor, need []bool) []*Tensor {
			return []*Tensor{apply1("GatherGrad", attrs{op.aInt(0)}, nil, dys[0], in1(op), in0(op)), nil}
		},
	})
	// GatherGrad(dy, indices, x) scatter-adds dy into zeros shaped like x.
	RegisterOp(&OpDef{Type: "GatherGrad", Attrs: axisAttr,
		Infer: func(op *Operation, in []TensorSpec) []TensorSpec { return []TensorSpec{{in[0].DType, in[2].Shape}} },
		Kernel: func(op *Operation, in, out []*tensor.Tensor) error {
			return kernels.ScatterAdd(out[0], in[0], in[1], op.aInt(0))
		},
		Grad: func(op *Operation, dys []*Tensor, need []bool) []*Tensor {
			return []*Tensor{Gather(dys[0], in1(op), op.aInt(0)), nil, nil}
		},
	})
	argInfer := func(op *Operation, in []TensorSpec) []TensorSpec {
		if !in[0].DType.IsFloat() && !in[0].DType.IsInteger() {
			dtypePanic(op, in, "dtype %v is not supported (want a float or integer dtype)", in[0].DType)
		}
		if in[0].Shape[op.aInt(0)] == 0 {
			shapePanic(op, in, "axis %d is empty (want at least one element)", op.aInt(0))
		}
		s := append(in[0].Shape[:op.aInt(0):op.aInt(0)], in[0].Shape[op.aInt(0)+1:]...)
		return []TensorSpec{{tensor.Int64, s}}
	}
	RegisterOp(&OpDef{Type: "ArgMax", Infer: argInfer, Attrs: axisAttr,
		Kernel: func(op *Operation, in, out []*tensor.Tensor) error {
			tensor.ArgMaxInto(out[0], in[0], op.aInt(0))
			return nil
		},
	})
	RegisterOp(&OpDef{Type: "ArgMin", Infer: argInfer, Attrs: axisAttr,
		Kernel: func(op *Operation, in, out []*tensor.Tensor) error {
			tensor.ArgMinInto(out[0], in[0], op.aInt(0))
			return nil
		},
	})
}

// Transpose permutes x's dimensions (reverses them with no perm).
func Transpose(x *Tensor, perm ...int) *Tensor {
	if len(perm) == 0 {
		for i := len(x.shape) - 1; i >= 0; i-- {
			perm = append(perm, i)
		}
	}
	p := make([]int, len(perm))
	for i, a := range perm {
		p[i] = normAxis("Transpose", a, len(x.shape))
	}
	if !isPerm(p, len(x.shape)) {
		panic(opErr("Transpose", "perm %v is not a permutation of the dimensions of %v", perm, x.shape))
	}
	return apply1("Transpose", attrs{p}, nil, x)
}

// Concat joins xs along axis.
func Concat(axis int, xs ...*Tensor) *Tensor {
	if len(xs) == 0 {
		panic(opErr("Concat", "no inputs"))
	}
	ax := normAxis("Concat", axis, len(xs[0].shape))
	return apply1("Concat", attrs{ax}, nil, xs...)
}

// Stack joins xs along a new axis.
func Stack(axis int, xs ...*Tensor) *Tensor {
	if len(xs) == 0 {
		panic(opErr("Stack", "no inputs"))
	}
	r := len(xs[0].shape) + 1
	axis = normAxis("Stack", axis, r)
	for _, x := range xs[1:] {
		if x.dtype != xs[0].dtype || !x.shape.CompatibleWith(xs[0].shape) {
			panic(opErr("Stack", "inputs must have one dtype and shape, got %v %v and %v %v", xs[0].dtype, xs[0].shape, x.dtype, x.shape))
		}
	}
	e := make([]*Tensor, len(xs))
	for i, x := range xs {
		e[i] = ExpandDims(x, axis)
	}
	return Concat(axis, e...)
}

// Split cuts x along axis into pieces of the given sizes, which must add up
// to the dimension; one size may be -1 (the rest), as in tf.split.
func Split(x *Tensor, axis int, sizes ...int) []*Tensor {
	ax := normAxis("Split", axis, len(x.shape))
	sizes, err := tensor.SplitSizes(x.shape[ax], sizes)
	if err != nil {
		panic(opErr("Split", "%v, but axis %d of %v has %d", err, ax, x.shape, x.shape[ax]))
	}
	var out []*Tensor
	off := 0
	for _, s := range sizes {
		begin := make([]int, len(x.shape))
		size := make([]int, len(x.shape))
		for k := range size {
			size[k] = -1
		}
		begin[ax], size[ax] = off, s
		out = append(out, Slice(x, begin, size))
		off += s
	}
	return out
}

func isPerm(p []int, rank int) bool {
	if len(p) != rank {
		return false
	}
	seen := make([]bool, rank)
	for _, a := range p {
		if a < 0 || a >= rank || seen[a] {
			return false
		}
		seen[a] = true
	}
	return true
}

// Slice returns the block of x at begin with the given size (-1: to the end).
func Slice(x *Tensor, begin, size []int) *Tensor {
	a := attrs{append([]int(nil), begin...), append([]int(nil), size...)}
	return apply1("Slice", a, nil, x)
}

// Gather picks slices of x along axis by integer indices (tf.gather).
func Gather(x, indices *Tensor, axis int) *Tensor {
	ax := normAxis("Gather", axis, len(x.shape))
	return apply1("Gather", attrs{ax}, nil, x, indices)
}

// ArgMax returns the index of the largest element along axis (Int64).
func ArgMax(x *Tensor, axis int) *Tensor {
	return apply1("ArgMax", attrs{normAxis("ArgMax", axis, len(x.shape))}, nil, x)
}

// ArgMin returns the index of the smallest element along axis (Int64).
func ArgMin(x *Tensor, axis int) *Tensor {
	return apply1("ArgMin", attrs{normAxis("ArgMin", axis, len(x.shape))}, nil, x)
}
