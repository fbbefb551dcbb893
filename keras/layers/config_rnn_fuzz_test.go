package layers_test

import (
	"encoding/json"
	"testing"

	"github.com/tensorgo/tensorgo/keras/layers"
)

// FuzzRecurrentConfig feeds the recurrent layers', the cells', the
// wrappers' (Bidirectional, TimeDistributed, RNN), Masking's,
// RepeatVector's and Embedding's FromConfig arbitrary JSON configs: each
// returns a layer or an error and never panics.
func FuzzRecurrentConfig(f *testing.F) {
	f.Add("LSTM", []byte(`{"name":"lstm","units":80,"return_sequences":true,"unit_forget_bias":true,"dropout":0.0,"recurrent_dropout":0.0,"activation":"tanh","recurrent_activation":"sigmoid"}`))
	f.Add("GRU", []byte(`{"units":3,"reset_after":false,"go_backwards":true,"batch_shape":[null,60,1]}`))
	f.Add("SimpleRNN", []byte(`{"units":10,"activation":"relu","stateful":true,"batch_shape":[4,5,1],"seed":7}`))
	f.Add("Embedding", []byte(`{"input_dim":26,"output_dim":2,"mask_zero":true}`))
	f.Add("LSTM", []byte(`{"units":-1}`))
	f.Add("GRU", []byte(`{"units":3,"activation":"softmax","dropout":1.5}`))
	f.Add("Embedding", []byte(`{"input_dim":"x","output_dim":[]}`))
	f.Add("SimpleRNN", []byte(`{"units":1e300,"kernel_regularizer":{"class_name":"L2","config":{"l2":0.01}}}`))
	// Wrappers, as Keras 3.16 writes them (trimmed), and corrupt ones.
	f.Add("Bidirectional", []byte(`{"name":"bidirectional","merge_mode":"sum","layer":{"module":"keras.layers","class_name":"LSTM","config":{"name":"forward_lstm","units":4,"return_sequences":true,"zero_output_for_mask":true},"build_config":{"input_shape":[null,5,3]}},"backward_layer":{"module":"keras.layers","class_name":"LSTM","config":{"name":"backward_lstm","units":4,"return_sequences":true,"go_backwards":true}}}`))
	f.Add("Bidirectional", []byte(`{"merge_mode":null,"layer":{"class_name":"GRU","config":{"units":2}}}`))
	f.Add("Bidirectional", []byte(`{"layer":{"class_name":"Bidirectional","config":{"layer":{"class_name":"GRU","config":{"units":2}}}}}`))
	f.Add("Bidirectional", []byte(`{"layer":{"class_name":"GRU","config":{"units":2}},"backward_layer":{"class_name":"GRU","config":{"units":2}}}`))
	f.Add("TimeDistributed", []byte(`{"name":"time_distributed","layer":{"module":"keras.layers","class_name":"Dense","config":{"name":"dense","units":2,"activation":"linear"},"build_config":{"input_shape":[null,4]}}}`))
	f.Add("TimeDistributed", []byte(`{"layer":{"class_name":"TimeDistributed","config":{"layer":{"class_name":"Dense","config":{"units":-1}}}}}`))
	f.Add("RNN", []byte(`{"name":"rnn","return_sequences":false,"unroll":false,"cell":{"module":"keras.layers","class_name":"GRUCell","config":{"name":"gru_cell","units":3,"reset_after":true,"recurrent_dropout":0.0},"build_config":{"input_shape":[null,2]}}}`))
	f.Add("RNN", []byte(`{"cell":{"class_name":"StackedRNNCells","config":{"cells":[{"class_name":"LSTMCell","config":{"units":2}}]}}}`))
	f.Add("RNN", []byte(`{"cell":{"class_name":"LSTM","config":{"units":2}}}`))
	f.Add("LSTMCell", []byte(`{"name":"lstm_cell","units":2,"unit_forget_bias":false,"recurrent_dropout":0.5}`))
	f.Add("SimpleRNNCell", []byte(`{"units":0}`))
	f.Add("Masking", []byte(`{"name":"masking","mask_value":0.0}`))
	f.Add("Masking", []byte(`{"mask_value":[1]}`))
	f.Add("RepeatVector", []byte(`{"name":"repeat_vector","n":2}`))
	f.Add("RepeatVector", []byte(`{"n":-3}`))
	f.Fuzz(func(t *testing.T, class string, cfg []byte) {
		s, ok := layers.SerializerOf(class)
		if !ok || !fuzzedClasses[class] {
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

var fuzzedClasses = map[string]bool{"LSTM": true, "GRU": true, "SimpleRNN": true, "Embedding": true,
	"Bidirectional": true, "TimeDistributed": true, "RNN": true, "LSTMCell": true, "GRUCell": true,
	"SimpleRNNCell": true, "Masking": true, "RepeatVector": true}
