package layers

import (
	"fmt"
	"strings"

	"github.com/tensorgo/tensorgo/keras/activations"
	"github.com/tensorgo/tensorgo/keras/initializers"
	"github.com/tensorgo/tensorgo/keras/regularizers"
	"github.com/tensorgo/tensorgo/tensor"
)

// Option is a Keras layer argument (name, input_shape, activation,
// kernel_initializer, ...). Every layer takes the options of Keras's base
// Layer (Name, InputShape, BatchSize, Trainable, DType,
// ActivityRegularizer) and those its constructor lists; any other option
// makes the constructor panic with an *OptionError, as Keras raises for an
// unexpected keyword argument. A nil Option is ignored.
type Option interface {
	apply(*config)
	optionName() string
}

// option is an Option with its Go name ("KernelInitializer").
type option struct {
	name string
	set  func(*config)
}

func (o option) apply(c *config)    { o.set(c) }
func (o option) optionName() string { return o.name }

// The options' names, as OptionError reports them.
const (
	optName                = "Name"
	optInputShape          = "InputShape"
	optBatchSize           = "BatchSize"
	optTrainable           = "Trainable"
	optDType               = "DType"
	optActivityRegularizer = "ActivityRegularizer"
	optActivation          = "Activation"
	optUseBias             = "UseBias"
	optKernelInitializer   = "KernelInitializer"
	optBiasInitializer     = "BiasInitializer"
	optKernelRegularizer   = "KernelRegularizer"
	optBiasRegularizer     = "BiasRegularizer"
	optSeed                = "Seed"
	optOutputShape         = "OutputShape"
)

// baseOptions are the options every layer takes (Keras's base Layer
// arguments).
var baseOptions = []string{optName, optInputShape, optBatchSize, optTrainable, optDType, optActivityRegularizer}

// OptionError is the value a layer constructor panics with when it is given
// an option that does not apply to it, such as a KernelInitializer for
// Dropout.
type OptionError struct {
	Layer    string   // the layer's class name: "Dropout"
	Option   string   // the option given: "KernelInitializer"
	Accepted []string // the options the layer takes
}

// Error names the layer, the option and the options the layer takes.
func (e *OptionError) Error() string {
	return fmt.Sprintf("layers: %s does not take option %s (it takes %s)", e.Layer, e.Option, strings.Join(e.Accepted, ", "))
}

type config struct {
	name           string
	inputShape     tensor.Shape
	batchSize      int
	trainable      *bool
	dtype          *tensor.DType
	activationFn   activations.Func // nil: linear
	activationName string           // its Keras name, "" for a function
	noBias         bool
	kernelInit     initializers.Initializer
	biasInit       initializers.Initializer
	kernelReg      regularizers.Regularizer
	biasReg        regularizers.Regularizer
	activityReg    regularizers.Regularizer
	seed           *int64
	outputShape    tensor.Shape
}

// parse applies opts to a fresh config, panicking with an *OptionError
// for one that is neither a base option nor in extra.
func parse(className string, extra []string, opts []Option) config {
	var c config
	for _, o := range opts {
		if o == nil {
			continue
		}
		if n := o.optionName(); !contains(baseOptions, n) && !contains(extra, n) {
			panic(&OptionError{Layer: className, Option: n, Accepted: append(append([]string(nil), baseOptions...), extra...)})
		}
		o.apply(&c)
	}
	return c
}

func contains(list []string, s string) bool {
	for _, x := range list {
		if x == s {
			return true
		}
	}
	return false
}

// Name sets the layer's name (default: the automatic "dense", "dense_1", ...).
func Name(n string) Option { return option{optName, func(c *config) { c.name = n }} }

// InputShape declares the input shape without the batch dimension
// (Keras's input_shape=(28, 28)), so a model starting with this layer can be
// built, summarised and checked before it sees data.
func InputShape(dims ...int) Option {
	s := append(tensor.Shape{}, dims...)
	return option{optInputShape, func(c *config) { c.inputShape = s }}
}

// BatchSize fixes the batch dimension of the declared input shape.
func BatchSize(n int) Option { return option{optBatchSize, func(c *config) { c.batchSize = n }} }

// Trainable sets whether the layer's weights are trained (default true).
func Trainable(b bool) Option { return option{optTrainable, func(c *config) { c.trainable = &b }} }

// DType sets the layer's dtype (default float32).
func DType(d tensor.DType) Option { return option{optDType, func(c *config) { c.dtype = &d }} }

// UseBias sets whether Dense adds a bias (default true).
func UseBias(b bool) Option { return option{optUseBias, func(c *config) { c.noBias = !b }} }

// KernelInitializer sets the kernel initializer: an initializers.Initializer
// or a name ("he_normal"). Default glorot_uniform.
func KernelInitializer(i any) Option {
	init := toInit(optKernelInitializer, i)
	return option{optKernelInitializer, func(c *config) { c.kernelInit = init }}
}

// BiasInitializer sets the bias initializer (default zeros).
func BiasInitializer(i any) Option {
	init := toInit(optBiasInitializer, i)
	return option{optBiasInitializer, func(c *config) { c.biasInit = init }}
}

// KernelRegularizer adds a penalty on the kernel to the loss: a
// regularizers.Regularizer or a name ("l2").
func KernelRegularizer(r any) Option {
	reg := toReg(optKernelRegularizer, r)
	return option{optKernelRegularizer, func(c *config) { c.kernelReg = reg }}
}

// BiasRegularizer adds a penalty on the bias to the loss.
func BiasRegularizer(r any) Option {
	reg := toReg(optBiasRegularizer, r)
	return option{optBiasRegularizer, func(c *config) { c.biasReg = reg }}
}

// ActivityRegularizer adds a penalty on the layer's output to the loss.
func ActivityRegularizer(r any) Option {
	reg := toReg(optActivityRegularizer, r)
	return option{optActivityRegularizer, func(c *config) { c.activityReg = reg }}
}

// Seed sets a layer's random seed (Dropout).
func Seed(s int64) Option { return option{optSeed, func(c *config) { c.seed = &s }} }

// OutputShape declares a Lambda layer's output shape without the batch
// dimension (otherwise it is inferred by tracing the function).
func OutputShape(dims ...int) Option {
	s := append(tensor.Shape{}, dims...)
	return option{optOutputShape, func(c *config) { c.outputShape = s }}
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
