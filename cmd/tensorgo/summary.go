package main

import (
	"flag"
	"fmt"
	"io"

	"github.com/tensorgo/tensorgo/keras"
)

// runSummary prints Keras's summary table (layers, output shapes,
// parameter counts and totals) of a saved model.
func runSummary(args []string, stdout, stderr io.Writer) error {
	fs := flag.NewFlagSet("summary", flag.ContinueOnError)
	fs.SetOutput(stderr)
	fs.Usage = func() {
		fmt.Fprintln(stderr, "usage: tensorgo summary MODEL.keras")
		fs.PrintDefaults()
	}
	if err := fs.Parse(args); err != nil {
		return errUsage
	}
	if fs.NArg() != 1 {
		fs.Usage()
		return errUsage
	}
	m, err := keras.LoadModel(fs.Arg(0))
	if err != nil {
		return err
	}
	return m.Summary(stdout)
}
