package main

import (
	"flag"
	"fmt"
	"io"

	"github.com/tensorgo/tensorgo/internal/atomicfile"
	"github.com/tensorgo/tensorgo/keras"
	"github.com/tensorgo/tensorgo/onnx"
)

// runExport converts a saved Keras model to another format: ONNX, for ONNX
// Runtime and the other tools that read it. The file is written whole or
// not at all.
func runExport(args []string, stdout, stderr io.Writer) error {
	fs := flag.NewFlagSet("export", flag.ContinueOnError)
	fs.SetOutput(stderr)
	format := fs.String("format", "onnx", `the output format: "onnx"`)
	fs.Usage = func() {
		fmt.Fprintln(stderr, "usage: tensorgo export [-format onnx] MODEL.keras OUT")
		fs.PrintDefaults()
	}
	if err := fs.Parse(args); err != nil {
		return errUsage
	}
	if fs.NArg() != 2 {
		fs.Usage()
		return errUsage
	}
	if *format != "onnx" {
		return fmt.Errorf("-format %q: the only format is onnx", *format)
	}
	m, err := keras.LoadModel(fs.Arg(0))
	if err != nil {
		return err
	}
	model, err := onnx.ExportKeras(m)
	if err != nil {
		return err
	}
	b, err := onnx.Encode(model)
	if err != nil {
		return err
	}
	out := fs.Arg(1)
	if err := atomicfile.Write(out, func(w io.Writer) error {
		_, err := w.Write(b)
		return err
	}); err != nil {
		return err
	}
	fmt.Fprintf(stdout, "wrote %s (%d nodes, %d weights, %d bytes)\n", out, len(model.Graph.Nodes), len(model.Graph.Initializers), len(b))
	return nil
}
