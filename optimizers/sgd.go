package optimizers

import "github.com/tensorgo/tensorgo/tf"

// NewGradientDescent returns plain gradient descent (TF1's
// GradientDescentOptimizer): w -= lr*g.
func NewGradientDescent(lr float64, opts ...Option) Optimizer {
	return newSGD("GradientDescent", lr, 0, false, opts)
}

// NewSGD returns Keras's SGD (default learning rate 0.01 when lr <= 0),
// plain unless a Momentum option is given.
func NewSGD(lr float64, opts ...Option) Optimizer {
	if lr <= 0 {
		lr = 0.01
	}
	var c config
	for _, o := range opts {
		o(&c)
	}
	return newSGD("SGD", lr, c.momentum, c.nesterov, opts)
}

// Nesterov enables Nesterov momentum for NewSGD.
func Nesterov(b bool) Option { return func(c *config) { c.nesterov = b } }

// NewMomentum returns SGD with momentum (Keras's SGD(momentum=m,
// nesterov=...)): v = m*v - lr*g; w += v (Nesterov: w += m*v - lr*g). The
// slot is "momentum".
func NewMomentum(lr, momentum float64, nesterov bool, opts ...Option) Optimizer {
	return newSGD("SGD", lr, momentum, nesterov, opts)
}

func newSGD(name string, lr, momentum float64, nesterov bool, opts []Option) Optimizer {
	b := newBase(name, lr, opts)
	if momentum == 0 {
		b.update = func(c *stepCtx, v *tf.Variable, _ []*tf.Variable, _, g *tf.Tensor) *tf.Operation {
			return c.after(tf.ApplyGradientDescent(v, c.lr, g))
		}
		return b
	}
	b.slotNames = []string{"momentum"}
	b.update = func(c *stepCtx, v *tf.Variable, s []*tf.Variable, _, g *tf.Tensor) *tf.Operation {
		return c.after(tf.ApplyMomentum(v, s[0], c.lr, g, momentum, nesterov))
	}
	return b
}
