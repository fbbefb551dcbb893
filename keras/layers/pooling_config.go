package layers

// The serializers of the pooling layers (MaxPooling1D/2D,
// AveragePooling1D/2D and the global poolings), with the entries Keras 3's
// get_config writes for them. They have no variables.
func init() {
	for _, p := range []struct {
		class string
		rank  int
		max   bool
	}{{"MaxPooling1D", 1, true}, {"MaxPooling2D", 2, true}, {"AveragePooling1D", 1, false}, {"AveragePooling2D", 2, false}} {
		p := p
		RegisterSerializer(Serializer{
			ClassName: p.class,
			GetConfig: func(l Layer) (map[string]any, error) {
				q := l.(*PoolingLayer)
				return map[string]any{"pool_size": ints(q.PoolSize), "padding": q.Padding, "strides": ints(q.Strides),
					"data_format": "channels_last"}, nil
			},
			FromConfig: func(r *ConfigReader) (Layer, error) {
				size := tupleEntry(r, "pool_size", p.rank, 2, 1)
				opts := append(r.BaseOptions(), PoolSize(size...), Padding(paddingEntry(r, false)))
				if r.Has("strides") {
					opts = append(opts, Strides(tupleEntry(r, "strides", p.rank, 1, 1)...))
				}
				channelsLast(r)
				if r.Err() != nil {
					return nil, r.Err()
				}
				return construct(p.class, func() Layer { return newPool(p.class, p.rank, p.max, opts) })
			},
		})
	}
	for _, p := range []struct {
		class string
		rank  int
		max   bool
	}{{"GlobalMaxPooling1D", 1, true}, {"GlobalMaxPooling2D", 2, true}, {"GlobalAveragePooling1D", 1, false}, {"GlobalAveragePooling2D", 2, false}} {
		p := p
		RegisterSerializer(Serializer{
			ClassName: p.class,
			GetConfig: func(l Layer) (map[string]any, error) {
				return map[string]any{"data_format": "channels_last", "keepdims": l.(*GlobalPoolingLayer).KeepDims}, nil
			},
			FromConfig: func(r *ConfigReader) (Layer, error) {
				opts := append(r.BaseOptions(), KeepDims(r.Bool("keepdims", false)))
				channelsLast(r)
				if r.Err() != nil {
					return nil, r.Err()
				}
				return newGlobalPool(p.class, p.rank, p.max, opts), nil
			},
		})
	}
}
