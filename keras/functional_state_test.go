package keras_test

import (
	"strings"
	"testing"

	"github.com/tensorgo/tensorgo/keras"
	"github.com/tensorgo/tensorgo/keras/layers"
	"github.com/tensorgo/tensorgo/tensor"
	"github.com/tensorgo/tensorgo/tf"
)

// closeValues fails unless got and want have one shape and values within tol.
func closeValues(t *testing.T, name string, got, want *tensor.Tensor, tol float64) {
	t.Helper()
	if !got.Shape().Equal(want.Shape()) {
		t.Fatalf("%s: shape %v, want %v", name, got.Shape(), want.Shape())
	}
	for i := 0; i < want.Size(); i++ {
		if d := got.Float(i) - want.Float(i); d > tol || d < -tol {
			t.Fatalf("%s: value %d is %v, want %v", name, i, got.Float(i), want.Float(i))
		}
	}
}

// A functional model may output a recurrent layer's final states (Keras's
// outputs, h, c = LSTM(..., return_state=True)(x)): Predict returns the
// outputs and the states the layer gives when applied directly, and, as
// in Keras, h is the last output.
func TestFunctionalModelOutputsStates(t *testing.T) {
	for _, cell := range []string{"LSTM", "GRU", "SimpleRNN"} {
		t.Run(cell, func(t *testing.T) {
			keras.ClearSession()
			tensor.SetSeed(5)
			mk := map[string]func(int, ...layers.Option) *layers.RecurrentLayer{"LSTM": layers.LSTM, "GRU": layers.GRU, "SimpleRNN": layers.SimpleRNN}[cell]
			rnn := mk(4, layers.ReturnState(true))
			in := keras.Input(6, 3)
			y, states := rnn.ApplyState(in)
			m := keras.NewModel(in, append([]*tf.Tensor{y}, states...))
			x := tensor.RandomUniform(tensor.Float32, tensor.Shape{5, 6, 3}, -1, 1, 7)
			got, err := m.PredictAll(x, keras.Verbose(0), keras.BatchSize(2)) // batches of 2, 2 and 1
			if err != nil {
				t.Fatal(err)
			}
			wantN := map[string]int{"LSTM": 3, "GRU": 2, "SimpleRNN": 2}[cell]
			if len(got) != wantN {
				t.Fatalf("Predict gives %d outputs, want %d (output and states)", len(got), wantN)
			}
			dy, ds := rnn.ApplyState(tf.Constant(x))
			want := append([]*tensor.Tensor{dy.Value()}, ds[0].Value())
			if cell == "LSTM" {
				want = append(want, ds[1].Value())
			}
			for i := range want {
				closeValues(t, cell+" output "+[]string{"y", "h", "c"}[i], got[i], want[i], 1e-6)
			}
			closeValues(t, cell+" h against the last output", got[1], got[0], 0)
		})
	}
}

// The encoder-decoder of Keras's sequence-to-sequence example: the
// encoder LSTM's states start the decoder LSTM inside one functional
// model, which predicts what the two layers give applied in turn.
func TestFunctionalModelFeedsStates(t *testing.T) {
	keras.ClearSession()
	tensor.SetSeed(8)
	encoder := layers.LSTM(5, layers.ReturnState(true))
	decoder := layers.LSTM(5, layers.ReturnSequences(true), layers.ReturnState(true))
	dense := layers.Dense(2)
	encIn, decIn := keras.Input(4, 3), keras.Input(6, 2)
	_, encStates := encoder.ApplyState(encIn)
	decOut, decStates := decoder.ApplyState(decIn, encStates...)
	out := dense.Apply(decOut)
	m := keras.NewModel([]*tf.Tensor{encIn, decIn}, []*tf.Tensor{out, decStates[0], decStates[1]})
	if n := len(m.Layers()); n != 3 {
		t.Fatalf("%d layers, want 3 (encoder, decoder, dense)", n)
	}
	xe := tensor.RandomUniform(tensor.Float32, tensor.Shape{3, 4, 3}, -1, 1, 1)
	xd := tensor.RandomUniform(tensor.Float32, tensor.Shape{3, 6, 2}, -1, 1, 2)
	got, err := m.PredictAll([]*tensor.Tensor{xe, xd}, keras.Verbose(0))
	if err != nil {
		t.Fatal(err)
	}
	_, es := encoder.ApplyState(tf.Constant(xe))
	dy, ds := decoder.ApplyState(tf.Constant(xd), es...)
	want := []*tensor.Tensor{dense.Apply(dy).Value(), ds[0].Value(), ds[1].Value()}
	if len(got) != len(want) {
		t.Fatalf("Predict gives %d outputs, want %d", len(got), len(want))
	}
	for i := range want {
		closeValues(t, []string{"dense", "decoder h", "decoder c"}[i], got[i], want[i], 1e-6)
	}
	// The encoder's states matter: zero states give another prediction.
	zero, _ := decoder.ApplyState(tf.Constant(xd))
	same := true
	for i, v := range dense.Apply(zero).Value().Float32s() {
		same = same && v == want[0].Float32s()[i]
	}
	if same {
		t.Fatal("the decoder predicts the same from zero states as from the encoder's")
	}
}

