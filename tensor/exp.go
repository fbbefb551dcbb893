package tensor

import "github.com/tensorgo/tensorgo/internal/vec"

// expf is e^x to float32 accuracy, computed in float64 (vec.Exp64). float32
// kernels (Exp, Sigmoid, Tanh, Softmax) use it; float64 kernels keep
// math.Exp.
func expf(x float64) float64 { return vec.Exp64(x) }

// isFloat32 reports whether T is float32.
func isFloat32[T Number]() bool {
	var z T
	_, ok := any(z).(float32)
	return ok
}
