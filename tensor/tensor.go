package tensor

import (
	"fmt"
	"reflect"
)

// Tensor is a dense, row-major n-dimensional array of one DType.
//
// Reshape shares memory with the tensor it came from; every other operation
// returns a new tensor unless its name ends in Into. A Tensor is not safe for
// concurrent writes; concurrent reads are fine.
type Tensor struct {
	dtype DType
	shape Shape
	data  any // []float32, []float64, []int32, []int64, []uint8 or []bool
}

// New returns a zero-filled tensor of the given type and shape.
func New(dtype DType, shape ...int) *Tensor {
	s := checkShape("New", shape)
	return &Tensor{dtype: dtype, shape: s, data: makeData(dtype, s.NumElements())}
}

func checkShape(op string, shape []int) Shape {
	for _, d := range shape {
		if d < 0 {
			panic(fmt.Sprintf("%s: negative dimension in shape %v", op, dimsString(shape)))
		}
	}
	return Shape(shape).Clone()
}

func makeData(dtype DType, n int) any {
	switch dtype {
	case Float32:
		return make([]float32, n)
	case Float64:
		return make([]float64, n)
	case Int32:
		return make([]int32, n)
	case Int64:
		return make([]int64, n)
	case Uint8:
		return make([]uint8, n)
	case Bool:
		return make([]bool, n)
	case Float16:
		return make([]Float16Value, n)
	case BFloat16:
		return make([]BFloat16Value, n)
	}
	panic(fmt.Sprintf("tensor: unsupported dtype %v", dtype))
}

// FromSlice wraps data (without copying) as a tensor of the given shape. With
// no shape it is a vector. It panics if the shape does not hold len(data)
// elements.
func FromSlice[T Elem](data []T, shape ...int) *Tensor {
	if len(shape) == 0 && data != nil {
		shape = []int{len(data)}
	}
	s := checkShape("FromSlice", shape)
	if n := s.NumElements(); n != len(data) {
		panic(fmt.Sprintf("FromSlice: shape %v holds %d elements but the slice has %d", s, n, len(data)))
	}
	if data == nil {
		data = []T{}
	}
	return &Tensor{dtype: DTypeOf[T](), shape: s, data: data}
}

// Scalar returns a rank-0 tensor holding v.
func Scalar[T Elem](v T) *Tensor {
	return &Tensor{dtype: DTypeOf[T](), shape: Shape{}, data: []T{v}}
}

// From builds a tensor from a Go value: a scalar, a slice, or nested slices
// (which must be rectangular) of float32, float64, int, int32, int64, uint8,
// bool, Float16Value or BFloat16Value. Go int becomes int64 and untyped float constants float64, as in NumPy.
// The data is copied.
func From(v any) *Tensor {
	t, err := FromValue(v)
	if err != nil {
		panic(err.Error())
	}
	return t
}

// FromValue is From returning an error instead of panicking.
func FromValue(v any) (*Tensor, error) {
	if t, ok := v.(*Tensor); ok {
		return t.Clone(), nil
	}
	rv := reflect.ValueOf(v)
	var shape Shape
	elemType := rv.Type()
	for cur := rv; cur.Kind() == reflect.Slice || cur.Kind() == reflect.Array; {
		shape = append(shape, cur.Len())
		elemType = elemType.Elem()
		if cur.Len() == 0 {
			for elemType.Kind() == reflect.Slice {
				shape = append(shape, 0)
				elemType = elemType.Elem()
			}
			break
		}
		cur = cur.Index(0)
	}
	var dt DType
	switch elemType.Kind() {
	case reflect.Uint16:
		switch elemType {
		case reflect.TypeFor[Float16Value]():
			dt = Float16
		case reflect.TypeFor[BFloat16Value]():
			dt = BFloat16
		default:
			return nil, fmt.Errorf("tensor.From: unsupported element type %v", elemType)
		}
	case reflect.Float32:
		dt = Float32
	case reflect.Float64:
		dt = Float64
	case reflect.Int32:
		dt = Int32
	case reflect.Int, reflect.Int64:
		dt = Int64
	case reflect.Uint8:
		dt = Uint8
	case reflect.Bool:
		dt = Bool
	default:
		return nil, fmt.Errorf("tensor.From: unsupported element type %v", elemType)
	}
	t := New(dt, shape...)
	i := 0
	var walk func(v reflect.Value, depth int) error
	walk = func(v reflect.Value, depth int) error {
		if depth == len(shape) {
			t.setFromReflect(i, v)
			i++
			return nil
		}
		if v.Kind() != reflect.Slice && v.Kind() != reflect.Array {
			return fmt.Errorf("tensor.From: nested value is not rectangular (want shape %v)", shape)
		}
		if v.Len() != shape[depth] {
			return fmt.Errorf("tensor.From: nested slices are ragged: dimension %d has lengths %d and %d", depth, shape[depth], v.Len())
		}
		for j := 0; j < v.Len(); j++ {
			if err := walk(v.Index(j), depth+1); err != nil {
				return err
			}
		}
		return nil
	}
	if err := walk(rv, 0); err != nil {
		return nil, err
	}
	return t, nil
}