// A Bidirectional LSTM's states (forward h, c, then backward h, c) are
// model outputs too.
func TestFunctionalModelOutputsBidirectionalStates(t *testing.T) {
	keras.ClearSession()
	tensor.SetSeed(9)
	bi := layers.Bidirectional(layers.LSTM(3, layers.ReturnState(true)), "concat")
	in := keras.Input(5, 2)
	y := bi.Apply(in)
	states := bi.States()
	m := keras.NewModel(in, append([]*tf.Tensor{y}, states...))
	x := tensor.RandomUniform(tensor.Float32, tensor.Shape{2, 5, 2}, -1, 1, 3)
	got, err := m.PredictAll(x, keras.Verbose(0))
	if err != nil {
		t.Fatal(err)
	}
	if len(got) != 5 {
		t.Fatalf("Predict gives %d outputs, want 5", len(got))
	}
	dy := bi.Apply(tf.Constant(x)).Value()
	ds := bi.States()
	closeValues(t, "output", got[0], dy, 1e-6)
	for i, s := range ds {
		closeValues(t, "state "+string(rune('0'+i)), got[i+1], s.Value(), 1e-6)
	}
	// The output is the forward h beside the backward h (concat).
	for b := 0; b < 2; b++ {
		for j := 0; j < 6; j++ {
			h := got[1+2*(j/3)] // forward h, or backward h
			if got[0].Float(b*6+j) != h.Float(b*3+j%3) {
				t.Fatalf("output %v is not [forward h, backward h] %v, %v", got[0], got[1], got[3])
			}
		}
	}
}

// A tensor made by a tf op outside any layer still cannot be an output.
func TestFunctionalModelRejectsUntracedTensor(t *testing.T) {
	keras.ClearSession()
	in := keras.Input(4, 2)
	y, states := layers.LSTM(3).ApplyState(in)
	defer func() {
		r := recover()
		if r == nil || !strings.Contains(r.(string), "not made by a Keras layer") {
			t.Fatalf("panic %v, want one saying the tensor was not made by a Keras layer", r)
		}
	}()
	keras.NewModel(in, []*tf.Tensor{y, tf.Add(states[0], states[1])})
}

// A functional model that outputs a layer's states saves; loading it back
// is an error that says what is missing, never a crash.
func TestFunctionalModelWithStatesSaves(t *testing.T) {
	keras.ClearSession()
	tensor.SetSeed(6)
	in := keras.Input(5, 2)
	y, states := layers.LSTM(3, layers.ReturnState(true)).ApplyState(in)
	m := keras.NewModel(in, append([]*tf.Tensor{y}, states...))
	path := t.TempDir() + "/states.keras"
	if err := m.Save(path); err != nil {
		t.Fatal(err)
	}
	if _, err := keras.LoadModel(path); err != nil && strings.TrimSpace(err.Error()) == "" {
		t.Fatal("LoadModel failed with an empty error")
	}
}
