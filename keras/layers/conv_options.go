package layers

import (
	"fmt"
	"strings"
)

// The arguments of the convolution, pooling and normalisation layers.
// They are Options like the others, held in a spatial config of their own:
// a constructor that does not take one panics with an *OptionError.

const (
	optStrides              = "Strides"
	optPadding              = "Padding"
	optDilationRate         = "DilationRate"
	optGroups               = "Groups"
	optPoolSize             = "PoolSize"
	optDepthMultiplier      = "DepthMultiplier"
	optDepthwiseInitializer = "DepthwiseInitializer"
	optPointwiseInitializer = "PointwiseInitializer"
	optAxis                 = "Axis"
	optMomentum             = "Momentum"
	optEpsilon              = "Epsilon"
	optCenter               = "Center"
	optScale                = "Scale"
	optGammaInitializer     = "GammaInitializer"
	optBetaInitializer      = "BetaInitializer"
	optMovingMeanInit       = "MovingMeanInitializer"
	optMovingVarianceInit   = "MovingVarianceInitializer"
	optKeepDims             = "KeepDims"
	optInterpolation        = "Interpolation"
)

// spatialConfig holds the spatial layers' arguments; nil / zero fields
// take each layer's Keras default.
type spatialConfig struct {
	strides, dilation, poolSize []int
	padding                     string
	groups, depthMultiplier     int
	axis                        *int
	momentum, epsilon           *float64
	center, scale, keepDims     *bool
	depthwiseInit, pointInit    any
	gammaInit, betaInit         any
	meanInit, varInit           any
	interpolation               string
}

// spatialOption is an Option of the spatial layers.
type spatialOption struct {
	name string
	set  func(*spatialConfig)
}

func (o spatialOption) apply(*config)      {}
func (o spatialOption) optionName() string { return o.name }

// parseSpatial collects the spatial options among opts (the constructor
// has checked, through Base.init, that each is one it takes).
func parseSpatial(opts []Option) spatialConfig {
	var c spatialConfig
	for _, o := range opts {
		if s, ok := o.(spatialOption); ok {
			s.set(&c)
		}
	}
	return c
}

func ints(v []int) []int { return append([]int(nil), v...) }

// Strides sets a convolution's or pooling's step (Keras's strides): one
// value for every spatial dimension or one per dimension. Convolutions
// default to 1, poolings to their pool size.
func Strides(s ...int) Option {
	v := ints(s)
	return spatialOption{optStrides, func(c *spatialConfig) { c.strides = v }}
}

// Padding sets "valid" (Keras's default: no padding) or "same" (outputs of
// ceil(input/stride), the odd extra cell padded at the bottom / right).
func Padding(p string) Option {
	return spatialOption{optPadding, func(c *spatialConfig) { c.padding = p }}
}

// DilationRate sets a convolution's dilation (Keras's dilation_rate,
// default 1).
func DilationRate(d ...int) Option {
	v := ints(d)
	return spatialOption{optDilationRate, func(c *spatialConfig) { c.dilation = v }}
}

// Groups splits a convolution's input channels into groups convolved
// separately (Keras's groups, default 1).
func Groups(g int) Option { return spatialOption{optGroups, func(c *spatialConfig) { c.groups = g }} }

// PoolSize sets a pooling layer's window (Keras's pool_size; default 2,
// or (2, 2)); UpSampling2D's size uses it too.
func PoolSize(s ...int) Option {
	v := ints(s)
	return spatialOption{optPoolSize, func(c *spatialConfig) { c.poolSize = v }}
}

// DepthMultiplier sets how many filters a depthwise convolution applies
// to each input channel (default 1).
func DepthMultiplier(m int) Option {
	return spatialOption{optDepthMultiplier, func(c *spatialConfig) { c.depthMultiplier = m }}
}

// DepthwiseInitializer sets the depthwise kernel's initializer (an
// initializers.Initializer or a name; default glorot_uniform).
func DepthwiseInitializer(i any) Option {
	toInit(optDepthwiseInitializer, i)
	return spatialOption{optDepthwiseInitializer, func(c *spatialConfig) { c.depthwiseInit = i }}
}

