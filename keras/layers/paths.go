package layers

import "github.com/tensorgo/tensorgo/keras/internal/layerutil"

// NamedWeight is a weight with its path, a key that depends only on the
// model's code (see the package documentation, "Weight paths").
type NamedWeight struct {
	Path string
	*Weight
}

// NamedWeights returns the weights of the layer and of its sublayers with
// their paths relative to the layer: "kernel" for its own weights,
// "conv2d/kernel" for a sublayer's.
func (b *Base) NamedWeights() []NamedWeight {
	seen := map[Layer]bool{}
	if b.self != nil {
		seen[b.self] = true
	}
	return weightsOf(b, "", seen)
}

// NamedWeights returns the weights of the layers ls (a model's layers, in
// model order) and of their sublayers, with paths unique among them and
// the same in every process for the same ls: "<layer key>/<weight name>".
// A layer in ls that is a sublayer of another one in ls is reached through
// that one only.
func NamedWeights(ls ...Layer) []NamedWeight {
	nested := map[Layer]bool{}
	var mark func(l Layer)
	mark = func(l Layer) {
		for _, s := range l.LayerBase().sublayers {
			if !nested[s] {
				nested[s] = true
				mark(s)
			}
		}
	}
	for _, l := range ls {
		mark(l)
	}
	var top []Layer
	for _, l := range ls {
		if !nested[l] {
			top = append(top, l)
		}
	}
	return named(top, "", map[Layer]bool{})
}

// named returns the weights of ls under prefix, giving each layer its key
// in this scope.
func named(ls []Layer, prefix string, seen map[Layer]bool) []NamedWeight {
	bases := make([]string, len(ls))
	given := make([]bool, len(ls))
	for i, l := range ls {
		bases[i], given[i] = l.LayerBase().keyBase()
	}
	keys := layerutil.LocalKeys(bases, given)
	var out []NamedWeight
	for i, l := range ls {
		if seen[l] {
			continue
		}
		seen[l] = true
		out = append(out, weightsOf(l.LayerBase(), prefix+keys[i]+"/", seen)...)
	}
	return out
}

// weightsOf returns b's own weights and its sublayers' under prefix.
func weightsOf(b *Base, prefix string, seen map[Layer]bool) []NamedWeight {
	names := make([]string, len(b.weights))
	given := make([]bool, len(b.weights))
	for i, w := range b.weights {
		names[i], given[i] = w.Name, true
	}
	keys := layerutil.LocalKeys(names, given)
	out := make([]NamedWeight, 0, len(b.weights))
	for i, w := range b.weights {
		out = append(out, NamedWeight{Path: prefix + keys[i], Weight: w})
	}
	return append(out, named(b.sublayers, prefix, seen)...)
}

// keyBase returns what the layer's key starts from: its Name option
// (given true) or its snake-case class name.
func (b *Base) keyBase() (base string, given bool) {
	if b.cfg.name != "" {
		return b.cfg.name, true
	}
	return layerutil.SnakeCase(b.className), false
}
