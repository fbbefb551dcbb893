package distribute

import "github.com/tensorgo/tensorgo/distribute/mpi"

// Communicator is what a [Strategy] needs from the job's ranks: the
// collective calls of [*mpi.Comm], which implements it, as does a rank of
// [NewLocalGroup]. Every rank must make the same calls in the same order,
// with buffers of the same length.
type Communicator interface {
	// Rank is the calling rank, from 0 to Size()-1.
	Rank() int
	// Size is the number of ranks.
	Size() int
	// AllreduceFloat32 replaces buf, on every rank, with op (mpi.Sum or
	// mpi.Average) applied across the ranks' bufs.
	AllreduceFloat32(buf []float32, op mpi.Op) error
	// AllreduceFloat64 is AllreduceFloat32 for float64 values.
	AllreduceFloat64(buf []float64, op mpi.Op) error
	// BroadcastBytes copies the root rank's buf into every other rank's.
	BroadcastBytes(buf []byte, root int) error
}

// aborter is implemented by communicators that can end the whole job
// (*mpi.Comm's MPI_Abort).
type aborter interface {
	Abort(code int) error
}

var _ Communicator = (*mpi.Comm)(nil)
