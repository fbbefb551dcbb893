package optimizers

import (
	"fmt"

	"github.com/tensorgo/tensorgo/tf"
)

// NewFtrl returns FTRL-proximal (Keras's Ftrl; defaults: lr 0.001 when
// lr <= 0, learning-rate power -0.5, initial accumulator 0.1, no L1, L2 or
// L2-shrinkage regularisation, beta 0; options LearningRatePower,
// InitialAccumulator, L1RegularizationStrength, L2RegularizationStrength,
// L2ShrinkageRegularizationStrength, FTRLBeta). With p = -power,
// l2' = l2 + beta/(2*lr):
//
//	n' = n + g²
//	z += g + 2*l2_shrinkage*w - (n'^p - n^p)/lr * w
//	w = (clip(z, -l1, l1) - z) / (n'^p/lr + 2*l2');  n = n'
//
// The slots are "accumulator" (n) and "linear" (z). It panics on a
// negative accumulator or strength or a positive power, as Keras does.
func NewFtrl(lr float64, opts ...Option) Optimizer {
	if lr <= 0 {
		lr = 0.001
	}
	b := newBase("Ftrl", lr, opts)
	cfg := b.cfg
	for _, c := range []struct {
		name string
		bad  bool
		v    float64
	}{
		{"initial_accumulator_value", cfg.initialAccumulator < 0, cfg.initialAccumulator},
		{"learning_rate_power", cfg.lrPower > 0, cfg.lrPower},
		{"l1_regularization_strength", cfg.l1 < 0, cfg.l1},
		{"l2_regularization_strength", cfg.l2 < 0, cfg.l2},
		{"l2_shrinkage_regularization_strength", cfg.l2Shrinkage < 0, cfg.l2Shrinkage},
	} {
		if c.bad {
			want := "positive or zero"
			if c.name == "learning_rate_power" {
				want = "negative or zero"
			}
			panic(fmt.Sprintf("optimizers: %s: %s must be %s, got %g", b.name, c.name, want, c.v))
		}
	}
	b.slotNames = []string{"accumulator", "linear"}
	b.slotInit = func(i int) float64 {
		if i == 0 {
			return b.cfg.initialAccumulator
		}
		return 0
	}
	b.update = func(c *stepCtx, v *tf.Variable, s []*tf.Variable, w, g *tf.Tensor) *tf.Operation {
		dt := v.DType()
		lr := c.lrAs(dt)
		p := c.k(-b.cfg.lrPower, dt)
		acc, lin := s[0], s[1]
		n := acc.In(c.g)
		l2 := tf.Add(c.k(b.cfg.l2, dt), tf.Div(c.k(b.cfg.ftrlBeta, dt), tf.Mul(c.k(2, dt), lr)))
		gUse := tf.Add(g, tf.Mul(c.k(2*b.cfg.l2Shrinkage, dt), w))
		nNew := tf.Add(n, tf.Square(g))
		nNewP := tf.Pow(nNew, p)
		sigma := tf.Div(tf.Sub(nNewP, tf.Pow(n, p)), lr)
		z := c.assignAdd(lin, tf.Sub(gUse, tf.Mul(sigma, w)))
		quad := tf.Add(tf.Div(nNewP, lr), tf.Mul(c.k(2, dt), l2))
		l1 := b.cfg.l1
		c.assign(v, tf.Div(tf.Sub(tf.ClipByValue(z, -l1, l1), z), quad))
		c.assign(acc, nNew)
		return c.group()
	}
	return b
}
