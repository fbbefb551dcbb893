package tf

import (
	"math"

	"github.com/tensorgo/tensorgo/tensor"
	"github.com/tensorgo/tensorgo/tf/internal/kernels/ref"
)

// The reference device's kernels of the convolution, pooling and
// normalisation ops: direct loops from tf/internal/kernels/ref.

func init() {
	same := func(op *Operation, i int) bool { return op.aString(i) == "SAME" }
	refKernel("Conv2D", func(op *Operation, in, out []*tensor.Tensor) error {
		g := ref.NewConvGeom(in[0].Shape(), in[1].Shape(), out[0].Shape(), op.aInts(convStrides), op.aInts(convDilations), same(op, convPadding))
		ref.Conv2D(g, in[0], in[1], out[0])
		return nil
	})
	refKernel("Conv2DBackpropInput", func(op *Operation, in, out []*tensor.Tensor) error {
		g := ref.NewConvGeom(out[0].Shape(), in[0].Shape(), in[1].Shape(), op.aInts(convStrides), op.aInts(convDilations), same(op, convPadding))
		ref.Conv2DBackpropInput(g, in[0], in[1], out[0])
		return nil
	})
	refKernel("Conv2DBackpropFilter", func(op *Operation, in, out []*tensor.Tensor) error {
		g := ref.NewConvGeom(in[0].Shape(), out[0].Shape(), in[1].Shape(), op.aInts(convStrides), op.aInts(convDilations), same(op, convPadding))
		ref.Conv2DBackpropFilter(g, in[0], in[1], out[0])
		return nil
	})
	pool := func(op *Operation, x, y tensor.Shape) ref.PoolGeom {
		return ref.NewPoolGeom(x, y, op.aInts(poolKsize), op.aInts(poolStrides), same(op, poolPadding))
	}
	refKernel("MaxPool", func(op *Operation, in, out []*tensor.Tensor) error {
		ref.MaxPool(pool(op, in[0].Shape(), out[0].Shape()), in[0], out[0])
		return nil
	})
	refKernel("MaxPoolGrad", func(op *Operation, in, out []*tensor.Tensor) error {
		ref.MaxPoolGrad(pool(op, in[0].Shape(), in[2].Shape()), in[0], in[2], out[0])
		return nil
	})
	refKernel("AvgPool", func(op *Operation, in, out []*tensor.Tensor) error {
		ref.AvgPool(pool(op, in[0].Shape(), out[0].Shape()), in[0], out[0])
		return nil
	})
	refKernel("AvgPoolGrad", func(op *Operation, in, out []*tensor.Tensor) error {
		ref.AvgPoolGrad(pool(op, out[0].Shape(), in[0].Shape()), in[0], out[0])
		return nil
	})
}

func init() {
	refKernel("FusedBatchNorm", func(op *Operation, in, out []*tensor.Tensor) error {
		ref.BatchNormTrain(in[0], in[1], in[2], op.aFloat(0), out[0], out[1], out[2])
		return nil
	})
	refKernel("FusedBatchNormGrad", func(op *Operation, in, out []*tensor.Tensor) error {
		ref.BatchNormGrad(in[0], in[1], in[2], in[3], in[4], op.aFloat(0), out[0], out[1], out[2])
		return nil
	})
	refKernel("FusedBatchNormInferenceGrad", func(op *Operation, in, out []*tensor.Tensor) error {
		dy := in[1]
		if len(in) > 5 { // the ReLU form: dy where the output is positive
			dy = in[1].Clone()
			for i := 0; i < dy.Size(); i++ {
				if !(in[5].Float(i) > 0) {
					dy.SetFloat(i, 0)
				}
			}
		}
		ref.BatchNormInferGrad(in[0], dy, in[2], in[3], in[4], op.aFloat(0), out[0], out[1], out[2])
		return nil
	})
	refKernel("FusedBatchNormInference", func(op *Operation, in, out []*tensor.Tensor) error {
		ref.BatchNormInfer(in[0], in[1], in[2], in[3], in[4], op.aFloat(0), out[0])
		if op.aString(normActivation) == "Relu" {
			for i := 0; i < out[0].Size(); i++ {
				out[0].SetFloat(i, math.Max(out[0].Float(i), 0))
			}
		}
		return nil
	})
}

func init() {
	refKernel("Pad", func(op *Operation, in, out []*tensor.Tensor) error {
		p := op.aInts(0)
		begin := make([]int, in[0].Rank())
		for d := range begin {
			begin[d] = p[2*d]
		}
		ref.Fill(out[0], 0)
		ref.Block(in[0], out[0], begin, true)
		return nil
	})
}

func init() {
	refKernel("FusedConv2D", func(op *Operation, in, out []*tensor.Tensor) error {
		g := ref.NewConvGeom(in[0].Shape(), in[1].Shape(), out[0].Shape(), op.aInts(convStrides), op.aInts(convDilations), op.aString(convPadding) == "SAME")
		ref.Conv2D(g, in[0], in[1], out[0])
		refBiasAct(out[0], in[2], op.aString(convActivation) == "Relu")
		return nil
	})
}

func init() {
	refKernel("MaxPoolGradGrad", func(op *Operation, in, out []*tensor.Tensor) error {
		g := ref.NewPoolGeom(in[0].Shape(), out[0].Shape(), op.aInts(poolKsize), op.aInts(poolStrides), op.aString(poolPadding) == "SAME")
		ref.MaxPoolGradGrad(g, in[0], in[1], out[0])
		return nil
	})
}
