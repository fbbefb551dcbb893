package onnx

import (
	"fmt"

	"github.com/tensorgo/tensorgo/tensor"
	"github.com/tensorgo/tensorgo/tf"
)

// Export of tensorgo's convolutional ops. tensorgo computes images NHWC
// (channels last) with HWIO filters; ONNX's Conv, pools and
// BatchNormalization are NCHW with OIHW filters. Each such op is exported
// between a Transpose to NCHW and one back to NHWC, so that every value
// the rest of the graph sees keeps tensorgo's layout; filters held by
// variables or constants are stored transposed, others get a Transpose.

var (
	toNCHW = []int{0, 3, 1, 2}
	toNHWC = []int{0, 2, 3, 1}
)

// transposed adds a Transpose of v by perm and returns its output's name.
func (ex *exporter) transposed(v string, perm []int) string {
	ex.n++
	out := fmt.Sprintf("%s/transposed_%d", v, ex.n)
	ex.node("Transpose", []string{v}, []string{out}, map[string]Attr{"perm": intsAttr(perm)})
	return out
}

// filterOIHW returns the ONNX name of t (an HWIO filter) in OIHW layout.
func (ex *exporter) filterOIHW(t *tf.Tensor) string {
	perm := []int{3, 2, 0, 1}
	switch op := t.Op(); op.Type() {
	case "VariableV2":
		if v := op.Variable(); v != nil && v.Initialized() {
			return ex.constant(op.Name()+"/oihw", tensor.Transpose(v.Value(), perm...))
		}
	case "Const":
		return ex.constant(op.Name()+"/oihw", tensor.Transpose(op.Attr("value").(*tensor.Tensor), perm...))
	}
	return ex.transposed(ex.name(t), perm)
}

// samePads returns ONNX pads (begins, then ends) for the spatial
// dimensions in of a window op: none for "VALID"; for "SAME" TensorFlow's
// ceil(in/stride) outputs, with the odd extra cell at the end.
func samePads(op *tf.Operation, padding string, in, k, s, d []int) ([]int, error) {
	pads := make([]int, 2*len(in))
	if padding != "SAME" {
		return pads, nil
	}
	for i := range in {
		if in[i] < 0 {
			return nil, unsupportedError(fmt.Sprintf("%s (%s: \"SAME\" padding of an unknown spatial size %v)", op.Name(), op.Type(), in))
		}
		out := (in[i] + s[i] - 1) / s[i]
		total := (out-1)*s[i] + (k[i]-1)*d[i] + 1 - in[i]
		if total < 0 {
			total = 0
		}
		pads[i] = total / 2
		pads[len(in)+i] = total - total/2
	}
	return pads, nil
}

// convertConv exports Conv2D and FusedConv2D.
func (ex *exporter) convertConv(op *tf.Operation, ins, out []string) error {
	x, f := op.Inputs()[0], op.Inputs()[1]
	xs, fs := x.Shape(), f.Shape()
	if xs.Rank() != 4 || fs.Rank() != 4 || xs[3] < 0 || fs[2] <= 0 || fs[0] < 0 || fs[1] < 0 {
		return unsupportedError(fmt.Sprintf("%s (%s of an input %v with a filter %v: the channels and the filter must be known)", op.Name(), op.Type(), xs, fs))
	}
	strides := op.Attr("strides").([]int)
	dil := op.Attr("dilations").([]int)
	k := []int{fs[0], fs[1]}
	pads, err := samePads(op, op.Attr("padding").(string), []int{xs[1], xs[2]}, k, strides, dil)
	if err != nil {
		return err
	}
	attrs := map[string]Attr{"kernel_shape": intsAttr(k), "strides": intsAttr(strides), "dilations": intsAttr(dil),
		"pads": intsAttr(pads), "group": intAttr(xs[3] / fs[2])}
	cin := []string{ex.transposed(ins[0], toNCHW), ex.filterOIHW(f)}
	if op.Type() == "FusedConv2D" {
		cin = append(cin, ins[2])
	}
	y := ex.tmp(op)
	ex.node("Conv", cin, []string{y}, attrs)
	if op.Type() == "FusedConv2D" && op.Attr("activation").(string) == "Relu" {
		r := ex.tmp(op)
		ex.node("Relu", []string{y}, []string{r}, nil)
		y = r
	}
	ex.node("Transpose", []string{y}, out, map[string]Attr{"perm": intsAttr(toNHWC)})
	return nil
}

// convertPool exports MaxPool and AvgPool (whose "SAME" windows average
// only the cells inside the input: count_include_pad=0).
func (ex *exporter) convertPool(op *tf.Operation, ins, out []string) error {
	xs := op.Inputs()[0].Shape()
	if xs.Rank() != 4 {
		return unsupportedError(fmt.Sprintf("%s (%s of rank %d)", op.Name(), op.Type(), xs.Rank()))
	}
	k := op.Attr("ksize").([]int)
	s := op.Attr("strides").([]int)
	pads, err := samePads(op, op.Attr("padding").(string), []int{xs[1], xs[2]}, k, s, []int{1, 1})
	if err != nil {
		return err
	}
	attrs := map[string]Attr{"kernel_shape": intsAttr(k), "strides": intsAttr(s), "pads": intsAttr(pads)}
	onnxOp := "MaxPool"
	if op.Type() == "AvgPool" {
		onnxOp = "AveragePool"
		attrs["count_include_pad"] = intAttr(0)
	}
	y := ex.tmp(op)
	ex.node(onnxOp, []string{ex.transposed(ins[0], toNCHW)}, []string{y}, attrs)
	ex.node("Transpose", []string{y}, out, map[string]Attr{"perm": intsAttr(toNHWC)})
	return nil
}

