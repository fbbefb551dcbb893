// Package kernels holds tf's fused optimizer-update kernels for float32,
// with AVX2/FMA assembly on amd64 and a portable Go version elsewhere (and
// for the tail of every slice).
package kernels

import "math"

// AdamF32 applies one Adam step in place: m = b1*m + (1-b1)g; v = b2*v +
// (1-b2)g^2; w -= lrt*m/(sqrt(v)+eps), lrt holding the bias corrections.
// All slices have len(w) elements.
func AdamF32(w, m, v, g []float32, lrt, b1, b2, eps float32) {
	n := len(w)
	m, v, g = m[:n], v[:n], g[:n]
	done := 0
	if useAVX512 && n >= 16 {
		done = n &^ 15
		adamAVX512(&w[0], &m[0], &v[0], &g[0], done, lrt, b1, 1-b1, b2, 1-b2, eps)
	} else if useAVX2 && n >= 8 {
		done = n &^ 7
		adamAVX2(&w[0], &m[0], &v[0], &g[0], done, lrt, b1, 1-b1, b2, 1-b2, eps)
	}
	Adam(w[done:], m[done:], v[done:], g[done:], lrt, b1, b2, eps)
}

// Adam is the portable Adam step for either float type: AdamF32's
// reference and tail, and the float64 path.
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
