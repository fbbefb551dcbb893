package tf

import (
	"sync"

	"github.com/tensorgo/tensorgo/internal/conv"
	"github.com/tensorgo/tensorgo/tensor"
)

// Batch normalisation over the last axis (the channels of NHWC images or
// the features of a dense layer), one fused kernel each way:
// FusedBatchNorm normalises with the batch's mean and biased variance and
// returns them (for the moving averages), FusedBatchNormGrad is its
// gradient, FusedBatchNormInference normalises with given statistics.

// normState is a normalisation op's scratch (see convState).
type normState struct {
	mu  sync.Mutex
	w32 conv.NormWorkspace[float32]
	w64 conv.NormWorkspace[float64]
}

func normStateOf(op *Operation) *normState {
	if st, ok := op.state.(*normState); ok {
		return st
	}
	return &normState{}
}

func applyStateN(typ string, a attrs, state any, inputs ...*Tensor) []*Tensor {
	op := build(mustOp(typ), nil, inputs, a, nil, nil)
	op.state = state
	if op.graph == nil {
		runEager(op)
	}
	return op.outputs
}

// FusedBatchNorm normalises x over every axis but the last with the
// batch's statistics: y = gamma·(x − mean)/sqrt(variance + epsilon) + beta,
// mean and variance (biased: divided by the count) per channel. It returns
// y, mean and variance; gradients flow through all three.
func FusedBatchNorm(x, gamma, beta *Tensor, epsilon float64) (y, mean, variance *Tensor) {
	out := applyStateN("FusedBatchNorm", attrs{epsilon}, &normState{}, x, gamma, beta)
	return out[0], out[1], out[2]
}

// FusedBatchNormInference normalises x with given per-channel statistics
// (the moving averages): y = gamma·(x − mean)/sqrt(variance + epsilon) +
// beta.
func FusedBatchNormInference(x, gamma, beta, mean, variance *Tensor, epsilon float64) *Tensor {
	return applyState("FusedBatchNormInference", attrs{epsilon, ""}, &normState{}, x, gamma, beta, mean, variance)
}

const normActivation = 1 // FusedBatchNormInference's activation attribute

// normInfer checks x (rank >= 1, known channels) and per-channel vectors.
func normInfer(op *Operation, in []TensorSpec, vecs []int) int {
	x := in[0]
	if !x.DType.IsFloat() || len(x.Shape) < 1 || x.Shape[len(x.Shape)-1] < 1 {
		shapePanic(op, in, "want a float input of rank >= 1 with known channels (the last axis)")
	}
	c := x.Shape[len(x.Shape)-1]
	for _, i := range vecs {
		v := in[i]
		if v.DType != x.DType || len(v.Shape) != 1 || (v.Shape[0] >= 0 && v.Shape[0] != c) {
			shapePanic(op, in, "input %d must be a vector of the %d channels, of the input's dtype", i, c)
		}
	}
	return c
}

func channelsRows(x *tensor.Tensor) (rows, c int) {
	s := x.Shape()
	c = s[len(s)-1]
	return x.Size() / c, c
}

