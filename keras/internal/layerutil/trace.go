package layerutil

import (
	"fmt"
	"sync"

	"github.com/tensorgo/tensorgo/tf"
)

// Node records one call of a layer while a functional model is traced:
// the layer, the symbolic tensors it took and the one it returned.
type Node struct {
	Layer  any
	Inputs []*tf.Tensor
	Output *tf.Tensor
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

// Record notes that layer made out from in, if out's graph is traced.
func Record(layer any, in []*tf.Tensor, out *tf.Tensor) {
	g := out.Graph()
	if g == nil {
		return
	}
	traceMu.Lock()
	defer traceMu.Unlock()
	if m := traced[g]; m != nil {
		m[out] = &Node{Layer: layer, Inputs: append([]*tf.Tensor(nil), in...), Output: out}
	}
}

// NodeOf returns the node that produced t in a traced graph, or nil.
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
	state := map[*tf.Tensor]int{} // 1 visiting, 2 done
	var visit func(t *tf.Tensor) error
	visit = func(t *tf.Tensor) error {
		if isInput[t] || state[t] == 2 {
			return nil
		}
		if state[t] == 1 {
			return fmt.Errorf("cycle through %s", t.Name())
		}
		n := NodeOf(t)
		if n == nil {
			return fmt.Errorf("tensor %s %v is not an input of the model and was not made by a Keras layer (wrap tf ops in layers.Lambda)", t.Name(), t.Shape())
		}
		state[t] = 1
		for _, in := range n.Inputs {
			if err := visit(in); err != nil {
				return err
			}
		}
		state[t] = 2
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
// another graph) and returns the tensors matching outputs.
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
		m[n.Output] = call(n.Layer, xs)
	}
	out := make([]*tf.Tensor, len(outputs))
	for i, t := range outputs {
		out[i] = m[t]
	}
	return out
}
