package activations

import (
	"fmt"
	"math"
	"testing"

	"github.com/tensorgo/tensorgo/tensor"
	"github.com/tensorgo/tensorgo/tf"
)

func TestNamedActivations(t *testing.T) {
	x := tf.Constant(tensor.From([]float32{-1, 0, 2}))
	want := map[string][]float64{
		"linear":      {-1, 0, 2},
		"relu":        {0, 0, 2},
		"sigmoid":     {1 / (1 + math.E), 0.5, 1 / (1 + math.Exp(-2))},
		"tanh":        {math.Tanh(-1), 0, math.Tanh(2)},
		"softplus":    {math.Log1p(math.Exp(-1)), math.Log(2), math.Log1p(math.Exp(2))},
		"elu":         {math.Exp(-1) - 1, 0, 2},
		"leaky_relu":  {-0.2, 0, 2},
		"softmax":     {math.Exp(-1) / (math.Exp(-1) + 1 + math.Exp(2)), 1 / (math.Exp(-1) + 1 + math.Exp(2)), math.Exp(2) / (math.Exp(-1) + 1 + math.Exp(2))},
		"log_softmax": {-1 - math.Log(math.Exp(-1)+1+math.Exp(2)), -math.Log(math.Exp(-1) + 1 + math.Exp(2)), 2 - math.Log(math.Exp(-1)+1+math.Exp(2))},
		"relu6":       {0, 0, 2},
		// Keras 3's piecewise-linear sigmoid relu6(x + 3) / 6 (issue 8:
		// the Keras 2 form clip(0.2x + 0.5, 0, 1) here before was a defect).
		"hard_sigmoid": {2.0 / 6, 0.5, 5.0 / 6},
		"softsign":     {-0.5, 0, 2.0 / 3},
		"selu":         {1.0507009873554805 * 1.6732632423543772 * (math.Exp(-1) - 1), 0, 1.0507009873554805 * 2},
		// Keras's default gelu is the exact one: x·Φ(x).
		"gelu":           {-0.5 * (1 + math.Erf(-1/math.Sqrt2)), 0, 2 * 0.5 * (1 + math.Erf(2/math.Sqrt2))},
		"swish":          {-1 / (1 + math.E), 0, 2 / (1 + math.Exp(-2))},
		"silu":           {-1 / (1 + math.E), 0, 2 / (1 + math.Exp(-2))},
		"exponential":    {math.Exp(-1), 1, math.Exp(2)},
		"celu":           {math.Exp(-1) - 1, 0, 2},
		"hard_shrink":    {-1, 0, 2},
		"hard_silu":      {-1.0 / 3, 0, 5.0 / 3},
		"hard_swish":     {-1.0 / 3, 0, 5.0 / 3},
		"hard_tanh":      {-1, 0, 1},
		"log_sigmoid":    {-math.Log1p(math.E), -math.Log(2), -math.Log1p(math.Exp(-2))},
		"mish":           {-math.Tanh(math.Log1p(math.Exp(-1))), 0, 2 * math.Tanh(math.Log1p(math.Exp(2)))},
		"soft_shrink":    {-0.5, 0, 1.5},
		"sparse_plus":    {0, 0.25, 2},
		"sparse_sigmoid": {0, 0.5, 1},
		"squareplus":     {(math.Sqrt(5) - 1) / 2, 1, (2 + math.Sqrt(8)) / 2},
		"tanh_shrink":    {-1 - math.Tanh(-1), 0, 2 - math.Tanh(2)},
	}
	for _, n := range Names() {
		// glu halves its axis, which has odd size here: see
		// TestSoftmaxAndGluOverAnyAxis.
		if _, ok := want[n]; !ok && n != "glu" {
			t.Errorf("activation %q has no hand-computed values here", n)
		}
	}
	for name, w := range want {
		f, err := Get(name)
		if err != nil {
			t.Fatal(err)
		}
		y := f(x).Value()
		for i, v := range w {
			if math.Abs(y.Float(i)-v) > 1e-5 {
				t.Errorf("%s(%v) = %v, want %v", name, x.Value().Float(i), y.Float(i), v)
			}
		}
	}
	if _, err := Get("rellu"); err == nil {
		t.Error("unknown activation gave no error")
	}
}

func ExampleGet() {
	relu, _ := Get("relu")
	fmt.Println(relu(tf.Constant(tensor.From([]float32{-1, 2}))).Value())
	// Output: tensor([0. 2.], shape=(2,), dtype=float32)
}
