package optimizers

import (
	"github.com/tensorgo/tensorgo/tensor"
	"github.com/tensorgo/tensorgo/tf"
)

// stepCtx carries what one update's ops share: the graph (nil in eager
// mode), the learning rate and iteration tensors read at run time, and the
// ops a variable's writes must follow (its weight decay).
type stepCtx struct {
	g    *tf.Graph
	lr   *tf.Tensor // float64 scalar
	iter *tf.Tensor // int64 scalar: the updates applied before this one

	deps []*tf.Operation // run before the current variable's writes
	ops  []*tf.Operation // the current variable's writes

	lrs, steps map[tensor.DType]*tf.Tensor
	// uProduct is Nadam's product of momentum factors, after this step's
	// factor (float64 scalar).
	uProduct *tf.Tensor
}

// k returns the scalar constant x of dtype dt.
func (c *stepCtx) k(x float64, dt tensor.DType) *tf.Tensor {
	return tf.Const(c.g, tensor.Fill(dt, x))
}

// lrAs returns the learning rate cast to dt.
func (c *stepCtx) lrAs(dt tensor.DType) *tf.Tensor {
	if t, ok := c.lrs[dt]; ok {
		return t
	}
	t := tf.Cast(c.lr, dt)
	if c.lrs == nil {
		c.lrs = map[tensor.DType]*tf.Tensor{}
	}
	c.lrs[dt] = t
	return t
}

// stepAs returns Keras's local step, iterations+1, as a dt scalar.
func (c *stepCtx) stepAs(dt tensor.DType) *tf.Tensor {
	if t, ok := c.steps[dt]; ok {
		return t
	}
	t := tf.Add(tf.Cast(c.iter, dt), c.k(1, dt))
	if c.steps == nil {
		c.steps = map[tensor.DType]*tf.Tensor{}
	}
	c.steps[dt] = t
	return t
}

// after orders op after the current variable's weight decay (graph mode)
// and records it among the variable's writes.
func (c *stepCtx) after(op *tf.Operation) *tf.Operation {
	if c.g != nil && op != nil {
		for _, d := range c.deps {
			op.AddControlInput(d)
		}
		c.ops = append(c.ops, op)
	}
	return op
}

// write records the op of a variable write's result t (graph mode).
func (c *stepCtx) write(t *tf.Tensor) *tf.Tensor {
	if c.g != nil {
		c.after(t.Op())
	}
	return t
}

func (c *stepCtx) assign(v *tf.Variable, x *tf.Tensor) *tf.Tensor    { return c.write(v.Assign(x)) }
func (c *stepCtx) assignAdd(v *tf.Variable, x *tf.Tensor) *tf.Tensor { return c.write(v.AssignAdd(x)) }
func (c *stepCtx) assignSub(v *tf.Variable, x *tf.Tensor) *tf.Tensor { return c.write(v.AssignSub(x)) }

// group returns one op running the current variable's writes.
func (c *stepCtx) group() *tf.Operation {
	if c.g == nil {
		return tf.Group(nil, nil)
	}
	if len(c.ops) == 1 {
		return c.ops[0]
	}
	return tf.Group(c.g, c.ops)
}

// step builds (graph) or applies (eager, g == nil) one update of vars:
// weight decay, the optimizer's rule, then the moving averages. It returns
// the graph ops, one or two per variable.
func (b *base) step(g *tf.Graph, lr, iter *tf.Tensor, grads []*tf.Tensor, vars []*tf.Variable) []*tf.Operation {
	c := &stepCtx{g: g, lr: lr, iter: iter}
	if b.prestep != nil {
		b.prestep(c)
	}
	var ups []*tf.Operation
	for i, v := range vars {
		if grads[i] == nil {
			continue
		}
		s := b.slotsFor(v)
		c.deps, c.ops = nil, nil
		if c.uProduct != nil && g != nil {
			c.deps = append(c.deps, c.uProduct.Op())
		}
		w := v.In(g)
		if b.usesWeightDecay(v) {
			dt := v.DType()
			// w -= w * wd * lr, before the update (Keras's _apply_weight_decay).
			w = c.assignSub(v, tf.Mul(w, tf.Mul(c.k(b.cfg.weightDecay, dt), c.lrAs(dt))))
			c.deps, c.ops = append(c.deps, c.ops...), nil
		}
		u := b.update(c, v, s.vars, w, grads[i])
		ups = append(ups, u)
		if s.average != nil {
			ups = append(ups, b.average(c, v, s.average, u))
		}
	}
	return ups
}

// average updates v's moving average after its update u:
// average = m*average + (1-m)*v with m = ema_momentum, or 0 at the first
// update; every ema_overwrite_frequency-th update then copies the average
// into v.
func (b *base) average(c *stepCtx, v, avg *tf.Variable, u *tf.Operation) *tf.Operation {
	dt := v.DType()
	c.deps, c.ops = nil, nil
	now := v.In(c.g)
	if c.g != nil {
		now = tf.Identity(now)
		now.Op().AddControlInput(u)
	}
	it := tf.Cast(c.iter, dt)
	// sign(iterations) is 0 at the first update and 1 after.
	m := tf.Mul(c.k(b.cfg.emaMomentum, dt), tf.Sign(it))
	na := c.assign(avg, tf.Add(tf.Mul(m, avg.In(c.g)), tf.Mul(tf.Sub(c.k(1, dt), m), now)))
	if f := b.cfg.emaOverwriteFrequency; f > 0 {
		// flag is 1 when (iterations+1) % f == 0, else 0.
		r := tf.FloorMod(c.stepAs(dt), c.k(float64(f), dt))
		flag := tf.Sub(c.k(1, dt), tf.Sign(r))
		c.assign(v, tf.Add(tf.Mul(now, tf.Sub(c.k(1, dt), flag)), tf.Mul(na, flag)))
	}
	return c.group()
}
