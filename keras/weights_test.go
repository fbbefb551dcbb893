package keras_test

import (
	"math"
	"testing"

	"github.com/tensorgo/tensorgo/data"
	"github.com/tensorgo/tensorgo/keras"
	"github.com/tensorgo/tensorgo/keras/layers"
	"github.com/tensorgo/tensorgo/tensor"
)

// weightedCE is the weighted sparse cross-entropy by a direct loop:
// sum_i w_i * -log p[i, y_i] / n (Keras's sum_over_batch_size, batches
// averaged by their sizes).
func weightedCE(p, y *tensor.Tensor, w []float64) float64 {
	n, k := p.Dim(0), p.Dim(1)
	s := 0.0
	for i := 0; i < n; i++ {
		s += w[i] * -math.Log(p.Float(i*k+int(y.Float(i))))
	}
	return s / float64(n)
}

// Sample weights of shape (n,) weight each sample's loss; Evaluate and a
// Dataset's third component give the same weighted loss.
func TestSampleWeightsPerSample(t *testing.T) {
	x, y := blobs(50, 8)
	m := smallModel(t, 0.1)
	w := tensor.New(tensor.Float32, 50)
	wf := make([]float64, 50)
	for i := range wf {
		wf[i] = float64(i%5) * 0.5
		w.SetFloat(i, wf[i])
	}
	p, err := m.Predict(x, keras.Verbose(0))
	if err != nil {
		t.Fatal(err)
	}
	want := weightedCE(p, y, wf)
	loss, _, err := m.Evaluate(x, y, keras.SampleWeight(w), keras.BatchSize(16), keras.Verbose(0))
	if err != nil || math.Abs(loss-want) > 1e-5*want {
		t.Fatalf("weighted loss %v (%v), want %v", loss, err, want)
	}
	loss, _, err = m.Evaluate(data.FromTensorSlices(x, y, w).Batch(16, false), nil, keras.Verbose(0))
	if err != nil || math.Abs(loss-want) > 1e-5*want {
		t.Fatalf("weighted loss from a Dataset %v (%v), want %v", loss, err, want)
	}
}

// Sample weights of shape (n, 1) are fed with their shape (rows batched as
// x and y) and weight each sample as (n,) ones do.
func TestSampleWeightsColumn(t *testing.T) {
	x, y := blobs(50, 8)
	m := smallModel(t, 0.1)
	w := tensor.New(tensor.Float32, 50, 1)
	wf := make([]float64, 50)
	for i := range wf {
		wf[i] = float64(i%4) * 0.25
		w.SetFloat(i, wf[i])
	}
	p, err := m.Predict(x, keras.Verbose(0))
	if err != nil {
		t.Fatal(err)
	}
	want := weightedCE(p, y, wf)
	loss, _, err := m.Evaluate(x, y, keras.SampleWeight(w), keras.BatchSize(16), keras.Verbose(0))
	if err != nil || math.Abs(loss-want) > 1e-5*want {
		t.Fatalf("weighted loss with (n, 1) weights %v (%v), want %v", loss, err, want)
	}
}

// Sample weights of shape (n, T) weight each time step of a sequence
// output (n, T, k): the loss is sum over samples and steps of w * CE,
// divided by n*T (Keras's sum_over_batch_size over the unreduced losses).
func TestSampleWeightsPerTimeStep(t *testing.T) {
	const n, steps = 12, 3
	x, y := blobs(n*steps, 4)
	xs := x.Reshape(n, steps, 4)
	ys := y.Reshape(n, steps)
	m := keras.NewSequential(layers.Dense(3, layers.Activation("softmax"), layers.InputShape(steps, 4)))
	if err := m.Compile("sgd", "sparse_categorical_crossentropy"); err != nil {
		t.Fatal(err)
	}
	w := tensor.New(tensor.Float32, n, steps)
	wf := make([]float64, n*steps)
	for i := range wf {
		wf[i] = float64(i%3) * 0.5
		w.SetFloat(i, wf[i])
	}
	p, err := m.Predict(xs, keras.Verbose(0))
	if err != nil {
		t.Fatal(err)
	}
	want := weightedCE(p.Reshape(n*steps, 3), y, wf)
	loss, _, err := m.Evaluate(xs, ys, keras.SampleWeight(w), keras.BatchSize(5), keras.Verbose(0))
	if err != nil || math.Abs(loss-want) > 1e-5*want {
		t.Fatalf("loss with (n, T) weights %v (%v), want %v", loss, err, want)
	}
}
