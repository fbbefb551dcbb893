// Command iris trains the seed course's Iris classifier: one Dense layer of
// 3 softmax units, SGD with learning rate 0.1, 500 epochs, batch 32, on the
// course's split (rows shuffled with NumPy seed 116; 120 to train, 30 to
// test).
//
//	go run ./examples/iris           # Keras style: Sequential, Compile, Fit
//	go run ./examples/iris -eager    # the course's hand-written loop with a GradientTape
package main

import (
	"encoding/json"
	"flag"
	"fmt"
	"io"
	"os"
	"time"

	"github.com/tensorgo/tensorgo"
	"github.com/tensorgo/tensorgo/datasets/iris"
	"github.com/tensorgo/tensorgo/keras"
	"github.com/tensorgo/tensorgo/keras/layers"
	"github.com/tensorgo/tensorgo/keras/losses"
	"github.com/tensorgo/tensorgo/keras/regularizers"
	"github.com/tensorgo/tensorgo/optimizers"
	"github.com/tensorgo/tensorgo/tensor"
	"github.com/tensorgo/tensorgo/tf"
)

func main() {
	if err := run(os.Args[1:], os.Stdout, os.Stderr); err != nil {
		fmt.Fprintln(os.Stderr, "iris:", err)
		os.Exit(1)
	}
}

// run is the command with its arguments: the results go to stdout, or with
// -json one JSON line alone goes to stdout and everything else to stderr.
func run(args []string, stdout, stderr io.Writer) error {
	fs := flag.NewFlagSet("iris", flag.ContinueOnError)
	fs.SetOutput(stderr)
	epochs := fs.Int("epochs", 500, "training epochs")
	batch := fs.Int("batch", 32, "batch size")
	lr := fs.Float64("lr", 0.1, "learning rate")
	threads := fs.Int("threads", 0, "threads for the kernels (0: all cores)")
	seed := fs.Int64("seed", 1, "random seed")
	eager := fs.Bool("eager", false, "train with the course's hand-written GradientTape loop")
	jsonOut := fs.Bool("json", false, "print a JSON line with the results (alone on standard output; the rest goes to standard error)")
	if err := fs.Parse(args); err != nil {
		return err
	}
	if *threads > 0 {
		tensorgo.SetNumThreads(*threads)
	}
	tensor.SetSeed(*seed)
	logs := stdout
	if *jsonOut {
		logs = stderr
	}
	var res map[string]any
	var err error
	if *eager {
		res, err = runEager(*epochs, *batch, *lr, logs)
	} else {
		res, err = runKeras(*epochs, *batch, *lr, logs)
	}
	if err != nil {
		return err
	}
	fmt.Fprintf(logs, "test accuracy: %.4f\n", res["test_accuracy"])
	if *jsonOut {
		res["threads"] = tensorgo.NumThreads()
		res["epochs"] = *epochs
		line, err := json.Marshal(res)
		if err != nil {
			return err
		}
		fmt.Fprintln(stdout, string(line))
	}
	return nil
}

// float32s converts the float64 features to float32.
func float32s(x *tensor.Tensor) *tensor.Tensor {
	out := tensor.New(tensor.Float32, x.Shape()...)
	for i := 0; i < x.Size(); i++ {
		out.SetFloat(i, x.Float(i))
	}
	return out
}

