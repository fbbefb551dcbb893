package regularizers

import (
	"fmt"
	"math"
	"testing"

	"github.com/tensorgo/tensorgo/tensor"
	"github.com/tensorgo/tensorgo/tf"
)

func TestPenalties(t *testing.T) {
	w := tf.Constant(tensor.From([]float32{1, -2, 3}))
	cases := []struct {
		r    Regularizer
		want float64
	}{
		{L1(0.1), 0.1 * 6},
		{L2(0.01), 0.01 * 14},
		{L1L2(0.1, 0.01), 0.6 + 0.14},
		{Func(func(x *tf.Tensor) *tf.Tensor { return tf.ReduceMax(x, nil, false) }), 3},
	}
	for i, c := range cases {
		if got := c.r.Penalty(w).Value().Item(); math.Abs(got-c.want) > 1e-6 {
			t.Errorf("case %d: penalty %v, want %v", i, got, c.want)
		}
	}
	if r, err := Get("l2"); err != nil || r.(L1L2Regularizer).L2 != 0.01 {
		t.Errorf("Get(l2) = %v, %v", r, err)
	}
	if _, err := Get("l3"); err == nil {
		t.Error("unknown regularizer gave no error")
	}
}

func ExampleL2() {
	w := tf.Constant(tensor.From([]float32{1, 2}))
	fmt.Printf("%.2f\n", L2(0.01).Penalty(w).Value().Item())
	// Output: 0.05
}
