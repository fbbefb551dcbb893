package layers

import (
	"fmt"

	"github.com/tensorgo/tensorgo/tensor"
)

// Keras 3's configs of the wrappers (Bidirectional, TimeDistributed), the
// generic RNN over a cell and the cells, Masking and RepeatVector, for
// model files. A wrapped layer is a nested object in its wrapper's config
// ("layer", "backward_layer", "cell") and its variables lie in groups
// below the wrapper's in the weights file, as Keras 3 writes them:
//
//	layers/bidirectional/forward_layer/cell/vars   (kernel, recurrent_kernel, bias)
//	layers/bidirectional/backward_layer/cell/vars
//	layers/time_distributed/layer/vars             (the inner layer's)
//	layers/rnn/cell/vars                           (the cell's)
func init() {
	RegisterSerializer(Serializer{
		ClassName: "Bidirectional",
		GetConfig: func(l Layer) (map[string]any, error) {
			b := l.(*BidirectionalLayer)
			fwd, err := NestedConfig(b.Forward)
			if err != nil {
				return nil, err
			}
			back, err := NestedConfig(b.Backward)
			if err != nil {
				return nil, err
			}
			return map[string]any{"merge_mode": b.MergeMode, "layer": fwd, "backward_layer": back}, nil
		},
		FromConfig: bidirectionalFromConfig,
		Groups: func(l Layer) []WeightGroup {
			b := l.(*BidirectionalLayer)
			return append(prefixGroups("forward_layer/", KerasWeightGroups(b.Forward)),
				prefixGroups("backward_layer/", KerasWeightGroups(b.Backward))...)
		},
		GroupShapes: func(l Layer, in []tensor.Shape) []PlannedGroup {
			b := l.(*BidirectionalLayer)
			f, _ := PlannedWeightGroups(b.Forward, in)
			bk, _ := PlannedWeightGroups(b.Backward, in)
			return append(prefixPlanned("forward_layer/", f), prefixPlanned("backward_layer/", bk)...)
		},
	})
	RegisterSerializer(Serializer{
		ClassName: "TimeDistributed",
		GetConfig: func(l Layer) (map[string]any, error) {
			inner, err := NestedConfig(l.(*TimeDistributedLayer).Layer)
			if err != nil {
				return nil, err
			}
			return map[string]any{"layer": inner}, nil
		},
		FromConfig: func(r *ConfigReader) (Layer, error) {
			opts := r.BaseOptions()
			inner := r.Layer("layer")
			if r.Err() != nil {
				return nil, r.Err()
			}
			return construct(r.Class, func() Layer { return TimeDistributed(inner, opts...) })
		},
		Groups: func(l Layer) []WeightGroup {
			return prefixGroups("layer/", KerasWeightGroups(l.(*TimeDistributedLayer).Layer))
		},
		GroupShapes: func(l Layer, in []tensor.Shape) []PlannedGroup {
			if len(in) < 1 || len(in[0]) < 3 {
				return nil
			}
			g, _ := PlannedWeightGroups(l.(*TimeDistributedLayer).Layer, []tensor.Shape{append(tensor.Shape{-1}, in[0][2:]...)})
			return prefixPlanned("layer/", g)
		},
	})
	RegisterSerializer(Serializer{
		ClassName: "RNN",
		GetConfig: func(l Layer) (map[string]any, error) {
			rl := l.(*RecurrentLayer)
			if rl.cell == nil {
				return nil, fmt.Errorf("layers: %s (RNN) cannot be saved: it has no cell", rl.Name())
			}
			cell, err := NestedConfig(rl.cell)
			if err != nil {
				return nil, err
			}
			c := rnnFlags(rl)
			c["cell"] = cell
			return c, nil
		},
		FromConfig:   rnnFromConfig,
		VarsPath:     "cell/vars",
		WeightShapes: recurrentWeightShapes,
	})
	for _, cell := range []string{"SimpleRNN", "LSTM", "GRU"} {
		RegisterSerializer(Serializer{
			ClassName: cell + "Cell",
			GetConfig: func(l Layer) (map[string]any, error) { return cellEntries(l.(*CellLayer).rec) },
			FromConfig: func(r *ConfigReader) (Layer, error) {
				units := r.Int("units", 0)
				if units <= 0 && r.Err() == nil {
					r.Fail("units", "must be a positive integer, got %v", r.Config["units"])
				}
				opts := append(r.BaseOptions(), cellOptionsFromConfig(cell, r)...)
				if r.Err() != nil {
					return nil, r.Err()
				}
				return construct(r.Class, func() Layer { return newCell(cell, units, cellExtra(cell), opts) })
			},
			WeightShapes: func(l Layer, in []tensor.Shape) []tensor.Shape {
				if len(in) < 1 || len(in[0]) != 2 {
					return nil
				}
				return recurrentWeightShapes(l.(*CellLayer).rec, []tensor.Shape{{-1, 1, in[0][1]}})
			},
		})
	}
	RegisterSerializer(Serializer{
		ClassName: "Masking",
		GetConfig: func(l Layer) (map[string]any, error) {
			return map[string]any{"mask_value": l.(*MaskingLayer).MaskValue}, nil
		},
		FromConfig: func(r *ConfigReader) (Layer, error) {
			v := r.Float("mask_value", 0)
			opts := r.BaseOptions()
			if r.Err() != nil {
				return nil, r.Err()
			}
			return Masking(v, opts...), nil
		},
	})
	RegisterSerializer(Serializer{
		ClassName: "RepeatVector",
		GetConfig: func(l Layer) (map[string]any, error) {
			return map[string]any{"n": l.(*RepeatVectorLayer).N}, nil
		},
		FromConfig: func(r *ConfigReader) (Layer, error) {
			n := r.Int("n", 0)
			if n < 1 && r.Err() == nil {
				r.Fail("n", "must be a positive integer, got %v", r.Config["n"])
			}
			opts := r.BaseOptions()
			if r.Err() != nil {
				return nil, r.Err()
			}
			return RepeatVector(n, opts...), nil
		},
	})
}

