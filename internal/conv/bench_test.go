package conv

import "testing"

// The MNIST CNN's two convolutions at batch 32 (note 001's network).
func BenchmarkMNISTCNNConv(b *testing.B) {
	for _, c := range []struct {
		name  string
		in, f [4]int
	}{
		{"conv1", [4]int{32, 28, 28, 1}, [4]int{3, 3, 1, 32}},
		{"conv2", [4]int{32, 13, 13, 32}, [4]int{3, 3, 32, 64}},
	} {
		p, _ := NewParams(c.in, c.f, [2]int{1, 1}, [2]int{1, 1}, Valid, 1)
		x, w := make([]float32, p.InSize()), make([]float32, p.FilterSize())
		y, dx, dw := make([]float32, p.OutSize()), make([]float32, p.InSize()), make([]float32, p.FilterSize())
		var ws Workspace[float32]
		b.Run(c.name+"/forward", func(b *testing.B) {
			for b.Loop() {
				Forward(&p, x, w, nil, y, Relu, &ws)
			}
		})
		b.Run(c.name+"/input", func(b *testing.B) {
			for b.Loop() {
				BackwardInput(&p, y, w, dx, &ws)
			}
		})
		b.Run(c.name+"/filter", func(b *testing.B) {
			for b.Loop() {
				BackwardFilter(&p, x, y, dw, nil, &ws)
			}
		})
	}
}
