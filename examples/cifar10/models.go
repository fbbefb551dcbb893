package main

import (
	"fmt"
	"sort"

	"github.com/tensorgo/tensorgo/keras"
	"github.com/tensorgo/tensorgo/keras/layers"
)

// Every zoo model takes 32×32×3 images and ends in Dense(10, softmax), as
// the course's models do; they are trained with sparse categorical
// cross-entropy on the probabilities (from_logits=False).

// builders maps each -model name to the function building that model.
var builders = map[string]func() *keras.Model{
	"baseline":    newBaseline,
	"lenet5":      newLeNet5,
	"alexnet8":    newAlexNet8,
	"vgg16":       newVGG16,
	"inception10": func() *keras.Model { return NewInception10(2, 10).Model },
	"resnet18":    func() *keras.Model { return NewResNet18([]int{2, 2, 2, 2}, 10).Model },
}

// modelNames lists the -model values, sorted.
func modelNames() []string {
	var names []string
	for n := range builders {
		names = append(names, n)
	}
	sort.Strings(names)
	return names
}

// buildModel returns a fresh model of the named kind.
func buildModel(name string) (*keras.Model, error) {
	b, ok := builders[name]
	if !ok {
		return nil, fmt.Errorf("unknown model %q (want one of %v)", name, modelNames())
	}
	return b(), nil
}

// relu is the course's Activation('relu') layer.
func relu() layers.Layer { return layers.Activation("relu") }

// newBaseline is the course's Baseline: Conv2D(6, 5×5, same), BN, relu,
// MaxPool2D(2, 2, same), Dropout(0.2), Flatten, Dense(128, relu),
// Dropout(0.2), Dense(10, softmax).
func newBaseline() *keras.Model {
	return keras.NewSequential(
		layers.Conv2D(6, []int{5, 5}, layers.Padding("same"), layers.InputShape(32, 32, 3)),
		layers.BatchNormalization(),
		relu(),
		layers.MaxPooling2D(layers.PoolSize(2, 2), layers.Strides(2, 2), layers.Padding("same")),
		layers.Dropout(0.2),
		layers.Flatten(),
		layers.Dense(128, layers.Activation("relu")),
		layers.Dropout(0.2),
		layers.Dense(10, layers.Activation("softmax")),
	)
}

// newLeNet5 is the course's LeNet5: two valid 5×5 convolutions (6 and 16
// filters, sigmoid) each followed by 2×2 max pooling, then Dense(120,
// sigmoid), Dense(84, sigmoid), Dense(10, softmax).
func newLeNet5() *keras.Model {
	return keras.NewSequential(
		layers.Conv2D(6, []int{5, 5}, layers.Activation("sigmoid"), layers.InputShape(32, 32, 3)),
		layers.MaxPooling2D(layers.PoolSize(2, 2), layers.Strides(2, 2)),
		layers.Conv2D(16, []int{5, 5}, layers.Activation("sigmoid")),
		layers.MaxPooling2D(layers.PoolSize(2, 2), layers.Strides(2, 2)),
		layers.Flatten(),
		layers.Dense(120, layers.Activation("sigmoid")),
		layers.Dense(84, layers.Activation("sigmoid")),
		layers.Dense(10, layers.Activation("softmax")),
	)
}

// newAlexNet8 is the course's AlexNet8: five 3×3 convolutions (96, 256
// valid with BN and relu; 384, 384, 256 same with relu), 3×3 stride-2 max
// pooling after the first, second and fifth, then Dense(2048, relu),
// Dropout(0.5), Dense(2048, relu), Dropout(0.5), Dense(10, softmax).
func newAlexNet8() *keras.Model {
	pool := func() layers.Layer { return layers.MaxPooling2D(layers.PoolSize(3, 3), layers.Strides(2, 2)) }
	return keras.NewSequential(
		layers.Conv2D(96, []int{3, 3}, layers.InputShape(32, 32, 3)),
		layers.BatchNormalization(),
		relu(),
		pool(),
		layers.Conv2D(256, []int{3, 3}),
		layers.BatchNormalization(),
		relu(),
		pool(),
		layers.Conv2D(384, []int{3, 3}, layers.Padding("same"), layers.Activation("relu")),
		layers.Conv2D(384, []int{3, 3}, layers.Padding("same"), layers.Activation("relu")),
		layers.Conv2D(256, []int{3, 3}, layers.Padding("same"), layers.Activation("relu")),
		pool(),
		layers.Flatten(),
		layers.Dense(2048, layers.Activation("relu")),
		layers.Dropout(0.5),
		layers.Dense(2048, layers.Activation("relu")),
		layers.Dropout(0.5),
		layers.Dense(10, layers.Activation("softmax")),
	)
}

// newVGG16 is the course's VGG16: 13 3×3 same convolutions, each with BN
// and relu, in stages of 64, 64 | 128, 128 | 256 ×3 | 512 ×3 | 512 ×3
// filters, each stage ending in MaxPool2D(2, 2, same) and Dropout(0.2);
// then Dense(512, relu), Dropout(0.2), Dense(512, relu), Dropout(0.2),
// Dense(10, softmax).
func newVGG16() *keras.Model {
	m := keras.NewSequential()
	first := true
	for _, stage := range [][]int{{64, 64}, {128, 128}, {256, 256, 256}, {512, 512, 512}, {512, 512, 512}} {
		for _, filters := range stage {
			opts := []layers.Option{layers.Padding("same")}
			if first {
				opts = append(opts, layers.InputShape(32, 32, 3))
				first = false
			}
			m.Add(layers.Conv2D(filters, []int{3, 3}, opts...))
			m.Add(layers.BatchNormalization())
			m.Add(relu())
		}
		m.Add(layers.MaxPooling2D(layers.PoolSize(2, 2), layers.Strides(2, 2), layers.Padding("same")))
		m.Add(layers.Dropout(0.2))
	}
	m.Add(layers.Flatten())
	m.Add(layers.Dense(512, layers.Activation("relu")))
	m.Add(layers.Dropout(0.2))
	m.Add(layers.Dense(512, layers.Activation("relu")))
	m.Add(layers.Dropout(0.2))
	m.Add(layers.Dense(10, layers.Activation("softmax")))
	return m
}
