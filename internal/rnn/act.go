package rnn

import "math"

// sigmoid is the logistic function, Keras 3's recurrent activation.
func sigmoid[T Float](x T) T {
	return T(1 / (1 + math.Exp(-float64(x))))
}

// apply returns a(x).
func apply[T Float](a Activation, x T) T {
	switch a {
	case Tanh:
		return T(math.Tanh(float64(x)))
	case ReLU:
		if x > 0 {
			return x
		}
		return 0
	case Sigmoid:
		return sigmoid(x)
	}
	return x
}

// slope returns a'(x) from the output y = a(x): every activation offered
// has a derivative that is a function of its output.
func slope[T Float](a Activation, y T) T {
	switch a {
	case Tanh:
		return 1 - y*y
	case ReLU:
		if y > 0 {
			return 1
		}
		return 0
	case Sigmoid:
		return y * (1 - y)
	}
	return 1
}
