package layers

import (
	"fmt"
	"sort"
	"strings"
	"sync"

	"github.com/tensorgo/tensorgo/tensor"
	"github.com/tensorgo/tensorgo/tf"
)

// Serializer describes how one layer class is written to and read from a
// Keras 3 model file (the "config" object of a layer in config.json, and
// the layer's variables in the weights file). keras.SaveModel and
// keras.LoadModel look layers up by class name in the registry filled by
// RegisterSerializer; a layer whose class is not registered cannot be saved.
//
// A new layer joins the registry from an init function in its own file:
//
//	func init() {
//		layers.RegisterSerializer(layers.Serializer{
//			ClassName: "Conv2D",
//			GetConfig: func(l layers.Layer) (map[string]any, error) {
//				c := l.(*Conv2DLayer)
//				return map[string]any{"filters": c.Filters, ...}, nil
//			},
//			FromConfig: func(r *layers.ConfigReader) (layers.Layer, error) {
//				l := Conv2D(r.Int("filters", 0), ..., r.BaseOptions()...)
//				return l, r.Err()
//			},
//		})
//	}
type Serializer struct {
	// ClassName is the Keras class name ("Dense"), as Base.ClassName
	// returns it and as config.json spells it.
	ClassName string
	// Module is the "module" entry of the layer's JSON object; empty means
	// "keras.layers".
	Module string
	// GetConfig returns the layer's own config entries (Keras's get_config
	// less the base entries "name", "trainable" and "dtype", which the
	// caller adds). Values must encode as JSON: numbers, strings, bools,
	// nil, []any, []int, map[string]any. It returns an error for a layer
	// that cannot be saved (Lambda's Go function).
	GetConfig func(l Layer) (map[string]any, error)
	// OwnBase says GetConfig writes the whole config, "name" aside:
	// "trainable" and "dtype" are not added (InputLayer, whose Keras
	// config has a dtype name and no trainable flag).
	OwnBase bool
	// FromConfig makes a new, unbuilt layer from a config (the whole
	// "config" object, base entries included: use r.BaseOptions()). It
	// returns an error naming the entry that is missing or wrong.
	FromConfig func(r *ConfigReader) (Layer, error)
	// Variables, if set, returns the layer's variables in the order Keras
	// stores them (layer.weights: the trainable variables in creation
	// order, then the non-trainable ones). When nil, KerasVariables's
	// default order is used, which is Keras's for every layer whose weights
	// are made with AddWeight in Keras's order (Dense: kernel, bias; Conv2D:
	// kernel, bias; BatchNormalization: gamma, beta, moving_mean,
	// moving_variance).
	Variables func(l Layer) []*tf.Variable
	// VarsPath is the group, below the layer's /layers/<key> group in the
	// weights file, that holds its variables; empty means "vars". Keras's
	// recurrent layers keep theirs in their cell: "cell/vars" (SimpleRNN,
	// LSTM and GRU: kernel, recurrent_kernel, bias), with an empty "vars"
	// beside it.
	VarsPath string
	// WeightShapes, if set, returns the shapes of the variables an unbuilt
	// layer will create for inputs of the given shapes (batch first), in
	// Keras's order, without creating them. LoadModel checks them against
	// the weights file before it builds the layer, so that a corrupt config
	// (Dense(units=10¹²)) is an error instead of an allocation. A layer
	// with weights should provide it; one without weights need not.
	WeightShapes func(l Layer, inputs []tensor.Shape) []tensor.Shape
	// Groups, if set, returns the layer's variables as Keras's weights file
	// groups them, for a layer whose variables lie in more than one group
	// (a wrapper: Bidirectional's forward_layer/cell/vars and
	// backward_layer/cell/vars). It replaces Variables and VarsPath.
	Groups func(l Layer) []WeightGroup
	// GroupShapes is WeightShapes for a layer with Groups: the planned
	// shapes group by group.
	GroupShapes func(l Layer, inputs []tensor.Shape) []PlannedGroup
}

// WeightGroup is one group of a layer's variables in Keras's weights
// file.
type WeightGroup struct {
	// Path is the group below the layer's /layers/<key> group: "vars",
	// "cell/vars", "forward_layer/cell/vars".
	Path string
	// Vars are the variables stored there as datasets "0", "1", ..., in
	// Keras's order.
	Vars []*tf.Variable
}

// PlannedGroup is a WeightGroup before the layer is built: the shapes of
// the variables it will hold.
type PlannedGroup struct {
	Path   string
	Shapes []tensor.Shape
}

var (
	serMu       sync.RWMutex
	serializers = map[string]Serializer{}
)

// RegisterSerializer adds (or replaces) the serializer of s.ClassName. It
// panics if ClassName, GetConfig or FromConfig is missing. Call it from an
// init function.
func RegisterSerializer(s Serializer) {
	if s.ClassName == "" || s.GetConfig == nil || s.FromConfig == nil {
		panic(fmt.Sprintf("layers: RegisterSerializer: %q needs a ClassName, GetConfig and FromConfig", s.ClassName))
	}
	if s.Module == "" {
		s.Module = "keras.layers"
	}
	serMu.Lock()
	serializers[s.ClassName] = s
	serMu.Unlock()
}

// SerializerOf returns the serializer registered for a class name.
func SerializerOf(className string) (Serializer, bool) {
	serMu.RLock()
	defer serMu.RUnlock()
	s, ok := serializers[className]
	return s, ok
}

