// Package tensorgo is a deep-learning framework for Go: tensors, automatic
// differentiation, graph-and-session and eager execution, Keras-style models,
// optimizers, data pipelines and datasets, in pure Go.
//
// This root package holds process-wide settings. The work is done in its
// sub-packages: tensor (n-dimensional values and their math), tf (graphs,
// sessions, eager execution and gradients), optimizers, keras and
// keras/layers, data and datasets.
//
// Results do not depend on the settings here: the same seed gives the same
// bits at any thread count and on any instruction-set path.
package tensorgo

import (
	"github.com/tensorgo/tensorgo/internal/cpu"
	"github.com/tensorgo/tensorgo/internal/parallel"
)

// SetNumThreads sets how many goroutines tensorgo's kernels use at once. The
// default is GOMAXPROCS, or the TENSORGO_NUM_THREADS environment variable when
// it is set. Values below 1 mean 1.
func SetNumThreads(n int) { parallel.SetNumThreads(n) }

// NumThreads returns the current thread setting.
func NumThreads() int { return parallel.NumThreads() }

// SetISA chooses the instruction set the kernels use: "avx512", "avx2" or
// "generic" (portable Go). A choice wider than the processor supports falls
// back to the widest it does. The default is the widest supported, or the
// TENSORGO_ISA environment variable (same names) when it is set; building
// with the purego tag leaves only "generic". SetISA returns the instruction
// set now in use, or an error for an unknown name.
//
// Every instruction set gives the same bits; the setting trades speed only
// (and lets a test compare them).
func SetISA(name string) (string, error) {
	isa, err := cpu.Parse(name)
	if err != nil {
		return ISA(), err
	}
	return cpu.Set(isa).String(), nil
}

// ISA returns the instruction set the kernels use now.
func ISA() string { return cpu.Selected().String() }

// ISAs lists the instruction sets this machine and build can use, the
// widest (the default) first.
func ISAs() []string {
	var names []string
	for _, isa := range cpu.Available() {
		names = append(names, isa.String())
	}
	return names
}
