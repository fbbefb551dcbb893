package layers_test

import (
	"math"
	"path/filepath"
	"strings"
	"testing"

	"github.com/tensorgo/tensorgo/keras"
	"github.com/tensorgo/tensorgo/keras/layers"
	"github.com/tensorgo/tensorgo/tensor"
)

// A model of Embedding and recurrent layers saved as a .keras file loads
// back with the same configuration and predictions.
func TestRecurrentModelFileRoundTrip(t *testing.T) {
	keras.ClearSession()
	m := keras.NewSequential(
		layers.Embedding(12, 4, layers.MaskZero(true), layers.InputShape(5)),
		layers.LSTM(3, layers.ReturnSequences(true), layers.UnitForgetBias(false)),
		layers.GRU(3, layers.ReturnSequences(true), layers.ResetAfter(false)),
		layers.SimpleRNN(2, layers.Activation("relu"), layers.GoBackwards(true)),
		layers.Dense(1))
	x := tensor.FromSlice([]float32{0, 3, 5, 7, 11, 1, 2, 3, 4, 5}, 2, 5)
	want, err := m.Predict(x, keras.Verbose(0))
	if err != nil {
		t.Fatal(err)
	}
	path := filepath.Join(t.TempDir(), "rnn.keras")
	if err := keras.SaveModel(m, path); err != nil {
		t.Fatal(err)
	}
	keras.ClearSession()
	back, err := keras.LoadModel(path)
	if err != nil {
		t.Fatal(err)
	}
	got, err := back.Predict(x, keras.Verbose(0))
	if err != nil {
		t.Fatal(err)
	}
	for i := 0; i < want.Size(); i++ {
		if math.Abs(got.Float(i)-want.Float(i)) > 1e-6 {
			t.Fatalf("prediction %d: loaded %v, saved %v", i, got.Float(i), want.Float(i))
		}
	}
	ls := back.Layers()
	emb, lstm, gru, rnn := ls[0].(*layers.EmbeddingLayer), ls[1].(*layers.RecurrentLayer), ls[2].(*layers.RecurrentLayer), ls[3].(*layers.RecurrentLayer)
	if !emb.MaskZero || emb.InputDim != 12 || lstm.UnitForgetBias || !lstm.ReturnSequences || gru.ResetAfter ||
		rnn.ActivationName != "relu" || !rnn.GoBackwards || back.CountParams() != m.CountParams() {
		t.Errorf("loaded layers differ: %+v %+v %+v %+v", emb, lstm, gru, rnn)
	}
}

// Corrupt configs are errors naming the entry, never panics.
func TestRecurrentConfigErrors(t *testing.T) {
	for _, c := range []struct {
		class string
		cfg   map[string]any
		want  string
	}{
		{"LSTM", map[string]any{"units": 0.0}, "units"},
		{"LSTM", map[string]any{"units": 3.0, "activation": "bogus"}, "activation"},
		{"GRU", map[string]any{"units": 3.0, "recurrent_activation": "hard_sigmoid"}, "recurrent_activation"},
		{"SimpleRNN", map[string]any{"units": 3.0, "dropout": 2.0}, "dropout"},
		{"SimpleRNN", map[string]any{"units": 3.0, "recurrent_dropout": 1.5}, "recurrent_dropout"},
		{"LSTM", map[string]any{"units": 3.0, "recurrent_dropout": -0.1}, "recurrent_dropout"},
		{"Embedding", map[string]any{"input_dim": 0.0, "output_dim": 2.0}, "input_dim"},
		{"Embedding", map[string]any{"input_dim": 3.0, "output_dim": -1.0}, "output_dim"},
	} {
		s, ok := layers.SerializerOf(c.class)
		if !ok {
			t.Fatalf("no serializer for %s", c.class)
		}
		var err error
		func() {
			defer func() {
				if r := recover(); r != nil {
					t.Errorf("%s %v panics: %v", c.class, c.cfg, r)
				}
			}()
			_, err = s.FromConfig(layers.NewConfigReader(c.class, c.cfg))
		}()
		if err == nil || !strings.Contains(err.Error(), c.want) {
			t.Errorf("%s %v: error %v, want one naming %s", c.class, c.cfg, err, c.want)
		}
	}
}

// Keras's weights file keeps a recurrent layer's variables in its cell's
// group: written and read back through /layers/<key>/cell/vars.
func TestRecurrentWeightsFileRoundTrip(t *testing.T) {
	build := func() *keras.Model {
		keras.ClearSession()
		return keras.NewSequential(layers.Input(4, 2), layers.GRU(3, layers.ReturnSequences(true)), layers.LSTM(2), layers.Dense(1))
	}
	m := build()
	x := seq(2, 4, 2, 0.1)
	want, err := m.Predict(x, keras.Verbose(0))
	if err != nil {
		t.Fatal(err)
	}
	path := filepath.Join(t.TempDir(), "rnn.weights.h5")
	if err := m.SaveWeights(path); err != nil {
		t.Fatal(err)
	}
	m2 := build()
	if err := m2.LoadWeights(path); err != nil {
		t.Fatal(err)
	}
	got, err := m2.Predict(x, keras.Verbose(0))
	if err != nil {
		t.Fatal(err)
	}
	for i := 0; i < want.Size(); i++ {
		if got.Float(i) != want.Float(i) {
			t.Fatalf("prediction %d: loaded %v, saved %v", i, got.Float(i), want.Float(i))
		}
	}
}

// A config's recurrent_dropout reaches the layer as RecurrentDropout and
// is written back.
func TestRecurrentDropoutConfig(t *testing.T) {
	for _, class := range []string{"SimpleRNN", "LSTM", "GRU"} {
		l, err := layers.FromConfig(class, map[string]any{"units": 3.0, "recurrent_dropout": 0.5})
		if err != nil {
			t.Fatalf("%s: %v", class, err)
		}
		cfg, err := layers.GetConfig(l)
		if err != nil {
			t.Fatal(err)
		}
		if cfg["recurrent_dropout"] != 0.5 {
			t.Errorf("%s: recurrent_dropout 0.5 is written back as %v", class, cfg["recurrent_dropout"])
		}
	}
	// A rate of zero builds as before and is written as 0.
	l, err := layers.FromConfig("LSTM", map[string]any{"units": 3.0, "recurrent_dropout": 0.0})
	if err != nil {
		t.Fatal(err)
	}
	if cfg, _ := layers.GetConfig(l); cfg["recurrent_dropout"] != 0.0 {
		t.Errorf("recurrent_dropout 0 is written back as %v", cfg["recurrent_dropout"])
	}
}
