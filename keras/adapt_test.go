package keras_test

import (
	"math"
	"strings"
	"testing"

	"github.com/tensorgo/tensorgo/data"
	"github.com/tensorgo/tensorgo/keras"
	"github.com/tensorgo/tensorgo/keras/layers"
	"github.com/tensorgo/tensorgo/tensor"
)

// ValidationSplit(f) trains on the first floor(n*(1-f)) rows and validates
// on the rest, as Keras's train_validation_split: 10 rows at 0.25 give
// split_at = floor(7.5) = 7, so the last 3 rows validate (not 2).
func TestValidationSplitAsKeras(t *testing.T) {
	x, y := blobs(10, 5)
	m := smallModel(t, 0.1)
	h, err := m.Fit(x, y, keras.Epochs(1), keras.Verbose(0), keras.ValidationSplit(0.25), keras.Shuffle(false))
	if err != nil {
		t.Fatal(err)
	}
	xv := tensor.Slice(x, []int{7, 0}, []int{3, -1})
	yv := tensor.Slice(y, []int{7}, []int{3})
	loss, _, err := m.Evaluate(xv, yv, keras.Verbose(0))
	if err != nil {
		t.Fatal(err)
	}
	if got := h.Last("val_loss"); math.Abs(got-loss) > 1e-6 {
		t.Fatalf("val_loss %v, but the loss on the last 3 rows is %v", got, loss)
	}
	// Either side empty is an error: floor(1*(1-0.5)) = 0 rows to train,
	// floor(30*(1-1e-17)) = 30 rows to train and none to validate.
	for _, c := range []struct {
		n int
		f float64
	}{{1, 0.5}, {30, 1e-17}} {
		x, y := blobs(c.n, 1)
		_, err := m.Fit(x, y, keras.Verbose(0), keras.ValidationSplit(c.f))
		if err == nil || !strings.Contains(err.Error(), "not sufficient to split") {
			t.Errorf("%d rows, ValidationSplit(%v): %v", c.n, c.f, err)
		}
	}
}

// castTo returns x's values in dtype dt.
func castTo(x *tensor.Tensor, dt tensor.DType) *tensor.Tensor { return tensor.Cast(x, dt) }

// Fit, Evaluate and Predict cast float64, int32, int64 and uint8 inputs to a
// float32 model's dtype, as Keras does: the results are those of the same
// values given as float32. Sparse labels keep their integer dtype.
func TestInputDTypesAreCast(t *testing.T) {
	x, y := blobs(60, 3)
	// Integer-valued features, so that every dtype holds them exactly.
	xi := tensor.New(tensor.Float32, x.Shape()...)
	for i := 0; i < x.Size(); i++ {
		xi.SetFloat(i, math.Round(math.Abs(x.Float(i))*10))
	}
	m := keras.NewSequential(layers.Dense(3, layers.Activation("softmax"), layers.InputShape(4)))
	if err := m.Compile("sgd", "sparse_categorical_crossentropy", keras.Metrics("accuracy")); err != nil {
		t.Fatal(err)
	}
	w0 := m.GetWeights()
	wantLoss, wantMs, err := m.Evaluate(xi, y, keras.Verbose(0))
	if err != nil {
		t.Fatal(err)
	}
	want, err := m.Predict(xi, keras.Verbose(0))
	if err != nil {
		t.Fatal(err)
	}
	if _, err := m.Fit(xi, y, keras.Epochs(2), keras.Shuffle(false), keras.Verbose(0)); err != nil {
		t.Fatal(err)
	}
	wantTrained := m.GetWeights()
	for _, dt := range []tensor.DType{tensor.Float64, tensor.Int32, tensor.Int64, tensor.Uint8} {
		xc := castTo(xi, dt)
		if err := m.SetWeights(w0); err != nil {
			t.Fatal(err)
		}
		loss, ms, err := m.Evaluate(xc, y, keras.Verbose(0))
		if err != nil || loss != wantLoss || ms["accuracy"] != wantMs["accuracy"] {
			t.Fatalf("%v: Evaluate %v %v (%v), want %v %v", dt, loss, ms, err, wantLoss, wantMs)
		}
		p, err := m.Predict(xc, keras.Verbose(0))
		if err != nil {
			t.Fatal(err)
		}
		sameWeights(t, []*tensor.Tensor{p}, []*tensor.Tensor{want}, dt.String()+" Predict")
		pd, err := m.Predict(data.FromTensorSlices(xc).Batch(16, false), keras.Verbose(0))
		if err != nil {
			t.Fatal(err)
		}
		sameWeights(t, []*tensor.Tensor{pd}, []*tensor.Tensor{want}, dt.String()+" Predict on a Dataset")
		if _, err := m.Fit(xc, y, keras.Epochs(2), keras.Shuffle(false), keras.Verbose(0)); err != nil {
			t.Fatal(err)
		}
		sameWeights(t, m.GetWeights(), wantTrained, dt.String()+" Fit")
		if err := m.SetWeights(w0); err != nil {
			t.Fatal(err)
		}
		if _, err := m.Fit(data.FromTensorSlices(xc, y).Batch(32, false), nil, keras.Epochs(2), keras.Verbose(0)); err != nil {
			t.Fatal(err)
		}
		sameWeights(t, m.GetWeights(), wantTrained, dt.String()+" Fit on a Dataset")
	}
	// A model built from uint8 data is a float32 model (Keras's floatx).
	u := keras.NewSequential(layers.Dense(3, layers.Activation("softmax")))
	if err := u.Compile("sgd", "sparse_categorical_crossentropy"); err != nil {
		t.Fatal(err)
	}
	if _, err := u.Fit(castTo(xi, tensor.Uint8), castTo(y, tensor.Uint8), keras.Verbose(0)); err != nil {
		t.Fatal(err)
	}
	if dt := u.Inputs()[0].DType(); dt != tensor.Float32 {
		t.Fatalf("model built from uint8 data has a %v input", dt)
	}
}

