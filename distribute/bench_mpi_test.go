//go:build mpi

package distribute_test

import (
	"flag"
	"fmt"
	"sync/atomic"
	"testing"
	"time"

	"github.com/tensorgo/tensorgo"
	"github.com/tensorgo/tensorgo/distribute"
	"github.com/tensorgo/tensorgo/distribute/mpi"
	"github.com/tensorgo/tensorgo/keras"
	"github.com/tensorgo/tensorgo/tensor"
)

var (
	benchSteps   = flag.Int("dist.steps", 200, "BenchmarkTrainStep: training steps per iteration")
	benchBatch   = flag.Int("dist.batch", 32, "BenchmarkTrainStep: the per-rank batch size")
	benchThreads = flag.Int("dist.threads", 1, "BenchmarkTrainStep: kernel threads per rank")
	benchOverlap = flag.Bool("dist.overlap", false, "BenchmarkTrainStep: overlap the allreduce with the backward pass")
	benchBucket  = flag.Int("dist.bucket", distribute.DefaultBucketBytes, "BenchmarkTrainStep: the most bytes of gradients in one allreduce")
)

// timedComm measures the time a communicator spends in allreduce calls.
type timedComm struct {
	distribute.Communicator
	ns atomic.Int64
}

func (c *timedComm) AllreduceFloat32(buf []float32, op mpi.Op) error {
	t := time.Now()
	err := c.Communicator.AllreduceFloat32(buf, op)
	c.ns.Add(int64(time.Since(t)))
	return err
}

func (c *timedComm) AllreduceFloat64(buf []float64, op mpi.Op) error {
	t := time.Now()
	err := c.Communicator.AllreduceFloat64(buf, op)
	c.ns.Add(int64(time.Since(t)))
	return err
}

// BenchmarkTrainStep trains the -dist.model network (modelBuilders: the
// MNIST MLP, and the CNN once it is added) on MNIST-shaped random data,
// -dist.steps steps of -dist.batch samples per rank per iteration, and
// reports the job's throughput (samples/s, all ranks together) and the
// share of the step time spent in allreduce calls (allreduce-%; it counts
// the waiting for slower ranks too, and with -dist.overlap the calls run
// beside the backward pass, so there it is an upper bound of the cost).
// Compare "mpirun -np 1" with "mpirun -np 2" (.ci/distribute_test.sh with
// DIST_BENCH=1 does). Give a fixed -test.benchtime such as 3x: every rank
// must run the same number of iterations.
func BenchmarkTrainStep(b *testing.B) {
	tensorgo.SetNumThreads(*benchThreads)
	tc := &timedComm{Communicator: world.Comm()}
	s, err := distribute.New(tc, distribute.Overlap(*benchOverlap), distribute.BucketBytes(*benchBucket))
	if err != nil {
		b.Fatal(err)
	}
	defer s.Close()
	per, steps := *benchBatch, *benchSteps
	x := tensor.RandomUniform(tensor.Float32, tensor.Shape{per * steps * s.Size(), 28, 28}, 0, 1, 5)
	y := tensor.New(tensor.Int64, per*steps*s.Size())
	for i := range y.Size() {
		y.SetFloat(i, float64(i%10))
	}
	m := compiled(b, 1, s)
	fit := func() {
		if _, err := m.Fit(x, y, keras.BatchSize(per), keras.Verbose(0)); err != nil {
			b.Fatal(err)
		}
	}
	fit() // build and plan the step
	tc.ns.Store(0)
	b.ResetTimer()
	for range b.N {
		fit()
	}
	b.StopTimer()
	elapsed := b.Elapsed().Seconds()
	rate, pct := float64(b.N*steps*per*s.Size())/elapsed, 100*float64(tc.ns.Load())/1e9/elapsed
	b.ReportMetric(rate, "samples/s")
	b.ReportMetric(pct, "allreduce-%")
	b.ReportMetric(0, "ns/op")
	if s.IsChief() {
		// One line for scripts (mpirun's tagged output may split the
		// benchmark's own line).
		fmt.Printf("DISTBENCH model=%s ranks=%d threads=%d overlap=%v bucket=%d iterations=%d samples_per_s=%.1f allreduce_pct=%.2f\n",
			*modelName, s.Size(), *benchThreads, *benchOverlap, *benchBucket, b.N, rate, pct)
	}
}
