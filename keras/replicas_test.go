package keras

import (
	"testing"

	"github.com/tensorgo/tensorgo/keras/layers"
	"github.com/tensorgo/tensorgo/tensor"
	"github.com/tensorgo/tensorgo/tf"
)

// fakeReplicas is replica 1 of 2 of a job whose other replica behaves the
// same: averaging leaves gradients and logs as they are (through an
// in-graph Identity), and broadcasting counts its calls.
type fakeReplicas struct {
	reduced, broadcasts, averaged, averagedVars int
}

func (f *fakeReplicas) Rank() int { return 1 }
func (f *fakeReplicas) Size() int { return 2 }
func (f *fakeReplicas) ReduceGradients(gs []*tf.Tensor, _ []*tf.Variable) []*tf.Tensor {
	f.reduced++
	out := make([]*tf.Tensor, len(gs))
	for i, g := range gs {
		out[i] = tf.Identity(g)
	}
	return out
}
func (f *fakeReplicas) BroadcastVariables([]*tf.Variable) error { f.broadcasts++; return nil }
func (f *fakeReplicas) AverageLogs([]float64, float64) error    { f.averaged++; return nil }
func (f *fakeReplicas) AverageVariables([]*tf.Variable) error   { f.averagedVars++; return nil }

// The DataParallel hook adds no allocation to a steady-state training step,
// and a replica other than 0 prints nothing.
func TestDataParallelHook(t *testing.T) {
	build := func(r Replicas) (*runner, *batch) {
		tensor.SetSeed(1)
		m := NewSequential(layers.Flatten(layers.InputShape(28, 28)), layers.Dense(32, layers.Activation("relu")), layers.Dense(10, layers.Activation("softmax")))
		opts := []CompileOption{Metrics("accuracy")}
		if r != nil {
			opts = append(opts, DataParallel(r))
		}
		if err := m.Compile("adam", "sparse_categorical_crossentropy", opts...); err != nil {
			t.Fatal(err)
		}
		x := tensor.RandomUniform(tensor.Float32, tensor.Shape{16, 28, 28}, 0, 1, 2)
		y := tensor.New(tensor.Int64, 16)
		st, err := m.getStep(true, []*tensor.Tensor{y}, nil)
		if err != nil {
			t.Fatal(err)
		}
		r2 := m.newRunner(st, nil)
		b := &batch{xs: []*tensor.Tensor{x}, ys: []*tensor.Tensor{y}}
		if err := r2.run(b); err != nil {
			t.Fatal(err)
		}
		return r2, b
	}
	allocs := func(r *runner, b *batch) float64 {
		return testing.AllocsPerRun(20, func() {
			if err := r.run(b); err != nil {
				t.Fatal(err)
			}
		})
	}
	plain, pb := build(nil)
	f := &fakeReplicas{}
	par, qb := build(f)
	if f.reduced != 1 || f.averaged != 1 {
		t.Fatalf("the hook reduced the gradients %d times and averaged the logs %d times while building and running one step, want 1 and 1", f.reduced, f.averaged)
	}
	if a, b := allocs(plain, pb), allocs(par, qb); b > a && !raceEnabled {
		t.Errorf("%v allocations per data-parallel step, %v without DataParallel", b, a)
	}

	// Fit on replica 1: silent, the variables are broadcast once and the
	// non-trainable ones (a frozen layer's here) averaged every epoch.
	frozen := layers.Dense(2)
	m := NewSequential(layers.Dense(2, layers.InputShape(3)), frozen)
	if err := m.Build(); err != nil {
		t.Fatal(err)
	}
	frozen.SetTrainable(false)
	if err := m.Compile("sgd", "mse", DataParallel(f)); err != nil {
		t.Fatal(err)
	}
	var out printed
	x := tensor.Fill(tensor.Float32, 1, 8, 3)
	y := tensor.Fill(tensor.Float32, 0, 8, 2)
	if _, err := m.Fit(x, y, Verbose(1), Output(&out), BatchSize(2)); err != nil {
		t.Fatal(err)
	}
	if out.n != 0 {
		t.Errorf("replica 1 printed %d bytes; only replica 0 prints", out.n)
	}
	if _, _, err := m.Evaluate(x, y, Verbose(1), Output(&out)); err != nil {
		t.Fatal(err)
	}
	if _, err := m.Predict(x, Verbose(1), Output(&out)); err != nil {
		t.Fatal(err)
	}
	if out.n != 0 {
		t.Errorf("replica 1's Evaluate and Predict printed %d bytes; only replica 0 prints", out.n)
	}
	if f.averagedVars != 1 {
		t.Errorf("Fit averaged the non-trainable weights %d times in one epoch, want once", f.averagedVars)
	}
	if f.broadcasts != 1 {
		t.Errorf("Fit broadcast the variables %d times, want once", f.broadcasts)
	}
	// 8 rows on 2 replicas: 4 each, 2 batches of 2, each averaged, after
	// the check that the replicas run the same steps.
	if want := 1 + 20 + 1 + 1 + 2; f.averaged != want {
		t.Errorf("the logs were averaged %d times, want %d", f.averaged, want)
	}
}

type printed struct{ n int }

func (p *printed) Write(b []byte) (int, error) { p.n += len(b); return len(b), nil }
