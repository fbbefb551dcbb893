package keras_test

import (
	"testing"

	"github.com/tensorgo/tensorgo/datasets/iris"
	"github.com/tensorgo/tensorgo/datasets/mnist"
	"github.com/tensorgo/tensorgo/keras"
	"github.com/tensorgo/tensorgo/keras/layers"
	"github.com/tensorgo/tensorgo/keras/losses"
	"github.com/tensorgo/tensorgo/optimizers"
	"github.com/tensorgo/tensorgo/tensor"
)

func toFloat32(x *tensor.Tensor, scale float64) *tensor.Tensor {
	out := tensor.New(tensor.Float32, x.Shape()...)
	for i := 0; i < x.Size(); i++ {
		out.SetFloat(i, x.Float(i)*scale)
	}
	return out
}

// One epoch of the seeds' MLP on real MNIST reaches over 95% test accuracy.
func TestMNISTOneEpoch(t *testing.T) {
	if testing.Short() {
		t.Skip("trains on MNIST")
	}
	xTrain, yTrain, xTest, yTest, err := mnist.LoadData()
	if err != nil {
		t.Fatalf("loading MNIST: %v", err)
	}
	xTrain, xTest = toFloat32(xTrain, 1.0/255), toFloat32(xTest, 1.0/255)
	keras.ClearSession()
	tensor.SetSeed(0)
	m := mnistMLP()
	if err := m.Compile("adam", "sparse_categorical_crossentropy", keras.Metrics("accuracy")); err != nil {
		t.Fatal(err)
	}
	h, err := m.Fit(xTrain, yTrain, keras.Epochs(1), keras.Verbose(0))
	if err != nil {
		t.Fatal(err)
	}
	loss, ms, err := m.Evaluate(xTest, yTest, keras.Verbose(0))
	if err != nil {
		t.Fatal(err)
	}
	t.Logf("train loss %.4f accuracy %.4f; test loss %.4f accuracy %.4f", h.Last("loss"), h.Last("accuracy"), loss, ms["accuracy"])
	if ms["accuracy"] <= 0.95 || loss > 0.2 {
		t.Fatalf("after one epoch: test loss %v accuracy %v, want accuracy > 0.95", loss, ms["accuracy"])
	}
}

// The seed course's Iris network on its 120/30 split.
func TestIris(t *testing.T) {
	xTrain, yTrain, xTest, yTest := iris.SeedSplit()
	xTrain, xTest = toFloat32(xTrain, 1), toFloat32(xTest, 1)
	tensor.SetSeed(1)
	m := keras.NewSequential(layers.Dense(3, layers.Activation("softmax"), layers.InputShape(4)))
	if err := m.Compile(optimizers.NewSGD(0.1), losses.SparseCategoricalCrossentropy(false), keras.Metrics("sparse_categorical_accuracy")); err != nil {
		t.Fatal(err)
	}
	if _, err := m.Fit(xTrain, yTrain, keras.Epochs(500), keras.Shuffle(false), keras.Verbose(0)); err != nil {
		t.Fatal(err)
	}
	_, ms, err := m.Evaluate(xTest, yTest, keras.Verbose(0))
	if err != nil {
		t.Fatal(err)
	}
	if acc := ms["sparse_categorical_accuracy"]; acc < 0.9 {
		t.Fatalf("iris test accuracy %v, want >= 0.9", acc)
	}
}
