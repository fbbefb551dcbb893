package mpi

import (
	"errors"
	"fmt"
)

// ErrNotInitialized is wrapped by the error of a call on a nil or zero
// [Comm], one that did not come from [Init].
var ErrNotInitialized = errors.New("communicator not initialised (use the Comm returned by Init)")

// ErrFinalized is wrapped by the error of a call made after
// [Comm.Finalize], and by a second call of [Init] after Finalize: MPI cannot
// be initialised twice in one process.
var ErrFinalized = errors.New("communicator finalized")

// ErrInitialized is wrapped by the error of a second call of [Init] while
// the first one's communicator is still in use.
var ErrInitialized = errors.New("already initialised (Init may be called once per process)")

// Error is an error reported by the MPI library.
type Error struct {
	// Func is the MPI function that failed, for example "MPI_Bcast".
	Func string
	// Code is the MPI error code it returned and Class its error class
	// (MPI_Error_class), for example MPI_ERR_ROOT.
	Code, Class int
	// Message is the library's text for Code (MPI_Error_string).
	Message string
}

// Error returns "mpi: " followed by the function's name and the library's
// message.
func (e *Error) Error() string {
	return fmt.Sprintf("mpi: %s: %s (error code %d)", e.Func, e.Message, e.Code)
}

// callError names the package's call in front of a sentinel error.
func callError(call string, err error) error {
	return fmt.Errorf("mpi: %s: %w", call, err)
}
