package keras

import (
	"io"
	"slices"
	"testing"
	"time"

	"github.com/tensorgo/tensorgo/keras/layers"
	"github.com/tensorgo/tensorgo/tensor"
)

// benchModel is the seeds' MNIST MLP, compiled, with one batch of random
// data and its compiled training step.
func benchModel(b *testing.B, size int) (*Model, *runner, *batch) {
	tensor.SetSeed(1)
	m := NewSequential(
		layers.Flatten(layers.InputShape(28, 28)),
		layers.Dense(128, layers.Activation("relu")),
		layers.Dropout(0.2),
		layers.Dense(10, layers.Activation("softmax")),
	)
	if err := m.Compile("adam", "sparse_categorical_crossentropy", Metrics("accuracy")); err != nil {
		b.Fatal(err)
	}
	x := tensor.RandomUniform(tensor.Float32, tensor.Shape{size, 28, 28}, 0, 1, 2)
	y := tensor.New(tensor.Int64, size)
	for i := range y.Int64s() {
		y.Int64s()[i] = int64(i % 10)
	}
	st, err := m.getStep(true, []*tensor.Tensor{y}, nil)
	if err != nil {
		b.Fatal(err)
	}
	return m, m.newRunner(st, nil), &batch{xs: []*tensor.Tensor{x}, ys: []*tensor.Tensor{y}}
}

// BenchmarkTrainStep is one steady-state training step of the MNIST MLP at
// batch 32 (forward, loss, gradients, Adam, metrics): allocs/op is the
// number of allocations per step.
func BenchmarkTrainStep(b *testing.B) {
	_, r, bt := benchModel(b, 32)
	for i := 0; i < 3; i++ { // compile the plan, warm up
		if err := r.run(bt); err != nil {
			b.Fatal(err)
		}
	}
	b.ReportAllocs()
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		if err := r.run(bt); err != nil {
			b.Fatal(err)
		}
	}
	b.ReportMetric(float64(b.Elapsed().Microseconds())/float64(b.N), "us/step")
	b.ReportMetric(float64(b.Elapsed().Seconds())/float64(b.N)*1875, "s/epoch")
}

// BenchmarkPredict is Predict over 10,000 MNIST-shaped images at batch 1000
// (the PyTorch anchor's setting): img/s.
func BenchmarkPredict(b *testing.B) {
	m, _, _ := benchModel(b, 32)
	benchPredict(b, m)
}

// BenchmarkPredictCNN is Predict over 10,000 MNIST-shaped images at batch
// 1000 with note 001's CNN (w7_infer.py's cnn variants): img/s.
func BenchmarkPredictCNN(b *testing.B) {
	tensor.SetSeed(1)
	m := NewSequential(
		layers.Reshape([]int{28, 28, 1}, layers.InputShape(28, 28)),
		layers.Conv2D(32, []int{3, 3}, layers.Activation("relu")),
		layers.MaxPooling2D(layers.PoolSize(2, 2)),
		layers.Conv2D(64, []int{3, 3}, layers.Activation("relu")),
		layers.MaxPooling2D(layers.PoolSize(2, 2)),
		layers.Flatten(),
		layers.Dense(64, layers.Activation("relu")),
		layers.Dense(10, layers.Activation("softmax")),
	)
	if err := m.Compile("adam", "sparse_categorical_crossentropy", Metrics("accuracy")); err != nil {
		b.Fatal(err)
	}
	benchPredict(b, m)
}