// NestedConfig returns the JSON object Keras writes for a layer inside
// another one (a wrapper's "layer", an RNN's "cell"): module, class_name,
// config, registered_name and, for a built layer with weights, the
// build_config Keras rebuilds it from.
func NestedConfig(l Layer) (map[string]any, error) {
	cfg, err := GetConfig(l)
	if err != nil {
		return nil, err
	}
	b := l.LayerBase()
	s, _ := SerializerOf(b.ClassName())
	obj := KerasObject(s.Module, b.ClassName(), cfg)
	var in tensor.Shape
	if c, ok := l.(*CellLayer); ok && c.rec.Kernel != nil {
		in = tensor.Shape{-1, c.rec.Kernel.Shape()[0]}
	} else if shapes := BuiltInputShapes(l); b.Built() && len(b.WeightList()) > 0 && len(shapes) == 1 {
		in = shapes[0]
	}
	if in != nil {
		obj["build_config"] = map[string]any{"input_shape": ShapeJSON(in)}
	}
	return obj, nil
}

func bidirectionalFromConfig(r *ConfigReader) (Layer, error) {
	mode := "concat"
	if v, ok := r.Config["merge_mode"]; ok {
		if v == nil {
			r.Fail("merge_mode", "null (the two outputs as a list) is not supported: a tensorgo layer returns one tensor")
		} else {
			mode = r.String("merge_mode", "concat")
			switch mode {
			case "concat", "sum", "mul", "ave":
			default:
				r.Fail("merge_mode", "want concat, sum, mul or ave, got %q", mode)
			}
		}
	}
	opts := r.BaseOptions()
	fwd := recurrentEntry(r, "layer")
	if r.Has("backward_layer") {
		if back := recurrentEntry(r, "backward_layer"); back != nil {
			opts = append(opts, BackwardLayer(back))
		}
	}
	if r.Err() != nil {
		return nil, r.Err()
	}
	return construct(r.Class, func() Layer { return Bidirectional(fwd, mode, opts...) })
}

// recurrentEntry reads a nested recurrent layer (SimpleRNN, LSTM, GRU or
// an RNN over a cell).
func recurrentEntry(r *ConfigReader, key string) *RecurrentLayer {
	l := r.Layer(key)
	if l == nil {
		return nil
	}
	rl, ok := l.(*RecurrentLayer)
	if !ok {
		r.Fail(key, "tensorgo's Bidirectional wraps SimpleRNN, LSTM, GRU or RNN, got %s", l.LayerBase().ClassName())
		return nil
	}
	return rl
}

func rnnFromConfig(r *ConfigReader) (Layer, error) {
	if obj, ok := r.Config["cell"].(map[string]any); ok && obj["class_name"] == "StackedRNNCells" {
		r.Fail("cell", "a list of cells (StackedRNNCells) is not supported: stack RNN layers instead")
		return nil, r.Err()
	}
	if _, ok := r.Config["cell"].([]any); ok {
		r.Fail("cell", "a list of cells is not supported: stack RNN layers instead")
		return nil, r.Err()
	}
	opts := append(r.BaseOptions(), rnnFlagOptions(r)...)
	l := r.Layer("cell")
	var cell *CellLayer
	if l != nil {
		var ok bool
		if cell, ok = l.(*CellLayer); !ok {
			r.Fail("cell", "want SimpleRNNCell, LSTMCell or GRUCell, got %s", l.LayerBase().ClassName())
		}
	}
	if r.Err() != nil {
		return nil, r.Err()
	}
	return construct(r.Class, func() Layer { return RNN(cell, opts...) })
}

func prefixGroups(prefix string, gs []WeightGroup) []WeightGroup {
	out := make([]WeightGroup, len(gs))
	for i, g := range gs {
		out[i] = WeightGroup{Path: prefix + g.Path, Vars: g.Vars}
	}
	return out
}

func prefixPlanned(prefix string, gs []PlannedGroup) []PlannedGroup {
	out := make([]PlannedGroup, len(gs))
	for i, g := range gs {
		out[i] = PlannedGroup{Path: prefix + g.Path, Shapes: g.Shapes}
	}
	return out
}
