package conv

import (
	"slices"
	"testing"
	"time"
)

// The MNIST CNN's two convolutions (note 001's network) and the CIFAR-10
// baseline's and LeNet5's, whose few channels make im2col's copies and
// thin products the cost, at batch 32.
func BenchmarkMNISTCNNConv(b *testing.B) {
	for _, c := range []struct {
		name  string
		in, f [4]int
		pad   Padding
	}{
		{"conv1", [4]int{32, 28, 28, 1}, [4]int{3, 3, 1, 32}, Valid},
		{"conv2", [4]int{32, 13, 13, 32}, [4]int{3, 3, 32, 64}, Valid},
		{"baseline", [4]int{32, 32, 32, 3}, [4]int{5, 5, 3, 6}, Same},
		{"lenet1", [4]int{32, 32, 32, 3}, [4]int{5, 5, 3, 6}, Valid},
		{"lenet2", [4]int{32, 14, 14, 6}, [4]int{5, 5, 6, 16}, Valid},
	} {
		p, _ := NewParams(c.in, c.f, [2]int{1, 1}, [2]int{1, 1}, c.pad, 1)
		benchPasses(b, c.name, &p, make([]float32, p.O), Relu) // Keras's Conv2D: a bias and relu
	}
}

// benchPasses times the three passes of the convolution p (forward with
// bias and act, input gradient, filter gradient) as sub-benchmarks of name.
func benchPasses(b *testing.B, name string, p *Params, bias []float32, act Activation) {
	x, w := make([]float32, p.InSize()), make([]float32, p.FilterSize())
	y, dx, dw := make([]float32, p.OutSize()), make([]float32, p.InSize()), make([]float32, p.FilterSize())
	var ws Workspace[float32]
	b.Run(name+"/forward", func(b *testing.B) {
		for b.Loop() {
			Forward(p, x, w, bias, y, act, &ws)
		}
	})
	b.Run(name+"/input", func(b *testing.B) {
		for b.Loop() {
			BackwardInput(p, y, w, dx, &ws)
		}
	})
	b.Run(name+"/filter", func(b *testing.B) {
		for b.Loop() {
			BackwardFilter(p, x, y, dw, nil, &ws)
		}
	})
}

// BenchmarkWinograd compares F(2×2, 3×3) with im2col on the 3×3
// convolutions of the CIFAR-10 zoo's ResNet18 and the MNIST CNN, at batch
// 32.
func BenchmarkWinograd(b *testing.B) {
	defer func() { winoOn = true }()
	for _, c := range []struct {
		name string
		in   [4]int
		o    int
		pad  Padding
	}{
		{"mnist2", [4]int{32, 13, 13, 32}, 64, Valid},
		{"res64", [4]int{32, 32, 32, 64}, 64, Same},
		{"res128", [4]int{32, 16, 16, 128}, 128, Same},
		{"res256", [4]int{32, 8, 8, 256}, 256, Same},
		{"res512", [4]int{32, 4, 4, 512}, 512, Same},
	} {
		p, _ := NewParams(c.in, [4]int{3, 3, c.in[3], c.o}, [2]int{1, 1}, [2]int{1, 1}, c.pad, 1)
		x, w := make([]float32, p.InSize()), make([]float32, p.FilterSize())
		for i := range x {
			x[i] = float32(i%7) - 3
		}
		y, dx, dw := make([]float32, p.OutSize()), make([]float32, p.InSize()), make([]float32, p.FilterSize())
		var ws Workspace[float32]
		for _, on := range []bool{false, true} {
			name := c.name + "/im2col"
			if on {
				name = c.name + "/winograd"
			}
			winoOn = on
			b.Run(name+"/forward", func(b *testing.B) {
				for b.Loop() {
					Forward(&p, x, w, nil, y, Linear, &ws)
				}
			})
			b.Run(name+"/input", func(b *testing.B) {
				for b.Loop() {
					BackwardInput(&p, y, w, dx, &ws)
				}
			})
			b.Run(name+"/filter", func(b *testing.B) {
				for b.Loop() {
					BackwardFilter(&p, x, y, dw, nil, &ws)
				}
			})
		}
	}
}

