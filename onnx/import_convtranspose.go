package onnx

import (
	"fmt"

	"github.com/tensorgo/tensorgo/tensor"
	"github.com/tensorgo/tensorgo/tf"
)

// Import of ONNX's ConvTranspose (1-D and 2-D, one group) as tensorgo's
// Conv2DTranspose, between the same Transposes to NHWC and back as Conv.
// ONNX's result is the full transposed convolution, whose spatial size is
// stride·(in−1) + (kernel−1)·dilation + 1, grown by output_padding cells
// at the end and cropped by pads at both ends; tensorgo computes the full
// one with the extra cells ("VALID" padding, output_padding being smaller
// than the stride, so the forward convolution of that size still has the
// input's size) and the pads are sliced off.

func init() {
	importers["ConvTranspose"] = importConvTranspose
}

// convTransposeGeometry is one spatial dimension of a ConvTranspose: the
// kernel, stride and dilation, the input size, and the cells cropped at
// each end and added (output_padding) at the end.
type convTransposeGeometry struct {
	k, s, d, in, begin, end, extra int
}

// full returns the size of the uncropped result, output_padding included.
func (g convTransposeGeometry) full() int { return g.s*(g.in-1) + (g.k-1)*g.d + 1 + g.extra }

// convTransposeGeometries reads a ConvTranspose's attributes for the
// spatial input sizes in and the filter's spatial sizes kernel.
func convTransposeGeometries(n *Node, kernel, in []int) ([]convTransposeGeometry, error) {
	r := len(in)
	get := func(name string, def int) ([]int, error) {
		v, ok := attrInts(n, name)
		if !ok {
			v = make([]int, r)
			for i := range v {
				v[i] = def
			}
		}
		if len(v) != r {
			return nil, fmt.Errorf("%s %v: want %d values", name, v, r)
		}
		return v, nil
	}
	k, err := get("kernel_shape", 0)
	if err != nil {
		return nil, err
	}
	if _, ok := n.Attrs["kernel_shape"]; !ok {
		k = kernel
	}
	s, err := get("strides", 1)
	if err != nil {
		return nil, err
	}
	d, err := get("dilations", 1)
	if err != nil {
		return nil, err
	}
	extra, err := get("output_padding", 0)
	if err != nil {
		return nil, err
	}
	gs := make([]convTransposeGeometry, r)
	for i := range gs {
		if in[i] < 1 {
			return nil, fmt.Errorf("an input of spatial size %v: tensorgo needs it known", in)
		}
		if k[i] != kernel[i] {
			return nil, fmt.Errorf("kernel_shape %v does not match the filter's %v", k, kernel)
		}
		if k[i] < 1 || s[i] < 1 || d[i] < 1 || k[i] > maxWindow || s[i] > maxWindow || d[i] > maxWindow || in[i] > maxWindow {
			return nil, fmt.Errorf("kernel_shape %v, strides %v, dilations %v: want values from 1 to %d", k, s, d, maxWindow)
		}
		if extra[i] < 0 || extra[i] >= s[i] {
			return nil, fmt.Errorf("output_padding %v with strides %v: want each from 0 to its stride − 1", extra, s)
		}
		gs[i] = convTransposeGeometry{k: k[i], s: s[i], d: d[i], in: in[i], extra: extra[i]}
	}
	out, hasOut := attrInts(n, "output_shape")
	pad := n.Attrs["auto_pad"].String
	switch pad {
	case "", "NOTSET", "VALID", "SAME_UPPER", "SAME_LOWER":
	default:
		return nil, fmt.Errorf("auto_pad %q is not supported", pad)
	}
	if !hasOut && (pad == "SAME_UPPER" || pad == "SAME_LOWER") {
		out, hasOut = make([]int, r), true
		for i := range out {
			out[i] = in[i] * s[i]
		}
	}
	if hasOut {
		// output_shape may list the batch and channels too.
		if len(out) == r+2 {
			out = out[2:]
		}
		if len(out) != r {
			return nil, fmt.Errorf("output_shape %v: want %d spatial sizes", out, r)
		}
		for i := range gs {
			// ONNX crops an odd cell at the end for SAME_UPPER, at the
			// start otherwise (halves rounded down, as ONNX's reference
			// does: a total of −1 then grows the end by a cell).
			total := gs[i].full() - out[i]
			half := total / 2
			if total < 0 && total%2 != 0 {
				half--
			}
			gs[i].begin, gs[i].end = total-half, half
			if pad == "SAME_UPPER" {
				gs[i].begin, gs[i].end = half, total-half
			}
			if gs[i].begin == 0 && gs[i].end < 0 && gs[i].extra-gs[i].end < gs[i].s {
				gs[i].extra, gs[i].end = gs[i].extra-gs[i].end, 0
			}
			if out[i] < 1 || gs[i].begin < 0 || gs[i].end < 0 {
				return nil, fmt.Errorf("output_shape %v: want sizes from 1 to the full result's %d plus less than a stride", out, gs[i].full())
			}
		}
		return gs, nil
	}
	if p, ok := attrInts(n, "pads"); ok && pad != "VALID" {
		if len(p) != 2*r {
			return nil, fmt.Errorf("pads %v: want %d values", p, 2*r)
		}
		for i := range gs {
			gs[i].begin, gs[i].end = p[i], p[r+i]
			if p[i] < 0 || p[r+i] < 0 || p[i]+p[r+i] >= gs[i].full() {
				return nil, fmt.Errorf("pads %v: want non-negative values that leave a result", p)
			}
		}
	}
	return gs, nil
}

