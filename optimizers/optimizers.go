// Package optimizers holds the training optimizers (gradient descent,
// momentum, Adagrad, RMSprop, Adam), learning-rate schedules, gradient
// clipping and exponential moving averages of variables, for graph mode
// (Minimize / ApplyGradientsOp give an op to run in a Session) and eager
// mode (ApplyGradients updates at once).
//
// Updates are fused, in-place kernels: a compiled training step allocates
// nothing for them. The learning rate lives in a variable read when the
// update runs, so SetLearningRate (or a schedule) takes effect without
// recompiling anything.
package optimizers

import (
	"errors"
	"fmt"
	"sync"

	"github.com/tensorgo/tensorgo/tensor"
	"github.com/tensorgo/tensorgo/tf"
)

// Optimizer updates variables from their gradients.
type Optimizer interface {
	// Name returns the Keras name ("Adam").
	Name() string
	// Minimize builds the gradients of loss with respect to vars (default:
	// the graph's trainable variables) and returns the op that applies one
	// update (graph mode).
	Minimize(loss *tf.Tensor, vars ...*tf.Variable) *tf.Operation
	// ApplyGradientsOp returns an op applying grads to vars (graph mode).
	// nil gradients are skipped.
	ApplyGradientsOp(grads []*tf.Tensor, vars []*tf.Variable) *tf.Operation
	// ApplyGradients applies eager gradients to vars now (eager mode). nil
	// gradients are skipped.
	ApplyGradients(grads []*tf.Tensor, vars []*tf.Variable) error
	// LearningRate returns the learning rate the next update uses.
	LearningRate() float64
	// SetLearningRate sets a constant learning rate (replacing a schedule);
	// compiled plans see it at their next run.
	SetLearningRate(lr float64)
	// Iterations returns the number of updates applied.
	Iterations() int64
	// Variables returns the optimizer's own variables (iterations, then the
	// slots in creation order), for checkpoints.
	Variables() []*tf.Variable
}

// Option configures an optimizer.
type Option func(*config)

type config struct {
	clipValue, clipNorm, globalClipNorm float64
	schedule                            LearningRateSchedule
	beta1, beta2, eps                   float64
	amsgrad, nesterov, centered         bool
	momentum, rho, initialAccumulator   float64
	name                                string
}

// ClipValue clips every gradient element to [-v, v] before the update.
func ClipValue(v float64) Option { return func(c *config) { c.clipValue = v } }

// ClipNorm rescales each gradient to L2 norm at most n.
func ClipNorm(n float64) Option { return func(c *config) { c.clipNorm = n } }

// GlobalClipNorm rescales all gradients together to global norm at most n.
func GlobalClipNorm(n float64) Option { return func(c *config) { c.globalClipNorm = n } }

// Schedule makes the learning rate follow s (it replaces the constant rate).
func Schedule(s LearningRateSchedule) Option { return func(c *config) { c.schedule = s } }

// Beta1 sets Adam's first-moment decay (default 0.9).
func Beta1(b float64) Option { return func(c *config) { c.beta1 = b } }

// Beta2 sets Adam's second-moment decay (default 0.999).
func Beta2(b float64) Option { return func(c *config) { c.beta2 = b } }

// Epsilon sets the numerical-stability constant (Keras default 1e-7).
func Epsilon(e float64) Option { return func(c *config) { c.eps = e } }

// AMSGrad enables Adam's AMSGrad variant.
func AMSGrad(b bool) Option { return func(c *config) { c.amsgrad = b } }

// Rho sets RMSprop's decay (default 0.9).
func Rho(r float64) Option { return func(c *config) { c.rho = r } }

// Momentum sets RMSprop's momentum (default 0).
func Momentum(m float64) Option { return func(c *config) { c.momentum = m } }

// Centered makes RMSprop normalise by the centred second moment.
func Centered(b bool) Option { return func(c *config) { c.centered = b } }

