package data_test

import (
	"sync"
	"testing"
	"time"

	"github.com/tensorgo/tensorgo/data"
	"github.com/tensorgo/tensorgo/datasets/mnist"
	"github.com/tensorgo/tensorgo/internal/gemm"
	"github.com/tensorgo/tensorgo/tensor"
)

var (
	mnistOnce    sync.Once
	mnistX       *tensor.Tensor
	mnistY       *tensor.Tensor
	mnistLoadErr error
)

func loadMNIST(b *testing.B) (*tensor.Tensor, *tensor.Tensor) {
	mnistOnce.Do(func() {
		mnistX, mnistY, _, _, mnistLoadErr = mnist.LoadData()
	})
	if mnistLoadErr != nil {
		b.Fatal(mnistLoadErr)
	}
	return mnistX, mnistY
}

// benchEpochs iterates ds b.N times (one epoch each) and reports the time
// per epoch and the samples per second.
func benchEpochs(b *testing.B, ds *data.Dataset, samples int) {
	b.ReportAllocs()
	b.ResetTimer()
	start := time.Now()
	for i := 0; i < b.N; i++ {
		n := 0
		for e, err := range ds.All() {
			if err != nil {
				b.Fatal(err)
			}
			n += e[0].Dim(0)
		}
		if n != samples {
			b.Fatalf("epoch saw %d samples", n)
		}
	}
	el := time.Since(start)
	b.ReportMetric(float64(el.Milliseconds())/float64(b.N), "ms/epoch")
	b.ReportMetric(float64(samples*b.N)/el.Seconds(), "samples/s")
}

// BenchmarkMNISTPipeline is the Keras user's input pipeline on MNIST:
// shuffle the 60000 images (full buffer, reshuffled every epoch), batches of
// 32, cast to float32 and divide by 255, prefetch.
func BenchmarkMNISTPipeline(b *testing.B) {
	x, y := loadMNIST(b)
	ds := data.FromTensorSlices(x, y).Shuffle(60000, 1, true).Batch(32, false).
		Map(data.CastScale(tensor.Float32, 1.0/255, 0)).Prefetch(data.Autotune)
	benchEpochs(b, ds, 60000)
}

// BenchmarkMNISTPipelineParallelMap is the same with the cast on every CPU.
func BenchmarkMNISTPipelineParallelMap(b *testing.B) {
	x, y := loadMNIST(b)
	ds := data.FromTensorSlices(x, y).Shuffle(60000, 1, true).Batch(32, false).
		Map(data.CastScale(tensor.Float32, 1.0/255, 0), data.Autotune).Prefetch(data.Autotune)
	benchEpochs(b, ds, 60000)
}

// BenchmarkMNISTShuffleBatch is shuffling and batching alone (uint8 batches).
func BenchmarkMNISTShuffleBatch(b *testing.B) {
	x, y := loadMNIST(b)
	ds := data.FromTensorSlices(x, y).Shuffle(60000, 1, true).Batch(32, false)
	benchEpochs(b, ds, 60000)
}

// BenchmarkMLPEpochMatmuls is the yardstick: the matrix products of one
// training epoch of the seeds' MNIST MLP (784-128-10, batch 32, 1875 steps:
// two forward products and three backward ones per step). A real epoch
// costs at least this much, so the pipeline's share of an epoch is at most
// its time over this one.
func BenchmarkMLPEpochMatmuls(b *testing.B) {
	const batch, in, hidden, out = 32, 784, 128, 10
	x := make([]float32, batch*in)
	w1 := make([]float32, in*hidden)
	h := make([]float32, batch*hidden)
	w2 := make([]float32, hidden*out)
	o := make([]float32, batch*out)
	dw1 := make([]float32, in*hidden)
	dw2 := make([]float32, hidden*out)
	dh := make([]float32, batch*hidden)
	for i := range x {
		x[i] = float32(i%255) / 255
	}
	for i := range w1 {
		w1[i] = float32(i%7) * 0.01
	}
	b.ResetTimer()
	start := time.Now()
	for i := 0; i < b.N; i++ {
		for step := 0; step < 60000/batch; step++ {
			gemm.Sgemm(false, false, batch, hidden, in, 1, x, in, w1, hidden, 0, h, hidden)
			gemm.Sgemm(false, false, batch, out, hidden, 1, h, hidden, w2, out, 0, o, out)
			gemm.Sgemm(true, false, hidden, out, batch, 1, h, hidden, o, out, 0, dw2, out)
			gemm.Sgemm(false, true, batch, hidden, out, 1, o, out, w2, out, 0, dh, hidden)
			gemm.Sgemm(true, false, in, hidden, batch, 1, x, in, dh, hidden, 0, dw1, hidden)
		}
	}
	el := time.Since(start)
	b.ReportMetric(float64(el.Milliseconds())/float64(b.N), "ms/epoch")
}

// BenchmarkMNISTPipelineCastInto is the allocation-free way for a training
// loop to consume MNIST: shuffled, prefetched uint8 batches, cast into one
// float32 input buffer that the loop keeps (data.CastScaleInto).
func BenchmarkMNISTPipelineCastInto(b *testing.B) {
	x, y := loadMNIST(b)
	ds := data.FromTensorSlices(x, y).Shuffle(60000, 1, true).Batch(32, false).Prefetch(data.Autotune)
	buf := tensor.New(tensor.Float32, 32, 28, 28)
	b.ReportAllocs()
	b.ResetTimer()
	start := time.Now()
	for i := 0; i < b.N; i++ {
		n := 0
		for e, err := range ds.All() {
			if err != nil {
				b.Fatal(err)
			}
			in := buf
			if k := e[0].Dim(0); k != 32 {
				in = tensor.New(tensor.Float32, k, 28, 28) // the last, short batch
			}
			if err := data.CastScaleInto(in, e[0], 1.0/255); err != nil {
				b.Fatal(err)
			}
			n += e[0].Dim(0)
		}
		if n != 60000 {
			b.Fatalf("epoch saw %d samples", n)
		}
	}
	el := time.Since(start)
	b.ReportMetric(float64(el.Milliseconds())/float64(b.N), "ms/epoch")
	b.ReportMetric(float64(60000*b.N)/el.Seconds(), "samples/s")
}

// BenchmarkMNISTGatherInto is the floor for a training loop that shuffles
// the in-memory MNIST tensors itself: one permutation per epoch, then each
// batch of 32 gathered, cast and scaled straight into a reused float32
// buffer (data.GatherInto).
func BenchmarkMNISTGatherInto(b *testing.B) {
	x, _ := loadMNIST(b)
	buf := tensor.New(tensor.Float32, 32, 28, 28)
	rng := tensor.NewRNG(1)
	b.ReportAllocs()
	b.ResetTimer()
	start := time.Now()
	for i := 0; i < b.N; i++ {
		perm := rng.Perm(60000)
		for lo := 0; lo+32 <= len(perm); lo += 32 {
			if err := data.GatherInto(buf, x, perm[lo:lo+32], 1.0/255); err != nil {
				b.Fatal(err)
			}
		}
	}
	el := time.Since(start)
	b.ReportMetric(float64(el.Milliseconds())/float64(b.N), "ms/epoch")
	b.ReportMetric(float64(60000*b.N)/el.Seconds(), "samples/s")
}
