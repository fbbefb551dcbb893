package layers

import (
	"fmt"

	"github.com/tensorgo/tensorgo/keras/activations"
	"github.com/tensorgo/tensorgo/keras/initializers"
	"github.com/tensorgo/tensorgo/keras/regularizers"
	"github.com/tensorgo/tensorgo/tensor"
)

// Option is a Keras layer argument (name, input_shape, activation,
// kernel_initializer, ...). Layers ignore options that do not concern them.
type Option interface{ apply(*config) }

type optionFunc func(*config)

func (f optionFunc) apply(c *config) { f(c) }

type config struct {
	name         string
	inputShape   tensor.Shape
	batchSize    int
	trainable    *bool
	dtype        *tensor.DType
	activation   string
	activationFn activations.Func
	noBias       bool
	kernelInit   initializers.Initializer
	biasInit     initializers.Initializer
	kernelReg    regularizers.Regularizer
	biasReg      regularizers.Regularizer
	activityReg  regularizers.Regularizer
	seed         *int64
	outputShape  tensor.Shape
}

// Name sets the layer's name (default: the automatic "dense", "dense_1", ...).
func Name(n string) Option { return optionFunc(func(c *config) { c.name = n }) }

// InputShape declares the input shape without the batch dimension
// (Keras's input_shape=(28, 28)), so a model starting with this layer can be
// built, summarised and checked before it sees data.
func InputShape(dims ...int) Option {
	s := append(tensor.Shape{}, dims...)
	return optionFunc(func(c *config) { c.inputShape = s })
}

// BatchSize fixes the batch dimension of the declared input shape.
func BatchSize(n int) Option { return optionFunc(func(c *config) { c.batchSize = n }) }

// Trainable sets whether the layer's weights are trained (default true).
func Trainable(b bool) Option { return optionFunc(func(c *config) { c.trainable = &b }) }

// DType sets the layer's dtype (default float32).
func DType(d tensor.DType) Option { return optionFunc(func(c *config) { c.dtype = &d }) }

// ActivationFunc sets a layer's activation to a function.
func ActivationFunc(f activations.Func) Option {
	return optionFunc(func(c *config) { c.activationFn = f })
}

// UseBias sets whether Dense adds a bias (default true).
func UseBias(b bool) Option { return optionFunc(func(c *config) { c.noBias = !b }) }

// KernelInitializer sets the kernel initializer: an initializers.Initializer
// or a name ("he_normal"). Default glorot_uniform.
func KernelInitializer(i any) Option {
	init := toInit("KernelInitializer", i)
	return optionFunc(func(c *config) { c.kernelInit = init })
}

// BiasInitializer sets the bias initializer (default zeros).
func BiasInitializer(i any) Option {
	init := toInit("BiasInitializer", i)
	return optionFunc(func(c *config) { c.biasInit = init })
}

// KernelRegularizer adds a penalty on the kernel to the loss: a
// regularizers.Regularizer or a name ("l2").
func KernelRegularizer(r any) Option {
	reg := toReg("KernelRegularizer", r)
	return optionFunc(func(c *config) { c.kernelReg = reg })
}

// BiasRegularizer adds a penalty on the bias to the loss.
func BiasRegularizer(r any) Option {
	reg := toReg("BiasRegularizer", r)
	return optionFunc(func(c *config) { c.biasReg = reg })
}

// ActivityRegularizer adds a penalty on the layer's output to the loss.
func ActivityRegularizer(r any) Option {
	reg := toReg("ActivityRegularizer", r)
	return optionFunc(func(c *config) { c.activityReg = reg })
}

// Seed sets a layer's random seed (Dropout).
func Seed(s int64) Option { return optionFunc(func(c *config) { c.seed = &s }) }

// OutputShape declares a Lambda layer's output shape without the batch
// dimension (otherwise it is inferred by tracing the function).
func OutputShape(dims ...int) Option {
	s := append(tensor.Shape{}, dims...)
	return optionFunc(func(c *config) { c.outputShape = s })
}

func toInit(opt string, i any) initializers.Initializer {
	switch v := i.(type) {
	case initializers.Initializer:
		return v
	case string:
		return initializers.MustGet(v)
	}
	panic(fmt.Sprintf("layers: %s: want an initializers.Initializer or a name, got %T", opt, i))
}

func toReg(opt string, r any) regularizers.Regularizer {
	switch v := r.(type) {
	case regularizers.Regularizer:
		return v
	case string:
		reg, err := regularizers.Get(v)
		if err != nil {
			panic(fmt.Sprintf("layers: %s: %v", opt, err))
		}
		return reg
	case nil:
		return nil
	}
	panic(fmt.Sprintf("layers: %s: want a regularizers.Regularizer or a name, got %T", opt, r))
}
