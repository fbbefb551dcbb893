package layers

import (
	"fmt"
	"strings"

	"github.com/tensorgo/tensorgo/internal/conv"
	"github.com/tensorgo/tensorgo/keras/activations"
	"github.com/tensorgo/tensorgo/keras/initializers"
	"github.com/tensorgo/tensorgo/keras/regularizers"
	"github.com/tensorgo/tensorgo/tensor"
	"github.com/tensorgo/tensorgo/tf"
)

// ConvLayer is one of Keras's convolution layers — Conv1D, Conv2D,
// Conv2DTranspose, DepthwiseConv2D, SeparableConv2D (ClassName says which)
// — on channels-last inputs: (batch, steps, channels) for Conv1D, (batch,
// height, width, channels) for the others. Its output is
// activation(conv(x, kernel) + bias).
type ConvLayer struct {
	Base
	// Filters is the number of output channels (for DepthwiseConv2D: the
	// input channels times DepthMultiplier).
	Filters      int
	KernelSize   []int  // one value per spatial dimension
	Strides      []int  // one value per spatial dimension
	Padding      string // "valid", "same", or for Conv1D "causal"
	DilationRate []int
	Groups       int
	// DepthMultiplier is the filters per input channel of the depthwise
	// step (DepthwiseConv2D, SeparableConv2D).
	DepthMultiplier int
	Activation      activations.Func
	ActivationName  string
	UseBias         bool
	// Kernel is the filter in Keras's layout: (k, in/groups, filters) for
	// Conv1D, (kh, kw, in/groups, filters) for Conv2D, (kh, kw, filters,
	// in) for Conv2DTranspose, (kh, kw, in, multiplier) for the depthwise
	// kernel of DepthwiseConv2D and SeparableConv2D. Pointwise is
	// SeparableConv2D's (1, 1, in·multiplier, filters) kernel.
	Kernel, Pointwise, Bias *tf.Variable

	rank                         int
	kernelInit, biasInit, ptInit initializers.Initializer
	kernelReg, biasReg           regularizers.Regularizer
}

var convExtra = []string{optStrides, optPadding, optDilationRate, optActivation, optUseBias, optKernelInitializer,
	optBiasInitializer, optKernelRegularizer, optBiasRegularizer}

func newConv(class string, rank, filters int, kernelSize []int, extra []string, opts []Option) *ConvLayer {
	if filters <= 0 && class != "DepthwiseConv2D" {
		panic(fmt.Sprintf("layers: %s: filters must be positive, got %d", class, filters))
	}
	l := &ConvLayer{Filters: filters, rank: rank}
	l.init(l, class, append(append([]string(nil), convExtra...), extra...), opts)
	s := parseSpatial(opts)
	l.KernelSize = tuple(class, "kernel size", kernelSize, rank, 0, 1)
	l.Strides = tuple(class, "strides", s.strides, rank, 1, 1)
	l.DilationRate = tuple(class, "dilation rate", s.dilation, rank, 1, 1)
	if class == "Conv1D" && strings.ToLower(s.padding) == "causal" {
		l.Padding = "causal" // left padding only: output t sees inputs up to t
	} else {
		l.Padding = paddingOf(class, s.padding)
	}
	l.Groups = 1
	if s.groups != 0 {
		if s.groups < 1 || filters%s.groups != 0 {
			panic(fmt.Sprintf("layers: %s: groups %d must be positive and divide filters %d", class, s.groups, filters))
		}
		l.Groups = s.groups
	}
	l.DepthMultiplier = 1
	if s.depthMultiplier != 0 {
		if s.depthMultiplier < 1 {
			panic(fmt.Sprintf("layers: %s: depth multiplier %d must be positive", class, s.depthMultiplier))
		}
		l.DepthMultiplier = s.depthMultiplier
	}
	c := &l.cfg
	l.Activation, l.ActivationName = c.activationFn, c.activationName
	if l.Activation == nil {
		l.Activation, l.ActivationName = activations.Linear, "linear"
	}
	l.UseBias = !c.noBias
	l.kernelInit, l.biasInit = c.kernelInit, c.biasInit
	if s.depthwiseInit != nil {
		l.kernelInit = toInit(optDepthwiseInitializer, s.depthwiseInit)
	}
	if l.kernelInit == nil {
		l.kernelInit = initializers.GlorotUniform()
	}
	l.ptInit = initializers.GlorotUniform()
	if s.pointInit != nil {
		l.ptInit = toInit(optPointwiseInitializer, s.pointInit)
	}
	if l.biasInit == nil {
		l.biasInit = initializers.Zeros()
	}
	l.kernelReg, l.biasReg = c.kernelReg, c.biasReg
	return l
}

