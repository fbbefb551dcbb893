package summary

import (
	"testing"
	"time"

	"github.com/tensorgo/tensorgo/tensor"
	"github.com/tensorgo/tensorgo/tf"
)

// BenchmarkGraphModeScalarEveryStep is the cost of a graph-mode scalar
// summary: each iteration trains an MNIST MLP (784-128-10, relu, softmax
// cross-entropy, gradient descent) written with tf ops for one epoch of
// 60,000 random MNIST-shaped images at batch 32 (1,875 steps), once
// plainly and once also running Scalar("loss") with every step and writing
// it with a FileWriter; it reports both epoch times and the overhead in
// percent (the aim: under 5%).
func BenchmarkGraphModeScalarEveryStep(b *testing.B) {
	const batch, steps = 32, 1875
	g := tf.NewGraph()
	x := tf.Placeholder(g, tf.Float32, tf.Shape{batch, 784}, tf.Name("x"))
	y := tf.Placeholder(g, tf.Int64, tf.Shape{batch}, tf.Name("y"))
	w1 := tf.NewVariable(g, tensor.RandomUniform(tensor.Float32, tensor.Shape{784, 128}, -0.08, 0.08, 1), tf.Name("w1"))
	b1 := tf.NewVariable(g, tensor.New(tensor.Float32, 128), tf.Name("b1"))
	w2 := tf.NewVariable(g, tensor.RandomUniform(tensor.Float32, tensor.Shape{128, 10}, -0.2, 0.2, 2), tf.Name("w2"))
	b2 := tf.NewVariable(g, tensor.New(tensor.Float32, 10), tf.Name("b2"))
	h := tf.Relu(tf.BiasAdd(tf.MatMul(x, w1.Tensor()), b1.Tensor()))
	logits := tf.BiasAdd(tf.MatMul(h, w2.Tensor()), b2.Tensor())
	loss := tf.ReduceMean(tf.SparseSoftmaxCrossEntropyWithLogits(y, logits), nil, false)
	vars := []*tf.Variable{w1, b1, w2, b2}
	grads := tf.VariableGradients([]*tf.Tensor{loss}, vars)
	lr := tf.Const(g, tensor.FromSlice([]float32{0.01}).Reshape())
	var updates []*tf.Operation
	for i, v := range vars {
		updates = append(updates, tf.ApplyGradientDescent(v, lr, grads[i]))
	}
	train := tf.Group(g, updates)
	sLoss := Scalar("loss", loss)
	sess := tf.NewSession(g)
	if _, err := sess.Run(nil, nil, tf.GlobalVariablesInitializer(g)); err != nil {
		b.Fatal(err)
	}
	xs := tensor.RandomUniform(tensor.Float32, tensor.Shape{batch, 784}, 0, 1, 3)
	ys := tensor.New(tensor.Int64, batch)
	for i := range ys.Int64s() {
		ys.Int64s()[i] = int64(i % 10)
	}
	feeds := tf.Feeds{x: xs, y: ys}
	fw, err := NewFileWriter(b.TempDir(), g)
	if err != nil {
		b.Fatal(err)
	}
	defer fw.Close()
	plainOut := make([]*tensor.Tensor, 1)
	sumOut := make([]*tensor.Tensor, 2)
	epoch := func(withSummary bool, base int64) time.Duration {
		start := time.Now()
		for s := 0; s < steps; s++ {
			var err error
			if withSummary {
				if err = sess.RunInto(sumOut, feeds, []*tf.Tensor{loss, sLoss}, train); err == nil {
					err = fw.AddSummary(sumOut[1], base+int64(s))
				}
			} else {
				err = sess.RunInto(plainOut, feeds, []*tf.Tensor{loss}, train)
			}
			if err != nil {
				b.Fatal(err)
			}
		}
		return time.Since(start)
	}
	epoch(false, 0) // compile and warm up
	epoch(true, 0)
	var plain, with time.Duration
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		plain += epoch(false, 0)
		with += epoch(true, int64(i+1)*steps)
	}
	b.ReportMetric(plain.Seconds()/float64(b.N), "plain-s/epoch")
	b.ReportMetric(with.Seconds()/float64(b.N), "summaries-s/epoch")
	b.ReportMetric(100*(with.Seconds()-plain.Seconds())/plain.Seconds(), "overhead-%")
}
