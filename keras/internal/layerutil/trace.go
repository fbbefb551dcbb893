package layerutil

import (
	"fmt"
	"sync"

	"github.com/tensorgo/tensorgo/tf"
)

// Node records one call of a layer while a functional model is traced:
// the layer, the symbolic tensors it took and the one it returned, and
// for a recurrent layer the final states the call also made (Keras's
// return_state), which a model may output or feed to other layers.
type Node struct {
	Layer  any
	Inputs []*tf.Tensor
	Output *tf.Tensor
	States []*tf.Tensor
}

// stateLayer is a layer whose call also makes final states (the
// recurrent layers, their cells and Bidirectional): States returns those
// of its last call.
type stateLayer interface {
	States() []*tf.Tensor
}

// callStates returns the states layer's last call made, none of them
// the call's output, or nil for a layer without states.
func callStates(layer any, out *tf.Tensor) []*tf.Tensor {
	sl, ok := layer.(stateLayer)
	if !ok {
		return nil
	}
	states := sl.States()
	for _, s := range states {
		if s == nil || s == out {
			return nil
		}
	}
	return states
}

var (
	traceMu sync.Mutex
	traced  = map[*tf.Graph]map[*tf.Tensor]*Node{}
)

// TraceGraph makes layer calls in g record Nodes (keras.Input's graph).
func TraceGraph(g *tf.Graph) {
	traceMu.Lock()
	defer traceMu.Unlock()
	if traced[g] == nil {
		traced[g] = map[*tf.Tensor]*Node{}
	}
}

// UntraceGraph forgets g's Nodes.
func UntraceGraph(g *tf.Graph) {
	traceMu.Lock()
	defer traceMu.Unlock()
	delete(traced, g)
}

// Record notes that layer made out (and the states its call made) from
// in, if out's graph is traced. A layer applied inside another records
// its states first; the outer layer's call, recorded last, then owns
// them.
func Record(layer any, in []*tf.Tensor, out *tf.Tensor) {
	g := out.Graph()
	if g == nil {
		return
	}
	traceMu.Lock()
	defer traceMu.Unlock()
	if m := traced[g]; m != nil {
		n := &Node{Layer: layer, Inputs: append([]*tf.Tensor(nil), in...), Output: out, States: callStates(layer, out)}
		m[out] = n
		for _, s := range n.States {
			m[s] = n
		}
	}
}

// NodeOf returns the node that produced t (its output or one of its
// states) in a traced graph, or nil.
func NodeOf(t *tf.Tensor) *Node {
	traceMu.Lock()
	defer traceMu.Unlock()
	if m := traced[t.Graph()]; m != nil {
		return m[t]
	}
	return nil
}

// NodesBetween returns the nodes leading from inputs to outputs in
// execution order. It fails if an output depends on a tensor that is
// neither an input nor made by a layer.
func NodesBetween(inputs, outputs []*tf.Tensor) ([]*Node, error) {
	isInput := map[*tf.Tensor]bool{}
	for _, t := range inputs {
		isInput[t] = true
	}
	var order []*Node
	state := map[*Node]int{} // 1 visiting, 2 done: a call's output and states share its node
	var visit func(t *tf.Tensor) error
	visit = func(t *tf.Tensor) error {
		if isInput[t] {
			return nil
		}
		n := NodeOf(t)
		if n == nil {
			return fmt.Errorf("tensor %s %v is not an input of the model and was not made by a Keras layer (wrap tf ops in layers.Lambda)", t.Name(), t.Shape())
		}
		if state[n] == 2 {
			return nil
		}
		if state[n] == 1 {
			return fmt.Errorf("cycle through %s", t.Name())
		}
		state[n] = 1
		for _, in := range n.Inputs {
			if err := visit(in); err != nil {
				return err
			}
		}
		state[n] = 2
		order = append(order, n)
		return nil
	}
	for _, o := range outputs {
		if err := visit(o); err != nil {
			return nil, err
		}
	}
	return order, nil
}

// Replay calls the nodes' layers again, through call, on new inputs (in
// another graph) and returns the tensors matching outputs; a recorded
// call's states are matched by the states of its replay.
func Replay(nodes []*Node, inputs, newInputs, outputs []*tf.Tensor, call func(layer any, xs []*tf.Tensor) *tf.Tensor) []*tf.Tensor {
	m := map[*tf.Tensor]*tf.Tensor{}
	for i, t := range inputs {
		m[t] = newInputs[i]
	}
	for _, n := range nodes {
		xs := make([]*tf.Tensor, len(n.Inputs))
		for i, t := range n.Inputs {
			xs[i] = m[t]
		}
		y := call(n.Layer, xs)
		m[n.Output] = y
		if len(n.States) > 0 {
			states := callStates(n.Layer, y)
			if len(states) != len(n.States) {
				panic(fmt.Sprintf("keras: replaying a call of %T: it made %d states when traced, %d now", n.Layer, len(n.States), len(states)))
			}
			for i, s := range n.States {
				m[s] = states[i]
			}
		}
	}
	out := make([]*tf.Tensor, len(outputs))
	for i, t := range outputs {
		out[i] = m[t]
	}
	return out
}
