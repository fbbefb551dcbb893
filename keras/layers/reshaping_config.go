package layers

// The serializers of the image reshaping layers (ZeroPadding2D,
// Cropping2D, UpSampling2D), Rescaling, SpatialDropout2D and the merge
// layers Subtract, Multiply, Average, Maximum and Minimum, with the
// entries Keras 3's get_config writes for them. None has variables.
func init() {
	RegisterSerializer(Serializer{
		ClassName: "ZeroPadding2D",
		GetConfig: func(l Layer) (map[string]any, error) {
			return map[string]any{"padding": sidesJSON(l.(*ZeroPadding2DLayer).Padding), "data_format": "channels_last"}, nil
		},
		FromConfig: func(r *ConfigReader) (Layer, error) {
			p := sidesEntry(r, "padding", 1)
			channelsLast(r)
			opts := r.BaseOptions()
			if r.Err() != nil {
				return nil, r.Err()
			}
			return ZeroPadding2D(p[:], opts...), nil
		},
	})
	RegisterSerializer(Serializer{
		ClassName: "Cropping2D",
		GetConfig: func(l Layer) (map[string]any, error) {
			return map[string]any{"cropping": sidesJSON(l.(*Cropping2DLayer).Cropping), "data_format": "channels_last"}, nil
		},
		FromConfig: func(r *ConfigReader) (Layer, error) {
			c := sidesEntry(r, "cropping", 0)
			channelsLast(r)
			opts := r.BaseOptions()
			if r.Err() != nil {
				return nil, r.Err()
			}
			return Cropping2D(c[:], opts...), nil
		},
	})
	RegisterSerializer(Serializer{
		ClassName: "UpSampling2D",
		GetConfig: func(l Layer) (map[string]any, error) {
			return map[string]any{"size": ints(l.(*UpSampling2DLayer).Size), "data_format": "channels_last", "interpolation": "nearest"}, nil
		},
		FromConfig: func(r *ConfigReader) (Layer, error) {
			size := tupleEntry(r, "size", 2, 2, 1)
			if in := r.String("interpolation", "nearest"); in != "nearest" {
				r.Fail("interpolation", "only \"nearest\" is supported by tensorgo, got %q", in)
			}
			channelsLast(r)
			opts := r.BaseOptions()
			if r.Err() != nil {
				return nil, r.Err()
			}
			return UpSampling2D(size, opts...), nil
		},
	})
	RegisterSerializer(Serializer{
		ClassName: "Rescaling",
		GetConfig: func(l Layer) (map[string]any, error) {
			s := l.(*RescalingLayer)
			return map[string]any{"scale": s.Scale, "offset": s.Offset}, nil
		},
		FromConfig: func(r *ConfigReader) (Layer, error) {
			scale, offset := r.Float("scale", 1), r.Float("offset", 0)
			opts := r.BaseOptions()
			if r.Err() != nil {
				return nil, r.Err()
			}
			return Rescaling(scale, offset, opts...), nil
		},
	})
	RegisterSerializer(Serializer{
		ClassName: "SpatialDropout2D",
		// Keras's SpatialDropout2D takes no trainable argument, so its
		// config has none.
		OwnBase: true,
		GetConfig: func(l Layer) (map[string]any, error) {
			d := l.(*SpatialDropout2DLayer)
			var seed any
			if len(d.seed) > 0 {
				seed = d.seed[0]
			}
			return map[string]any{"rate": d.Rate, "seed": seed, "dtype": d.DType().String(), "data_format": "channels_last"}, nil
		},
		FromConfig: func(r *ConfigReader) (Layer, error) {
			opts := r.BaseOptions()
			if r.Has("seed") {
				opts = append(opts, Seed(int64(r.Int("seed", 0))))
			}
			rate := r.Float("rate", 0)
			if rate < 0 || rate >= 1 {
				r.Fail("rate", "must be in [0, 1), got %v", rate)
			}
			channelsLast(r)
			if r.Err() != nil {
				return nil, r.Err()
			}
			return SpatialDropout2D(rate, opts...), nil
		},
	})
	for _, m := range []struct {
		class string
		make  func(...Option) *MergeLayer
	}{{"Subtract", Subtract}, {"Multiply", Multiply}, {"Average", Average}, {"Maximum", Maximum}, {"Minimum", Minimum}} {
		m := m
		RegisterSerializer(Serializer{
			ClassName:  m.class,
			GetConfig:  func(Layer) (map[string]any, error) { return map[string]any{}, nil },
			FromConfig: func(r *ConfigReader) (Layer, error) { return m.make(r.BaseOptions()...), r.Err() },
		})
	}
}

// sidesJSON writes top, bottom, left, right as Keras's ((top, bottom),
// (left, right)).
func sidesJSON(p [4]int) []any { return []any{[]int{p[0], p[1]}, []int{p[2], p[3]}} }

// sidesEntry reads Keras's int, (height, width) or ((top, bottom), (left,
// right)) entry as top, bottom, left, right (each in [0, 2^20]).
func sidesEntry(r *ConfigReader, key string, def int) [4]int {
	out := [4]int{def, def, def, def}
	v := r.Config[key]
	var flat []int
	switch x := v.(type) {
	case nil:
		return out
	case []any:
		nested := len(x) == 2
		for _, e := range x {
			if _, ok := e.([]any); !ok {
				nested = false
			}
		}
		if nested {
			for i, e := range x {
				sub := NewConfigReader(r.Class, map[string]any{key: e})
				p := sub.Ints(key)
				if sub.Err() != nil || len(p) != 2 {
					r.Fail(key, "element %d: want (before, after), got %v", i, e)
					return out
				}
				flat = append(flat, p...)
			}
			break
		}
		flat = r.Ints(key)
	default:
		flat = r.Ints(key)
	}
	if r.Err() != nil {
		return out
	}
	switch len(flat) {
	case 1:
		out = [4]int{flat[0], flat[0], flat[0], flat[0]}
	case 2:
		out = [4]int{flat[0], flat[0], flat[1], flat[1]}
	case 4:
		copy(out[:], flat)
	default:
		r.Fail(key, "want an integer, (height, width) or ((top, bottom), (left, right)), got %v", v)
		return out
	}
	for _, p := range out {
		if p < 0 || p > 1<<20 {
			r.Fail(key, "each value must be in [0, 2^20], got %v", out)
			return out
		}
	}
	return out
}
