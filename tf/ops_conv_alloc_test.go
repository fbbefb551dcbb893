package tf

import (
	"testing"

	"github.com/tensorgo/tensorgo/tensor"
)

// A compiled step through every convolution, pooling and normalisation
// kernel (forward and gradients) allocates nothing once its workspaces
// have grown: they live in the ops' state.
func TestConvStepAllocatesNothing(t *testing.T) {
	if convRaceEnabled {
		t.Skip("allocation counts are meaningless under the race detector")
	}
	g := NewGraph()
	x := Placeholder(g, Float32, tensor.Shape{-1, 12, 12, 3})
	w := Const(g, tensor.RandomUniform(Float32, tensor.Shape{3, 3, 3, 8}, -1, 1, 1))
	gamma := Const(g, tensor.RandomUniform(Float32, tensor.Shape{8}, 0.5, 1.5, 2))
	beta := Const(g, tensor.RandomUniform(Float32, tensor.Shape{8}, -1, 1, 3))
	h := Add(Relu(Conv2D(x, w, []int{1}, "same")), FusedConv2D(x, w, beta, []int{1}, "same", "relu"))
	h, _, _ = FusedBatchNorm(h, gamma, beta, 1e-3)
	h = MaxPool(h, []int{2}, nil, "valid")
	h = AvgPool(h, []int{3}, []int{2}, "same")
	h = FusedBatchNormInference(h, gamma, beta, beta, gamma, 1e-3)
	h = Conv2DTranspose(h, Const(g, tensor.RandomUniform(Float32, tensor.Shape{2, 2, 4, 8}, -1, 1, 4)), []int{-1, 6, 6, 4}, []int{2}, "valid")
	loss := ReduceSum(Square(h), nil, false)
	grads := Gradients([]*Tensor{loss}, []*Tensor{x, w, gamma, beta})
	fetches := append([]*Tensor{loss}, grads...)
	sess := NewSession(g)
	feeds := Feeds{x: tensor.RandomUniform(Float32, tensor.Shape{4, 12, 12, 3}, 0, 1, 5)}
	dst := make([]*tensor.Tensor, len(fetches))
	if err := sess.RunInto(dst, feeds, fetches); err != nil {
		t.Fatal(err)
	}
	if a := testing.AllocsPerRun(10, func() {
		if err := sess.RunInto(dst, feeds, fetches); err != nil {
			t.Fatal(err)
		}
	}); a != 0 {
		t.Errorf("a compiled convolution step allocates %v times, want 0", a)
	}
}

// BenchmarkMNISTConvStep times the convolutional part of note 001's
// network (batch 32): two 3×3 convolutions with bias and relu, two 2×2
// max poolings, forward and all gradients.
func BenchmarkMNISTConvStep(b *testing.B) {
	g := NewGraph()
	x := Placeholder(g, Float32, tensor.Shape{-1, 28, 28, 1})
	w1 := Const(g, tensor.RandomUniform(Float32, tensor.Shape{3, 3, 1, 32}, -0.1, 0.1, 1))
	b1 := Const(g, tensor.New(Float32, 32))
	w2 := Const(g, tensor.RandomUniform(Float32, tensor.Shape{3, 3, 32, 64}, -0.1, 0.1, 2))
	b2 := Const(g, tensor.New(Float32, 64))
	h := MaxPool(FusedConv2D(x, w1, b1, nil, "valid", "relu"), []int{2}, nil, "valid")
	h = MaxPool(FusedConv2D(h, w2, b2, nil, "valid", "relu"), []int{2}, nil, "valid")
	loss := ReduceSum(Square(h), nil, false)
	fetches := append([]*Tensor{loss}, Gradients([]*Tensor{loss}, []*Tensor{w1, b1, w2, b2})...)
	sess := NewSession(g)
	feeds := Feeds{x: tensor.RandomUniform(Float32, tensor.Shape{32, 28, 28, 1}, 0, 1, 3)}
	dst := make([]*tensor.Tensor, len(fetches))
	b.ReportAllocs()
	for i := 0; i < b.N; i++ {
		if err := sess.RunInto(dst, feeds, fetches); err != nil {
			b.Fatal(err)
		}
	}
}
