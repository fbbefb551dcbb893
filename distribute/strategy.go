package distribute

import (
	"errors"
	"fmt"
	"math"
	"os"
	"sync"

	"github.com/tensorgo/tensorgo/distribute/mpi"
	"github.com/tensorgo/tensorgo/keras"
	"github.com/tensorgo/tensorgo/tensor"
	"github.com/tensorgo/tensorgo/tf"
)

// DefaultBucketBytes is the default size of a fused gradient buffer: 4 MiB,
// a million float32 values.
const DefaultBucketBytes = 4 << 20

// Strategy is synchronous data-parallel training across the ranks of a
// [Communicator]: it averages gradients, broadcasts variables and averages
// logs. It implements [keras.Replicas] (pass it to keras.DataParallel) and
// serves graph-mode code directly. Its methods are collective: every rank
// calls them in the same order. A Strategy is used by one goroutine at a
// time.
type Strategy struct {
	comm    Communicator
	bucket  int
	overlap bool
	mpi     bool // comm came from InitMPI: Close finalizes it

	mu       sync.Mutex
	logs     []float64 // AverageLogs's scratch
	reducers []*reducer
	closed   bool
}

var _ keras.Replicas = (*Strategy)(nil)

// Option configures a Strategy.
type Option func(*Strategy)

// BucketBytes sets the most bytes of gradients fused into one allreduce
// (default DefaultBucketBytes). Gradients are packed, from the last layer's
// to the first's, into buckets of at most n bytes; a gradient larger than
// n has a bucket of its own. A smaller n starts the first allreduce earlier
// in the backward pass (with Overlap); a larger one makes fewer calls.
func BucketBytes(n int) Option { return func(s *Strategy) { s.bucket = n } }

// Overlap sets whether each bucket's allreduce runs on its own goroutine
// while the backward pass computes the gradients of the earlier layers
// (default false: each bucket is averaged in the step's own goroutine as
// soon as its gradients exist). Overlap pays when the machine has a core to
// spare for the communication (MPI polls while it waits) and the backward
// pass is long next to the allreduce, as for convolutional networks; the
// results are the same bits either way.
func Overlap(b bool) Option { return func(s *Strategy) { s.overlap = b } }

// New returns the data-parallel strategy over comm's ranks. It returns an
// error for a nil comm or an option out of range.
func New(comm Communicator, opts ...Option) (*Strategy, error) {
	if comm == nil || comm.Size() < 1 {
		return nil, errors.New("distribute: New: no communicator (use InitMPI, mpi.Init or NewLocalGroup)")
	}
	s := &Strategy{comm: comm, bucket: DefaultBucketBytes}
	for _, o := range opts {
		o(s)
	}
	if s.bucket < 1 {
		return nil, fmt.Errorf("distribute: New: BucketBytes must be positive, got %d", s.bucket)
	}
	return s, nil
}

// InitMPI initialises MPI (mpi.Init) and returns the strategy over all the
// job's ranks; Close finalizes MPI. Without the mpi build tag it is a job of
// one rank.
func InitMPI(opts ...Option) (*Strategy, error) {
	c, err := mpi.Init()
	if err != nil {
		return nil, fmt.Errorf("distribute: %w", err)
	}
	s, err := New(c, opts...)
	if err != nil {
		c.Finalize()
		return nil, err
	}
	s.mpi = true
	return s, nil
}

// Comm returns the strategy's communicator.
func (s *Strategy) Comm() Communicator { return s.comm }

// Rank returns this process's rank, from 0 to Size()-1.
func (s *Strategy) Rank() int { return s.comm.Rank() }

// Size returns the number of ranks.
func (s *Strategy) Size() int { return s.comm.Size() }

// IsChief reports whether this is rank 0, the rank that prints and writes
// checkpoints and logs.
func (s *Strategy) IsChief() bool { return s.comm.Rank() == 0 }

// Device returns this rank's device string, "/job:worker/task:K".
func (s *Strategy) Device() string { return WorkerDevice(s.comm.Rank()) }

