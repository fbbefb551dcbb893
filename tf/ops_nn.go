package tf

import (
	"math/rand/v2"
	"sync"

	"github.com/tensorgo/tensorgo/tensor"
	"github.com/tensorgo/tensorgo/tf/internal/kernels"
)

func init() {
	softmaxInfer := func(op *Operation, in []TensorSpec) []TensorSpec {
		if !in[0].DType.IsFloat() || len(in[0].Shape) == 0 {
			shapePanic(op, in, "want a float tensor of rank >= 1")
		}
		return []TensorSpec{in[0]}
	}
	RegisterOp(&OpDef{Type: "Softmax", Infer: softmaxInfer, Attrs: []AttrDef{{"axis", AttrInt, -1}},
		Kernel: func(op *Operation, in, out []*tensor.Tensor) error {
			tensor.SoftmaxInto(out[0], in[0], op.aInt(0))
			return nil
		},
		Grad: g1(func(op *Operation, dy *Tensor) *Tensor {
			y := out0(op)
			return Mul(y, Sub(dy, ReduceSum(Mul(dy, y), []int{op.aInt(0)}, true)))
		}),
	})
	RegisterOp(&OpDef{Type: "LogSoftmax", Infer: softmaxInfer, Attrs: []AttrDef{{"axis", AttrInt, -1}},
		Kernel: func(op *Operation, in, out []*tensor.Tensor) error {
			tensor.LogSoftmaxInto(out[0], in[0], op.aInt(0))
			return nil
		},
		Grad: g1(func(op *Operation, dy *Tensor) *Tensor {
			y := out0(op)
			return Sub(dy, Mul(Exp(y), ReduceSum(dy, []int{op.aInt(0)}, true)))
		}),
	})
	xentInfer := func(sparse bool) func(op *Operation, in []TensorSpec) []TensorSpec {
		return func(op *Operation, in []TensorSpec) []TensorSpec {
			l, z := in[0], in[1]
			if !z.DType.IsFloat() || len(z.Shape) < 1 {
				shapePanic(op, in, "logits must be a float tensor of rank >= 1")
			}
			lead := z.Shape[:len(z.Shape)-1]
			if sparse {
				if !l.DType.IsInteger() || !l.Shape.CompatibleWith(lead) {
					shapePanic(op, in, "labels must be integers of shape %v", lead)
				}
			} else if l.DType != z.DType || !l.Shape.CompatibleWith(z.Shape) {
				shapePanic(op, in, "labels must match the logits' dtype and shape")
			}
			return []TensorSpec{{z.DType, lead.Clone()}, z}
		}
	}
	xentGrad := func(sparse bool) gradFunc {
		return func(op *Operation, dys []*Tensor, need []bool) []*Tensor {
			labels, logits := in0(op), in1(op)
			var dz, dl *Tensor
			if dy := dys[0]; dy != nil {
				dz = Mul(ExpandDims(dy, -1), op.outputs[1])
				if !sparse && need[0] {
					dl = Mul(ExpandDims(dy, -1), Neg(LogSoftmax(logits, -1)))
				}
			}
			if g := dys[1]; g != nil {
				// second order: backprop = softmax(z) - labels
				s := Softmax(logits, -1)
				t := Mul(s, Sub(g, ReduceSum(Mul(g, s), []int{-1}, true)))
				dz = addAll([]*Tensor{dz, t})
				if !sparse && need[0] {
					dl = addAll([]*Tensor{dl, Neg(g)})
				}
			}
			_ = labels
			return []*Tensor{dl, dz}
		}
	}
	RegisterOp(&OpDef{Type: "SoftmaxCrossEntropyWithLogits", Infer: xentInfer(false), Grad: xentGrad(false),
		Kernel: func(op *Operation, in, out []*tensor.Tensor) error {
			return kernels.SoftmaxXent(in[0], in[1], out[0], out[1], false)
		},
	})
	RegisterOp(&OpDef{Type: "SparseSoftmaxCrossEntropyWithLogits", Infer: xentInfer(true), Grad: xentGrad(true),
		Kernel: func(op *Operation, in, out []*tensor.Tensor) error {
			return kernels.SoftmaxXent(in[0], in[1], out[0], out[1], true)
		},
	})
	RegisterOp(&OpDef{Type: "Dropout", Stateful: true,
		Attrs: []AttrDef{{"rate", AttrFloat, nil}, {"seed", AttrInt, 0}},
		Infer: func(op *Operation, in []TensorSpec) []TensorSpec {
			if !in[0].DType.IsFloat() {
				shapePanic(op, in, "want a float tensor")
			}
			return []TensorSpec{in[0], in[0]}
		},
		Kernel: dropoutKernel,
		Grad: func(op *Operation, dys []*Tensor, need []bool) []*Tensor {
			if dys[0] == nil {
				return []*Tensor{nil}
			}
			return []*Tensor{Mul(dys[0], op.outputs[1])}
		},
	})
}

