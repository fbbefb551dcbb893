package tf

import (
	"fmt"

	"github.com/tensorgo/tensorgo/tensor"
	"github.com/tensorgo/tensorgo/tf/internal/kernels"
	"github.com/tensorgo/tensorgo/tf/internal/kernels/ref"
)

// StridedSlice's attributes, in their declared order.
const (
	ssBegin = iota
	ssEnd
	ssStrides
	ssBeginMask
	ssEndMask
	ssShrinkMask
)

var stridedAttrs = []AttrDef{{"begin", AttrInts, nil}, {"end", AttrInts, nil}, {"strides", AttrInts, nil},
	{"begin_mask", AttrInt, 0}, {"end_mask", AttrInt, 0}, {"shrink_axis_mask", AttrInt, 0}}

// resolveStride turns one dimension's begin, end and stride (Python slice
// semantics: negative positions count from the end, out-of-range ones are
// clamped, a set mask bit means "from the start" / "to the end" in the
// stride's direction) into the first position and the number of elements.
func resolveStride(n, b, e, s int, fullBegin, fullEnd bool) (start, length int) {
	if s > 0 {
		switch {
		case fullBegin:
			b = 0
		case b < 0:
			b = max(b+n, 0)
		default:
			b = min(b, n)
		}
		switch {
		case fullEnd:
			e = n
		case e < 0:
			e = max(e+n, 0)
		default:
			e = min(e, n)
		}
		if e <= b {
			return b, 0
		}
		return b, (e - b + s - 1) / s
	}
	switch {
	case fullBegin:
		b = n - 1
	case b < 0:
		b = max(b+n, -1)
	default:
		b = min(b, n-1)
	}
	switch {
	case fullEnd:
		e = -1
	case e < 0:
		e = max(e+n, -1)
	default:
		e = min(e, n-1)
	}
	if b <= e {
		return b, 0
	}
	return b, (b - e - s - 1) / -s
}

// shrinkIndex resolves the position a shrunk dimension of size n keeps
// (begin, counting from the end when negative), or reports false when it
// is outside the dimension.
func shrinkIndex(n, b int) (int, bool) {
	if b < 0 {
		b += n
	}
	return b, b >= 0 && b < n
}

// stridedPlan resolves the op's slice against a concrete input shape into
// the first position, element count and stride of every dimension
// (dimensions past the given ones are whole; a shrunk one keeps one
// element). A shrunk position outside its dimension is an error.
func stridedPlan(op *Operation, shape []int, starts, lengths, strides []int) error {
	b, e, s := op.aInts(ssBegin), op.aInts(ssEnd), op.aInts(ssStrides)
	bm, em, sm := op.aInt(ssBeginMask), op.aInt(ssEndMask), op.aInt(ssShrinkMask)
	for d, n := range shape {
		switch {
		case d >= len(b):
			starts[d], lengths[d], strides[d] = 0, n, 1
		case sm&(1<<d) != 0:
			k, ok := shrinkIndex(n, b[d])
			if !ok {
				return fmt.Errorf("index %d of dimension %d is out of range for size %d", b[d], d, n)
			}
			starts[d], lengths[d], strides[d] = k, 1, 1
		default:
			strides[d] = s[d]
			starts[d], lengths[d] = resolveStride(n, b[d], e[d], s[d], bm&(1<<d) != 0, em&(1<<d) != 0)
		}
	}
	return nil
}

