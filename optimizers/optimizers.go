// Package optimizers holds Keras's training optimizers (SGD with momentum,
// Adagrad, RMSprop, Adam, AdamW, Nadam, Adamax, Adadelta, FTRL, Lion),
// learning-rate schedules, gradient clipping, weight decay, moving averages
// of the trained variables, and TensorFlow's ExponentialMovingAverage, for
// graph mode (Minimize / ApplyGradientsOp give an op to run in a Session)
// and eager mode (ApplyGradients updates at once).
//
// SGD, Adagrad, RMSprop and Adam updates are fused, in-place kernels; the
// others are built of tf ops. A compiled training step allocates nothing
// for either. The learning rate lives in a variable read when the update
// runs, so SetLearningRate (or a schedule) takes effect without recompiling
// anything.
//
// An optimizer's own variables (the iteration counter and each trained
// variable's slots, such as Adam's "momentum" and "velocity") are created
// by Build, or at the first update of a variable when Build was not
// called. Build them up front to restore a checkpoint before training
// resumes.
package optimizers

import (
	"errors"
	"fmt"
	"regexp"
	"strings"
	"sync"

	"github.com/tensorgo/tensorgo/tensor"
	"github.com/tensorgo/tensorgo/tf"
)

// Optimizer updates variables from their gradients.
//
// An Optimizer is not safe for concurrent use while updates are being
// built or applied.
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
	// Build creates the slots of every variable in vars now (Keras's
	// optimizer.build), so that they can be listed, saved or restored
	// before the first update. Variables already built keep their slots;
	// updates of variables never built create their slots then.
	Build(vars []*tf.Variable) error
	// Slots returns v's slot variables by Keras slot name ("momentum",
	// "velocity", ...; "average" with UseEMA), in a fixed order; nil if v
	// has none yet.
	Slots(v *tf.Variable) []Slot
	// ExcludeFromWeightDecay exempts vars, and every variable whose name
	// matches one of the regular expressions in names (as Keras's
	// var_names, e.g. "bias"), from weight decay. Call it before building
	// the update (Minimize, ApplyGradientsOp): a built op keeps the choice
	// it was built with. It panics on an invalid expression.
	ExcludeFromWeightDecay(vars []*tf.Variable, names ...string)
	// FinalizeVariableValues ends training: with UseEMA it copies each
	// variable's moving average into it (Keras's
	// finalize_variable_values); otherwise it does nothing.
	FinalizeVariableValues(vars []*tf.Variable) error
	// LearningRate returns the learning rate the next update uses.
	LearningRate() float64
	// SetLearningRate sets a constant learning rate (replacing a schedule);
	// compiled plans see it at their next run.
	SetLearningRate(lr float64)
	// Iterations returns the number of updates applied.
	Iterations() int64
	// Variables returns the optimizer's own variables (iterations, then any
	// optimizer-wide state such as Nadam's "u_product", then the slots of
	// each variable in the order the variables were built), for
	// checkpoints.
	Variables() []*tf.Variable
}

// Slot is one of an optimizer's per-variable state variables.
type Slot struct {
	// Name is the Keras slot name ("momentum", "velocity", "average", ...).
	Name string
	// Variable holds the state; it has the trained variable's dtype and
	// shape and is not trainable.
	Variable *tf.Variable
}

// updateFunc builds one variable's update: v is the variable, slots its
// slots (nil where unused), w its current value (after weight decay) and g
// its gradient. It builds its variable writes through c so that they run
// after the weight decay.
type updateFunc func(c *stepCtx, v *tf.Variable, slots []*tf.Variable, w, g *tf.Tensor) *tf.Operation

// base holds what every optimizer shares: the learning-rate and iteration
// variables, clipping, weight decay, the moving averages and per-variable
// slots.
type base struct {
	cfg   config
	name  string
	lr    *tf.Variable // float64 scalar
	iters *tf.Variable // int64 scalar
	extra []*tf.Variable

	mu    sync.Mutex
	slots map[*tf.Variable]*varSlots
	order []*tf.Variable
	decay decayFilter

	update updateFunc
	// prestep, if set, builds optimizer-wide work done once per update
	// before the per-variable updates (Nadam's u_product).
	prestep func(c *stepCtx)
	// slotNames are the Keras names of the slots; slotInit their initial
	// values (default 0) and slotUsed whether the configuration needs them
	// (default all).
	slotNames []string
	slotInit  func(i int) float64
	slotUsed  func(i int) bool
}