// Softmax normalises exp(x) along axis (default -1).
func Softmax(x *Tensor, axis ...int) *Tensor {
	return apply1("Softmax", attrs{softmaxAxis("Softmax", x, axis)}, nil, x)
}

// LogSoftmax returns log(Softmax(x)) along axis (default -1), stably.
func LogSoftmax(x *Tensor, axis ...int) *Tensor {
	return apply1("LogSoftmax", attrs{softmaxAxis("LogSoftmax", x, axis)}, nil, x)
}

func softmaxAxis(op string, x *Tensor, axis []int) int {
	a := -1
	if len(axis) > 0 {
		a = axis[0]
	}
	return normAxis(op, a, len(x.shape))
}

// SoftmaxCrossEntropyWithLogits returns, per row, -sum(labels *
// log_softmax(logits)) over the last axis (tf.nn.softmax_cross_entropy_with_logits);
// one fused kernel computes the loss and its gradient together.
func SoftmaxCrossEntropyWithLogits(labels, logits *Tensor) *Tensor {
	return apply("SoftmaxCrossEntropyWithLogits", attrs{}, nil, labels, logits)[0]
}

// SparseSoftmaxCrossEntropyWithLogits is SoftmaxCrossEntropyWithLogits with
// integer class labels (shape: the logits' without the last axis).
func SparseSoftmaxCrossEntropyWithLogits(labels, logits *Tensor) *Tensor {
	return apply("SparseSoftmaxCrossEntropyWithLogits", attrs{}, nil, labels, logits)[0]
}

// SigmoidCrossEntropyWithLogits returns the elementwise logistic loss
// max(x,0) - x*z + log(1+exp(-|x|)) for logits x and labels z
// (tf.nn.sigmoid_cross_entropy_with_logits).
func SigmoidCrossEntropyWithLogits(labels, logits *Tensor) *Tensor {
	x, z := logits, labels
	return Add(Sub(Relu(x), Mul(x, z)), Log1p(Exp(Neg(Abs(x)))))
}

// Dropout zeroes each element of x with probability rate and scales the
// rest by 1/(1-rate), with a fresh mask at every run (graph) or call
// (eager). The mask is seeded as TensorFlow seeds random ops: by the global
// seed (tensor.SetSeed) and the optional op seed.
func Dropout(x *Tensor, rate float64, seed ...int64) *Tensor {
	if rate < 0 || rate >= 1 {
		panic(opErr("Dropout", "rate %v is outside [0, 1)", rate))
	}
	if rate == 0 {
		return x
	}
	// The op's stream is seeded from the TF-style seeds once; a concrete
	// PCG keeps the per-element cost to a few instructions.
	r := tensor.NewRNG(seed...)
	sd := int64(0)
	if len(seed) > 0 {
		sd = seed[0]
	}
	op := build(mustOp("Dropout"), nil, []*Tensor{x}, attrs{rate, int(sd)}, nil, nil)
	op.state = &dropoutState{pcg: rand.NewPCG(r.Uint64(), r.Uint64())}
	if op.graph == nil {
		runEager(op)
	}
	return op.outputs[0]
}

// dropoutState is a Dropout op's random stream, drawn from by every run.
type dropoutState struct {
	mu  sync.Mutex
	pcg *rand.PCG
}

func dropoutKernel(op *Operation, in, out []*tensor.Tensor) error {
	rate := op.aFloat(0)
	thr := uint64(rate * (1 << 32))
	st := op.state.(*dropoutState)
	st.mu.Lock()
	defer st.mu.Unlock()
	switch x := in[0].Data().(type) {
	case []float32:
		kernels.DropoutRows(x, out[0].Float32s(), out[1].Float32s(), float32(1/(1-rate)), thr, st.pcg)
	case []float64:
		kernels.DropoutRows(x, out[0].Float64s(), out[1].Float64s(), 1/(1-rate), thr, st.pcg)
	}
	return nil
}
