package layers

import (
	"fmt"

	"github.com/tensorgo/tensorgo/keras/activations"
	"github.com/tensorgo/tensorgo/keras/initializers"
	"github.com/tensorgo/tensorgo/keras/regularizers"
	"github.com/tensorgo/tensorgo/tensor"
	"github.com/tensorgo/tensorgo/tf"
)

// DenseLayer is a fully connected layer: activation(x·kernel + bias), on
// the last axis of its input. It has (in+1)·units parameters.
type DenseLayer struct {
	Base
	Units int
	// Activation is applied last; nil is linear. ActivationName is its
	// Keras name ("relu", "linear" by default), "" for a function.
	Activation     activations.Func
	ActivationName string
	UseBias        bool
	// Kernel has shape (in, units) and Bias (units), as Keras's layout.
	Kernel, Bias *tf.Variable

	kernelInit, biasInit initializers.Initializer
	kernelReg, biasReg   regularizers.Regularizer
}

// Dense returns a fully connected layer with units outputs (Keras's
// Dense). Besides the options every layer takes, it takes Activation
// (default none: linear; Activation(nil) is linear too), UseBias,
// KernelInitializer (default glorot_uniform), BiasInitializer (zeros),
// KernelRegularizer and BiasRegularizer.
func Dense(units int, opts ...Option) *DenseLayer {
	if units <= 0 {
		panic(fmt.Sprintf("layers: Dense: units must be positive, got %d", units))
	}
	d := &DenseLayer{Units: units}
	d.init(d, "Dense", []string{optActivation, optUseBias, optKernelInitializer, optBiasInitializer, optKernelRegularizer, optBiasRegularizer}, opts)
	c := &d.cfg
	d.Activation, d.ActivationName = c.activationFn, c.activationName
	if d.Activation == nil {
		d.Activation, d.ActivationName = activations.Linear, "linear"
	}
	d.UseBias = !c.noBias
	d.kernelInit, d.biasInit = c.kernelInit, c.biasInit
	if d.kernelInit == nil {
		d.kernelInit = initializers.GlorotUniform()
	}
	if d.biasInit == nil {
		d.biasInit = initializers.Zeros()
	}
	d.kernelReg, d.biasReg = c.kernelReg, c.biasReg
	return d
}

// Build implements Layer.
func (d *DenseLayer) Build(in tensor.Shape) {
	if len(in) < 2 || in[len(in)-1] < 0 {
		panic(fmt.Sprintf("layers: %s (Dense) needs an input of rank >= 2 with a known last dimension, got %v", d.Name(), in))
	}
	d.Kernel = d.AddWeight("kernel", tensor.Shape{in[len(in)-1], d.Units}, d.kernelInit, d.kernelReg, true)
	if d.UseBias {
		d.Bias = d.AddWeight("bias", tensor.Shape{d.Units}, d.biasInit, d.biasReg, true)
	}
}

// Call implements Layer.
func (d *DenseLayer) Call(x *tf.Tensor, training bool) *tf.Tensor {
	k := read(d.Kernel, x)
	var y *tf.Tensor
	// On matrices, one op for the product and the bias (and the ReLU,
	// which Relu folds into it): they are applied as each block of the
	// product is finished, without another pass over the output.
	fused := x.Rank() == 2 && d.UseBias
	switch {
	case fused:
		y = tf.FusedMatMul(x, k, read(d.Bias, x), "")
	case x.Rank() == 2:
		y = tf.MatMul(x, k)
	default:
		s := x.Shape()
		flat := tf.Reshape(x, -1, s[len(s)-1])
		out := append([]int{-1}, s[1:len(s)-1]...)
		y = tf.Reshape(tf.MatMul(flat, k), append(out, d.Units)...)
	}
	if d.UseBias && !fused {
		y = tf.BiasAdd(y, read(d.Bias, x))
	}
	if d.Activation == nil {
		return y // linear
	}
	return d.Activation(y)
}

// ComputeOutputShape implements Layer.
func (d *DenseLayer) ComputeOutputShape(in tensor.Shape) tensor.Shape {
	out := in.Clone()
	out[len(out)-1] = d.Units
	return out
}

// FlattenLayer reshapes each sample to one dimension.
type FlattenLayer struct{ Base }

// Flatten returns a layer reshaping (batch, d1, d2, ...) to (batch, d1·d2·...).
func Flatten(opts ...Option) *FlattenLayer {
	f := &FlattenLayer{}
	f.Init(f, "Flatten", opts...)
	return f
}

// Build implements Layer.
func (f *FlattenLayer) Build(tensor.Shape) {}

// Call implements Layer.
func (f *FlattenLayer) Call(x *tf.Tensor, training bool) *tf.Tensor {
	out := f.ComputeOutputShape(x.Shape())
	if out[1] < 0 {
		panic(fmt.Sprintf("layers: %s (Flatten) needs known non-batch dimensions, got %v", f.Name(), x.Shape()))
	}
	if x.Rank() == 2 {
		return x
	}
	return tf.Reshape(x, -1, out[1])
}

// ComputeOutputShape implements Layer.
func (f *FlattenLayer) ComputeOutputShape(in tensor.Shape) tensor.Shape {
	if len(in) == 0 {
		return tensor.Shape{1}
	}
	n := 1
	for _, d := range in[1:] {
		if d < 0 {
			n = -1
			break
		}
		n *= d
	}
	return tensor.Shape{in[0], n}
}