func (t *Tensor) setFromReflect(i int, v reflect.Value) {
	switch d := t.data.(type) {
	case []float32:
		d[i] = float32(v.Float())
	case []float64:
		d[i] = v.Float()
	case []int32:
		d[i] = int32(v.Int())
	case []int64:
		d[i] = v.Int()
	case []uint8:
		d[i] = uint8(v.Uint())
	case []bool:
		d[i] = v.Bool()
	case []Float16Value:
		d[i] = Float16Value(v.Uint())
	case []BFloat16Value:
		d[i] = BFloat16Value(v.Uint())
	}
}

// DType returns the element type.
func (t *Tensor) DType() DType { return t.dtype }

// Shape returns the dimensions. The caller must not modify the result.
func (t *Tensor) Shape() Shape { return t.shape }

// Rank returns the number of dimensions.
func (t *Tensor) Rank() int { return len(t.shape) }

// Size returns the number of elements.
func (t *Tensor) Size() int { return t.shape.NumElements() }

// Dim returns the size of dimension i (negative i counts from the end).
func (t *Tensor) Dim(i int) int { return t.shape[NormAxis("Dim", i, len(t.shape))] }

// Data returns the backing slice ([]float32, ...), shared with the tensor.
func (t *Tensor) Data() any { return t.data }

// Data returns the backing slice of t as []T, shared with the tensor. It
// panics if T is not t's element type.
func Data[T Elem](t *Tensor) []T {
	d, ok := t.data.([]T)
	if !ok {
		var z T
		panic(fmt.Sprintf("tensor.Data: tensor is %v, not %T", t.dtype, z))
	}
	return d
}

// Float32s returns the backing []float32; it panics for another dtype.
func (t *Tensor) Float32s() []float32 { return Data[float32](t) }

// Float64s returns the backing []float64; it panics for another dtype.
func (t *Tensor) Float64s() []float64 { return Data[float64](t) }

// Int32s returns the backing []int32; it panics for another dtype.
func (t *Tensor) Int32s() []int32 { return Data[int32](t) }

// Int64s returns the backing []int64; it panics for another dtype.
func (t *Tensor) Int64s() []int64 { return Data[int64](t) }

// Uint8s returns the backing []uint8; it panics for another dtype.
func (t *Tensor) Uint8s() []uint8 { return Data[uint8](t) }

// Bools returns the backing []bool; it panics for another dtype.
func (t *Tensor) Bools() []bool { return Data[bool](t) }

// Float returns element i of the flattened tensor as a float64 (true is 1).
func (t *Tensor) Float(i int) float64 {
	switch d := t.data.(type) {
	case []float32:
		return float64(d[i])
	case []float64:
		return d[i]
	case []int32:
		return float64(d[i])
	case []int64:
		return float64(d[i])
	case []uint8:
		return float64(d[i])
	case []bool:
		if d[i] {
			return 1
		}
		return 0
	case []Float16Value:
		return d[i].Float64()
	case []BFloat16Value:
		return d[i].Float64()
	}
	panic("tensor: empty tensor value")
}

// SetFloat sets element i of the flattened tensor from a float64, converting
// as a Go conversion would (non-zero is true for bool).
func (t *Tensor) SetFloat(i int, v float64) {
	switch d := t.data.(type) {
	case []float32:
		d[i] = float32(v)
	case []float64:
		d[i] = v
	case []int32:
		d[i] = int32(v)
	case []int64:
		d[i] = int64(v)
	case []uint8:
		d[i] = uint8(v)
	case []bool:
		d[i] = v != 0
	case []Float16Value:
		d[i] = Float16FromFloat64(v)
	case []BFloat16Value:
		d[i] = BFloat16FromFloat64(v)
	}
}

