//go:build !amd64 || purego

package rnn

// sigmoid32s replaces every x[i] by sigmoid32(x[i]).
func sigmoid32s(x []float32) { sigmoidGo(x) }

// tanh32s replaces every x[i] by tanh32(x[i]).
func tanh32s(x []float32) { tanhGo(x) }
