// Package regularizers holds Keras's weight and activity penalties (l1, l2,
// l1_l2). A layer's kernel, bias and activity regularizers add their
// penalties to the training loss.
package regularizers

import (
	"fmt"
	"strings"

	"github.com/tensorgo/tensorgo/tensor"
	"github.com/tensorgo/tensorgo/tf"
)

// Regularizer returns a scalar penalty for a tensor.
type Regularizer interface {
	Penalty(x *tf.Tensor) *tf.Tensor
}

// L1L2Regularizer is l1·sum(|x|) + l2·sum(x²).
type L1L2Regularizer struct {
	L1, L2 float64
}

// Penalty implements Regularizer.
func (r L1L2Regularizer) Penalty(x *tf.Tensor) *tf.Tensor {
	var p *tf.Tensor
	if r.L1 != 0 {
		p = tf.Mul(scalar(x, r.L1), tf.ReduceSum(tf.Abs(x), nil, false))
	}
	if r.L2 != 0 {
		q := tf.Mul(scalar(x, r.L2), tf.ReduceSum(tf.Square(x), nil, false))
		if p == nil {
			p = q
		} else {
			p = tf.Add(p, q)
		}
	}
	if p == nil {
		p = scalar(x, 0)
	}
	return p
}

// scalar makes a constant of x's dtype in x's graph (or eager).
func scalar(x *tf.Tensor, v float64) *tf.Tensor {
	return tf.Const(x.Graph(), tensor.Fill(x.DType(), v))
}

// L1 penalises l·sum(|x|) (Keras default l = 0.01).
func L1(l float64) Regularizer { return L1L2Regularizer{L1: l} }

// L2 penalises l·sum(x²) (Keras default l = 0.01).
func L2(l float64) Regularizer { return L1L2Regularizer{L2: l} }

// L1L2 penalises l1·sum(|x|) + l2·sum(x²) (Keras defaults 0.01 each).
func L1L2(l1, l2 float64) Regularizer { return L1L2Regularizer{L1: l1, L2: l2} }

// Func adapts a function to Regularizer (a custom penalty).
type Func func(x *tf.Tensor) *tf.Tensor

// Penalty calls f.
func (f Func) Penalty(x *tf.Tensor) *tf.Tensor { return f(x) }

// Get returns a regularizer by Keras name with default factors ("l1",
// "l2", "l1_l2").
func Get(name string) (Regularizer, error) {
	switch strings.ToLower(name) {
	case "l1":
		return L1(0.01), nil
	case "l2":
		return L2(0.01), nil
	case "l1_l2", "l1l2":
		return L1L2(0.01, 0.01), nil
	}
	return nil, fmt.Errorf("regularizers: unknown regularizer %q (known: l1, l2, l1_l2)", name)
}
