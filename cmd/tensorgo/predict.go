package main

import (
	"encoding/json"
	"flag"
	"fmt"
	"io"
	"math"
	"os"
	"sort"
	"strconv"
	"strings"

	"github.com/tensorgo/tensorgo/keras"
	"github.com/tensorgo/tensorgo/tensor"
)

// prediction is one class of an image's top k.
type prediction struct {
	Class       string  `json:"class"`
	Index       int     `json:"index"`
	Probability float64 `json:"probability"`
}

// imageResult is what -json prints for one image.
type imageResult struct {
	Image       string       `json:"image"`
	Predictions []prediction `json:"predictions"`
}

// runPredict classifies pictures with a saved model (the course's 给图识物,
// "recognise the thing in a picture"): it loads MODEL (.keras), turns each
// IMAGE into the model's input as the course prepares photos for its MNIST
// model, and prints the top k classes with their probabilities.
func runPredict(args []string, stdout, stderr io.Writer) error {
	fs := flag.NewFlagSet("predict", flag.ContinueOnError)
	fs.SetOutput(stderr)
	k := fs.Int("k", 3, "how many of the most likely classes to print")
	classes := fs.String("classes", "", "class names, comma-separated, or @FILE with one name a line (default: the names stored in the model file, else the class indices)")
	asJSON := fs.Bool("json", false, "print JSON: a list of {image, predictions: [{class, index, probability}]}")
	invert := fs.String("invert", "auto", "for grayscale models: invert the picture: auto (when its border is light, as a drawing on white paper), yes or no")
	fs.Usage = func() {
		fmt.Fprintln(stderr, "usage: tensorgo predict [-k 3] [-classes NAMES|@FILE] [-json] [-invert auto|yes|no] MODEL.keras IMAGE...")
		fs.PrintDefaults()
	}
	if err := fs.Parse(args); err != nil {
		return errUsage
	}
	if fs.NArg() < 2 || *k < 1 {
		fs.Usage()
		return errUsage
	}
	var inv invertMode
	switch *invert {
	case "auto":
		inv = invertAuto
	case "yes", "true":
		inv = invertAlways
	case "no", "false":
		inv = invertNever
	default:
		fmt.Fprintf(stderr, "tensorgo predict: -invert must be auto, yes or no, got %q\n", *invert)
		return errUsage
	}
	mf, err := keras.ReadModelFile(fs.Arg(0))
	if err != nil {
		return err
	}
	m := mf.Model
	if len(m.Inputs()) != 1 {
		return fmt.Errorf("%s: the model has %d inputs; tensorgo predict feeds one picture", fs.Arg(0), len(m.Inputs()))
	}
	g, err := geometryOf(m.Inputs()[0].Shape())
	if err != nil {
		return fmt.Errorf("%s: %v", fs.Arg(0), err)
	}
	names := mf.ClassNames
	if *classes != "" {
		if names, err = parseClasses(*classes); err != nil {
			return err
		}
	}
	var results []imageResult
	for _, path := range fs.Args()[1:] {
		x, err := loadPicture(path, g, inv)
		if err != nil {
			return err
		}
		y, err := m.Predict(x, keras.Verbose(0))
		if err != nil {
			return fmt.Errorf("%s: %v", path, err)
		}
		probs := probabilities(y)
		if names != nil && len(names) != len(probs) {
			return fmt.Errorf("%d class names for a model with %d outputs", len(names), len(probs))
		}
		results = append(results, imageResult{path, topK(probs, *k, names)})
	}
	if *asJSON {
		enc := json.NewEncoder(stdout)
		enc.SetIndent("", "  ")
		return enc.Encode(results)
	}
	for _, r := range results {
		parts := make([]string, len(r.Predictions))
		for i, p := range r.Predictions {
			parts[i] = fmt.Sprintf("%s (%.2f%%)", p.Class, 100*p.Probability)
		}
		if _, err := fmt.Fprintf(stdout, "%s: %s\n", r.Image, strings.Join(parts, ", ")); err != nil {
			return err
		}
	}
	return nil
}

// parseClasses reads -classes: a comma-separated list or @FILE.
func parseClasses(s string) ([]string, error) {
	if file, ok := strings.CutPrefix(s, "@"); ok {
		b, err := os.ReadFile(file)
		if err != nil {
			return nil, fmt.Errorf("-classes: %v", err)
		}
		var out []string
		for _, line := range strings.Split(string(b), "\n") {
			if line = strings.TrimSpace(line); line != "" {
				out = append(out, line)
			}
		}
		return out, nil
	}
	out := strings.Split(s, ",")
	for i := range out {
		out[i] = strings.TrimSpace(out[i])
	}
	return out, nil
}

// probabilities returns the model's output for one sample as
// probabilities: as it is when it already is a distribution (a softmax
// output), otherwise through a softmax (logits).
func probabilities(y *tensor.Tensor) []float64 {
	p := make([]float64, y.Size())
	sum, ok := 0.0, true
	for i := range p {
		p[i] = y.Float(i)
		sum += p[i]
		if p[i] < 0 || p[i] > 1 || math.IsNaN(p[i]) {
			ok = false
		}
	}
	if ok && math.Abs(sum-1) < 1e-3 {
		return p
	}
	mx := math.Inf(-1)
	for _, v := range p {
		mx = math.Max(mx, v)
	}
	sum = 0
	for i, v := range p {
		p[i] = math.Exp(v - mx)
		sum += p[i]
	}
	for i := range p {
		p[i] /= sum
	}
	return p
}

// topK returns the k most probable classes, most probable first (ties in
// index order).
func topK(p []float64, k int, names []string) []prediction {
	idx := make([]int, len(p))
	for i := range idx {
		idx[i] = i
	}
	sort.SliceStable(idx, func(a, b int) bool { return p[idx[a]] > p[idx[b]] })
	if k > len(idx) {
		k = len(idx)
	}
	out := make([]prediction, k)
	for i, j := range idx[:k] {
		name := strconv.Itoa(j)
		if names != nil {
			name = names[j]
		}
		out[i] = prediction{name, j, p[j]}
	}
	return out
}
