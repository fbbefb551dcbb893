package keras

import (
	"sort"

	"github.com/tensorgo/tensorgo/keras/internal/layerutil"
	"github.com/tensorgo/tensorgo/keras/layers"
	"github.com/tensorgo/tensorgo/tf"
)

// fnOp is one operation of a functional model as Keras 3 orders them: an
// input (in != nil) or a layer.
type fnOp struct {
	in    *tf.Tensor
	layer layers.Layer
}

// kerasFunctionalOrder returns the operations of a functional model in the
// order of Keras 3's Functional.operations (ops/function.py map_graph):
// by decreasing depth from the outputs, ties broken by the order of a
// depth-first walk from the outputs. Keras names the layers' groups in
// the weights file (dense, dense_1, ...) and lists them in config.json in
// this order, so a file written in it loads into Keras with the right
// weights in the right layers.
func (m *Model) kerasFunctionalOrder() []fnOp {
	type knode struct {
		op      int
		parents []*knode
		call    *layerutil.Node // nil for an input
	}
	var ops []fnOp
	opIndex := map[any]int{}
	opOf := func(key any, op fnOp) int {
		if i, ok := opIndex[key]; ok {
			return i
		}
		opIndex[key] = len(ops)
		ops = append(ops, op)
		return len(ops) - 1
	}
	isInput := map[*tf.Tensor]bool{}
	for _, t := range m.fnInputs {
		isInput[t] = true
	}
	nodeOf := map[*tf.Tensor]*layerutil.Node{}
	for _, n := range m.nodes {
		nodeOf[n.Output] = n
		for _, st := range n.States {
			nodeOf[st] = n
		}
	}
	made := map[any]*knode{}
	var post []*knode
	var visit func(t *tf.Tensor) *knode
	visit = func(t *tf.Tensor) *knode {
		if isInput[t] {
			if k := made[t]; k != nil {
				return k
			}
			k := &knode{op: opOf(t, fnOp{in: t})}
			made[t] = k
			post = append(post, k)
			return k
		}
		n := nodeOf[t]
		if k := made[n]; k != nil {
			return k
		}
		l := n.Layer.(layers.Layer)
		k := &knode{op: opOf(l, fnOp{layer: l}), call: n}
		made[n] = k
		for _, in := range n.Inputs {
			k.parents = append(k.parents, visit(in))
		}
		post = append(post, k)
		return k
	}
	for _, o := range m.fnOutputs {
		visit(o)
	}
	for _, t := range m.fnInputs { // inputs that no output uses
		if made[t] == nil {
			opOf(t, fnOp{in: t})
		}
	}
	nodeDepth := map[*knode]int{}
	opDepth := make([]int, len(ops))
	for i := len(post) - 1; i >= 0; i-- {
		k := post[i]
		d := max(nodeDepth[k], opDepth[k.op])
		opDepth[k.op], nodeDepth[k] = d, d
		for _, p := range k.parents {
			nodeDepth[p] = max(nodeDepth[p], d+1)
		}
	}
	idx := make([]int, len(ops))
	for i := range idx {
		idx[i] = i
	}
	sort.SliceStable(idx, func(a, b int) bool {
		if opDepth[idx[a]] != opDepth[idx[b]] {
			return opDepth[idx[a]] > opDepth[idx[b]]
		}
		return idx[a] < idx[b]
	})
	out := make([]fnOp, len(ops))
	for i, j := range idx {
		out[i] = ops[j]
	}
	return out
}

// className returns the Keras class of an operation.
func (o fnOp) className() string {
	if o.in != nil {
		return "InputLayer"
	}
	return o.layer.LayerBase().ClassName()
}

// weightKeys gives each item Keras's key in the weights file: its
// snake-case class name, with _1, _2, ... for repeats, in order.
func weightKeys(classes []string) []string {
	bases := make([]string, len(classes))
	for i, c := range classes {
		bases[i] = layerutil.SnakeCase(c)
	}
	return layerutil.LocalKeys(bases, make([]bool, len(bases)))
}
