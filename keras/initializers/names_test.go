package initializers

import (
	"math"
	"strings"
	"testing"

	"github.com/tensorgo/tensorgo/tensor"
)

// Every Keras 3 name (snake case, class name, alias) resolves, with
// Keras's defaults (keras/src/initializers/*.py).
func TestGetKnowsEveryKerasName(t *testing.T) {
	shape := tensor.Shape{300, 200}
	const tn = 0.87962566103423978 // stddev of a unit normal truncated at ±2
	for _, c := range []struct {
		names     []string
		mean, std float64
		bound     float64
	}{
		{[]string{"glorot_uniform", "GlorotUniform"}, 0, math.Sqrt(2.0 / 500), math.Sqrt(6.0 / 500)},
		{[]string{"glorot_normal", "GlorotNormal"}, 0, math.Sqrt(2.0 / 500), 2 * math.Sqrt(2.0/500) / tn},
		{[]string{"he_uniform", "HeUniform"}, 0, math.Sqrt(2.0 / 300), math.Sqrt(6.0 / 300)},
		{[]string{"he_normal", "HeNormal"}, 0, math.Sqrt(2.0 / 300), 2 * math.Sqrt(2.0/300) / tn},
		{[]string{"lecun_uniform", "LecunUniform"}, 0, math.Sqrt(1.0 / 300), math.Sqrt(3.0 / 300)},
		{[]string{"lecun_normal", "LecunNormal"}, 0, math.Sqrt(1.0 / 300), 2 * math.Sqrt(1.0/300) / tn},
		// VarianceScaling(): scale 1, fan_in, truncated normal.
		{[]string{"variance_scaling", "VarianceScaling"}, 0, math.Sqrt(1.0 / 300), 2 * math.Sqrt(1.0/300) / tn},
		{[]string{"random_normal", "RandomNormal", "normal"}, 0, 0.05, 1},
		{[]string{"random_uniform", "RandomUniform", "uniform"}, 0, 0.1 / math.Sqrt(12), 0.05},
		// TruncatedNormal(0, 0.05) cuts at ±2 stddev, so its spread is 0.05·tn.
		{[]string{"truncated_normal", "TruncatedNormal"}, 0, 0.05 * tn, 0.1},
	} {
		for _, n := range c.names {
			i, err := Get(n)
			if err != nil {
				t.Errorf("Get(%q): %v", n, err)
				continue
			}
			tensor.SetSeed(3)
			v := i.Init(shape, tensor.Float64)
			mean, std, maxAbs := moments(v)
			if math.Abs(mean-c.mean) > 0.05*c.std || math.Abs(std-c.std)/c.std > 0.03 || maxAbs > c.bound*1.0001 {
				t.Errorf("%s: mean %g std %g (want %g) max|v| %g (bound %g)", n, mean, std, c.std, maxAbs, c.bound)
			}
		}
	}
	for _, c := range []struct {
		names []string
		want  func(i, j int) float64
	}{
		{[]string{"zeros", "Zeros", "zero"}, func(i, j int) float64 { return 0 }},
		{[]string{"constant", "Constant"}, func(i, j int) float64 { return 0 }},
		{[]string{"ones", "Ones", "one"}, func(i, j int) float64 { return 1 }},
		{[]string{"identity", "Identity", "IdentityInitializer"}, func(i, j int) float64 {
			if i == j {
				return 1
			}
			return 0
		}},
	} {
		for _, n := range c.names {
			i, err := Get(n)
			if err != nil {
				t.Errorf("Get(%q): %v", n, err)
				continue
			}
			v := i.Init(tensor.Shape{3, 4}, tensor.Float32)
			for r := 0; r < 3; r++ {
				for k := 0; k < 4; k++ {
					if v.At(r, k) != c.want(r, k) {
						t.Errorf("%s[%d][%d] = %v, want %v", n, r, k, v.At(r, k), c.want(r, k))
					}
				}
			}
		}
	}
	for _, n := range []string{"orthogonal", "Orthogonal", "OrthogonalInitializer"} {
		i, err := Get(n)
		if err != nil {
			t.Fatalf("Get(%q): %v", n, err)
		}
		checkOrthogonal(t, n, i.Init(tensor.Shape{7, 5}, tensor.Float64), 7, 5, 1, 1e-12)
	}
	_, err := Get("glorot_unifrom")
	if err == nil {
		t.Fatal("no error for a misspelt name")
	}
	for _, n := range []string{"glorot_uniform", "variance_scaling", "orthogonal", "identity", "truncated_normal"} {
		if !strings.Contains(err.Error(), n) {
			t.Errorf("error %q does not list %q", err, n)
		}
	}
}

// checkOrthogonal checks that the rows x cols matrix q has orthonormal
// columns (rows >= cols) or rows, times gain: QᵀQ = gain²·I (or QQᵀ).
func checkOrthogonal(t *testing.T, name string, q *tensor.Tensor, rows, cols int, gain, tol float64) {
	t.Helper()
	at := func(i, j int) float64 { return q.Float(i*cols + j) }
	small, long := min(rows, cols), max(rows, cols)
	for i := 0; i < small; i++ {
		for j := 0; j < small; j++ {
			var d float64
			for k := 0; k < long; k++ {
				if rows >= cols {
					d += at(k, i) * at(k, j)
				} else {
					d += at(i, k) * at(j, k)
				}
			}
			want := 0.0
			if i == j {
				want = gain * gain
			}
			if math.Abs(d-want) > tol {
				t.Fatalf("%s: Gram matrix [%d][%d] = %g, want %g", name, i, j, d, want)
			}
		}
	}
}

// Recurrent kernels are (units, 4·units) and convolution kernels are of
// rank 4: both flatten to (prod(shape[:-1]), shape[-1]) as Keras does.
func TestOrthogonalShapes(t *testing.T) {
	for _, c := range []struct {
		shape tensor.Shape
		dtype tensor.DType
		tol   float64
	}{
		{tensor.Shape{32, 128}, tensor.Float64, 1e-12},
		{tensor.Shape{128, 32}, tensor.Float32, 1e-5},
		{tensor.Shape{3, 3, 4, 8}, tensor.Float64, 1e-12},
		{tensor.Shape{2, 2, 8, 4}, tensor.Float32, 1e-5},
		{tensor.Shape{1, 1}, tensor.Float64, 1e-15},
	} {
		q := Orthogonal(1.5, 11).Init(c.shape, c.dtype)
		if !q.Shape().Equal(c.shape) || q.DType() != c.dtype {
			t.Fatalf("shape %v %v, want %v %v", q.Shape(), q.DType(), c.shape, c.dtype)
		}
		cols := c.shape[len(c.shape)-1]
		checkOrthogonal(t, c.shape.String(), q, c.shape.NumElements()/cols, cols, 1.5, c.tol*2.25)
	}
	a := Orthogonal(1, 5).Init(tensor.Shape{6, 6}, tensor.Float64)
	b := Orthogonal(1, 5).Init(tensor.Shape{6, 6}, tensor.Float64)
	for i := 0; i < 36; i++ {
		if a.Float(i) != b.Float(i) {
			t.Fatal("same seed, different orthogonal matrices")
		}
	}
}
