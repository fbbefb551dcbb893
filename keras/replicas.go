package keras

import (
	"fmt"
	"io"

	"github.com/tensorgo/tensorgo/tensor"
	"github.com/tensorgo/tensorgo/tf"
)

// GradientReducer combines the gradients of data-parallel replicas of a
// model. The compiled training step calls it between computing the
// gradients and applying them.
type GradientReducer interface {
	// ReduceGradients is called once, while the training step's graph is
	// built, with the gradients of the loss with respect to vars (symbolic
	// tensors of that graph, one per variable, none nil). It returns the
	// tensors the optimizer applies in their place, one per gradient with
	// the same dtype and shape, built in the same graph: for data
	// parallelism, each gradient averaged over the replicas.
	ReduceGradients(grads []*tf.Tensor, vars []*tf.Variable) []*tf.Tensor
}

// Replicas is what Fit needs to train one replica of a model among
// several, each in its own process with its own part of the data
// (package distribute implements it over MPI). Every replica must make the
// same calls in the same order: the same Compile and Fit with the same
// options, so that each runs the same number of steps.
type Replicas interface {
	GradientReducer
	// Rank is this replica's index, from 0 to Size()-1; replica 0 is the
	// chief, the only one that prints.
	Rank() int
	// Size is the number of replicas.
	Size() int
	// BroadcastVariables sets every replica's vars to replica 0's values.
	BroadcastVariables(vars []*tf.Variable) error
	// AverageVariables replaces each of vars, on every replica, with its
	// mean over the replicas: for state each replica updates from its own
	// batches, such as BatchNormalization's moving statistics.
	AverageVariables(vars []*tf.Variable) error
	// AverageLogs replaces vals, on every replica, with the average of the
	// replicas' vals weighted by weight (the number of samples this
	// replica's values cover). A steady-state call should not allocate.
	AverageLogs(vals []float64, weight float64) error
}

// DataParallel makes Fit train the model as one replica of r (see package
// distribute), with these differences from a one-process Fit:
//
//   - when training starts (the first batch), every replica's weights and
//     optimizer state are set to replica 0's, so replica 0's initial or
//     restored weights are the job's;
//   - arrays given to Fit are sharded: replica k of n trains on rows k,
//     k+n, k+2n, ... of the training part (after ValidationSplit), the
//     last len%n rows dropped so that every replica runs the same number of
//     steps. A *data.Dataset is the caller's to shard (Dataset.Shard(n, k)),
//     and every replica's dataset must yield the same number of batches;
//   - the gradients are averaged over the replicas every step (r's
//     ReduceGradients), so one step trains on the global batch: BatchSize
//     times Size. The learning rate is the caller's to scale (a common rule
//     multiplies it by Size for SGD);
//   - the loss and metrics in the logs and the progress bar are averaged
//     over the replicas after every batch, so that callbacks (EarlyStopping,
//     checkpoints) decide the same on every replica;
//   - at the end of every epoch (before validation) the non-trainable
//     weights, such as BatchNormalization's moving mean and variance that
//     each replica updates from its own batches, are averaged over the
//     replicas, so that the replicas stay equal;
//   - only replica 0 prints: on the others Verbose is 0 and Output discards
//     (in Evaluate and Predict too). Callbacks run on every replica; wrap
//     those that write files so that they run on replica 0 alone
//     (distribute.ChiefOnly).
//
// Evaluate and Predict compute as usual, each replica on the data it is
// given, without communicating. A nil r, or one of Size 1, trains as usual.
func DataParallel(r Replicas) CompileOption {
	return func(c *compileConfig) { c.replicas = r }
}

// Replicas returns the replicas set by the DataParallel compile option, or
// nil.
func (m *Model) Replicas() Replicas {
	if m.comp == nil {
		return nil
	}
	return m.comp.replicas
}

// parallel returns the model's replicas when there is more than one.
func (m *Model) parallel() Replicas {
	if r := m.Replicas(); r != nil && r.Size() > 1 {
		return r
	}
	return nil
}

// quietReplica silences Fit's output on every replica but the chief.
func (m *Model) quietReplica(c *fitConfig) {
	if r := m.parallel(); r != nil && r.Rank() != 0 {
		c.verbose, c.out = 0, io.Discard
	}
}

