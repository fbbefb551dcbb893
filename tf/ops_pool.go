package tf

import (
	"fmt"
	"sync"

	"github.com/tensorgo/tensorgo/internal/conv"
	"github.com/tensorgo/tensorgo/tensor"
)

// 2-D pooling of NHWC tensors, with TensorFlow's padding: max pooling pads
// with -inf (padding never wins), "SAME" average pooling leaves the padded
// cells out of each window's divisor.

const (
	poolKsize = iota
	poolStrides
	poolPadding
	poolSizes // AvgPoolGrad's input_sizes
)

// poolState is a pooling op's scratch (see convState).
type poolState struct {
	mu  sync.Mutex
	p   conv.PoolParams // the run's geometry (kept here: the kernels hold on to it)
	w32 conv.PoolWorkspace[float32]
	w64 conv.PoolWorkspace[float64]
}

func poolStateOf(op *Operation) *poolState {
	if st, ok := op.state.(*poolState); ok {
		return st
	}
	return &poolState{}
}

func poolAttrs(op string, ksize, strides []int, padding string) attrs {
	k := pair(op, "ksize", ksize, 1)
	s := k
	if len(strides) > 0 {
		s = pair(op, "strides", strides, 1)
	}
	return attrs{k, s, normPadding(op, padding)}
}

// MaxPool takes the maximum of each ksize window (height, width; one value
// for both) of x (NHWC), moving by strides (nil: the window size), as
// tf.nn.max_pool2d.
func MaxPool(x *Tensor, ksize, strides []int, padding string) *Tensor {
	return applyState("MaxPool", poolAttrs("MaxPool", ksize, strides, padding), &poolState{}, x)
}

// AvgPool averages each ksize window of x (NHWC), as tf.nn.avg_pool2d;
// with "same" padding each window's mean counts only its cells inside x.
func AvgPool(x *Tensor, ksize, strides []int, padding string) *Tensor {
	return applyState("AvgPool", poolAttrs("AvgPool", ksize, strides, padding), &poolState{}, x)
}

func poolInfer(op *Operation, in []TensorSpec, x tensor.Shape) tensor.Shape {
	if len(x) != 4 {
		shapePanic(op, in, "want an NHWC input of rank 4, got %v", x)
	}
	k, st := op.aInts(poolKsize), op.aInts(poolStrides)
	for i := 0; i < 2; i++ {
		if k[i] < 1 || st[i] < 1 {
			shapePanic(op, in, "pool size %v and strides %v must be at least 1", k, st)
		}
	}
	out := tensor.Shape{x[0], -1, -1, x[3]}
	for i := 0; i < 2; i++ {
		if x[1+i] < 0 {
			continue
		}
		o, _, _, err := conv.Window(x[1+i], k[i], st[i], 1, conv.Padding(op.aString(poolPadding)))
		if err != nil {
			shapePanic(op, in, "%s of input %v with pool size %v: %v", [2]string{"height", "width"}[i], x, k, err)
		}
		out[1+i] = o
	}
	return out
}

// poolParamsOf sets st.p to the geometry of pooling an input x. The
// caller holds st.mu.
func poolParamsOf(op *Operation, st *poolState, x tensor.Shape) error {
	k, s := op.aInts(poolKsize), op.aInts(poolStrides)
	var err error
	st.p, err = conv.NewPoolParams(shape4(x), [2]int{k[0], k[1]}, [2]int{s[0], s[1]}, conv.Padding(op.aString(poolPadding)))
	if err != nil {
		return fmt.Errorf("%s: input %v: %w", op.def.Type, x, err)
	}
	return nil
}

