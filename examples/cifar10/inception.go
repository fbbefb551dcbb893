package main

import (
	"github.com/tensorgo/tensorgo/keras"
	"github.com/tensorgo/tensorgo/keras/layers"
	"github.com/tensorgo/tensorgo/tensor"
	"github.com/tensorgo/tensorgo/tf"
)

// ConvBNRelu is the course's Inception building block: Conv2D (same
// padding), BatchNormalization and relu. As the course writes it, it calls
// its layers with training=False, so its BatchNormalization always
// normalises with its moving statistics (which training therefore never
// updates), also while fitting; gamma and beta are still trained.
type ConvBNRelu struct {
	layers.Base
	conv *layers.ConvLayer
	bn   *layers.BatchNormalizationLayer
	act  *layers.ActivationLayer
}

// NewConvBNRelu returns a ConvBNRelu with ch filters of size k×k and the
// given stride.
func NewConvBNRelu(ch, k, stride int) *ConvBNRelu {
	c := &ConvBNRelu{
		conv: layers.Conv2D(ch, []int{k, k}, layers.Strides(stride, stride), layers.Padding("same")),
		bn:   layers.BatchNormalization(),
		act:  layers.Activation("relu"),
	}
	c.Init(c, "ConvBNRelu")
	return c
}

// Build does nothing: the sublayers build themselves when called.
func (c *ConvBNRelu) Build(tensor.Shape) {}

// Call applies the convolution, the batch normalisation and relu, all with
// training=False (the course's self.model(x, training=False)).
func (c *ConvBNRelu) Call(x *tf.Tensor, training bool) *tf.Tensor {
	x = layers.ApplyTraining(c.conv, false, x)
	x = layers.ApplyTraining(c.bn, false, x)
	return layers.ApplyTraining(c.act, false, x)
}

// ComputeOutputShape is the convolution's output shape.
func (c *ConvBNRelu) ComputeOutputShape(in tensor.Shape) tensor.Shape {
	return c.conv.ComputeOutputShape(in)
}

// InceptionBlk is the course's Inception block: four branches of ch
// channels each — a 1×1 ConvBNRelu; 1×1 then 3×3; 1×1 then 5×5; 3×3 max
// pooling (stride 1, same) then 1×1 — joined on the channel axis. The 1×1
// convolutions take the block's stride.
type InceptionBlk struct {
	layers.Base
	c1, c21, c22, c31, c32, c42 *ConvBNRelu
	p41                         *layers.PoolingLayer
	cat                         *layers.ConcatenateLayer
}

// NewInceptionBlk returns an InceptionBlk with ch channels per branch.
func NewInceptionBlk(ch, stride int) *InceptionBlk {
	b := &InceptionBlk{
		c1:  NewConvBNRelu(ch, 1, stride),
		c21: NewConvBNRelu(ch, 1, stride),
		c22: NewConvBNRelu(ch, 3, 1),
		c31: NewConvBNRelu(ch, 1, stride),
		c32: NewConvBNRelu(ch, 5, 1),
		p41: layers.MaxPooling2D(layers.PoolSize(3, 3), layers.Strides(1, 1), layers.Padding("same")),
		c42: NewConvBNRelu(ch, 1, stride),
		cat: layers.Concatenate(-1),
	}
	b.Init(b, "InceptionBlk")
	return b
}

// Build does nothing: the sublayers build themselves when called.
func (b *InceptionBlk) Build(tensor.Shape) {}

// Call runs the four branches and concatenates them (axis 3, channels).
func (b *InceptionBlk) Call(x *tf.Tensor, training bool) *tf.Tensor {
	x1 := b.c1.Apply(x)
	x2 := b.c22.Apply(b.c21.Apply(x))
	x3 := b.c32.Apply(b.c31.Apply(x))
	x4 := b.c42.Apply(b.p41.Apply(x))
	return b.cat.Apply(x1, x2, x3, x4)
}

// ComputeOutputShape is a branch's shape with four times its channels.
func (b *InceptionBlk) ComputeOutputShape(in tensor.Shape) tensor.Shape {
	out := append(tensor.Shape(nil), b.c1.ComputeOutputShape(in)...)
	out[len(out)-1] *= 4
	return out
}

// Inception10 is the course's Inception10: ConvBNRelu(16, 3×3), then
// numBlocks blocks of two InceptionBlks (the first with stride 2), with 16
// channels per branch in the first block and twice as many in each next
// one, global average pooling and Dense(numClasses, softmax).
type Inception10 struct {
	*keras.Model
	c1     *ConvBNRelu
	blocks []*InceptionBlk
	p1     *layers.GlobalPoolingLayer
	f1     *layers.DenseLayer
}

// NewInception10 returns the course's Inception10 (the course uses
// numBlocks 2, numClasses 10), built for 32×32×3 images.
func NewInception10(numBlocks, numClasses int) *Inception10 {
	m := &Inception10{
		c1: NewConvBNRelu(16, 3, 1),
		p1: layers.GlobalAveragePooling2D(),
		f1: layers.Dense(numClasses, layers.Activation("softmax")),
	}
	ch := 16
	for i := 0; i < numBlocks; i++ {
		m.blocks = append(m.blocks, NewInceptionBlk(ch, 2), NewInceptionBlk(ch, 1))
		ch *= 2
	}
	m.Model = keras.NewSubclassed(m, 32, 32, 3)
	return m
}

// Call is the forward pass.
func (m *Inception10) Call(x *tf.Tensor, training bool) *tf.Tensor {
	x = m.c1.Apply(x)
	for _, b := range m.blocks {
		x = b.Apply(x)
	}
	return m.f1.Apply(m.p1.Apply(x))
}
