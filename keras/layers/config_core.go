package layers

import (
	"fmt"

	"github.com/tensorgo/tensorgo/keras/regularizers"
	"github.com/tensorgo/tensorgo/tensor"
)

// The serializers of the layers of this package, with the entries Keras
// 3.16's get_config writes for them (checked against files Keras wrote).
//
// Initializers are written as Keras's defaults (GlorotUniform kernels,
// Zeros biases): tensorgo's initializers do not describe themselves, and a
// saved model's weights hold the trained values anyway. Reading ignores
// the initializer entries.
func init() {
	RegisterSerializer(Serializer{ClassName: "InputLayer", GetConfig: inputConfig, FromConfig: inputFromConfig, OwnBase: true})
	RegisterSerializer(Serializer{ClassName: "Dense", GetConfig: denseConfig, FromConfig: denseFromConfig, WeightShapes: denseWeightShapes})
	RegisterSerializer(Serializer{
		ClassName: "Flatten",
		GetConfig: func(Layer) (map[string]any, error) { return map[string]any{"data_format": "channels_last"}, nil },
		FromConfig: func(r *ConfigReader) (Layer, error) {
			if f := r.String("data_format", "channels_last"); f != "channels_last" {
				r.Fail("data_format", "tensorgo supports channels_last only, got %q", f)
			}
			return Flatten(r.BaseOptions()...), r.Err()
		},
	})
	RegisterSerializer(Serializer{
		ClassName: "Dropout",
		GetConfig: func(l Layer) (map[string]any, error) {
			d := l.(*DropoutLayer)
			var seed any
			if len(d.seed) > 0 {
				seed = d.seed[0]
			}
			return map[string]any{"rate": d.Rate, "seed": seed, "noise_shape": nil}, nil
		},
		FromConfig: func(r *ConfigReader) (Layer, error) {
			opts := r.BaseOptions()
			if r.Has("seed") {
				opts = append(opts, Seed(int64(r.Int("seed", 0))))
			}
			if r.Has("noise_shape") {
				r.Fail("noise_shape", "tensorgo's Dropout has no noise_shape")
			}
			rate := r.Float("rate", 0)
			if rate < 0 || rate >= 1 {
				r.Fail("rate", "must be in [0, 1), got %v", rate)
			}
			if r.Err() != nil {
				return nil, r.Err()
			}
			return Dropout(rate, opts...), nil
		},
	})
	RegisterSerializer(Serializer{
		ClassName: "Activation",
		GetConfig: func(l Layer) (map[string]any, error) {
			a := l.(*ActivationLayer)
			if a.FnName == "" {
				return nil, fmt.Errorf("layers: %s (Activation) cannot be saved: its activation is a Go function, not a Keras activation name", a.Name())
			}
			return map[string]any{"activation": a.FnName}, nil
		},
		FromConfig: func(r *ConfigReader) (Layer, error) {
			name := r.Activation("activation")
			opts := r.BaseOptions()
			if r.Err() != nil {
				return nil, r.Err()
			}
			return safeActivation(name, opts)
		},
	})
	RegisterSerializer(Serializer{
		ClassName: "Reshape",
		GetConfig: func(l Layer) (map[string]any, error) {
			return map[string]any{"target_shape": []int(l.(*ReshapeLayer).Target)}, nil
		},
		FromConfig: func(r *ConfigReader) (Layer, error) {
			t := r.Ints("target_shape")
			if t == nil && r.Err() == nil {
				r.Fail("target_shape", "missing")
			}
			if r.Err() != nil {
				return nil, r.Err()
			}
			return Reshape(t, r.BaseOptions()...), r.Err()
		},
	})
	RegisterSerializer(Serializer{
		ClassName: "Lambda",
		GetConfig: func(l Layer) (map[string]any, error) {
			return nil, fmt.Errorf("layers: %s (Lambda) cannot be saved: it holds a Go function, which a model file cannot carry (write a layer type with a registered Serializer instead)", l.LayerBase().Name())
		},
		FromConfig: func(r *ConfigReader) (Layer, error) {
			return nil, fmt.Errorf("layers: Lambda layer %q cannot be loaded: it holds Python code, which tensorgo cannot run", r.String("name", ""))
		},
	})
	RegisterSerializer(Serializer{
		ClassName:  "Add",
		GetConfig:  func(Layer) (map[string]any, error) { return map[string]any{}, nil },
		FromConfig: func(r *ConfigReader) (Layer, error) { return Add(r.BaseOptions()...), r.Err() },
	})
	RegisterSerializer(Serializer{
		ClassName: "Concatenate",
		GetConfig: func(l Layer) (map[string]any, error) {
			return map[string]any{"axis": l.(*ConcatenateLayer).Axis}, nil
		},
		FromConfig: func(r *ConfigReader) (Layer, error) {
			return Concatenate(r.Int("axis", -1), r.BaseOptions()...), r.Err()
		},
	})
}

