// Command logistic_regression trains the seeds' vectorised logistic
// regression: A = sigmoid(w^T X + b) over all m samples at once, the log
// loss as cost, gradient descent on w and b, and reports the training
// accuracy. The data are two Gaussian clouds in the plane (features as rows,
// samples as columns, as in the seed). By default gradients come from
// automatic differentiation; -manual uses the seed's hand-derived
// propagate(): dZ = A - Y, dw = X dZ^T / m, db = mean(dZ).
//
//	go run ./examples/logistic_regression
//	go run ./examples/logistic_regression -manual -json
package main

import (
	"encoding/json"
	"flag"
	"fmt"
	"io"
	"os"
	"time"

	"github.com/tensorgo/tensorgo"
	"github.com/tensorgo/tensorgo/optimizers"
	"github.com/tensorgo/tensorgo/tensor"
	"github.com/tensorgo/tensorgo/tf"
)

type config struct {
	iterations int
	lr         float64
	samples    int
	seed       int64
	manual     bool
	out        io.Writer
}

type result struct {
	Cost          float64   `json:"cost"`
	TrainAccuracy float64   `json:"train_accuracy"`
	W             []float64 `json:"w"`
	B             float64   `json:"b"`
	Steps         int       `json:"steps"`
	Seconds       float64   `json:"seconds"`
	Gradients     string    `json:"gradients"`
}

// data returns X (2, m) and Y (1, m): half the samples around (-1, -1)
// labelled 0, half around (1, 1) labelled 1.
func data(m int, seed int64) (x, y *tensor.Tensor) {
	noise := tensor.RandomNormal(tensor.Float32, tensor.Shape{2, m}, 0, 1, seed)
	x = tensor.New(tensor.Float32, 2, m)
	y = tensor.New(tensor.Float32, 1, m)
	for j := 0; j < m; j++ {
		c := float32(-1)
		if j%2 == 1 {
			c = 1
			y.Float32s()[j] = 1
		}
		x.Float32s()[j] = c + noise.Float32s()[j]
		x.Float32s()[m+j] = c + noise.Float32s()[m+j]
	}
	return x, y
}

func train(c config) (result, error) {
	xs, ys := data(c.samples, c.seed)
	g := tf.NewGraph()
	X := tf.Placeholder(g, tf.Float32, tf.Shape{2, -1}, tf.Name("X"))
	Y := tf.Placeholder(g, tf.Float32, tf.Shape{1, -1}, tf.Name("Y"))
	w := tf.NewVariable(g, tensor.Zeros(tensor.Float32, 2, 1), tf.Name("w"))
	b := tf.NewVariable(g, float32(0), tf.Name("b"))
	A := tf.Sigmoid(tf.Add(tf.MatMul(w.Tensor(), X, tf.TransposeA(true)), b.Tensor()))
	cost := tf.ReduceMean(tf.LogLoss(Y, A), nil, false)
	correct := tf.Equal(tf.Cast(tf.Greater(A, tf.Const(g, float32(0.5))), tf.Float32), Y)
	accuracy := tf.ReduceMean(tf.Cast(correct, tf.Float32), nil, false)

	var step *tf.Operation
	mode := "autodiff"
	if c.manual {
		mode = "manual"
		// the seed's propagate(): vectorised hand-derived gradients
		dZ := tf.Sub(A, Y)
		m := tf.Cast(tf.Const(g, c.samples), tf.Float32)
		dw := tf.Div(tf.MatMul(X, dZ, tf.TransposeB(true)), m)
		db := tf.ReduceMean(dZ, nil, false)
		lr := tf.Const(g, float32(c.lr))
		step = tf.Group(g, []*tf.Operation{
			w.AssignSub(tf.Mul(lr, dw)).Op(), b.AssignSub(tf.Mul(lr, db)).Op(),
		})
	} else {
		step = optimizers.NewGradientDescent(c.lr).Minimize(cost)
	}
	sess := tf.NewSession(g)
	defer sess.Close()
	if err := tf.GlobalVariablesInitializer(g).Run(sess, nil); err != nil {
		return result{}, err
	}
	feeds := tf.Feeds{X: xs, Y: ys}
	start := time.Now()
	for i := 0; i < c.iterations; i++ {
		if c.out != nil && i%max(1, c.iterations/10) == 0 {
			out, err := sess.Run(feeds, []*tf.Tensor{cost})
			if err != nil {
				return result{}, err
			}
			fmt.Fprintf(c.out, "iteration %5d  cost %.6f\n", i, out[0].Item())
		}
		if err := step.Run(sess, feeds); err != nil {
			return result{}, err
		}
	}
	secs := time.Since(start).Seconds()
	out, err := sess.Run(feeds, []*tf.Tensor{cost, accuracy})
	if err != nil {
		return result{}, err
	}
	wv := w.Value()
	return result{Cost: out[0].Item(), TrainAccuracy: out[1].Item(), W: []float64{wv.Float(0), wv.Float(1)},
		B: b.Value().Item(), Steps: c.iterations, Seconds: secs, Gradients: mode}, nil
}

func main() {
	if err := run(os.Args[1:], os.Stdout, os.Stderr); err != nil {
		fmt.Fprintln(os.Stderr, "logistic_regression:", err)
		os.Exit(1)
	}
}

// run is the command with its arguments: progress and results go to
// stdout, or with -json one JSON line alone goes to stdout and everything
// else to stderr.
func run(args []string, stdout, stderr io.Writer) error {
	fs := flag.NewFlagSet("logistic_regression", flag.ContinueOnError)
	fs.SetOutput(stderr)
	var c config
	fs.IntVar(&c.iterations, "num_iterations", 2000, "gradient-descent iterations")
	fs.Float64Var(&c.lr, "learning_rate", 0.5, "learning rate")
	fs.IntVar(&c.samples, "samples", 500, "number of training samples")
	fs.Int64Var(&c.seed, "seed", 1, "random seed for the data")
	fs.BoolVar(&c.manual, "manual", false, "use the seed's hand-derived gradients instead of autodiff")
	threads := fs.Int("threads", 0, "kernel threads (0: GOMAXPROCS)")
	asJSON := fs.Bool("json", false, "print one final JSON line with the results (alone on standard output; the rest goes to standard error)")
	if err := fs.Parse(args); err != nil {
		return err
	}
	if *threads > 0 {
		tensorgo.SetNumThreads(*threads)
	}
	c.out = stdout
	if *asJSON {
		c.out = stderr
	}
	r, err := train(c)
	if err != nil {
		return err
	}
	fmt.Fprintf(c.out, "w = [%.4f %.4f], b = %.4f, cost = %.6f, train accuracy = %.2f%% (%s gradients, %d iterations, %.3fs)\n",
		r.W[0], r.W[1], r.B, r.Cost, 100*r.TrainAccuracy, r.Gradients, r.Steps, r.Seconds)
	if *asJSON {
		return json.NewEncoder(stdout).Encode(r)
	}
	return nil
}
