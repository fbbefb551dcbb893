package onnx

import (
	"fmt"
	"math"

	"github.com/tensorgo/tensorgo/tensor"
	"github.com/tensorgo/tensorgo/tf"
)

// Shape arithmetic at import time. PyTorch's exporter writes x.view(n, -1)
// as Shape → Gather → Unsqueeze → Concat → Reshape. tensorgo has no
// runtime Shape op: Import folds such chains into constants while they
// work on integer vectors whose values are known, except for unknown
// dimensions (the batch), which are carried as unknownDim up to the
// Reshape that consumes them. A node that would need such a value at run
// time is an import error.

// unknownDim marks a dimension known only when the model runs.
const unknownDim = math.MinInt64

// shapeVec is an integer vector (or scalar) known at import time but
// for its unknownDim entries.
type shapeVec struct {
	shape []int
	vals  []int64
	from  []dimSrc // per value: where an unknownDim comes from
}

// dimSrc names a run-time dimension: axis of t.
type dimSrc struct {
	t    *tf.Tensor
	axis int
}

// foldsShapes lists the operators that take partly known shape vectors.
var foldsShapes = map[string]bool{"Shape": true, "Gather": true, "Unsqueeze": true, "Squeeze": true,
	"Concat": true, "Cast": true, "Identity": true, "Reshape": true, "ConstantOfShape": true}

// intVec returns input i as a shape vector when it is an integer tensor
// known at import time, or a partly known one.
func (c *importer) intVec(n *Node, i int) (shapeVec, bool) {
	if i >= len(n.Inputs) || n.Inputs[i] == "" {
		return shapeVec{}, false
	}
	if p, ok := c.partial[n.Inputs[i]]; ok {
		return p, true
	}
	t, ok := c.consts[n.Inputs[i]]
	if !ok || (t.DType() != tensor.Int64 && t.DType() != tensor.Int32) || t.Shape().Rank() > 1 || t.Size() > maxShapeVec {
		return shapeVec{}, false
	}
	v := shapeVec{shape: append([]int(nil), t.Shape()...), vals: make([]int64, t.Size()), from: make([]dimSrc, t.Size())}
	for j := range v.vals {
		v.vals[j] = int64(t.Float(j))
	}
	return v, true
}

// maxShapeVec bounds the vectors folded at import time.
const maxShapeVec = 64

// fold computes n at import time when it is shape arithmetic on known
// vectors; ok is false when n is to be imported as a graph op.
func (c *importer) fold(n *Node, ins []*tf.Tensor) (ok bool, err error) {
	var out shapeVec
	switch n.OpType {
	case "Shape":
		s := ins[0].Shape()
		start, end := int(attrInt(n, "start", 0)), int(attrInt(n, "end", int64(len(s))))
		start, end = clampAxis(start, len(s)), clampAxis(end, len(s))
		if end < start {
			end = start
		}
		out = shapeVec{shape: []int{end - start}}
		for i, d := range s[start:end] {
			if d < 0 {
				out.vals = append(out.vals, unknownDim)
				out.from = append(out.from, dimSrc{ins[0], start + i})
			} else {
				out.vals = append(out.vals, int64(d))
				out.from = append(out.from, dimSrc{})
			}
		}
	case "Gather":
		data, ok1 := c.intVec(n, 0)
		idx, ok2 := c.intVec(n, 1)
		if !ok1 || !ok2 || len(data.shape) != 1 || attrInt(n, "axis", 0) != 0 || hasUnknown(idx) {
			return false, nil
		}
		out = shapeVec{shape: idx.shape}
		for _, i := range idx.vals {
			if i < 0 {
				i += int64(len(data.vals))
			}
			if i < 0 || i >= int64(len(data.vals)) {
				return false, fmt.Errorf("index %d is out of range for %d values", i, len(data.vals))
			}
			out.vals = append(out.vals, data.vals[i])
			out.from = append(out.from, data.from[i])
		}
	case "Unsqueeze", "Squeeze", "Identity":
		v, ok := c.intVec(n, 0)
		switch {
		case !ok:
			return false, nil
		case n.OpType == "Identity" && c.anyPartial(n):
			out = v
		case n.OpType == "Unsqueeze" && len(v.shape) == 0: // a scalar becomes (1)
			out = shapeVec{shape: []int{1}, vals: v.vals, from: v.from}
		case n.OpType == "Squeeze" && len(v.shape) == 1 && len(v.vals) == 1: // (1) becomes a scalar
			out = shapeVec{vals: v.vals, from: v.from}
		default:
			return false, nil
		}
	case "Concat":
		out.shape = []int{0}
		for i := range n.Inputs {
			v, ok := c.intVec(n, i)
			if !ok || len(v.shape) != 1 {
				if c.anyPartial(n) {
					return false, fmt.Errorf("input %d (%s) must be a vector known at import time to concatenate with a shape", i, n.Inputs[i])
				}
				return false, nil
			}
			out.vals = append(out.vals, v.vals...)
			out.from = append(out.from, v.from...)
		}
		out.shape[0] = len(out.vals)
	case "Cast":
		if !c.anyPartial(n) {
			return false, nil
		}
		if to := int32(attrInt(n, "to", 0)); to != onnxType(tensor.Int64) && to != onnxType(tensor.Int32) {
			return false, fmt.Errorf("a shape cast to %s is not supported", typeName(to))
		}
		out, _ = c.intVec(n, 0)
	default:
		return false, nil
	}
	if len(out.vals) > maxShapeVec {
		return false, nil
	}
	c.setVec(n.Outputs[0], out)
	return true, nil
}

