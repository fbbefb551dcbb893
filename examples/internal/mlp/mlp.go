// Package mlp is the seeds' MNIST network as the mnist and fashion_mnist
// examples run it: Flatten, Dense(128, relu), Dropout(0.2), Dense(10,
// softmax); Adam; sparse categorical cross-entropy; accuracy — the Keras six
// steps (import, data, Sequential, compile, fit, summary).
package mlp

import (
	"encoding/json"
	"flag"
	"fmt"
	"io"
	"time"

	"github.com/tensorgo/tensorgo"
	"github.com/tensorgo/tensorgo/data"
	"github.com/tensorgo/tensorgo/examples/internal/prof"
	"github.com/tensorgo/tensorgo/keras"
	"github.com/tensorgo/tensorgo/keras/layers"
	"github.com/tensorgo/tensorgo/plot"
	"github.com/tensorgo/tensorgo/tensor"
)

// Loader returns uint8 images and labels, as mnist.LoadData does.
type Loader func() (xTrain, yTrain, xTest, yTest *tensor.Tensor, err error)

// Config is what the examples' flags set.
type Config struct {
	Name     string // the JSON line's workload
	Epochs   int
	Batch    int
	Threads  int // 0: leave the setting alone
	Seed     int64
	Verbose  int       // Keras verbosity for Fit
	JSON     bool      // print one JSON line with the results at the end
	Out      io.Writer // standard output: the summary and results, or with JSON the JSON line alone
	Err      io.Writer // standard error: with JSON, everything but the JSON line goes here
	Progress io.Writer // where Keras's progress bar goes (nil: Out, or Err with JSON)
	LoadData Loader
	// Model builds the network (nil: NewMLP); it is compiled with Adam,
	// sparse categorical cross-entropy and accuracy.
	Model     func() *keras.Model
	SkipPrint bool // no summary or accuracy line (tests)
	// LogDir, when set, is where the TensorBoard callback writes its train
	// and validation runs; Plot, when set, is the PNG (or SVG, PDF) file of
	// the loss and accuracy curves. Either validates on the test set after
	// every epoch, as the course does (validation_freq=1).
	LogDir string
	Plot   string
	// Checkpoint, if set, is a directory to resume from and save to
	// (checkpoint.go).
	Checkpoint string
	// CPUProfile, if set, is a file for a pprof CPU profile of the training
	// (Fit only).
	CPUProfile string
	// OpStats, if set, prints the time each graph op spent in its kernels
	// during training (the N most expensive op types) to the logs.
	OpStats int
}

// logs is where everything but the JSON line goes: Out, or with JSON Err
// (io.Discard if unset), so that standard output holds one line, the JSON.
func (c *Config) logs() io.Writer {
	if !c.JSON {
		return c.Out
	}
	if c.Err == nil {
		return io.Discard
	}
	return c.Err
}

// Flags registers the examples' common flags on fs with the given default
// number of epochs and returns the config they fill in.
func Flags(fs *flag.FlagSet, name string, epochs int) *Config {
	c := &Config{Name: name}
	fs.IntVar(&c.Epochs, "epochs", epochs, "training epochs")
	fs.IntVar(&c.Batch, "batch", 32, "batch size")
	fs.IntVar(&c.Threads, "threads", 0, "threads for the kernels (0: all cores)")
	fs.Int64Var(&c.Seed, "seed", 0, "random seed (weights, shuffling, dropout)")
	fs.BoolVar(&c.JSON, "json", false, "print a JSON line with the results (alone on standard output; the rest goes to standard error)")
	fs.IntVar(&c.Verbose, "verbose", 1, "Keras verbosity: 0 silent, 1 progress bar, 2 one line per epoch")
	fs.StringVar(&c.LogDir, "logdir", "", "write TensorBoard logs (train and validation runs) to this directory")
	fs.StringVar(&c.Plot, "plot", "", "draw the loss and accuracy curves to this file (.png, .svg, .pdf)")
	fs.StringVar(&c.Checkpoint, "checkpoint", "", "directory to resume training from (its best weights, if any) and to save the best weights and the weights as text to (断点续训, 参数提取)")
	fs.IntVar(&c.OpStats, "opstats", 0, "after training, print the N op types, and the N ops, that took the most kernel time")
	fs.StringVar(&c.CPUProfile, "cpuprofile", "", "write a pprof CPU profile of the training (Fit) to this file")
	return c
}

// Result is what a run measured.
type Result struct {
	Workload      string    `json:"workload"`
	Epochs        int       `json:"epochs"`
	Batch         int       `json:"batch"`
	Threads       int       `json:"threads"`
	Seed          int64     `json:"seed"`
	EpochSeconds  []float64 `json:"epoch_seconds"`
	TrainLoss     []float64 `json:"train_loss"`
	TrainAccuracy []float64 `json:"train_accuracy"`
	TestLoss      float64   `json:"test_loss"`
	TestAccuracy  float64   `json:"test_accuracy"`
}

