package mpi

import "fmt"

// Op is the reduction an allreduce applies across ranks, element by element.
type Op int

const (
	// Sum leaves every rank with the sum of all ranks' values.
	Sum Op = iota + 1
	// Average leaves every rank with the sum of all ranks' values divided
	// by the number of ranks (the mean of the gradients in data-parallel
	// training).
	Average
)

// String returns the op's name, "Sum" or "Average".
func (op Op) String() string {
	switch op {
	case Sum:
		return "Sum"
	case Average:
		return "Average"
	}
	return fmt.Sprintf("Op(%d)", int(op))
}

// valid reports whether op is one of the package's ops.
func (op Op) valid() bool { return op == Sum || op == Average }
