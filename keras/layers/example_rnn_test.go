package layers_test

import (
	"fmt"

	"github.com/tensorgo/tensorgo/keras"
	"github.com/tensorgo/tensorgo/keras/layers"
)

// The course's stock models on one feature: Keras's summaries show 6,560
// parameters for SimpleRNN(80), 26,240 for LSTM(80) and 19,920 for GRU(80)
// (reset_after, Keras 3's default).
func ExampleLSTM() {
	for _, l := range []layers.Layer{layers.SimpleRNN(80), layers.LSTM(80), layers.GRU(80)} {
		keras.ClearSession()
		m := keras.NewSequential(layers.Input(60, 1), l)
		fmt.Println(l.LayerBase().ClassName(), m.CountParams())
	}
	// Output:
	// SimpleRNN 6560
	// LSTM 26240
	// GRU 19920
}

// An Embedding with MaskZero makes the recurrent layer after it skip the
// padding (index 0).
func ExampleEmbedding() {
	keras.ClearSession()
	m := keras.NewSequential(
		layers.Embedding(26, 2, layers.MaskZero(true), layers.InputShape(4)),
		layers.SimpleRNN(10),
		layers.Dense(26, layers.Activation("softmax")))
	fmt.Println(m.CountParams()) // 26·2 + (2+10+1)·10 + 11·26
	// Output:
	// 468
}
