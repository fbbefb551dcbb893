package tensor

import (
	"fmt"
	"math"
)

// Zeros returns a tensor of zeros.
func Zeros(dtype DType, shape ...int) *Tensor { return New(dtype, shape...) }

// Ones returns a tensor of ones.
func Ones(dtype DType, shape ...int) *Tensor { return Fill(dtype, 1, shape...) }

// ZerosLike returns zeros of t's type and shape.
func ZerosLike(t *Tensor) *Tensor { return New(t.dtype, t.shape...) }

// OnesLike returns ones of t's type and shape.
func OnesLike(t *Tensor) *Tensor { return Fill(t.dtype, 1, t.shape...) }

// Fill returns a tensor with every element set to value.
func Fill(dtype DType, value float64, shape ...int) *Tensor {
	t := New(dtype, shape...)
	t.FillValue(value)
	return t
}

// FillValue sets every element of t to value.
func (t *Tensor) FillValue(value float64) {
	switch d := t.data.(type) {
	case []float32:
		fillSlice(d, float32(value))
	case []float64:
		fillSlice(d, value)
	case []int32:
		fillSlice(d, int32(value))
	case []int64:
		fillSlice(d, int64(value))
	case []uint8:
		fillSlice(d, uint8(value))
	case []bool:
		fillSlice(d, value != 0)
	case []Float16Value:
		fillSlice(d, Float16FromFloat64(value))
	case []BFloat16Value:
		fillSlice(d, BFloat16FromFloat64(value))
	}
}

func fillSlice[T any](d []T, v T) {
	for i := range d {
		d[i] = v
	}
}

// Range returns the vector start, start+delta, ... stopping before limit, as
// tf.range and numpy.arange.
func Range(dtype DType, start, limit, delta float64) *Tensor {
	if delta == 0 {
		panic("Range: delta must not be zero")
	}
	n := int(math.Ceil((limit - start) / delta))
	if n < 0 {
		n = 0
	}
	t := New(dtype, n)
	for i := 0; i < n; i++ {
		t.SetFloat(i, start+float64(float64(i)*delta))
	}
	return t
}

// Linspace returns num evenly spaced values from start to stop inclusive, as
// tf.linspace.
func Linspace(dtype DType, start, stop float64, num int) *Tensor {
	if num < 0 {
		panic(fmt.Sprintf("Linspace: num must be >= 0, got %d", num))
	}
	t := New(dtype, num)
	for i := 0; i < num; i++ {
		v := start
		if num > 1 {
			v = start + float64((stop-start)*float64(i)/float64(num-1))
		}
		t.SetFloat(i, v)
	}
	return t
}

// Eye returns the n×n identity matrix.
func Eye(dtype DType, n int) *Tensor {
	t := New(dtype, n, n)
	for i := 0; i < n; i++ {
		t.SetFloat(i*n+i, 1)
	}
	return t
}
