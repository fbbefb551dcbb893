// Command letters trains the course's letter-prediction RNNs (chapter 6)
// and prints their predictions in the course's "a->b" style:
//
//	onehot1   one-hot letters of "abcde", one in, the next out:
//	          SimpleRNN(3) → Dense(5, softmax)
//	onehot4   four one-hot letters in ("abcd"), the next out ("e")
//	embed1    the same as onehot1 with Embedding(5, 2) instead of one-hot
//	embed4    the same as onehot4 with Embedding(5, 2)
//	embed26   the 26 letters, four in, the next out:
//	          Embedding(26, 2) → SimpleRNN(10) → Dense(26, softmax)
//
// Each trains with Adam(0.01) on sparse categorical cross-entropy for 100
// epochs in batches of 32, as the course does.
//
//	go run ./examples/letters               # all five tasks
//	go run ./examples/letters -task embed26
package main

import (
	"encoding/json"
	"flag"
	"fmt"
	"io"
	"os"
	"strings"

	"github.com/tensorgo/tensorgo/keras"
	"github.com/tensorgo/tensorgo/keras/layers"
	"github.com/tensorgo/tensorgo/optimizers"
	"github.com/tensorgo/tensorgo/tensor"
)

func main() {
	if err := run(os.Args[1:], os.Stdout, os.Stderr); err != nil {
		fmt.Fprintln(os.Stderr, "letters:", err)
		os.Exit(1)
	}
}

// A task is one of the course's letter programs.
type task struct {
	name     string
	alphabet string // the letters, in order; the next of the last is the first
	in       int    // letters in
	embed    bool   // Embedding instead of one-hot input
	units    int    // SimpleRNN units
	dim      int    // Embedding output size
}

var tasks = []task{
	{name: "onehot1", alphabet: "abcde", in: 1, units: 3},
	{name: "onehot4", alphabet: "abcde", in: 4, units: 3},
	{name: "embed1", alphabet: "abcde", in: 1, embed: true, units: 3, dim: 2},
	{name: "embed4", alphabet: "abcde", in: 4, embed: true, units: 3, dim: 2},
	{name: "embed26", alphabet: "abcdefghijklmnopqrstuvwxyz", in: 4, embed: true, units: 10, dim: 2},
}

// Result is what one task reports.
type Result struct {
	Task        string   `json:"task"`
	Predictions []string `json:"predictions"` // "a->b", one per training sample
	Correct     int      `json:"correct"`
	Total       int      `json:"total"`
	Loss        float64  `json:"loss"` // the last epoch's training loss
}

// run is the command with its arguments: predictions go to stdout, or with
// -json one JSON line per task alone goes to stdout.
func run(args []string, stdout, stderr io.Writer) error {
	fs := flag.NewFlagSet("letters", flag.ContinueOnError)
	fs.SetOutput(stderr)
	name := fs.String("task", "all", "onehot1, onehot4, embed1, embed4, embed26 or all")
	epochs := fs.Int("epochs", 100, "training epochs")
	lr := fs.Float64("lr", 0.01, "Adam's learning rate")
	seed := fs.Int64("seed", 1, "random seed")
	jsonOut := fs.Bool("json", false, "print one JSON line per task")
	if err := fs.Parse(args); err != nil {
		return err
	}
	var chosen []task
	for _, t := range tasks {
		if *name == "all" || *name == t.name {
			chosen = append(chosen, t)
		}
	}
	if len(chosen) == 0 {
		return fmt.Errorf("unknown task %q (want onehot1, onehot4, embed1, embed4, embed26 or all)", *name)
	}
	for _, t := range chosen {
		res, err := train(t, *epochs, *lr, *seed)
		if err != nil {
			return fmt.Errorf("%s: %w", t.name, err)
		}
		if *jsonOut {
			line, err := json.Marshal(res)
			if err != nil {
				return err
			}
			fmt.Fprintln(stdout, string(line))
			continue
		}
		fmt.Fprintf(stdout, "%s (loss %.4f, %d of %d right):\n", t.name, res.Loss, res.Correct, res.Total)
		for _, p := range res.Predictions {
			fmt.Fprintln(stdout, " ", p)
		}
	}
	return nil
}

// samples returns the task's inputs (as letter indices, (n, in)) and
// labels (n): every window of in letters and the letter after it. The
// five-letter tasks wrap around ("eabc" → "d"), as the course's do; the
// 26-letter task does not ("vwxy" → "z" is the last).
func (t task) samples() (ids [][]int, next []int) {
	n := len(t.alphabet)
	count := n
	if n > 5 {
		count = n - t.in
	}
	for s := 0; s < count; s++ {
		w := make([]int, t.in)
		for k := range w {
			w[k] = (s + k) % n
		}
		ids = append(ids, w)
		next = append(next, (s+t.in)%n)
	}
	return ids, next
}

// inputs encodes the windows as the model's input: indices (n, in) for an
// Embedding, one-hot rows (n, in, letters) otherwise.
func (t task) inputs(ids [][]int) *tensor.Tensor {
	n, l := len(ids), len(t.alphabet)
	if t.embed {
		x := tensor.New(tensor.Float32, n, t.in)
		for i, w := range ids {
			for k, id := range w {
				x.SetFloat(i*t.in+k, float64(id))
			}
		}
		return x
	}
	x := tensor.New(tensor.Float32, n, t.in, l)
	for i, w := range ids {
		for k, id := range w {
			x.SetFloat((i*t.in+k)*l+id, 1)
		}
	}
	return x
}

func (t task) model() *keras.Model {
	l := len(t.alphabet)
	var first []layers.Layer
	if t.embed {
		first = []layers.Layer{layers.Embedding(l, t.dim, layers.InputShape(t.in))}
	} else {
		first = []layers.Layer{layers.Input(t.in, l)}
	}
	return keras.NewSequential(append(first,
		layers.SimpleRNN(t.units),
		layers.Dense(l, layers.Activation("softmax")))...)
}

// train fits the task's model and predicts every training window.
func train(t task, epochs int, lr float64, seed int64) (Result, error) {
	keras.ClearSession()
	tensor.SetSeed(seed)
	ids, next := t.samples()
	x := t.inputs(ids)
	y := tensor.New(tensor.Int64, len(next))
	for i, v := range next {
		y.SetFloat(i, float64(v))
	}
	m := t.model()
	if err := m.Compile(optimizers.NewAdam(lr), "sparse_categorical_crossentropy", keras.Metrics("sparse_categorical_accuracy")); err != nil {
		return Result{}, err
	}
	h, err := m.Fit(x, y, keras.Epochs(epochs), keras.BatchSize(32), keras.Verbose(0))
	if err != nil {
		return Result{}, err
	}
	p, err := m.Predict(x, keras.Verbose(0))
	if err != nil {
		return Result{}, err
	}
	res := Result{Task: t.name, Total: len(ids)}
	if ls := h.History["loss"]; len(ls) > 0 {
		res.Loss = ls[len(ls)-1]
	}
	l := len(t.alphabet)
	for i, w := range ids {
		best := 0
		for c := 1; c < l; c++ {
			if p.Float(i*l+c) > p.Float(i*l+best) {
				best = c
			}
		}
		var in strings.Builder
		for _, id := range w {
			in.WriteByte(t.alphabet[id])
		}
		res.Predictions = append(res.Predictions, fmt.Sprintf("%s->%c", in.String(), t.alphabet[best]))
		if best == next[i] {
			res.Correct++
		}
	}
	return res, nil
}
