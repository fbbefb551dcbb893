package tf

import (
	"fmt"

	"github.com/tensorgo/tensorgo/tensor"
)

// Convolutions built from Conv2D and its gradients, as TensorFlow builds
// them.

// DepthwiseConv2D convolves each channel of x (NHWC) with its own
// channelMultiplier filters: filter is (kh, kw, C, M) and the output has
// C·M channels, channel c·M+m from input channel c and filter[:, :, c, m]
// (tf.nn.depthwise_conv2d). It is a Conv2D with C groups.
func DepthwiseConv2D(x, filter *Tensor, strides []int, padding string, opts ...ConvOption) *Tensor {
	f := filter.shape
	if len(f) != 4 || len(x.shape) != 4 || (x.shape[3] >= 0 && f[2] >= 0 && x.shape[3] != f[2]) || !known(f) {
		panic(&ShapeError{Op: "DepthwiseConv2D", Type: "DepthwiseConv2D",
			Inputs: []TensorSpec{{x.dtype, x.shape}, {filter.dtype, f}},
			Msg:    "want an NHWC input and a known (kh, kw, C, multiplier) filter whose C is the input's channels"})
	}
	return Conv2D(x, Reshape(filter, f[0], f[1], 1, f[2]*f[3]), strides, padding, opts...)
}

// SeparableConv2D is a depthwise convolution followed by a 1×1 pointwise
// one (tf.nn.separable_conv2d): depthwise (kh, kw, C, M), pointwise
// (1, 1, C·M, O).
func SeparableConv2D(x, depthwise, pointwise *Tensor, strides []int, padding string, opts ...ConvOption) *Tensor {
	return Conv2D(DepthwiseConv2D(x, depthwise, strides, padding, opts...), pointwise, []int{1, 1}, "VALID")
}

// Conv2DTranspose is the transpose (gradient) of Conv2D, sometimes called
// deconvolution (tf.nn.conv2d_transpose): x is NHWC, filter is (kh, kw,
// out channels, in channels) and outputShape is the NHWC result (its batch
// may be -1: x's is used). A Conv2D of the result by filter with the same
// strides and padding has x's shape.
func Conv2DTranspose(x, filter *Tensor, outputShape []int, strides []int, padding string, opts ...ConvOption) *Tensor {
	var o convOpts
	for _, f := range opts {
		f(&o)
	}
	a := []any{pair("Conv2DTranspose", "strides", strides, 1), normPadding("Conv2DTranspose", padding), pair("Conv2DTranspose", "dilations", o.dilations, 1)}
	if len(outputShape) != 4 {
		panic(opErr("Conv2DTranspose", "output shape %v: want NHWC (rank 4)", outputShape))
	}
	return conv2DBackpropInput(tensor.Shape(outputShape), filter, x, a)
}

// Conv1D convolves x (batch, steps, channels) with filter (k, in, out)
// (tf.nn.conv1d): a Conv2D of height 1. stride and dilation are single
// numbers.
func Conv1D(x, filter *Tensor, stride int, padding string, opts ...ConvOption) *Tensor {
	if len(x.shape) != 3 || len(filter.shape) != 3 {
		panic(&ShapeError{Op: "Conv1D", Type: "Conv1D", Inputs: []TensorSpec{{x.dtype, x.shape}, {filter.dtype, filter.shape}},
			Msg: "want an input (batch, steps, channels) and a filter (k, in, out)"})
	}
	var o convOpts
	for _, f := range opts {
		f(&o)
	}
	d := 1
	if len(o.dilations) > 0 {
		d = o.dilations[0]
	}
	y := Conv2D(ExpandDims(x, 1), ExpandDims(filter, 0), []int{1, stride}, padding, Dilations(1, d))
	return Squeeze(y, 1)
}

// MaxPool1D takes the maximum of windows of size k of x (batch, steps,
// channels), moving by stride (0: k).
func MaxPool1D(x *Tensor, k, stride int, padding string) *Tensor {
	return pool1D(MaxPool, x, k, stride, padding)
}

// AvgPool1D averages windows of size k of x (batch, steps, channels),
// moving by stride (0: k).
func AvgPool1D(x *Tensor, k, stride int, padding string) *Tensor {
	return pool1D(AvgPool, x, k, stride, padding)
}

func pool1D(f func(*Tensor, []int, []int, string) *Tensor, x *Tensor, k, stride int, padding string) *Tensor {
	if len(x.shape) != 3 {
		panic(&ShapeError{Op: "Pool1D", Type: "Pool1D", Inputs: []TensorSpec{{x.dtype, x.shape}}, Msg: "want an input (batch, steps, channels)"})
	}
	if stride == 0 {
		stride = k
	}
	return Squeeze(f(ExpandDims(x, 1), []int{1, k}, []int{1, stride}, padding), 1)
}

// UpSampling2D repeats each row of x (NHWC, known height, width and
// channels) sh times and each column sw times: nearest-neighbour
// up-sampling, built from Concat and Reshape.
func UpSampling2D(x *Tensor, sh, sw int) *Tensor {
	s := x.shape
	if len(s) != 4 || s[1] < 0 || s[2] < 0 || s[3] < 0 || sh < 1 || sw < 1 {
		panic(&ShapeError{Op: "UpSampling2D", Type: "UpSampling2D", Inputs: []TensorSpec{{x.dtype, s}},
			Msg: fmt.Sprintf("want an NHWC input with known height, width and channels and factors >= 1, got (%d, %d)", sh, sw)})
	}
	h, w, c := s[1], s[2], s[3]
	rep := func(t *Tensor, axis, n int) *Tensor {
		xs := make([]*Tensor, n)
		for i := range xs {
			xs[i] = t
		}
		return Concat(axis, xs...)
	}
	// (N, H, W, C) → (N, H, sh, W, C) → (N, H·sh, W, C) → (N, H·sh, W, sw, C).
	y := Reshape(rep(ExpandDims(x, 2), 2, sh), -1, h*sh, w, c)
	return Reshape(rep(ExpandDims(y, 3), 3, sw), -1, h*sh, w*sw, c)
}
