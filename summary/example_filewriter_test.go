package summary_test

import (
	"fmt"
	"os"

	"github.com/tensorgo/tensorgo/summary"
	"github.com/tensorgo/tensorgo/tensor"
	"github.com/tensorgo/tensorgo/tf"
)

// Graph mode, as in TensorFlow 1: summary ops in the graph, merged, run
// with the training step, and written by a FileWriter that also writes the
// graph for the Graphs tab.
func ExampleFileWriter() {
	dir, _ := os.MkdirTemp("", "logs")
	defer os.RemoveAll(dir)

	g := tf.NewGraph()
	x := tf.Placeholder(g, tf.Float32, tf.Shape{-1}, tf.Name("x"))
	w := tf.NewVariable(g, tensor.FromSlice([]float32{2}), tf.Name("w"))
	errT := tf.ReduceMean(tf.Square(tf.Sub(tf.Mul(x, w.Tensor()), x)), nil, false)
	summary.Scalar("error", errT)
	summary.Histogram("weights", w.Tensor())
	merged := summary.MergeAll(g)

	fw, err := summary.NewFileWriter(dir, g)
	if err != nil {
		fmt.Println(err)
		return
	}
	sess := tf.NewSession(g)
	if _, err := sess.Run(nil, nil, tf.GlobalVariablesInitializer(g)); err != nil {
		fmt.Println(err)
		return
	}
	for i, xs := range [][]float32{{1, 2}, {3}} {
		out, err := sess.Run(tf.Feeds{x: tensor.FromSlice(xs)}, []*tf.Tensor{merged})
		if err != nil {
			fmt.Println(err)
			return
		}
		fw.AddSummary(out[0], int64(i))
	}
	if err := fw.Close(); err != nil {
		fmt.Println(err)
		return
	}

	events, _ := summary.ReadFile(fw.Path())
	fmt.Println("graph:", len(events[1].GraphDef) > 0)
	for _, ev := range events[2:] {
		fmt.Println(ev.Step, ev.Values[0].Tag, ev.Values[0].Scalar, ev.Values[1].Tag, ev.Values[1].Plugin)
	}
	// Output:
	// graph: true
	// 0 error 2.5 weights histograms
	// 1 error 9 weights histograms
}
