// Package kernels holds tf's fused optimizer-update kernels for float32,
// with AVX2/FMA assembly on amd64 and a portable Go version elsewhere (and
// for the tail of every slice).
package kernels

import (
	"math"

	"github.com/tensorgo/tensorgo/internal/cpu"
)

// AdamF32 applies one Adam step in place: m = b1*m + (1-b1)g; v = b2*v +
// (1-b2)g^2; w -= lrt*m/(sqrt(v)+eps), lrt holding the bias corrections.
// All slices have len(w) elements.
//
// Every path gives the same bits: the vector kernels and the Go loop
// (adamF32Go, which serves the tail and the generic path) round each
// operation alike and flush denormal inputs and results to zero, as
// TensorFlow's CPU kernels do (moments of weights whose gradient died out
// otherwise decay through the denormal range, where each instruction takes
// a slow path).
func AdamF32(w, m, v, g []float32, lrt, b1, b2, eps float32) {
	n := len(w)
	m, v, g = m[:n], v[:n], g[:n]
	done := 0
	isa := cpu.Selected()
	if useAVX512 && isa >= cpu.AVX512 && n >= 16 {
		done = n &^ 15
		adamAVX512(&w[0], &m[0], &v[0], &g[0], done, lrt, b1, 1-b1, b2, 1-b2, eps)
	} else if useAVX2 && isa >= cpu.AVX2 && n >= 8 {
		done = n &^ 7
		adamAVX2(&w[0], &m[0], &v[0], &g[0], done, lrt, b1, 1-b1, b2, 1-b2, eps)
	}
	adamF32Go(w[done:], m[done:], v[done:], g[done:], lrt, b1, b2, eps)
}

// flush is a float32 with denormals flushed to zero (sign kept), as MXCSR's
// DAZ does to operands and FTZ to results.
func flush(x float32) float32 {
	if x != 0 && x > -0x1p-126 && x < 0x1p-126 {
		return float32(math.Copysign(0, float64(x)))
	}
	return x
}

// adamF32Go is the assembly's step in Go, operation for operation:
// m = fma(c1, g, b1*m); v = fma(c2, g*g, b2*v); w -= (lrt*m) / (sqrt(v) + eps),
// each product, sum and quotient rounded to float32 and flushed.
func adamF32Go(w, m, v, g []float32, lrt, b1, b2, eps float32) {
	m, v, g = m[:len(w)], v[:len(w)], g[:len(w)]
	c1, c2 := 1-b1, 1-b2
	for i := range w {
		gi := flush(g[i])
		mi := flush(cpu.FMA32(c1, gi, flush(b1*flush(m[i]))))
		vi := flush(cpu.FMA32(c2, flush(gi*gi), flush(b2*flush(v[i]))))
		m[i], v[i] = mi, vi
		den := flush(float32(math.Sqrt(float64(vi))) + eps)
		step := flush(flush(lrt*mi) / den)
		w[i] = flush(flush(w[i]) - step)
	}
}

// Adam is the plain Adam step for either float type: the float64 path, and
// the textbook form AdamF32 is checked against.
func Adam[T ~float32 | ~float64](w, m, v, g []T, lrt, b1, b2, eps T) {
	m, v, g = m[:len(w)], v[:len(w)], g[:len(w)]
	c1, c2 := 1-b1, 1-b2
	for i := range w {
		gi := g[i]
		mi := b1*m[i] + c1*gi
		vi := b2*v[i] + c2*gi*gi
		m[i], v[i] = mi, vi
		w[i] -= lrt * mi / (T(math.Sqrt(float64(vi))) + eps)
	}
}