// ReduceGradients returns the average over the ranks of each of grads, the
// gradients of vars (graph mode: symbolic tensors of one graph; nil
// gradients stay nil). Apply the result with the optimizer's
// ApplyGradientsOp. Each run of the returned tensors makes the
// allreduce calls of the buckets, the same on every rank; the results of a
// run are valid until the next one. It implements keras.GradientReducer.
// It panics if the lengths differ, a gradient does not match its variable,
// or a variable is neither float32 nor float64.
func (s *Strategy) ReduceGradients(grads []*tf.Tensor, vars []*tf.Variable) []*tf.Tensor {
	if len(grads) != len(vars) {
		panic(fmt.Sprintf("distribute: ReduceGradients: %d gradients for %d variables", len(grads), len(vars)))
	}
	var gs []*tf.Tensor
	var vs []*tf.Variable
	var at []int
	for i, g := range grads {
		if g == nil {
			continue
		}
		if g.DType() != vars[i].DType() || !g.Shape().CompatibleWith(vars[i].Shape()) {
			panic(fmt.Sprintf("distribute: ReduceGradients: gradient %d is %v %v but variable %s is %v %v", i, g.DType(), g.Shape(), vars[i].Name(), vars[i].DType(), vars[i].Shape()))
		}
		gs, vs, at = append(gs, g), append(vs, vars[i]), append(at, i)
	}
	out := make([]*tf.Tensor, len(grads))
	if len(gs) == 0 {
		return out
	}
	r := newReducer(s.comm, vs, s.bucket, s.overlap)
	s.mu.Lock()
	s.reducers = append(s.reducers, r)
	s.mu.Unlock()
	var starts []*tf.Tensor
	for k, in := range r.bucketInputs(gs) {
		op := tf.NewOp(startOp, in, map[string]any{"bucket": r.buckets[k]}, tf.Name("allreduce_start"))
		starts = append(starts, op.Outputs()[0])
	}
	wait := tf.NewOp(waitOp, starts, map[string]any{"reducer": r}, tf.Name("allreduce_wait"))
	for j, t := range wait.Outputs() {
		out[at[j]] = t
	}
	return out
}

// BroadcastVariables sets every rank's vars to rank 0's values: call it
// once the variables are initialised (Fit does it when training starts).
// Every rank must pass variables of the same dtypes and shapes, in the same
// order; a rank whose variables take another number of bytes than rank 0's
// gets an error (and the job should Abort).
func (s *Strategy) BroadcastVariables(vars []*tf.Variable) error {
	total := 0
	for _, v := range vars {
		if v.Value() == nil {
			return fmt.Errorf("distribute: BroadcastVariables: variable %s is not initialised", v.Name())
		}
		total += v.Value().Size() * v.DType().Size()
	}
	n, err := s.BroadcastInt(int64(total))
	if err != nil {
		return fmt.Errorf("distribute: BroadcastVariables: %w", err)
	}
	if n != int64(total) {
		return fmt.Errorf("distribute: BroadcastVariables: rank %d's %d variables take %d bytes, rank 0's %d: the ranks' models differ", s.Rank(), len(vars), total, n)
	}
	buf := make([]byte, 0, total)
	if s.Rank() == 0 {
		for _, v := range vars {
			buf = append(buf, v.Value().Bytes()...)
		}
	} else {
		buf = buf[:total]
	}
	if err := s.comm.BroadcastBytes(buf, 0); err != nil {
		return fmt.Errorf("distribute: BroadcastVariables: %w", err)
	}
	if s.Rank() == 0 {
		return nil
	}
	for _, v := range vars {
		nb := v.Value().Size() * v.DType().Size()
		x, err := tensor.FromBytes(v.DType(), buf[:nb], v.Shape()...)
		if err != nil {
			return fmt.Errorf("distribute: BroadcastVariables: %s: %w", v.Name(), err)
		}
		if err := v.SetValue(x); err != nil {
			return fmt.Errorf("distribute: BroadcastVariables: %w", err)
		}
		buf = buf[nb:]
	}
	return nil
}