// SerializableClasses returns the registered class names, sorted.
func SerializableClasses() []string {
	serMu.RLock()
	defer serMu.RUnlock()
	out := make([]string, 0, len(serializers))
	for n := range serializers {
		out = append(out, n)
	}
	sort.Strings(out)
	return out
}

// GetConfig returns l's complete Keras config: "name", "trainable" and
// "dtype" (as a DTypePolicy object) followed by the entries of its class's
// serializer. It returns an error for a class without a serializer.
func GetConfig(l Layer) (map[string]any, error) {
	b := l.LayerBase()
	s, ok := SerializerOf(b.ClassName())
	if !ok {
		return nil, fmt.Errorf("layers: %s (%s) cannot be saved: no serializer is registered for class %s (registered: %s)",
			b.Name(), b.ClassName(), b.ClassName(), strings.Join(SerializableClasses(), ", "))
	}
	own, err := s.GetConfig(l)
	if err != nil {
		return nil, err
	}
	cfg := map[string]any{"name": b.Name()}
	if !s.OwnBase {
		cfg["trainable"], cfg["dtype"] = b.Trainable(), DTypePolicy(b.DType().String())
	}
	for k, v := range own {
		cfg[k] = v
	}
	return cfg, nil
}

// FromConfig makes a layer of the given class from its Keras config.
func FromConfig(className string, cfg map[string]any) (Layer, error) {
	s, ok := SerializerOf(className)
	if !ok {
		return nil, fmt.Errorf("layers: unknown layer class %q (tensorgo can load: %s)", className, strings.Join(SerializableClasses(), ", "))
	}
	r := NewConfigReader(className, cfg)
	l, err := s.FromConfig(r)
	if err == nil {
		err = r.Err()
	}
	if err != nil {
		return nil, err
	}
	return l, nil
}

// KerasVariables returns l's variables in the order Keras saves them
// (layer.weights: the variables created as trainable, in creation order,
// then the non-trainable ones), or in the order its serializer's
// Variables gives.
func KerasVariables(l Layer) []*tf.Variable {
	s, ok := SerializerOf(l.LayerBase().ClassName())
	if ok && s.Groups != nil {
		var out []*tf.Variable
		for _, g := range s.Groups(l) {
			out = append(out, g.Vars...)
		}
		return out
	}
	if ok && s.Variables != nil {
		return s.Variables(l)
	}
	var train, frozen []*tf.Variable
	for _, w := range l.LayerBase().WeightList() {
		if w.Trainable {
			train = append(train, w.Var)
		} else {
			frozen = append(frozen, w.Var)
		}
	}
	return append(train, frozen...)
}

// VarsPath returns the group below a layer's key that holds its variables
// in Keras's weights file ("vars", or its serializer's VarsPath).
func VarsPath(l Layer) string {
	if s, ok := SerializerOf(l.LayerBase().ClassName()); ok && s.VarsPath != "" {
		return s.VarsPath
	}
	return "vars"
}

// KerasWeightGroups returns l's variables grouped as Keras's weights file
// stores them below the layer's /layers/<key> group: its serializer's
// Groups, or one group (VarsPath, KerasVariables).
func KerasWeightGroups(l Layer) []WeightGroup {
	if s, ok := SerializerOf(l.LayerBase().ClassName()); ok && s.Groups != nil {
		return s.Groups(l)
	}
	return []WeightGroup{{Path: VarsPath(l), Vars: KerasVariables(l)}}
}

// PlannedWeightGroups is PlannedWeightShapes group by group (see
// KerasWeightGroups).
func PlannedWeightGroups(l Layer, inputs []tensor.Shape) ([]PlannedGroup, bool) {
	s, ok := SerializerOf(l.LayerBase().ClassName())
	if !ok {
		return nil, false
	}
	if s.GroupShapes != nil {
		return s.GroupShapes(l, inputs), true
	}
	if s.WeightShapes == nil {
		return nil, false
	}
	return []PlannedGroup{{Path: VarsPath(l), Shapes: s.WeightShapes(l, inputs)}}, true
}

// PlannedWeightShapes returns the shapes of the variables l will create
// when built for inputs of the given shapes (see Serializer.WeightShapes)
// and true, or false when its serializer cannot tell.
func PlannedWeightShapes(l Layer, inputs []tensor.Shape) ([]tensor.Shape, bool) {
	groups, ok := PlannedWeightGroups(l, inputs)
	if !ok {
		return nil, false
	}
	var out []tensor.Shape
	for _, g := range groups {
		out = append(out, g.Shapes...)
	}
	return out, true
}

// DTypePolicy returns Keras's JSON object for a dtype policy of the given
// name ("float32").
func DTypePolicy(name string) map[string]any {
	return map[string]any{"module": "keras", "class_name": "DTypePolicy", "config": map[string]any{"name": name}, "registered_name": nil}
}

// KerasObject returns the JSON object Keras writes for a serialised
// object: {"module", "class_name", "config", "registered_name": null}.
func KerasObject(module, className string, config any) map[string]any {
	return map[string]any{"module": module, "class_name": className, "config": config, "registered_name": nil}
}

// BuiltInputShapes returns the input shapes (batch first) a built layer
// was built with: one for most layers, one per input for a merge layer;
// nil before the layer is built. Keras's build_config records them.
func BuiltInputShapes(l Layer) []tensor.Shape {
	b := l.LayerBase()
	out := make([]tensor.Shape, len(b.inShapes))
	for i, s := range b.inShapes {
		out[i] = s.Clone()
	}
	return out
}
