package keras_test

import (
	"testing"
	"time"

	"github.com/tensorgo/tensorgo/data"
	"github.com/tensorgo/tensorgo/datasets/mnist"
	"github.com/tensorgo/tensorgo/keras"
	"github.com/tensorgo/tensorgo/tensor"
)

// BenchmarkPipelineShareOfEpoch sets the input pipeline against the work it
// feeds, on real MNIST in one run: an epoch of shuffled (full buffer),
// prefetched batches of 32 iterated alone, and a training epoch of the seeds'
// MLP at batch 32 on in-memory tensors. It reports both times and the
// pipeline's share of the epoch. fit_dataset_ms/epoch is a training epoch fed
// by the pipeline itself (with the cast to float32 as a parallel map), whose
// excess over train_ms/epoch is what the pipeline really costs training.
func BenchmarkPipelineShareOfEpoch(b *testing.B) {
	xTrain, yTrain, _, _, err := mnist.LoadData()
	if err != nil {
		b.Fatal(err)
	}
	ds := data.FromTensorSlices(xTrain, yTrain).Shuffle(60000, 1, true).Batch(32, false).Prefetch(data.Autotune)
	xf := tensor.New(tensor.Float32, xTrain.Shape()...)
	if err := data.CastScaleInto(xf, xTrain, 1.0/255); err != nil {
		b.Fatal(err)
	}
	keras.ClearSession()
	tensor.SetSeed(0)
	m := mnistMLP()
	if err := m.Compile("adam", "sparse_categorical_crossentropy", keras.Metrics("accuracy")); err != nil {
		b.Fatal(err)
	}
	dsFit := data.FromTensorSlices(xTrain, yTrain).Shuffle(60000, 1, true).Batch(32, false).
		Map(data.CastScale(tensor.Float32, 1.0/255, 0), data.Autotune).Prefetch(data.Autotune)
	var pipe, train, fitDS time.Duration
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		start := time.Now()
		n := 0
		for e, err := range ds.All() {
			if err != nil {
				b.Fatal(err)
			}
			n += e[0].Dim(0)
		}
		pipe += time.Since(start)
		if n != 60000 {
			b.Fatalf("pipeline epoch gave %d images", n)
		}
		start = time.Now()
		if _, err := m.Fit(xf, yTrain, keras.Epochs(1), keras.Verbose(0)); err != nil {
			b.Fatal(err)
		}
		train += time.Since(start)
		start = time.Now()
		if _, err := m.Fit(dsFit, nil, keras.Epochs(1), keras.Verbose(0)); err != nil {
			b.Fatal(err)
		}
		fitDS += time.Since(start)
	}
	b.ReportMetric(pipe.Seconds()*1e3/float64(b.N), "pipeline_ms/epoch")
	b.ReportMetric(train.Seconds()*1e3/float64(b.N), "train_ms/epoch")
	b.ReportMetric(100*pipe.Seconds()/train.Seconds(), "pipeline_%")
	b.ReportMetric(fitDS.Seconds()*1e3/float64(b.N), "fit_dataset_ms/epoch")
}
