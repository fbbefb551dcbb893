package onnx

import (
	"fmt"
	"math"

	"github.com/tensorgo/tensorgo/tensor"
	"github.com/tensorgo/tensorgo/tf"
)

// Import of ONNX's convolutional operators. ONNX images are NCHW (1-D:
// NCL), tensorgo's convolutions NHWC: each op is imported between a
// Transpose to NHWC and one back, so the values the rest of the graph
// sees keep ONNX's layout. Padding that TensorFlow's "VALID" or "SAME"
// does not express becomes an explicit Pad (with -inf-like cells for max
// pooling and a count of real cells for average pooling).

func init() {
	importers["Conv"] = importConv
	importers["MaxPool"] = importPool
	importers["AveragePool"] = importPool
	importers["GlobalAveragePool"] = importGlobalPool(tf.ReduceMean)
	importers["GlobalMaxPool"] = importGlobalPool(tf.ReduceMax)
	importers["BatchNormalization"] = importBatchNorm
	importers["Pad"] = importPad
}

// window is the geometry of one conv or pool node, for 2 spatial
// dimensions (1-D ops get a height of 1).
type window struct {
	k, s, d    []int // kernel, strides, dilations (height, width)
	begin, end []int // explicit padding per spatial dimension
}

// windowOf reads kernel_shape (or kernel, the filter's spatial size),
// strides, dilations, pads and auto_pad for the spatial size in.
func windowOf(n *Node, kernel, in []int) (*window, error) {
	r := len(in)
	w := &window{k: kernel, s: ones(r), d: ones(r), begin: make([]int, r), end: make([]int, r)}
	if k, ok := attrInts(n, "kernel_shape"); ok {
		w.k = k
	}
	if s, ok := attrInts(n, "strides"); ok {
		w.s = s
	}
	if d, ok := attrInts(n, "dilations"); ok {
		w.d = d
	}
	if len(w.k) != r || len(w.s) != r || len(w.d) != r {
		return nil, fmt.Errorf("kernel_shape %v, strides %v, dilations %v: want %d values each", w.k, w.s, w.d, r)
	}
	for i := 0; i < r; i++ {
		if w.k[i] < 1 || w.s[i] < 1 || w.d[i] < 1 || w.k[i] > maxWindow || w.s[i] > maxWindow || w.d[i] > maxWindow {
			return nil, fmt.Errorf("kernel_shape %v, strides %v, dilations %v: want values from 1 to %d", w.k, w.s, w.d, maxWindow)
		}
	}
	switch pad := n.Attrs["auto_pad"].String; pad {
	case "", "NOTSET":
		if p, ok := attrInts(n, "pads"); ok {
			if len(p) != 2*r {
				return nil, fmt.Errorf("pads %v: want %d values", p, 2*r)
			}
			for i := 0; i < r; i++ {
				w.begin[i], w.end[i] = p[i], p[r+i]
				if w.begin[i] < 0 || w.end[i] < 0 || w.begin[i] > maxWindow || w.end[i] > maxWindow {
					return nil, fmt.Errorf("pads %v: want values from 0 to %d (negative padding is not supported)", p, maxWindow)
				}
			}
		}
	case "VALID":
	case "SAME_UPPER", "SAME_LOWER":
		for i := 0; i < r; i++ {
			if in[i] < 0 {
				return nil, fmt.Errorf("auto_pad %s needs the spatial size, got %v", pad, in)
			}
			out := (in[i] + w.s[i] - 1) / w.s[i]
			total := max((out-1)*w.s[i]+(w.k[i]-1)*w.d[i]+1-in[i], 0)
			w.begin[i], w.end[i] = total/2, total-total/2
			if pad == "SAME_LOWER" {
				w.begin[i], w.end[i] = w.end[i], w.begin[i]
			}
		}
	default:
		return nil, fmt.Errorf("auto_pad %q is not supported", pad)
	}
	return w, nil
}

// maxWindow bounds kernel sizes, strides, dilations and pads, so that
// window arithmetic cannot overflow.
const maxWindow = 1 << 24

func ones(r int) []int {
	o := make([]int, r)
	for i := range o {
		o[i] = 1
	}
	return o
}

// tfPadding returns "VALID" or "SAME" when the window's padding is what
// TensorFlow's means for the spatial size in, else "".
func (w *window) tfPadding(in []int) string {
	zero := true
	for i := range w.begin {
		zero = zero && w.begin[i] == 0 && w.end[i] == 0
	}
	if zero {
		return "VALID"
	}
	for i := range in {
		if in[i] < 0 {
			return ""
		}
		out := (in[i] + w.s[i] - 1) / w.s[i]
		total := max((out-1)*w.s[i]+(w.k[i]-1)*w.d[i]+1-in[i], 0)
		if w.begin[i] != total/2 || w.end[i] != total-total/2 {
			return ""
		}
	}
	return "SAME"
}