// InitialAccumulator sets Adagrad's initial accumulator (default 0.1).
func InitialAccumulator(v float64) Option { return func(c *config) { c.initialAccumulator = v } }

// WithName sets the optimizer's name.
func WithName(n string) Option { return func(c *config) { c.name = n } }

// base holds what every optimizer shares: the learning-rate and iteration
// variables, clipping, and per-variable slots.
type base struct {
	cfg   config
	name  string
	lr    *tf.Variable // float64 scalar
	iters *tf.Variable // int64 scalar
	mu    sync.Mutex
	slots map[*tf.Variable][]*tf.Variable
	order []*tf.Variable
	// update applies one variable's update with the given lr / iteration
	// tensors (graph or eager).
	update func(v *tf.Variable, slots []*tf.Variable, lr, iter, g *tf.Tensor) *tf.Operation
	// slotInit gives the slots' initial values for v.
	slotNames []string
	slotInit  func(i int) float64
	slotUsed  func(i int) bool
}

func newBase(name string, lr float64, opts []Option) *base {
	b := &base{name: name, slots: map[*tf.Variable][]*tf.Variable{}}
	b.cfg = config{beta1: 0.9, beta2: 0.999, eps: 1e-7, rho: 0.9, initialAccumulator: 0.1}
	for _, o := range opts {
		o(&b.cfg)
	}
	if b.cfg.name != "" {
		b.name = b.cfg.name
	}
	if b.cfg.schedule != nil {
		lr = b.cfg.schedule.At(0)
	}
	b.lr = tf.NewVariable(nil, tensor.Scalar(lr), tf.Name("learning_rate"), tf.Trainable(false))
	b.iters = tf.NewVariable(nil, tensor.Scalar(int64(0)), tf.Name("iter"), tf.Trainable(false))
	return b
}

func (b *base) Name() string { return b.name }

func (b *base) LearningRate() float64 {
	if s := b.cfg.schedule; s != nil {
		return s.At(b.Iterations())
	}
	return b.lr.Value().Item()
}

func (b *base) SetLearningRate(lr float64) {
	b.cfg.schedule = nil
	b.lr.Value().SetFloat(0, lr)
}

func (b *base) Iterations() int64 { return int64(b.iters.Value().Item()) }

func (b *base) Variables() []*tf.Variable {
	b.mu.Lock()
	defer b.mu.Unlock()
	out := []*tf.Variable{b.iters}
	for _, v := range b.order {
		for _, s := range b.slots[v] {
			if s != nil {
				out = append(out, s)
			}
		}
	}
	return out
}

// slotsFor returns v's slot variables, creating them (eager, initialised,
// non-trainable) on first use.
func (b *base) slotsFor(v *tf.Variable) []*tf.Variable {
	b.mu.Lock()
	defer b.mu.Unlock()
	if s, ok := b.slots[v]; ok {
		return s
	}
	s := make([]*tf.Variable, len(b.slotNames))
	for i, n := range b.slotNames {
		if b.slotUsed != nil && !b.slotUsed(i) {
			continue
		}
		init := 0.0
		if b.slotInit != nil {
			init = b.slotInit(i)
		}
		val := tensor.Fill(v.DType(), init, v.Shape()...)
		s[i] = tf.NewVariable(nil, val, tf.Name(v.OpName()+"/"+n), tf.Trainable(false))
	}
	b.slots[v] = s
	b.order = append(b.order, v)
	return s
}

// clip applies the configured gradient clipping.
func (b *base) clip(grads []*tf.Tensor) []*tf.Tensor {
	out := append([]*tf.Tensor(nil), grads...)
	if c := b.cfg.clipValue; c > 0 {
		for i, g := range out {
			if g != nil {
				out[i] = tf.ClipByValue(g, -c, c)
			}
		}
	}
	if c := b.cfg.clipNorm; c > 0 {
		for i, g := range out {
			if g != nil {
				out[i] = tf.ClipByNorm(g, c)
			}
		}
	}
	if c := b.cfg.globalClipNorm; c > 0 {
		out = tf.ClipByGlobalNorm(out, c)
	}
	return out
}

