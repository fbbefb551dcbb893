package optimizers_test

import (
	"fmt"

	"github.com/tensorgo/tensorgo/optimizers"
	"github.com/tensorgo/tensorgo/tensor"
	"github.com/tensorgo/tensorgo/tf"
)

// Minimize a quadratic with Adam in graph mode, then lower the learning rate
// between steps (no recompilation).
func Example() {
	g := tf.NewGraph()
	w := tf.NewVariable(g, []float32{5, -3}, tf.Name("w"))
	target := tf.Const(g, []float32{1, 2})
	loss := tf.ReduceSum(tf.Square(tf.Sub(w.Tensor(), target)), nil, false)
	opt := optimizers.NewAdam(0.1)
	train := opt.Minimize(loss)

	sess := tf.NewSession(g)
	if err := tf.GlobalVariablesInitializer(g).Run(sess, nil); err != nil {
		fmt.Println(err)
		return
	}
	for step := 0; step < 500; step++ {
		if step == 400 {
			opt.SetLearningRate(0.01)
		}
		if err := train.Run(sess, nil); err != nil {
			fmt.Println(err)
			return
		}
	}
	fmt.Printf("w = %.2f after %d Adam steps (lr now %g)\n", w.Value().Float32s(), opt.Iterations(), opt.LearningRate())

	// Eager mode: gradients from a tape, applied at once.
	v := tf.NewVariable(nil, tensor.From([]float64{4}))
	sgd := optimizers.NewSGD(0.25)
	for i := 0; i < 3; i++ {
		tape := tf.NewGradientTape(false)
		l := tf.Square(v.Tensor())
		grads, _ := tape.Gradient(l, v)
		sgd.ApplyGradients(grads, []*tf.Variable{v})
	}
	fmt.Println("v =", v.Value().Float64s()) // each step halves v
	// Output:
	// w = [1.00 2.00] after 500 Adam steps (lr now 0.01)
	// v = [0.5]
}

// Build an optimizer's slots before the first update, as a program
// resuming from a checkpoint does before restoring them.
func ExampleOptimizer_build() {
	w := tf.NewVariable(nil, tensor.Zeros(tensor.Float32, 3, 2), tf.Name("kernel"))
	opt := optimizers.NewAdam(0, optimizers.AMSGrad(true))
	if err := opt.Build([]*tf.Variable{w}); err != nil {
		fmt.Println(err)
		return
	}
	for _, s := range opt.Slots(w) {
		fmt.Println(s.Name, s.Variable.Name(), s.Variable.Shape())
	}
	fmt.Println(len(opt.Variables()), "optimizer variables")
	// Output:
	// momentum kernel/momentum:0 (3, 2)
	// velocity kernel/velocity:0 (3, 2)
	// velocity_hat kernel/velocity_hat:0 (3, 2)
	// 4 optimizer variables
}

// Optimizers by their Keras names, as Compile takes them.
func ExampleGet() {
	for _, n := range []string{"adamw", "nadam", "lion"} {
		opt, _ := optimizers.Get(n)
		fmt.Println(opt.Name(), opt.LearningRate())
	}
	_, err := optimizers.Get("adamm")
	fmt.Println(err)
	// Output:
	// AdamW 0.001
	// Nadam 0.001
	// Lion 0.001
	// optimizers: unknown optimizer "adamm" (known: adadelta, adagrad, adam, adamax, adamw, ftrl, lion, nadam, rmsprop, sgd)
}
