package regularizers

import (
	"fmt"

	"github.com/tensorgo/tensorgo/tensor"
	"github.com/tensorgo/tensorgo/tf"
)

// OrthogonalRegularizer penalises the overlap of a rank-2 weight's rows
// (Mode "rows") or columns ("columns"): with the vectors L2-normalised,
// Factor * 0.5 * sum(|dot products of distinct pairs|, both orders) /
// (n(n-1)/2), as Keras's OrthogonalRegularizer.
type OrthogonalRegularizer struct {
	Factor float64
	Mode   string
}

// Orthogonal returns an OrthogonalRegularizer (Keras defaults: factor 0.01,
// mode "rows"). It panics on a mode other than "rows" or "columns" or a
// negative factor.
func Orthogonal(factor float64, mode string) Regularizer {
	if mode != "rows" && mode != "columns" {
		panic(fmt.Sprintf("regularizers: OrthogonalRegularizer: mode %q (want \"rows\" or \"columns\")", mode))
	}
	if factor < 0 {
		panic(fmt.Sprintf("regularizers: OrthogonalRegularizer: factor %g must be >= 0", factor))
	}
	return OrthogonalRegularizer{Factor: factor, Mode: mode}
}

// epsilon is Keras's backend epsilon, the smallest norm normalisation
// divides by.
const epsilon = 1e-7

// Penalty implements Regularizer. It panics unless x has rank 2 with at
// least two vectors in the regularised direction.
func (r OrthogonalRegularizer) Penalty(x *tf.Tensor) *tf.Tensor {
	s := x.Shape()
	if len(s) != 2 {
		panic(fmt.Sprintf("regularizers: OrthogonalRegularizer: input shape %v, want rank 2", s))
	}
	axis, n := 1, s[0] // rows: normalise each row
	if r.Mode == "columns" {
		axis, n = 0, s[1]
	}
	if n < 2 {
		panic(fmt.Sprintf("regularizers: OrthogonalRegularizer(%s): input shape %v has fewer than 2 %s", r.Mode, s, r.Mode))
	}
	sq := tf.ReduceSum(tf.Square(x), []int{axis}, true)
	u := tf.Mul(x, tf.Rsqrt(tf.Maximum(sq, scalar(x, epsilon*epsilon))))
	var p *tf.Tensor
	if r.Mode == "rows" {
		p = tf.MatMul(u, u, tf.TransposeB(true))
	} else {
		p = tf.MatMul(u, u, tf.TransposeA(true))
	}
	off := tensor.Fill(x.DType(), 1, n, n)
	for i := 0; i < n; i++ {
		off.SetFloat(i*n+i, 0)
	}
	sum := tf.ReduceSum(tf.Abs(tf.Mul(p, tf.Const(x.Graph(), off))), nil, false)
	pairs := float64(n) * float64(n-1) / 2
	return tf.Mul(scalar(x, r.Factor*0.5/pairs), sum)
}
