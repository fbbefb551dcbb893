package rnn

import (
	"unsafe"

	"github.com/tensorgo/tensorgo/internal/vec"
)

// The float32 activations are internal/vec's polynomials (a few units in
// the last place, the same bits on every instruction set).

// as32 returns x as a []float32 when T is float32, else nil.
func as32[T Float](x []T) []float32 {
	var z T
	if unsafe.Sizeof(z) != 4 {
		return nil
	}
	return unsafe.Slice((*float32)(unsafe.Pointer(unsafe.SliceData(x))), len(x))
}

// sigmoidSlice replaces every x[i] by σ(x[i]): vec.Sigmoid for float32,
// math.Exp for float64.
func sigmoidSlice[T Float](x []T) {
	if len(x) == 0 {
		return
	}
	if x32 := as32(x); x32 != nil {
		vec.Sigmoid(x32)
		return
	}
	for i, v := range x {
		x[i] = sigmoid(v)
	}
}

// applySlice replaces every x[i] by a(x[i]) (vec.Tanh and vec.Sigmoid for
// float32).
func applySlice[T Float](a Activation, x []T) {
	if len(x) == 0 {
		return
	}
	x32 := as32(x)
	switch {
	case a == Linear:
	case a == Tanh && x32 != nil:
		vec.Tanh(x32)
	case a == Sigmoid && x32 != nil:
		vec.Sigmoid(x32)
	default:
		for i, v := range x {
			x[i] = apply(a, v)
		}
	}
}
