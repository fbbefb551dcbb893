//go:build mpi

package distribute_test

import (
	"flag"
	"math"
	"testing"

	"github.com/tensorgo/tensorgo"
	"github.com/tensorgo/tensorgo/data"
	"github.com/tensorgo/tensorgo/datasets/mnist"
	"github.com/tensorgo/tensorgo/keras"
	"github.com/tensorgo/tensorgo/keras/layers"
	"github.com/tensorgo/tensorgo/tensor"
)

var mnistRun = flag.Bool("dist.mnist", false, "run TestMNISTAccuracy (one MNIST epoch per rank and a one-process reference; needs the MNIST data)")

// modelBuilders are the networks TestMNISTAccuracy and BenchmarkTrainStep
// can train (-dist.model): each returns a fresh, uncompiled model taking
// (28, 28) float32 images and giving 10 class probabilities.
var modelBuilders = map[string]func() *keras.Model{
	// The MNIST CNN, as examples/mnist_cnn builds it.
	"cnn": func() *keras.Model {
		return keras.NewSequential(
			layers.Reshape([]int{28, 28, 1}, layers.InputShape(28, 28)),
			layers.Conv2D(32, []int{3, 3}, layers.Activation("relu")),
			layers.MaxPooling2D(layers.PoolSize(2, 2)),
			layers.Conv2D(64, []int{3, 3}, layers.Activation("relu")),
			layers.MaxPooling2D(layers.PoolSize(2, 2)),
			layers.Flatten(),
			layers.Dense(64, layers.Activation("relu")),
			layers.Dense(10, layers.Activation("softmax")),
		)
	},
	// The seeds' MNIST MLP, as examples/mnist builds it.
	"mlp": func() *keras.Model {
		return keras.NewSequential(
			layers.Flatten(layers.InputShape(28, 28)),
			layers.Dense(128, layers.Activation("relu")),
			layers.Dropout(0.2),
			layers.Dense(10, layers.Activation("softmax")),
		)
	},
}

var modelName = flag.String("dist.model", "mlp", "the network of TestMNISTAccuracy and BenchmarkTrainStep (a key of modelBuilders)")

// loadMNIST returns MNIST scaled to [0, 1].
func loadMNIST(t testing.TB) (xTrain, yTrain, xTest, yTest *tensor.Tensor) {
	xTrain, yTrain, xTest, yTest, err := mnist.LoadData()
	if err != nil {
		t.Fatal(err)
	}
	scale := func(x *tensor.Tensor) *tensor.Tensor {
		out := tensor.New(tensor.Float32, x.Shape()...)
		if err := data.CastScaleInto(out, x, 1.0/255); err != nil {
			t.Fatal(err)
		}
		return out
	}
	return scale(xTrain), yTrain, scale(xTest), yTest
}

// compiled builds the -dist.model network with seed and compiles it as
// examples/mnist does (Adam, sparse categorical cross-entropy, accuracy),
// data-parallel over r when r is not nil.
func compiled(t testing.TB, seed int64, r keras.Replicas) *keras.Model {
	build, ok := modelBuilders[*modelName]
	if !ok {
		t.Fatalf("-dist.model %q: no such model builder", *modelName)
	}
	tensor.SetSeed(seed)
	m := build()
	opts := []keras.CompileOption{keras.Metrics("accuracy")}
	if r != nil {
		opts = append(opts, keras.DataParallel(r))
	}
	if err := m.Compile("adam", "sparse_categorical_crossentropy", opts...); err != nil {
		t.Fatal(err)
	}
	return m
}

// The criterion: the ranks training the MNIST MLP for one epoch
// (per-rank batch 32) reach the test accuracy of one rank with the same
// global batch (32 times the ranks), within 0.3 points. Every rank trains
// the one-rank reference itself, on all the data, one thread each.
func TestMNISTAccuracy(t *testing.T) {
	if !*mnistRun {
		t.Skip("give -dist.mnist to train on MNIST")
	}
	tensorgo.SetNumThreads(1)
	const per = 32
	n := world.Size()
	xTrain, yTrain, xTest, yTest := loadMNIST(t)

	ref := compiled(t, 1, nil)
	if _, err := ref.Fit(xTrain, yTrain, keras.BatchSize(per*n), keras.Verbose(0)); err != nil {
		t.Fatal(err)
	}
	_, refM, err := ref.Evaluate(xTest, yTest, keras.Verbose(0))
	if err != nil {
		t.Fatal(err)
	}

	m := compiled(t, 1, world)
	if _, err := m.Fit(xTrain, yTrain, keras.BatchSize(per), keras.Verbose(2)); err != nil {
		t.Fatal(err)
	}
	_, gotM, err := m.Evaluate(xTest, yTest, keras.Verbose(0))
	if err != nil {
		t.Fatal(err)
	}
	got, want := gotM["accuracy"], refM["accuracy"]
	t.Logf("rank %d of %d: test accuracy %.4f on %d ranks (batch %d each), %.4f on one (batch %d)", world.Rank(), n, got, n, per, want, per*n)
	if math.Abs(got-want) > 0.003 {
		t.Errorf("test accuracy %.4f on %d ranks, %.4f on one rank with the same global batch: more than 0.3 points apart", got, n, want)
	}
}
