//go:build mpi

// These tests run on every rank of an MPI job: build the test binary with
// "go test -c -tags mpi ./distribute" and start it with "mpirun -np 2
// ./distribute.test -dist.ranks 2" (see .ci/distribute_test.sh). Every rank
// makes the same collective calls; a failing rank aborts the job, so
// mpirun's exit status tells. The tests on a local group run too, on each
// rank by itself.

package distribute_test

import (
	"flag"
	"fmt"
	"math"
	"os"
	"testing"

	"github.com/tensorgo/tensorgo/distribute"
	"github.com/tensorgo/tensorgo/keras"
	"github.com/tensorgo/tensorgo/tensor"
	"github.com/tensorgo/tensorgo/tf"
)

var (
	wantRanks = flag.Int("dist.ranks", 0, "the number of ranks the job must have (0: any)")
)

// world is the strategy over all the job's ranks: MPI is initialised once
// per process.
var world *distribute.Strategy

func TestMain(m *testing.M) {
	flag.Parse()
	s, err := distribute.InitMPI()
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(2)
	}
	world = s
	if *wantRanks > 0 && s.Size() != *wantRanks {
		s.Abort(fmt.Errorf("the job has %d ranks, -dist.ranks wants %d", s.Size(), *wantRanks))
	}
	code := m.Run()
	if code != 0 {
		s.Abort(fmt.Errorf("tests failed"))
	}
	if err := s.Close(); err != nil {
		fmt.Fprintf(os.Stderr, "rank %d: Close: %v\n", s.Rank(), err)
		os.Exit(1)
	}
	os.Exit(0)
}

func TestMPIEnabled(t *testing.T) {
	if world.Size() < 2 {
		t.Logf("the job has %d rank: run it with mpirun -np 2", world.Size())
	}
	if got := world.Device(); got != distribute.WorkerDevice(world.Rank()) {
		t.Errorf("Device() = %q", got)
	}
}

// Graph mode across processes: every rank's weights are those of gradient
// descent on the global batch, by a direct loop.
func TestMPIGraphMode(t *testing.T) {
	const per, steps, lr = 4, 12, 0.05
	n, r := world.Size(), world.Rank()
	xs, ys := linData(per * n * 3)
	wantW, wantB := directGD(xs, ys, per*n, steps, 0.5, 0.25, lr)
	sess, x, y, w, b, train := linearStep(world, 0.5+float64(r), 0.25-float64(r), lr)
	if err := world.BroadcastVariables([]*tf.Variable{w, b}); err != nil {
		t.Fatal(err)
	}
	xb := tensor.New(tensor.Float64, per, 1)
	yb := tensor.New(tensor.Float64, per, 1)
	for st := range steps {
		lo := (st * per * n) % len(xs)
		for i := range per {
			xb.Float64s()[i] = xs[lo+r*per+i]
			yb.Float64s()[i] = ys[lo+r*per+i]
		}
		if _, err := sess.Run(tf.Feeds{x: xb, y: yb}, nil, train); err != nil {
			t.Fatal(err)
		}
	}
	gw, gb := w.Value().Float64s()[0], b.Value().Float64s()[0]
	if math.Abs(gw-wantW) > 1e-12 || math.Abs(gb-wantB) > 1e-12 {
		t.Errorf("rank %d: w, b = %.15g, %.15g; gradient descent on the global batch gives %.15g, %.15g", r, gw, gb, wantW, wantB)
	}
}

// Keras across processes: Fit on the ranks equals one process's Fit with
// the global batch (each rank computes that one itself), with one fused
// buffer and with small buckets averaged beside the backward pass.
func TestMPIFitMatchesGlobalBatch(t *testing.T) {
	over, err := distribute.New(world.Comm(), distribute.Overlap(true), distribute.BucketBytes(64))
	if err != nil {
		t.Fatal(err)
	}
	defer over.Close()
	// In a fixed order: every rank must make the same calls.
	for _, c := range []struct {
		name string
		s    *distribute.Strategy
	}{{"fused", world}, {"overlap", over}} {
		t.Run(c.name, func(t *testing.T) { fitMatchesGlobalBatch(t, c.s) })
	}
}

func fitMatchesGlobalBatch(t *testing.T, s *distribute.Strategy) {
	const per, epochs = 5, 2
	n, r := s.Size(), s.Rank()
	x, y := blobs(n * per * 7)
	tensor.SetSeed(7) // the same reference model on every rank
	ref := smallModel(t, nil, 0.1)
	init := ref.GetWeights()
	refHist, err := ref.Fit(x, y, keras.BatchSize(n*per), keras.Epochs(epochs), keras.Shuffle(false), keras.Verbose(0))
	if err != nil {
		t.Fatal(err)
	}
	want := ref.GetWeights()
	m := smallModel(t, s, 0.1)
	w := init
	if r > 0 {
		w = perturbed(init)
	}
	if err := m.SetWeights(w); err != nil {
		t.Fatal(err)
	}
	h, err := m.Fit(x, y, keras.BatchSize(per), keras.Epochs(epochs), keras.Shuffle(false), keras.Verbose(0))
	if err != nil {
		t.Fatal(err)
	}
	for i, w := range m.GetWeights() {
		for j := range w.Size() {
			if d := math.Abs(w.Float(j) - want[i].Float(j)); d > 2e-5 {
				t.Fatalf("rank %d weight %d[%d] = %v, one process with the global batch: %v", r, i, j, w.Float(j), want[i].Float(j))
			}
		}
	}
	for e := range epochs {
		if g, w := h.History["loss"][e], refHist.History["loss"][e]; math.Abs(g-w) > 2e-5 {
			t.Errorf("rank %d epoch %d loss = %v, one process with the global batch: %v", r, e, g, w)
		}
	}
}