// BenchmarkInception10Conv is every distinct convolution of the CIFAR-10
// zoo's Inception10 at batch 32 ("same" padding); the names give the
// input's side and channels, the filter and stride, and how many of the
// model's convolutions have that shape.
func BenchmarkInception10Conv(b *testing.B) {
	for _, c := range []struct {
		name         string
		side, cin, k int
		o, stride    int
	}{
		{"c1_32x3_3x3_x1", 32, 3, 3, 16, 1},
		{"b1a_32x16_1x1s2_x4", 32, 16, 1, 16, 2},
		{"b1_16x16_3x3_x2", 16, 16, 3, 16, 1},
		{"b1_16x16_5x5_x2", 16, 16, 5, 16, 1},
		{"b1b_16x64_1x1_x4", 16, 64, 1, 16, 1},
		{"b2a_16x64_1x1s2_x4", 16, 64, 1, 32, 2},
		{"b2_8x32_3x3_x2", 8, 32, 3, 32, 1},
		{"b2_8x32_5x5_x2", 8, 32, 5, 32, 1},
		{"b2b_8x128_1x1_x4", 8, 128, 1, 32, 1},
	} {
		p, _ := NewParams([4]int{32, c.side, c.side, c.cin}, [4]int{c.k, c.k, c.cin, c.o}, [2]int{c.stride, c.stride}, [2]int{1, 1}, Same, 1)
		benchPasses(b, c.name, &p, make([]float32, c.o), Linear)
	}
}

// BenchmarkBiasFusion times Forward with a bias and relu, applied as each
// path finishes a block of the output (fused) or in a pass of their own,
// one after the other in turn on each path's convolution, and reports the
// median of the pairs' ratios (fused/unfused): the host's drift from
// minute to minute cannot skew pairs taken a call apart.
func BenchmarkBiasFusion(b *testing.B) {
	defer func() { fuseBias = true }()
	for _, c := range []struct {
		name   string
		in, f  [4]int
		stride int
		pad    Padding
	}{
		{"direct_mnist1", [4]int{32, 28, 28, 1}, [4]int{3, 3, 1, 32}, 1, Valid},
		{"direct_lenet2", [4]int{32, 14, 14, 6}, [4]int{5, 5, 6, 16}, 1, Valid},
		{"wino_mnist2", [4]int{32, 13, 13, 32}, [4]int{3, 3, 32, 64}, 1, Valid},
		{"wino_resnet", [4]int{32, 16, 16, 128}, [4]int{3, 3, 128, 128}, 1, Same},
		{"im2col_resnet_s2", [4]int{32, 16, 16, 64}, [4]int{3, 3, 64, 128}, 2, Same},
		{"im2col_alexnet1", [4]int{32, 32, 32, 3}, [4]int{3, 3, 3, 96}, 1, Valid},
		{"pointwise_incep", [4]int{32, 32, 32, 16}, [4]int{1, 1, 16, 16}, 1, Same},
	} {
		p, _ := NewParams(c.in, c.f, [2]int{c.stride, c.stride}, [2]int{1, 1}, c.pad, 1)
		x, w, bias := make([]float32, p.InSize()), make([]float32, p.FilterSize()), make([]float32, p.O)
		for i := range x {
			x[i] = float32(i%7) - 3
		}
		y := make([]float32, p.OutSize())
		var ws Workspace[float32]
		b.Run(c.name, func(b *testing.B) {
			var ratios []float64
			for b.Loop() {
				var t [2]time.Duration
				for i, on := range []bool{true, false} {
					fuseBias = on
					t0 := time.Now()
					Forward(&p, x, w, bias, y, Relu, &ws)
					t[i] = time.Since(t0)
				}
				ratios = append(ratios, float64(t[0])/float64(t[1]))
			}
			slices.Sort(ratios)
			b.ReportMetric(ratios[len(ratios)/2], "fused/unfused")
		})
	}
}
