package main

import (
	"math"
	"strings"
	"testing"

	"github.com/tensorgo/tensorgo/tensor"
)

func TestResizeArea(t *testing.T) {
	// 4×4 → 2×2: each output pixel is the mean of a 2×2 block.
	img := tensor.FromSlice([]float32{
		0, 2, 4, 6,
		2, 4, 6, 8,
		10, 10, 0, 0,
		10, 10, 0, 4,
	}, 4, 4, 1)
	want := []float32{2, 6, 10, 1}
	got := resizeArea(img, 2, 2).Float32s()
	for i := range want {
		if got[i] != want[i] {
			t.Fatalf("4×4 → 2×2: %v, want %v", got, want)
		}
	}
	// 3×3 → 2×2: output (0, 0) covers rows and columns [0, 1.5): pixel
	// (0,0) whole, (0,1) and (1,0) half, (1,1) a quarter, over 2.25.
	img = tensor.FromSlice([]float32{9, 0, 0, 0, 0, 0, 0, 0, 0}, 3, 3, 1)
	if v := resizeArea(img, 2, 2).Float32s()[0]; math.Abs(float64(v)-9/2.25) > 1e-6 {
		t.Errorf("3×3 → 2×2: corner %v, want %v", v, 9/2.25)
	}
}

func TestGeometryOf(t *testing.T) {
	for _, c := range []struct {
		shape   tensor.Shape
		h, w, c int
		err     string
	}{
		{tensor.Shape{-1, 784}, 28, 28, 1, ""},
		{tensor.Shape{-1, 28, 28}, 28, 28, 1, ""},
		{tensor.Shape{-1, 32, 32, 3}, 32, 32, 3, ""},
		{tensor.Shape{-1, 12}, 2, 2, 3, ""},
		{tensor.Shape{-1, 5}, 0, 0, 0, "not a square picture"},
		{tensor.Shape{-1, 28, 28, 2}, 0, 0, 0, "2 channels"},
		{tensor.Shape{-1, -1, 28, 1}, 0, 0, 0, "unknown dimensions"},
	} {
		g, err := geometryOf(c.shape)
		if c.err != "" {
			if err == nil || !strings.Contains(err.Error(), c.err) {
				t.Errorf("%v: %v, want an error about %q", c.shape, err, c.err)
			}
			continue
		}
		if err != nil || g.h != c.h || g.w != c.w || g.c != c.c {
			t.Errorf("%v: %+v %v, want %d×%d×%d", c.shape, g, err, c.h, c.w, c.c)
		}
	}
}

func TestProbabilities(t *testing.T) {
	// Logits 0 and ln 3: softmax 1/4 and 3/4.
	p := probabilities(tensor.FromSlice([]float32{0, float32(math.Log(3))}, 1, 2))
	if math.Abs(p[0]-0.25) > 1e-6 || math.Abs(p[1]-0.75) > 1e-6 {
		t.Errorf("softmax of logits: %v, want [0.25 0.75]", p)
	}
	// A distribution stays as it is.
	p = probabilities(tensor.FromSlice([]float32{0.1, 0.9}, 1, 2))
	if math.Abs(p[0]-0.1) > 1e-6 || math.Abs(p[1]-0.9) > 1e-6 {
		t.Errorf("probabilities: %v, want [0.1 0.9]", p)
	}
	top := topK([]float64{0.2, 0.5, 0.2, 0.1}, 3, nil)
	if top[0].Index != 1 || top[1].Index != 0 || top[2].Index != 2 || top[0].Class != "1" {
		t.Errorf("topK: %v, want indices 1, 0, 2 (ties in index order)", top)
	}
}
