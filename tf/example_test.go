package tf_test

import (
	"fmt"

	"github.com/tensorgo/tensorgo/tensor"
	"github.com/tensorgo/tensorgo/tf"
)

// Graph mode: build once, run many times with different feeds.
func Example_graph() {
	g := tf.NewGraph()
	x := tf.Placeholder(g, tf.Float32, tf.Shape{-1, 2}, tf.Name("x"))
	w := tf.NewVariable(g, [][]float32{{1}, {2}}, tf.Name("w"))
	exit := g.NameScope("model")
	y := tf.MatMul(x, w.Tensor())
	exit()
	grad := tf.Gradients([]*tf.Tensor{tf.ReduceSum(y, nil, false)}, []*tf.Tensor{w.Tensor()})[0]

	sess := tf.NewSession(g)
	if err := tf.GlobalVariablesInitializer(g).Run(sess, nil); err != nil {
		fmt.Println(err)
		return
	}
	out, err := sess.Run(tf.Feeds{x: tensor.From([][]float32{{1, 1}, {3, 0}})}, []*tf.Tensor{y, grad})
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Println(y.Name(), out[0].Float32s())
	fmt.Println("dsum(y)/dw", out[1].Float32s())
	_, err = sess.Run(nil, []*tf.Tensor{y})
	fmt.Println(err)
	// Output:
	// model/MatMul:0 [3 3]
	// dsum(y)/dw [4 1]
	// tf: Session.Run: fetching model/MatMul:0 needs placeholder x:0, which was not fed
}

// Eager mode: values at once, gradients from a tape.
func Example_eager() {
	w := tf.NewVariable(nil, []float32{1, -2}, tf.Name("w"))
	x := tf.Constant([]float32{3, 4})

	tape := tf.NewGradientTape(false)
	loss := tf.ReduceSum(tf.Square(tf.Mul(w.Tensor(), x)), nil, false) // sum((w*x)^2)
	grads, err := tape.Gradient(loss, w)
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Println("loss", loss.Value().Item())
	fmt.Println("dloss/dw", grads[0].Value().Float32s()) // 2*w*x^2
	// Output:
	// loss 73
	// dloss/dw [18 -64]
}