// safeActivation is Activation(name) returning an unknown name as an error.
func safeActivation(name string, opts []Option) (l Layer, err error) {
	defer func() {
		if p := recover(); p != nil {
			err = fmt.Errorf("layers: Activation config: %v", p)
		}
	}()
	return Activation(name, opts...), nil
}

func inputConfig(l Layer) (map[string]any, error) {
	b := l.LayerBase()
	return map[string]any{"batch_shape": ShapeJSON(b.BatchInputShape()), "dtype": b.DType().String(),
		"sparse": false, "ragged": false, "optional": false}, nil
}

func inputFromConfig(r *ConfigReader) (Layer, error) {
	s := r.Ints("batch_shape")
	if s == nil {
		s = r.Ints("batch_input_shape")
	}
	if s == nil && r.Err() == nil {
		r.Fail("batch_shape", "missing")
	}
	if r.Bool("sparse", false) || r.Bool("ragged", false) {
		r.Fail("sparse", "sparse and ragged inputs are not supported")
	}
	if r.Err() != nil {
		return nil, r.Err()
	}
	if len(s) == 0 {
		r.Fail("batch_shape", "empty: an input needs a batch dimension")
		return nil, r.Err()
	}
	l := Input(s[1:]...)
	if n := r.String("name", ""); n != "" {
		l.name = n
	}
	if s[0] > 0 {
		l.batchSize = s[0]
	}
	l.dtype = r.InputDType()
	return l, r.Err()
}

// ShapeJSON returns a shape as Keras writes it in JSON: unknown (-1)
// dimensions as null.
func ShapeJSON(s []int) []any {
	if s == nil {
		return nil
	}
	out := make([]any, len(s))
	for i, d := range s {
		if d >= 0 {
			out[i] = d
		}
	}
	return out
}

func denseConfig(l Layer) (map[string]any, error) {
	d := l.(*DenseLayer)
	if d.ActivationName == "" {
		return nil, fmt.Errorf("layers: %s (Dense) cannot be saved: its activation is a Go function, not a Keras activation name", d.Name())
	}
	kr, err := regularizerJSON(d.Name(), "kernel_regularizer", d.kernelReg)
	if err != nil {
		return nil, err
	}
	br, err := regularizerJSON(d.Name(), "bias_regularizer", d.biasReg)
	if err != nil {
		return nil, err
	}
	return map[string]any{
		"units": d.Units, "activation": d.ActivationName, "use_bias": d.UseBias,
		"kernel_initializer": KerasObject("keras.initializers", "GlorotUniform", map[string]any{"seed": nil}),
		"bias_initializer":   KerasObject("keras.initializers", "Zeros", map[string]any{}),
		"kernel_regularizer": kr, "bias_regularizer": br,
		"kernel_constraint": nil, "bias_constraint": nil,
	}, nil
}

