package layers

import "github.com/tensorgo/tensorgo/tensor"

// The serializers of BatchNormalization and LayerNormalization, with the
// entries Keras 3's get_config writes for them. Their variables are in
// Keras's order already: gamma, beta (then BatchNormalization's
// moving_mean and moving_variance).
func init() {
	RegisterSerializer(Serializer{
		ClassName: "BatchNormalization",
		GetConfig: func(l Layer) (map[string]any, error) {
			b := l.(*BatchNormalizationLayer)
			return map[string]any{
				"axis": -1, "momentum": b.Momentum, "epsilon": b.Epsilon, "center": b.Center, "scale": b.Scale,
				"beta_initializer": initializerJSON("Zeros"), "gamma_initializer": initializerJSON("Ones"),
				"moving_mean_initializer": initializerJSON("Zeros"), "moving_variance_initializer": initializerJSON("Ones"),
				"beta_regularizer": nil, "gamma_regularizer": nil, "beta_constraint": nil, "gamma_constraint": nil,
				"synchronized": false, "renorm": false, "renorm_clipping": nil, "renorm_momentum": 0.99,
			}, nil
		},
		FromConfig: func(r *ConfigReader) (Layer, error) {
			opts := append(r.BaseOptions(), normOptions(r)...)
			m := r.Float("momentum", 0.99)
			if m < 0 || m > 1 {
				r.Fail("momentum", "must be in [0, 1], got %v", m)
			}
			opts = append(opts, Momentum(m))
			if r.Bool("renorm", false) {
				r.Fail("renorm", "batch renormalisation is not supported by tensorgo")
			}
			if r.Err() != nil {
				return nil, r.Err()
			}
			return construct("BatchNormalization", func() Layer { return BatchNormalization(opts...) })
		},
		WeightShapes: func(l Layer, in []tensor.Shape) []tensor.Shape {
			b := l.(*BatchNormalizationLayer)
			return normShapes(in, b.Scale, b.Center, 2)
		},
	})
	RegisterSerializer(Serializer{
		ClassName: "LayerNormalization",
		GetConfig: func(l Layer) (map[string]any, error) {
			n := l.(*LayerNormalizationLayer)
			return map[string]any{
				"axis": -1, "epsilon": n.Epsilon, "center": n.Center, "scale": n.Scale, "rms_scaling": false,
				"beta_initializer": initializerJSON("Zeros"), "gamma_initializer": initializerJSON("Ones"),
				"beta_regularizer": nil, "gamma_regularizer": nil, "beta_constraint": nil, "gamma_constraint": nil,
			}, nil
		},
		FromConfig: func(r *ConfigReader) (Layer, error) {
			opts := append(r.BaseOptions(), normOptions(r)...)
			if r.Bool("rms_scaling", false) {
				r.Fail("rms_scaling", "RMS scaling is not supported by tensorgo")
			}
			if r.Err() != nil {
				return nil, r.Err()
			}
			return construct("LayerNormalization", func() Layer { return LayerNormalization(opts...) })
		},
		WeightShapes: func(l Layer, in []tensor.Shape) []tensor.Shape {
			n := l.(*LayerNormalizationLayer)
			return normShapes(in, n.Scale, n.Center, 0)
		},
	})
}

// normOptions reads the entries both normalisations share: axis (only the
// last), epsilon, center, scale; regularizers and constraints must be null.
func normOptions(r *ConfigReader) []Option {
	switch ax := r.Ints("axis"); {
	case ax == nil, len(ax) == 1 && ax[0] == -1:
	default:
		r.Fail("axis", "only the last axis (-1) is supported, got %v", r.Config["axis"])
	}
	e := r.Float("epsilon", 1e-3)
	if !(e > 0) {
		r.Fail("epsilon", "must be positive, got %v", e)
	}
	noEntries(r, "regularizers are", "beta_regularizer", "gamma_regularizer")
	noEntries(r, "constraints are", "beta_constraint", "gamma_constraint")
	if r.Bool("synchronized", false) {
		r.Fail("synchronized", "synchronized batch normalisation is not supported by tensorgo")
	}
	return []Option{Epsilon(e), Center(r.Bool("center", true)), Scale(r.Bool("scale", true))}
}

// normShapes: gamma, beta (as present), then moving statistics, each of
// the channels.
func normShapes(in []tensor.Shape, scale, center bool, moving int) []tensor.Shape {
	if len(in) != 1 || len(in[0]) < 2 || in[0][len(in[0])-1] < 1 {
		return nil
	}
	c := tensor.Shape{in[0][len(in[0])-1]}
	var out []tensor.Shape
	if scale {
		out = append(out, c)
	}
	if center {
		out = append(out, c)
	}
	for i := 0; i < moving; i++ {
		out = append(out, c)
	}
	return out
}