// spatialPads returns tf.Pad's paddings of an NHWC value.
func (w *window) spatialPads(extra []int) [][2]int {
	p := [][2]int{{0, 0}, {0, 0}, {0, 0}, {0, 0}}
	for i := range w.begin {
		p[1+i] = [2]int{w.begin[i], w.end[i] + extra[i]}
	}
	return p
}

// toNHWCFrom brings an NCHW (rank 4) or NCL (rank 3, given a height of 1)
// value to NHWC.
func toNHWCFrom(x *tf.Tensor) (*tf.Tensor, error) {
	switch x.Shape().Rank() {
	case 4:
		return tf.Transpose(x, 0, 2, 3, 1), nil
	case 3:
		return tf.ExpandDims(tf.Transpose(x, 0, 2, 1), 1), nil
	}
	return nil, fmt.Errorf("an input of shape %v: tensorgo imports 1-D and 2-D images (NCL, NCHW)", x.Shape())
}

// fromNHWC undoes toNHWCFrom for a result of the original rank r.
func fromNHWC(y *tf.Tensor, r int) *tf.Tensor {
	if r == 3 {
		return tf.Transpose(tf.Squeeze(y, 1), 0, 2, 1)
	}
	return tf.Transpose(y, 0, 3, 1, 2)
}

// spatial returns the spatial sizes of an NHWC value.
func spatial(x *tf.Tensor) []int { s := x.Shape(); return []int{s[1], s[2]} }

// pad2 lifts 1-D window attributes to 2-D (height 1).
func pad2(n *Node, r int, kernel, in []int) (*window, []int, error) {
	if r == 3 {
		w, err := windowOf(n, kernel, in[1:])
		if err != nil {
			return nil, nil, err
		}
		return &window{k: []int{1, w.k[0]}, s: []int{1, w.s[0]}, d: []int{1, w.d[0]},
			begin: []int{0, w.begin[0]}, end: []int{0, w.end[0]}}, in, nil
	}
	w, err := windowOf(n, kernel, in)
	return w, in, err
}

func importConv(c *importer, n *Node, ins []*tf.Tensor) ([]*tf.Tensor, error) {
	x, f := ins[0], ins[1]
	r := x.Shape().Rank()
	fs := f.Shape()
	if fs.Rank() != r || (r != 3 && r != 4) {
		return nil, fmt.Errorf("an input %v with a filter %v: tensorgo imports 1-D and 2-D convolutions", x.Shape(), fs)
	}
	xh, err := toNHWCFrom(x)
	if err != nil {
		return nil, err
	}
	w, _, err := pad2(n, r, []int(fs[2:]), spatial4(x))
	if err != nil {
		return nil, err
	}
	if g := int(attrInt(n, "group", 1)); g < 1 || (x.Shape()[1] >= 0 && fs[1]*g != x.Shape()[1]) {
		return nil, fmt.Errorf("group %d with %d input channels and a filter %v: want channels = group × the filter's", g, x.Shape()[1], fs)
	}
	// OIHW (OIL) → HWIO.
	var fh *tf.Tensor
	if r == 3 {
		fh = tf.ExpandDims(tf.Transpose(f, 2, 1, 0), 0)
	} else {
		fh = tf.Transpose(f, 2, 3, 1, 0)
	}
	padding := w.tfPadding(spatial(xh))
	if padding == "" {
		xh = tf.Pad(xh, w.spatialPads([]int{0, 0}))
		padding = "VALID"
	}
	var y *tf.Tensor
	if len(ins) > 2 && ins[2] != nil {
		y = tf.FusedConv2D(xh, fh, ins[2], w.s, padding, "", tf.Dilations(w.d...))
	} else {
		y = tf.Conv2D(xh, fh, w.s, padding, tf.Dilations(w.d...))
	}
	return one(fromNHWC(y, r)), nil
}

// spatial4 returns the spatial sizes of an NCHW / NCL value.
func spatial4(x *tf.Tensor) []int {
	s := x.Shape()
	if s.Rank() == 3 {
		return []int{1, s[2]}
	}
	if s.Rank() == 4 {
		return []int{s[2], s[3]}
	}
	return nil
}

