package distribute

import (
	"fmt"
	"sync"

	"github.com/tensorgo/tensorgo/distribute/mpi"
	"github.com/tensorgo/tensorgo/tensor"
	"github.com/tensorgo/tensorgo/tf"
)

// The gradient allreduce as graph ops. ReduceGradients splits the gradients
// into buckets (fused buffers) and builds, per bucket, one
// DistributeAllreduceStart op whose inputs are the bucket's gradients, and
// one DistributeAllreduceWait op that takes every bucket's start and whose
// outputs are the averaged gradients. The buckets are filled from the last
// variable to the first, the order in which the backward pass produces the
// gradients, and a plan runs each start as soon as its bucket's gradients
// exist: the start copies them into its buffer and averages it across the
// ranks, either at once or (Overlap) on a goroutine while the backward
// pass goes on; the wait makes sure every bucket is done. Its outputs are
// views of the buckets' buffers, made once, so a step allocates nothing.

const (
	startOp = "DistributeAllreduceStart"
	waitOp  = "DistributeAllreduceWait"
)

func init() {
	tf.RegisterOp(&tf.OpDef{
		Type:     startOp,
		Stateful: true,
		Attrs:    []tf.AttrDef{{Name: "bucket", Type: tf.AttrAny}},
		Infer: func(op *tf.Operation, in []tf.TensorSpec) []tf.TensorSpec {
			b := op.Attr("bucket").(*bucket)
			if len(in) != len(b.sizes) {
				panic(fmt.Sprintf("distribute: %s: %d inputs for a bucket of %d gradients", startOp, len(in), len(b.sizes)))
			}
			for i, s := range in {
				if s.DType != b.dtype || !s.Shape.CompatibleWith(b.views[i].Shape()) {
					panic(fmt.Sprintf("distribute: %s: gradient %d is %v %v, want %v %v", startOp, i, s.DType, s.Shape, b.dtype, b.views[i].Shape()))
				}
			}
			return []tf.TensorSpec{{DType: tensor.Float32, Shape: tensor.Shape{}}}
		},
		Kernel: func(op *tf.Operation, in, out []*tensor.Tensor) error {
			return op.Attr("bucket").(*bucket).start(in)
		},
	})
	tf.RegisterOp(&tf.OpDef{
		Type:        waitOp,
		Stateful:    true,
		SetsOutputs: true,
		Attrs:       []tf.AttrDef{{Name: "reducer", Type: tf.AttrAny}},
		Infer: func(op *tf.Operation, in []tf.TensorSpec) []tf.TensorSpec {
			r := op.Attr("reducer").(*reducer)
			specs := make([]tf.TensorSpec, len(r.outs))
			for i, v := range r.outs {
				specs[i] = tf.TensorSpec{DType: v.DType(), Shape: v.Shape()}
			}
			return specs
		},
		Kernel: func(op *tf.Operation, in, out []*tensor.Tensor) error {
			r := op.Attr("reducer").(*reducer)
			var first error
			for _, b := range r.buckets {
				if err := b.finish(); err != nil && first == nil {
					first = err
				}
			}
			copy(out, r.outs)
			return first
		},
	})
}

// reducer is one ReduceGradients call's buckets and outputs.
type reducer struct {
	comm    Communicator
	buckets []*bucket
	outs    []*tensor.Tensor // the averaged gradients, in the gradients' order: views of the buckets
	work    chan *bucket     // Overlap: buckets for the worker goroutine; nil otherwise
	stop    sync.Once
}

// bucket is a fused buffer of gradients of one dtype.
type bucket struct {
	r     *reducer
	dtype tensor.DType
	f32   []float32
	f64   []float64
	offs  []int            // each gradient's offset in the buffer
	sizes []int            // and its number of elements
	views []*tensor.Tensor // each gradient's view of the buffer
	// pending is set while the worker averages the buffer; done receives
	// its result. err is the result of an allreduce made at once.
	pending bool
	done    chan error
	err     error
}

