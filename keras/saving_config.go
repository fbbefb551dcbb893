package keras

import (
	"fmt"

	"github.com/tensorgo/tensorgo/keras/layers"
	"github.com/tensorgo/tensorgo/tensor"
	"github.com/tensorgo/tensorgo/tf"
)

// modelConfig returns the model's config.json object (Keras's
// serialize_keras_object(model)) without the compile config.
func (m *Model) modelConfig() (map[string]any, error) {
	if err := m.ensureBuilt(); err != nil {
		return nil, err
	}
	switch m.kind {
	case sequentialModel:
		return m.sequentialConfig()
	case functionalModel:
		return m.functionalConfig()
	}
	return nil, fmt.Errorf("keras: model %s is a subclassed model: its Call is Go code, which a .keras file cannot carry; save its weights with SaveKerasWeights, or rebuild it as a Sequential or functional model", m.name)
}

func (m *Model) sequentialConfig() (map[string]any, error) {
	var list []any
	if m.inputs != nil {
		list = append(list, map[string]any{
			"module": "keras.layers", "class_name": "InputLayer", "registered_name": nil,
			"config": map[string]any{"batch_shape": layers.ShapeJSON(m.inputs[0]), "dtype": m.inputDType(0).String(),
				"sparse": false, "ragged": false, "name": "input_layer", "optional": false},
		})
	}
	for _, l := range m.seq {
		obj, err := layerObject(l)
		if err != nil {
			return nil, err
		}
		list = append(list, obj)
	}
	cfg := map[string]any{"name": m.name, "trainable": true, "dtype": layers.DTypePolicy("float32"), "layers": list}
	obj := map[string]any{"module": "keras", "class_name": "Sequential", "config": cfg, "registered_name": nil}
	if m.inputs != nil {
		cfg["build_input_shape"] = layers.ShapeJSON(m.inputs[0])
		obj["build_config"] = map[string]any{"input_shape": layers.ShapeJSON(m.inputs[0])}
	}
	return obj, nil
}

func (m *Model) inputDType(i int) tensor.DType {
	if i < len(m.inDTypes) {
		return m.inDTypes[i]
	}
	return tensor.Float32
}

// layerObject is a layer's entry in config.json: module, class_name,
// config, registered_name and, for a built layer, build_config.
func layerObject(l layers.Layer) (map[string]any, error) {
	b := l.LayerBase()
	cfg, err := layers.GetConfig(l)
	if err != nil {
		return nil, fmt.Errorf("keras: saving: %w", err)
	}
	s, _ := layers.SerializerOf(b.ClassName())
	obj := map[string]any{"module": s.Module, "class_name": b.ClassName(), "config": cfg, "registered_name": nil}
	if b.Built() && len(b.WeightList()) > 0 {
		// Keras rebuilds a layer with weights from its build_config before
		// loading them.
		if in := layerInputShapes(l); in != nil {
			obj["build_config"] = map[string]any{"input_shape": in}
		}
	}
	return obj, nil
}

// layerInputShapes returns the input shape(s) a layer was built with, in
// JSON form, or nil when unknown.
func layerInputShapes(l layers.Layer) any {
	shapes := layers.BuiltInputShapes(l)
	switch len(shapes) {
	case 0:
		return nil
	case 1:
		return layers.ShapeJSON(shapes[0])
	}
	out := make([]any, len(shapes))
	for i, s := range shapes {
		out[i] = layers.ShapeJSON(s)
	}
	return out
}

func (m *Model) functionalConfig() (map[string]any, error) {
	ops := m.kerasFunctionalOrder()
	// Tensor → Keras history (operation name, node index, tensor index).
	history := map[*tf.Tensor][]any{}
	opName := func(o fnOp) string {
		if o.in != nil {
			return o.in.Op().Name()
		}
		return o.layer.LayerBase().Name()
	}
	for _, t := range m.fnInputs {
		history[t] = []any{t.Op().Name(), 0, 0}
	}
	nodesOf := map[layers.Layer][]any{}
	for _, n := range m.nodes {
		l := n.Layer.(layers.Layer)
		var args []any
		for _, in := range n.Inputs {
			h, ok := history[in]
			if !ok {
				return nil, fmt.Errorf("keras: saving %s: layer %s takes a tensor that no saved layer makes", m.name, l.LayerBase().Name())
			}
			args = append(args, map[string]any{"class_name": "__keras_tensor__",
				"config": map[string]any{"shape": layers.ShapeJSON(in.Shape()), "dtype": in.DType().String(), "keras_history": h}})
		}
		if len(args) > 1 {
			args = []any{args} // a merge layer takes one list
		}
		history[n.Output] = []any{l.LayerBase().Name(), len(nodesOf[l]), 0}
		for i, st := range n.States {
			history[st] = []any{l.LayerBase().Name(), len(nodesOf[l]), i + 1}
		}
		nodesOf[l] = append(nodesOf[l], map[string]any{"args": args, "kwargs": map[string]any{}})
	}
	var list []any
	for _, o := range ops {
		if o.in != nil {
			list = append(list, map[string]any{
				"module": "keras.layers", "class_name": "InputLayer", "registered_name": nil,
				"config": map[string]any{"batch_shape": layers.ShapeJSON(o.in.Shape()), "dtype": o.in.DType().String(),
					"sparse": false, "ragged": false, "name": opName(o), "optional": false},
				"name": opName(o), "inbound_nodes": []any{},
			})
			continue
		}
		obj, err := layerObject(o.layer)
		if err != nil {
			return nil, err
		}
		obj["name"] = opName(o)
		obj["inbound_nodes"] = nodesOf[o.layer]
		list = append(list, obj)
	}
	ends := func(ts []*tf.Tensor) any {
		out := make([]any, len(ts))
		for i, t := range ts {
			out[i] = history[t]
		}
		if len(out) == 1 {
			return out[0]
		}
		return out
	}
	cfg := map[string]any{"name": m.name, "trainable": true, "layers": list,
		"input_layers": ends(m.fnInputs), "output_layers": ends(m.fnOutputs)}
	obj := map[string]any{"module": "keras.src.models.functional", "class_name": "Functional", "config": cfg,
		"registered_name": "Functional", "build_config": map[string]any{"input_shape": nil}}
	return obj, nil
}
