package layers_test

import (
	"math"
	"strings"
	"testing"

	"github.com/tensorgo/tensorgo/keras"
	"github.com/tensorgo/tensorgo/keras/layers"
	"github.com/tensorgo/tensorgo/tensor"
)

// In a compiled model, a stateful layer given batches of another size
// makes Fit return an error naming the sizes.
func TestStatefulModelWrongBatch(t *testing.T) {
	keras.ClearSession()
	m := keras.NewSequential(layers.LSTM(3, layers.Stateful(true), layers.BatchSize(4), layers.InputShape(5, 1)), layers.Dense(1))
	if err := m.Compile("adam", "mse"); err != nil {
		t.Fatal(err)
	}
	x, y := seq(8, 5, 1, 0), tensor.New(tensor.Float32, 8, 1)
	if _, err := m.Fit(x, y, keras.BatchSize(4), keras.Verbose(0), keras.Shuffle(false)); err != nil {
		t.Fatalf("batches of 4: %v", err)
	}
	_, err := m.Fit(x, y, keras.BatchSize(2), keras.Verbose(0))
	if err == nil || !strings.Contains(err.Error(), "(2, 5, 1)") || !strings.Contains(err.Error(), "(4, 5, 1)") {
		t.Errorf("batches of 2 for a stateful layer of 4: %v", err)
	}
}

// Embedding(mask_zero) → LSTM in a Sequential model: Predict on padded
// sequences gives what it gives on the unpadded ones.
func TestMaskZeroInAModel(t *testing.T) {
	keras.ClearSession()
	emb := layers.Embedding(10, 3, layers.MaskZero(true), layers.InputShape(4))
	m := keras.NewSequential(emb, layers.LSTM(2), layers.Dense(1))
	padded, err := m.Predict(tensor.FromSlice([]float32{0, 0, 4, 7, 0, 3, 3, 1}, 2, 4), keras.Verbose(0))
	if err != nil {
		t.Fatal(err)
	}
	keras.ClearSession()
	m2 := keras.NewSequential(layers.Embedding(10, 3, layers.InputShape(2)), layers.LSTM(2), layers.Dense(1))
	if _, err := m2.Predict(tensor.New(tensor.Float32, 1, 2), keras.Verbose(0)); err != nil {
		t.Fatal(err)
	}
	if err := m2.SetWeights(m.GetWeights()); err != nil {
		t.Fatal(err)
	}
	plain, err := m2.Predict(tensor.FromSlice([]float32{4, 7}, 1, 2), keras.Verbose(0))
	if err != nil {
		t.Fatal(err)
	}
	if math.Abs(padded.Float(0)-plain.Float(0)) > 1e-6 {
		t.Errorf("padded %v, unpadded %v", padded.Float(0), plain.Float(0))
	}
	if math.Abs(padded.Float(0)-padded.Float(1)) < 1e-9 {
		t.Errorf("two different sequences give the same prediction %v", padded)
	}
}
