package keras_test

import (
	"testing"

	"github.com/tensorgo/tensorgo/keras"
	"github.com/tensorgo/tensorgo/keras/layers"
	"github.com/tensorgo/tensorgo/optimizers"
	"github.com/tensorgo/tensorgo/tensor"
)

// Compile on a built model builds the optimizer, so its slots exist before
// the first step (a checkpoint can be restored into them).
func TestCompileBuildsOptimizerSlots(t *testing.T) {
	m := keras.NewSequential(layers.Dense(3, layers.InputShape(4)), layers.Dense(2))
	opt := optimizers.NewAdam(0.01)
	if err := m.Compile(opt, "mse"); err != nil {
		t.Fatal(err)
	}
	for _, v := range m.TrainableWeights() {
		s := opt.Slots(v)
		if len(s) != 2 || s[0].Name != "momentum" || s[1].Name != "velocity" {
			t.Fatalf("slots of %s before Fit: %+v", v.Name(), s)
		}
	}
}

// With UseEMA, Fit ends by copying each weight's moving average into it, as
// Keras's finalize_variable_values does.
func TestFitFinalizesEMA(t *testing.T) {
	m := keras.NewSequential(layers.Dense(1, layers.InputShape(2)))
	opt := optimizers.NewSGD(0.1, optimizers.UseEMA(true), optimizers.EMAMomentum(0.9))
	if err := m.Compile(opt, "mse"); err != nil {
		t.Fatal(err)
	}
	x := tensor.FromSlice([]float32{1, 2, 3, 4, 5, 6, 7, 8}, 4, 2)
	y := tensor.FromSlice([]float32{1, 0, 1, 0}, 4, 1)
	var before []*tensor.Tensor
	cb := &keras.LambdaCallback{OnTrainEndFn: func(keras.Logs) error {
		for _, v := range m.TrainableWeights() {
			before = append(before, opt.Slots(v)[0].Variable.Value().Clone())
		}
		return nil
	}}
	if _, err := m.Fit(x, y, keras.Epochs(3), keras.BatchSize(2), keras.Verbose(0), keras.Callbacks(cb)); err != nil {
		t.Fatal(err)
	}
	for i, v := range m.TrainableWeights() {
		if got, want := v.Value().String(), before[i].String(); got != want {
			t.Fatalf("%s after Fit = %s, its moving average was %s", v.Name(), got, want)
		}
	}
}
