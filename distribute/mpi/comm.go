package mpi

import (
	"encoding/binary"
	"fmt"
	"math"
	"sync"
)

// Comm is the communicator of all the job's ranks (MPI_COMM_WORLD, or rather
// a private duplicate of it, so that the package's calls never match other
// code's messages). Get it from [Init]; a nil or zero Comm is not
// initialised and its calls return an error.
//
// A Comm's calls may be made from several goroutines (see the package
// documentation on concurrency); Finalize waits for those in progress.
type Comm struct {
	rank, size int

	mu   sync.RWMutex // held for reading by calls, for writing by Finalize
	done bool         // Finalize has been called
}

// The process's MPI state: MPI may be initialised and finalized once.
var (
	initMu    sync.Mutex
	initState int // one of the states below
)

const (
	stateNew = iota
	stateActive
	stateFinalized
)

// maxCount is the most elements one MPI call is given (MPI counts are C
// ints); longer buffers go in pieces. A variable so that tests can lower it.
var maxCount = math.MaxInt32

// Enabled reports whether the package was built with the mpi build tag and
// talks to a real MPI library; when false it is the single-rank stand-in.
func Enabled() bool { return enabled }

// Init initialises MPI, asking for MPI_THREAD_MULTIPLE, and returns the
// communicator of all the job's ranks. It returns an error if the library
// provides a lower thread level, if it fails, or if Init has been called
// before in this process (MPI cannot be initialised twice, not even after
// Finalize). Without the mpi build tag it returns the communicator of a
// one-rank job.
func Init() (*Comm, error) {
	initMu.Lock()
	defer initMu.Unlock()
	switch initState {
	case stateActive:
		return nil, callError("Init", ErrInitialized)
	case stateFinalized:
		return nil, callError("Init", ErrFinalized)
	}
	rank, size, err := backendInit()
	if err != nil {
		// The backend has shut MPI down again; it cannot be retried.
		initState = stateFinalized
		return nil, err
	}
	initState = stateActive
	return &Comm{rank: rank, size: size}, nil
}

