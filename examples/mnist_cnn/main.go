// Command mnist_cnn trains the seeds' convolutional MNIST network (note
// 001) the Keras way:
//
//	go run ./examples/mnist_cnn             # 2 epochs, about 0.988 test accuracy
//	go run ./examples/mnist_cnn -epochs 1 -threads 4 -json
//
// The network: Reshape to 28×28×1, Conv2D(32, 3×3, relu), MaxPooling2D
// 2×2, Conv2D(64, 3×3, relu), MaxPooling2D 2×2, Flatten, Dense(64, relu),
// Dense(10, softmax) — 121,930 parameters; Adam; sparse categorical
// cross-entropy; accuracy. It takes the flags of examples/mnist.
package main

import (
	"encoding/json"
	"flag"
	"fmt"
	"io"
	"os"
	"time"

	"github.com/tensorgo/tensorgo"
	"github.com/tensorgo/tensorgo/data"
	"github.com/tensorgo/tensorgo/datasets/mnist"
	"github.com/tensorgo/tensorgo/examples/internal/mlp"
	"github.com/tensorgo/tensorgo/keras"
	"github.com/tensorgo/tensorgo/keras/layers"
	"github.com/tensorgo/tensorgo/tensor"
)

func loadData() (xTrain, yTrain, xTest, yTest *tensor.Tensor, err error) {
	return mnist.LoadData()
}

func main() {
	c := mlp.Flags(flag.CommandLine, "mnist_cnn", 2)
	flag.Parse()
	c.LoadData, c.Out, c.Err = loadData, os.Stdout, os.Stderr
	if _, err := run(*c); err != nil {
		fmt.Fprintln(os.Stderr, "mnist_cnn:", err)
		os.Exit(1)
	}
}

// newModel is note 001's network.
func newModel() *keras.Model {
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
}

// epochTimer records how long each epoch takes.
type epochTimer struct {
	keras.CallbackBase
	start   time.Time
	seconds []float64
}

func (t *epochTimer) OnEpochBegin(int, keras.Logs) error {
	t.start = time.Now()
	return nil
}

func (t *epochTimer) OnEpochEnd(int, keras.Logs) error {
	t.seconds = append(t.seconds, time.Since(t.start).Seconds())
	return nil
}

// logs is where everything but the JSON line goes.
func logs(c *mlp.Config) io.Writer {
	if !c.JSON {
		return c.Out
	}
	if c.Err == nil {
		return io.Discard
	}
	return c.Err
}

// run loads the data, trains the network, evaluates it on the test set and
// reports what happened, as mlp.Run does for the dense network.
func run(c mlp.Config) (*mlp.Result, error) {
	if c.Threads > 0 {
		tensorgo.SetNumThreads(c.Threads)
	}
	tensor.SetSeed(c.Seed)
	xTrain, yTrain, xTest, yTest, err := c.LoadData()
	if err != nil {
		return nil, err
	}
	if xTrain, err = scale(xTrain); err != nil {
		return nil, err
	}
	if xTest, err = scale(xTest); err != nil {
		return nil, err
	}
	model := newModel()
	if err := model.Compile("adam", "sparse_categorical_crossentropy", keras.Metrics("accuracy")); err != nil {
		return nil, err
	}
	t := &epochTimer{}
	fitOpts := []keras.FitOption{keras.Epochs(c.Epochs), keras.BatchSize(c.Batch), keras.Verbose(c.Verbose), keras.Callbacks(t)}
	evalOpts := []keras.FitOption{keras.Verbose(2)}
	progress := c.Progress
	if progress == nil {
		progress = logs(&c)
	}
	if progress != nil {
		fitOpts = append(fitOpts, keras.Output(progress))
		evalOpts = append(evalOpts, keras.Output(progress))
	}
	history, err := model.Fit(xTrain, yTrain, fitOpts...)
	if err != nil {
		return nil, err
	}
	testLoss, metrics, err := model.Evaluate(xTest, yTest, evalOpts...)
	if err != nil {
		return nil, err
	}
	r := &mlp.Result{
		Workload: c.Name, Epochs: c.Epochs, Batch: c.Batch, Threads: tensorgo.NumThreads(), Seed: c.Seed,
		EpochSeconds: t.seconds, TrainLoss: history.History["loss"], TrainAccuracy: history.History["accuracy"],
		TestLoss: testLoss, TestAccuracy: metrics["accuracy"],
	}
	if c.SkipPrint || c.Out == nil {
		return r, nil
	}
	summary, err := model.SummaryString()
	if err != nil {
		return nil, err
	}
	fmt.Fprint(logs(&c), summary)
	fmt.Fprintf(logs(&c), "test accuracy: %.4f\n", r.TestAccuracy)
	if c.JSON {
		line, err := json.Marshal(r)
		if err != nil {
			return nil, err
		}
		fmt.Fprintln(c.Out, string(line))
	}
	return r, nil
}

// scale turns uint8 pixels into float32 values in [0, 1] (x / 255.0).
func scale(x *tensor.Tensor) (*tensor.Tensor, error) {
	out := tensor.New(tensor.Float32, x.Shape()...)
	if err := data.CastScaleInto(out, x, 1.0/255); err != nil {
		return nil, err
	}
	return out, nil
}
