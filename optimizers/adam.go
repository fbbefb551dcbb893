package optimizers

import (
	"fmt"

	"github.com/tensorgo/tensorgo/tensor"
	"github.com/tensorgo/tensorgo/tf"
)

// NewAdam returns Adam (Keras defaults: lr 0.001 when lr <= 0, beta1 0.9,
// beta2 0.999, epsilon 1e-7; options Beta1, Beta2, Epsilon, AMSGrad). The
// slots are "momentum", "velocity" and (AMSGrad) "velocity_hat".
func NewAdam(lr float64, opts ...Option) Optimizer {
	return newAdam("Adam", lr, opts)
}

// NewAdamW returns AdamW: Adam with decoupled weight decay (Keras defaults:
// lr 0.001 when lr <= 0, weight decay 0.004, beta1 0.9, beta2 0.999,
// epsilon 1e-7; options WeightDecay, Beta1, Beta2, Epsilon, AMSGrad). Each
// update first shrinks w by w*weightDecay*lr, then takes Adam's step.
func NewAdamW(lr float64, opts ...Option) Optimizer {
	return newAdam("AdamW", lr, opts, func(c *config) { c.weightDecay = 0.004 })
}

func newAdam(name string, lr float64, opts []Option, set ...func(*config)) Optimizer {
	if lr <= 0 {
		lr = 0.001
	}
	b := newBase(name, lr, opts, set...)
	b.slotNames = []string{"momentum", "velocity", "velocity_hat"}
	b.slotUsed = func(i int) bool { return i < 2 || b.cfg.amsgrad }
	b.update = func(c *stepCtx, v *tf.Variable, s []*tf.Variable, _, g *tf.Tensor) *tf.Operation {
		return c.after(tf.ApplyAdam(v, s[0], s[1], s[2], c.lr, c.iter, g, b.cfg.beta1, b.cfg.beta2, b.cfg.eps))
	}
	return b
}

// NewNadam returns Nadam, Adam with Nesterov momentum (Keras defaults: lr
// 0.001 when lr <= 0, beta1 0.9, beta2 0.999, epsilon 1e-7; options Beta1,
// Beta2, Epsilon). With t = iterations+1 and
// u(t) = beta1*(1 - 0.5*0.96^t), P(t) = u(1)*...*u(t):
//
//	m = beta1*m + (1-beta1)*g;  v = beta2*v + (1-beta2)*g²
//	m̂ = u(t+1)*m/(1-P(t+1)) + (1-u(t))*g/(1-P(t));  v̂ = v/(1-beta2^t)
//	w -= lr*m̂/(sqrt(v̂)+eps)
//
// The slots are "momentum" and "velocity"; P is an optimizer variable,
// "u_product", listed by Variables.
func NewNadam(lr float64, opts ...Option) Optimizer {
	if lr <= 0 {
		lr = 0.001
	}
	b := newBase("Nadam", lr, opts)
	uProd := tf.NewVariable(nil, tensor.Scalar(1.0), tf.Name("u_product"), tf.Trainable(false))
	b.extra = []*tf.Variable{uProd}
	b.slotNames = []string{"momentum", "velocity"}
	b.prestep = func(c *stepCtx) {
		t := c.stepAs(tensor.Float64)
		c.uProduct = uProd.Assign(tf.Mul(uProd.In(c.g), nadamU(c, b.cfg.beta1, t, tensor.Float64)))
	}
	b.update = func(c *stepCtx, v *tf.Variable, s []*tf.Variable, _, g *tf.Tensor) *tf.Operation {
		dt := v.DType()
		b1, b2 := b.cfg.beta1, b.cfg.beta2
		one := c.k(1, dt)
		t := c.stepAs(dt)
		ut := nadamU(c, b1, t, dt)
		ut1 := nadamU(c, b1, tf.Add(t, one), dt)
		pt := tf.Cast(c.uProduct, dt)
		pt1 := tf.Mul(pt, ut1)
		m, vel := s[0], s[1]
		nm := c.assignAdd(m, tf.Mul(tf.Sub(g, m.In(c.g)), c.k(1-b1, dt)))
		nv := c.assignAdd(vel, tf.Mul(tf.Sub(tf.Square(g), vel.In(c.g)), c.k(1-b2, dt)))
		mHat := tf.Add(tf.Div(tf.Mul(ut1, nm), tf.Sub(one, pt1)),
			tf.Div(tf.Mul(tf.Sub(one, ut), g), tf.Sub(one, pt)))
		vHat := tf.Div(nv, tf.Sub(one, tf.Pow(c.k(b2, dt), t)))
		c.assignSub(v, tf.Div(tf.Mul(mHat, c.lrAs(dt)), tf.Add(tf.Sqrt(vHat), c.k(b.cfg.eps, dt))))
		return c.group()
	}
	return b
}

