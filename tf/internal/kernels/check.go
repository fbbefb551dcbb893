package kernels

import (
	"fmt"

	"github.com/tensorgo/tensorgo/tensor"
)

// CheckIndices reports the first index of an integer tensor outside
// [0, n), naming it and its position, so that a kernel never reads outside
// a table.
func CheckIndices(indices *tensor.Tensor, n int) error {
	for i := 0; i < indices.Size(); i++ {
		if k := indices.Float(i); k < 0 || k >= float64(n) {
			return fmt.Errorf("index %d (position %d of the indices) is out of range (want 0 <= index < %d)", int64(k), i, n)
		}
	}
	return nil
}

// CheckIntOperand reports the integer right operands the tensor package
// refuses: a zero divisor for Div, FloorDiv and FloorMod, a negative
// exponent for Pow.
func CheckIntOperand(op tensor.BinaryOp, b *tensor.Tensor) error {
	switch op {
	case tensor.OpDiv, tensor.OpFloorDiv, tensor.OpFloorMod:
		for i := 0; i < b.Size(); i++ {
			if b.Float(i) == 0 {
				return fmt.Errorf("integer division by zero (element %d of the divisor)", i)
			}
		}
	case tensor.OpPow:
		for i := 0; i < b.Size(); i++ {
			if b.Float(i) < 0 {
				return fmt.Errorf("integers to negative integer powers are not allowed (element %d of the exponent is %v)", i, b.Float(i))
			}
		}
	}
	return nil
}
