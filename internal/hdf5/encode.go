package hdf5

import (
	"encoding/binary"
	"math"
)

// enc appends little-endian fields to a byte slice.
type enc struct{ b []byte }

func (e *enc) u8(v uint8)     { e.b = append(e.b, v) }
func (e *enc) u16(v uint16)   { e.b = binary.LittleEndian.AppendUint16(e.b, v) }
func (e *enc) u32(v uint32)   { e.b = binary.LittleEndian.AppendUint32(e.b, v) }
func (e *enc) u64(v uint64)   { e.b = binary.LittleEndian.AppendUint64(e.b, v) }
func (e *enc) bytes(p []byte) { e.b = append(e.b, p...) }
func (e *enc) zeros(n int)    { e.b = append(e.b, make([]byte, n)...) }
func (e *enc) str(s string)   { e.b = append(e.b, s...) }
func (e *enc) cksum()         { e.u32(lookup3(e.b)) }

// encodeDatatype returns the datatype message for a numeric DType.
func encodeDatatype(d DType) []byte {
	var e enc
	size := uint32(d.Size())
	if d.isFloat() {
		e.u8(0x11) // version 1, class float
		var sign, expLoc, expSize, manSize uint8
		var bias uint32
		switch d {
		case Float16:
			sign, expLoc, expSize, manSize, bias = 15, 10, 5, 10, 15
		case Float32:
			sign, expLoc, expSize, manSize, bias = 31, 23, 8, 23, 127
		default:
			sign, expLoc, expSize, manSize, bias = 63, 52, 11, 52, 1023
		}
		e.bytes([]byte{0x20, sign, 0}) // little-endian, implied leading mantissa bit
		e.u32(size)
		e.u16(0)
		e.u16(uint16(8 * size))
		e.bytes([]byte{expLoc, expSize, 0, manSize})
		e.u32(bias)
		return e.b
	}
	e.u8(0x10) // version 1, class fixed-point
	var bf uint8
	if d.signed() {
		bf = 0x08
	}
	e.bytes([]byte{bf, 0, 0})
	e.u32(size)
	e.u16(0)
	e.u16(uint16(8 * size))
	return e.b
}

// vlenStringType is the datatype h5py writes for str: a variable-length,
// NUL-terminated UTF-8 string over 1-byte unsigned characters.
func vlenStringType() []byte {
	var e enc
	e.u8(0x19)
	e.bytes([]byte{0x01, 0x01, 0})
	e.u32(16) // length + global heap ID (8-byte address + 4-byte index)
	e.bytes(encodeDatatype(Uint8))
	return e.b
}

// encodeDataspace returns a version 2 dataspace message: scalar for a nil
// shape, simple otherwise.
func encodeDataspace(shape []int) []byte {
	var e enc
	e.u8(2)
	e.u8(uint8(len(shape)))
	e.u8(0)
	if shape == nil {
		e.u8(0)
		return e.b
	}
	e.u8(1)
	for _, d := range shape {
		e.u64(uint64(d))
	}
	return e.b
}

// appendNumbers appends the little-endian bytes of a numeric slice and
// returns its DType; ok is false for an unsupported type.
func appendNumbers(b []byte, v any) ([]byte, DType, bool) {
	le := binary.LittleEndian
	switch s := v.(type) {
	case []int8:
		for _, x := range s {
			b = append(b, byte(x))
		}
		return b, Int8, true
	case []uint8:
		return append(b, s...), Uint8, true
	case []int16:
		for _, x := range s {
			b = le.AppendUint16(b, uint16(x))
		}
		return b, Int16, true
	case []uint16:
		for _, x := range s {
			b = le.AppendUint16(b, x)
		}
		return b, Uint16, true
	case []int32:
		for _, x := range s {
			b = le.AppendUint32(b, uint32(x))
		}
		return b, Int32, true
	case []uint32:
		for _, x := range s {
			b = le.AppendUint32(b, x)
		}
		return b, Uint32, true
	case []int64:
		for _, x := range s {
			b = le.AppendUint64(b, uint64(x))
		}
		return b, Int64, true
	case []uint64:
		for _, x := range s {
			b = le.AppendUint64(b, x)
		}
		return b, Uint64, true
	case []float32:
		for _, x := range s {
			b = le.AppendUint32(b, math.Float32bits(x))
		}
		return b, Float32, true
	case []float64:
		for _, x := range s {
			b = le.AppendUint64(b, math.Float64bits(x))
		}
		return b, Float64, true
	}
	return b, Invalid, false
}

// sliceOf wraps a numeric scalar in a one-element slice; ok is false when v
// is not a numeric scalar.
func sliceOf(v any) (any, bool) {
	switch x := v.(type) {
	case int8:
		return []int8{x}, true
	case uint8:
		return []uint8{x}, true
	case int16:
		return []int16{x}, true
	case uint16:
		return []uint16{x}, true
	case int32:
		return []int32{x}, true
	case uint32:
		return []uint32{x}, true
	case int64:
		return []int64{x}, true
	case int:
		return []int64{int64(x)}, true
	case uint64:
		return []uint64{x}, true
	case float32:
		return []float32{x}, true
	case float64:
		return []float64{x}, true
	}
	return nil, false
}

func numElems(v any) int {
	switch s := v.(type) {
	case []int8:
		return len(s)
	case []uint8:
		return len(s)
	case []int16:
		return len(s)
	case []uint16:
		return len(s)
	case []int32:
		return len(s)
	case []uint32:
		return len(s)
	case []int64:
		return len(s)
	case []uint64:
		return len(s)
	case []float32:
		return len(s)
	case []float64:
		return len(s)
	}
	return -1
}