// Labels for a non-sparse loss are cast to the output's dtype (Keras's
// losses cast y_true to y_pred's): float64 and int targets train a float32
// model as float32 ones do.
func TestLabelDTypesAreCast(t *testing.T) {
	x, _ := blobs(40, 4)
	target := tensor.New(tensor.Float32, 40, 1)
	for i := 0; i < 40; i++ {
		target.SetFloat(i, math.Round(x.At(i, 0)))
	}
	m := keras.NewSequential(layers.Dense(1, layers.InputShape(4)))
	if err := m.Compile("sgd", "mse", keras.Metrics("mae")); err != nil {
		t.Fatal(err)
	}
	wantLoss, wantMs, err := m.Evaluate(x, target, keras.Verbose(0))
	if err != nil {
		t.Fatal(err)
	}
	for _, dt := range []tensor.DType{tensor.Float64, tensor.Int64} {
		loss, ms, err := m.Evaluate(x, castTo(target, dt), keras.Verbose(0))
		if err != nil || loss != wantLoss || ms["mae"] != wantMs["mae"] {
			t.Fatalf("%v labels: %v %v (%v), want %v %v", dt, loss, ms, err, wantLoss, wantMs)
		}
	}
}

// Keras splits the sample weights with x and y and applies class weights
// to the training rows only: with every class weighted 2, val_loss is the
// unweighted loss of the last rows, and loss the weighted (doubled) one.
func TestValidationSplitLeavesClassWeightsToTraining(t *testing.T) {
	x, y := blobs(40, 6)
	m := smallModel(t, 0.1)
	two := map[int]float64{0: 2, 1: 2, 2: 2}
	// One batch of the 30 training rows: its loss is computed before the
	// update, with the initial weights.
	train, _, err := m.Evaluate(tensor.Slice(x, []int{0, 0}, []int{30, -1}), tensor.Slice(y, []int{0}, []int{30}), keras.Verbose(0))
	if err != nil {
		t.Fatal(err)
	}
	h, err := m.Fit(x, y, keras.Epochs(1), keras.BatchSize(32), keras.Verbose(0), keras.ValidationSplit(0.25), keras.ClassWeight(two))
	if err != nil {
		t.Fatal(err)
	}
	val, _, err := m.Evaluate(tensor.Slice(x, []int{30, 0}, []int{10, -1}), tensor.Slice(y, []int{30}, []int{10}), keras.Verbose(0))
	if err != nil {
		t.Fatal(err)
	}
	if got := h.Last("val_loss"); math.Abs(got-val) > 1e-6 {
		t.Errorf("val_loss %v, want the unweighted %v", got, val)
	}
	if got := h.Last("loss"); math.Abs(got-2*train) > 1e-5 {
		t.Errorf("loss %v, want twice the unweighted %v", got, train)
	}
}