// ReshapeLayer reshapes each sample to a target shape.
type ReshapeLayer struct {
	Base
	Target tensor.Shape
}

// Reshape returns a layer reshaping each sample to target (without the
// batch dimension; one entry may be -1).
func Reshape(target []int, opts ...Option) *ReshapeLayer {
	r := &ReshapeLayer{Target: append(tensor.Shape{}, target...)}
	r.Init(r, "Reshape", opts...)
	return r
}

// Build implements Layer.
func (r *ReshapeLayer) Build(tensor.Shape) {}

// Call implements Layer.
func (r *ReshapeLayer) Call(x *tf.Tensor, training bool) *tf.Tensor {
	out := r.ComputeOutputShape(x.Shape())
	return tf.Reshape(x, append([]int{-1}, out[1:]...)...)
}

// ComputeOutputShape implements Layer.
func (r *ReshapeLayer) ComputeOutputShape(in tensor.Shape) tensor.Shape {
	n := 1
	for _, d := range in[1:] {
		n *= d
	}
	known, unknown := 1, -1
	for i, d := range r.Target {
		if d < 0 {
			if unknown >= 0 {
				panic(fmt.Sprintf("layers: %s (Reshape): target %v has more than one -1", r.Name(), r.Target))
			}
			unknown = i
		} else {
			known *= d
		}
	}
	out := append(tensor.Shape{in[0]}, r.Target...)
	if n < 0 {
		return out
	}
	if unknown >= 0 {
		if known == 0 || n%known != 0 {
			panic(fmt.Sprintf("layers: %s (Reshape): cannot reshape %v to %v", r.Name(), in, r.Target))
		}
		out[unknown+1] = n / known
	} else if known != n {
		panic(fmt.Sprintf("layers: %s (Reshape): cannot reshape %v (%d values per sample) to %v", r.Name(), in, n, r.Target))
	}
	return out
}

// DropoutLayer zeroes a fraction of its inputs while training, scaling the
// rest by 1/(1-rate); at inference it passes its input through.
type DropoutLayer struct {
	Base
	Rate float64
	seed []int64
}

// Dropout returns a dropout layer with the given rate. Besides the options
// every layer takes, it takes Seed, which fixes its masks.
func Dropout(rate float64, opts ...Option) *DropoutLayer {
	if rate < 0 || rate >= 1 {
		panic(fmt.Sprintf("layers: Dropout: rate must be in [0, 1), got %v", rate))
	}
	d := &DropoutLayer{Rate: rate}
	d.init(d, "Dropout", []string{optSeed}, opts)
	if d.cfg.seed != nil {
		d.seed = []int64{*d.cfg.seed}
	}
	return d
}

// Build implements Layer.
func (d *DropoutLayer) Build(tensor.Shape) {}

// Call implements Layer.
func (d *DropoutLayer) Call(x *tf.Tensor, training bool) *tf.Tensor {
	if !training || d.Rate == 0 {
		return x
	}
	return tf.Dropout(x, d.Rate, d.seed...)
}

// ComputeOutputShape implements Layer.
func (d *DropoutLayer) ComputeOutputShape(in tensor.Shape) tensor.Shape { return in.Clone() }

// LambdaLayer wraps a function of tf tensors as a layer (Keras's Lambda):
// the way to use custom ops inside a model.
type LambdaLayer struct {
	Base
	Fn func(x *tf.Tensor) *tf.Tensor
}

// Lambda returns a layer computing fn. Besides the options every layer
// takes, it takes OutputShape, which declares its output shape; otherwise
// it is found by tracing fn on a placeholder.
func Lambda(fn func(x *tf.Tensor) *tf.Tensor, opts ...Option) *LambdaLayer {
	l := &LambdaLayer{Fn: fn}
	l.init(l, "Lambda", []string{optOutputShape}, opts)
	return l
}

// Build implements Layer.
func (l *LambdaLayer) Build(tensor.Shape) {}

// Call implements Layer.
func (l *LambdaLayer) Call(x *tf.Tensor, training bool) *tf.Tensor { return l.Fn(x) }

// ComputeOutputShape implements Layer.
func (l *LambdaLayer) ComputeOutputShape(in tensor.Shape) tensor.Shape {
	if l.cfg.outputShape != nil {
		return append(tensor.Shape{in[0]}, l.cfg.outputShape...)
	}
	g := tf.NewGraph()
	return l.Fn(tf.Placeholder(g, l.dtype, in)).Shape()
}

// InputLayer declares a model's input shape; as the first layer of a
// Sequential model it is equivalent to the InputShape option of the next
// layer (Keras's Input in a Sequential list).
type InputLayer struct{ Base }

// Input returns an input layer for samples of the given shape (without the
// batch dimension).
func Input(dims ...int) *InputLayer {
	l := &InputLayer{}
	l.Init(l, "InputLayer", InputShape(dims...))
	return l
}

// Build implements Layer.
func (l *InputLayer) Build(tensor.Shape) {}

// Call implements Layer.
func (l *InputLayer) Call(x *tf.Tensor, training bool) *tf.Tensor { return x }

// ComputeOutputShape implements Layer.
func (l *InputLayer) ComputeOutputShape(in tensor.Shape) tensor.Shape { return in.Clone() }