func importConvTranspose(c *importer, n *Node, ins []*tf.Tensor) ([]*tf.Tensor, error) {
	x, f := ins[0], ins[1]
	r := x.Shape().Rank()
	fs := f.Shape()
	if fs.Rank() != r || (r != 3 && r != 4) {
		return nil, fmt.Errorf("an input %v with a filter %v: tensorgo imports 1-D and 2-D transposed convolutions", x.Shape(), fs)
	}
	if g := attrInt(n, "group", 1); g != 1 {
		return nil, fmt.Errorf("group %d is not supported (one group only)", g)
	}
	if x.Shape()[1] >= 0 && fs[0] >= 0 && x.Shape()[1] != fs[0] {
		return nil, fmt.Errorf("an input of %d channels with a filter %v: want the filter's first dimension to be the input's channels", x.Shape()[1], fs)
	}
	for _, d := range fs[1:] {
		if d < 1 {
			return nil, fmt.Errorf("a filter %v: tensorgo needs its size known", fs)
		}
	}
	xs := x.Shape()
	spatialIn, kernel := []int(xs[2:]), []int(fs[2:])
	gs, err := convTransposeGeometries(n, kernel, spatialIn)
	if err != nil {
		return nil, err
	}
	if r == 3 { // a height of 1
		gs = append([]convTransposeGeometry{{k: 1, s: 1, d: 1, in: 1}}, gs...)
	}
	xh, err := toNHWCFrom(x)
	if err != nil {
		return nil, err
	}
	// (in, out, kH, kW) (or (in, out, k)) → (kH, kW, out, in).
	var fh *tf.Tensor
	if r == 3 {
		fh = tf.ExpandDims(tf.Transpose(f, 2, 1, 0), 0)
	} else {
		fh = tf.Transpose(f, 2, 3, 1, 0)
	}
	size := []int{-1, gs[0].full(), gs[1].full(), fs[1]}
	// The uncropped result is computed too: it is held to the limit on
	// values (counting the batch as 1) as the node's outputs are.
	if e := elems(tensor.Shape{1, size[1], size[2], size[3]}); e > c.maxElems {
		return nil, fmt.Errorf("the uncropped result (%d, %d, %d) has %d elements, over the limit of %d", size[1], size[2], size[3], e, c.maxElems)
	}
	y := tf.Conv2DTranspose(xh, fh, size, []int{gs[0].s, gs[1].s}, "VALID", tf.Dilations(gs[0].d, gs[1].d))
	if gs[0].begin+gs[0].end+gs[1].begin+gs[1].end > 0 {
		y = tf.Slice(y, []int{0, gs[0].begin, gs[1].begin, 0},
			[]int{-1, size[1] - gs[0].begin - gs[0].end, size[2] - gs[1].begin - gs[1].end, -1})
	}
	if len(ins) > 2 && ins[2] != nil {
		b := ins[2]
		if b.Shape().Rank() != 1 || (b.Shape()[0] >= 0 && b.Shape()[0] != fs[1]) {
			return nil, fmt.Errorf("a bias %v for %d output channels", b.Shape(), fs[1])
		}
		y = tf.Add(y, b)
	}
	return one(fromNHWC(y, r)), nil
}
