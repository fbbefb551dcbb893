package layers

import (
	"fmt"
	"sync"

	"github.com/tensorgo/tensorgo/tensor"
)

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
			l, err := construct("BatchNormalization", func() Layer { return BatchNormalization(opts...) })
			return withAxis(r, l, err)
		},
		WeightShapes: func(l Layer, in []tensor.Shape) []tensor.Shape {
			b := l.(*BatchNormalizationLayer)
			return normShapes(l, in, b.Scale, b.Center, 2)
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
			l, err := construct("LayerNormalization", func() Layer { return LayerNormalization(opts...) })
			return withAxis(r, l, err)
		},
		WeightShapes: func(l Layer, in []tensor.Shape) []tensor.Shape {
			n := l.(*LayerNormalizationLayer)
			return normShapes(l, in, n.Scale, n.Center, 0)
		},
	})
}

// loadedAxis holds the positive axis a loaded normalisation's config
// names (Keras writes LayerNormalization's axis -1 as [rank − 1]) until
// normShapes, given the input's rank, checks that it is the last one.
var loadedAxis sync.Map // Layer → int

// normAxis reads "axis": -1, or one axis ≥ 1 (returned; -1 otherwise).
func normAxis(r *ConfigReader) int {
	ax := r.Ints("axis")
	switch {
	case ax == nil, len(ax) == 1 && ax[0] == -1:
		return -1
	case len(ax) == 1 && ax[0] >= 1:
		return ax[0]
	}
	r.Fail("axis", "only the last axis (-1) is supported, got %v", r.Config["axis"])
	return -1
}

// withAxis records the config's positive axis for l.
func withAxis(r *ConfigReader, l Layer, err error) (Layer, error) {
	if err == nil {
		if ax := normAxis(r); ax > 0 {
			loadedAxis.Store(l, ax)
		}
	}
	return l, err
}

// normOptions reads the entries both normalisations share: axis (only the
// last), epsilon, center, scale; regularizers and constraints must be null.
func normOptions(r *ConfigReader) []Option {
	normAxis(r)
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
// the channels. It panics (LoadModel reports it as an error) when the
// layer was loaded from a config whose axis is not the input's last.
func normShapes(l Layer, in []tensor.Shape, scale, center bool, moving int) []tensor.Shape {
	if len(in) != 1 || len(in[0]) < 2 || in[0][len(in[0])-1] < 1 {
		return nil
	}
	if ax, ok := loadedAxis.LoadAndDelete(l); ok && ax.(int) != len(in[0])-1 {
		panic(fmt.Sprintf("layers: %s (%s): axis %d of input %v: only the last axis (channels last) is supported",
			l.LayerBase().Name(), l.LayerBase().ClassName(), ax, in[0]))
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
