package layers

import (
	"fmt"
)

// Helpers the serializers of the convolution, pooling, normalisation and
// reshaping layers share.

// tupleEntry reads a Keras int-or-tuple entry of n values (each at least
// min), returning def (expanded) when it is absent; a wrong length or
// value is recorded on r.
func tupleEntry(r *ConfigReader, key string, n, def, min int) []int {
	v := r.Ints(key)
	if v == nil {
		if r.Err() == nil && def < min {
			r.Fail(key, "missing")
		}
		out := make([]int, n)
		for i := range out {
			out[i] = def
		}
		return out
	}
	if len(v) == 1 {
		x := v[0]
		v = make([]int, n)
		for i := range v {
			v[i] = x
		}
	}
	if len(v) != n {
		r.Fail(key, "want %d values, got %v", n, v)
		return nil
	}
	for _, x := range v {
		if x < min || x > 1<<20 {
			r.Fail(key, "each value must be in [%d, 2^20], got %v", min, v)
			return nil
		}
	}
	return v
}

// channelsLast records a data_format other than channels_last.
func channelsLast(r *ConfigReader) {
	if f := r.String("data_format", "channels_last"); f != "channels_last" {
		r.Fail("data_format", "tensorgo supports channels_last only, got %q", f)
	}
}

// noEntries records each of keys that is present and not null (a Keras
// feature tensorgo does not have).
func noEntries(r *ConfigReader, what string, keys ...string) {
	for _, k := range keys {
		if r.Has(k) {
			r.Fail(k, "%s not supported by tensorgo", what)
		}
	}
}

// padding reads a "valid" / "same" entry (or "causal" where allowed).
func paddingEntry(r *ConfigReader, causal bool) string {
	p := r.String("padding", "valid")
	switch p {
	case "valid", "same":
	case "causal":
		if !causal {
			r.Fail("padding", "want \"valid\" or \"same\", got %q", p)
		}
	default:
		r.Fail("padding", "want \"valid\" or \"same\", got %q", p)
	}
	return p
}

// construct runs a layer constructor, returning a panic (a value the
// checks above let through) as an error naming the class.
func construct(class string, f func() Layer) (l Layer, err error) {
	defer func() {
		if p := recover(); p != nil {
			l, err = nil, fmt.Errorf("layers: %s config: %v", class, p)
		}
	}()
	return f(), nil
}

// activityRegularizerJSON writes the base activity regularizer.
func activityRegularizerJSON(l Layer) (any, error) {
	b := l.LayerBase()
	return regularizerJSON(b.Name(), "activity_regularizer", b.activityReg)
}

// activityRegularizerOption reads "activity_regularizer".
func activityRegularizerOption(r *ConfigReader) Option {
	if reg := regularizerFromJSON(r, "activity_regularizer"); reg != nil {
		return ActivityRegularizer(reg)
	}
	return nil
}

// initializerJSON returns Keras's object for a default initializer.
func initializerJSON(class string) map[string]any {
	cfg := map[string]any{}
	if class == "GlorotUniform" {
		cfg["seed"] = nil
	}
	return KerasObject("keras.initializers", class, cfg)
}