// Conv2D returns Keras's 2-D convolution with filters output channels and
// a kernel of kernelSize (one value for both dimensions, or height and
// width). Besides the options every layer takes, it takes Strides
// (default 1), Padding ("valid"), DilationRate (1), Groups (1),
// Activation (linear), UseBias (true), KernelInitializer
// (glorot_uniform), BiasInitializer (zeros), KernelRegularizer and
// BiasRegularizer. It has kh·kw·(in/groups)·filters + filters parameters.
func Conv2D(filters int, kernelSize []int, opts ...Option) *ConvLayer {
	return newConv("Conv2D", 2, filters, kernelSize, []string{optGroups}, opts)
}

// Conv1D returns Keras's 1-D (temporal) convolution of (batch, steps,
// channels) inputs; it takes Conv2D's options, and Padding also takes
// "causal": (k − 1)·dilation zeros before the first step only, so that
// output t depends on inputs up to t.
func Conv1D(filters, kernelSize int, opts ...Option) *ConvLayer {
	return newConv("Conv1D", 1, filters, []int{kernelSize}, []string{optGroups}, opts)
}

// Conv2DTranspose returns Keras's transposed convolution (the gradient of
// a Conv2D, sometimes called deconvolution): "valid" gives in·stride +
// max(k − stride, 0) outputs per dimension, "same" in·stride. It takes
// Conv2D's options but Groups.
func Conv2DTranspose(filters int, kernelSize []int, opts ...Option) *ConvLayer {
	return newConv("Conv2DTranspose", 2, filters, kernelSize, nil, opts)
}

// DepthwiseConv2D returns Keras's depthwise convolution: each input
// channel convolved with DepthMultiplier (default 1) filters of its own,
// giving in·multiplier channels. Besides Conv2D's options but Groups it
// takes DepthMultiplier and DepthwiseInitializer (KernelInitializer sets
// the same kernel).
func DepthwiseConv2D(kernelSize []int, opts ...Option) *ConvLayer {
	return newConv("DepthwiseConv2D", 2, 0, kernelSize, []string{optDepthMultiplier, optDepthwiseInitializer}, opts)
}

// SeparableConv2D returns Keras's depthwise-separable convolution: a
// depthwise convolution (DepthMultiplier filters per channel) followed by
// a 1×1 convolution to filters channels. It takes DepthwiseConv2D's
// options and PointwiseInitializer.
func SeparableConv2D(filters int, kernelSize []int, opts ...Option) *ConvLayer {
	return newConv("SeparableConv2D", 2, filters, kernelSize,
		[]string{optDepthMultiplier, optDepthwiseInitializer, optPointwiseInitializer}, opts)
}

// Build implements Layer.
func (l *ConvLayer) Build(in tensor.Shape) {
	ch := l.checkInput(in)
	var ks tensor.Shape
	for _, k := range l.KernelSize {
		ks = append(ks, k)
	}
	switch l.className {
	case "Conv1D", "Conv2D":
		if ch%l.Groups != 0 {
			panic(fmt.Sprintf("layers: %s (%s): input shape %v: %d channels are not divisible into %d groups", l.Name(), l.className, in, ch, l.Groups))
		}
		l.Kernel = l.AddWeight("kernel", append(ks, ch/l.Groups, l.Filters), l.kernelInit, l.kernelReg, true)
	case "Conv2DTranspose":
		l.Kernel = l.AddWeight("kernel", append(ks, l.Filters, ch), l.kernelInit, l.kernelReg, true)
	case "DepthwiseConv2D":
		l.Filters = ch * l.DepthMultiplier
		l.Kernel = l.AddWeight("kernel", append(ks, ch, l.DepthMultiplier), l.kernelInit, l.kernelReg, true)
	case "SeparableConv2D":
		l.Kernel = l.AddWeight("depthwise_kernel", append(ks, ch, l.DepthMultiplier), l.kernelInit, l.kernelReg, true)
		l.Pointwise = l.AddWeight("pointwise_kernel", tensor.Shape{1, 1, ch * l.DepthMultiplier, l.Filters}, l.ptInit, nil, true)
	}
	if l.UseBias {
		l.Bias = l.AddWeight("bias", tensor.Shape{l.Filters}, l.biasInit, l.biasReg, true)
	}
}

