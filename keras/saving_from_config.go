package keras

import (
	"fmt"
	"sync"

	"github.com/tensorgo/tensorgo/internal/hdf5"
	"github.com/tensorgo/tensorgo/keras/layers"
	"github.com/tensorgo/tensorgo/tensor"
	"github.com/tensorgo/tensorgo/tf"
)

// modelFromConfig rebuilds a Sequential or functional model from its
// config.json object. Graph-building panics (a layer that does not fit its
// input) come back as errors: the file is untrusted input.
//
// Before a layer is built, the shapes of the variables it would create are
// checked against h5 (the weights file), so that a corrupt config cannot
// make it allocate more than the file holds.
func modelFromConfig(obj map[string]any, h5 *hdf5.File) (m *Model, saved []weightGroup, err error) {
	// Functional models are traced in the one graph keras.Input uses,
	// which is built by one goroutine at a time: loads take turns.
	loadMu.Lock()
	defer loadMu.Unlock()
	defer func() {
		if p := recover(); p != nil {
			m, saved, err = nil, nil, fmt.Errorf("keras: config.json describes a model tensorgo cannot build: %v", p)
		}
	}()
	cls, _ := obj["class_name"].(string)
	cfg, ok := obj["config"].(map[string]any)
	if !ok {
		return nil, nil, fmt.Errorf("keras: config.json: the model's \"config\" is missing or not an object")
	}
	switch cls {
	case "Sequential":
		return sequentialFromConfig(cfg, h5)
	case "Functional", "Model":
		return functionalFromConfig(cfg, h5)
	case "":
		return nil, nil, fmt.Errorf("keras: config.json: no model \"class_name\"")
	}
	return nil, nil, fmt.Errorf("keras: config.json holds a model of class %q: tensorgo loads Sequential and Functional models only (a subclassed model needs its Python code)", cls)
}

// layerEntry reads a layer's class name and config from its JSON object.
func layerEntry(v any, i int) (string, map[string]any, map[string]any, error) {
	obj, ok := v.(map[string]any)
	if !ok {
		return "", nil, nil, fmt.Errorf("keras: config.json: layer %d is a %T, want an object", i, v)
	}
	cls, _ := obj["class_name"].(string)
	cfg, ok := obj["config"].(map[string]any)
	if cls == "" || !ok {
		return "", nil, nil, fmt.Errorf("keras: config.json: layer %d has no class_name or config", i)
	}
	if cls == "Sequential" || cls == "Functional" || cls == "Model" {
		return "", nil, nil, fmt.Errorf("keras: config.json: layer %d is a nested %s model, which tensorgo does not load yet", i, cls)
	}
	return cls, cfg, obj, nil
}

func sequentialFromConfig(cfg map[string]any, h5 *hdf5.File) (*Model, []weightGroup, error) {
	list, ok := cfg["layers"].([]any)
	if !ok {
		return nil, nil, fmt.Errorf("keras: config.json: Sequential config has no \"layers\" list")
	}
	m := NewSequential()
	if n, ok := cfg["name"].(string); ok && n != "" {
		m.name = n
	}
	var ls []layers.Layer
	var classes []string
	for i, v := range list {
		cls, lc, _, err := layerEntry(v, i)
		if err != nil {
			return nil, nil, err
		}
		l, err := layers.FromConfig(cls, lc)
		if err != nil {
			return nil, nil, fmt.Errorf("keras: config.json: layer %d: %w", i, err)
		}
		if _, isInput := l.(*layers.InputLayer); isInput && i > 0 {
			return nil, nil, fmt.Errorf("keras: config.json: layer %d: an InputLayer can only come first in a Sequential model", i)
		}
		ls = append(ls, l)
		if _, isInput := l.(*layers.InputLayer); !isInput {
			classes = append(classes, cls)
		}
	}
	keys := weightKeys(classes)
	// The input shape: an InputLayer's, the first layer's declared one, or
	// the build_input_shape.
	r := layers.NewConfigReader("Sequential", cfg)
	build := r.Ints("build_input_shape")
	if err := r.Err(); err != nil {
		return nil, nil, err
	}
	var cur tensor.Shape
	if len(ls) > 0 {
		cur = ls[0].LayerBase().BatchInputShape()
	}
	if cur == nil && len(build) > 1 {
		cur = build
	}
	if cur != nil {
		k := 0
		for _, l := range ls {
			if _, isInput := l.(*layers.InputLayer); isInput {
				continue
			}
			if err := checkPlanned(h5, keys[k], l, []tensor.Shape{cur}); err != nil {
				return nil, nil, err
			}
			cur = l.ComputeOutputShape(cur)
			k++
		}
	}
	for _, l := range ls {
		m.Add(l)
	}
	if !m.Built() && len(build) > 1 {
		if err := m.Build(build[1:]...); err != nil {
			return nil, nil, err
		}
	}
	var saved []weightGroup
	for i, l := range m.seq {
		saved = append(saved, weightGroup{key: keys[i], name: l.LayerBase().Name(), layer: l})
	}
	return m, saved, nil
}

