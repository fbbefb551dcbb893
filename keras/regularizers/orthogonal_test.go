package regularizers

import (
	"math"
	"strings"
	"testing"

	"github.com/tensorgo/tensorgo/tensor"
	"github.com/tensorgo/tensorgo/tf"
)

// orthogonalPenalty is Keras 3's formula (regularizers_test.py's
// test_orthogonal_regularizer) as a direct loop.
func orthogonalPenalty(w [][]float64, factor float64, rows bool) float64 {
	vecs := w
	if !rows {
		vecs = make([][]float64, len(w[0]))
		for j := range vecs {
			for i := range w {
				vecs[j] = append(vecs[j], w[i][j])
			}
		}
	}
	n := len(vecs)
	unit := make([][]float64, n)
	for i, v := range vecs {
		var s float64
		for _, x := range v {
			s += x * x
		}
		for _, x := range v {
			unit[i] = append(unit[i], x/math.Sqrt(s))
		}
	}
	var sum float64
	for i := 0; i < n; i++ {
		for j := 0; j < n; j++ {
			if i == j {
				continue
			}
			var d float64
			for k := range unit[i] {
				d += unit[i][k] * unit[j][k]
			}
			sum += math.Abs(d)
		}
	}
	return factor * 0.5 * sum / (float64(n) * float64(n-1) / 2)
}

func TestOrthogonalRegularizer(t *testing.T) {
	w := [][]float64{{0.3, -1.2, 0.5, 2}, {1.1, 0.4, -0.7, 0.2}, {-0.6, 0.9, 1.5, -0.3}}
	flat := append(append(append([]float64(nil), w[0]...), w[1]...), w[2]...)
	x := tf.Constant(tensor.From(flat).Reshape(3, 4))
	for _, mode := range []string{"rows", "columns"} {
		got := Orthogonal(0.1, mode).Penalty(x).Value().Item()
		if want := orthogonalPenalty(w, 0.1, mode == "rows"); math.Abs(got-want) > 1e-14 {
			t.Errorf("%s: penalty %.17g, want %.17g", mode, got, want)
		}
	}
	// An orthogonal matrix costs nothing.
	id := tf.Constant(tensor.From([]float64{0, 2, 0, 3, 0, 0, 0, 0, -1}).Reshape(3, 3))
	if p := Orthogonal(1, "rows").Penalty(id).Value().Item(); math.Abs(p) > 1e-15 {
		t.Errorf("penalty of orthogonal rows %v, want 0", p)
	}
	// The gradient exists in graph mode (the penalty joins the loss).
	g := tf.NewGraph()
	v := tf.NewVariable(g, tensor.From(flat).Reshape(3, 4))
	if gr := tf.VariableGradients([]*tf.Tensor{Orthogonal(0.01, "rows").Penalty(v.Tensor())}, []*tf.Variable{v}); gr[0] == nil {
		t.Error("no gradient of the orthogonal penalty")
	}
	r, err := Get("orthogonal_regularizer")
	if err != nil || r.(OrthogonalRegularizer) != (OrthogonalRegularizer{0.01, "rows"}) {
		t.Errorf("Get(orthogonal_regularizer) = %v, %v", r, err)
	}
	for _, f := range []func(){
		func() { Orthogonal(0.1, "diagonal") },
		func() { Orthogonal(0.1, "rows").Penalty(tf.Constant(tensor.Zeros(tensor.Float32, 2, 2, 2))) },
	} {
		func() {
			defer func() {
				if p := recover(); p == nil || !strings.Contains(p.(string), "OrthogonalRegularizer") {
					t.Errorf("panic %v, want one naming OrthogonalRegularizer", p)
				}
			}()
			f()
		}()
	}
}

func TestGetKnowsKerasNames(t *testing.T) {
	for n, want := range map[string]Regularizer{
		"l1": L1(0.01), "L1": L1(0.01), "l2": L2(0.01), "l1_l2": L1L2(0.01, 0.01), "L1L2": L1L2(0.01, 0.01),
		"OrthogonalRegularizer": Orthogonal(0.01, "rows"),
	} {
		r, err := Get(n)
		if err != nil || r != want {
			t.Errorf("Get(%q) = %v, %v, want %v", n, r, err, want)
		}
	}
	_, err := Get("l3")
	if err == nil {
		t.Fatal("no error")
	}
	for _, n := range []string{"l1", "l2", "l1_l2", "orthogonal_regularizer"} {
		if !strings.Contains(err.Error(), n) {
			t.Errorf("error %q does not list %q", err, n)
		}
	}
}