func init() {
	RegisterOp(&OpDef{Type: "StridedSlice", Attrs: stridedAttrs,
		Infer: func(op *Operation, in []TensorSpec) []TensorSpec {
			b, e, s := op.aInts(ssBegin), op.aInts(ssEnd), op.aInts(ssStrides)
			x := in[0].Shape
			if len(b) != len(e) || len(b) != len(s) || len(b) > len(x) {
				shapePanic(op, in, "begin %v, end %v and strides %v need one entry each per sliced dimension (at most %d)", b, e, s, len(x))
			}
			out := make(tensor.Shape, 0, len(x))
			sm := op.aInt(ssShrinkMask)
			for d, n := range x {
				if d < len(s) && s[d] == 0 {
					shapePanic(op, in, "stride %d of dimension %d is 0", s[d], d)
				}
				switch {
				case d >= len(b):
					out = append(out, n)
				case sm&(1<<d) != 0:
					if _, ok := shrinkIndex(n, b[d]); n >= 0 && !ok {
						shapePanic(op, in, "index %d of dimension %d is out of range for size %d", b[d], d, n)
					}
				case n < 0:
					out = append(out, -1)
				default:
					_, l := resolveStride(n, b[d], e[d], s[d], op.aInt(ssBeginMask)&(1<<d) != 0, op.aInt(ssEndMask)&(1<<d) != 0)
					out = append(out, l)
				}
			}
			return []TensorSpec{{in[0].DType, out}}
		},
		Kernel: func(op *Operation, in, out []*tensor.Tensor) error {
			var buf [48]int
			r := in[0].Rank()
			if r > 16 {
				return fmt.Errorf("rank %d is above 16", r)
			}
			st, ln, sd := buf[:r], buf[16:16+r], buf[32:32+r]
			if err := stridedPlan(op, in[0].Shape(), st, ln, sd); err != nil {
				return err
			}
			kernels.StridedCopy(out[0], in[0], st, sd, ln, false)
			return nil
		},
		Grad: g1(func(op *Operation, dy *Tensor) *Tensor {
			return apply1("StridedSliceGrad", attrs(op.attrVals), nil, dy, in0(op))
		}),
	})
	// StridedSliceGrad(dy, x) puts dy back where StridedSlice took it from
	// x, zeros elsewhere.
	RegisterOp(&OpDef{Type: "StridedSliceGrad", Attrs: stridedAttrs,
		Infer: func(op *Operation, in []TensorSpec) []TensorSpec { return []TensorSpec{{in[0].DType, in[1].Shape}} },
		Kernel: func(op *Operation, in, out []*tensor.Tensor) error {
			var buf [48]int
			r := out[0].Rank()
			if r > 16 {
				return fmt.Errorf("rank %d is above 16", r)
			}
			st, ln, sd := buf[:r], buf[16:16+r], buf[32:32+r]
			if err := stridedPlan(op, out[0].Shape(), st, ln, sd); err != nil {
				return err
			}
			out[0].FillValue(0)
			kernels.StridedCopy(in[0], out[0], st, sd, ln, true)
			return nil
		},
		Grad: func(op *Operation, dys []*Tensor, need []bool) []*Tensor {
			return []*Tensor{apply1("StridedSlice", attrs(op.attrVals), nil, dys[0]), nil}
		},
	})
	refStrided := func(op *Operation, small, big *tensor.Tensor, scatter bool) error {
		r := big.Rank()
		st, ln, sd := make([]int, r), make([]int, r), make([]int, r)
		if err := stridedPlan(op, big.Shape(), st, ln, sd); err != nil {
			return err
		}
		if scatter {
			ref.Fill(big, 0)
		}
		ref.Strided(small, big, st, sd, ln, scatter)
		return nil
	}
	RegisterKernel("StridedSlice", "REF", func(op *Operation, in, out []*tensor.Tensor) error {
		return refStrided(op, out[0], in[0], false)
	})
	RegisterKernel("StridedSliceGrad", "REF", func(op *Operation, in, out []*tensor.Tensor) error {
		return refStrided(op, in[0], out[0], true)
	})
}

// StridedSlice returns x[begin:end:strides] with Python's slice semantics
// per dimension (tf.strided_slice): negative positions count from the end,
// out-of-range ones are clamped, negative strides walk backwards, and
// dimensions past len(begin) are kept whole. begin, end and strides have one
// entry per sliced dimension; strides must not be 0. Options set TF's
// begin_mask, end_mask and shrink_axis_mask.
func StridedSlice(x *Tensor, begin, end, strides []int, opts ...StridedSliceOption) *Tensor {
	var c stridedConfig
	for _, o := range opts {
		o(&c)
	}
	return apply1("StridedSlice", attrs{append([]int(nil), begin...), append([]int(nil), end...), append([]int(nil), strides...), c.beginMask, c.endMask, c.shrinkMask}, nil, x)
}

// StridedSliceOption sets StridedSlice's masks.
type StridedSliceOption func(*stridedConfig)

type stridedConfig struct{ beginMask, endMask, shrinkMask int }

// ShrinkAxisMask takes, for every set bit i, the single element at begin[i]
// of dimension i and drops the dimension, as Python's x[i] indexing does
// (end[i] and strides[i] are then ignored). An index outside the dimension
// panics while building when the size is known, and is the kernel's error
// at run time otherwise.
func ShrinkAxisMask(mask int) StridedSliceOption {
	return func(c *stridedConfig) { c.shrinkMask = mask }
}

// BeginMask ignores begin[i] for every set bit i, slicing from the start of
// the dimension in the stride's direction (Python's omitted start).
func BeginMask(mask int) StridedSliceOption { return func(c *stridedConfig) { c.beginMask = mask } }

// EndMask ignores end[i] for every set bit i, slicing to the end of the
// dimension in the stride's direction (Python's omitted stop).
func EndMask(mask int) StridedSliceOption { return func(c *stridedConfig) { c.endMask = mask } }
