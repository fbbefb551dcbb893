//go:build amd64 && !purego

package rnn

import "github.com/tensorgo/tensorgo/internal/cpu"

// sigmoidAVX2 and tanhAVX2 (act_amd64.s) transform x[:n&^7] in place.
//
//go:noescape
func sigmoidAVX2(x *float32, n int)

//go:noescape
func tanhAVX2(x *float32, n int)

// sigmoid32s replaces every x[i] by sigmoid32(x[i]).
func sigmoid32s(x []float32) {
	n := len(x)
	if cpu.Selected() >= cpu.AVX2 && n >= 8 {
		sigmoidAVX2(&x[0], n)
		x = x[n&^7:]
	}
	sigmoidGo(x)
}

// tanh32s replaces every x[i] by tanh32(x[i]).
func tanh32s(x []float32) {
	n := len(x)
	if cpu.Selected() >= cpu.AVX2 && n >= 8 {
		tanhAVX2(&x[0], n)
		x = x[n&^7:]
	}
	tanhGo(x)
}