func clampAxis(a, r int) int {
	if a < 0 {
		a += r
	}
	return min(max(a, 0), r)
}

func hasUnknown(v shapeVec) bool {
	for _, x := range v.vals {
		if x == unknownDim {
			return true
		}
	}
	return false
}

// anyPartial reports whether an input of n is a partly known vector.
func (c *importer) anyPartial(n *Node) bool {
	for _, in := range n.Inputs {
		if _, ok := c.partial[in]; ok {
			return true
		}
	}
	return false
}

// setVec records a folded vector: a constant when fully known, else a
// partly known vector (whose graph tensor holds -1 for the unknown
// entries and must not be computed with).
func (c *importer) setVec(name string, v shapeVec) {
	vals := append([]int64(nil), v.vals...)
	known := true
	for i, x := range vals {
		if x == unknownDim {
			vals[i], known = -1, false
		}
	}
	t := int64s(vals, v.shape)
	if known {
		c.consts[name] = t
	} else {
		c.partial[name] = v
	}
	c.vals[name] = tf.Const(c.g, t)
}

// checkPartial fails n when it would compute with a partly known vector.
func (c *importer) checkPartial(n *Node) error {
	for _, in := range n.Inputs {
		if _, ok := c.partial[in]; ok && !foldsShapes[n.OpType] {
			return fmt.Errorf("input %s is a shape with dimensions known only at run time; tensorgo folds shapes into constants, and %s cannot use one", in, n.OpType)
		}
	}
	return nil
}

// reshapeTarget resolves Reshape's shape input when it is partly known:
// an unknown entry at position i stands for the input's dimension i (the
// batch, which the exporter read from it), and a -1 beside it is worked
// out from the input's known dimensions.
func (c *importer) reshapeTarget(n *Node, in tensor.Shape) ([]int, bool, error) {
	if len(n.Inputs) < 2 {
		return nil, false, nil
	}
	p, ok := c.partial[n.Inputs[1]]
	if !ok {
		return nil, false, nil
	}
	out := make([]int, len(p.vals))
	copied, infer := -1, -1
	for i, v := range p.vals {
		switch {
		case v == unknownDim:
			if i >= len(in) || in[i] >= 0 || copied >= 0 {
				return nil, true, fmt.Errorf("shape %v: the run-time dimension %d does not match the input %v", p.vals, i, in)
			}
			copied, out[i] = i, -1
		case v == -1:
			if infer >= 0 {
				return nil, true, fmt.Errorf("shape %v: more than one -1", p.vals)
			}
			infer = i
		case v == 0 && attrInt(n, "allowzero", 0) == 0:
			if i >= len(in) {
				return nil, true, fmt.Errorf("shape %v copies dimension %d of an input of rank %d", p.vals, i, len(in))
			}
			out[i] = in[i]
		default:
			out[i] = int(v)
		}
	}
	if infer >= 0 {
		// The input's elements but for its run-time dimension, over the
		// known output dimensions.
		num, den := 1, 1
		for i, d := range in {
			if i == copied {
				continue
			}
			if d < 0 {
				return nil, true, fmt.Errorf("shape %v of an input %v with more than one run-time dimension", p.vals, in)
			}
			num *= d
		}
		for i, d := range out {
			if i != copied && i != infer {
				den *= d
			}
		}
		if den <= 0 || num%den != 0 {
			return nil, true, fmt.Errorf("cannot reshape %v to %v", in, p.vals)
		}
		out[infer] = num / den
	}
	return out, true, nil
}

