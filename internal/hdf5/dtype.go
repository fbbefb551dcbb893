package hdf5

import "fmt"

// DType is the element type of a dataset or a numeric attribute.
type DType uint8

// The element types this package reads and writes. Float16 data is handed
// over as raw IEEE half-precision bits.
const (
	Invalid DType = iota
	Int8
	Int16
	Int32
	Int64
	Uint8
	Uint16
	Uint32
	Uint64
	Float16
	Float32
	Float64
)

var dtypeNames = [...]string{"invalid", "int8", "int16", "int32", "int64", "uint8", "uint16", "uint32", "uint64", "float16", "float32", "float64"}

// String returns the NumPy name of the type ("float32", ...).
func (d DType) String() string {
	if int(d) < len(dtypeNames) {
		return dtypeNames[d]
	}
	return fmt.Sprintf("DType(%d)", uint8(d))
}

// Size is the number of bytes one element takes, 0 for Invalid.
func (d DType) Size() int {
	switch d {
	case Int8, Uint8:
		return 1
	case Int16, Uint16, Float16:
		return 2
	case Int32, Uint32, Float32:
		return 4
	case Int64, Uint64, Float64:
		return 8
	}
	return 0
}

func (d DType) isFloat() bool { return d == Float16 || d == Float32 || d == Float64 }

func (d DType) signed() bool { return d >= Int8 && d <= Int64 }

func intDType(size int, signed bool) DType {
	switch size {
	case 1:
		if signed {
			return Int8
		}
		return Uint8
	case 2:
		if signed {
			return Int16
		}
		return Uint16
	case 4:
		if signed {
			return Int32
		}
		return Uint32
	case 8:
		if signed {
			return Int64
		}
		return Uint64
	}
	return Invalid
}
