// Command linear_regression fits y = w*x + b to 100 samples of
// y = 0.8x + 0.7 with gradient descent on the mean squared error: the
// seeds' first TensorFlow program. By default it builds a graph (variables,
// placeholders, optimizer op) and runs it in a Session; -eager runs the same
// model eagerly with a gradient tape.
//
//	go run ./examples/linear_regression -max_step 1000
//	go run ./examples/linear_regression -eager -json
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
	maxStep int
	lr      float64
	seed    int64
	eager   bool
	samples int
	every   int       // print every n steps (0: ten times in all)
	out     io.Writer // progress lines (nil: none)
}

type result struct {
	W               float64 `json:"w"`
	B               float64 `json:"b"`
	Loss            float64 `json:"loss"`
	Steps           int     `json:"steps"`
	Seconds         float64 `json:"seconds"`
	StepMicrosecond float64 `json:"step_microseconds"`
	Mode            string  `json:"mode"`
	Threads         int     `json:"threads"`
}

// data returns n samples x ~ N(0, 1) and y = 0.8x + 0.7.
func data(n int, seed int64) (x, y *tensor.Tensor) {
	x = tensor.RandomNormal(tensor.Float32, tensor.Shape{n}, 0, 1, seed)
	y = tensor.New(tensor.Float32, n)
	xs, ys := x.Float32s(), y.Float32s()
	for i, v := range xs {
		ys[i] = 0.8*v + 0.7
	}
	return x, y
}

func (c config) progress(step int, w, b, loss float64) {
	if c.out == nil {
		return
	}
	every := c.every
	if every <= 0 {
		every = max(1, c.maxStep/10)
	}
	if step%every == 0 || step == c.maxStep {
		fmt.Fprintf(c.out, "step %5d  w = %.6f  b = %.6f  loss = %.8f\n", step, w, b, loss)
	}
}

// train runs the whole example and returns its outcome.
func train(c config) (result, error) {
	if c.samples <= 0 {
		c.samples = 100
	}
	tensor.SetSeed(c.seed)
	xs, ys := data(c.samples, c.seed)
	initW := tensor.RandomNormal(tensor.Float32, tensor.Shape{}, 0, 1, c.seed+1)
	if c.eager {
		return trainEager(c, xs, ys, initW)
	}
	return trainGraph(c, xs, ys, initW)
}

func trainGraph(c config, xs, ys, initW *tensor.Tensor) (result, error) {
	g := tf.NewGraph()
	x := tf.Placeholder(g, tf.Float32, tf.Shape{-1}, tf.Name("x"))
	y := tf.Placeholder(g, tf.Float32, tf.Shape{-1}, tf.Name("y"))
	w := tf.NewVariable(g, initW, tf.Name("w"))
	b := tf.NewVariable(g, float32(0), tf.Name("b"))
	pred := tf.Add(tf.Mul(w.Tensor(), x), b.Tensor())
	exit := g.NameScope("loss")
	loss := tf.ReduceMean(tf.Square(tf.Sub(pred, y)), nil, false)
	exit()
	train := optimizers.NewGradientDescent(c.lr).Minimize(loss)

	sess := tf.NewSession(g)
	defer sess.Close()
	if err := tf.GlobalVariablesInitializer(g).Run(sess, nil); err != nil {
		return result{}, err
	}
	feeds := tf.Feeds{x: xs, y: ys}
	fetches := []*tf.Tensor{loss}
	var res result
	start := time.Now()
	for step := 1; step <= c.maxStep; step++ {
		if c.out != nil {
			out, err := sess.Run(feeds, fetches)
			if err != nil {
				return res, err
			}
			c.progress(step-1, w.Value().Item(), b.Value().Item(), out[0].Item())
		}
		if _, err := sess.Run(feeds, nil, train); err != nil {
			return res, err
		}
	}
	res.Seconds = time.Since(start).Seconds()
	out, err := sess.Run(feeds, fetches)
	if err != nil {
		return res, err
	}
	res.Loss, res.W, res.B = out[0].Item(), w.Value().Item(), b.Value().Item()
	c.progress(c.maxStep, res.W, res.B, res.Loss)
	return finish(res, c, "graph"), nil
}

func trainEager(c config, xs, ys, initW *tensor.Tensor) (result, error) {
	x, y := tf.Constant(xs), tf.Constant(ys)
	w := tf.NewVariable(nil, initW, tf.Name("w"))
	b := tf.NewVariable(nil, float32(0), tf.Name("b"))
	vars := []*tf.Variable{w, b}
	opt := optimizers.NewGradientDescent(c.lr)
	lossOf := func() *tf.Tensor {
		pred := tf.Add(tf.Mul(w.Tensor(), x), b.Tensor())
		return tf.ReduceMean(tf.Square(tf.Sub(pred, y)), nil, false)
	}
	var res result
	start := time.Now()
	for step := 1; step <= c.maxStep; step++ {
		tape := tf.NewGradientTape(false)
		loss := lossOf()
		grads, err := tape.Gradient(loss, w, b)
		if err != nil {
			return res, err
		}
		c.progress(step-1, w.Value().Item(), b.Value().Item(), loss.Value().Item())
		if err := opt.ApplyGradients(grads, vars); err != nil {
			return res, err
		}
	}
	res.Seconds = time.Since(start).Seconds()
	res.Loss, res.W, res.B = lossOf().Value().Item(), w.Value().Item(), b.Value().Item()
	c.progress(c.maxStep, res.W, res.B, res.Loss)
	return finish(res, c, "eager"), nil
}

func finish(r result, c config, mode string) result {
	r.Steps, r.Mode, r.Threads = c.maxStep, mode, tensorgo.NumThreads()
	if c.maxStep > 0 {
		r.StepMicrosecond = r.Seconds / float64(c.maxStep) * 1e6
	}
	return r
}

func main() {
	if err := run(os.Args[1:], os.Stdout, os.Stderr); err != nil {
		fmt.Fprintln(os.Stderr, "linear_regression:", err)
		os.Exit(1)
	}
}

// run is the command with its arguments: progress and results go to
// stdout, or with -json one JSON line alone goes to stdout and everything
// else to stderr.
func run(args []string, stdout, stderr io.Writer) error {
	fs := flag.NewFlagSet("linear_regression", flag.ContinueOnError)
	fs.SetOutput(stderr)
	var c config
	fs.IntVar(&c.maxStep, "max_step", 1000, "number of training steps")
	fs.Float64Var(&c.lr, "learning_rate", 0.1, "gradient-descent learning rate")
	threads := fs.Int("threads", 0, "kernel threads (0: GOMAXPROCS)")
	fs.Int64Var(&c.seed, "seed", 1, "random seed for the data and the initial w")
	fs.BoolVar(&c.eager, "eager", false, "run eagerly with a gradient tape instead of a graph and session")
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
	fmt.Fprintf(c.out, "%s mode: w = %.6f (true 0.8), b = %.6f (true 0.7), loss = %.3g after %d steps, %.2f us/step\n",
		r.Mode, r.W, r.B, r.Loss, r.Steps, r.StepMicrosecond)
	if *asJSON {
		return json.NewEncoder(stdout).Encode(r)
	}
	return nil
}