// runKeras is the course's Keras version (class 3): Dense(3, softmax) with an
// l2 kernel regularizer, SGD(0.1), sparse categorical cross-entropy.
func runKeras(epochs, batch int, lr float64, logs io.Writer) (map[string]any, error) {
	xTrain, yTrain, xTest, yTest := iris.SeedSplit()
	xTrain, xTest = float32s(xTrain), float32s(xTest)
	model := keras.NewSequential(
		layers.Dense(3, layers.Activation("softmax"), layers.KernelRegularizer(regularizers.L2(0.01)), layers.InputShape(4)),
	)
	if err := model.Compile(optimizers.NewSGD(lr), losses.SparseCategoricalCrossentropy(false),
		keras.Metrics("sparse_categorical_accuracy")); err != nil {
		return nil, err
	}
	var seconds []float64
	start := time.Now()
	out := logs
	h, err := model.Fit(xTrain, yTrain, keras.Epochs(epochs), keras.BatchSize(batch), keras.Shuffle(false),
		keras.Verbose(0), keras.Callbacks(&keras.LambdaCallback{
			OnEpochEndFn: func(e int, logs keras.Logs) error {
				seconds = append(seconds, time.Since(start).Seconds())
				start = time.Now()
				if (e+1)%100 == 0 {
					fmt.Fprintf(out, "epoch %d: loss %.4f accuracy %.4f\n", e+1, logs["loss"], logs["sparse_categorical_accuracy"])
				}
				return nil
			},
		}))
	if err != nil {
		return nil, err
	}
	loss, ms, err := model.Evaluate(xTest, yTest, keras.Verbose(2), keras.Output(logs))
	if err != nil {
		return nil, err
	}
	summary, err := model.SummaryString()
	if err != nil {
		return nil, err
	}
	fmt.Fprint(logs, summary)
	return map[string]any{"workload": "iris_keras", "epoch_seconds": seconds, "train_loss": h.History["loss"],
		"test_loss": loss, "test_accuracy": ms["sparse_categorical_accuracy"]}, nil
}

// runEager is the course's first Iris program (class 1): weights as
// variables, softmax, MSE against one-hot labels, gradients from a tape and
// w -= lr·grad by hand.
func runEager(epochs, batch int, lr float64, logs io.Writer) (map[string]any, error) {
	xTrain, yTrain, xTest, yTest := iris.SeedSplit()
	xTrain, xTest = float32s(xTrain), float32s(xTest)
	w1 := tf.NewVariable(nil, tensor.TruncatedNormal(tensor.Float32, tensor.Shape{4, 3}, 0, 0.1, 1), tf.Name("w1"))
	b1 := tf.NewVariable(nil, tensor.TruncatedNormal(tensor.Float32, tensor.Shape{3}, 0, 0.1, 1), tf.Name("b1"))
	rate := tf.Constant(tensor.Scalar(float32(lr)))
	n := xTrain.Dim(0)
	var trainLoss, seconds []float64
	var acc, testLoss float64
	for epoch := 0; epoch < epochs; epoch++ {
		start := time.Now()
		var lossAll float64
		steps := 0
		for lo := 0; lo < n; lo += batch {
			hi := min(n, lo+batch)
			x := tf.Constant(tensor.FromSlice(xTrain.Float32s()[lo*4:hi*4], hi-lo, 4))
			y := tf.Constant(tensor.FromSlice(yTrain.Int64s()[lo:hi], hi-lo))
			tape := tf.NewGradientTape(false)
			out := tf.Softmax(tf.Add(tf.MatMul(x, w1.Tensor()), b1.Tensor()), -1)
			oneHot := tf.OneHot(y, 3, tensor.Float32)
			loss := tf.ReduceMean(tf.Square(tf.Sub(oneHot, out)), nil, false)
			grads, err := tape.Gradient(loss, w1, b1)
			if err != nil {
				return nil, err
			}
			w1.AssignSub(tf.Mul(rate, grads[0]))
			b1.AssignSub(tf.Mul(rate, grads[1]))
			lossAll += loss.Value().Item()
			steps++
		}
		trainLoss = append(trainLoss, lossAll/float64(steps))
		seconds = append(seconds, time.Since(start).Seconds())
		// Test: argmax of the predictions against the labels.
		out := tf.Softmax(tf.Add(tf.MatMul(tf.Constant(xTest), w1.Tensor()), b1.Tensor()), -1)
		pred := tf.ArgMax(out, 1)
		correct := 0
		for i := 0; i < yTest.Dim(0); i++ {
			if pred.Value().Float(i) == yTest.Float(i) {
				correct++
			}
		}
		acc = float64(correct) / float64(yTest.Dim(0))
		oneHot := tf.OneHot(tf.Constant(yTest), 3, tensor.Float32)
		testLoss = tf.ReduceMean(tf.Square(tf.Sub(oneHot, out)), nil, false).Value().Item()
		if (epoch+1)%100 == 0 {
			fmt.Fprintf(logs, "epoch %d: loss %.4f test accuracy %.4f\n", epoch+1, trainLoss[epoch], acc)
		}
	}
	return map[string]any{"workload": "iris_eager", "epoch_seconds": seconds, "train_loss": trainLoss,
		"test_loss": testLoss, "test_accuracy": acc}, nil
}