// loadMu serialises the model building of concurrent LoadModel calls.
var loadMu sync.Mutex

// historyKey is a Keras tensor's place: the operation that made it, the
// node (call) index and the output index.
type historyKey struct {
	op          string
	node, index int
}

func parseHistory(v any) (historyKey, error) {
	h, ok := v.([]any)
	if !ok || len(h) != 3 {
		return historyKey{}, fmt.Errorf("keras history %v: want [name, node, index]", v)
	}
	name, ok := h[0].(string)
	node, ok1 := h[1].(float64)
	idx, ok2 := h[2].(float64)
	if !ok || !ok1 || !ok2 || node < 0 || idx < 0 || node != float64(int(node)) || idx != float64(int(idx)) {
		return historyKey{}, fmt.Errorf("keras history %v: want [name, node, index]", v)
	}
	return historyKey{name, int(node), int(idx)}, nil
}

// tensorArgs flattens a node's args into Keras tensor references.
func tensorArgs(v any, out []historyKey, depth int) ([]historyKey, error) {
	if depth > 4 {
		return nil, fmt.Errorf("arguments nested too deep")
	}
	switch x := v.(type) {
	case []any:
		for _, e := range x {
			var err error
			if out, err = tensorArgs(e, out, depth+1); err != nil {
				return nil, err
			}
		}
		return out, nil
	case map[string]any:
		if x["class_name"] != "__keras_tensor__" {
			return nil, fmt.Errorf("argument %v is not a Keras tensor (tensorgo takes tensors only)", x["class_name"])
		}
		c, _ := x["config"].(map[string]any)
		h, err := parseHistory(c["keras_history"])
		if err != nil {
			return nil, err
		}
		return append(out, h), nil
	}
	return nil, fmt.Errorf("argument %v is not a Keras tensor (tensorgo takes tensors only)", v)
}

