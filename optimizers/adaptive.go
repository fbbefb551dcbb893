package optimizers

import (
	"github.com/tensorgo/tensorgo/tf"
)

// NewAdagrad returns Adagrad (Keras defaults: lr 0.001 when lr <= 0,
// initial accumulator 0.1, epsilon 1e-7). The slot is "accumulator".
func NewAdagrad(lr float64, opts ...Option) Optimizer {
	if lr <= 0 {
		lr = 0.001
	}
	b := newBase("Adagrad", lr, opts)
	b.slotNames = []string{"accumulator"}
	b.slotInit = func(int) float64 { return b.cfg.initialAccumulator }
	b.update = func(c *stepCtx, v *tf.Variable, s []*tf.Variable, _, g *tf.Tensor) *tf.Operation {
		return c.after(tf.ApplyAdagrad(v, s[0], c.lr, g, b.cfg.eps))
	}
	return b
}

// NewRMSprop returns RMSprop (Keras defaults: lr 0.001 when lr <= 0, rho
// 0.9, momentum 0, epsilon 1e-7, not centered; options Rho, Momentum,
// Centered, Epsilon). The slots are "velocity", "momentum" (with momentum)
// and "average_gradient" (centered), as Keras names them.
func NewRMSprop(lr float64, opts ...Option) Optimizer {
	if lr <= 0 {
		lr = 0.001
	}
	b := newBase("RMSprop", lr, opts)
	b.slotNames = []string{"velocity", "momentum", "average_gradient"}
	b.slotUsed = func(i int) bool {
		return i == 0 || (i == 1 && b.cfg.momentum != 0) || (i == 2 && b.cfg.centered)
	}
	b.update = func(c *stepCtx, v *tf.Variable, s []*tf.Variable, _, g *tf.Tensor) *tf.Operation {
		return c.after(tf.ApplyRMSProp(v, s[0], s[1], s[2], c.lr, g, b.cfg.rho, b.cfg.momentum, b.cfg.eps))
	}
	return b
}

// NewAdadelta returns Adadelta (Keras defaults: lr 0.001 when lr <= 0, rho
// 0.95, epsilon 1e-7; options Rho, Epsilon):
//
//	acc_g = rho*acc_g + (1-rho)*g²
//	delta = -sqrt(acc_d + eps) / sqrt(acc_g + eps) * g
//	acc_d = rho*acc_d + (1-rho)*delta²
//	w += lr*delta
//
// The slots are "accumulated_grad" and "accumulated_delta_var".
func NewAdadelta(lr float64, opts ...Option) Optimizer {
	if lr <= 0 {
		lr = 0.001
	}
	b := newBase("Adadelta", lr, opts, func(c *config) { c.rho = 0.95 })
	b.slotNames = []string{"accumulated_grad", "accumulated_delta_var"}
	b.update = func(c *stepCtx, v *tf.Variable, s []*tf.Variable, _, g *tf.Tensor) *tf.Operation {
		dt := v.DType()
		rho, rho1, eps := c.k(b.cfg.rho, dt), c.k(1-b.cfg.rho, dt), c.k(b.cfg.eps, dt)
		accG, accD := s[0], s[1]
		accDOld := accD.In(c.g)
		newG := c.assign(accG, tf.Add(tf.Mul(rho, accG.In(c.g)), tf.Mul(rho1, tf.Square(g))))
		delta := tf.Neg(tf.Div(tf.Mul(tf.Sqrt(tf.Add(accDOld, eps)), g), tf.Sqrt(tf.Add(newG, eps))))
		c.assign(accD, tf.Add(tf.Mul(rho, accDOld), tf.Mul(rho1, tf.Square(delta))))
		c.assignAdd(v, tf.Mul(c.lrAs(dt), delta))
		return c.group()
	}
	return b
}