// start copies the gradients into the buffer and averages it across the
// ranks, at once or on the worker.
func (b *bucket) start(in []*tensor.Tensor) error {
	if b.pending { // a previous run stopped before its wait: drain it
		<-b.done
		b.pending = false
	}
	for i, t := range in {
		switch b.dtype {
		case tensor.Float32:
			copy(b.f32[b.offs[i]:b.offs[i]+b.sizes[i]], t.Float32s())
		default:
			copy(b.f64[b.offs[i]:b.offs[i]+b.sizes[i]], t.Float64s())
		}
	}
	if b.r.work != nil {
		b.pending = true
		b.r.work <- b
		return nil
	}
	b.err = b.allreduce()
	return b.err
}

// finish waits for the bucket's allreduce and returns its error.
func (b *bucket) finish() error {
	if b.pending {
		b.err = <-b.done
		b.pending = false
	}
	return b.err
}

func (b *bucket) allreduce() error {
	if b.dtype == tensor.Float32 {
		return b.r.comm.AllreduceFloat32(b.f32, mpi.Average)
	}
	return b.r.comm.AllreduceFloat64(b.f64, mpi.Average)
}

// worker averages the buckets sent to it, in order, until the reducer is
// closed.
func (r *reducer) worker() {
	for b := range r.work {
		b.done <- b.allreduce()
	}
}

func (r *reducer) close() {
	r.stop.Do(func() {
		if r.work != nil {
			close(r.work)
		}
	})
}

// newReducer lays out the buckets for gradients of vars: the last
// variable's gradient first, a new bucket when the dtype changes or the
// bucket would pass maxBytes (a gradient larger than maxBytes gets a
// bucket of its own).
func newReducer(comm Communicator, vars []*tf.Variable, maxBytes int, overlap bool) *reducer {
	r := &reducer{comm: comm, outs: make([]*tensor.Tensor, len(vars))}
	type member struct{ i, off int }
	var cur *bucket
	var curBytes int
	var members [][]member // per bucket: the gradients and their offsets
	for i := len(vars) - 1; i >= 0; i-- {
		v := vars[i]
		dt := v.DType()
		if dt != tensor.Float32 && dt != tensor.Float64 {
			panic(fmt.Sprintf("distribute: ReduceGradients: variable %s is %v; only float32 and float64 gradients can be averaged", v.Name(), dt))
		}
		n := v.Shape().NumElements()
		nb := n * dt.Size()
		if cur == nil || cur.dtype != dt || (curBytes > 0 && curBytes+nb > maxBytes) {
			cur = &bucket{r: r, dtype: dt, done: make(chan error, 1)}
			r.buckets = append(r.buckets, cur)
			members = append(members, nil)
			curBytes = 0
		}
		k := len(r.buckets) - 1
		off := curBytes / dt.Size()
		members[k] = append(members[k], member{i, off})
		cur.offs = append(cur.offs, off)
		cur.sizes = append(cur.sizes, n)
		curBytes += nb
	}
	for k, b := range r.buckets {
		total := 0
		for _, s := range b.sizes {
			total += s
		}
		if b.dtype == tensor.Float32 {
			b.f32 = make([]float32, total)
		} else {
			b.f64 = make([]float64, total)
		}
		for j, m := range members[k] {
			shape := vars[m.i].Shape()
			var view *tensor.Tensor
			if b.dtype == tensor.Float32 {
				view = tensor.FromSlice(b.f32[m.off:m.off+b.sizes[j]:m.off+b.sizes[j]], shape...)
			} else {
				view = tensor.FromSlice(b.f64[m.off:m.off+b.sizes[j]:m.off+b.sizes[j]], shape...)
			}
			b.views = append(b.views, view)
			r.outs[m.i] = view
		}
	}
	if overlap && len(r.buckets) > 0 {
		r.work = make(chan *bucket, len(r.buckets))
		go r.worker()
	}
	return r
}

// bucketGradients returns, for each bucket of r, the gradients it holds in
// its order.
func (r *reducer) bucketInputs(grads []*tf.Tensor) [][]*tf.Tensor {
	// The buckets hold the gradients from the last to the first, in runs.
	out := make([][]*tf.Tensor, len(r.buckets))
	i := len(grads) - 1
	for k, b := range r.buckets {
		for range b.sizes {
			out[k] = append(out[k], grads[i])
			i--
		}
	}
	return out
}
