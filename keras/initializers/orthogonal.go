package initializers

import (
	"fmt"
	"math"
	"math/rand/v2"

	"github.com/tensorgo/tensorgo/tensor"
)

// Orthogonal returns gain times a random orthogonal matrix (Saxe et al.):
// the Q factor of the QR decomposition of a normal matrix, signs fixed by
// R's diagonal, as Keras. Shapes of rank > 2 are flattened to
// (prod(shape[:-1]), shape[-1]).
func Orthogonal(gain float64, seed ...int64) Initializer {
	return Func(func(shape tensor.Shape, dtype tensor.DType) *tensor.Tensor {
		if len(shape) < 2 {
			panic(fmt.Sprintf("initializers: Orthogonal needs a shape of rank >= 2, got %v", shape))
		}
		cols := shape[len(shape)-1]
		rows := shape.NumElements() / cols
		r := tensor.NewRNG(seed...)
		q := orthogonal(r, rows, cols)
		t := tensor.New(dtype, shape...)
		for i, v := range q {
			t.SetFloat(i, gain*v)
		}
		return t
	})
}

// orthogonal returns a rows x cols row-major matrix with orthonormal columns
// (rows >= cols) or rows (rows < cols).
func orthogonal(r *rand.Rand, rows, cols int) []float64 {
	m, n := rows, cols
	if m < n {
		m, n = n, m
	}
	// a is m x n with m >= n, stored column-major for Gram-Schmidt.
	a := make([][]float64, n)
	for j := range a {
		a[j] = make([]float64, m)
		for i := range a[j] {
			a[j][i] = r.NormFloat64()
		}
	}
	// Modified Gram-Schmidt gives Q with R's diagonal positive, which is
	// the sign convention Keras applies (q *= sign(diag(r))).
	for j := 0; j < n; j++ {
		for k := 0; k < j; k++ {
			var d float64
			for i := 0; i < m; i++ {
				d += a[k][i] * a[j][i]
			}
			for i := 0; i < m; i++ {
				a[j][i] -= d * a[k][i]
			}
		}
		var norm float64
		for i := 0; i < m; i++ {
			norm += a[j][i] * a[j][i]
		}
		norm = math.Sqrt(norm)
		if norm == 0 {
			norm = 1
		}
		for i := 0; i < m; i++ {
			a[j][i] /= norm
		}
	}
	out := make([]float64, rows*cols)
	for i := 0; i < rows; i++ {
		for j := 0; j < cols; j++ {
			if rows >= cols {
				out[i*cols+j] = a[j][i]
			} else {
				out[i*cols+j] = a[i][j]
			}
		}
	}
	return out
}