// checkInput checks the input's rank, known channels and spatial sizes
// against the kernel and returns the channels.
func (l *ConvLayer) checkInput(in tensor.Shape) int {
	if len(in) != l.rank+2 || in[len(in)-1] < 1 {
		what := "(batch, height, width, channels)"
		if l.rank == 1 {
			what = "(batch, steps, channels)"
		}
		panic(fmt.Sprintf("layers: %s (%s) expects an input %s with known channels, got %v", l.Name(), l.className, what, in))
	}
	l.outputSpatial(in)
	return in[len(in)-1]
}

// outputSpatial returns the output's spatial sizes, panicking when the
// kernel does not fit the input.
func (l *ConvLayer) outputSpatial(in tensor.Shape) []int {
	out := make([]int, l.rank)
	for i := 0; i < l.rank; i++ {
		n := in[1+i]
		if n < 0 {
			out[i] = -1
			continue
		}
		k, s, d := l.KernelSize[i], l.Strides[i], l.DilationRate[i]
		if l.className == "Conv2DTranspose" {
			eff := (k-1)*d + 1
			out[i] = n * s
			if l.Padding == "valid" {
				out[i] += max(eff-s, 0)
			}
			continue
		}
		pad := conv.Valid
		if l.Padding == "same" {
			pad = conv.Same
		}
		if l.Padding == "causal" {
			n += (k - 1) * d
		}
		o, _, _, err := conv.Window(n, k, s, d, pad)
		if err != nil {
			panic(fmt.Sprintf("layers: %s (%s): input shape %v, kernel size %v, strides %v, dilation rate %v, padding %q: %v",
				l.Name(), l.className, in, tensor.Shape(l.KernelSize), tensor.Shape(l.Strides), tensor.Shape(l.DilationRate), l.Padding, err))
		}
		out[i] = o
	}
	return out
}

// Call implements Layer.
func (l *ConvLayer) Call(x *tf.Tensor, training bool) *tf.Tensor {
	k := read(l.Kernel, x)
	dil := tf.Dilations(l.DilationRate...)
	var y *tf.Tensor
	switch l.className {
	case "Conv1D":
		if l.Padding == "causal" {
			x = tf.Pad(x, [][2]int{{0, 0}, {(l.KernelSize[0] - 1) * l.DilationRate[0], 0}, {0, 0}})
			y = tf.Conv1D(x, k, l.Strides[0], "valid", dil)
			break
		}
		y = tf.Conv1D(x, k, l.Strides[0], l.Padding, dil)
	case "Conv2D":
		if l.UseBias && (l.ActivationName == "relu" || l.ActivationName == "linear") {
			// One pass writes conv + bias, relu'd.
			return tf.FusedConv2D(x, k, read(l.Bias, x), l.Strides, l.Padding, l.ActivationName, dil)
		}
		y = tf.Conv2D(x, k, l.Strides, l.Padding, dil)
	case "Conv2DTranspose":
		out := l.ComputeOutputShape(x.Shape())
		y = tf.Conv2DTranspose(x, k, out, l.Strides, l.Padding, dil)
	case "DepthwiseConv2D":
		y = tf.DepthwiseConv2D(x, k, l.Strides, l.Padding, dil)
	case "SeparableConv2D":
		y = tf.SeparableConv2D(x, k, read(l.Pointwise, x), l.Strides, l.Padding, dil)
	}
	if l.UseBias {
		y = tf.BiasAdd(y, read(l.Bias, x))
	}
	return l.Activation(y)
}

// ComputeOutputShape implements Layer.
func (l *ConvLayer) ComputeOutputShape(in tensor.Shape) tensor.Shape {
	if len(in) != l.rank+2 {
		panic(fmt.Sprintf("layers: %s (%s) expects an input of rank %d, got %v", l.Name(), l.className, l.rank+2, in))
	}
	out := tensor.Shape{in[0]}
	for _, d := range l.outputSpatial(in) {
		out = append(out, d)
	}
	f := l.Filters
	if l.className == "DepthwiseConv2D" {
		f = in[len(in)-1] * l.DepthMultiplier
	}
	return append(out, f)
}
