// Package mpi is a thin binding to MPI (the Message Passing Interface) for
// data-parallel training across processes: each process (a rank) holds a
// replica of the model, and after every step the ranks sum or average their
// gradients with an allreduce.
//
// The binding is compiled only with the build tag mpi:
//
//	go build -tags mpi ./...
//
// which uses cgo and Open MPI (on Debian, the packages openmpi-bin and
// libopenmpi-dev; pkg-config finds them as "ompi"). Without the tag the
// package is a pure-Go stand-in with the same API that behaves as the only
// rank of a one-process job: Rank is 0, Size is 1, an allreduce leaves its
// buffer as it is (a sum over one rank, or that sum divided by 1), a
// broadcast from root 0 and a barrier do nothing. The same program therefore
// runs unchanged as a single process, with or without MPI. [Enabled] tells
// which of the two was compiled in.
//
// A program calls [Init] once, uses the [Comm] it returns for the collective
// calls, and calls [Comm.Finalize] once before it exits. Under MPI the
// program is started by mpirun:
//
//	go build -tags mpi -o train ./cmd/train
//	mpirun -np 4 ./train
//
// Every rank must make the same collective calls in the same order with
// buffers of the same length, as MPI requires; a rank that stops early (an
// error, a panic, a signal) makes mpirun end the whole job.
//
// # Errors
//
// Every call that talks to MPI returns an error rather than aborting the
// process: the communicator uses MPI_ERRORS_RETURN, and an MPI error code
// becomes an [*Error] carrying the name of the MPI function and the text of
// MPI_Error_string. Calls on a nil or zero Comm return an error wrapping
// [ErrNotInitialized]; calls after Finalize return one wrapping
// [ErrFinalized].
//
// # Concurrency
//
// Init asks for MPI_THREAD_MULTIPLE (goroutines move between operating-system
// threads, so any thread may call MPI) and fails if the library provides
// less. The calls of a Comm may be made from any goroutine, but MPI matches
// collective calls by their order on each rank: goroutines that make
// collective calls at the same time must agree on that order themselves.
// Finalize waits for the calls in progress and makes later calls fail.
//
// # Memory
//
// The calls are blocking and work in place on Go slices: MPI reads and
// writes the slice's memory only while the call runs and keeps no pointer to
// it afterwards, as cgo's pointer-passing rules require. A steady-state
// allreduce allocates nothing.
package mpi