// convertBatchNorm exports FusedBatchNormInference (channels last, any
// rank from 2) as BatchNormalization (channels at axis 1).
func (ex *exporter) convertBatchNorm(op *tf.Operation, ins, out []string) error {
	r := op.Inputs()[0].Shape().Rank()
	if r < 2 {
		return unsupportedError(fmt.Sprintf("%s (%s of rank %d)", op.Name(), op.Type(), r))
	}
	attrs := map[string]Attr{"epsilon": {Kind: AttrFloat, Float: op.Attr("epsilon").(float64)}}
	relu := op.Attr("activation").(string) == "Relu"
	if r == 2 {
		if !relu {
			ex.node("BatchNormalization", ins, out, attrs)
			return nil
		}
		y := ex.tmp(op)
		ex.node("BatchNormalization", ins, []string{y}, attrs)
		ex.node("Relu", []string{y}, out, nil)
		return nil
	}
	first := make([]int, r) // channels last → channels at 1
	last := make([]int, r)  // and back
	first[0], last[0] = 0, 0
	first[1] = r - 1
	for i := 2; i < r; i++ {
		first[i] = i - 1
	}
	for i := 1; i < r-1; i++ {
		last[i] = i + 1
	}
	last[r-1] = 1
	y := ex.tmp(op)
	ex.node("BatchNormalization", append([]string{ex.transposed(ins[0], first)}, ins[1:]...), []string{y}, attrs)
	if relu {
		r := ex.tmp(op)
		ex.node("Relu", []string{y}, []string{r}, nil)
		y = r
	}
	ex.node("Transpose", []string{y}, out, map[string]Attr{"perm": intsAttr(last)})
	return nil
}

// convertPad exports tf's zero Pad as ONNX's constant Pad.
func (ex *exporter) convertPad(op *tf.Operation, ins, out []string) {
	flat := op.Attr("paddings").([]int) // (before, after) per dimension
	r := len(flat) / 2
	pads := make([]int, 2*r) // ONNX: every begin, then every end
	for i := 0; i < r; i++ {
		pads[i], pads[r+i] = flat[2*i], flat[2*i+1]
	}
	ex.node("Pad", []string{ins[0], ex.constant("pads", tensor.FromSlice(ints(pads)))}, out,
		map[string]Attr{"mode": {Kind: AttrString, String: "constant"}})
}

// convertConvTranspose exports Conv2DBackpropInput (Conv2DTranspose) as
// ConvTranspose: the forward convolution's "SAME" or "VALID" padding for
// the result's size, and output_padding for what that leaves over.
func (ex *exporter) convertConvTranspose(op *tf.Operation, ins, out []string) error {
	f, x := op.Inputs()[0], op.Inputs()[1]
	fs, xs := f.Shape(), x.Shape()
	size := op.Attr("input_sizes").(tensor.Shape)
	if xs.Rank() != 4 || fs.Rank() != 4 || len(size) != 4 || fs[0] < 0 || fs[1] < 0 || fs[2] < 0 || fs[3] < 0 || size[1] < 0 || size[2] < 0 || xs[1] < 0 || xs[2] < 0 || fs[2] != size[3] {
		return unsupportedError(fmt.Sprintf("%s (%s of %v by a filter %v to %v: known sizes and no groups needed)", op.Name(), op.Type(), xs, fs, size))
	}
	strides := op.Attr("strides").([]int)
	dil := op.Attr("dilations").([]int)
	k := []int{fs[0], fs[1]}
	pads, err := samePads(op, op.Attr("padding").(string), []int{size[1], size[2]}, k, strides, dil)
	if err != nil {
		return err
	}
	outPad := make([]int, 2)
	for i := 0; i < 2; i++ {
		full := strides[i]*(xs[1+i]-1) + (k[i]-1)*dil[i] + 1 - pads[i] - pads[2+i]
		outPad[i] = size[1+i] - full
		if outPad[i] < 0 {
			return unsupportedError(fmt.Sprintf("%s (%s to %v: smaller than its input allows)", op.Name(), op.Type(), size))
		}
	}
	attrs := map[string]Attr{"kernel_shape": intsAttr(k), "strides": intsAttr(strides), "dilations": intsAttr(dil),
		"pads": intsAttr(pads), "output_padding": intsAttr(outPad)}
	y := ex.tmp(op)
	ex.node("ConvTranspose", []string{ex.transposed(ins[1], toNCHW), ex.filterOIHW(f)}, []string{y}, attrs)
	ex.node("Transpose", []string{y}, out, map[string]Attr{"perm": intsAttr(toNHWC)})
	return nil
}
