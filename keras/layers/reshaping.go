package layers

import (
	"fmt"

	"github.com/tensorgo/tensorgo/tensor"
	"github.com/tensorgo/tensorgo/tf"
)

// Layers that reshape images (batch, height, width, channels) without
// weights: ZeroPadding2D, Cropping2D, UpSampling2D; and Rescaling and
// SpatialDropout2D.

// sides expands Keras's int / (h, w) / ((top, bottom), (left, right))
// argument: 1 value for every side, 2 for (height, width) symmetric, 4 for
// top, bottom, left, right.
func sides(class string, v []int, def int) [4]int {
	switch len(v) {
	case 0:
		return [4]int{def, def, def, def}
	case 1:
		return [4]int{v[0], v[0], v[0], v[0]}
	case 2:
		return [4]int{v[0], v[0], v[1], v[1]}
	case 4:
		return [4]int{v[0], v[1], v[2], v[3]}
	}
	panic(fmt.Sprintf("layers: %s: %v: want 1 value, 2 (height, width) or 4 (top, bottom, left, right)", class, v))
}

func check4D(l *Base, in tensor.Shape) {
	if len(in) != 4 {
		panic(fmt.Sprintf("layers: %s (%s) expects an input (batch, height, width, channels), got %v", l.Name(), l.className, in))
	}
}

// ZeroPadding2DLayer adds rows and columns of zeros around images.
type ZeroPadding2DLayer struct {
	Base
	Padding [4]int // top, bottom, left, right
}

// ZeroPadding2D returns Keras's ZeroPadding2D: padding is 1 value (every
// side; default 1), 2 (height, width) or 4 (top, bottom, left, right).
func ZeroPadding2D(padding []int, opts ...Option) *ZeroPadding2DLayer {
	l := &ZeroPadding2DLayer{Padding: sides("ZeroPadding2D", padding, 1)}
	for _, p := range l.Padding {
		if p < 0 {
			panic(fmt.Sprintf("layers: ZeroPadding2D: padding %v must not be negative", padding))
		}
	}
	l.Init(l, "ZeroPadding2D", opts...)
	return l
}

// Build implements Layer.
func (l *ZeroPadding2DLayer) Build(in tensor.Shape) { check4D(&l.Base, in) }

// Call implements Layer.
func (l *ZeroPadding2DLayer) Call(x *tf.Tensor, training bool) *tf.Tensor {
	p := l.Padding
	return tf.Pad(x, [][2]int{{0, 0}, {p[0], p[1]}, {p[2], p[3]}, {0, 0}})
}

// ComputeOutputShape implements Layer.
func (l *ZeroPadding2DLayer) ComputeOutputShape(in tensor.Shape) tensor.Shape {
	check4D(&l.Base, in)
	out := in.Clone()
	for i := 0; i < 2; i++ {
		if out[1+i] >= 0 {
			out[1+i] += l.Padding[2*i] + l.Padding[2*i+1]
		}
	}
	return out
}

// Cropping2DLayer removes rows and columns at the edges of images.
type Cropping2DLayer struct {
	Base
	Cropping [4]int // top, bottom, left, right
}

// Cropping2D returns Keras's Cropping2D: cropping is 1 value (every side;
// default 0), 2 (height, width) or 4 (top, bottom, left, right).
func Cropping2D(cropping []int, opts ...Option) *Cropping2DLayer {
	l := &Cropping2DLayer{Cropping: sides("Cropping2D", cropping, 0)}
	for _, c := range l.Cropping {
		if c < 0 {
			panic(fmt.Sprintf("layers: Cropping2D: cropping %v must not be negative", cropping))
		}
	}
	l.Init(l, "Cropping2D", opts...)
	return l
}

// Build implements Layer.
func (l *Cropping2DLayer) Build(in tensor.Shape) { l.ComputeOutputShape(in) }

// Call implements Layer.
func (l *Cropping2DLayer) Call(x *tf.Tensor, training bool) *tf.Tensor {
	out := l.ComputeOutputShape(x.Shape())
	c := l.Cropping
	return tf.Slice(x, []int{0, c[0], c[2], 0}, []int{-1, out[1], out[2], -1})
}

// ComputeOutputShape implements Layer. It panics when the cropping leaves
// nothing of the image.
func (l *Cropping2DLayer) ComputeOutputShape(in tensor.Shape) tensor.Shape {
	check4D(&l.Base, in)
	out := in.Clone()
	for i := 0; i < 2; i++ {
		if in[1+i] < 0 {
			panic(fmt.Sprintf("layers: %s (Cropping2D) needs known height and width, got %v", l.Name(), in))
		}
		out[1+i] -= l.Cropping[2*i] + l.Cropping[2*i+1]
		if out[1+i] < 1 {
			panic(fmt.Sprintf("layers: %s (Cropping2D): cropping %v leaves nothing of input %v", l.Name(), l.Cropping, in))
		}
	}
	return out
}

