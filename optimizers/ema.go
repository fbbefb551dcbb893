package optimizers

import (
	"fmt"
	"sync"

	"github.com/tensorgo/tensorgo/tensor"
	"github.com/tensorgo/tensorgo/tf"
)

// ExponentialMovingAverage keeps shadow copies of variables that follow
// shadow -= (1-decay)*(shadow-value) at each Apply
// (tf.train.ExponentialMovingAverage). With NumUpdates the decay used is
// min(decay, (1+n)/(10+n)) for the n-th update, n counted by a step
// variable that every Apply (eager) or run of an Apply op (graph)
// increments, so a graph op built once warms up as it runs.
type ExponentialMovingAverage struct {
	decay   float64
	step    *tf.Variable // int64 scalar: updates applied; nil without numUpdates
	mu      sync.Mutex
	shadows map[*tf.Variable]*tf.Variable
}

// NewExponentialMovingAverage returns an EMA with the given decay (e.g.
// 0.999); numUpdates enables TF's warm-up of the decay.
func NewExponentialMovingAverage(decay float64, numUpdates bool) *ExponentialMovingAverage {
	e := &ExponentialMovingAverage{decay: decay, shadows: map[*tf.Variable]*tf.Variable{}}
	if numUpdates {
		e.step = tf.NewVariable(nil, tensor.Scalar(int64(0)), tf.Name("ExponentialMovingAverage/num_updates"), tf.Trainable(false))
	}
	return e
}

// NumUpdates returns the variable counting the updates applied (for
// checkpoints), or nil when the EMA was made without numUpdates.
func (e *ExponentialMovingAverage) NumUpdates() *tf.Variable { return e.step }

func (e *ExponentialMovingAverage) shadow(v *tf.Variable) *tf.Variable {
	e.mu.Lock()
	defer e.mu.Unlock()
	s := e.shadows[v]
	if s == nil {
		if !v.Initialized() {
			panic(fmt.Sprintf("optimizers: ExponentialMovingAverage: variable %s is uninitialized; initialise it first", v.Name()))
		}
		s = tf.NewVariable(nil, v.Value(), tf.Name(v.OpName()+"/ExponentialMovingAverage"), tf.Trainable(false))
		e.shadows[v] = s
	}
	return s
}

// Average returns the shadow variable of v (nil if v was never applied).
func (e *ExponentialMovingAverage) Average(v *tf.Variable) *tf.Variable {
	e.mu.Lock()
	defer e.mu.Unlock()
	return e.shadows[v]
}

// Apply updates the shadows of vars. In graph mode (g != nil) it returns the
// op to run; with numUpdates its decay is computed from the step variable
// each time the op runs. With g == nil it updates now and returns nil.
// Shadows start at the variables' current values.
func (e *ExponentialMovingAverage) Apply(g *tf.Graph, vars ...*tf.Variable) *tf.Operation {
	// oneMinus is 1-decay as a float64 scalar tensor.
	oneMinus := tf.Const(g, tensor.Scalar(1-e.decay))
	if e.step != nil {
		// n = updates before this one + 1; decay = min(decay, (1+n)/(10+n)).
		n := tf.Add(tf.Cast(e.step.In(g), tensor.Float64), tf.Const(g, tensor.Scalar(1.0)))
		warm := tf.Div(tf.Add(tf.Const(g, tensor.Scalar(1.0)), n), tf.Add(tf.Const(g, tensor.Scalar(10.0)), n))
		d := tf.Minimum(tf.Const(g, tensor.Scalar(e.decay)), warm)
		oneMinus = tf.Sub(tf.Const(g, tensor.Scalar(1.0)), d)
	}
	var ops []*tf.Operation
	for _, v := range vars {
		s := e.shadow(v)
		sv, vv := s.In(g), v.In(g)
		k := tf.Cast(oneMinus, sv.DType())
		upd := s.AssignSub(tf.Mul(k, tf.Sub(sv, tf.StopGradient(vv))))
		if g != nil {
			ops = append(ops, upd.Op())
		}
	}
	if e.step != nil {
		inc := e.step.AssignAdd(tf.Const(g, tensor.Scalar(int64(1))))
		if g != nil {
			for _, o := range ops {
				inc.Op().AddControlInput(o)
			}
			ops = append(ops, inc.Op())
		}
	}
	if g == nil {
		return nil
	}
	return tf.Group(g, ops, tf.Name("ExponentialMovingAverage"))
}
