// Package regularizers holds Keras's weight and activity penalties (l1,
// l2, l1_l2, orthogonal_regularizer). A layer's kernel, bias and activity
// regularizers add their penalties to the training loss; the orthogonal
// regularizer pushes a kernel's rows (or columns) apart.
package regularizers

import (
	"fmt"
	"sort"
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

// byName maps Keras 3's regularizer names (snake case and class names,
// any case) to constructors with the defaults Keras documents for string
// identifiers: l1 0.01, l2 0.01, l1_l2 0.01 and 0.01, orthogonal factor
// 0.01 by rows.
var byName = map[string]func() Regularizer{
	"l1":                     func() Regularizer { return L1(0.01) },
	"l2":                     func() Regularizer { return L2(0.01) },
	"l1_l2":                  func() Regularizer { return L1L2(0.01, 0.01) },
	"l1l2":                   func() Regularizer { return L1L2(0.01, 0.01) },
	"orthogonal_regularizer": func() Regularizer { return Orthogonal(0.01, "rows") },
	"orthogonalregularizer":  func() Regularizer { return Orthogonal(0.01, "rows") },
}

// Names lists the names Get knows, sorted.
func Names() []string {
	out := make([]string, 0, len(byName))
	for n := range byName {
		out = append(out, n)
	}
	sort.Strings(out)
	return out
}

// Get returns a regularizer by Keras name with default factors ("l1",
// "l2", "l1_l2", "orthogonal_regularizer"). An unknown name is an error
// listing the known ones.
func Get(name string) (Regularizer, error) {
	if f, ok := byName[strings.ToLower(name)]; ok {
		return f(), nil
	}
	return nil, fmt.Errorf("regularizers: unknown regularizer %q (known: %s)", name, strings.Join(Names(), ", "))
}