// UpSampling2DLayer repeats each row and column of images (nearest
// neighbour).
type UpSampling2DLayer struct {
	Base
	Size []int // (height, width) factors
}

// UpSampling2D returns Keras's UpSampling2D with factors size (1 value or
// height and width; default (2, 2)). It takes Interpolation, only
// "nearest" (the default).
func UpSampling2D(size []int, opts ...Option) *UpSampling2DLayer {
	l := &UpSampling2DLayer{Size: tuple("UpSampling2D", "size", size, 2, 2, 1)}
	l.init(l, "UpSampling2D", []string{optInterpolation}, opts)
	if s := parseSpatial(opts); s.interpolation != "" && s.interpolation != "nearest" {
		panic(fmt.Sprintf("layers: UpSampling2D: interpolation %q: only \"nearest\" is supported", s.interpolation))
	}
	return l
}

// Build implements Layer.
func (l *UpSampling2DLayer) Build(in tensor.Shape) { l.ComputeOutputShape(in) }

// Call implements Layer.
func (l *UpSampling2DLayer) Call(x *tf.Tensor, training bool) *tf.Tensor {
	s := x.Shape()
	if s[1] < 0 || s[2] < 0 || s[3] < 0 {
		panic(fmt.Sprintf("layers: %s (UpSampling2D) needs known height, width and channels, got %v", l.Name(), s))
	}
	return tf.UpSampling2D(x, l.Size[0], l.Size[1])
}

// ComputeOutputShape implements Layer.
func (l *UpSampling2DLayer) ComputeOutputShape(in tensor.Shape) tensor.Shape {
	check4D(&l.Base, in)
	out := in.Clone()
	for i := 0; i < 2; i++ {
		if out[1+i] >= 0 {
			out[1+i] *= l.Size[i]
		}
	}
	return out
}

// RescalingLayer computes x·scale + offset (Keras's Rescaling, as
// Rescaling(1/255) for pixels).
type RescalingLayer struct {
	Base
	Scale, Offset float64
}

// Rescaling returns Keras's Rescaling layer.
func Rescaling(scale, offset float64, opts ...Option) *RescalingLayer {
	l := &RescalingLayer{Scale: scale, Offset: offset}
	l.Init(l, "Rescaling", opts...)
	return l
}

// Build implements Layer.
func (l *RescalingLayer) Build(tensor.Shape) {}

// Call implements Layer.
func (l *RescalingLayer) Call(x *tf.Tensor, training bool) *tf.Tensor {
	if !x.DType().IsFloat() {
		x = tf.Cast(x, l.dtype) // integer pixels
	}
	y := tf.Mul(x, tf.Const(x.Graph(), tensor.Fill(x.DType(), l.Scale)))
	if l.Offset != 0 {
		y = tf.Add(y, tf.Const(x.Graph(), tensor.Fill(x.DType(), l.Offset)))
	}
	return y
}

// ComputeOutputShape implements Layer.
func (l *RescalingLayer) ComputeOutputShape(in tensor.Shape) tensor.Shape { return in.Clone() }

// SpatialDropout2DLayer drops whole channels of images while training
// (the same channels at every pixel of a sample), scaling the rest by
// 1/(1 − rate).
type SpatialDropout2DLayer struct {
	Base
	Rate float64
	seed []int64
}

// SpatialDropout2D returns Keras's SpatialDropout2D; it takes Seed.
func SpatialDropout2D(rate float64, opts ...Option) *SpatialDropout2DLayer {
	if rate < 0 || rate >= 1 {
		panic(fmt.Sprintf("layers: SpatialDropout2D: rate must be in [0, 1), got %v", rate))
	}
	l := &SpatialDropout2DLayer{Rate: rate}
	l.init(l, "SpatialDropout2D", []string{optSeed}, opts)
	if l.cfg.seed != nil {
		l.seed = []int64{*l.cfg.seed}
	}
	return l
}

// Build implements Layer.
func (l *SpatialDropout2DLayer) Build(in tensor.Shape) { check4D(&l.Base, in) }

// Call implements Layer.
func (l *SpatialDropout2DLayer) Call(x *tf.Tensor, training bool) *tf.Tensor {
	if !training || l.Rate == 0 {
		return x
	}
	// One mask value per (sample, channel), broadcast over the pixels.
	ones := tf.OnesLike(tf.StopGradient(tf.ReduceMean(x, []int{1, 2}, true)))
	return tf.Mul(x, tf.StopGradient(tf.Dropout(ones, l.Rate, l.seed...)))
}

// ComputeOutputShape implements Layer.
func (l *SpatialDropout2DLayer) ComputeOutputShape(in tensor.Shape) tensor.Shape { return in.Clone() }
