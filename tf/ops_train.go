package tf

import (
	"fmt"
	"math"

	"github.com/tensorgo/tensorgo/tensor"
	"github.com/tensorgo/tensorgo/tf/internal/kernels"
)

// Fused, in-place optimizer updates. Each is one op that reads the learning
// rate (and step) from scalar inputs at run time, so changing them needs no
// recompilation, and updates the variable and its slots in place without
// allocating. In eager mode they run at once.

func init() {
	noOutputs := func(op *Operation, in []TensorSpec) []TensorSpec {
		v := op.variable
		g := in[len(in)-1]
		if g.DType != v.dtype || !g.Shape.CompatibleWith(v.shape) {
			shapePanic(op, in, "gradient does not match variable %s (%v %v)", v.name, v.dtype, v.shape)
		}
		return nil
	}
	reg := func(typ string, at []AttrDef, k func(op *Operation, in []*tensor.Tensor) error) {
		RegisterOp(&OpDef{Type: typ, Stateful: true, AssignsVariable: true, Infer: noOutputs, Attrs: at,
			Kernel: func(op *Operation, in, out []*tensor.Tensor) error {
				if op.variable.value == nil {
					return &uninitializedError{op.variable}
				}
				for _, s := range op.slots {
					if s != nil && s.value == nil {
						return &uninitializedError{s}
					}
				}
				return k(op, in)
			}})
	}
	reg("ApplyGradientDescent", nil, func(op *Operation, in []*tensor.Tensor) error {
		lr := in[0].Float(0)
		switch w := op.variable.value.Data().(type) {
		case []float32:
			kernels.SGD(w, in[1].Float32s(), float32(lr))
		case []float64:
			kernels.SGD(w, in[1].Float64s(), lr)
		default:
			return fmt.Errorf("unsupported dtype %v", op.variable.dtype)
		}
		return nil
	})
	reg("ApplyMomentum", []AttrDef{{"momentum", AttrFloat, 0.0}, {"use_nesterov", AttrBool, false}}, func(op *Operation, in []*tensor.Tensor) error {
		lr, mom, nest := in[0].Float(0), op.aFloat(0), op.aBool(1)
		vel := op.slots[0].value
		switch w := op.variable.value.Data().(type) {
		case []float32:
			kernels.Momentum(w, vel.Float32s(), in[1].Float32s(), float32(lr), float32(mom), nest)
		case []float64:
			kernels.Momentum(w, vel.Float64s(), in[1].Float64s(), lr, mom, nest)
		default:
			return fmt.Errorf("unsupported dtype %v", op.variable.dtype)
		}
		return nil
	})
	reg("ApplyAdagrad", []AttrDef{{"epsilon", AttrFloat, 1e-7}}, func(op *Operation, in []*tensor.Tensor) error {
		lr, eps := in[0].Float(0), op.aFloat(0)
		acc := op.slots[0].value
		switch w := op.variable.value.Data().(type) {
		case []float32:
			kernels.Adagrad(w, acc.Float32s(), in[1].Float32s(), float32(lr), float32(eps))
		case []float64:
			kernels.Adagrad(w, acc.Float64s(), in[1].Float64s(), lr, eps)
		default:
			return fmt.Errorf("unsupported dtype %v", op.variable.dtype)
		}
		return nil
	})
	reg("ApplyRMSProp", []AttrDef{{"rho", AttrFloat, 0.9}, {"momentum", AttrFloat, 0.0}, {"epsilon", AttrFloat, 1e-7}}, func(op *Operation, in []*tensor.Tensor) error {
		lr := in[0].Float(0)
		rho, mom, eps := op.aFloat(0), op.aFloat(1), op.aFloat(2)
		ms, mo, mg := op.slots[0].value, op.slots[1], op.slots[2]
		switch w := op.variable.value.Data().(type) {
		case []float32:
			var mgd, mod []float32
			if mg != nil {
				mgd = mg.value.Float32s()
			}
			if mo != nil {
				mod = mo.value.Float32s()
			}
			kernels.RMSProp(w, ms.Float32s(), mod, mgd, in[1].Float32s(), float32(lr), float32(rho), float32(mom), float32(eps))
		case []float64:
			var mgd, mod []float64
			if mg != nil {
				mgd = mg.value.Float64s()
			}
			if mo != nil {
				mod = mo.value.Float64s()
			}
			kernels.RMSProp(w, ms.Float64s(), mod, mgd, in[1].Float64s(), lr, rho, mom, eps)
		default:
			return fmt.Errorf("unsupported dtype %v", op.variable.dtype)
		}
		return nil
	})
	reg("ApplyAdam", []AttrDef{{"beta1", AttrFloat, 0.9}, {"beta2", AttrFloat, 0.999}, {"epsilon", AttrFloat, 1e-7}}, func(op *Operation, in []*tensor.Tensor) error {
		lr, t := in[0].Float(0), in[1].Float(0)+1
		b1, b2, eps := op.aFloat(0), op.aFloat(1), op.aFloat(2)
		lrt := lr * math.Sqrt(1-math.Pow(b2, t)) / (1 - math.Pow(b1, t))
		m, v, vh := op.slots[0].value, op.slots[1].value, op.slots[2]
		switch w := op.variable.value.Data().(type) {
		case []float32:
			var vhd []float32
			if vh != nil {
				vhd = vh.value.Float32s()
			}
			kernels.AdamUpdate(w, m.Float32s(), v.Float32s(), vhd, in[2].Float32s(), float32(lrt), float32(b1), float32(b2), float32(eps))
		case []float64:
			var vhd []float64
			if vh != nil {
				vhd = vh.value.Float64s()
			}
			kernels.AdamUpdate(w, m.Float64s(), v.Float64s(), vhd, in[2].Float64s(), lrt, b1, b2, eps)
		default:
			return fmt.Errorf("unsupported dtype %v", op.variable.dtype)
		}
		return nil
	})
}

