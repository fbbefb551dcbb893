package layers

import (
	"fmt"

	"github.com/tensorgo/tensorgo/tensor"
	"github.com/tensorgo/tensorgo/tf"
)

// A Stateful recurrent layer keeps its final states in variables of a fixed
// batch size and starts the next batch from them. The variables are not
// weights: they are not trained, saved or counted in summaries, as in
// Keras. In a model, the states advance with every training step (the
// updates of the training pass); an eager call advances them at once.

// buildStates creates the state variables for inputs of shape in.
func (l *RecurrentLayer) buildStates(in tensor.Shape) {
	batch := l.batchSize
	if batch <= 0 {
		batch = in[0]
	}
	if batch <= 0 {
		panic(fmt.Sprintf("layers: %s (%s) is stateful and needs a fixed batch size (the BatchSize option), got input shape %v", l.Name(), l.Cell, in))
	}
	names := []string{"state_h"}
	if l.Cell == "LSTM" {
		names = append(names, "state_c")
	}
	for _, n := range names {
		v := tf.NewVariable(nil, tensor.New(l.dtype, batch, l.Units), tf.Name(l.Name()+"/"+n), tf.Trainable(false))
		l.stateVars = append(l.stateVars, v)
	}
}

// stateBatch is the batch size of a Stateful layer's states.
func (l *RecurrentLayer) stateBatch() int { return l.stateVars[0].Shape()[0] }

// readStates returns the carried states where x lives, checking x's batch
// size against theirs.
func (l *RecurrentLayer) readStates(x *tf.Tensor) (h, c *tf.Tensor) {
	if b := x.Shape()[0]; b >= 0 && b != l.stateBatch() {
		panic(fmt.Sprintf("layers: %s (%s) is stateful with batch size %d, got an input of shape %v: feed batches of %d samples", l.Name(), l.Cell, l.stateBatch(), x.Shape(), l.stateBatch()))
	}
	h = read(l.stateVars[0], x)
	if len(l.stateVars) > 1 {
		c = read(l.stateVars[1], x)
	}
	return h, c
}

// saveStates stores the final states for the next batch.
func (l *RecurrentLayer) saveStates(x *tf.Tensor, o tf.RNNOutputs) {
	for i, s := range []*tf.Tensor{o.H, o.C}[:len(l.stateVars)] {
		v := l.stateVars[i]
		if x.Graph() == nil {
			if err := v.SetValue(s.Value()); err != nil {
				panic(fmt.Sprintf("layers: %s (%s): %v", l.Name(), l.Cell, err))
			}
			continue
		}
		l.AddUpdate(v.Assign(s).Op())
	}
}

// ResetStates sets a Stateful layer's carried states back to zero (Keras's
// reset_states); it does nothing for another layer.
func (l *RecurrentLayer) ResetStates() {
	for _, v := range l.stateVars {
		if err := v.SetValue(tensor.New(v.DType(), v.Shape()...)); err != nil {
			panic(fmt.Sprintf("layers: %s (%s): %v", l.Name(), l.Cell, err))
		}
	}
}

// StateValues returns copies of a Stateful layer's carried states (h, and
// c for an LSTM), or nil for another layer.
func (l *RecurrentLayer) StateValues() []*tensor.Tensor {
	var out []*tensor.Tensor
	for _, v := range l.stateVars {
		out = append(out, v.Value().Clone())
	}
	return out
}
