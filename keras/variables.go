package keras

import (
	"reflect"

	"github.com/tensorgo/tensorgo/keras/internal/layerutil"
	"github.com/tensorgo/tensorgo/keras/layers"
	"github.com/tensorgo/tensorgo/tf"
)

// NamedVariable is one variable of a model with its key.
type NamedVariable struct {
	// Key is the variable's path in the model, "<layer key>/<weight
	// name>" ("dense/kernel", "resnet_block/conv2d/kernel",
	// "sequential/dense/kernel" for a model called in a subclassed model's
	// Call): it depends only on the model's code, not on the automatic
	// layer names of the process (see the keras/layers documentation,
	// "Weight paths").
	Key      string
	Variable *tf.Variable
	// Trainable reports whether Fit updates the variable now (its layer is
	// trainable and it was created trainable).
	Trainable bool
}

// NamedVariables returns the model's weights with keys that are unique in
// the model and the same in every process for the same model code, the keys
// for checkpoints. A layer's key is its Name option, or its snake-case class
// name made unique within its scope only (the first Dense of the model
// "dense", the second "dense_1"), so keys differ from the display names
// Summary shows ("dense_7") when other models were built before. A model
// called inside a subclassed model's Call is a scope of its own, keyed by
// its ModelName or "sequential", "functional" or its type's snake-case name;
// a functional model applied to another model's symbolic tensors is part of
// that model. A subclassed model's layers are known once it is built.
func (m *Model) NamedVariables() []NamedVariable {
	items := m.scopeItems()
	seen := map[*layers.Weight]bool{}
	out := namedItems(items, "", seen)
	// Layers reached only in ways the scopes do not record (a model called
	// inside a custom layer) join the model's own scope.
	var rest []scopeItem
	for _, l := range m.layerList {
		for _, w := range l.LayerBase().WeightList() {
			if !seen[w] {
				base, named := m.scope.keyOf(l)
				rest = append(rest, scopeItem{layer: l, base: base, named: named})
				break
			}
		}
	}
	if rest == nil {
		return out
	}
	return namedItems(append(items, rest...), "", map[*layers.Weight]bool{})
}

// modelScope is what a model records, as its layers are called, to key its
// variables: the layers and models it calls directly, in first-call order.
type modelScope struct {
	items     []scopeItem
	keys      map[layers.Layer]scopeItem // every layer seen, with its key base
	enclosing any                        // the model or layer whose call runs this model, or nil
}

// scopeItem is a layer or a model called directly by a model.
type scopeItem struct {
	layer layers.Layer
	model *Model
	base  string
	named bool
}

// enter notes, at the start of m's forward pass, what called m.
func (s *modelScope) enter(parent any) { s.enclosing = parent }

// note records one layer call seen by m's hook.
func (s *modelScope) note(m *Model, c layerutil.Call, l layers.Layer) {
	if s.keys == nil {
		s.keys = map[layers.Layer]scopeItem{}
	}
	if _, ok := s.keys[l]; !ok {
		s.keys[l] = scopeItem{layer: l, base: c.KeyBase, named: c.Named}
	}
	p, ok := c.Parent.(*Model)
	if !ok {
		return // a sublayer of a layer, keyed under it
	}
	if p == m {
		s.add(s.keys[l])
		return
	}
	// A layer of a model called (perhaps through other models) by m.
	for q := p; ; {
		e, ok := q.scope.enclosing.(*Model)
		if !ok {
			return
		}
		if e == m {
			base, named := q.keyBase()
			s.add(scopeItem{model: q, base: base, named: named})
			return
		}
		q = e
	}
}

func (s *modelScope) add(it scopeItem) {
	for _, x := range s.items {
		if x.layer == it.layer && x.model == it.model {
			return
		}
	}
	s.items = append(s.items, it)
}

func (s *modelScope) keyOf(l layers.Layer) (string, bool) {
	it := s.keys[l]
	return it.base, it.named
}

// keyBase is what a model's key starts from: its ModelName, or its kind.
func (m *Model) keyBase() (string, bool) {
	if m.named {
		return m.name, true
	}
	switch m.kind {
	case sequentialModel:
		return "sequential", false
	case functionalModel:
		return "functional", false
	}
	t := reflect.TypeOf(m.caller)
	for t.Kind() == reflect.Pointer {
		t = t.Elem()
	}
	return layerutil.SnakeCase(t.Name()), false
}

func (m *Model) namedVariables(prefix string, seen map[*layers.Weight]bool) []NamedVariable {
	return namedItems(m.scopeItems(), prefix, seen)
}

// scopeItems returns what m calls directly, without the layers no longer
// in the model (Pop).
func (m *Model) scopeItems() []scopeItem {
	in := map[layers.Layer]bool{}
	for _, l := range m.layerList {
		in[l] = true
	}
	var items []scopeItem
	for _, it := range m.scope.items {
		if it.model != nil || in[it.layer] {
			items = append(items, it)
		}
	}
	return items
}

// namedItems keys the items of one scope and returns their variables.
func namedItems(items []scopeItem, prefix string, seen map[*layers.Weight]bool) []NamedVariable {
	bases := make([]string, len(items))
	named := make([]bool, len(items))
	for i, it := range items {
		bases[i], named[i] = it.base, it.named
	}
	keys := layerutil.LocalKeys(bases, named)
	var out []NamedVariable
	for i, it := range items {
		p := prefix + keys[i] + "/"
		if it.model != nil {
			out = append(out, it.model.namedVariables(p, seen)...)
			continue
		}
		for _, w := range it.layer.LayerBase().NamedWeights() {
			if !seen[w.Weight] {
				seen[w.Weight] = true
				out = append(out, NamedVariable{Key: p + w.Path, Variable: w.Var, Trainable: w.Var.Trainable()})
			}
		}
	}
	return out
}
