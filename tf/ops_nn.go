package tf

import (
	"fmt"
	"math"
	"math/rand/v2"
	"sync"

	"github.com/tensorgo/tensorgo/internal/parallel"
	"github.com/tensorgo/tensorgo/tensor"
)

func init() {
	softmaxInfer := func(op *Operation, in []TensorSpec) []TensorSpec {
		if !in[0].DType.IsFloat() || len(in[0].Shape) == 0 {
			shapePanic(op, in, "want a float tensor of rank >= 1")
		}
		return []TensorSpec{in[0]}
	}
	RegisterOp(&OpDef{Type: "Softmax", Infer: softmaxInfer,
		Kernel: func(op *Operation, in, out []*tensor.Tensor) error {
			tensor.SoftmaxInto(out[0], in[0], op.a.axis)
			return nil
		},
		Grad: g1(func(op *Operation, dy *Tensor) *Tensor {
			y := out0(op)
			return Mul(y, Sub(dy, ReduceSum(Mul(dy, y), []int{op.a.axis}, true)))
		}),
	})
	RegisterOp(&OpDef{Type: "LogSoftmax", Infer: softmaxInfer,
		Kernel: func(op *Operation, in, out []*tensor.Tensor) error {
			tensor.LogSoftmaxInto(out[0], in[0], op.a.axis)
			return nil
		},
		Grad: g1(func(op *Operation, dy *Tensor) *Tensor {
			y := out0(op)
			return Sub(dy, Mul(Exp(y), ReduceSum(dy, []int{op.a.axis}, true)))
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
				if !l.DType.IsInteger() || !unknownCompatible(l.Shape, lead) {
					shapePanic(op, in, "labels must be integers of shape %v", lead)
				}
			} else if l.DType != z.DType || !unknownCompatible(l.Shape, z.Shape) {
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
			return xentKernel(in[0], in[1], out[0], out[1], false)
		},
	})
	RegisterOp(&OpDef{Type: "SparseSoftmaxCrossEntropyWithLogits", Infer: xentInfer(true), Grad: xentGrad(true),
		Kernel: func(op *Operation, in, out []*tensor.Tensor) error {
			return xentKernel(in[0], in[1], out[0], out[1], true)
		},
	})
	RegisterOp(&OpDef{Type: "Dropout", Stateful: true,
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
	return apply1("Softmax", attrs{axis: softmaxAxis("Softmax", x, axis), set: hasAxis}, nil, x)
}

// LogSoftmax returns log(Softmax(x)) along axis (default -1), stably.
func LogSoftmax(x *Tensor, axis ...int) *Tensor {
	return apply1("LogSoftmax", attrs{axis: softmaxAxis("LogSoftmax", x, axis), set: hasAxis}, nil, x)
}

func softmaxAxis(op string, x *Tensor, axis []int) int {
	a := -1
	if len(axis) > 0 {
		a = axis[0]
	}
	return tensor.NormAxis(op, a, len(x.shape))
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

func xentKernel(labels, logits, loss, back *tensor.Tensor, sparse bool) error {
	shape := logits.Shape()
	c := shape[len(shape)-1]
	rows := 0
	if c > 0 {
		rows = logits.Size() / c
	}
	if rows*c < 1<<15 {
		return xentRange(labels, logits, loss, back, c, 0, rows, sparse)
	}
	// Only the parallel path builds a closure (it escapes to the pool).
	var err error
	var errMu sync.Mutex
	parallel.For(rows, max(1, (1<<14)/max(c, 1)), func(lo, hi int) {
		if e := xentRange(labels, logits, loss, back, c, lo, hi, sparse); e != nil {
			errMu.Lock()
			err = e
			errMu.Unlock()
		}
	})
	return err
}

func xentRange(labels, logits, loss, back *tensor.Tensor, c, lo, hi int, sparse bool) error {
	switch z := logits.Data().(type) {
	case []float32:
		return xentRows(labels, z, loss.Float32s(), back.Float32s(), c, lo, hi, sparse)
	case []float64:
		return xentRows(labels, z, loss.Float64s(), back.Float64s(), c, lo, hi, sparse)
	}
	return fmt.Errorf("unsupported dtype %v", logits.DType())
}

func xentRows[T float32 | float64](labels *tensor.Tensor, z, loss, back []T, c, lo, hi int, sparse bool) error {
	var dense []T
	if !sparse {
		dense = tensor.Data[T](labels)
	}
	for r := lo; r < hi; r++ {
		row := z[r*c : (r+1)*c]
		b := back[r*c : (r+1)*c]
		m := row[0]
		for _, v := range row {
			m = max(m, v)
		}
		var s float64
		for j, v := range row {
			e := math.Exp(float64(v - m))
			b[j] = T(e)
			s += e
		}
		lse := float64(m) + math.Log(s)
		inv := T(1 / s)
		for j := range b {
			b[j] *= inv
		}
		if sparse {
			k := int(labels.Float(r))
			if k < 0 || k >= c {
				return fmt.Errorf("label %d of row %d is outside [0, %d)", k, r, c)
			}
			loss[r] = T(lse - float64(row[k]))
			b[k] -= 1
		} else {
			l := dense[r*c : (r+1)*c]
			var acc float64
			for j, v := range row {
				// 0*log(0) counts as 0, so that a logit masked with -Inf
				// under a zero label does not make the loss NaN.
				if l[j] != 0 {
					acc += float64(l[j]) * (lse - float64(v))
				}
				b[j] -= l[j]
			}
			loss[r] = T(acc)
		}
	}
	return nil
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
		panic(fmt.Sprintf("tf: Dropout: rate %v is outside [0, 1)", rate))
	}
	if rate == 0 {
		return x
	}
	// The op's stream is seeded from the TF-style seeds once; a concrete
	// PCG keeps the per-element cost to a few instructions.
	r := tensor.NewRNG(seed...)
	a := attrs{f: rate, pcg: rand.NewPCG(r.Uint64(), r.Uint64()), mu: new(sync.Mutex), set: hasRate}
	return apply("Dropout", a, nil, x)[0]
}

func dropoutKernel(op *Operation, in, out []*tensor.Tensor) error {
	rate := op.a.f
	thr := uint64(rate * (1 << 32))
	op.a.mu.Lock()
	defer op.a.mu.Unlock()
	switch x := in[0].Data().(type) {
	case []float32:
		dropRows(x, out[0].Float32s(), out[1].Float32s(), float32(1/(1-rate)), thr, op.a.pcg)
	case []float64:
		dropRows(x, out[0].Float64s(), out[1].Float64s(), 1/(1-rate), thr, op.a.pcg)
	}
	return nil
}

// dropRows draws two 32-bit uniforms per 64-bit random number: element i
// is kept when its uniform is >= thr = rate*2^32.
func dropRows[T float32 | float64](x, y, mask []T, scale T, thr uint64, r *rand.PCG) {
	n := len(x)
	y, mask = y[:n], mask[:n]
	i := 0
	for ; i+1 < n; i += 2 {
		u := r.Uint64()
		var m0, m1 T
		if u&0xffffffff >= thr {
			m0 = scale
		}
		if u>>32 >= thr {
			m1 = scale
		}
		mask[i], mask[i+1] = m0, m1
		y[i], y[i+1] = x[i]*m0, x[i+1]*m1
	}
	if i < n {
		var m T
		if r.Uint64()&0xffffffff >= thr {
			m = scale
		}
		mask[i] = m
		y[i] = x[i] * m
	}
}
