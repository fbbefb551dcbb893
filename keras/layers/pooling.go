package layers

import (
	"fmt"

	"github.com/tensorgo/tensorgo/internal/conv"
	"github.com/tensorgo/tensorgo/tensor"
	"github.com/tensorgo/tensorgo/tf"
)

// PoolingLayer is one of Keras's pooling layers — MaxPooling1D/2D,
// AveragePooling1D/2D (ClassName says which) — on channels-last inputs.
// Max pooling pads with -inf; "same" average pooling leaves the padded
// cells out of each window's divisor, as TensorFlow does.
type PoolingLayer struct {
	Base
	PoolSize []int  // the window, one value per spatial dimension
	Strides  []int  // default: the pool size
	Padding  string // "valid" (default) or "same"
	rank     int
	max      bool
}

func newPool(class string, rank int, max bool, opts []Option) *PoolingLayer {
	l := &PoolingLayer{rank: rank, max: max}
	l.init(l, class, []string{optPoolSize, optStrides, optPadding}, opts)
	s := parseSpatial(opts)
	l.PoolSize = tuple(class, "pool size", s.poolSize, rank, 2, 1)
	l.Strides = l.PoolSize
	if s.strides != nil {
		l.Strides = tuple(class, "strides", s.strides, rank, 1, 1)
	}
	l.Padding = paddingOf(class, s.padding)
	return l
}

// MaxPooling2D returns Keras's 2-D max pooling. Besides the options every
// layer takes, it takes PoolSize (default (2, 2)), Strides (default the
// pool size) and Padding ("valid").
func MaxPooling2D(opts ...Option) *PoolingLayer { return newPool("MaxPooling2D", 2, true, opts) }

// AveragePooling2D returns Keras's 2-D average pooling; it takes
// MaxPooling2D's options.
func AveragePooling2D(opts ...Option) *PoolingLayer {
	return newPool("AveragePooling2D", 2, false, opts)
}

// MaxPooling1D returns Keras's 1-D max pooling of (batch, steps,
// channels) inputs (PoolSize default 2).
func MaxPooling1D(opts ...Option) *PoolingLayer { return newPool("MaxPooling1D", 1, true, opts) }

// AveragePooling1D returns Keras's 1-D average pooling.
func AveragePooling1D(opts ...Option) *PoolingLayer {
	return newPool("AveragePooling1D", 1, false, opts)
}

// Build implements Layer.
func (l *PoolingLayer) Build(in tensor.Shape) { l.ComputeOutputShape(in) }

// Call implements Layer.
func (l *PoolingLayer) Call(x *tf.Tensor, training bool) *tf.Tensor {
	switch {
	case l.rank == 1 && l.max:
		return tf.MaxPool1D(x, l.PoolSize[0], l.Strides[0], l.Padding)
	case l.rank == 1:
		return tf.AvgPool1D(x, l.PoolSize[0], l.Strides[0], l.Padding)
	case l.max:
		return tf.MaxPool(x, l.PoolSize, l.Strides, l.Padding)
	}
	return tf.AvgPool(x, l.PoolSize, l.Strides, l.Padding)
}

// ComputeOutputShape implements Layer. It panics, naming the layer and
// the shapes, when the window does not fit the input.
func (l *PoolingLayer) ComputeOutputShape(in tensor.Shape) tensor.Shape {
	if len(in) != l.rank+2 {
		panic(fmt.Sprintf("layers: %s (%s) expects an input of rank %d (batch, spatial..., channels), got %v", l.Name(), l.className, l.rank+2, in))
	}
	out := tensor.Shape{in[0]}
	pad := conv.Valid
	if l.Padding == "same" {
		pad = conv.Same
	}
	for i := 0; i < l.rank; i++ {
		if in[1+i] < 0 {
			out = append(out, -1)
			continue
		}
		o, _, _, err := conv.Window(in[1+i], l.PoolSize[i], l.Strides[i], 1, pad)
		if err != nil {
			panic(fmt.Sprintf("layers: %s (%s): input shape %v, pool size %v, strides %v, padding %q: %v",
				l.Name(), l.className, in, tensor.Shape(l.PoolSize), tensor.Shape(l.Strides), l.Padding, err))
		}
		out = append(out, o)
	}
	return append(out, in[len(in)-1])
}

// GlobalPoolingLayer is one of Keras's global poolings —
// GlobalAveragePooling1D/2D, GlobalMaxPooling1D/2D — reducing every
// spatial dimension to its mean or maximum: (batch, channels), or with
// KeepDims (batch, 1, ..., channels).
type GlobalPoolingLayer struct {
	Base
	KeepDims bool
	rank     int
	max      bool
}

func newGlobalPool(class string, rank int, max bool, opts []Option) *GlobalPoolingLayer {
	l := &GlobalPoolingLayer{rank: rank, max: max}
	l.init(l, class, []string{optKeepDims}, opts)
	if s := parseSpatial(opts); s.keepDims != nil {
		l.KeepDims = *s.keepDims
	}
	return l
}

// GlobalAveragePooling2D returns Keras's global average pooling of
// (batch, height, width, channels) inputs; it takes KeepDims.
func GlobalAveragePooling2D(opts ...Option) *GlobalPoolingLayer {
	return newGlobalPool("GlobalAveragePooling2D", 2, false, opts)
}

// GlobalMaxPooling2D returns Keras's global max pooling of 2-D inputs.
func GlobalMaxPooling2D(opts ...Option) *GlobalPoolingLayer {
	return newGlobalPool("GlobalMaxPooling2D", 2, true, opts)
}

// GlobalAveragePooling1D returns Keras's global average pooling of
// (batch, steps, channels) inputs.
func GlobalAveragePooling1D(opts ...Option) *GlobalPoolingLayer {
	return newGlobalPool("GlobalAveragePooling1D", 1, false, opts)
}

// GlobalMaxPooling1D returns Keras's global max pooling of 1-D inputs.
func GlobalMaxPooling1D(opts ...Option) *GlobalPoolingLayer {
	return newGlobalPool("GlobalMaxPooling1D", 1, true, opts)
}

// Build implements Layer.
func (l *GlobalPoolingLayer) Build(in tensor.Shape) { l.ComputeOutputShape(in) }

// Call implements Layer.
func (l *GlobalPoolingLayer) Call(x *tf.Tensor, training bool) *tf.Tensor {
	axes := make([]int, l.rank)
	for i := range axes {
		axes[i] = 1 + i
	}
	if l.max {
		return tf.ReduceMax(x, axes, l.KeepDims)
	}
	return tf.ReduceMean(x, axes, l.KeepDims)
}

// ComputeOutputShape implements Layer.
func (l *GlobalPoolingLayer) ComputeOutputShape(in tensor.Shape) tensor.Shape {
	if len(in) != l.rank+2 {
		panic(fmt.Sprintf("layers: %s (%s) expects an input of rank %d, got %v", l.Name(), l.className, l.rank+2, in))
	}
	if !l.KeepDims {
		return tensor.Shape{in[0], in[len(in)-1]}
	}
	out := tensor.Shape{in[0]}
	for i := 0; i < l.rank; i++ {
		out = append(out, 1)
	}
	return append(out, in[len(in)-1])
}