// PointwiseInitializer sets SeparableConv2D's pointwise kernel's
// initializer (default glorot_uniform).
func PointwiseInitializer(i any) Option {
	toInit(optPointwiseInitializer, i)
	return spatialOption{optPointwiseInitializer, func(c *spatialConfig) { c.pointInit = i }}
}

// Axis sets the axis a normalisation layer normalises over (default -1,
// the channels).
func Axis(a int) Option { return spatialOption{optAxis, func(c *spatialConfig) { c.axis = &a }} }

// Momentum sets BatchNormalization's moving-average momentum (default
// 0.99): moving = moving·momentum + batch·(1 − momentum).
func Momentum(m float64) Option {
	return spatialOption{optMomentum, func(c *spatialConfig) { c.momentum = &m }}
}

// Epsilon sets the small value a normalisation adds to the variance
// (default 1e-3).
func Epsilon(e float64) Option {
	return spatialOption{optEpsilon, func(c *spatialConfig) { c.epsilon = &e }}
}

// Center sets whether a normalisation adds the offset beta (default true).
func Center(b bool) Option { return spatialOption{optCenter, func(c *spatialConfig) { c.center = &b }} }

// Scale sets whether a normalisation multiplies by gamma (default true).
func Scale(b bool) Option { return spatialOption{optScale, func(c *spatialConfig) { c.scale = &b }} }

// GammaInitializer sets a normalisation's gamma initializer (default ones).
func GammaInitializer(i any) Option {
	toInit(optGammaInitializer, i)
	return spatialOption{optGammaInitializer, func(c *spatialConfig) { c.gammaInit = i }}
}

// BetaInitializer sets a normalisation's beta initializer (default zeros).
func BetaInitializer(i any) Option {
	toInit(optBetaInitializer, i)
	return spatialOption{optBetaInitializer, func(c *spatialConfig) { c.betaInit = i }}
}

// MovingMeanInitializer sets BatchNormalization's moving-mean initializer
// (default zeros).
func MovingMeanInitializer(i any) Option {
	toInit(optMovingMeanInit, i)
	return spatialOption{optMovingMeanInit, func(c *spatialConfig) { c.meanInit = i }}
}

// MovingVarianceInitializer sets BatchNormalization's moving-variance
// initializer (default ones).
func MovingVarianceInitializer(i any) Option {
	toInit(optMovingVarianceInit, i)
	return spatialOption{optMovingVarianceInit, func(c *spatialConfig) { c.varInit = i }}
}

// KeepDims makes a global pooling keep its spatial dimensions as size 1
// (Keras's keepdims, default false).
func KeepDims(b bool) Option {
	return spatialOption{optKeepDims, func(c *spatialConfig) { c.keepDims = &b }}
}

// Interpolation sets UpSampling2D's interpolation; only "nearest" (the
// default) is supported.
func Interpolation(s string) Option {
	return spatialOption{optInterpolation, func(c *spatialConfig) { c.interpolation = s }}
}

// tuple expands a Keras int-or-tuple argument to n values, panicking with
// the layer and argument named when it has the wrong length or a value
// below min.
func tuple(layer, arg string, v []int, n, def, min int) []int {
	switch len(v) {
	case 0:
		v = []int{def}
		fallthrough
	case 1:
		out := make([]int, n)
		for i := range out {
			out[i] = v[0]
		}
		v = out
	}
	if len(v) != n {
		panic(fmt.Sprintf("layers: %s: %s %v: want 1 or %d values", layer, arg, v, n))
	}
	for _, x := range v {
		if x < min {
			panic(fmt.Sprintf("layers: %s: %s %v: each value must be at least %d", layer, arg, v, min))
		}
	}
	return v
}

func paddingOf(layer, p string) string {
	switch strings.ToLower(p) {
	case "", "valid":
		return "valid"
	case "same":
		return "same"
	}
	panic(fmt.Sprintf("layers: %s: padding %q: want \"valid\" or \"same\"", layer, p))
}
