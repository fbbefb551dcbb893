package optimizers_test

import (
	"math"
	"testing"

	"github.com/tensorgo/tensorgo/internal/parallel"
	"github.com/tensorgo/tensorgo/optimizers"
	"github.com/tensorgo/tensorgo/tensor"
	"github.com/tensorgo/tensorgo/tf"
)

// trainFewSteps builds a small MLP with random initial weights and dropout
// from the global seed, trains it with Adam for a few steps on random data
// and returns the final loss and weights.
func trainFewSteps(t *testing.T, seed int64, eager bool) []float32 {
	t.Helper()
	tensor.SetSeed(seed)
	const n, d, h, k = 128, 128, 128, 10 // big enough for the parallel GEMM path at 2 threads
	x := tensor.RandomNormal(tensor.Float32, tensor.Shape{n, d}, 0, 1)
	labels := tensor.New(tensor.Int32, n)
	for i := range labels.Int32s() {
		labels.Int32s()[i] = int32(i % k)
	}
	var g *tf.Graph
	if !eager {
		g = tf.NewGraph()
	}
	w1 := tf.NewVariable(g, tensor.TruncatedNormal(tensor.Float32, tensor.Shape{d, h}, 0, 0.1))
	b1 := tf.NewVariable(g, tensor.Zeros(tensor.Float32, h))
	w2 := tf.NewVariable(g, tensor.RandomUniform(tensor.Float32, tensor.Shape{h, k}, -0.1, 0.1))
	vars := []*tf.Variable{w1, b1, w2}
	loss := func() *tf.Tensor {
		hid := tf.Dropout(tf.Relu(tf.BiasAdd(tf.MatMul(tf.Const(g, x), w1.Tensor()), b1.Tensor())), 0.3)
		return tf.ReduceMean(tf.SparseSoftmaxCrossEntropyWithLogits(tf.Const(g, labels), tf.MatMul(hid, w2.Tensor())), nil, false)
	}
	opt := optimizers.NewAdam(0.01)
	var last float32
	if eager {
		for step := 0; step < 4; step++ {
			tape := tf.NewGradientTape(false)
			l := loss()
			grads, err := tape.Gradient(l, vars)
			if err != nil {
				t.Fatal(err)
			}
			if err := opt.ApplyGradients(grads, vars); err != nil {
				t.Fatal(err)
			}
			last = l.Value().Float32s()[0]
		}
	} else {
		l := loss()
		train := opt.Minimize(l)
		s := tf.NewSession(g)
		if err := tf.GlobalVariablesInitializer(g).Run(s, nil); err != nil {
			t.Fatal(err)
		}
		for step := 0; step < 4; step++ {
			out, err := s.Run(nil, []*tf.Tensor{l}, train)
			if err != nil {
				t.Fatal(err)
			}
			last = out[0].Float32s()[0]
		}
	}
	res := []float32{last}
	for _, v := range vars {
		res = append(res, v.Value().Float32s()...)
	}
	return res
}

// Same seed and thread count: the same result, bit for bit (random
// initialisation, dropout masks, parallel kernels and Adam included).
func TestTrainingIsDeterministic(t *testing.T) {
	old := parallel.NumThreads()
	defer parallel.SetNumThreads(old)
	for _, threads := range []int{1, 2} {
		parallel.SetNumThreads(threads)
		for _, eager := range []bool{false, true} {
			a := trainFewSteps(t, 7, eager)
			b := trainFewSteps(t, 7, eager)
			for i := range a {
				if math.Float32bits(a[i]) != math.Float32bits(b[i]) {
					t.Fatalf("threads=%d eager=%v: value %d is %v in one run and %v in the other", threads, eager, i, a[i], b[i])
				}
			}
			if c := trainFewSteps(t, 8, eager); c[0] == a[0] {
				t.Errorf("threads=%d eager=%v: another seed gave the same loss %v", threads, eager, c[0])
			}
			if math.IsNaN(float64(a[0])) || a[0] <= 0 {
				t.Errorf("threads=%d eager=%v: loss %v", threads, eager, a[0])
			}
		}
	}
}
