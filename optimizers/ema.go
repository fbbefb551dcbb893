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
// min(decay, (1+n)/(10+n)) for the n-th update.
type ExponentialMovingAverage struct {
	decay      float64
	numUpdates bool
	n          int64
	mu         sync.Mutex
	shadows    map[*tf.Variable]*tf.Variable
}

// NewExponentialMovingAverage returns an EMA with the given decay (e.g.
// 0.999); numUpdates enables TF's warm-up of the decay.
func NewExponentialMovingAverage(decay float64, numUpdates bool) *ExponentialMovingAverage {
	return &ExponentialMovingAverage{decay: decay, numUpdates: numUpdates, shadows: map[*tf.Variable]*tf.Variable{}}
}

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
// op to run (the decay is fixed when numUpdates is off, else computed at
// each build); with g == nil it updates now and returns nil. Shadows start
// at the variables' current values.
func (e *ExponentialMovingAverage) Apply(g *tf.Graph, vars ...*tf.Variable) *tf.Operation {
	d := e.decay
	if e.numUpdates {
		e.n++
		d = min(d, float64(1+e.n)/float64(10+e.n))
	}
	var ops []*tf.Operation
	for _, v := range vars {
		s := e.shadow(v)
		sv, vv := s.In(g), v.In(g)
		k := tf.Cast(tf.Const(g, tensor.Scalar(1-d)), sv.DType())
		upd := s.AssignSub(tf.Mul(k, tf.Sub(sv, tf.StopGradient(vv))))
		if g != nil {
			ops = append(ops, upd.Op())
		}
	}
	if g == nil {
		return nil
	}
	return tf.Group(g, ops, tf.Name("ExponentialMovingAverage"))
}
