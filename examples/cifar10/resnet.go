package main

import (
	"github.com/tensorgo/tensorgo/keras"
	"github.com/tensorgo/tensorgo/keras/layers"
	"github.com/tensorgo/tensorgo/keras/regularizers"
	"github.com/tensorgo/tensorgo/tensor"
	"github.com/tensorgo/tensorgo/tf"
)

// ResnetBlock is the course's residual block: two 3×3 same convolutions
// without bias, each followed by BatchNormalization (relu between them),
// added to the block's input and passed through relu. With a residual path
// the input first goes through a 1×1 convolution (no bias, the block's
// stride) and BatchNormalization, so that its shape matches.
type ResnetBlock struct {
	layers.Base
	c1, c2, downC *layers.ConvLayer
	b1, b2, downB *layers.BatchNormalizationLayer
	a1, a2        *layers.ActivationLayer
	add           *layers.AddLayer
	residualPath  bool
}

// NewResnetBlock returns a ResnetBlock with the given filters and stride of
// its first convolution; residualPath adds the 1×1 shortcut convolution.
func NewResnetBlock(filters, stride int, residualPath bool) *ResnetBlock {
	conv := func(k, s int) *layers.ConvLayer {
		return layers.Conv2D(filters, []int{k, k}, layers.Strides(s, s), layers.Padding("same"), layers.UseBias(false))
	}
	b := &ResnetBlock{
		c1: conv(3, stride), b1: layers.BatchNormalization(), a1: layers.Activation("relu"),
		c2: conv(3, 1), b2: layers.BatchNormalization(),
		add: layers.Add(), a2: layers.Activation("relu"),
		residualPath: residualPath,
	}
	if residualPath {
		b.downC, b.downB = conv(1, stride), layers.BatchNormalization()
	}
	b.Init(b, "ResnetBlock")
	return b
}

// Build does nothing: the sublayers build themselves when called.
func (b *ResnetBlock) Build(tensor.Shape) {}

// Call is the block's forward pass.
func (b *ResnetBlock) Call(x *tf.Tensor, training bool) *tf.Tensor {
	residual := x
	y := b.a1.Apply(b.b1.Apply(b.c1.Apply(x)))
	y = b.b2.Apply(b.c2.Apply(y))
	if b.residualPath {
		residual = b.downB.Apply(b.downC.Apply(x))
	}
	return b.a2.Apply(b.add.Apply(y, residual))
}

// ComputeOutputShape is the shape after both convolutions.
func (b *ResnetBlock) ComputeOutputShape(in tensor.Shape) tensor.Shape {
	return b.c2.ComputeOutputShape(b.c1.ComputeOutputShape(in))
}

// ResNet18 is the course's ResNet18: Conv2D(64, 3×3, same, no bias), BN,
// relu, then stages of ResnetBlocks (blockList blocks each) with 64, 128,
// 256, 512 filters, the first block of every stage after the first having
// stride 2 and a residual path; global average pooling and Dense(10,
// softmax) whose kernel has an L2 penalty of 0.01 (Keras's l2()).
type ResNet18 struct {
	*keras.Model
	c1     *layers.ConvLayer
	b1     *layers.BatchNormalizationLayer
	a1     *layers.ActivationLayer
	blocks []*ResnetBlock
	p1     *layers.GlobalPoolingLayer
	f1     *layers.DenseLayer
}

// NewResNet18 returns the course's ResNet18 (blockList [2, 2, 2, 2]), built
// for 32×32×3 images.
func NewResNet18(blockList []int, numClasses int) *ResNet18 {
	filters := 64
	m := &ResNet18{
		c1: layers.Conv2D(filters, []int{3, 3}, layers.Padding("same"), layers.UseBias(false)),
		b1: layers.BatchNormalization(),
		a1: layers.Activation("relu"),
		p1: layers.GlobalAveragePooling2D(),
		f1: layers.Dense(numClasses, layers.Activation("softmax"), layers.KernelRegularizer(regularizers.L2(0.01))),
	}
	for stage, n := range blockList {
		for i := 0; i < n; i++ {
			if stage != 0 && i == 0 {
				m.blocks = append(m.blocks, NewResnetBlock(filters, 2, true))
			} else {
				m.blocks = append(m.blocks, NewResnetBlock(filters, 1, false))
			}
		}
		filters *= 2
	}
	m.Model = keras.NewSubclassed(m, 32, 32, 3)
	return m
}

// Call is the forward pass.
func (m *ResNet18) Call(x *tf.Tensor, training bool) *tf.Tensor {
	x = m.a1.Apply(m.b1.Apply(m.c1.Apply(x)))
	for _, b := range m.blocks {
		x = b.Apply(x)
	}
	return m.f1.Apply(m.p1.Apply(x))
}
