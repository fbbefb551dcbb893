package safetensors

import (
	"fmt"

	"github.com/tensorgo/tensorgo/tensor"
)

// dtypeSize gives the size in bits of every dtype the format defines.
var dtypeBits = map[string]uint64{
	"BOOL": 8, "U8": 8, "I8": 8, "I16": 16, "U16": 16, "F16": 16, "BF16": 16,
	"I32": 32, "U32": 32, "F32": 32, "F64": 64, "I64": 64, "U64": 64, "C64": 64,
	"F8_E5M2": 8, "F8_E4M3": 8, "F8_E8M0": 8, "F8_E4M3FNUZ": 8, "F8_E5M2FNUZ": 8,
	"F6_E2M3": 6, "F6_E3M2": 6, "F4": 4,
}

var toTensor = map[string]tensor.DType{
	"F32": tensor.Float32, "F64": tensor.Float64, "I32": tensor.Int32,
	"I64": tensor.Int64, "U8": tensor.Uint8, "BOOL": tensor.Bool,
	"F16": tensor.Float16, "BF16": tensor.BFloat16,
}

// dtypeName returns the safetensors name of a tensor dtype.
func dtypeName(d tensor.DType) (string, error) {
	for name, td := range toTensor {
		if td == d {
			return name, nil
		}
	}
	return "", fmt.Errorf("safetensors: no safetensors dtype for %v", d)
}

// byteSize returns the bytes n elements of a dtype take; ok is false when
// they do not fill a whole number of bytes.
func byteSize(dtype string, n uint64) (uint64, bool) {
	bits := dtypeBits[dtype]
	if n > (1<<63)/bits {
		return 0, false
	}
	if n*bits%8 != 0 {
		return 0, false
	}
	return n * bits / 8, true
}

// dtypeRank is the position of each dtype this package writes in the
// reference implementation's Dtype enum (safetensors v0.5.3: BOOL, U8, I8,
// F8_E5M2, F8_E4M3, I16, U16, F16, BF16, I32, U32, F32, F64, I64, U64), by
// which its writer orders tensors.
var dtypeRank = map[string]int{"BOOL": 0, "U8": 1, "F16": 7, "BF16": 8, "I32": 9, "F32": 11, "F64": 12, "I64": 13}
