// Command cifar10 trains the course's CIFAR-10 model zoo (the seeds'
// chapter 5) the Keras way:
//
//	go run ./examples/cifar10 -model baseline -data ~/cifar-10-batches-bin
//	go run ./examples/cifar10 -model baseline            # finds the data, or downloads it once
//	TENSORGO_DATA=~/data go run ./examples/cifar10 -model resnet18 -epochs 5 -json
//	go run ./examples/cifar10 -model vgg16 -synthetic -steps 200 -json   # ms per step
//
// -model is one of baseline, lenet5, alexnet8, vgg16 (Sequential models),
// inception10 and resnet18 (subclassed models built from the course's
// blocks ConvBNRelu, InceptionBlk and ResnetBlock). Every model is trained
// with Adam (learning rate 1e-3), sparse categorical cross-entropy and
// accuracy, on the images scaled to [0, 1] (x / 255.0).
//
// The data are the CIFAR-10 binary batches (cifar-10-binary.tar.gz,
// extracted), looked for in -data (only there, when given): in the
// directory itself, or its cifar-10-batches-bin or
// cifar10/cifar-10-batches-bin sub-directory. Without -data they are
// looked for the same way in $TENSORGO_DATA, then where
// datasets/cifar10.Load looks: $TENSORGO_DATA/cifar10, the cache
// (os.UserCacheDir()/tensorgo/datasets/cifar10/cifar-10-batches-bin),
// /usr/share/datasets/cifar10; and if they are nowhere, the canonical
// https://www.cs.toronto.edu/~kriz/cifar-10-binary.tar.gz (170 MB) is
// downloaded into the cache, checked against its published SHA-256 and
// unpacked. -offline (or $TENSORGO_OFFLINE=1) forbids the download: the
// run then fails with an error saying how to provide the data.
//
// With -synthetic nothing is read: the model trains for -warmup untimed and
// -steps timed steps on -samples seeded random CIFAR-shaped images with
// random labels (as the PyTorch reference w8_cifar_zoo.py does: batches
// from a fresh shuffle of the pool, full batches only), and reports the
// milliseconds per step (ms_per_step, the median; each step timed from the
// end of the one before, so it includes gathering its batch). The flags -epochs, -batch, -threads, -seed,
// -verbose and -json are those of examples/mnist: with -json standard
// output holds one JSON line with the results and everything else goes to
// standard error.
package main

import (
	"flag"
	"fmt"
	"io"
	"os"
)

// config is what the flags set.
type config struct {
	Model     string
	Epochs    int
	Batch     int
	Threads   int
	Seed      int64
	Verbose   int
	JSON      bool
	Data      string
	Offline   bool
	Synthetic bool
	Steps     int
	Warmup    int
	Samples   int

	CPUProfile string // a pprof CPU profile of the training (Fit), if set
	OpStats    int    // print the N op types that took the most kernel time

	Out, Err  io.Writer // standard output and error
	LoadData  loader    // nil: the CIFAR-10 batches (see loadCIFAR10)
	SkipPrint bool      // no summary or accuracy line (tests)
}

// flags registers the command's flags on fs and returns the config they
// fill in.
func flags(fs *flag.FlagSet) *config {
	c := &config{}
	fs.StringVar(&c.Model, "model", "baseline", fmt.Sprintf("the zoo model: %v", modelNames()))
	fs.IntVar(&c.Epochs, "epochs", 5, "training epochs")
	fs.IntVar(&c.Batch, "batch", 32, "batch size")
	fs.IntVar(&c.Threads, "threads", 0, "threads for the kernels (0: all cores)")
	fs.Int64Var(&c.Seed, "seed", 0, "random seed (weights, shuffling, dropout, synthetic data)")
	fs.IntVar(&c.Verbose, "verbose", 1, "Keras verbosity: 0 silent, 1 progress bar, 2 one line per epoch")
	fs.BoolVar(&c.JSON, "json", false, "print a JSON line with the results (alone on standard output; the rest goes to standard error)")
	fs.StringVar(&c.Data, "data", "", "directory of the CIFAR-10 binary batches (default: $TENSORGO_DATA, the cache, or a download)")
	fs.BoolVar(&c.Offline, "offline", false, "never download CIFAR-10 (as $TENSORGO_OFFLINE=1): without local data the run fails saying how to provide it")
	fs.BoolVar(&c.Synthetic, "synthetic", false, "train on seeded synthetic CIFAR-shaped data and report ms per step")
	fs.IntVar(&c.Steps, "steps", 200, "with -synthetic: timed training steps")
	fs.IntVar(&c.Warmup, "warmup", 10, "with -synthetic: untimed steps first")
	fs.IntVar(&c.Samples, "samples", 10000, "with -synthetic: size of the image pool")
	fs.StringVar(&c.CPUProfile, "cpuprofile", "", "write a pprof CPU profile of the training (Fit) to this file")
	fs.IntVar(&c.OpStats, "opstats", 0, "after training, print the N op types, and the N ops, that took the most kernel time")
	return c
}

// logs is where everything but the JSON line goes.
func (c *config) logs() io.Writer {
	if !c.JSON {
		return c.Out
	}
	if c.Err == nil {
		return io.Discard
	}
	return c.Err
}

func main() {
	c := flags(flag.CommandLine)
	flag.Parse()
	c.Out, c.Err = os.Stdout, os.Stderr
	var err error
	if c.Synthetic {
		_, err = runSynthetic(*c)
	} else {
		_, err = run(*c)
	}
	if err != nil {
		fmt.Fprintln(os.Stderr, "cifar10:", err)
		os.Exit(1)
	}
}
