package distribute_test

import (
	"fmt"
	"math"
	"sync"
	"testing"

	"github.com/tensorgo/tensorgo/distribute"
	"github.com/tensorgo/tensorgo/optimizers"
	"github.com/tensorgo/tensorgo/tensor"
	"github.com/tensorgo/tensorgo/tf"
)

// onRanks runs f(rank) for every rank of a local group of n on its own
// goroutine and waits for them.
func onRanks(t *testing.T, n int, opts []distribute.Option, f func(s *distribute.Strategy)) {
	t.Helper()
	comms := distribute.NewLocalGroup(n)
	var wg sync.WaitGroup
	for _, c := range comms {
		s, err := distribute.New(c, opts...)
		if err != nil {
			t.Fatal(err)
		}
		wg.Add(1)
		go func() {
			defer wg.Done()
			defer s.Close()
			f(s)
		}()
	}
	wg.Wait()
}

// linData is y = 3x - 1 + (a small bump per sample): x[i] = i/8.
func linData(n int) (xs, ys []float64) {
	for i := range n {
		x := float64(i) / 8
		xs = append(xs, x)
		ys = append(ys, 3*x-1+0.1*math.Sin(float64(i)))
	}
	return xs, ys
}

// linearStep builds the seeds' linear regression in graph mode, float64,
// its gradients averaged by s (when not nil), and returns the session,
// placeholders, variables and the training op.
func linearStep(s *distribute.Strategy, w0, b0 float64, lr float64) (*tf.Session, *tf.Tensor, *tf.Tensor, *tf.Variable, *tf.Variable, *tf.Operation) {
	g := tf.NewGraph()
	x := tf.Placeholder(g, tensor.Float64, tensor.Shape{-1, 1}, tf.Name("x"))
	y := tf.Placeholder(g, tensor.Float64, tensor.Shape{-1, 1}, tf.Name("y"))
	w := tf.NewVariable(g, tensor.FromSlice([]float64{w0}, 1, 1), tf.Name("w"))
	b := tf.NewVariable(g, tensor.FromSlice([]float64{b0}, 1), tf.Name("b"))
	loss := tf.ReduceMean(tf.Square(tf.Sub(tf.Add(tf.MatMul(x, w.Tensor()), b.Tensor()), y)), nil, false)
	vars := []*tf.Variable{w, b}
	grads := tf.VariableGradients([]*tf.Tensor{loss}, vars)
	if s != nil {
		grads = s.ReduceGradients(grads, vars)
	}
	train := optimizers.NewGradientDescent(lr).ApplyGradientsOp(grads, vars)
	sess := tf.NewSession(g)
	if _, err := sess.Run(nil, nil, tf.GlobalVariablesInitializer(g)); err != nil {
		panic(err)
	}
	return sess, x, y, w, b, train
}

// Plain gradient descent on the mean squared error of the global batch,
// by a direct loop: what every rank's weights must be.
func directGD(xs, ys []float64, batch, steps int, w, b, lr float64) (float64, float64) {
	for s := range steps {
		lo := (s * batch) % len(xs)
		var gw, gb float64
		for i := lo; i < lo+batch; i++ {
			r := xs[i]*w + b - ys[i]
			gw += 2 * r * xs[i]
			gb += 2 * r
		}
		w -= lr * gw / float64(batch)
		b -= lr * gb / float64(batch)
	}
	return w, b
}

// Graph mode on 2 and 3 ranks, float64: each rank feeds its part of the
// global batch, the averaged gradients make every rank's weights those of
// gradient descent on the whole batch, computed by a direct loop; rank 0's
// initial weights are broadcast first (the others start elsewhere).
func TestGraphModeMatchesGlobalBatch(t *testing.T) {
	const per, steps, lr = 4, 12, 0.05
	for _, n := range []int{1, 2, 3} {
		for _, opts := range [][]distribute.Option{nil, {distribute.BucketBytes(8)}, {distribute.Overlap(true), distribute.BucketBytes(8)}} {
			t.Run(fmt.Sprintf("ranks=%d/opts=%d", n, len(opts)), func(t *testing.T) {
				xs, ys := linData(per * n * 3)
				wantW, wantB := directGD(xs, ys, per*n, steps, 0.5, 0.25, lr)
				var mu sync.Mutex
				got := map[int][2]float64{}
				onRanks(t, n, opts, func(s *distribute.Strategy) {
					r := s.Rank()
					// Rank 0 starts at (0.5, 0.25), the others elsewhere.
					sess, x, y, w, b, train := linearStep(s, 0.5+float64(r), 0.25-float64(r), lr)
					if err := s.BroadcastVariables([]*tf.Variable{w, b}); err != nil {
						t.Error(err)
						return
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
							t.Error(err)
							return
						}
					}
					mu.Lock()
					got[r] = [2]float64{w.Value().Float64s()[0], b.Value().Float64s()[0]}
					mu.Unlock()
				})
				for r := range n {
					g := got[r]
					if math.Abs(g[0]-wantW) > 1e-12 || math.Abs(g[1]-wantB) > 1e-12 {
						t.Errorf("rank %d: w, b = %.15g, %.15g; gradient descent on the global batch gives %.15g, %.15g", r, g[0], g[1], wantW, wantB)
					}
				}
			})
		}
	}
}