func init() {
	eps := []AttrDef{{"epsilon", AttrFloat, 1e-3}}
	RegisterOp(&OpDef{Type: "FusedBatchNorm", Attrs: eps,
		Infer: func(op *Operation, in []TensorSpec) []TensorSpec {
			c := normInfer(op, in, []int{1, 2})
			v := TensorSpec{in[0].DType, tensor.Shape{c}}
			return []TensorSpec{in[0], v, v}
		},
		Kernel: func(op *Operation, in, out []*tensor.Tensor) error {
			rows, c := channelsRows(in[0])
			st := normStateOf(op)
			st.mu.Lock()
			defer st.mu.Unlock()
			e := op.aFloat(0)
			if in[0].DType() == Float32 {
				conv.BatchNormTrain(in[0].Float32s(), in[1].Float32s(), in[2].Float32s(), e, rows, c,
					out[0].Float32s(), out[1].Float32s(), out[2].Float32s(), &st.w32)
			} else {
				conv.BatchNormTrain(in[0].Float64s(), in[1].Float64s(), in[2].Float64s(), e, rows, c,
					out[0].Float64s(), out[1].Float64s(), out[2].Float64s(), &st.w64)
			}
			return nil
		},
		Grad: func(op *Operation, dys []*Tensor, need []bool) []*Tensor {
			x, gamma := in0(op), in1(op)
			mean, variance := op.outputs[1], op.outputs[2]
			var dx, dgamma, dbeta *Tensor
			if dys[0] != nil {
				g := applyStateN("FusedBatchNormGrad", attrs{op.attrVals[0]}, &normState{}, x, dys[0], gamma, mean, variance)
				dx, dgamma, dbeta = g[0], g[1], g[2]
			}
			// The statistics' own gradients: d mean/dx = 1/m, d var/dx =
			// 2(x − mean)/m, per channel.
			if dys[1] != nil || dys[2] != nil {
				axes := make([]int, len(x.shape)-1)
				for i := range axes {
					axes[i] = i
				}
				ones := OnesLike(x)
				cnt := ReduceSum(ones, axes, false)
				if dys[1] != nil {
					dx = addAll([]*Tensor{dx, Mul(ones, Div(dys[1], cnt))})
				}
				if dys[2] != nil {
					dx = addAll([]*Tensor{dx, Mul(Sub(x, mean), Div(Mul(dys[2], scalarLike(x, 2)), cnt))})
				}
			}
			return []*Tensor{dx, dgamma, dbeta}
		},
	})
	// FusedBatchNormGrad(x, dy, gamma, mean, variance) gives dx, dgamma and
	// dbeta of FusedBatchNorm's y. It has no gradient of its own.
	registerNormGrad("FusedBatchNormGrad", eps, trainGrad[float32], trainGrad[float64])
	// activation is "" or "Relu": Relu(FusedBatchNormInference(...)) in a
	// graph builds the op with the ReLU in its output pass (see fuseRelu).
	RegisterOp(&OpDef{Type: "FusedBatchNormInference", Attrs: []AttrDef{eps[0], {"activation", AttrString, ""}},
		Infer: func(op *Operation, in []TensorSpec) []TensorSpec {
			normInfer(op, in, []int{1, 2, 3, 4})
			return []TensorSpec{in[0]}
		},
		Kernel: func(op *Operation, in, out []*tensor.Tensor) error {
			rows, c := channelsRows(in[0])
			st := normStateOf(op)
			st.mu.Lock()
			defer st.mu.Unlock()
			e := op.aFloat(0)
			act := activationOf(op, normActivation)
			if in[0].DType() == Float32 {
				conv.BatchNormInfer(in[0].Float32s(), in[1].Float32s(), in[2].Float32s(), in[3].Float32s(), in[4].Float32s(), e, rows, c,
					out[0].Float32s(), act, &st.w32)
			} else {
				conv.BatchNormInfer(in[0].Float64s(), in[1].Float64s(), in[2].Float64s(), in[3].Float64s(), in[4].Float64s(), e, rows, c,
					out[0].Float64s(), act, &st.w64)
			}
			return nil
		},
		// y = (x − mean)·s + beta with s = gamma·r, r = 1/sqrt(var + eps):
		// FusedBatchNormInferenceGrad gives dx, dgamma and dbeta in one
		// pass; the statistics' gradients (rarely wanted: Keras's moving
		// statistics are not trained) are built from ops.
		Grad: func(op *Operation, dys []*Tensor, need []bool) []*Tensor {
			x, gamma, mean, variance, dy := op.inputs[0], op.inputs[1], op.inputs[3], op.inputs[4], dys[0]
			relu := op.aString(normActivation) == "Relu"
			out := make([]*Tensor, 5)
			if need[0] || need[1] || need[2] {
				ins := []*Tensor{x, dy, gamma, mean, variance}
				if relu {
					// The ReLU's gradient in the same passes: dy counts
					// where y > 0, exactly where the normalised value is.
					ins = append(ins, out0(op))
				}
				g := applyStateN("FusedBatchNormInferenceGrad", attrs{op.attrVals[0]}, &normState{}, ins...)
				for i := 0; i < 3; i++ {
					if need[i] {
						out[i] = g[i]
					}
				}
			}
			if !need[3] && !need[4] {
				return out
			}
			if relu {
				dy = reluGrad(dy, out0(op))
			}
			r := Rsqrt(Add(variance, scalarLike(x, op.aFloat(0))))
			s := Mul(gamma, r)
			if need[3] {
				out[3] = Neg(Mul(unbroadcast(dy, gamma), s))
			}
			if need[4] {
				// d r/d var = −r³/2
				xc := Sub(x, mean)
				out[4] = Mul(unbroadcast(Mul(dy, xc), gamma), Mul(gamma, Mul(scalarLike(x, -0.5), Mul(r, Square(r)))))
			}
			return out
		},
	})
	// FusedBatchNormInferenceGrad(x, dy, gamma, mean, variance[, y]) gives
	// dx, dgamma and dbeta of FusedBatchNormInference's y; with a sixth
	// input, the output y of the op with a ReLU, dy is the ReLU's output
	// gradient. It has no gradient of its own.
	registerNormGrad("FusedBatchNormInferenceGrad", eps, conv.BatchNormInferGrad[float32], conv.BatchNormInferGrad[float64])
}