// benchPredict times m.Predict over 10,000 MNIST-shaped images at batch
// 1000 and reports img/s.
func benchPredict(b *testing.B, m *Model) {
	x := tensor.RandomUniform(tensor.Float32, tensor.Shape{10000, 28, 28}, 0, 1, 3)
	if _, err := m.Predict(x, BatchSize(1000), Verbose(0)); err != nil {
		b.Fatal(err)
	}
	times := make([]time.Duration, 0, 1024)
	b.ReportAllocs()
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		t0 := time.Now()
		if _, err := m.Predict(x, BatchSize(1000), Verbose(0)); err != nil {
			b.Fatal(err)
		}
		if len(times) < cap(times) {
			times = append(times, time.Since(t0))
		}
	}
	b.ReportMetric(float64(10000*b.N)/b.Elapsed().Seconds(), "img/s")
	// The median pass too, as w7_infer.py reports.
	slices.Sort(times)
	b.ReportMetric(10000/times[len(times)/2].Seconds(), "median-img/s")
}

// BenchmarkFitEpoch is one epoch of Fit on 60,000 MNIST-shaped samples at
// batch 32 (1,875 steps): everything Fit does per step (batch copies,
// metrics, logs, callbacks), silent.
func BenchmarkFitEpoch(b *testing.B) {
	m, _, _ := benchModel(b, 32)
	n := 60000
	x := tensor.New(tensor.Float32, n, 28, 28)
	xs := x.Float32s()
	for i := range xs {
		xs[i] = float32(i%255) / 255
	}
	y := tensor.New(tensor.Int64, n)
	for i := range y.Int64s() {
		y.Int64s()[i] = int64(i % 10)
	}
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		if _, err := m.Fit(x, y, Verbose(0)); err != nil {
			b.Fatal(err)
		}
	}
	b.ReportMetric(b.Elapsed().Seconds()/float64(b.N), "s/epoch")
}

// A steady-state training step allocates (almost) nothing.
func TestTrainStepAllocations(t *testing.T) {
	tensor.SetSeed(1)
	m := NewSequential(
		layers.Flatten(layers.InputShape(28, 28)),
		layers.Dense(128, layers.Activation("relu")),
		layers.Dropout(0.2),
		layers.Dense(10, layers.Activation("softmax")),
	)
	if err := m.Compile("adam", "sparse_categorical_crossentropy", Metrics("accuracy")); err != nil {
		t.Fatal(err)
	}
	x := tensor.RandomUniform(tensor.Float32, tensor.Shape{32, 28, 28}, 0, 1, 2)
	y := tensor.New(tensor.Int64, 32)
	st, err := m.getStep(true, []*tensor.Tensor{y}, nil)
	if err != nil {
		t.Fatal(err)
	}
	r := m.newRunner(st, nil)
	bt := &batch{xs: []*tensor.Tensor{x}, ys: []*tensor.Tensor{y}}
	if err := r.run(bt); err != nil {
		t.Fatal(err)
	}
	allocs := testing.AllocsPerRun(50, func() {
		if err := r.run(bt); err != nil {
			t.Fatal(err)
		}
	})
	if allocs > 50 {
		t.Fatalf("%v allocations per training step, want <= 50", allocs)
	}
	// Fit's batches come from a source: taking a shuffled batch from
	// arrays (copying its rows) adds no allocation to the step.
	n := 100
	xa := tensor.RandomUniform(tensor.Float32, tensor.Shape{n, 28, 28}, 0, 1, 3)
	ya := tensor.New(tensor.Int64, n)
	src := m.arraySource(&arrays{xs: []*tensor.Tensor{xa}, ys: []*tensor.Tensor{ya}, n: n}, 32, true)
	step := func() {
		b, err := src.next()
		if err == io.EOF {
			if err := src.reset(); err != nil {
				t.Fatal(err)
			}
			b, err = src.next()
		}
		if err != nil {
			t.Fatal(err)
		}
		if b.xs[0].Dim(0) != 32 { // the partial last batch has its own plan
			return
		}
		if err := r.run(b); err != nil {
			t.Fatal(err)
		}
	}
	step()
	if withSource := testing.AllocsPerRun(50, step); withSource > allocs && !raceEnabled {
		t.Fatalf("%v allocations per step fed by an array source, %v without it", withSource, allocs)
	}
}