func importPool(c *importer, n *Node, ins []*tf.Tensor) ([]*tf.Tensor, error) {
	x := ins[0]
	r := x.Shape().Rank()
	if len(n.Outputs) > 1 && n.Outputs[1] != "" {
		return nil, fmt.Errorf("the Indices output is not supported")
	}
	back := func(y *tf.Tensor) *tf.Tensor { return y }
	switch dt := x.DType(); {
	case half16(dt):
		ins, back = widen(ins)
		x = ins[0]
	case dt == tensor.Uint8:
		// Exact in float32; max pooling gives one of the input's values.
		if n.OpType != "MaxPool" {
			return nil, fmt.Errorf("average pooling of %v is not supported (float types only)", dt)
		}
		x = tf.Cast(x, tensor.Float32)
		back = func(y *tf.Tensor) *tf.Tensor { return tf.Cast(y, dt) }
	case !dt.IsFloat():
		return nil, fmt.Errorf("pooling of %v is not supported", dt)
	}
	xh, err := toNHWCFrom(x)
	if err != nil {
		return nil, err
	}
	if _, ok := n.Attrs["kernel_shape"]; !ok {
		return nil, fmt.Errorf("kernel_shape is required")
	}
	w, _, err := pad2(n, r, nil, spatial4(x))
	if err != nil {
		return nil, err
	}
	if w.d[0] != 1 || w.d[1] != 1 {
		return nil, fmt.Errorf("dilations %v: tensorgo's pooling is not dilated", w.d)
	}
	in := spatial(xh)
	extra := []int{0, 0} // cells past the end pads for ceil_mode's last window
	if attrInt(n, "ceil_mode", 0) != 0 {
		for i := range in {
			if in[i] < 0 {
				return nil, fmt.Errorf("ceil_mode needs the spatial size, got %v", in)
			}
			span := in[i] + w.begin[i] + w.end[i] - w.k[i]
			out := (span+w.s[i]-1)/w.s[i] + 1
			if (out-1)*w.s[i] >= in[i]+w.begin[i] { // the last window would start in the end padding
				out--
			}
			extra[i] = max((out-1)*w.s[i]+w.k[i]-(in[i]+w.begin[i]+w.end[i]), 0)
		}
	}
	includePad := n.OpType == "AveragePool" && attrInt(n, "count_include_pad", 0) != 0
	padding := w.tfPadding(in)
	if extra[0] != 0 || extra[1] != 0 || (includePad && padding == "SAME") {
		padding = ""
	}
	var y *tf.Tensor
	switch {
	case padding != "" && n.OpType == "MaxPool":
		y = tf.MaxPool(xh, w.k, w.s, padding)
	case padding != "":
		y = tf.AvgPool(xh, w.k, w.s, padding)
	case n.OpType == "MaxPool":
		// Padding never wins: the padded cells hold the dtype's lowest
		// finite value (inside x, the mask adds an exact zero).
		p := w.spatialPads(extra)
		low := tf.Mul(tf.Sub(tf.Pad(tf.OnesLike(xh), p), scalarLike(xh, 1)), scalarLike(xh, maxFinite(xh.DType())))
		y = tf.MaxPool(tf.Add(tf.Pad(xh, p), low), w.k, w.s, "VALID")
	default:
		// The mean over a window's counted cells: the mean of the padded
		// input over the mean of a mask of those cells.
		p := w.spatialPads(extra)
		mask := tf.Pad(tf.OnesLike(xh), p)
		if includePad {
			mask = tf.Pad(tf.OnesLike(tf.Pad(xh, w.spatialPads([]int{0, 0}))), [][2]int{{0, 0}, {0, extra[0]}, {0, extra[1]}, {0, 0}})
		}
		y = tf.Div(tf.AvgPool(tf.Pad(xh, p), w.k, w.s, "VALID"), tf.AvgPool(mask, w.k, w.s, "VALID"))
	}
	return one(back(fromNHWC(y, r))), nil
}

func maxFinite(dt tensor.DType) float64 {
	if dt == tensor.Float64 {
		return math.MaxFloat64
	}
	return math.MaxFloat32
}

func importGlobalPool(f func(*tf.Tensor, []int, bool) *tf.Tensor) importFunc {
	return func(c *importer, n *Node, ins []*tf.Tensor) ([]*tf.Tensor, error) {
		r := ins[0].Shape().Rank()
		if r < 3 {
			return nil, fmt.Errorf("an input of rank %d: want (N, C, spatial...)", r)
		}
		axes := make([]int, 0, r-2)
		for i := 2; i < r; i++ {
			axes = append(axes, i)
		}
		return one(f(ins[0], axes, true)), nil
	}
}