func applyOp(typ string, v *Variable, a attrs, slots []*Variable, inputs ...*Tensor) *Operation {
	op := build(mustOp(typ), nil, inputs, a, v, nil)
	op.slots = slots
	if op.graph == nil {
		runEager(op)
	}
	return op
}

// ApplyGradientDescent updates v -= lr*grad: an op in graph mode, at once in
// eager mode. lr is a scalar tensor (read at run time).
func ApplyGradientDescent(v *Variable, lr, grad *Tensor) *Operation {
	return applyOp("ApplyGradientDescent", v, nil, nil, lr, grad)
}

// ApplyMomentum is Keras's SGD with momentum (velocity slot vel).
func ApplyMomentum(v, vel *Variable, lr, grad *Tensor, momentum float64, nesterov bool) *Operation {
	return applyOp("ApplyMomentum", v, attrs{momentum, nesterov}, []*Variable{vel}, lr, grad)
}

// ApplyAdagrad is Adagrad with accumulator slot acc.
func ApplyAdagrad(v, acc *Variable, lr, grad *Tensor, eps float64) *Operation {
	return applyOp("ApplyAdagrad", v, attrs{eps}, []*Variable{acc}, lr, grad)
}

// ApplyRMSProp is RMSprop with slots ms, mom (nil without momentum) and mg
// (nil unless centered).
func ApplyRMSProp(v, ms, mom, mg *Variable, lr, grad *Tensor, rho, momentum, eps float64) *Operation {
	return applyOp("ApplyRMSProp", v, attrs{rho, momentum, eps}, []*Variable{ms, mom, mg}, lr, grad)
}

// ApplyAdam is Adam with slots m, vel and vhat (nil unless AMSGrad); iter
// is the number of steps taken before this one.
func ApplyAdam(v, m, vel, vhat *Variable, lr, iter, grad *Tensor, beta1, beta2, eps float64) *Operation {
	return applyOp("ApplyAdam", v, attrs{beta1, beta2, eps}, []*Variable{m, vel, vhat}, lr, iter, grad)
}