// denseWeightShapes: kernel (in, units), bias (units).
func denseWeightShapes(l Layer, in []tensor.Shape) []tensor.Shape {
	d := l.(*DenseLayer)
	if len(in) != 1 || len(in[0]) < 2 {
		return nil
	}
	out := []tensor.Shape{{in[0][len(in[0])-1], d.Units}}
	if d.UseBias {
		out = append(out, tensor.Shape{d.Units})
	}
	return out
}

func denseFromConfig(r *ConfigReader) (Layer, error) {
	units := r.Int("units", 0)
	if units <= 0 && r.Err() == nil {
		r.Fail("units", "must be a positive integer, got %v", r.Config["units"])
	}
	act := r.Activation("activation")
	opts := r.BaseOptions()
	opts = append(opts, UseBias(r.Bool("use_bias", true)))
	for _, key := range []string{"kernel_constraint", "bias_constraint"} {
		if r.Has(key) {
			r.Fail(key, "constraints are not supported")
		}
	}
	if reg := regularizerFromJSON(r, "kernel_regularizer"); reg != nil {
		opts = append(opts, KernelRegularizer(reg))
	}
	if reg := regularizerFromJSON(r, "bias_regularizer"); reg != nil {
		opts = append(opts, BiasRegularizer(reg))
	}
	if r.Err() != nil {
		return nil, r.Err()
	}
	a, err := safeActivation(act, nil)
	if err != nil {
		return nil, err
	}
	return Dense(units, append(opts, a.(*ActivationLayer))...), nil
}

// regularizerJSON writes an L1/L2 regularizer as Keras's L1, L2 or L1L2
// object and an orthogonal one as OrthogonalRegularizer; other
// regularizers (Go functions) cannot be saved.
func regularizerJSON(layer, key string, r regularizers.Regularizer) (any, error) {
	switch x := r.(type) {
	case nil:
		return nil, nil
	case regularizers.L1L2Regularizer:
		switch {
		case x.L2 == 0:
			return KerasObject("keras.regularizers", "L1", map[string]any{"l1": x.L1}), nil
		case x.L1 == 0:
			return KerasObject("keras.regularizers", "L2", map[string]any{"l2": x.L2}), nil
		}
		return KerasObject("keras.regularizers", "L1L2", map[string]any{"l1": x.L1, "l2": x.L2}), nil
	case regularizers.OrthogonalRegularizer:
		return KerasObject("keras.regularizers", "OrthogonalRegularizer", map[string]any{"factor": x.Factor, "mode": x.Mode}), nil
	}
	return nil, fmt.Errorf("layers: %s cannot be saved: its %s is a %T, which has no Keras config", layer, key, r)
}

func regularizerFromJSON(r *ConfigReader, key string) regularizers.Regularizer {
	v := r.Config[key]
	if v == nil {
		return nil
	}
	if s, ok := v.(string); ok {
		reg, err := regularizers.Get(s)
		if err != nil {
			r.Fail(key, "%v", err)
		}
		return reg
	}
	obj, ok := v.(map[string]any)
	if !ok {
		r.Fail(key, "want a regularizer object, got %T", v)
		return nil
	}
	cfg, _ := obj["config"].(map[string]any)
	sub := NewConfigReader(r.Class, cfg)
	var reg regularizers.Regularizer
	switch cls, _ := obj["class_name"].(string); cls {
	case "L1":
		reg = regularizers.L1(sub.Float("l1", 0.01))
	case "L2":
		reg = regularizers.L2(sub.Float("l2", 0.01))
	case "L1L2":
		reg = regularizers.L1L2(sub.Float("l1", 0), sub.Float("l2", 0))
	case "OrthogonalRegularizer":
		reg = regularizers.Orthogonal(sub.Float("factor", 0.01), sub.String("mode", "rows"))
	default:
		r.Fail(key, "unsupported regularizer class %q", cls)
		return nil
	}
	if sub.Err() != nil {
		r.Fail(key, "%v", sub.Err())
	}
	return reg
}