// timer records how long each epoch takes.
type timer struct {
	keras.CallbackBase
	start   time.Time
	seconds []float64
}

func (t *timer) OnEpochBegin(int, keras.Logs) error {
	t.start = time.Now()
	return nil
}

func (t *timer) OnEpochEnd(int, keras.Logs) error {
	t.seconds = append(t.seconds, time.Since(t.start).Seconds())
	return nil
}

// Run loads the data, trains the network, evaluates it on the test set and
// reports what happened.
func Run(c Config) (*Result, error) {
	if c.Threads > 0 {
		tensorgo.SetNumThreads(c.Threads)
	}
	tensor.SetSeed(c.Seed)

	// Data: 60,000 training and 10,000 test images, scaled to [0, 1].
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

	// The model, layer by layer.
	newModel := c.Model
	if newModel == nil {
		newModel = NewMLP
	}
	model := newModel()

	// How to train it.
	if err := model.Compile("adam", "sparse_categorical_crossentropy", keras.Metrics("accuracy")); err != nil {
		return nil, err
	}

	// Train, then evaluate as the seeds do (verbose 2: one line).
	t := &timer{}
	fitOpts := []keras.FitOption{keras.Epochs(c.Epochs), keras.BatchSize(c.Batch), keras.Verbose(c.Verbose), keras.Callbacks(t)}
	evalOpts := []keras.FitOption{keras.Verbose(2)}
	progress := c.Progress
	if progress == nil {
		progress = c.logs()
	}
	if progress != nil {
		fitOpts = append(fitOpts, keras.Output(progress))
		evalOpts = append(evalOpts, keras.Output(progress))
	}
	if c.LogDir != "" || c.Plot != "" {
		fitOpts = append(fitOpts, keras.ValidationData(xTest, yTest), keras.ValidationFreq(1))
	}
	if c.LogDir != "" {
		tb := keras.NewTensorBoard(c.LogDir)
		tb.HistogramFreq = 1
		fitOpts = append(fitOpts, keras.Callbacks(tb))
	}
	if c.Checkpoint != "" {
		opts, err := resume(model, c, xTest, yTest)
		if err != nil {
			return nil, err
		}
		fitOpts = append(fitOpts, opts...)
	}
	stop, err := prof.Start(c.CPUProfile, c.OpStats, c.logs())
	if err != nil {
		return nil, err
	}
	history, err := model.Fit(xTrain, yTrain, fitOpts...)
	if perr := stop(); err == nil {
		err = perr
	}
	if err != nil {
		return nil, err
	}
	if c.Plot != "" {
		if err := plot.History(history.History, c.Plot); err != nil {
			return nil, err
		}
	}
	if c.Checkpoint != "" {
		if err := writeWeightsText(model, c); err != nil {
			return nil, err
		}
	}
	testLoss, metrics, err := model.Evaluate(xTest, yTest, evalOpts...)
	if err != nil {
		return nil, err
	}
	r := &Result{
		Workload: c.Name, Epochs: c.Epochs, Batch: c.Batch, Threads: tensorgo.NumThreads(), Seed: c.Seed,
		EpochSeconds: t.seconds, TrainLoss: history.History["loss"], TrainAccuracy: history.History["accuracy"],
		TestLoss: testLoss, TestAccuracy: metrics["accuracy"],
	}
	if c.SkipPrint || c.Out == nil {
		return r, nil
	}

	// The network and its parameters.
	summary, err := model.SummaryString()
	if err != nil {
		return nil, err
	}
	fmt.Fprint(c.logs(), summary)
	fmt.Fprintf(c.logs(), "test accuracy: %.4f\n", r.TestAccuracy)
	if c.JSON {
		line, err := json.Marshal(r)
		if err != nil {
			return nil, err
		}
		fmt.Fprintln(c.Out, string(line))
	}
	return r, nil
}

// NewMLP is the course's MNIST network: Flatten, Dense(128, relu),
// Dropout(0.2), Dense(10, softmax).
func NewMLP() *keras.Model {
	return keras.NewSequential(
		layers.Flatten(layers.InputShape(28, 28)),
		layers.Dense(128, layers.Activation("relu")),
		layers.Dropout(0.2),
		layers.Dense(10, layers.Activation("softmax")),
	)
}

// NewCNN is note 001's convolutional network (examples/mnist_cnn): Reshape
// to 28×28×1, Conv2D(32, 3×3, relu), MaxPooling2D 2×2, Conv2D(64, 3×3,
// relu), MaxPooling2D 2×2, Flatten, Dense(64, relu), Dense(10, softmax).
func NewCNN() *keras.Model {
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

// scale turns uint8 pixels into float32 values in [0, 1] (x / 255.0).
func scale(x *tensor.Tensor) (*tensor.Tensor, error) {
	out := tensor.New(tensor.Float32, x.Shape()...)
	if err := data.CastScaleInto(out, x, 1.0/255); err != nil {
		return nil, err
	}
	return out, nil
}
