package tf

import (
	"github.com/tensorgo/tensorgo/tensor"
)

// Pad surrounds x with zeros: paddings holds, for every dimension, the
// cells to add before and after ([][2]int{{0, 0}, {1, 2}, ...}), as
// tf.pad with mode "CONSTANT" and value 0. Its gradient is the slice of dy
// that covers x.
func Pad(x *Tensor, paddings [][2]int) *Tensor {
	if len(paddings) != len(x.shape) {
		panic(&ShapeError{Op: "Pad", Type: "Pad", Inputs: []TensorSpec{{x.dtype, x.shape}},
			Msg: "want one (before, after) pair of paddings per dimension"})
	}
	flat := make([]int, 0, 2*len(paddings))
	for _, p := range paddings {
		flat = append(flat, p[0], p[1])
	}
	return apply1("Pad", attrs{flat}, nil, x)
}

func init() {
	RegisterOp(&OpDef{Type: "Pad", Attrs: []AttrDef{{"paddings", AttrInts, nil}},
		Infer: func(op *Operation, in []TensorSpec) []TensorSpec {
			p := op.aInts(0)
			if len(p) != 2*len(in[0].Shape) {
				shapePanic(op, in, "paddings %v: want a (before, after) pair per dimension", p)
			}
			out := in[0].Shape.Clone()
			for d := range out {
				if p[2*d] < 0 || p[2*d+1] < 0 {
					shapePanic(op, in, "paddings %v must not be negative", p)
				}
				if out[d] >= 0 {
					out[d] += p[2*d] + p[2*d+1]
				}
			}
			return []TensorSpec{{in[0].DType, out}}
		},
		Kernel: func(op *Operation, in, out []*tensor.Tensor) error {
			padKernel(out[0], in[0], op.aInts(0))
			return nil
		},
		Grad: g1(func(op *Operation, dy *Tensor) *Tensor {
			x, p := in0(op), op.aInts(0)
			begin, size := make([]int, len(x.shape)), make([]int, len(x.shape))
			for d, n := range x.shape {
				begin[d], size[d] = p[2*d], n
				if n < 0 {
					if p[2*d+1] != 0 {
						panic(opErr("Pad", "the gradient of padding after unknown dimension %d of %v is not supported", d, x.shape))
					}
					size[d] = -1
				}
			}
			return Slice(dy, begin, size)
		}),
	})
}

// padKernel zeroes dst and copies src into it at the paddings' offsets,
// one innermost row at a time.
func padKernel(dst, src *tensor.Tensor, p []int) {
	switch d := dst.Data().(type) {
	case []float32:
		padCopy(d, src.Float32s(), dst.Shape(), src.Shape(), p)
	case []float64:
		padCopy(d, src.Float64s(), dst.Shape(), src.Shape(), p)
	case []int32:
		padCopy(d, tensor.Data[int32](src), dst.Shape(), src.Shape(), p)
	case []int64:
		padCopy(d, tensor.Data[int64](src), dst.Shape(), src.Shape(), p)
	default:
		for i := 0; i < dst.Size(); i++ {
			dst.SetFloat(i, 0)
		}
		ds, ss := dst.Shape(), src.Shape()
		c := make([]int, len(ss))
		for i := 0; i < src.Size(); i++ {
			r := i
			for k := len(ss) - 1; k >= 0; k-- {
				c[k] = r % ss[k]
				r /= ss[k]
			}
			off := 0
			for k := range ds {
				off = off*ds[k] + c[k] + p[2*k]
			}
			dst.SetFloat(off, src.Float(i))
		}
	}
}

func padCopy[T any](dst, src []T, ds, ss tensor.Shape, p []int) {
	clear(dst)
	r := len(ss)
	if r == 0 {
		copy(dst, src)
		return
	}
	row := ss[r-1]
	if row == 0 || len(src) == 0 {
		return
	}
	var buf [8]int
	c := buf[:0]
	if r > len(buf) {
		c = make([]int, r)
	} else {
		c = buf[:r]
	}
	for s := 0; s < len(src); s += row {
		off := 0
		for k := 0; k < r; k++ {
			off = off*ds[k] + c[k] + p[2*k]
		}
		copy(dst[off:off+row], src[s:s+row])
		// the next row's coordinates (all but the last dimension)
		for k := r - 2; k >= 0; k-- {
			c[k]++
			if c[k] < ss[k] {
				break
			}
			c[k] = 0
		}
	}
}