func (b *base) Minimize(loss *tf.Tensor, vars ...*tf.Variable) *tf.Operation {
	g := loss.Graph()
	if g == nil {
		panic("optimizers: Minimize needs a graph tensor; in eager mode use a GradientTape and ApplyGradients")
	}
	if len(vars) == 0 {
		vars = tf.TrainableVariables(g)
	}
	grads := tf.VariableGradients([]*tf.Tensor{loss}, vars)
	return b.ApplyGradientsOp(grads, vars)
}

func init() {
	tf.RegisterOp(&tf.OpDef{Type: "LearningRateSchedule",
		Infer: func(op *tf.Operation, in []tf.TensorSpec) []tf.TensorSpec {
			return []tf.TensorSpec{{DType: tensor.Float64, Shape: tensor.Shape{}}}
		},
		Kernel: func(op *tf.Operation, in, out []*tensor.Tensor) error {
			b := op.Attr("optimizer").(*base)
			out[0].SetFloat(0, b.LearningRate())
			return nil
		},
	})
}

func (b *base) ApplyGradientsOp(grads []*tf.Tensor, vars []*tf.Variable) *tf.Operation {
	if len(grads) != len(vars) {
		panic(fmt.Sprintf("optimizers: %d gradients for %d variables", len(grads), len(vars)))
	}
	var g *tf.Graph
	for _, gr := range grads {
		if gr != nil {
			g = gr.Graph()
			break
		}
	}
	if g == nil {
		panic("optimizers: ApplyGradientsOp needs graph gradients (in eager mode use ApplyGradients)")
	}
	exit := g.NameScope(b.name)
	defer exit()
	grads = b.clip(grads)
	iter := b.iters.In(g)
	var lr *tf.Tensor
	if b.cfg.schedule != nil {
		lr = tf.NewOp("LearningRateSchedule", []*tf.Tensor{iter}, map[string]any{"optimizer": b}).Output(0)
	} else {
		lr = b.lr.In(g)
	}
	var ups []*tf.Operation
	for i, v := range vars {
		if grads[i] == nil {
			continue
		}
		ups = append(ups, b.update(v, b.slotsFor(v), lr, iter, grads[i]))
	}
	inc := b.iters.AssignAdd(tf.Const(g, tensor.Scalar(int64(1)))).Op()
	for _, u := range ups {
		inc.AddControlInput(u)
	}
	return tf.Group(g, append(ups, inc), tf.Name("update"))
}

func (b *base) ApplyGradients(grads []*tf.Tensor, vars []*tf.Variable) error {
	if len(grads) != len(vars) {
		return fmt.Errorf("optimizers: %d gradients for %d variables", len(grads), len(vars))
	}
	for i, g := range grads {
		if g != nil && g.Graph() != nil {
			return errors.New("optimizers: ApplyGradients takes eager gradients; in graph mode use ApplyGradientsOp or Minimize")
		}
		if g != nil && !vars[i].Initialized() {
			return fmt.Errorf("optimizers: variable %s is uninitialized", vars[i].Name())
		}
	}
	grads = b.clip(grads)
	lr := tf.Constant(tensor.Scalar(b.LearningRate()))
	iter := tf.Constant(tensor.Scalar(b.Iterations()))
	for i, v := range vars {
		if grads[i] == nil {
			continue
		}
		b.update(v, b.slotsFor(v), lr, iter, grads[i])
	}
	it := b.iters.Value()
	it.SetFloat(0, it.Float(0)+1)
	return nil
}

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
// nesterov=...)): v = m*v - lr*g; w += v (Nesterov: w += m*v - lr*g).
func NewMomentum(lr, momentum float64, nesterov bool, opts ...Option) Optimizer {
	return newSGD("SGD", lr, momentum, nesterov, opts)
}