func init() {
	pa := []AttrDef{{"ksize", AttrInts, nil}, {"strides", AttrInts, nil}, {"padding", AttrString, "VALID"}}
	floatIn := func(op *Operation, in []TensorSpec) {
		for _, s := range in {
			if !s.DType.IsFloat() || s.DType != in[0].DType {
				dtypePanic(op, in, "want float tensors of one dtype")
			}
		}
	}
	RegisterOp(&OpDef{Type: "MaxPool", Attrs: pa,
		Infer:  poolForwardInfer(floatIn),
		Kernel: poolForward(conv.MaxPool[float32], conv.MaxPool[float64]),
		Grad: g1(func(op *Operation, dy *Tensor) *Tensor {
			return applyState("MaxPoolGrad", attrs{op.attrVals[0], op.attrVals[1], op.attrVals[2]}, &poolState{}, in0(op), op.outputs[0], dy)
		}),
	})
	// MaxPoolGrad(x, y, dy), as TensorFlow's (orig_input, orig_output,
	// grad), routes dy to the first maximum of each window; y = MaxPool(x)
	// holds the maxima. It is linear in dy (its gradient is
	// MaxPoolGradGrad) and piecewise constant in x and y (no gradient flows
	// to them).
	RegisterOp(&OpDef{Type: "MaxPoolGrad", Attrs: pa,
		Grad: func(op *Operation, dys []*Tensor, need []bool) []*Tensor {
			if !need[2] {
				return []*Tensor{nil, nil, nil}
			}
			a := attrs{op.attrVals[0], op.attrVals[1], op.attrVals[2]}
			return []*Tensor{nil, nil, applyState("MaxPoolGradGrad", a, &poolState{}, in0(op), dys[0])}
		},
		Infer: func(op *Operation, in []TensorSpec) []TensorSpec {
			floatIn(op, in)
			o := poolInfer(op, in, in[0].Shape)
			if !o.CompatibleWith(in[1].Shape) || !o.CompatibleWith(in[2].Shape) {
				shapePanic(op, in, "pooling input %v gives %v, the output is %v and its gradient %v", in[0].Shape, o, in[1].Shape, in[2].Shape)
			}
			return []TensorSpec{in[0]}
		},
		Kernel: func(op *Operation, in, out []*tensor.Tensor) error {
			st := poolStateOf(op)
			st.mu.Lock()
			defer st.mu.Unlock()
			if err := poolParamsOf(op, st, in[0].Shape()); err != nil {
				return err
			}
			p := &st.p
			if in[0].DType() == Float32 {
				conv.MaxPoolGrad(p, in[0].Float32s(), in[1].Float32s(), in[2].Float32s(), out[0].Float32s(), &st.w32)
			} else {
				conv.MaxPoolGrad(p, in[0].Float64s(), in[1].Float64s(), in[2].Float64s(), out[0].Float64s(), &st.w64)
			}
			return nil
		},
	})
	// MaxPoolGradGrad(x, g) gives, for each pooling output, g at its
	// window's first maximum in x: MaxPoolGrad's gradient with respect to
	// dy, linear in g (its gradient is MaxPoolGrad).
	RegisterOp(&OpDef{Type: "MaxPoolGradGrad", Attrs: pa,
		Infer: func(op *Operation, in []TensorSpec) []TensorSpec {
			floatIn(op, in)
			if !in[0].Shape.CompatibleWith(in[1].Shape) {
				shapePanic(op, in, "the gradient must have the input's shape")
			}
			return []TensorSpec{{in[0].DType, poolInfer(op, in, in[0].Shape)}}
		},
		Kernel: func(op *Operation, in, out []*tensor.Tensor) error {
			st := poolStateOf(op)
			st.mu.Lock()
			defer st.mu.Unlock()
			if err := poolParamsOf(op, st, in[0].Shape()); err != nil {
				return err
			}
			if in[0].DType() == Float32 {
				conv.MaxPoolGradGrad(&st.p, in[0].Float32s(), in[1].Float32s(), out[0].Float32s(), &st.w32)
			} else {
				conv.MaxPoolGradGrad(&st.p, in[0].Float64s(), in[1].Float64s(), out[0].Float64s(), &st.w64)
			}
			return nil
		},
		Grad: func(op *Operation, dys []*Tensor, need []bool) []*Tensor {
			if !need[1] {
				return []*Tensor{nil, nil}
			}
			a := attrs{op.attrVals[0], op.attrVals[1], op.attrVals[2]}
			x := in0(op)
			y := applyState("MaxPool", a, &poolState{}, x)
			return []*Tensor{nil, applyState("MaxPoolGrad", a, &poolState{}, x, y, dys[0])}
		},
	})
	RegisterOp(&OpDef{Type: "AvgPool", Attrs: pa,
		Infer:  poolForwardInfer(floatIn),
		Kernel: poolForward(conv.AvgPool[float32], conv.AvgPool[float64]),
		Grad: g1(func(op *Operation, dy *Tensor) *Tensor {
			return applyState("AvgPoolGrad", attrs{op.attrVals[0], op.attrVals[1], op.attrVals[2], in0(op).shape.Clone()}, &poolState{}, dy)
		}),
	})
	// AvgPoolGrad(dy) spreads dy over the windows of an input of shape
	// input_sizes (the batch may be -1: dy's is used). It is linear, and
	// its gradient is AvgPool.
	RegisterOp(&OpDef{Type: "AvgPoolGrad", Attrs: append(append([]AttrDef(nil), pa...), AttrDef{"input_sizes", AttrShape, nil}),
		Infer: func(op *Operation, in []TensorSpec) []TensorSpec {
			floatIn(op, in)
			s := op.aShape(poolSizes)
			if len(s) != 4 || len(in[0].Shape) != 4 {
				shapePanic(op, in, "input_sizes %v and the output gradient must have rank 4", s)
			}
			x := tensor.Shape{in[0].Shape[0], s[1], s[2], s[3]}
			if o := poolInfer(op, in, x); !o.CompatibleWith(in[0].Shape) {
				shapePanic(op, in, "pooling input %v gives %v, the output gradient is %v", x, o, in[0].Shape)
			}
			return []TensorSpec{{in[0].DType, x}}
		},
		Kernel: func(op *Operation, in, out []*tensor.Tensor) error {
			st := poolStateOf(op)
			st.mu.Lock()
			defer st.mu.Unlock()
			if err := poolParamsOf(op, st, out[0].Shape()); err != nil {
				return err
			}
			p := &st.p
			if in[0].DType() == Float32 {
				conv.AvgPoolGrad(p, in[0].Float32s(), out[0].Float32s(), &st.w32)
			} else {
				conv.AvgPoolGrad(p, in[0].Float64s(), out[0].Float64s(), &st.w64)
			}
			return nil
		},
		Grad: g1(func(op *Operation, g *Tensor) *Tensor {
			return applyState("AvgPool", attrs{op.attrVals[0], op.attrVals[1], op.attrVals[2]}, &poolState{}, g)
		}),
	})
}