// normGradKernel is a batch-normalisation gradient kernel of internal/conv;
// relu is nil but for FusedBatchNormInferenceGrad's ReLU form.
type normGradKernel[T conv.Float] func(x, dy, relu, gamma, mean, variance []T, eps float64, rows, c int, dx, dgamma, dbeta []T, ws *conv.NormWorkspace[T])

// trainGrad is conv.BatchNormGrad as a normGradKernel (it has no ReLU
// form).
func trainGrad[T conv.Float](x, dy, _, gamma, mean, variance []T, eps float64, rows, c int, dx, dgamma, dbeta []T, ws *conv.NormWorkspace[T]) {
	conv.BatchNormGrad(x, dy, gamma, mean, variance, eps, rows, c, dx, dgamma, dbeta, ws)
}

// registerNormGrad registers a gradient op of batch normalisation, (x,
// dy, gamma, mean, variance[, relu]) → (dx, dgamma, dbeta), run by k32 or
// k64.
func registerNormGrad(typ string, eps []AttrDef, k32 normGradKernel[float32], k64 normGradKernel[float64]) {
	RegisterOp(&OpDef{Type: typ, Attrs: eps,
		Infer: func(op *Operation, in []TensorSpec) []TensorSpec {
			c := normInfer(op, in, []int{2, 3, 4})
			if !in[0].Shape.CompatibleWith(in[1].Shape) || in[0].DType != in[1].DType {
				shapePanic(op, in, "the output gradient must have the input's shape")
			}
			if len(in) > 5 && (len(in) > 6 || typ != "FusedBatchNormInferenceGrad" || !in[0].Shape.CompatibleWith(in[5].Shape) || in[0].DType != in[5].DType) {
				shapePanic(op, in, "a sixth input (FusedBatchNormInferenceGrad's ReLU output) must have the input's shape")
			}
			v := TensorSpec{in[0].DType, tensor.Shape{c}}
			return []TensorSpec{in[0], v, v}
		},
		Kernel: func(op *Operation, in, out []*tensor.Tensor) error {
			rows, c := channelsRows(in[0])
			st := normStateOf(op)
			st.mu.Lock()
			defer st.mu.Unlock()
			e := op.aFloat(0)
			if in[0].DType() == Float32 {
				var relu []float32
				if len(in) > 5 {
					relu = in[5].Float32s()
				}
				k32(in[0].Float32s(), in[1].Float32s(), relu, in[2].Float32s(), in[3].Float32s(), in[4].Float32s(), e, rows, c,
					out[0].Float32s(), out[1].Float32s(), out[2].Float32s(), &st.w32)
			} else {
				var relu []float64
				if len(in) > 5 {
					relu = in[5].Float64s()
				}
				k64(in[0].Float64s(), in[1].Float64s(), relu, in[2].Float64s(), in[3].Float64s(), in[4].Float64s(), e, rows, c,
					out[0].Float64s(), out[1].Float64s(), out[2].Float64s(), &st.w64)
			}
			return nil
		},
	})
}

// LayerNormalization normalises x over its last axis, per sample:
// y = gamma·(x − mean)/sqrt(variance + epsilon) + beta, with gamma and
// beta (nil: 1 and 0) vectors of the last dimension. It is built from
// reductions, so its gradient and those of any order come with them.
func LayerNormalization(x, gamma, beta *Tensor, epsilon float64) *Tensor {
	if len(x.shape) < 1 {
		panic(&ShapeError{Op: "LayerNormalization", Type: "LayerNormalization", Inputs: []TensorSpec{{x.dtype, x.shape}},
			Msg: "want an input of rank >= 1"})
	}
	last := []int{len(x.shape) - 1}
	mean := ReduceMean(x, last, true)
	xc := Sub(x, mean)
	variance := ReduceMean(Square(xc), last, true)
	y := Mul(xc, Rsqrt(Add(variance, scalarLike(x, epsilon))))
	if gamma != nil {
		y = Mul(y, gamma)
	}
	if beta != nil {
		y = Add(y, beta)
	}
	return y
}
