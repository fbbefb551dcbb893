package keras_test

import (
	"math"
	"testing"

	"github.com/tensorgo/tensorgo/data"
	"github.com/tensorgo/tensorgo/keras"
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