func functionalFromConfig(cfg map[string]any, h5 *hdf5.File) (*Model, []weightGroup, error) {
	list, ok := cfg["layers"].([]any)
	if !ok {
		return nil, nil, fmt.Errorf("keras: config.json: Functional config has no \"layers\" list")
	}
	var classes []string
	for i, v := range list {
		cls, _, _, err := layerEntry(v, i)
		if err != nil {
			return nil, nil, err
		}
		classes = append(classes, cls)
	}
	keys := weightKeys(classes)
	type pending struct {
		name  string
		key   string
		layer layers.Layer
		nodes [][]historyKey
		done  int
	}
	tensors := map[historyKey]*tf.Tensor{}
	var all []*pending
	var saved []weightGroup
	names := map[string]bool{}
	for i, v := range list {
		cls, lc, obj, err := layerEntry(v, i)
		if err != nil {
			return nil, nil, err
		}
		name, _ := obj["name"].(string)
		if name == "" {
			name, _ = lc["name"].(string)
		}
		if name == "" || names[name] {
			return nil, nil, fmt.Errorf("keras: config.json: layer %d has no name or a repeated one (%q)", i, name)
		}
		names[name] = true
		if cls == "InputLayer" {
			r := layers.NewConfigReader(cls, lc)
			s := r.Ints("batch_shape")
			if s == nil {
				s = r.Ints("batch_input_shape")
			}
			dt := r.InputDType()
			if r.Err() != nil {
				return nil, nil, r.Err()
			}
			if len(s) == 0 {
				return nil, nil, fmt.Errorf("keras: config.json: input %q has no batch_shape", name)
			}
			tensors[historyKey{name, 0, 0}] = InputOf(dt, name, s[1:]...)
			saved = append(saved, weightGroup{name: name})
			continue
		}
		l, err := layers.FromConfig(cls, lc)
		if err != nil {
			return nil, nil, fmt.Errorf("keras: config.json: layer %q: %w", name, err)
		}
		if got := l.LayerBase().Name(); got != name {
			return nil, nil, fmt.Errorf("keras: config.json: layer %q has config name %q", name, got)
		}
		p := &pending{name: name, key: keys[i], layer: l}
		nodes, _ := obj["inbound_nodes"].([]any)
		for j, nv := range nodes {
			node, ok := nv.(map[string]any)
			if !ok {
				return nil, nil, fmt.Errorf("keras: config.json: layer %q: node %d is not an object", name, j)
			}
			if kw, _ := node["kwargs"].(map[string]any); len(kw) > 0 {
				for k := range kw {
					if k != "training" && k != "mask" {
						return nil, nil, fmt.Errorf("keras: config.json: layer %q: call argument %q is not supported", name, k)
					}
				}
			}
			refs, err := tensorArgs(node["args"], nil, 0)
			if err != nil {
				return nil, nil, fmt.Errorf("keras: config.json: layer %q node %d: %v", name, j, err)
			}
			if len(refs) == 0 {
				return nil, nil, fmt.Errorf("keras: config.json: layer %q node %d has no input", name, j)
			}
			p.nodes = append(p.nodes, refs)
		}
		all = append(all, p)
		saved = append(saved, weightGroup{name: name, layer: l})
	}
	// Call the layers as their inputs become available (Keras's
	// functional_from_config does the same).
	for progress := true; progress; {
		progress = false
		for _, p := range all {
			for p.done < len(p.nodes) {
				refs := p.nodes[p.done]
				xs := make([]*tf.Tensor, len(refs))
				ready := true
				for i, r := range refs {
					if xs[i] = tensors[r]; xs[i] == nil {
						ready = false
						break
					}
				}
				if !ready {
					break
				}
				if p.done == 0 {
					shapes := make([]tensor.Shape, len(xs))
					for i, x := range xs {
						shapes[i] = x.Shape()
					}
					if err := checkPlanned(h5, p.key, p.layer, shapes); err != nil {
						return nil, nil, err
					}
				}
				tensors[historyKey{p.name, p.done, 0}] = layers.Apply(p.layer, xs...)
				p.done++
				progress = true
			}
		}
	}
	for _, p := range all {
		if p.done < len(p.nodes) {
			return nil, nil, fmt.Errorf("keras: config.json: layer %q: an input of call %d is never made (unknown layer or a cycle)", p.name, p.done)
		}
	}
	ends := func(key string) ([]*tf.Tensor, error) {
		v := cfg[key]
		var hs []any
		if l, ok := v.([]any); ok && len(l) > 0 {
			if _, nested := l[0].([]any); nested {
				hs = l
			} else {
				hs = []any{l}
			}
		} else if d, ok := v.(map[string]any); ok { // Keras writes a dict for named inputs
			for _, e := range d {
				hs = append(hs, e)
			}
			if len(hs) > 1 {
				return nil, fmt.Errorf("keras: config.json: %s as a dict of several entries is not supported", key)
			}
		}
		if len(hs) == 0 {
			return nil, fmt.Errorf("keras: config.json: Functional config has no %s", key)
		}
		var out []*tf.Tensor
		for _, h := range hs {
			k, err := parseHistory(h)
			if err != nil {
				return nil, fmt.Errorf("keras: config.json: %s: %v", key, err)
			}
			t := tensors[k]
			if t == nil {
				return nil, fmt.Errorf("keras: config.json: %s names %v, which no layer makes", key, h)
			}
			out = append(out, t)
		}
		return out, nil
	}
	ins, err := ends("input_layers")
	if err != nil {
		return nil, nil, err
	}
	outs, err := ends("output_layers")
	if err != nil {
		return nil, nil, err
	}
	var opts []ModelOption
	if n, ok := cfg["name"].(string); ok && n != "" {
		opts = append(opts, ModelName(n))
	}
	m := NewModel(ins, outs, opts...)
	for i := range saved {
		saved[i].key = keys[i]
	}
	return m, saved, nil
}

// checkPlanned compares the shapes of the variables l would create for
// inputs of the given shapes with the datasets of its groups in the
// weights file, before l is built.
func checkPlanned(h5 *hdf5.File, key string, l layers.Layer, in []tensor.Shape) error {
	if h5 == nil {
		return nil
	}
	groups, ok := layers.PlannedWeightGroups(l, in)
	if !ok {
		return nil
	}
	name := l.LayerBase().Name()
	for _, g := range groups {
		shapes := g.Shapes
		path := "layers/" + key + "/" + g.Path
		var ds []*hdf5.Dataset
		if grp, ok := h5.Root().Group(path); ok {
			ds = grp.Datasets()
		}
		if len(ds) != len(shapes) {
			return fmt.Errorf("keras: layer %s (%s) of config.json has %d variables in /%s for input %v, but model.weights.h5 holds %d there", name, l.LayerBase().ClassName(), len(shapes), path, in, len(ds))
		}
		for i, s := range shapes {
			d, ok := h5.Root().Dataset(fmt.Sprintf("%s/%d", path, i))
			if !ok || !sameShape(d.Shape, s) {
				var got any = "nothing"
				if ok {
					got = d.Shape
				}
				return fmt.Errorf("keras: layer %s (%s) of config.json has a variable %d of shape %v in /%s for input %v, but model.weights.h5 holds %v", name, l.LayerBase().ClassName(), i, []int(s), path, in, got)
			}
		}
	}
	return nil
}