// AverageVariables replaces each float32 and float64 variable of vars, on
// every rank, with its mean over the ranks (one allreduce, in float64, so
// that a variable equal on every rank keeps its float32 value exactly);
// variables of other dtypes are left as they are. Every rank must pass
// variables of the same dtypes and shapes, in the same order. Keras's Fit
// calls it at the end of every epoch for the model's non-trainable weights
// (BatchNormalization's moving statistics). It implements keras.Replicas.
func (s *Strategy) AverageVariables(vars []*tf.Variable) error {
	total := 0
	for _, v := range vars {
		if dt := v.DType(); (dt == tensor.Float32 || dt == tensor.Float64) && v.Value() != nil {
			total += v.Value().Size()
		}
	}
	if total == 0 {
		return nil
	}
	buf := make([]float64, 0, total)
	each := func(f func(x *tensor.Tensor)) {
		for _, v := range vars {
			if dt := v.DType(); (dt == tensor.Float32 || dt == tensor.Float64) && v.Value() != nil {
				f(v.Value())
			}
		}
	}
	each(func(x *tensor.Tensor) {
		for i := range x.Size() {
			buf = append(buf, x.Float(i))
		}
	})
	if err := s.comm.AllreduceFloat64(buf, mpi.Sum); err != nil {
		return fmt.Errorf("distribute: AverageVariables: %w", err)
	}
	n := float64(s.Size())
	each(func(x *tensor.Tensor) {
		for i := range x.Size() {
			x.SetFloat(i, buf[0]/n)
			buf = buf[1:]
		}
	})
	return nil
}

// BroadcastInt returns rank 0's v on every rank (an epoch to resume from, a
// seed).
func (s *Strategy) BroadcastInt(v int64) (int64, error) {
	var b [8]byte
	for i := range b {
		b[i] = byte(uint64(v) >> (8 * i))
	}
	if err := s.comm.BroadcastBytes(b[:], 0); err != nil {
		return 0, err
	}
	var u uint64
	for i := range b {
		u |= uint64(b[i]) << (8 * i)
	}
	return int64(u), nil
}

// AverageLogs replaces vals, on every rank, with the ranks' vals averaged
// with weight as each rank's weight (the samples its values cover): one
// allreduce of len(vals)+1 float64 values. It allocates nothing once its
// scratch buffer is as long. A total weight of zero leaves vals as they
// are. It implements keras.Replicas.
func (s *Strategy) AverageLogs(vals []float64, weight float64) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	if cap(s.logs) < len(vals)+1 {
		s.logs = make([]float64, len(vals)+1)
	}
	buf := s.logs[:len(vals)+1]
	for i, v := range vals {
		buf[i] = v * weight
	}
	buf[len(vals)] = weight
	if err := s.comm.AllreduceFloat64(buf, mpi.Sum); err != nil {
		return err
	}
	w := buf[len(vals)]
	if w == 0 || math.IsNaN(w) {
		return nil
	}
	for i := range vals {
		vals[i] = buf[i] / w
	}
	return nil
}

// Abort reports err on standard error, naming the rank, and ends the whole
// job (MPI_Abort, exit status 1), so that no rank waits for this one. It
// does not return. Communicators that cannot abort a job (NewLocalGroup's)
// end this process with os.Exit(1).
func (s *Strategy) Abort(err error) {
	fmt.Fprintf(os.Stderr, "rank %d of %d: %v; aborting the job\n", s.Rank(), s.Size(), err)
	if a, ok := s.comm.(aborter); ok {
		a.Abort(1)
	}
	os.Exit(1)
}

// Close stops the goroutines of Overlap and, for a strategy from InitMPI,
// finalizes MPI (every rank must call it then). Training steps built
// before must not run after Close.
func (s *Strategy) Close() error {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.closed {
		return nil
	}
	s.closed = true
	for _, r := range s.reducers {
		r.close()
	}
	if c, ok := s.comm.(*mpi.Comm); ok && s.mpi {
		return c.Finalize()
	}
	return nil
}
