package rnn

import "github.com/tensorgo/tensorgo/internal/vec"

// The float32 activations are internal/vec's polynomials (a few units in
// the last place, the same bits on every instruction set).

// applySlice replaces every x[i] by a(x[i]) (vec.Tanh and vec.Sigmoid for
// float32).
func applySlice[T Float](a Activation, x []T) {
	if len(x) == 0 {
		return
	}
	x32, _ := any(x).([]float32)
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
