// Command tensorgo is tensorgo's tool for what surrounds training: a board
// that shows TensorBoard event files in a browser, predicting pictures with
// saved models (Keras 3 .keras files, from tensorgo or from Keras),
// printing their summaries, exporting them to ONNX and inspecting
// checkpoints.
//
// Usage:
//
//	tensorgo board [-addr 127.0.0.1:6006] LOGDIR
//	tensorgo export [-format onnx] MODEL.keras OUT.onnx
//	tensorgo inspect [-values] CHECKPOINT|DIR
//	tensorgo predict [-k 3] [-classes NAMES|@FILE] [-json] [-invert auto|yes|no] MODEL.keras IMAGE...
//	tensorgo summary MODEL.keras
//
// Run `tensorgo help COMMAND` for a command's flags.
package main

import (
	"fmt"
	"io"
	"os"
)

// command is one subcommand: it parses its own flags from args and writes
// to stdout and stderr.
type command struct {
	name, usage string
	run         func(args []string, stdout, stderr io.Writer) error
}

var commands = []command{
	{"board", "board [-addr HOST:PORT] LOGDIR      serve the scalars, histograms, images and text of event files", runBoard},
	{"export", "export [-format onnx] MODEL OUT       convert a saved .keras model to ONNX (for ONNX Runtime and others)", runExport},
	{"inspect", "inspect [-values] CHECKPOINT|DIR    list a checkpoint's tensors (and print their values)", runInspect},
	{"predict", "predict [-k 3] [-json] MODEL IMAGE... classify pictures (PNG, JPEG, GIF) with a saved .keras model", runPredict},
	{"summary", "summary MODEL                       print a saved .keras model's layers, shapes and parameter counts", runSummary},
}

func usage(w io.Writer) {
	fmt.Fprintln(w, "usage: tensorgo COMMAND [flags] ARGS")
	fmt.Fprintln(w, "commands:")
	for _, c := range commands {
		fmt.Fprintln(w, "  "+c.usage)
	}
}

func main() {
	os.Exit(run(os.Args[1:], os.Stdout, os.Stderr))
}

// run dispatches to a subcommand and returns the exit code: 0 on success,
// 1 when the command fails, 2 for bad usage.
func run(args []string, stdout, stderr io.Writer) int {
	if len(args) == 0 || args[0] == "-h" || args[0] == "--help" {
		usage(stderr)
		return 2
	}
	name := args[0]
	if name == "help" && len(args) > 1 {
		name, args = args[1], []string{args[1], "-h"}
	}
	for _, c := range commands {
		if c.name == name {
			if err := c.run(args[1:], stdout, stderr); err != nil {
				if err == errUsage {
					return 2
				}
				fmt.Fprintf(stderr, "tensorgo %s: %v\n", name, err)
				return 1
			}
			return 0
		}
	}
	fmt.Fprintf(stderr, "tensorgo: unknown command %q\n", name)
	usage(stderr)
	return 2
}