func newBase(name string, lr float64, opts []Option, set ...func(*config)) *base {
	b := &base{name: name, slots: map[*tf.Variable]*varSlots{}}
	b.cfg = defaults()
	for _, s := range set {
		s(&b.cfg)
	}
	for _, o := range opts {
		o(&b.cfg)
	}
	if b.cfg.name != "" {
		b.name = b.cfg.name
	}
	b.cfg.check(b.name)
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

func (b *base) ExcludeFromWeightDecay(vars []*tf.Variable, names ...string) {
	b.mu.Lock()
	defer b.mu.Unlock()
	if b.decay.vars == nil {
		b.decay.vars = map[*tf.Variable]bool{}
	}
	for _, v := range vars {
		b.decay.vars[v] = true
	}
	if len(names) == 0 {
		return
	}
	pats := names
	if b.decay.pattern != nil {
		pats = append([]string{b.decay.pattern.String()}, names...)
	}
	re, err := regexp.Compile(strings.Join(pats, "|"))
	if err != nil {
		panic(fmt.Sprintf("optimizers: %s: ExcludeFromWeightDecay: %v", b.name, err))
	}
	b.decay.pattern = re
}

func (b *base) usesWeightDecay(v *tf.Variable) bool {
	if b.cfg.weightDecay == 0 {
		return false
	}
	b.mu.Lock()
	defer b.mu.Unlock()
	return !b.decay.excluded(v)
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
	// The op reads the optimizer's host-side learning rate (a schedule
	// evaluated at the current step), so its one kernel serves every
	// device.
	tf.RegisterOp(&tf.OpDef{Type: "LearningRateSchedule", Host: true,
		Attrs: []tf.AttrDef{{Name: "optimizer", Type: tf.AttrAny}},
		Infer: func(op *tf.Operation, in []tf.TensorSpec) []tf.TensorSpec {
			return []tf.TensorSpec{{DType: tensor.Float64, Shape: tensor.Shape{}}}
		},
		Kernel: func(op *tf.Operation, in, out []*tensor.Tensor) error {
			b := op.AttrAt(0).(*base)
			out[0].SetFloat(0, b.LearningRate())
			return nil
		},
	})
}

func (b *base) ApplyGradientsOp(grads []*tf.Tensor, vars []*tf.Variable) *tf.Operation {
	if len(grads) != len(vars) {
		panic(fmt.Sprintf("optimizers: %s: %d gradients for %d variables", b.name, len(grads), len(vars)))
	}
	var g *tf.Graph
	for _, gr := range grads {
		if gr != nil {
			g = gr.Graph()
			break
		}
	}
	if g == nil {
		panic(fmt.Sprintf("optimizers: %s: ApplyGradientsOp needs graph gradients (in eager mode use ApplyGradients)", b.name))
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
	ups := b.step(g, lr, iter, grads, vars)
	inc := b.iters.AssignAdd(tf.Const(g, tensor.Scalar(int64(1)))).Op()
	for _, u := range ups {
		inc.AddControlInput(u)
	}
	return tf.Group(g, append(ups, inc), tf.Name("update"))
}

func (b *base) ApplyGradients(grads []*tf.Tensor, vars []*tf.Variable) error {
	if len(grads) != len(vars) {
		return fmt.Errorf("optimizers: %s: %d gradients for %d variables", b.name, len(grads), len(vars))
	}
	for i, g := range grads {
		if g != nil && g.Graph() != nil {
			return errors.New("optimizers: ApplyGradients takes eager gradients; in graph mode use ApplyGradientsOp or Minimize")
		}
		if g != nil && !vars[i].Initialized() {
			return fmt.Errorf("optimizers: %s: variable %s is uninitialized", b.name, vars[i].Name())
		}
	}
	grads = b.clip(grads)
	lr := tf.Constant(tensor.Scalar(b.LearningRate()))
	iter := tf.Constant(tensor.Scalar(b.Iterations()))
	b.step(nil, lr, iter, grads, vars)
	it := b.iters.Value()
	it.SetFloat(0, it.Float(0)+1)
	return nil
}
