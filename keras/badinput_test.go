package keras_test

import (
	"fmt"
	"math"
	"strings"
	"testing"

	"github.com/tensorgo/tensorgo/data"
	"github.com/tensorgo/tensorgo/keras"
	"github.com/tensorgo/tensorgo/keras/layers"
	"github.com/tensorgo/tensorgo/tensor"
	"github.com/tensorgo/tensorgo/tf"
)

// TestBadInputErrors feeds Fit, Evaluate and Predict the mistakes users
// make: each must return an error that says what is wrong, never panic or
// hang.
func TestBadInputErrors(t *testing.T) {
	x, y := blobs(30, 3)
	m := keras.NewSequential(layers.Dense(3, layers.Activation("softmax"), layers.InputShape(4)))
	if err := m.Compile("sgd", "sparse_categorical_crossentropy", keras.Metrics("accuracy")); err != nil {
		t.Fatal(err)
	}
	q := keras.Verbose(0)
	batches := func(x, y *tensor.Tensor) *data.Dataset { return data.FromTensorSlices(x, y).Batch(8, false) }
	cases := []struct {
		name, want string
		run        func() error
	}{
		{"predict rank 1", "expects (None, 4)", func() error { _, err := m.Predict(tensor.New(tensor.Float32, 30)); return err }},
		{"predict rank 3", "expects (None, 4)", func() error { _, err := m.Predict(tensor.New(tensor.Float32, 3, 4, 2)); return err }},
		{"predict empty", "no samples", func() error { _, err := m.Predict(tensor.New(tensor.Float32, 0, 4)); return err }},
		{"predict nil", "no input", func() error { _, err := m.Predict(nil); return err }},
		{"predict batch 0", "batch size", func() error { _, err := m.Predict(x, keras.BatchSize(0)); return err }},
		{"evaluate wrong width", "expects (None, 4)", func() error { _, _, err := m.Evaluate(tensor.New(tensor.Float32, 30, 5), y, q); return err }},
		{"evaluate empty", "no samples", func() error {
			_, _, err := m.Evaluate(tensor.New(tensor.Float32, 0, 4), tensor.New(tensor.Int64, 0), q)
			return err
		}},
		{"evaluate lengths", "different numbers of samples", func() error { _, _, err := m.Evaluate(x, tensor.New(tensor.Int64, 29), q); return err }},
		{"evaluate batch 0", "batch size", func() error { _, _, err := m.Evaluate(x, y, keras.BatchSize(0), q); return err }},
		{"fit empty", "no samples", func() error {
			_, err := m.Fit(tensor.New(tensor.Float32, 0, 4), tensor.New(tensor.Int64, 0), q)
			return err
		}},
		{"fit batch 0", "batch size", func() error { _, err := m.Fit(x, y, keras.BatchSize(0), q); return err }},
		{"fit negative epochs", "epochs", func() error { _, err := m.Fit(x, y, keras.Epochs(-1), q); return err }},
		{"fit negative label", "label -1 of sample 0 is out of range", func() error {
			b := y.Clone()
			b.Int64s()[0] = -1
			_, err := m.Fit(x, b, q)
			return err
		}},
		{"fit fractional float label", "label 1.5", func() error {
			yf := tensor.New(tensor.Float32, 30)
			yf.Float32s()[0] = 1.5
			_, err := m.Fit(x, yf, q)
			return err
		}},
		{"fit one-hot labels for sparse", "sparse labels must have shape", func() error { _, err := m.Fit(x, tensor.New(tensor.Int64, 30, 3), q); return err }},
		// float64, integer and uint8 inputs are cast to the model's dtype
		// (Keras); bool ones are not numbers.
		{"fit bool x", "bool", func() error { _, err := m.Fit(tensor.New(tensor.Bool, 30, 4), y, q); return err }},
		{"fit string x", "got string", func() error { _, err := m.Fit("abc", y, q); return err }},
		{"fit nil y", "no labels", func() error { _, err := m.Fit(x, nil, q); return err }},
		{"fit negative split", "ValidationSplit", func() error { _, err := m.Fit(x, y, keras.ValidationSplit(-0.1), q); return err }},
		{"fit split 1", "ValidationSplit", func() error { _, err := m.Fit(x, y, keras.ValidationSplit(1), q); return err }},
		{"fit validation freq 0", "ValidationFreq", func() error {
			_, err := m.Fit(x, y, keras.ValidationData(x, y), keras.ValidationFreq(0), q)
			return err
		}},
		{"fit negative initial epoch", "InitialEpoch", func() error { _, err := m.Fit(x, y, keras.InitialEpoch(-1), q); return err }},
		{"fit validation data shape", "validation data", func() error {
			_, err := m.Fit(x, y, keras.ValidationData(tensor.New(tensor.Float32, 5, 7), tensor.New(tensor.Int64, 5)), q)
			return err
		}},
		{"fit sample weights length", "29 sample weights for 30 samples", func() error {
			_, err := m.Fit(x, y, keras.SampleWeight(tensor.New(tensor.Float32, 29)), q)
			return err
		}},
		{"fit class weight of a class the model lacks", "class 7", func() error {
			_, err := m.Fit(x, y, keras.ClassWeight(map[int]float64{0: 1, 7: 2}), q)
			return err
		}},
		{"fit dataset with NaN features", "loss became NaN", func() error {
			nan := x.Clone()
			nan.Float32s()[3] = float32(math.NaN())
			fresh := keras.NewSequential(layers.Dense(3, layers.Activation("softmax"), layers.InputShape(4)))
			if err := fresh.Compile("sgd", "sparse_categorical_crossentropy"); err != nil {
				return err
			}
			_, err := fresh.Fit(batches(nan, y), nil, q)
			return err
		}},
		{"fit dataset wrong width", "expects (None, 4)", func() error { _, err := m.Fit(batches(tensor.New(tensor.Float32, 30, 5), y), nil, q); return err }},
		{"fit dataset label range", "out of range", func() error {
			b := y.Clone()
			b.Int64s()[20] = 5
			_, err := m.Fit(batches(x, b), nil, q)
			return err
		}},
		{"fit dataset without labels", "(x, y)", func() error { _, err := m.Fit(data.FromTensorSlices(x).Batch(8, false), nil, q); return err }},
		{"fit unbatched dataset", "batch the dataset", func() error { _, err := m.Fit(data.FromTensorSlices(x, y), nil, q); return err }},
		{"fit dataset and y", "y must be nil", func() error { _, err := m.Fit(batches(x, y), y, q); return err }},
		{"fit dataset with a validation split", "ValidationData", func() error {
			_, err := m.Fit(batches(x, y), nil, keras.ValidationSplit(0.2), q)
			return err
		}},
		{"fit dataset with class weights", "third component", func() error {
			_, err := m.Fit(batches(x, y), nil, keras.ClassWeight(map[int]float64{0: 2}), q)
			return err
		}},
		{"fit infinite dataset", "StepsPerEpoch", func() error { _, err := m.Fit(batches(x, y).Repeat(-1), nil, q); return err }},
		{"fit empty dataset", "empty", func() error { _, err := m.Fit(data.FromTensorSlices(x, y).Take(0).Batch(8, false), nil, q); return err }},
		{"evaluate infinite dataset", "infinite", func() error { _, _, err := m.Evaluate(batches(x, y).Repeat(-1), nil, q); return err }},
		{"predict infinite dataset", "infinite", func() error { _, err := m.Predict(data.FromTensorSlices(x).Batch(8, false).Repeat(-1)); return err }},
		{"predict dataset wrong width", "expects (None, 4)", func() error {
			_, err := m.Predict(data.FromTensorSlices(tensor.New(tensor.Float32, 30, 5)).Batch(8, false))
			return err
		}},
		{"evaluate before compile", "Compile", func() error {
			_, _, err := keras.NewSequential(layers.Dense(3)).Evaluate(x, y, q)
			return err
		}},
		{"compile nil optimizer", "no optimizer", func() error { return keras.NewSequential(layers.Dense(3)).Compile(nil, "mse") }},
		{"compile loss of a wrong type", "got int", func() error { return keras.NewSequential(layers.Dense(3)).Compile("sgd", 5) }},
	}
	// A two-input, two-output functional model.
	ina, inb := keras.Input(2), keras.Input(2)
	h := layers.Concatenate(-1).Apply(layers.Dense(4).Apply(ina), layers.Dense(4).Apply(inb))
	fn := keras.NewModel([]*tf.Tensor{ina, inb}, []*tf.Tensor{layers.Dense(3, layers.Activation("softmax")).Apply(h), layers.Dense(1).Apply(h)})
	a, s := tensor.New(tensor.Float32, 30, 2), tensor.New(tensor.Float32, 30, 1)
	cases = append(cases, []struct {
		name, want string
		run        func() error
	}{
		{"compile 3 losses for 2 outputs", "2 outputs but 3 losses", func() error { return fn.Compile("sgd", []any{"mse", "mse", "mse"}) }},
		{"compile 1 loss weight for 2 outputs", "2 outputs but 1 loss weights", func() error { return fn.Compile("sgd", "mse", keras.LossWeights(1)) }},
		{"one input for two", "2 inputs, got 1", func() error {
			if err := fn.Compile("sgd", []any{"sparse_categorical_crossentropy", "mse"}); err != nil {
				return nil
			}
			_, err := fn.Fit(a, []*tensor.Tensor{y, s}, q)
			return err
		}},
		{"one label array for two outputs", "2 outputs, got 1 label arrays", func() error { _, err := fn.Fit([]*tensor.Tensor{a, a}, y, q); return err }},
		{"inputs of different lengths", "x[1] has 29", func() error {
			_, err := fn.Fit([]*tensor.Tensor{a, tensor.New(tensor.Float32, 29, 2)}, []*tensor.Tensor{y, s}, q)
			return err
		}},
		{"predict with one input for two", "2 inputs, got 1", func() error { _, err := fn.Predict(a); return err }},
	}...)
	for _, c := range cases {
		err := func() (err error) {
			defer func() {
				if r := recover(); r != nil {
					err = fmt.Errorf("panic: %v", r)
				}
			}()
			return c.run()
		}()
		if err == nil || strings.HasPrefix(err.Error(), "panic") || !strings.Contains(err.Error(), c.want) {
			t.Errorf("%s: got %v, want an error containing %q", c.name, err, c.want)
		}
	}
}

// A dataset of unknown cardinality (after Filter) trains, and its progress
// bar says "Unknown" only until the first epoch has counted the steps.
func TestFitUnknownCardinality(t *testing.T) {
	x, y := blobs(30, 3)
	m := keras.NewSequential(layers.Dense(3, layers.Activation("softmax"), layers.InputShape(4)))
	if err := m.Compile("sgd", "sparse_categorical_crossentropy", keras.Metrics("accuracy")); err != nil {
		t.Fatal(err)
	}
	ds := data.FromTensorSlices(x, y).Filter(func(data.Element) (bool, error) { return true, nil }).Batch(8, false)
	var out strings.Builder
	h, err := m.Fit(ds, nil, keras.Epochs(2), keras.Verbose(2), keras.Output(&out))
	if err != nil {
		t.Fatal(err)
	}
	lines := strings.Split(strings.TrimSpace(out.String()), "\n")
	if len(h.Epoch) != 2 || len(lines) != 4 || !strings.HasPrefix(lines[1], "4/4 - ") || !strings.HasPrefix(lines[3], "4/4 - ") {
		t.Fatalf("epochs %v, output:\n%s", h.Epoch, out.String())
	}
}
