package distribute_test

import (
	"bytes"
	"strings"
	"testing"

	"github.com/tensorgo/tensorgo/distribute"
	"github.com/tensorgo/tensorgo/optimizers"
	"github.com/tensorgo/tensorgo/tensor"
	"github.com/tensorgo/tensorgo/tf"
)

// The last layer's bucket is averaged as soon as its gradient exists,
// before the backward pass reaches the first layer: in the compiled order
// (as LogDevicePlacement lists it) the first allreduce start comes before
// the first layer's TanhGrad, and the wait after every start, before the
// updates.
func TestAllreduceOverlapsBackward(t *testing.T) {
	s, err := distribute.New(distribute.NewLocalGroup(1)[0], distribute.BucketBytes(1))
	if err != nil {
		t.Fatal(err)
	}
	g := tf.NewGraph()
	x := tf.Placeholder(g, tensor.Float32, tensor.Shape{-1, 3}, tf.Name("x"))
	w1 := tf.NewVariable(g, tensor.Fill(tensor.Float32, 0.1, 3, 4), tf.Name("w1"))
	w2 := tf.NewVariable(g, tensor.Fill(tensor.Float32, 0.1, 4, 2), tf.Name("w2"))
	h := tf.Tanh(tf.MatMul(x, w1.Tensor()))
	loss := tf.ReduceMean(tf.Square(tf.MatMul(h, w2.Tensor())), nil, false)
	vars := []*tf.Variable{w1, w2}
	grads := s.ReduceGradients(tf.VariableGradients([]*tf.Tensor{loss}, vars), vars)
	train := optimizers.NewGradientDescent(0.1).ApplyGradientsOp(grads, vars)
	sess := tf.NewSession(g)
	if _, err := sess.Run(nil, nil, tf.GlobalVariablesInitializer(g)); err != nil {
		t.Fatal(err)
	}
	var log bytes.Buffer
	sess = tf.NewSession(g, tf.LogDevicePlacement(true), tf.LogWriter(&log))
	if _, err := sess.Run(tf.Feeds{x: tensor.Fill(tensor.Float32, 1, 2, 3)}, []*tf.Tensor{loss}, train); err != nil {
		t.Fatal(err)
	}
	pos := map[string]int{}
	for i, line := range strings.Split(log.String(), "\n") {
		if typ, _, ok := strings.Cut(line, ": ("); ok {
			if _, seen := pos[typ]; !seen {
				pos[typ] = i
			}
		}
	}
	for _, name := range []string{"allreduce_start", "allreduce_start_1", "allreduce_wait", "gradients/TanhGrad", "GradientDescent/ApplyGradientDescent"} {
		if _, ok := pos[name]; !ok {
			t.Fatalf("no op %s in the plan:\n%s", name, log.String())
		}
	}
	if !(pos["allreduce_start"] < pos["gradients/TanhGrad"]) {
		t.Errorf("the last layer's allreduce starts after the first layer's backward pass:\n%s", log.String())
	}
	if !(pos["allreduce_start_1"] < pos["allreduce_wait"] && pos["allreduce_wait"] < pos["GradientDescent/ApplyGradientDescent"]) {
		t.Errorf("want every start, then the wait, then the updates:\n%s", log.String())
	}
}
