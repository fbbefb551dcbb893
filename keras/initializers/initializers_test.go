package initializers

import (
	"fmt"
	"math"
	"testing"

	"github.com/tensorgo/tensorgo/tensor"
)

func moments(t *tensor.Tensor) (mean, std, maxAbs float64) {
	n := float64(t.Size())
	for i := 0; i < t.Size(); i++ {
		v := t.Float(i)
		mean += v
		maxAbs = math.Max(maxAbs, math.Abs(v))
	}
	mean /= n
	for i := 0; i < t.Size(); i++ {
		d := t.Float(i) - mean
		std += d * d
	}
	return mean, math.Sqrt(std / n), maxAbs
}

func TestVarianceScalingFamilies(t *testing.T) {
	shape := tensor.Shape{400, 300}
	cases := []struct {
		name  string
		init  Initializer
		std   float64
		bound float64 // max |value|
	}{
		{"glorot_uniform", GlorotUniform(1), math.Sqrt(2.0 / 700), math.Sqrt(6.0 / 700)},
		{"glorot_normal", GlorotNormal(1), math.Sqrt(2.0 / 700), 2 * math.Sqrt(2.0/700) / 0.87962566103423978},
		{"he_uniform", HeUniform(1), math.Sqrt(2.0 / 400), math.Sqrt(6.0 / 400)},
		{"he_normal", HeNormal(1), math.Sqrt(2.0 / 400), 2 * math.Sqrt(2.0/400) / 0.87962566103423978},
		{"lecun_uniform", LecunUniform(1), math.Sqrt(1.0 / 400), math.Sqrt(3.0 / 400)},
		{"lecun_normal", LecunNormal(1), math.Sqrt(1.0 / 400), 2 * math.Sqrt(1.0/400) / 0.87962566103423978},
		{"random_normal", RandomNormal(0, 0.05, 1), 0.05, 10},
		{"random_uniform", RandomUniform(-0.05, 0.05, 1), 0.1 / math.Sqrt(12), 0.05},
	}
	for _, c := range cases {
		v := c.init.Init(shape, tensor.Float32)
		mean, std, maxAbs := moments(v)
		if math.Abs(mean) > 0.05*c.std || math.Abs(std-c.std)/c.std > 0.03 || maxAbs > c.bound*1.0001 {
			t.Errorf("%s: mean %g std %g (want %g) max|v| %g (bound %g)", c.name, mean, std, c.std, maxAbs, c.bound)
		}
	}
}

func TestSeedRepeats(t *testing.T) {
	a := GlorotUniform(7).Init(tensor.Shape{5, 4}, tensor.Float32)
	b := GlorotUniform(7).Init(tensor.Shape{5, 4}, tensor.Float32)
	c := GlorotUniform(8).Init(tensor.Shape{5, 4}, tensor.Float32)
	same, diff := true, false
	for i := 0; i < a.Size(); i++ {
		same = same && a.Float(i) == b.Float(i)
		diff = diff || a.Float(i) != c.Float(i)
	}
	if !same || !diff {
		t.Fatalf("same seed equal: %v, other seed differs: %v", same, diff)
	}
}

func TestOrthogonal(t *testing.T) {
	for _, s := range []tensor.Shape{{6, 4}, {4, 6}, {5, 5}} {
		q := Orthogonal(2, 3).Init(s, tensor.Float64)
		r, c := s[0], s[1]
		// The smaller Gram matrix must be 4·I (gain 2).
		small := min(r, c)
		for i := 0; i < small; i++ {
			for j := 0; j < small; j++ {
				var d float64
				if r >= c {
					for k := 0; k < r; k++ {
						d += q.At(k, i) * q.At(k, j)
					}
				} else {
					for k := 0; k < c; k++ {
						d += q.At(i, k) * q.At(j, k)
					}
				}
				want := 0.0
				if i == j {
					want = 4
				}
				if math.Abs(d-want) > 1e-9 {
					t.Fatalf("shape %v: gram[%d][%d] = %g, want %g", s, i, j, d, want)
				}
			}
		}
	}
}

func TestConstantsAndGet(t *testing.T) {
	if v := Constant(2.5).Init(tensor.Shape{3}, tensor.Float32); v.Float(2) != 2.5 {
		t.Fatalf("constant: %v", v)
	}
	if v := Ones().Init(tensor.Shape{2, 2}, tensor.Float64); v.Float(3) != 1 {
		t.Fatalf("ones: %v", v)
	}
	if v := Identity(1).Init(tensor.Shape{2, 2}, tensor.Float32); v.At(1, 1) != 1 || v.At(0, 1) != 0 {
		t.Fatalf("identity: %v", v)
	}
	for _, n := range []string{"glorot_uniform", "he_normal", "zeros", "orthogonal", "lecun_uniform"} {
		if _, err := Get(n); err != nil {
			t.Errorf("Get(%q): %v", n, err)
		}
	}
	if _, err := Get("glorot_unifrom"); err == nil {
		t.Error("Get of a misspelt name gave no error")
	}
	fi, fo := Fans(tensor.Shape{3, 3, 16, 32})
	if fi != 144 || fo != 288 {
		t.Errorf("conv fans = %v, %v", fi, fo)
	}
}

func ExampleGlorotUniform() {
	w := GlorotUniform(42).Init(tensor.Shape{784, 128}, tensor.Float32)
	limit := math.Sqrt(6.0 / (784 + 128))
	_, _, maxAbs := moments(w)
	fmt.Println(w.Shape(), maxAbs <= limit)
	// Output: (784, 128) true
}
