package tensor

import (
	"encoding/binary"
	"fmt"
	"math"
)

// Bytes returns a copy of t's elements as little-endian bytes, the layout of
// NumPy's "<f4", "<f2", "<i8", ... and of safetensors: floats as their IEEE
// bits (bfloat16 as its 16 bits), bool as one byte 0 or 1.
func (t *Tensor) Bytes() []byte {
	n := t.Size()
	b := make([]byte, n*t.dtype.Size())
	le := binary.LittleEndian
	switch d := t.data.(type) {
	case []float32:
		for i, v := range d {
			le.PutUint32(b[4*i:], math.Float32bits(v))
		}
	case []float64:
		for i, v := range d {
			le.PutUint64(b[8*i:], math.Float64bits(v))
		}
	case []int32:
		for i, v := range d {
			le.PutUint32(b[4*i:], uint32(v))
		}
	case []int64:
		for i, v := range d {
			le.PutUint64(b[8*i:], uint64(v))
		}
	case []uint8:
		copy(b, d)
	case []bool:
		for i, v := range d {
			if v {
				b[i] = 1
			}
		}
	case []Float16Value:
		for i, v := range d {
			le.PutUint16(b[2*i:], uint16(v))
		}
	case []BFloat16Value:
		for i, v := range d {
			le.PutUint16(b[2*i:], uint16(v))
		}
	}
	return b
}

// FromBytes builds a tensor of the given dtype and shape from little-endian
// bytes in Bytes's layout (copying them). It returns an error if b does not
// hold exactly the shape's elements, the dtype is invalid, a dimension is
// negative, or a bool byte is neither 0 nor 1.
func FromBytes(dtype DType, b []byte, shape ...int) (*Tensor, error) {
	if !dtype.Valid() {
		return nil, fmt.Errorf("tensor.FromBytes: invalid dtype %v", dtype)
	}
	n := 1
	for _, d := range shape {
		if d < 0 {
			return nil, fmt.Errorf("tensor.FromBytes: negative dimension in shape %v", dimsString(shape))
		}
		if d != 0 && n > math.MaxInt/8/d {
			return nil, fmt.Errorf("tensor.FromBytes: shape %v is too large", dimsString(shape))
		}
		n *= d
	}
	if want := n * dtype.Size(); len(b) != want {
		return nil, fmt.Errorf("tensor.FromBytes: %d bytes for %v %v, want %d", len(b), dtype, dimsString(shape), want)
	}
	t := New(dtype, shape...)
	le := binary.LittleEndian
	switch d := t.data.(type) {
	case []float32:
		for i := range d {
			d[i] = math.Float32frombits(le.Uint32(b[4*i:]))
		}
	case []float64:
		for i := range d {
			d[i] = math.Float64frombits(le.Uint64(b[8*i:]))
		}
	case []int32:
		for i := range d {
			d[i] = int32(le.Uint32(b[4*i:]))
		}
	case []int64:
		for i := range d {
			d[i] = int64(le.Uint64(b[8*i:]))
		}
	case []uint8:
		copy(d, b)
	case []bool:
		for i, v := range b {
			if v > 1 {
				return nil, fmt.Errorf("tensor.FromBytes: bool element %d is byte %d, want 0 or 1", i, v)
			}
			d[i] = v == 1
		}
	case []Float16Value:
		for i := range d {
			d[i] = Float16Value(le.Uint16(b[2*i:]))
		}
	case []BFloat16Value:
		for i := range d {
			d[i] = BFloat16Value(le.Uint16(b[2*i:]))
		}
	}
	return t, nil
}

// Float16s returns the backing []Float16Value; it panics for another dtype.
func (t *Tensor) Float16s() []Float16Value { return Data[Float16Value](t) }

// BFloat16s returns the backing []BFloat16Value; it panics for another dtype.
func (t *Tensor) BFloat16s() []BFloat16Value { return Data[BFloat16Value](t) }