// Finalize shuts MPI down; every rank must call it once before it exits.
// It waits for the Comm's calls in progress; later calls return an error
// wrapping [ErrFinalized], as does a second Finalize.
func (c *Comm) Finalize() error {
	if err := c.usable("Finalize"); err != nil {
		return err
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.done {
		return callError("Finalize", ErrFinalized)
	}
	c.done = true
	initMu.Lock()
	initState = stateFinalized
	initMu.Unlock()
	return backendFinalize()
}

// Rank returns the calling process's rank, from 0 to Size()-1. It is known
// from Init on and stays readable after Finalize; a Comm that is not
// initialised reports 0.
func (c *Comm) Rank() int {
	if c == nil {
		return 0
	}
	return c.rank
}

// Size returns the number of ranks in the job (1 for the stand-in). A Comm
// that is not initialised reports 0.
func (c *Comm) Size() int {
	if c == nil {
		return 0
	}
	return c.size
}

// AllreduceFloat32 replaces buf, on every rank, with op applied across the
// ranks' bufs element by element. Every rank must pass a buf of the same
// length; an empty buf makes no MPI call. Sums of float32 are computed in
// float32, in an order MPI chooses.
func (c *Comm) AllreduceFloat32(buf []float32, op Op) error {
	if err := c.enter("AllreduceFloat32", op); err != nil {
		return err
	}
	defer c.mu.RUnlock()
	if err := chunked(buf, 0, backendAllreduceSum32); err != nil {
		return err
	}
	if op == Average && c.size > 1 {
		divide(buf, c.size)
	}
	return nil
}

// AllreduceFloat64 is [Comm.AllreduceFloat32] for float64 values.
func (c *Comm) AllreduceFloat64(buf []float64, op Op) error {
	if err := c.enter("AllreduceFloat64", op); err != nil {
		return err
	}
	defer c.mu.RUnlock()
	if err := chunked(buf, 0, backendAllreduceSum64); err != nil {
		return err
	}
	if op == Average && c.size > 1 {
		divide(buf, c.size)
	}
	return nil
}

// BroadcastFloat32 copies the root rank's buf into every other rank's buf.
// Every rank must pass the same root and a buf of the same length. A root
// outside [0, Size()) is an error on every rank (unless buf is empty: then
// no MPI call is made).
func (c *Comm) BroadcastFloat32(buf []float32, root int) error {
	if err := c.enter("BroadcastFloat32", Sum); err != nil {
		return err
	}
	defer c.mu.RUnlock()
	return chunked(buf, root, backendBcast32)
}

// BroadcastFloat64 is [Comm.BroadcastFloat32] for float64 values.
func (c *Comm) BroadcastFloat64(buf []float64, root int) error {
	if err := c.enter("BroadcastFloat64", Sum); err != nil {
		return err
	}
	defer c.mu.RUnlock()
	return chunked(buf, root, backendBcast64)
}

// BroadcastBytes is [Comm.BroadcastFloat32] for bytes.
func (c *Comm) BroadcastBytes(buf []byte, root int) error {
	return c.broadcastBytes("BroadcastBytes", buf, root)
}

// broadcastBytes is BroadcastBytes with the name of the caller's call for
// its errors.
func (c *Comm) broadcastBytes(call string, buf []byte, root int) error {
	if err := c.enter(call, Sum); err != nil {
		return err
	}
	defer c.mu.RUnlock()
	return chunked(buf, root, backendBcastBytes)
}

// BroadcastMessage sends msg, of any length, from the root rank to all the
// others, for small configuration such as a seed or a JSON file's bytes.
// The root returns its msg itself; the other ranks ignore their msg and
// return a new slice holding the root's. Every rank must pass the same root.
func (c *Comm) BroadcastMessage(msg []byte, root int) ([]byte, error) {
	if err := c.usable("BroadcastMessage"); err != nil {
		return nil, err
	}
	var head [8]byte // the length, little-endian
	if c.rank == root {
		binary.LittleEndian.PutUint64(head[:], uint64(len(msg)))
	}
	if err := c.broadcastBytes("BroadcastMessage", head[:], root); err != nil {
		return nil, err
	}
	n := binary.LittleEndian.Uint64(head[:])
	if c.rank != root {
		if n > math.MaxInt {
			return nil, fmt.Errorf("mpi: BroadcastMessage: root %d announced %d bytes", root, n)
		}
		msg = make([]byte, n)
	}
	if err := c.broadcastBytes("BroadcastMessage", msg, root); err != nil {
		return nil, err
	}
	return msg, nil
}

// Barrier returns once every rank has called it.
func (c *Comm) Barrier() error {
	if err := c.enter("Barrier", Sum); err != nil {
		return err
	}
	defer c.mu.RUnlock()
	return backendBarrier()
}

// Abort ends every rank of the job (MPI_Abort), making mpirun exit with a
// failure status; code is the exit status it asks for. It does not return
// when it succeeds. The stand-in ends the process with os.Exit(code).
func (c *Comm) Abort(code int) error {
	if err := c.enter("Abort", Sum); err != nil {
		return err
	}
	defer c.mu.RUnlock()
	return backendAbort(code)
}

// usable checks that c came from Init, without looking at Finalize.
func (c *Comm) usable(call string) error {
	if c == nil || c.size == 0 {
		return callError(call, ErrNotInitialized)
	}
	return nil
}

// enter checks that c may be used and that op is valid, and on success
// holds c.mu for reading: the caller must release it.
func (c *Comm) enter(call string, op Op) error {
	if err := c.usable(call); err != nil {
		return err
	}
	if !op.valid() {
		return fmt.Errorf("mpi: %s: unknown op %v (want Sum or Average)", call, op)
	}
	c.mu.RLock()
	if c.done {
		c.mu.RUnlock()
		return callError(call, ErrFinalized)
	}
	return nil
}

// chunked calls f on buf in pieces of at most maxCount elements; an empty
// buf makes no call.
func chunked[T any](buf []T, root int, f func([]T, int) error) error {
	for len(buf) > 0 {
		n := min(len(buf), maxCount)
		if err := f(buf[:n], root); err != nil {
			return err
		}
		buf = buf[n:]
	}
	return nil
}

// divide divides every element of buf by n.
func divide[T float32 | float64](buf []T, n int) {
	d := T(n)
	for i := range buf {
		buf[i] /= d
	}
}
