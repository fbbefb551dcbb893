package layers_test

import (
	"encoding/json"
	"testing"

	"github.com/tensorgo/tensorgo/keras/layers"
)

// FuzzRecurrentConfig feeds the recurrent layers' and Embedding's
// FromConfig arbitrary JSON configs: each returns a layer or an error and
// never panics.
func FuzzRecurrentConfig(f *testing.F) {
	f.Add("LSTM", []byte(`{"name":"lstm","units":80,"return_sequences":true,"unit_forget_bias":true,"dropout":0.0,"recurrent_dropout":0.0,"activation":"tanh","recurrent_activation":"sigmoid"}`))
	f.Add("GRU", []byte(`{"units":3,"reset_after":false,"go_backwards":true,"batch_shape":[null,60,1]}`))
	f.Add("SimpleRNN", []byte(`{"units":10,"activation":"relu","stateful":true,"batch_shape":[4,5,1],"seed":7}`))
	f.Add("Embedding", []byte(`{"input_dim":26,"output_dim":2,"mask_zero":true}`))
	f.Add("LSTM", []byte(`{"units":-1}`))
	f.Add("GRU", []byte(`{"units":3,"activation":"softmax","dropout":1.5}`))
	f.Add("Embedding", []byte(`{"input_dim":"x","output_dim":[]}`))
	f.Add("SimpleRNN", []byte(`{"units":1e300,"kernel_regularizer":{"class_name":"L2","config":{"l2":0.01}}}`))
	f.Fuzz(func(t *testing.T, class string, cfg []byte) {
		s, ok := layers.SerializerOf(class)
		if !ok || (class != "LSTM" && class != "GRU" && class != "SimpleRNN" && class != "Embedding") {
			return
		}
		var m map[string]any
		if json.Unmarshal(cfg, &m) != nil || m == nil {
			return
		}
		l, err := s.FromConfig(layers.NewConfigReader(class, m))
		if err == nil && l == nil {
			t.Fatal("no layer and no error")
		}
	})
}