// nadamU is Nadam's momentum factor beta1*(1 - 0.5*0.96^t).
func nadamU(c *stepCtx, beta1 float64, t *tf.Tensor, dt tensor.DType) *tf.Tensor {
	return tf.Mul(c.k(beta1, dt), tf.Sub(c.k(1, dt), tf.Mul(c.k(0.5, dt), tf.Pow(c.k(0.96, dt), t))))
}

// NewAdamax returns Adamax, Adam with the infinity norm (Keras defaults: lr
// 0.001 when lr <= 0, beta1 0.9, beta2 0.999, epsilon 1e-7; options Beta1,
// Beta2, Epsilon):
//
//	m = beta1*m + (1-beta1)*g;  u = max(beta2*u, |g|)
//	w -= lr*m / ((1-beta1^t)*(u+eps)),  t = iterations+1
//
// The slots are "momentum" and "norm".
func NewAdamax(lr float64, opts ...Option) Optimizer {
	if lr <= 0 {
		lr = 0.001
	}
	b := newBase("Adamax", lr, opts)
	b.slotNames = []string{"momentum", "norm"}
	b.update = func(c *stepCtx, v *tf.Variable, s []*tf.Variable, _, g *tf.Tensor) *tf.Operation {
		dt := v.DType()
		b1 := b.cfg.beta1
		m, u := s[0], s[1]
		nm := c.assignAdd(m, tf.Mul(tf.Sub(g, m.In(c.g)), c.k(1-b1, dt)))
		nu := c.assign(u, tf.Maximum(tf.Mul(c.k(b.cfg.beta2, dt), u.In(c.g)), tf.Abs(g)))
		corr := tf.Sub(c.k(1, dt), tf.Pow(c.k(b1, dt), c.stepAs(dt)))
		c.assignSub(v, tf.Div(tf.Mul(c.lrAs(dt), nm), tf.Mul(corr, tf.Add(nu, c.k(b.cfg.eps, dt)))))
		return c.group()
	}
	return b
}

// NewLion returns Lion, the sign-momentum optimizer (Keras defaults: lr
// 0.001 when lr <= 0, beta1 0.9, beta2 0.99; options Beta1, Beta2):
//
//	w -= lr*sign(beta1*m + (1-beta1)*g);  m = beta2*m + (1-beta2)*g
//
// The slot is "momentum". It panics unless 0 < beta1 <= 1.
func NewLion(lr float64, opts ...Option) Optimizer {
	if lr <= 0 {
		lr = 0.001
	}
	b := newBase("Lion", lr, opts, func(c *config) { c.beta2 = 0.99 })
	if b1 := b.cfg.beta1; b1 <= 0 || b1 > 1 {
		panic(fmt.Sprintf("optimizers: %s: beta_1 must be in (0, 1] (otherwise Lion degenerates to sign SGD), got %g", b.name, b1))
	}
	b.slotNames = []string{"momentum"}
	b.update = func(c *stepCtx, v *tf.Variable, s []*tf.Variable, _, g *tf.Tensor) *tf.Operation {
		dt := v.DType()
		b1, b2 := b.cfg.beta1, b.cfg.beta2
		m := s[0]
		mOld := m.In(c.g)
		dir := tf.Sign(tf.Add(tf.Mul(mOld, c.k(b1, dt)), tf.Mul(g, c.k(1-b1, dt))))
		c.assignSub(v, tf.Mul(c.lrAs(dt), dir))
		c.assign(m, tf.Add(tf.Mul(mOld, c.k(b2, dt)), tf.Mul(g, c.k(1-b2, dt))))
		return c.group()
	}
	return b
}
