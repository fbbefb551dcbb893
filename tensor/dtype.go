package tensor

import "fmt"

// DType is the element type of a tensor.
type DType uint8

// The element types tensorgo supports. Float32 is the default everywhere.
const (
	Invalid DType = iota
	Float32
	Float64
	Int32
	Int64
	Uint8
	Bool
	// Float16 (IEEE binary16) and BFloat16 are storage types: tensors of
	// them can be created, copied, reshaped, sliced, gathered, printed,
	// read and written as raw bytes and Cast to and from every other
	// dtype, but arithmetic is float32-only: Cast them to Float32 first.
	Float16
	BFloat16
)

var dtypeNames = [...]string{"invalid", "float32", "float64", "int32", "int64", "uint8", "bool", "float16", "bfloat16"}

// String returns the NumPy / TensorFlow name of the type ("float32", ...).
func (d DType) String() string {
	if int(d) < len(dtypeNames) {
		return dtypeNames[d]
	}
	return fmt.Sprintf("DType(%d)", uint8(d))
}

// Size is the number of bytes one element takes.
func (d DType) Size() int {
	switch d {
	case Float32, Int32:
		return 4
	case Float64, Int64:
		return 8
	case Uint8, Bool:
		return 1
	case Float16, BFloat16:
		return 2
	}
	return 0
}

// IsFloat reports whether d is a floating-point type that arithmetic works
// on: Float32 or Float64 (not the 16-bit storage types; see IsHalf).
func (d DType) IsFloat() bool { return d == Float32 || d == Float64 }

// IsHalf reports whether d is one of the 16-bit floating-point storage
// types, Float16 or BFloat16.
func (d DType) IsHalf() bool { return d == Float16 || d == BFloat16 }

// IsInteger reports whether d is an integer type.
func (d DType) IsInteger() bool { return d == Int32 || d == Int64 || d == Uint8 }

// Valid reports whether d is one of the supported types.
func (d DType) Valid() bool { return d >= Float32 && d <= BFloat16 }

// ParseDType maps a name such as "float32" to its DType.
func ParseDType(name string) (DType, error) {
	for i, n := range dtypeNames {
		if i > 0 && n == name {
			return DType(i), nil
		}
	}
	return Invalid, fmt.Errorf("tensor: unknown dtype %q", name)
}

// Elem is the set of Go types a tensor can hold.
type Elem interface {
	~float32 | ~float64 | ~int32 | ~int64 | ~uint8 | ~bool | Float16Value | BFloat16Value
}

// Number is the set of Go element types arithmetic works on.
type Number interface {
	~float32 | ~float64 | ~int32 | ~int64 | ~uint8
}

// Float is the set of floating-point element types.
type Float interface{ ~float32 | ~float64 }

// DTypeOf returns the DType of a Go element type.
func DTypeOf[T Elem]() DType {
	var z T
	switch any(z).(type) {
	case float32:
		return Float32
	case float64:
		return Float64
	case int32:
		return Int32
	case int64:
		return Int64
	case uint8:
		return Uint8
	case bool:
		return Bool
	case Float16Value:
		return Float16
	case BFloat16Value:
		return BFloat16
	}
	return Invalid
}