// Buckets: gradients of mixed sizes and dtypes, split into several fused
// buffers, come back averaged, each in its place and shape; nil gradients
// stay nil. Rank r's gradient j holds r+1 times a pattern, so the average
// over n ranks is (n+1)/2 times it.
func TestReduceGradientsBuckets(t *testing.T) {
	shapes := []tensor.Shape{{3, 2}, {2}, {5}, {1}, {4, 4}}
	dts := []tensor.DType{tensor.Float32, tensor.Float32, tensor.Float64, tensor.Float32, tensor.Float32}
	for _, bucket := range []int{1, 16, 40, 1 << 20} {
		for _, overlap := range []bool{false, true} {
			const n = 3
			var mu sync.Mutex
			results := map[int][]*tensor.Tensor{}
			onRanks(t, n, []distribute.Option{distribute.BucketBytes(bucket), distribute.Overlap(overlap)}, func(s *distribute.Strategy) {
				g := tf.NewGraph()
				var vars []*tf.Variable
				var grads []*tf.Tensor
				for j, sh := range shapes {
					v := tf.NewVariable(g, tensor.New(dts[j], sh...), tf.Name(fmt.Sprintf("v%d", j)))
					vars = append(vars, v)
					val := tensor.New(dts[j], sh...)
					for i := range val.Size() {
						val.SetFloat(i, float64((s.Rank()+1)*(10*j+i)))
					}
					if j == 3 {
						grads = append(grads, nil)
						continue
					}
					grads = append(grads, tf.Const(g, val))
				}
				red := s.ReduceGradients(grads, vars)
				if red[3] != nil {
					t.Errorf("a nil gradient became %v", red[3])
				}
				fetch := []*tf.Tensor{red[0], red[1], red[2], red[4]}
				sess := tf.NewSession(g)
				for range 2 { // twice: the buffers are reused
					out, err := sess.Run(nil, fetch)
					if err != nil {
						t.Error(err)
						return
					}
					mu.Lock()
					results[s.Rank()] = nil
					for _, o := range out {
						results[s.Rank()] = append(results[s.Rank()], o.Clone())
					}
					mu.Unlock()
				}
			})
			for r := range n {
				for k, j := range []int{0, 1, 2, 4} {
					o := results[r][k]
					if o.DType() != dts[j] || !o.Shape().Equal(shapes[j]) {
						t.Fatalf("bucket %d: gradient %d is %v %v, want %v %v", bucket, j, o.DType(), o.Shape(), dts[j], shapes[j])
					}
					for i := range o.Size() {
						want := float64(n+1) / 2 * float64(10*j+i)
						if got := o.Float(i); got != want {
							t.Errorf("bucket %d overlap %v rank %d: gradient %d[%d] = %v, want %v", bucket, overlap, r, j, i, got, want)
						}
					}
				}
			}
		}
	}
}

// A training step with averaged gradients, and the averaging of its logs,
// allocate nothing in their steady state: the buckets and their views are
// made once (the local group's scratch too).
func TestReduceGradientsNoAllocation(t *testing.T) {
	if raceEnabled {
		t.Skip("the race detector allocates")
	}
	for _, overlap := range []bool{false, true} {
		const runs = 50
		var allocs float64
		onRanks(t, 2, []distribute.Option{distribute.Overlap(overlap), distribute.BucketBytes(8)}, func(s *distribute.Strategy) {
			sess, x, y, _, _, train := linearStep(s, 1, 0, 0.01)
			xb := tensor.Fill(tensor.Float64, 0.5, 4, 1)
			yb := tensor.Fill(tensor.Float64, 1, 4, 1)
			feeds := tf.Feeds{x: xb, y: yb}
			logs := []float64{1, 2, 3}
			step := func() {
				if err := sess.RunInto(nil, feeds, nil, train); err != nil {
					t.Error(err)
				}
				// and the averaging of the logs that Fit adds
				if err := s.AverageLogs(logs, 1); err != nil {
					t.Error(err)
				}
			}
			step()
			if s.Rank() == 0 {
				// AllocsPerRun counts the whole process: rank 1 runs the
				// same number of steps meanwhile (runs + 1, its warm-up).
				allocs = testing.AllocsPerRun(runs, step)
			} else {
				for range runs + 1 {
					step()
				}
			}
		})
		if allocs != 0 {
			t.Errorf("overlap %v: %v allocations per step on 2 ranks, want 0", overlap, allocs)
		}
	}
}

func TestReduceGradientsPanics(t *testing.T) {
	s, err := distribute.New(distribute.NewLocalGroup(1)[0])
	if err != nil {
		t.Fatal(err)
	}
	g := tf.NewGraph()
	v := tf.NewVariable(g, tensor.New(tensor.Float32, 2), tf.Name("v"))
	vi := tf.NewVariable(g, tensor.New(tensor.Int32, 2), tf.Name("vi"))
	for name, f := range map[string]func(){
		"length": func() { s.ReduceGradients([]*tf.Tensor{tf.Const(g, tensor.New(tensor.Float32, 2))}, nil) },
		"shape":  func() { s.ReduceGradients([]*tf.Tensor{tf.Const(g, tensor.New(tensor.Float32, 3))}, []*tf.Variable{v}) },
		"dtype":  func() { s.ReduceGradients([]*tf.Tensor{tf.Const(g, tensor.New(tensor.Int32, 2))}, []*tf.Variable{vi}) },
	} {
		func() {
			defer func() {
				if recover() == nil {
					t.Errorf("%s: no panic", name)
				}
			}()
			f()
		}()
	}
}
