// Command fashion_mnist trains the seeds' MLP on Fashion-MNIST (clothing
// images in 10 classes, the same shapes as MNIST): Flatten, Dense(128,
// relu), Dropout(0.2), Dense(10, softmax); Adam; sparse categorical
// cross-entropy.
//
//	go run ./examples/fashion_mnist          # 10 epochs, about 0.88 test accuracy
package main

import (
	"encoding/json"
	"flag"
	"fmt"
	"os"
	"time"

	"github.com/tensorgo/tensorgo"
	"github.com/tensorgo/tensorgo/datasets/fashionmnist"
	"github.com/tensorgo/tensorgo/keras"
	"github.com/tensorgo/tensorgo/keras/layers"
	"github.com/tensorgo/tensorgo/tensor"
)

func main() {
	epochs := flag.Int("epochs", 10, "training epochs")
	batch := flag.Int("batch", 32, "batch size")
	threads := flag.Int("threads", 0, "threads for the kernels (0: all cores)")
	seed := flag.Int64("seed", 0, "random seed (weights, shuffling, dropout)")
	jsonOut := flag.Bool("json", false, "print a JSON line with the results")
	verbose := flag.Int("verbose", 1, "Keras verbosity: 0 silent, 1 progress bar, 2 one line per epoch")
	flag.Parse()
	if err := run(*epochs, *batch, *threads, *seed, *verbose, *jsonOut); err != nil {
		fmt.Fprintln(os.Stderr, "fashion_mnist:", err)
		os.Exit(1)
	}
}

// scale turns uint8 pixels into float32 values in [0, 1] (x / 255.0).
func scale(x *tensor.Tensor) *tensor.Tensor {
	out := tensor.New(tensor.Float32, x.Shape()...)
	dst := out.Float32s()
	for i, v := range x.Uint8s() {
		dst[i] = float32(v) / 255
	}
	return out
}

// timer records how long each epoch takes.
type timer struct {
	keras.CallbackBase
	start   time.Time
	seconds []float64
}

func (t *timer) OnEpochBegin(int, keras.Logs) { t.start = time.Now() }
func (t *timer) OnEpochEnd(int, keras.Logs) {
	t.seconds = append(t.seconds, time.Since(t.start).Seconds())
}

func run(epochs, batch, threads int, seed int64, verbose int, jsonOut bool) error {
	if threads > 0 {
		tensorgo.SetNumThreads(threads)
	}
	tensor.SetSeed(seed)

	// Data: 60,000 training and 10,000 test images, scaled to [0, 1].
	xTrain, yTrain, xTest, yTest, err := fashionmnist.LoadData()
	if err != nil {
		return err
	}
	xTrain, xTest = scale(xTrain), scale(xTest)

	// The model, layer by layer.
	model := keras.NewSequential(
		layers.Flatten(layers.InputShape(28, 28)),
		layers.Dense(128, layers.Activation("relu")),
		layers.Dropout(0.2),
		layers.Dense(10, layers.Activation("softmax")),
	)

	// How to train it.
	if err := model.Compile("adam", "sparse_categorical_crossentropy", keras.Metrics("accuracy")); err != nil {
		return err
	}

	// Train.
	t := &timer{}
	history, err := model.Fit(xTrain, yTrain, keras.Epochs(epochs), keras.BatchSize(batch),
		keras.Verbose(verbose), keras.Callbacks(t))
	if err != nil {
		return err
	}
	testLoss, metrics, err := model.Evaluate(xTest, yTest, keras.Verbose(2))
	if err != nil {
		return err
	}

	// The network and its parameters.
	if err := model.Summary(); err != nil {
		return err
	}
	fmt.Printf("test accuracy: %.4f\n", metrics["accuracy"])
	if jsonOut {
		line, err := json.Marshal(map[string]any{
			"workload":       "fashion_mnist_mlp",
			"epochs":         epochs,
			"batch":          batch,
			"threads":        tensorgo.NumThreads(),
			"seed":           seed,
			"epoch_seconds":  t.seconds,
			"train_loss":     history.History["loss"],
			"train_accuracy": history.History["accuracy"],
			"test_loss":      testLoss,
			"test_accuracy":  metrics["accuracy"],
		})
		if err != nil {
			return err
		}
		fmt.Println(string(line))
	}
	return nil
}
