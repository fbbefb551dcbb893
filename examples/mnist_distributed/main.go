// Command mnist_distributed trains the seeds' MNIST network on several
// processes at once (data parallelism over MPI, package distribute): each
// rank trains on its share of the images and the ranks average their
// gradients every step.
//
//	go build -tags mpi -o mnist_distributed ./examples/mnist_distributed
//	mpirun -np 2 ./mnist_distributed -epochs 1
//	mpirun -np 4 --hostfile hosts ./mnist_distributed -checkpoint /shared/ckpt
//
// -batch is the batch of one rank: a step trains on -batch times the number
// of ranks. The learning rate is not scaled for you: give -lr (Adam's
// default is 0.001). Only rank 0 prints and writes checkpoints; with
// -checkpoint DIR a restarted job resumes from DIR's latest checkpoint.
// Built without the mpi tag it runs as a job of one rank.
package main

import (
	"flag"
	"fmt"
	"io"
	"os"

	"github.com/tensorgo/tensorgo"
	"github.com/tensorgo/tensorgo/checkpoint"
	"github.com/tensorgo/tensorgo/data"
	"github.com/tensorgo/tensorgo/datasets/mnist"
	"github.com/tensorgo/tensorgo/distribute"
	"github.com/tensorgo/tensorgo/keras"
	"github.com/tensorgo/tensorgo/keras/layers"
	"github.com/tensorgo/tensorgo/optimizers"
	"github.com/tensorgo/tensorgo/tensor"
)

// config is what the flags set.
type config struct {
	epochs, batch, threads, verbose int
	lr                              float64
	seed                            int64
	checkpoint                      string
	overlap                         bool
}

// loader returns uint8 images and labels, as mnist.LoadData does.
type loader func() (xTrain, yTrain, xTest, yTest *tensor.Tensor, err error)

func main() {
	var c config
	flag.IntVar(&c.epochs, "epochs", 5, "training epochs")
	flag.IntVar(&c.batch, "batch", 32, "batch size of one rank (a step trains on batch times the ranks)")
	flag.IntVar(&c.threads, "threads", 0, "kernel threads per rank (0: all cores)")
	flag.IntVar(&c.verbose, "verbose", 1, "Keras verbosity on rank 0: 0 silent, 1 progress bar, 2 one line per epoch")
	flag.Float64Var(&c.lr, "lr", 0.001, "Adam's learning rate (scale it for the global batch yourself)")
	flag.Int64Var(&c.seed, "seed", 0, "random seed")
	flag.StringVar(&c.checkpoint, "checkpoint", "", "directory for checkpoints (on a file system rank 0 can write); resume from its latest")
	flag.BoolVar(&c.overlap, "overlap", false, "overlap the gradient allreduce with the backward pass")
	flag.Parse()

	s, err := distribute.InitMPI(distribute.Overlap(c.overlap))
	if err != nil {
		fmt.Fprintln(os.Stderr, "mnist_distributed:", err)
		os.Exit(1)
	}
	load := func() (xTrain, yTrain, xTest, yTest *tensor.Tensor, err error) { return mnist.LoadData() }
	acc, err := run(s, c, load, os.Stdout)
	if err != nil {
		s.Abort(err) // end every rank, not this one alone
	}
	if s.IsChief() {
		fmt.Printf("test accuracy: %.4f\n", acc)
	}
	if err := s.Close(); err != nil {
		fmt.Fprintln(os.Stderr, "mnist_distributed:", err)
		os.Exit(1)
	}
}

// run trains on s's ranks and returns the test accuracy.
func run(s *distribute.Strategy, c config, load loader, out io.Writer) (float64, error) {
	if c.threads > 0 {
		tensorgo.SetNumThreads(c.threads)
	}
	tensor.SetSeed(c.seed)
	xTrain, yTrain, xTest, yTest, err := load()
	if err != nil {
		return 0, err
	}
	if xTrain, err = scale(xTrain); err != nil {
		return 0, err
	}
	if xTest, err = scale(xTest); err != nil {
		return 0, err
	}

	model := keras.NewSequential(
		layers.Flatten(layers.InputShape(28, 28)),
		layers.Dense(128, layers.Activation("relu")),
		layers.Dropout(0.2),
		layers.Dense(10, layers.Activation("softmax")),
	)
	if err := model.Build(); err != nil {
		return 0, err
	}
	// keras.DataParallel: Fit shards the arrays, starts every rank from
	// rank 0's weights, averages the gradients and the logs.
	if err := model.Compile(optimizers.NewAdam(c.lr), "sparse_categorical_crossentropy",
		keras.Metrics("accuracy"), keras.DataParallel(s)); err != nil {
		return 0, err
	}

	opts := []keras.FitOption{keras.Epochs(c.epochs), keras.BatchSize(c.batch), keras.Verbose(c.verbose), keras.Output(out)}
	if c.checkpoint != "" {
		start, err := resume(s, model, c.checkpoint)
		if err != nil {
			return 0, err
		}
		mgr, err := checkpoint.NewManager(c.checkpoint, 3)
		if err != nil {
			return 0, err
		}
		// Rank 0 alone writes the checkpoints.
		opts = append(opts, keras.InitialEpoch(start), keras.Callbacks(distribute.ChiefOnly(s, &saveEpoch{mgr: mgr})...))
	}
	if _, err := model.Fit(xTrain, yTrain, opts...); err != nil {
		return 0, err
	}
	// Every rank evaluates the whole test set (the same weights give the
	// same numbers); only rank 0 prints them.
	_, m, err := model.Evaluate(xTest, yTest, keras.Verbose(0))
	if err != nil {
		return 0, err
	}
	return m["accuracy"], nil
}

// scale turns uint8 pixels into float32 values in [0, 1].
func scale(x *tensor.Tensor) (*tensor.Tensor, error) {
	out := tensor.New(tensor.Float32, x.Shape()...)
	if err := data.CastScaleInto(out, x, 1.0/255); err != nil {
		return nil, err
	}
	return out, nil
}
