// Package tensorgo is a deep-learning framework for Go: tensors, automatic
// differentiation, graph-and-session and eager execution, Keras-style models,
// optimizers, data pipelines and datasets, in pure Go.
//
// This root package holds process-wide settings. The work is done in its
// sub-packages: tensor (n-dimensional values and their math), tf (graphs,
// sessions, eager execution and gradients), optimizers, keras and
// keras/layers, data and datasets.
package tensorgo

import "github.com/tensorgo/tensorgo/internal/parallel"

// SetNumThreads sets how many goroutines tensorgo's kernels use at once. The
// default is GOMAXPROCS, or the TENSORGO_NUM_THREADS environment variable when
// it is set. Values below 1 mean 1.
func SetNumThreads(n int) { parallel.SetNumThreads(n) }

// NumThreads returns the current thread setting.
func NumThreads() int { return parallel.NumThreads() }
