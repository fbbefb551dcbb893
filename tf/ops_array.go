package tf

import (
	"fmt"

	"github.com/tensorgo/tensorgo/tensor"
)

func init() {
	RegisterOp(&OpDef{Type: "Transpose",
		Infer: func(op *Operation, in []TensorSpec) []TensorSpec {
			p := op.a.ints
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
			tensor.TransposeInto(out[0], in[0], op.a.ints...)
			return nil
		},
		Grad: g1(func(op *Operation, dy *Tensor) *Tensor {
			inv := make([]int, len(op.a.ints))
			for i, j := range op.a.ints {
				inv[j] = i
			}
			return Transpose(dy, inv...)
		}),
	})
	RegisterOp(&OpDef{Type: "Concat",
		Infer: func(op *Operation, in []TensorSpec) []TensorSpec {
			ax := op.a.axis
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
			concatInto(out[0], in, op.a.axis)
			return nil
		},
		Grad: func(op *Operation, dys []*Tensor, need []bool) []*Tensor {
			r := make([]*Tensor, len(op.inputs))
			for _, x := range op.inputs {
				if x.shape[op.a.axis] < 0 {
					// Offsets known only at run time (a None batch axis).
					for i := range r {
						if need[i] {
							ins := append([]*Tensor{dys[0]}, op.inputs...)
							r[i] = apply1("ConcatSlice", attrs{axis: op.a.axis, n: i, set: hasAxis}, nil, ins...)
						}
					}
					return r
				}
			}
			off := 0
			for i, x := range op.inputs {
				d := x.shape[op.a.axis]
				if need[i] {
					begin := make([]int, len(x.shape))
					size := make([]int, len(x.shape))
					for k := range size {
						size[k] = -1
					}
					begin[op.a.axis], size[op.a.axis] = off, d
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
	RegisterOp(&OpDef{Type: "ConcatSlice",
		Infer: func(op *Operation, in []TensorSpec) []TensorSpec {
			return []TensorSpec{{in[0].DType, in[1+op.a.n].Shape}}
		},
		Kernel: func(op *Operation, in, out []*tensor.Tensor) error {
			var buf [16]int
			r := out[0].Rank()
			if r > len(buf) {
				return fmt.Errorf("rank %d is above 16", r)
			}
			begin := buf[:r]
			for _, x := range in[1 : 1+op.a.n] {
				begin[op.a.axis] += x.Shape()[op.a.axis]
			}
			sliceCopy(out[0], in[0], begin, false)
			return nil
		},
		Grad: func(op *Operation, dys []*Tensor, need []bool) []*Tensor {
			parts := make([]*Tensor, len(op.inputs)-1)
			for j, x := range op.inputs[1:] {
				parts[j] = ZerosLike(x)
			}
			parts[op.a.n] = dys[0]
			r := make([]*Tensor, len(op.inputs))
			r[0] = Concat(op.a.axis, parts...)
			return r
		},
	})
	RegisterOp(&OpDef{Type: "Slice",
		Infer: func(op *Operation, in []TensorSpec) []TensorSpec {
			b, sz := op.a.ints, op.a.ints2
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
			sliceCopy(out[0], in[0], op.a.ints, false)
			return nil
		},
		Grad: g1(func(op *Operation, dy *Tensor) *Tensor {
			return apply1("SliceGrad", attrs{ints: op.a.ints, ints2: op.a.ints2, set: hasBeginSize}, nil, dy, in0(op))
		}),
	})
	RegisterOp(&OpDef{Type: "SliceGrad",
		Infer: func(op *Operation, in []TensorSpec) []TensorSpec { return []TensorSpec{{in[0].DType, in[1].Shape}} },
		Kernel: func(op *Operation, in, out []*tensor.Tensor) error {
			out[0].FillValue(0)
			sliceCopy(in[0], out[0], op.a.ints, true)
			return nil
		},
		Grad: func(op *Operation, dys []*Tensor, need []bool) []*Tensor {
			return []*Tensor{Slice(dys[0], op.a.ints, op.a.ints2), nil}
		},
	})
	RegisterOp(&OpDef{Type: "Gather",
		Infer: func(op *Operation, in []TensorSpec) []TensorSpec {
			x, idx := in[0], in[1]
			if idx.DType != tensor.Int32 && idx.DType != tensor.Int64 {
				shapePanic(op, in, "indices have dtype %v, want int32 or int64", idx.DType)
			}
			ax := op.a.axis
			s := append(append(append(tensor.Shape{}, x.Shape[:ax]...), idx.Shape...), x.Shape[ax+1:]...)
			return []TensorSpec{{x.DType, s}}
		},
		Kernel: func(op *Operation, in, out []*tensor.Tensor) error {
			tensor.GatherInto(out[0], in[0], in[1], op.a.axis)
			return nil
		},
		Grad: func(op *Operation, dys []*Tensor, need []bool) []*Tensor {
			return []*Tensor{apply1("GatherGrad", attrs{axis: op.a.axis, set: hasAxis}, nil, dys[0], in1(op), in0(op)), nil}
		},
	})
	// GatherGrad(dy, indices, x) scatter-adds dy into zeros shaped like x.
	RegisterOp(&OpDef{Type: "GatherGrad",
		Infer: func(op *Operation, in []TensorSpec) []TensorSpec { return []TensorSpec{{in[0].DType, in[2].Shape}} },
		Kernel: func(op *Operation, in, out []*tensor.Tensor) error {
			return scatterAdd(out[0], in[0], in[1], op.a.axis)
		},
		Grad: func(op *Operation, dys []*Tensor, need []bool) []*Tensor {
			return []*Tensor{Gather(dys[0], in1(op), op.a.axis), nil, nil}
		},
	})
	RegisterOp(&OpDef{Type: "OneHot",
		Infer: func(op *Operation, in []TensorSpec) []TensorSpec {
			if !in[0].DType.IsInteger() {
				shapePanic(op, in, "indices have dtype %v, want int32, int64 or uint8", in[0].DType)
			}
			if op.a.n < 0 || !op.a.dtype.Valid() {
				shapePanic(op, in, "depth %d and dtype %v: want depth >= 0 and a valid dtype", op.a.n, op.a.dtype)
			}
			return []TensorSpec{{op.a.dtype, append(in[0].Shape.Clone(), op.a.n)}}
		},
		Kernel: func(op *Operation, in, out []*tensor.Tensor) error {
			out[0].FillValue(0)
			d := op.a.n
			for i := 0; i < in[0].Size(); i++ {
				if k := int(in[0].Float(i)); k >= 0 && k < d {
					out[0].SetFloat(i*d+k, 1)
				}
			}
			return nil
		},
	})
	argInfer := func(op *Operation, in []TensorSpec) []TensorSpec {
		if !in[0].DType.IsFloat() && !in[0].DType.IsInteger() {
			shapePanic(op, in, "dtype %v is not supported (want a float or integer dtype)", in[0].DType)
		}
		if in[0].Shape[op.a.axis] == 0 {
			shapePanic(op, in, "axis %d is empty (want at least one element)", op.a.axis)
		}
		s := append(in[0].Shape[:op.a.axis:op.a.axis], in[0].Shape[op.a.axis+1:]...)
		return []TensorSpec{{tensor.Int64, s}}
	}
	RegisterOp(&OpDef{Type: "ArgMax", Infer: argInfer,
		Kernel: func(op *Operation, in, out []*tensor.Tensor) error {
			tensor.ArgMaxInto(out[0], in[0], op.a.axis)
			return nil
		},
	})
	RegisterOp(&OpDef{Type: "ArgMin", Infer: argInfer,
		Kernel: func(op *Operation, in, out []*tensor.Tensor) error {
			tensor.ArgMinInto(out[0], in[0], op.a.axis)
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
		p[i] = tensor.NormAxis("Transpose", a, len(x.shape))
	}
	if !isPerm(p, len(x.shape)) {
		panic(fmt.Sprintf("tf: Transpose: perm %v is not a permutation of the dimensions of %v", perm, x.shape))
	}
	return apply1("Transpose", attrs{ints: p, set: hasPerm}, nil, x)
}

// Concat joins xs along axis.
func Concat(axis int, xs ...*Tensor) *Tensor {
	if len(xs) == 0 {
		panic("tf: Concat: no inputs")
	}
	ax := tensor.NormAxis("Concat", axis, len(xs[0].shape))
	return apply1("Concat", attrs{axis: ax, set: hasAxis}, nil, xs...)
}

// Stack joins xs along a new axis.
func Stack(axis int, xs ...*Tensor) *Tensor {
	if len(xs) == 0 {
		panic("tf: Stack: no inputs")
	}
	r := len(xs[0].shape) + 1
	axis = tensor.NormAxis("Stack", axis, r)
	for _, x := range xs[1:] {
		if x.dtype != xs[0].dtype || !unknownCompatible(x.shape, xs[0].shape) {
			panic(fmt.Sprintf("tf: Stack: inputs must have one dtype and shape, got %v %v and %v %v", xs[0].dtype, xs[0].shape, x.dtype, x.shape))
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
	ax := tensor.NormAxis("Split", axis, len(x.shape))
	sizes = splitSizes(x.shape, ax, sizes)
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

// splitSizes checks Split's sizes and resolves a -1; with an unknown
// dimension only the last size may be -1 (the slice then runs to the end).
func splitSizes(shape tensor.Shape, ax int, sizes []int) []int {
	dim := shape[ax]
	sizes = append([]int(nil), sizes...)
	sum, unknown := 0, -1
	for i, s := range sizes {
		switch {
		case s == -1 && unknown < 0:
			unknown = i
		case s < 0:
			panic(fmt.Sprintf("tf: Split: sizes %v: at most one -1 and no other negative size", sizes))
		default:
			sum += s
		}
	}
	switch {
	case dim < 0 && unknown >= 0 && unknown != len(sizes)-1:
		panic(fmt.Sprintf("tf: Split: sizes %v: along the unknown axis %d of %v only the last size may be -1", sizes, ax, shape))
	case dim < 0:
	case unknown >= 0 && sum <= dim:
		sizes[unknown] = dim - sum
	case sum != dim || unknown >= 0:
		panic(fmt.Sprintf("tf: Split: sizes %v add up to %d, but axis %d of %v has %d", sizes, sum, ax, shape, dim))
	}
	return sizes
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
	a := attrs{ints: append([]int(nil), begin...), ints2: append([]int(nil), size...), set: hasBeginSize}
	return apply1("Slice", a, nil, x)
}

// Gather picks slices of x along axis by integer indices (tf.gather).
func Gather(x, indices *Tensor, axis int) *Tensor {
	ax := tensor.NormAxis("Gather", axis, len(x.shape))
	return apply1("Gather", attrs{axis: ax, set: hasAxis}, nil, x, indices)
}

// OneHot returns indices.shape + (depth,) with 1 at each index (tf.one_hot).
// Indices outside [0, depth) give rows of zeros, as in TensorFlow.
func OneHot(indices *Tensor, depth int, dtype tensor.DType) *Tensor {
	return apply1("OneHot", attrs{n: depth, dtype: dtype, set: hasDepth | hasDType}, nil, indices)
}

// ArgMax returns the index of the largest element along axis (Int64).
func ArgMax(x *Tensor, axis int) *Tensor {
	return apply1("ArgMax", attrs{axis: tensor.NormAxis("ArgMax", axis, len(x.shape)), set: hasAxis}, nil, x)
}

// ArgMin returns the index of the smallest element along axis (Int64).
func ArgMin(x *Tensor, axis int) *Tensor {
	return apply1("ArgMin", attrs{axis: tensor.NormAxis("ArgMin", axis, len(x.shape)), set: hasAxis}, nil, x)
}

// concatInto copies xs one after another along axis into dst.
func concatInto(dst *tensor.Tensor, xs []*tensor.Tensor, axis int) {
	shape := dst.Shape()
	outer := 1
	for _, d := range shape[:axis] {
		outer *= d
	}
	inner := 1
	for _, d := range shape[axis+1:] {
		inner *= d
	}
	rowOut := shape[axis] * inner
	off := 0
	for _, x := range xs {
		w := x.Shape()[axis] * inner
		for o := 0; o < outer; o++ {
			copyRange(dst, o*rowOut+off, x, o*w, w)
		}
		off += w
	}
}

func copyRange(dst *tensor.Tensor, doff int, src *tensor.Tensor, soff, n int) {
	switch d := dst.Data().(type) {
	case []float32:
		copy(d[doff:doff+n], src.Float32s()[soff:soff+n])
	case []float64:
		copy(d[doff:doff+n], src.Float64s()[soff:soff+n])
	case []int32:
		copy(d[doff:doff+n], src.Int32s()[soff:soff+n])
	case []int64:
		copy(d[doff:doff+n], src.Int64s()[soff:soff+n])
	case []uint8:
		copy(d[doff:doff+n], src.Uint8s()[soff:soff+n])
	case []bool:
		copy(d[doff:doff+n], src.Bools()[soff:soff+n])
	}
}

// sliceCopy copies between a block (small, shape of small) and big at
// begin: small = big[block] or, when add, big[block] += small.
func sliceCopy(small, big *tensor.Tensor, begin []int, add bool) {
	ss, bs := small.Shape(), big.Shape()
	r := len(ss)
	if small.Size() == 0 {
		return
	}
	if r == 0 {
		copyRange(small, 0, big, 0, 1)
		return
	}
	bst := bs.Strides()
	n := ss[r-1]
	var idx [16]int
	for so := 0; so < small.Size(); so += n {
		bo := 0
		for k := 0; k < r-1; k++ {
			bo += (idx[k] + begin[k]) * bst[k]
		}
		bo += begin[r-1]
		if add {
			addRange(big, bo, small, so, n)
		} else {
			copyRange(small, so, big, bo, n)
		}
		for k := r - 2; k >= 0; k-- {
			idx[k]++
			if idx[k] < ss[k] {
				break
			}
			idx[k] = 0
		}
	}
}

func addRange(dst *tensor.Tensor, doff int, src *tensor.Tensor, soff, n int) {
	switch d := dst.Data().(type) {
	case []float32:
		s := src.Float32s()[soff : soff+n]
		for i, v := range s {
			d[doff+i] += v
		}
	case []float64:
		s := src.Float64s()[soff : soff+n]
		for i, v := range s {
			d[doff+i] += v
		}
	default:
		panic(fmt.Sprintf("unsupported dtype %v", dst.DType()))
	}
}

// scatterAdd sets dst = 0 and adds the slices of dy back at their indices
// along axis (the gradient of Gather).
func scatterAdd(dst, dy, indices *tensor.Tensor, axis int) error {
	dst.FillValue(0)
	xs := dst.Shape()
	outer := 1
	for _, d := range xs[:axis] {
		outer *= d
	}
	inner := 1
	for _, d := range xs[axis+1:] {
		inner *= d
	}
	nIdx := indices.Size()
	for o := 0; o < outer; o++ {
		for j := 0; j < nIdx; j++ {
			k := int(indices.Float(j))
			if k < 0 || k >= xs[axis] {
				return fmt.Errorf("index %d is outside [0, %d)", k, xs[axis])
			}
			addRange(dst, (o*xs[axis]+k)*inner, dy, (o*nIdx+j)*inner, inner)
		}
	}
	return nil
}