func newSGD(name string, lr, momentum float64, nesterov bool, opts []Option) Optimizer {
	b := newBase(name, lr, opts)
	if momentum == 0 {
		b.update = func(v *tf.Variable, _ []*tf.Variable, lr, _, g *tf.Tensor) *tf.Operation {
			return tf.ApplyGradientDescent(v, lr, g)
		}
		return b
	}
	b.slotNames = []string{"momentum"}
	b.update = func(v *tf.Variable, s []*tf.Variable, lr, _, g *tf.Tensor) *tf.Operation {
		return tf.ApplyMomentum(v, s[0], lr, g, momentum, nesterov)
	}
	return b
}

// NewAdagrad returns Adagrad (Keras defaults: lr 0.001 when lr <= 0,
// initial accumulator 0.1, epsilon 1e-7).
func NewAdagrad(lr float64, opts ...Option) Optimizer {
	if lr <= 0 {
		lr = 0.001
	}
	b := newBase("Adagrad", lr, opts)
	b.slotNames = []string{"accumulator"}
	b.slotInit = func(int) float64 { return b.cfg.initialAccumulator }
	b.update = func(v *tf.Variable, s []*tf.Variable, lr, _, g *tf.Tensor) *tf.Operation {
		return tf.ApplyAdagrad(v, s[0], lr, g, b.cfg.eps)
	}
	return b
}

// NewRMSprop returns RMSprop (Keras defaults: lr 0.001 when lr <= 0, rho
// 0.9, momentum 0, epsilon 1e-7, not centered; options Rho, Momentum,
// Centered, Epsilon).
func NewRMSprop(lr float64, opts ...Option) Optimizer {
	if lr <= 0 {
		lr = 0.001
	}
	b := newBase("RMSprop", lr, opts)
	b.slotNames = []string{"rms", "momentum", "mg"}
	b.slotUsed = func(i int) bool {
		return i == 0 || (i == 1 && b.cfg.momentum != 0) || (i == 2 && b.cfg.centered)
	}
	b.update = func(v *tf.Variable, s []*tf.Variable, lr, _, g *tf.Tensor) *tf.Operation {
		return tf.ApplyRMSProp(v, s[0], s[1], s[2], lr, g, b.cfg.rho, b.cfg.momentum, b.cfg.eps)
	}
	return b
}

// NewAdam returns Adam (Keras defaults: lr 0.001 when lr <= 0, beta1 0.9,
// beta2 0.999, epsilon 1e-7; options Beta1, Beta2, Epsilon, AMSGrad).
func NewAdam(lr float64, opts ...Option) Optimizer {
	if lr <= 0 {
		lr = 0.001
	}
	b := newBase("Adam", lr, opts)
	b.slotNames = []string{"m", "v", "vhat"}
	b.slotUsed = func(i int) bool { return i < 2 || b.cfg.amsgrad }
	b.update = func(v *tf.Variable, s []*tf.Variable, lr, iter, g *tf.Tensor) *tf.Operation {
		return tf.ApplyAdam(v, s[0], s[1], s[2], lr, iter, g, b.cfg.beta1, b.cfg.beta2, b.cfg.eps)
	}
	return b
}

// Get returns an optimizer with Keras defaults by its Keras name ("sgd",
// "adam", "rmsprop", "adagrad"), as compile("adam") takes.
func Get(name string) (Optimizer, error) {
	switch name {
	case "sgd", "SGD":
		return NewSGD(0), nil
	case "adam", "Adam":
		return NewAdam(0), nil
	case "rmsprop", "RMSprop":
		return NewRMSprop(0), nil
	case "adagrad", "Adagrad":
		return NewAdagrad(0), nil
	}
	return nil, fmt.Errorf("optimizers: unknown optimizer %q", name)
}
