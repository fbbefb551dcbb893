package tf_test

import (
	"testing"

	"github.com/tensorgo/tensorgo/optimizers"
	"github.com/tensorgo/tensorgo/tensor"
	"github.com/tensorgo/tensorgo/tf"
)

// linRegGraph builds the seeds' linear regression (100 samples of
// y = 0.8x + 0.7, y' = w*x + b, MSE, gradient descent at lr 0.1).
func linRegGraph(tb testing.TB) (sess *tf.Session, feeds tf.Feeds, train *tf.Operation, w, b *tf.Variable) {
	x0 := tensor.RandomNormal(tensor.Float32, tensor.Shape{100}, 0, 1, 7)
	y0 := tensor.New(tensor.Float32, 100)
	for i := range 100 {
		y0.SetFloat(i, 0.8*x0.Float(i)+0.7)
	}
	g := tf.NewGraph()
	x := tf.Placeholder(g, tf.Float32, tf.Shape{-1}, tf.Name("x"))
	y := tf.Placeholder(g, tf.Float32, tf.Shape{-1}, tf.Name("y"))
	w = tf.NewVariable(g, float32(-0.3), tf.Name("w"))
	b = tf.NewVariable(g, float32(0.2), tf.Name("b"))
	loss := tf.ReduceMean(tf.Square(tf.Sub(tf.Add(tf.Mul(w.Tensor(), x), b.Tensor()), y)), nil, false)
	train = optimizers.NewGradientDescent(0.1).Minimize(loss)
	sess = tf.NewSession(g)
	if err := tf.GlobalVariablesInitializer(g).Run(sess, nil); err != nil {
		tb.Fatal(err)
	}
	return sess, tf.Feeds{x: x0, y: y0}, train, w, b
}

// BenchmarkLinearRegressionStep times one compiled training step
// (Session.Run of the optimizer op, feeds included) and reports its
// allocations: the steady state must allocate (almost) nothing.
func BenchmarkLinearRegressionStep(b *testing.B) {
	sess, feeds, train, _, _ := linRegGraph(b)
	if _, err := sess.Run(feeds, nil, train); err != nil {
		b.Fatal(err)
	}
	b.ReportAllocs()
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		if _, err := sess.Run(feeds, nil, train); err != nil {
			b.Fatal(err)
		}
	}
	b.ReportMetric(float64(b.Elapsed().Microseconds())/float64(b.N), "us/step")
}

func TestLinearRegressionStepAllocs(t *testing.T) {
	sess, feeds, train, w, bv := linRegGraph(t)
	allocs := testing.AllocsPerRun(100, func() {
		if _, err := sess.Run(feeds, nil, train); err != nil {
			t.Fatal(err)
		}
	})
	if allocs > 10 {
		t.Errorf("a linear-regression training step allocates %v times, want <= 10", allocs)
	}
	for i := 0; i < 1000; i++ {
		if _, err := sess.Run(feeds, nil, train); err != nil {
			t.Fatal(err)
		}
	}
	if gw, gb := w.Value().Item(), bv.Value().Item(); gw < 0.79 || gw > 0.81 || gb < 0.69 || gb > 0.71 {
		t.Errorf("after training w = %v, b = %v, want 0.8, 0.7", gw, gb)
	}
}

// BenchmarkMLPStep times a Keras-MNIST-like training step compiled into a
// plan: 784-128(relu)-dropout-10 dense layers, sparse softmax cross-entropy,
// Adam, batch 32.
func BenchmarkMLPStep(b *testing.B) {
	tensor.SetSeed(1)
	g := tf.NewGraph()
	x := tf.Placeholder(g, tf.Float32, tf.Shape{-1, 784}, tf.Name("x"))
	y := tf.Placeholder(g, tf.Int32, tf.Shape{-1}, tf.Name("y"))
	w1 := tf.NewVariable(nil, tensor.RandomUniform(tensor.Float32, tensor.Shape{784, 128}, -0.08, 0.08))
	b1 := tf.NewVariable(nil, tensor.Zeros(tensor.Float32, 128))
	w2 := tf.NewVariable(nil, tensor.RandomUniform(tensor.Float32, tensor.Shape{128, 10}, -0.2, 0.2))
	b2 := tf.NewVariable(nil, tensor.Zeros(tensor.Float32, 10))
	h := tf.Dropout(tf.Relu(tf.BiasAdd(tf.MatMul(x, w1.In(g)), b1.In(g))), 0.2)
	logits := tf.BiasAdd(tf.MatMul(h, w2.In(g)), b2.In(g))
	loss := tf.ReduceMean(tf.SparseSoftmaxCrossEntropyWithLogits(y, logits), nil, false)
	train := optimizers.NewAdam(0.001).Minimize(loss)
	sess := tf.NewSession(g)
	feeds := tf.Feeds{x: tensor.RandomUniform(tensor.Float32, tensor.Shape{32, 784}, 0, 1), y: tensor.Range(tensor.Int32, 0, 32, 1)}
	for i := range 32 {
		feeds[y].SetFloat(i, float64(i%10))
	}
	fetch := []*tf.Tensor{loss}
	out := make([]*tensor.Tensor, 1)
	if err := sess.RunInto(out, feeds, fetch, train); err != nil {
		b.Fatal(err)
	}
	b.ReportAllocs()
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		if err := sess.RunInto(out, feeds, fetch, train); err != nil {
			b.Fatal(err)
		}
	}
	b.ReportMetric(float64(b.Elapsed().Microseconds())/float64(b.N), "us/step")
}
