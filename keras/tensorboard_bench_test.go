package keras_test

import (
	"path/filepath"
	"testing"
	"time"

	"github.com/tensorgo/tensorgo/keras"
	"github.com/tensorgo/tensorgo/tensor"
)

// BenchmarkTensorBoardEveryStep is the cost of batch summaries: each
// iteration trains the seeds' MNIST MLP for one epoch of 60,000
// MNIST-shaped images at batch 32 (1,875 steps) without callbacks, then one
// with a TensorBoard callback writing scalar summaries after every step
// (UpdateFreq 1: batch_loss and batch_accuracy), and reports both epoch
// times and the overhead in percent. The aim is an overhead under 5%.
func BenchmarkTensorBoardEveryStep(b *testing.B) {
	const n = 60000
	x := tensor.RandomUniform(tensor.Float32, tensor.Shape{n, 28, 28}, 0, 1, 2)
	y := tensor.New(tensor.Int64, n)
	for i := range y.Int64s() {
		y.Int64s()[i] = int64(i % 10)
	}
	m := mnistMLP()
	if err := m.Compile("adam", "sparse_categorical_crossentropy", keras.Metrics("accuracy")); err != nil {
		b.Fatal(err)
	}
	fit := func(cbs ...keras.Callback) time.Duration {
		start := time.Now()
		if _, err := m.Fit(x, y, keras.Epochs(1), keras.BatchSize(32), keras.Verbose(0), keras.Callbacks(cbs...)); err != nil {
			b.Fatal(err)
		}
		return time.Since(start)
	}
	fit() // compile the step and warm up
	dir := b.TempDir()
	var plain, withTB time.Duration
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		plain += fit()
		tb := &keras.TensorBoard{LogDir: filepath.Join(dir, "run"), UpdateFreq: keras.UpdateBatch}
		withTB += fit(tb)
	}
	b.ReportMetric(plain.Seconds()/float64(b.N), "plain-s/epoch")
	b.ReportMetric(withTB.Seconds()/float64(b.N), "summaries-s/epoch")
	b.ReportMetric(100*(withTB.Seconds()-plain.Seconds())/plain.Seconds(), "overhead-%")
}