// importBatchNorm imports inference-mode BatchNormalization:
// scale·(x − mean)/sqrt(var + epsilon) + B per channel (axis 1).
func importBatchNorm(c *importer, n *Node, ins []*tf.Tensor) ([]*tf.Tensor, error) {
	if attrInt(n, "training_mode", 0) != 0 {
		return nil, fmt.Errorf("training_mode=1 is not supported: tensorgo imports inference graphs")
	}
	for i, o := range n.Outputs {
		if i > 0 && o != "" && c.opset >= 14 {
			return nil, fmt.Errorf("the running statistics outputs are not supported (inference only)")
		}
	}
	if len(ins) < 5 {
		return nil, fmt.Errorf("%d inputs: want X, scale, B, mean and var", len(ins))
	}
	ins, back := widen(ins)
	x := ins[0]
	r := x.Shape().Rank()
	if r < 2 {
		return nil, fmt.Errorf("an input of rank %d: want (N, C, ...)", r)
	}
	shape := ones(r - 1)
	shape[0] = -1
	vec := func(v *tf.Tensor) *tf.Tensor {
		if v.DType() != x.DType() {
			v = tf.Cast(v, x.DType())
		}
		return tf.Reshape(v, shape...)
	}
	eps := attrFloat(n, "epsilon", 1e-5)
	if x.DType() == tensor.Float32 {
		eps = float64(float32(eps))
	}
	inv := tf.Div(vec(ins[1]), tf.Sqrt(tf.Add(vec(ins[4]), scalarLike(x, eps))))
	y := tf.Add(tf.Mul(tf.Sub(x, vec(ins[3])), inv), vec(ins[2]))
	outs := []*tf.Tensor{back(y)}
	if c.opset < 9 || (c.opset < 14 && len(n.Outputs) > 1) {
		// Old opsets list the statistics as outputs; in inference they
		// are the inputs.
		for i := 1; i < len(n.Outputs); i++ {
			if i <= 2 {
				outs = append(outs, tf.Identity(ins[2+i]))
			}
		}
	}
	return outs, nil
}

// importPad imports Pad (non-negative pads) in modes constant, edge and
// reflect.
func importPad(c *importer, n *Node, ins []*tf.Tensor) ([]*tf.Tensor, error) {
	x := ins[0]
	r := x.Shape().Rank()
	mode := n.Attrs["mode"].String
	if mode != "" && mode != "constant" && mode != "edge" && mode != "reflect" {
		return nil, fmt.Errorf("mode %q is not supported (constant, edge or reflect)", mode)
	}
	var pads []int
	value := 0.0
	if c.opset < 11 {
		pads, _ = attrInts(n, "pads")
		value = attrFloat(n, "value", 0)
	} else {
		var err error
		if pads, err = c.intsInput(n, 1); err != nil {
			return nil, err
		}
		if len(ins) > 2 && ins[2] != nil {
			v, ok := c.constInput(n, 2)
			if !ok {
				return nil, fmt.Errorf("the constant_value must be a constant")
			}
			if v.Size() > 0 {
				value = v.Float(0)
			}
		}
	}
	axes := make([]int, r)
	for i := range axes {
		axes[i] = i
	}
	if len(ins) > 3 && ins[3] != nil {
		a, err := c.intsInput(n, 3)
		if err != nil {
			return nil, err
		}
		for i := range a {
			if a[i], err = normAxis(a[i], r); err != nil {
				return nil, err
			}
		}
		axes = a
	}
	if len(pads) != 2*len(axes) {
		return nil, fmt.Errorf("pads %v: want %d values", pads, 2*len(axes))
	}
	p := make([][2]int, r)
	for i, a := range axes {
		p[a] = [2]int{pads[i], pads[len(axes)+i]}
		if p[a][0] < 0 || p[a][1] < 0 || p[a][0] > maxWindow || p[a][1] > maxWindow {
			return nil, fmt.Errorf("pads %v: want values from 0 to %d (negative padding is not supported)", pads, maxWindow)
		}
	}
	if mode == "edge" || mode == "reflect" {
		return padByGather(c, x, p, mode)
	}
	y := tf.Pad(x, p)
	if value != 0 {
		// The padded cells get value; inside x the mask adds an exact 0.
		y = tf.Add(y, tf.Mul(tf.Sub(scalarLike(x, 1), tf.Pad(tf.OnesLike(x), p)), scalarLike(x, value)))
	}
	return one(y), nil
}
