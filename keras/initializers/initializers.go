// Package initializers creates the starting values of Keras weights:
// glorot (Xavier), he, lecun, orthogonal, constants and plain random draws,
// with Keras's names, formulas and defaults.
//
// Randomness follows TensorFlow's two-level seeds (tensor.SetSeed plus an
// optional per-initializer seed), so a program that sets the global seed
// builds the same model every time.
package initializers

import (
	"fmt"
	"math"

	"github.com/tensorgo/tensorgo/tensor"
)

// Initializer returns a new tensor of the given shape and dtype holding the
// starting value of a weight.
type Initializer interface {
	Init(shape tensor.Shape, dtype tensor.DType) *tensor.Tensor
}

// Func adapts a function to the Initializer interface.
type Func func(shape tensor.Shape, dtype tensor.DType) *tensor.Tensor

// Init calls f.
func (f Func) Init(shape tensor.Shape, dtype tensor.DType) *tensor.Tensor { return f(shape, dtype) }

// Zeros fills with 0 (Keras's default bias initializer).
func Zeros() Initializer { return Constant(0) }

// Ones fills with 1.
func Ones() Initializer { return Constant(1) }

// Constant fills with v.
func Constant(v float64) Initializer {
	return Func(func(shape tensor.Shape, dtype tensor.DType) *tensor.Tensor {
		return tensor.Fill(dtype, v, shape...)
	})
}

// RandomNormal draws from N(mean, stddev²).
func RandomNormal(mean, stddev float64, seed ...int64) Initializer {
	return Func(func(shape tensor.Shape, dtype tensor.DType) *tensor.Tensor {
		return tensor.RandomNormal(dtype, shape, mean, stddev, seed...)
	})
}

// RandomUniform draws uniformly from [minval, maxval).
func RandomUniform(minval, maxval float64, seed ...int64) Initializer {
	return Func(func(shape tensor.Shape, dtype tensor.DType) *tensor.Tensor {
		return tensor.RandomUniform(dtype, shape, minval, maxval, seed...)
	})
}

// TruncatedNormal draws from N(mean, stddev²), redrawing values more than two
// standard deviations from the mean.
func TruncatedNormal(mean, stddev float64, seed ...int64) Initializer {
	return Func(func(shape tensor.Shape, dtype tensor.DType) *tensor.Tensor {
		return tensor.TruncatedNormal(dtype, shape, mean, stddev, seed...)
	})
}

// Fans returns Keras's fan-in and fan-out of a weight shape: for a dense
// kernel (in, out); for a convolution kernel (..., in, out) both multiplied
// by the receptive field size.
func Fans(shape tensor.Shape) (fanIn, fanOut float64) {
	switch len(shape) {
	case 0:
		return 1, 1
	case 1:
		return float64(shape[0]), float64(shape[0])
	case 2:
		return float64(shape[0]), float64(shape[1])
	}
	rf := 1.0
	for _, d := range shape[:len(shape)-2] {
		rf *= float64(d)
	}
	return float64(shape[len(shape)-2]) * rf, float64(shape[len(shape)-1]) * rf
}

// VarianceScaling is the family behind glorot, he and lecun: values with
// variance scale/n, where n is the fan-in, fan-out or their average (mode
// "fan_in", "fan_out", "fan_avg"), drawn from a truncated normal ("truncated_normal"),
// a normal ("untruncated_normal") or a uniform distribution ("uniform").
func VarianceScaling(scale float64, mode, distribution string, seed ...int64) Initializer {
	switch mode {
	case "fan_in", "fan_out", "fan_avg":
	default:
		panic(fmt.Sprintf("initializers: VarianceScaling mode %q (want fan_in, fan_out or fan_avg)", mode))
	}
	switch distribution {
	case "truncated_normal", "untruncated_normal", "normal", "uniform":
	default:
		panic(fmt.Sprintf("initializers: VarianceScaling distribution %q (want truncated_normal, untruncated_normal or uniform)", distribution))
	}
	return Func(func(shape tensor.Shape, dtype tensor.DType) *tensor.Tensor {
		fanIn, fanOut := Fans(shape)
		n := fanIn
		switch mode {
		case "fan_out":
			n = fanOut
		case "fan_avg":
			n = (fanIn + fanOut) / 2
		}
		s := scale / math.Max(1, n)
		switch distribution {
		case "uniform":
			limit := math.Sqrt(3 * s)
			return tensor.RandomUniform(dtype, shape, -limit, limit, seed...)
		case "untruncated_normal":
			return tensor.RandomNormal(dtype, shape, 0, math.Sqrt(s), seed...)
		default:
			// 0.8796... is the stddev of a unit normal truncated at ±2.
			return tensor.TruncatedNormal(dtype, shape, 0, math.Sqrt(s)/0.87962566103423978, seed...)
		}
	})
}

// GlorotUniform (Xavier uniform, Keras's default kernel initializer) draws
// from U(-l, l) with l = sqrt(6 / (fan_in + fan_out)).
func GlorotUniform(seed ...int64) Initializer {
	return VarianceScaling(1, "fan_avg", "uniform", seed...)
}

// GlorotNormal draws from a truncated normal with stddev sqrt(2 / (fan_in + fan_out)).
func GlorotNormal(seed ...int64) Initializer {
	return VarianceScaling(1, "fan_avg", "truncated_normal", seed...)
}

// HeUniform draws from U(-l, l) with l = sqrt(6 / fan_in).
func HeUniform(seed ...int64) Initializer { return VarianceScaling(2, "fan_in", "uniform", seed...) }

// HeNormal draws from a truncated normal with stddev sqrt(2 / fan_in).
func HeNormal(seed ...int64) Initializer {
	return VarianceScaling(2, "fan_in", "truncated_normal", seed...)
}

// LecunUniform draws from U(-l, l) with l = sqrt(3 / fan_in).
func LecunUniform(seed ...int64) Initializer {
	return VarianceScaling(1, "fan_in", "uniform", seed...)
}

// LecunNormal draws from a truncated normal with stddev sqrt(1 / fan_in).
func LecunNormal(seed ...int64) Initializer {
	return VarianceScaling(1, "fan_in", "truncated_normal", seed...)
}

// Identity returns gain times the identity matrix (2-D shapes only).
func Identity(gain float64) Initializer {
	return Func(func(shape tensor.Shape, dtype tensor.DType) *tensor.Tensor {
		if len(shape) != 2 {
			panic(fmt.Sprintf("initializers: Identity needs a 2-D shape, got %v", shape))
		}
		t := tensor.New(dtype, shape...)
		for i := 0; i < shape[0] && i < shape[1]; i++ {
			t.SetFloat(i*shape[1]+i, gain)
		}
		return t
	})
}