// importGather imports Gather of run-time data (shape vectors fold).
func importGather(c *importer, n *Node, ins []*tf.Tensor) ([]*tf.Tensor, error) {
	x, idx := ins[0], ins[1]
	r := x.Shape().Rank()
	axis, err := normAxis(int(attrInt(n, "axis", 0)), r)
	if err != nil {
		return nil, err
	}
	if t, ok := c.constInput(n, 1); ok && x.Shape()[axis] >= 0 {
		// ONNX allows negative indices, counted from the end.
		dim := x.Shape()[axis]
		vals := make([]int64, t.Size())
		for i := range vals {
			v := int64(t.Float(i))
			if v < 0 {
				v += int64(dim)
			}
			if v < 0 || v >= int64(dim) {
				return nil, fmt.Errorf("index %d is out of range for a dimension of %d", int64(t.Float(i)), dim)
			}
			vals[i] = v
		}
		idx = tf.Const(c.g, int64s(vals, t.Shape()))
	} else if dim := x.Shape()[axis]; dim >= 0 {
		// Run-time indices: negative ones count from the end.
		idx = tf.Where(tf.Less(idx, scalarLike(idx, 0)), tf.Add(idx, scalarLike(idx, float64(dim))), idx)
	}
	return one(tf.Gather(x, idx, axis)), nil
}

// importConstantOfShape fills a tensor of the shape input (known at import
// time, but for run-time dimensions, which are taken from the tensors the
// shape was read from) with the value attribute (default float32 0).
func importConstantOfShape(c *importer, n *Node, ins []*tf.Tensor) ([]*tf.Tensor, error) {
	v, ok := c.intVec(n, 0)
	if !ok {
		return nil, fmt.Errorf("the shape input must be a constant (known at import time but for run-time dimensions)")
	}
	if len(v.shape) != 1 {
		return nil, fmt.Errorf("the shape input must be a vector, got shape %v", v.shape)
	}
	value := tensor.Scalar(float32(0))
	if a, ok := n.Attrs["value"]; ok && a.Kind == AttrTensor && a.Tensor != nil {
		if a.Tensor.Size() != 1 {
			return nil, fmt.Errorf("value of %d elements: want one", a.Tensor.Size())
		}
		value = a.Tensor
	}
	dims := make([]int, len(v.vals))
	for i, d := range v.vals {
		switch {
		case d == unknownDim:
			dims[i] = 1
		case d < 0 || d > math.MaxInt32:
			return nil, fmt.Errorf("shape %v: want dimensions from 0 to %d", v.vals, math.MaxInt32)
		default:
			dims[i] = int(d)
		}
	}
	if e := elems(dims); e > c.maxElems {
		return nil, fmt.Errorf("shape %v has %d elements, over the limit of %d", dims, e, c.maxElems)
	}
	dt := value.DType()
	t := tensor.Fill(dt, value.Float(0), dims...)
	if hasUnknown(v) {
		y := tf.Const(c.g, t)
		// Broadcast against zeros of each run-time dimension's size.
		for i, d := range v.vals {
			if d != unknownDim {
				continue
			}
			src := v.from[i]
			r := src.t.Shape().Rank()
			begin, size := make([]int, r), make([]int, r)
			for j := range size {
				size[j] = 1
			}
			size[src.axis] = -1
			col := ones(len(dims))
			col[i] = -1
			z := tf.ZerosLike(tf.Reshape(tf.Slice(src.t, begin, size), col...))
			if z.DType() != dt {
				z = tf.Cast(z, dt)
			}
			y = tf.Add(y, z)
		}
		return one(y), nil
	}
	c.consts[n.Outputs[0]] = t
	return one(tf.Const(c.g, t)), nil
}

// int64s makes an int64 tensor of shape (a scalar for no dimensions).
func int64s(vals []int64, shape []int) *tensor.Tensor {
	if len(shape) == 0 {
		return tensor.Scalar(vals[0])
	}
	return tensor.FromSlice(vals, shape...)
}