// Offset returns the flat index of the element at the given coordinates,
// panicking if they are out of range.
func (t *Tensor) Offset(idx ...int) int {
	if len(idx) != len(t.shape) {
		panic(fmt.Sprintf("At: %d indices for a tensor of shape %v", len(idx), t.shape))
	}
	off := 0
	for i, x := range idx {
		if x < 0 || x >= t.shape[i] {
			panic(fmt.Sprintf("At: index %d is out of range for dimension %d of shape %v", x, i, t.shape))
		}
		off = off*t.shape[i] + x
	}
	return off
}

// At returns the element at the given coordinates as a float64.
func (t *Tensor) At(idx ...int) float64 { return t.Float(t.Offset(idx...)) }

// Item returns the only element of a one-element tensor as a float64.
func (t *Tensor) Item() float64 {
	if t.Size() != 1 {
		panic(fmt.Sprintf("Item: tensor of shape %v has %d elements, want 1", t.shape, t.Size()))
	}
	return t.Float(0)
}

// Clone returns a deep copy.
func (t *Tensor) Clone() *Tensor {
	c := New(t.dtype, t.shape...)
	copyData(c.data, t.data)
	return c
}

func copyData(dst, src any) int {
	switch d := dst.(type) {
	case []float32:
		return copy(d, src.([]float32))
	case []float64:
		return copy(d, src.([]float64))
	case []int32:
		return copy(d, src.([]int32))
	case []int64:
		return copy(d, src.([]int64))
	case []uint8:
		return copy(d, src.([]uint8))
	case []bool:
		return copy(d, src.([]bool))
	case []Float16Value:
		return copy(d, src.([]Float16Value))
	case []BFloat16Value:
		return copy(d, src.([]BFloat16Value))
	}
	return 0
}

// CopyFrom copies src's elements into t. The two must have the same dtype and
// element count (the shapes may differ).
func (t *Tensor) CopyFrom(src *Tensor) {
	if t.dtype != src.dtype || t.Size() != src.Size() {
		panic(fmt.Sprintf("CopyFrom: cannot copy %v %v into %v %v", src.dtype, src.shape, t.dtype, t.shape))
	}
	copyData(t.data, src.data)
}

// Reshape returns a tensor with the same elements in a new shape, sharing
// memory with t. One dimension may be -1 and is then inferred.
func (t *Tensor) Reshape(shape ...int) *Tensor {
	s := InferReshape("Reshape", t.shape, shape)
	return &Tensor{dtype: t.dtype, shape: s, data: t.data}
}

// InferReshape resolves a -1 in shape so that it holds as many elements as
// from, panicking with a message naming op if that is impossible.
func InferReshape(op string, from Shape, shape []int) Shape {
	s := Shape(shape).Clone()
	n := from.NumElements()
	known, unknown := 1, -1
	for i, d := range s {
		switch {
		case d == -1 && unknown < 0:
			unknown = i
		case d < 0:
			panic(fmt.Sprintf("%s: invalid target shape %v (at most one -1, no other negatives)", op, dimsString(shape)))
		default:
			known *= d
		}
	}
	if unknown >= 0 {
		if known == 0 || n%known != 0 {
			panic(fmt.Sprintf("%s: cannot reshape %v (%d elements) to %v", op, from, n, dimsString(shape)))
		}
		s[unknown] = n / known
	} else if known != n {
		panic(fmt.Sprintf("%s: cannot reshape %v (%d elements) to %v (%d elements)", op, from, n, dimsString(shape), known))
	}
	return s
}

// Value returns the tensor as nested Go slices ([][]float32 for a float32
// matrix, a plain float32 for a scalar). The innermost slices share the
// tensor's memory.
func (t *Tensor) Value() any {
	rv := reflect.ValueOf(t.data)
	if len(t.shape) == 0 {
		return rv.Index(0).Interface()
	}
	// types[d] is the Go type of a value at depth d: []T for the last
	// dimension, [][]T above it, and so on. Knowing them up front lets empty
	// dimensions (shape (0, 3)) build typed empty slices.
	types := make([]reflect.Type, len(t.shape))
	types[len(t.shape)-1] = rv.Type()
	for d := len(t.shape) - 2; d >= 0; d-- {
		types[d] = reflect.SliceOf(types[d+1])
	}
	var build func(depth, off int) reflect.Value
	build = func(depth, off int) reflect.Value {
		n := t.shape[depth]
		if depth == len(t.shape)-1 {
			return rv.Slice3(off, off+n, off+n)
		}
		inner := t.shape[depth+1:].NumElements()
		out := reflect.MakeSlice(types[depth], n, n)
		for i := 0; i < n; i++ {
			out.Index(i).Set(build(depth+1, off+i*inner))
		}
		return out
	}
	return build(0, 0).Interface()
}
