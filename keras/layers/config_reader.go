package layers

import (
	"fmt"
	"math"

	"github.com/tensorgo/tensorgo/tensor"
)

// ConfigReader reads the entries of a layer's Keras config (decoded JSON:
// float64 numbers, strings, bools, nil, []any, map[string]any) for a
// Serializer's FromConfig. Each getter returns its default when the entry
// is absent or null and records the first entry of the wrong type, which
// Err reports, naming the class and the entry.
type ConfigReader struct {
	// Class is the layer's class name, for messages.
	Class string
	// Config is the decoded "config" object.
	Config map[string]any
	err    error
}

// NewConfigReader returns a reader of cfg for a layer of the given class.
func NewConfigReader(className string, cfg map[string]any) *ConfigReader {
	return &ConfigReader{Class: className, Config: cfg}
}

// Err returns the first problem a getter found, or nil.
func (r *ConfigReader) Err() error { return r.err }

// Fail records a problem with an entry (the first one is kept).
func (r *ConfigReader) Fail(key, format string, args ...any) {
	if r.err == nil {
		r.err = fmt.Errorf("layers: %s config: %q: %s", r.Class, key, fmt.Sprintf(format, args...))
	}
}

// Has reports whether key is present and not null.
func (r *ConfigReader) Has(key string) bool { return r.Config[key] != nil }

// Float returns a number entry.
func (r *ConfigReader) Float(key string, def float64) float64 {
	v, ok := r.Config[key]
	if !ok || v == nil {
		return def
	}
	f, ok := v.(float64)
	if !ok {
		r.Fail(key, "want a number, got %T", v)
		return def
	}
	return f
}

// Int returns an integer entry.
func (r *ConfigReader) Int(key string, def int) int {
	v, ok := r.Config[key]
	if !ok || v == nil {
		return def
	}
	n, ok := toInt(v)
	if !ok {
		r.Fail(key, "want an integer, got %v", v)
		return def
	}
	return n
}

// String returns a string entry.
func (r *ConfigReader) String(key, def string) string {
	v, ok := r.Config[key]
	if !ok || v == nil {
		return def
	}
	s, ok := v.(string)
	if !ok {
		r.Fail(key, "want a string, got %T", v)
		return def
	}
	return s
}

// Bool returns a boolean entry.
func (r *ConfigReader) Bool(key string, def bool) bool {
	v, ok := r.Config[key]
	if !ok || v == nil {
		return def
	}
	b, ok := v.(bool)
	if !ok {
		r.Fail(key, "want true or false, got %T", v)
		return def
	}
	return b
}

// Ints returns a list of integers (a shape or a tuple of sizes); a null
// element reads as -1 (an unknown dimension). A single integer reads as a
// list of one. It returns nil when the entry is absent or null.
func (r *ConfigReader) Ints(key string) []int {
	v, ok := r.Config[key]
	if !ok || v == nil {
		return nil
	}
	if n, ok := toInt(v); ok {
		return []int{n}
	}
	list, ok := v.([]any)
	if !ok {
		r.Fail(key, "want a list of integers, got %T", v)
		return nil
	}
	out := make([]int, len(list))
	for i, e := range list {
		if e == nil {
			out[i] = -1
			continue
		}
		n, ok := toInt(e)
		if !ok || n < -1 {
			r.Fail(key, "element %d: want an integer or null, got %v", i, e)
			return nil
		}
		out[i] = n
	}
	return out
}

// Activation returns an activation entry as Activation takes it: Keras
// writes a name ("relu") or, for some objects, {"class_name": ...,
// "config": name}. Absent or null is "linear".
func (r *ConfigReader) Activation(key string) string {
	v, ok := r.Config[key]
	if !ok || v == nil {
		return "linear"
	}
	switch x := v.(type) {
	case string:
		return x
	case map[string]any:
		if s, ok := x["config"].(string); ok {
			return s
		}
		if s, ok := x["class_name"].(string); ok {
			return s
		}
	}
	r.Fail(key, "want an activation name, got %v", v)
	return "linear"
}

// DType returns the layer's dtype: Keras writes a name ("float32") or a
// DTypePolicy object whose config holds the name. Only float32 and float64
// are supported for layers.
func (r *ConfigReader) DType() tensor.DType { return r.dtype(false) }

// InputDType is DType for an InputLayer, which may also hold integers
// (int32, int64: token ids for an Embedding).
func (r *ConfigReader) InputDType() tensor.DType { return r.dtype(true) }

func (r *ConfigReader) dtype(ints bool) tensor.DType {
	v := r.Config["dtype"]
	name := ""
	switch x := v.(type) {
	case nil:
		return tensor.Float32
	case string:
		name = x
	case map[string]any:
		if c, ok := x["config"].(map[string]any); ok {
			name, _ = c["name"].(string)
		}
	}
	switch name {
	case "float32":
		return tensor.Float32
	case "float64":
		return tensor.Float64
	case "int32":
		if ints {
			return tensor.Int32
		}
	case "int64":
		if ints {
			return tensor.Int64
		}
	}
	r.Fail("dtype", "unsupported dtype policy %v (tensorgo layers compute in float32 or float64)", v)
	return tensor.Float32
}

// BaseOptions returns the options of Keras's base Layer arguments found in
// the config: Name, Trainable (when false), DType (when not float32) and,
// from "batch_shape" or "batch_input_shape" (Keras 2), InputShape and
// BatchSize.
func (r *ConfigReader) BaseOptions() []Option {
	var opts []Option
	if n := r.String("name", ""); n != "" {
		opts = append(opts, Name(n))
	}
	if !r.Bool("trainable", true) {
		opts = append(opts, Trainable(false))
	}
	if dt := r.DType(); dt != tensor.Float32 {
		opts = append(opts, DType(dt))
	}
	key := "batch_shape"
	if !r.Has(key) {
		key = "batch_input_shape"
	}
	if s := r.Ints(key); len(s) > 0 {
		opts = append(opts, InputShape(s[1:]...))
		if s[0] > 0 {
			opts = append(opts, BatchSize(s[0]))
		}
	}
	return opts
}

func toInt(v any) (int, bool) {
	f, ok := v.(float64)
	if !ok || f != math.Trunc(f) || math.Abs(f) > 1<<40 {
		return 0, false
	}
	return int(f), true
}

// Layer reads the layer nested at key (a wrapper's "layer", an RNN's
// "cell"): a Keras object {"module", "class_name", "config", ...} as
// NestedConfig writes it, made with its class's serializer. It returns nil
// and records an error naming key when the entry is absent or wrong.
func (r *ConfigReader) Layer(key string) Layer {
	v, ok := r.Config[key]
	if !ok || v == nil {
		r.Fail(key, "missing: want a layer object")
		return nil
	}
	obj, ok := v.(map[string]any)
	if !ok {
		r.Fail(key, "want a layer object, got %T", v)
		return nil
	}
	class, ok := obj["class_name"].(string)
	if !ok || class == "" {
		r.Fail(key, "the layer object has no class_name")
		return nil
	}
	cfg, ok := obj["config"].(map[string]any)
	if !ok {
		r.Fail(key, "the %s object has no config object", class)
		return nil
	}
	l, err := FromConfig(class, cfg)
	if err != nil {
		r.Fail(key, "%v", err)
		return nil
	}
	return l
}