// reduceGradients passes the step's gradients through the model's
// replicas' reducer, checking what it returns.
func (m *Model) reduceGradients(gs []*tf.Tensor, vs []*tf.Variable) []*tf.Tensor {
	r := m.parallel()
	if r == nil {
		return gs
	}
	out := r.ReduceGradients(gs, vs)
	if len(out) != len(gs) {
		panic(fmt.Sprintf("keras: GradientReducer %T returned %d gradients for %d variables", r, len(out), len(gs)))
	}
	for i, g := range out {
		if g == nil || g.DType() != gs[i].DType() {
			panic(fmt.Sprintf("keras: GradientReducer %T: gradient %d of variable %s is %v, want a %v tensor", r, i, vs[i].Name(), g, gs[i].DType()))
		}
	}
	return out
}

// shardArrays returns replica k of n's rows of a: k, k+n, k+2n, ... with
// the last a.n%n rows left out, so that every replica has a.n/n rows.
func (m *Model) shardArrays(a *arrays) (*arrays, error) {
	r := m.parallel()
	if r == nil {
		return a, nil
	}
	n, k := r.Size(), r.Rank()
	per := a.n / n
	if per == 0 {
		return nil, fmt.Errorf("keras: Fit: %d training samples cannot be shared among %d replicas", a.n, n)
	}
	idx := make([]int64, per)
	for i := range idx {
		idx[i] = int64(k + i*n)
	}
	it := tensor.FromSlice(idx)
	rows := func(ts []*tensor.Tensor) []*tensor.Tensor {
		out := make([]*tensor.Tensor, len(ts))
		for i, t := range ts {
			out[i] = tensor.Gather(t, it, 0)
		}
		return out
	}
	s := &arrays{xs: rows(a.xs), ys: rows(a.ys), n: per}
	if a.sw != nil {
		s.sw = tensor.Gather(a.sw, it, 0)
	}
	return s, nil
}

// syncReplicas sets every replica's weights and optimizer state to replica
// 0's; Fit calls it once the training step (and so the optimizer's slots)
// exists.
func (m *Model) syncReplicas() error {
	r := m.parallel()
	if r == nil {
		return nil
	}
	vars := append(m.Weights(), m.comp.opt.Variables()...)
	if err := r.BroadcastVariables(vars); err != nil {
		return fmt.Errorf("keras: Fit: broadcasting replica 0's variables: %w", err)
	}
	return nil
}

// averageReplicaState averages the non-trainable weights over the
// replicas at the end of an epoch.
func (m *Model) averageReplicaState() error {
	r := m.parallel()
	if r == nil {
		return nil
	}
	if vars := m.NonTrainableWeights(); len(vars) > 0 {
		if err := r.AverageVariables(vars); err != nil {
			return fmt.Errorf("keras: Fit: averaging the non-trainable weights over the replicas: %w", err)
		}
	}
	return nil
}

// checkReplicaSteps makes sure that every replica will run as many steps
// per epoch and epochs as the others (a replica that ran more would wait
// forever for the others' gradients): the replicas average the two counts,
// and a replica whose own differ from the average returns an error (which
// should end the job). Unknown counts (-1, a Dataset of unknown length)
// are the caller's to keep equal.
func (m *Model) checkReplicaSteps(steps, epochs int) error {
	r := m.parallel()
	if r == nil {
		return nil
	}
	vals := []float64{float64(steps), float64(epochs)}
	if err := r.AverageLogs(vals, 1); err != nil {
		return fmt.Errorf("keras: Fit: comparing the replicas' steps: %w", err)
	}
	if vals[0] != float64(steps) || vals[1] != float64(epochs) {
		return fmt.Errorf("keras: Fit: replica %d of %d would run %d epochs of %d steps, but the replicas average %g epochs of %g steps: every replica must run the same steps (shard the data evenly, give StepsPerEpoch, and resume every replica from the same epoch)",
			r.Rank(), r.Size(), epochs, steps, vals[1], vals[0])
	}
	return nil
}

// averageLogs averages a training batch's values over the replicas; seen is
// the number of samples this replica has trained on in the epoch.
func (r *runner) averageLogs(seen float64) error {
	rep := r.m.parallel()
	if rep == nil || r.st.target == nil {
		return nil
	}
	if err := rep.AverageLogs(r.vals, seen); err != nil {
		return fmt.Errorf("averaging the logs over the replicas: %w", err)
	}
	return nil
}