// poolForwardInfer is MaxPool's and AvgPool's shape inference: float
// inputs of one dtype, the window's output size.
func poolForwardInfer(floatIn func(*Operation, []TensorSpec)) func(*Operation, []TensorSpec) []TensorSpec {
	return func(op *Operation, in []TensorSpec) []TensorSpec {
		floatIn(op, in)
		return []TensorSpec{{in[0].DType, poolInfer(op, in, in[0].Shape)}}
	}
}

// poolForward is MaxPool's and AvgPool's CPU kernel: the geometry kept in
// the op's state, then f32 or f64 over the input.
func poolForward(f32 func(*conv.PoolParams, []float32, []float32, *conv.PoolWorkspace[float32]),
	f64 func(*conv.PoolParams, []float64, []float64, *conv.PoolWorkspace[float64])) func(op *Operation, in, out []*tensor.Tensor) error {
	return func(op *Operation, in, out []*tensor.Tensor) error {
		st := poolStateOf(op)
		st.mu.Lock()
		defer st.mu.Unlock()
		if err := poolParamsOf(op, st, in[0].Shape()); err != nil {
			return err
		}
		if in[0].DType() == Float32 {
			f32(&st.p, in[0].Float32s(), out[0].Float32s(), &st.w32)
		} else {
			f64(&st.p, in[0].Float64s(), out[0].Float64s(), &st.w64)
		}
		return nil
	}
}
