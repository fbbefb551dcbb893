package tf

import (
	"fmt"
	"reflect"

	"github.com/tensorgo/tensorgo/tensor"
)

func init() {
	RegisterOp(&OpDef{Type: "Const", SetsOutputs: true, Constant: true, Host: true,
		Attrs: []AttrDef{{"value", AttrTensor, nil}},
		Infer: func(op *Operation, in []TensorSpec) []TensorSpec {
			v := op.aTensor(0)
			return []TensorSpec{{v.DType(), v.Shape()}}
		},
		Kernel: func(op *Operation, in, out []*tensor.Tensor) error { out[0] = op.aTensor(0); return nil },
	})
	RegisterOp(&OpDef{Type: "Placeholder", SetsOutputs: true, Fed: true, Host: true,
		Attrs: []AttrDef{{"dtype", AttrDType, nil}, {"shape", AttrShape, nil}},
		Infer: func(op *Operation, in []TensorSpec) []TensorSpec {
			return []TensorSpec{{op.aDType(0), op.aShape(1)}}
		},
		Kernel: func(op *Operation, in, out []*tensor.Tensor) error {
			return fmt.Errorf("placeholder %s was not fed", op.name)
		},
	})
	RegisterOp(&OpDef{Type: "NoOp", ControlOnly: true, Host: true,
		Infer:  func(op *Operation, in []TensorSpec) []TensorSpec { return nil },
		Kernel: func(op *Operation, in, out []*tensor.Tensor) error { return nil },
	})
	RegisterOp(&OpDef{Type: "VariableV2", SetsOutputs: true, Stateful: true, ReadsVariable: true, Host: true,
		Attrs: []AttrDef{{"dtype", AttrDType, nil}, {"shape", AttrShape, nil}},
		Infer: func(op *Operation, in []TensorSpec) []TensorSpec {
			return []TensorSpec{{op.variable.dtype, op.variable.shape}}
		},
		Kernel: func(op *Operation, in, out []*tensor.Tensor) error {
			v := op.variable.value
			if v == nil {
				return &uninitializedError{op.variable}
			}
			out[0] = v
			return nil
		},
	})
	assignInfer := func(op *Operation, in []TensorSpec) []TensorSpec {
		v := op.variable
		if in[0].DType != v.dtype || !in[0].Shape.CompatibleWith(v.shape) {
			shapePanic(op, in, "cannot assign to variable %s of %v %v", v.name, v.dtype, v.shape)
		}
		return []TensorSpec{{v.dtype, v.shape}}
	}
	RegisterOp(&OpDef{Type: "Assign", SetsOutputs: true, Stateful: true, AssignsVariable: true, Infer: assignInfer,
		Kernel: func(op *Operation, in, out []*tensor.Tensor) error {
			v := op.variable
			if v.value == nil {
				v.value = in[0].Clone()
			} else {
				v.value.CopyFrom(in[0])
			}
			out[0] = v.value
			return nil
		},
	})
	for _, a := range []struct {
		name string
		op   tensor.BinaryOp
	}{{"AssignAdd", tensor.OpAdd}, {"AssignSub", tensor.OpSub}} {
		bop := a.op
		RegisterOp(&OpDef{Type: a.name, SetsOutputs: true, Stateful: true, AssignsVariable: true, Infer: assignInfer,
			Kernel: func(op *Operation, in, out []*tensor.Tensor) error {
				v := op.variable
				if v.value == nil {
					return &uninitializedError{v}
				}
				tensor.BinaryInto(v.value, bop, v.value, in[0])
				out[0] = v.value
				return nil
			},
		})
	}
	identity := func(op *Operation, in []TensorSpec) []TensorSpec { return []TensorSpec{in[0]} }
	copyKernel := func(op *Operation, in, out []*tensor.Tensor) error { out[0].CopyFrom(in[0]); return nil }
	RegisterOp(&OpDef{Type: "Identity", View: true, Infer: identity, Kernel: copyKernel,
		Grad: func(op *Operation, dys []*Tensor, need []bool) []*Tensor { return dys[:1] },
	})
	RegisterOp(&OpDef{Type: "StopGradient", View: true, Infer: identity, Kernel: copyKernel})
	RegisterOp(&OpDef{Type: "Reshape", View: true, Kernel: copyKernel,
		Attrs: []AttrDef{{"shape", AttrInts, nil}},
		Infer: func(op *Operation, in []TensorSpec) []TensorSpec {
			return []TensorSpec{{in[0].DType, inferReshape(op, in, op.aInts(0))}}
		},
		Grad: func(op *Operation, dys []*Tensor, need []bool) []*Tensor {
			return []*Tensor{reshapeLike(dys[0], op.inputs[0])}
		},
	})
	RegisterOp(&OpDef{Type: "ReshapeLike", View: true, Kernel: copyKernel,
		Infer: func(op *Operation, in []TensorSpec) []TensorSpec {
			if in[0].Shape.NumElements() >= 0 && in[1].Shape.NumElements() >= 0 && in[0].Shape.NumElements() != in[1].Shape.NumElements() && known(in[0].Shape) && known(in[1].Shape) {
				shapePanic(op, in, "element counts differ")
			}
			return []TensorSpec{{in[0].DType, in[1].Shape}}
		},
		Grad: func(op *Operation, dys []*Tensor, need []bool) []*Tensor {
			return []*Tensor{reshapeLike(dys[0], op.inputs[0]), nil}
		},
	})
	RegisterOp(&OpDef{Type: "SumToShape",
		Infer: func(op *Operation, in []TensorSpec) []TensorSpec {
			if in[0].DType != in[1].DType {
				shapePanic(op, in, "dtypes differ")
			}
			return []TensorSpec{{in[0].DType, in[1].Shape}}
		},
		Kernel: func(op *Operation, in, out []*tensor.Tensor) error { tensor.SumToShapeInto(out[0], in[0]); return nil },
		Grad: func(op *Operation, dys []*Tensor, need []bool) []*Tensor {
			return []*Tensor{broadcastLike(dys[0], op.inputs[0]), nil}
		},
	})
	RegisterOp(&OpDef{Type: "BroadcastLike",
		Infer: func(op *Operation, in []TensorSpec) []TensorSpec {
			s, err := tensor.BroadcastShapes(in[0].Shape, in[1].Shape)
			if err != nil || len(s) != len(in[1].Shape) {
				shapePanic(op, in, "cannot broadcast the first to the second")
			}
			return []TensorSpec{{in[0].DType, in[1].Shape}}
		},
		Kernel: func(op *Operation, in, out []*tensor.Tensor) error {
			tensor.BroadcastToInto(out[0], in[0])
			return nil
		},
		Grad: func(op *Operation, dys []*Tensor, need []bool) []*Tensor {
			return []*Tensor{unbroadcast(dys[0], op.inputs[0]), nil}
		},
	})
	RegisterOp(&OpDef{Type: "BroadcastTo",
		Attrs: []AttrDef{{"shape", AttrInts, nil}},
		Infer: func(op *Operation, in []TensorSpec) []TensorSpec {
			to := tensor.Shape(op.aInts(0))
			s, err := tensor.BroadcastShapes(in[0].Shape, to)
			if err != nil || !s.Equal(to) {
				shapePanic(op, in, "cannot broadcast to %v", to)
			}
			return []TensorSpec{{in[0].DType, to.Clone()}}
		},
		Kernel: func(op *Operation, in, out []*tensor.Tensor) error {
			tensor.BroadcastToInto(out[0], in[0])
			return nil
		},
		Grad: func(op *Operation, dys []*Tensor, need []bool) []*Tensor {
			return []*Tensor{unbroadcast(dys[0], op.inputs[0])}
		},
	})
	fillLike := func(v float64) func(op *Operation, in, out []*tensor.Tensor) error {
		return func(op *Operation, in, out []*tensor.Tensor) error { out[0].FillValue(v); return nil }
	}
	RegisterOp(&OpDef{Type: "OnesLike", Infer: identity, Kernel: fillLike(1)})
	RegisterOp(&OpDef{Type: "ZerosLike", Infer: identity, Kernel: fillLike(0)})
	RegisterOp(&OpDef{Type: "Cast",
		Attrs: []AttrDef{{"dtype", AttrDType, nil}},
		Infer: func(op *Operation, in []TensorSpec) []TensorSpec {
			if dt := op.aDType(0); !dt.Valid() {
				dtypePanic(op, in, "cannot cast to %v (want float32, float64, int32, int64, uint8 or bool)", dt)
			}
			return []TensorSpec{{op.aDType(0), in[0].Shape}}
		},
		Kernel: func(op *Operation, in, out []*tensor.Tensor) error {
			tensor.CastInto(out[0], in[0])
			return nil
		},
		Grad: func(op *Operation, dys []*Tensor, need []bool) []*Tensor {
			x := op.inputs[0]
			if !x.dtype.IsFloat() || !dys[0].dtype.IsFloat() {
				return []*Tensor{nil}
			}
			return []*Tensor{Cast(dys[0], x.dtype)}
		},
	})
}

func known(s tensor.Shape) bool {
	for _, d := range s {
		if d < 0 {
			return false
		}
	}
	return true
}

func inferReshape(op *Operation, in []TensorSpec, target []int) tensor.Shape {
	if known(in[0].Shape) {
		defer func() {
			if r := recover(); r != nil {
				shapePanic(op, in, "%v", r)
			}
		}()
		return tensor.InferReshape("Reshape", in[0].Shape, target)
	}
	unknown := 0
	for _, d := range target {
		if d == -1 {
			unknown++
		}
		if d < -1 || unknown > 1 {
			shapePanic(op, in, "invalid target shape %v (want at most one -1 and no other negative size)", target)
		}
	}
	return tensor.Shape(target).Clone()
}

// Const returns a constant: in graph g, or an eager value when g is nil
// (eager values have no name: a Name option is ignored, as in TensorFlow 2).
// value is a *tensor.Tensor (used as is, keeping its dtype) or a Go value
// as tensor.From takes: a Go float64 or int scalar (an untyped constant such
// as 3.5 or 3) becomes float32 or int32, as tf.constant does, and so do
// slices of int; typed slices keep their element type ([]float64 is
// float64).
func Const(g *Graph, value any, opts ...Option) *Tensor {
	v := toTensor(value)
	if g == nil {
		return &Tensor{dtype: v.DType(), shape: v.Shape(), value: v}
	}
	return build(mustOp("Const"), g, nil, attrs{v}, nil, opts).outputs[0]
}

// Constant returns an eager constant (Const(nil, value)).
func Constant(value any) *Tensor { return Const(nil, value) }

func toTensor(value any) *tensor.Tensor {
	switch v := value.(type) {
	case *tensor.Tensor:
		return v
	case *Tensor:
		if v.graph != nil {
			panic(opErr("Const", "%s is a graph tensor, not a value", v.Name()))
		}
		return v.value
	}
	t := tensor.From(value)
	k := reflect.TypeOf(value)
	switch k.Kind() {
	case reflect.Float64:
		return toDType(t, tensor.Float32) // an untyped Go float constant
	case reflect.Int:
		return toDType(t, tensor.Int32)
	}
	for k.Kind() == reflect.Slice || k.Kind() == reflect.Array {
		k = k.Elem()
	}
	if k.Kind() == reflect.Int {
		return toDType(t, tensor.Int32)
	}
	return t
}

func toDType(t *tensor.Tensor, d tensor.DType) *tensor.Tensor {
	if t.DType() == d {
		return t
	}
	return tensor.Cast(t, d)
}

// Placeholder returns a tensor of g fed at run time. shape may hold -1 for
// dimensions that vary between runs. A placeholder has no eager form: a nil
// g panics with a *GraphError (TF1-style code passes DefaultGraph()).
func Placeholder(g *Graph, dtype tensor.DType, shape tensor.Shape, opts ...Option) *Tensor {
	if g == nil {
		panic(nilGraph("Placeholder"))
	}
	return build(mustOp("Placeholder"), g, nil, attrs{dtype, shape.Clone()}, nil, opts).outputs[0]
}

// scalarLike returns the constant v with x's dtype, in x's graph (or eager).
func scalarLike(x *Tensor, v float64) *Tensor {
	t := tensor.New(x.dtype)
	t.SetFloat(0, v)
	return Const(x.graph, t)
}

// Identity returns x (a copy in eager mode; an alias in plans).
func Identity(x *Tensor, opts ...Option) *Tensor { return apply1("Identity", attrs{}, opts, x) }

// StopGradient returns x, through which no gradient flows.
func StopGradient(x *Tensor, opts ...Option) *Tensor { return apply1("StopGradient", attrs{}, opts, x) }

// Reshape returns x with a new shape; one dimension may be -1.
func Reshape(x *Tensor, shape ...int) *Tensor {
	return apply1("Reshape", attrs{append([]int(nil), shape...)}, nil, x)
}

func reshapeLike(x, like *Tensor) *Tensor {
	if known(like.shape) {
		if x.shape.Equal(like.shape) {
			return x
		}
		return Reshape(x, like.shape...)
	}
	return apply1("ReshapeLike", attrs{}, nil, x, like)
}

// ExpandDims inserts a size-1 dimension at axis.
func ExpandDims(x *Tensor, axis int) *Tensor {
	r := len(x.shape) + 1
	if axis < -r || axis >= r {
		panic(opErr("ExpandDims", "axis %d is out of range for shape %v (want %d <= axis < %d)", axis, x.shape, -r, r))
	}
	if axis < 0 {
		axis += r
	}
	var src []int
	for i := 0; i < len(x.shape); i++ {
		if i == axis {
			src = append(src, -1)
		}
		src = append(src, i)
	}
	if axis == len(x.shape) {
		src = append(src, -1)
	}
	return apply1("ReshapeDims", attrs{src}, nil, x)
}

// Squeeze removes size-1 dimensions (all of them when axes is empty).
func Squeeze(x *Tensor, axes ...int) *Tensor {
	drop := map[int]bool{}
	for _, a := range axes {
		drop[normAxis("Squeeze", a, len(x.shape))] = true
	}
	var src []int
	for i, d := range x.shape {
		if (len(axes) == 0 && d == 1) || drop[i] {
			if d != 1 && d >= 0 {
				panic(opErr("Squeeze", "dimension %d of %v is not 1", i, x.shape))
			}
			continue
		}
		src = append(src, i)
	}
	return apply1("ReshapeDims", attrs{src}, nil, x)
}

func init() {
	// ReshapeDims keeps some input dimensions and inserts 1s: ints[i] is the
	// input dimension output dimension i comes from, or -1 for a new 1.
	RegisterOp(&OpDef{Type: "ReshapeDims", View: true,
		Attrs:  []AttrDef{{"shape", AttrInts, nil}},
		Kernel: func(op *Operation, in, out []*tensor.Tensor) error { out[0].CopyFrom(in[0]); return nil },
		Infer: func(op *Operation, in []TensorSpec) []TensorSpec {
			s := make(tensor.Shape, len(op.aInts(0)))
			for i, j := range op.aInts(0) {
				s[i] = 1
				if j >= 0 {
					s[i] = in[0].Shape[j]
				}
			}
			return []TensorSpec{{in[0].DType, s}}
		},
		Grad: func(op *Operation, dys []*Tensor, need []bool) []*Tensor {
			return []*Tensor{reshapeLike(dys[0], op.inputs[0])}
		},
	})
}

// BroadcastTo broadcasts x to shape.
func BroadcastTo(x *Tensor, shape ...int) *Tensor {
	return apply1("BroadcastTo", attrs{append([]int(nil), shape...)}, nil, x)
}

func broadcastLike(x, like *Tensor) *Tensor {
	if known(like.shape) && x.shape.Equal(like.shape) {
		return x
	}
	return apply1("BroadcastLike", attrs{}, nil, x, like)
}

// unbroadcast sums a gradient g down to x's shape (the gradient of
// broadcasting x).
func unbroadcast(g, x *Tensor) *Tensor {
	if g == nil {
		return nil
	}
	if known(x.shape) && g.shape.Equal(x.shape) {
		return g
	}
	return apply1("SumToShape", attrs{}, nil, g, x)
}

// OnesLike returns ones of x's shape and dtype.
func OnesLike(x *Tensor) *Tensor { return apply1("OnesLike", attrs{}, nil, x) }

// ZerosLike returns zeros of x's shape and dtype.
func ZerosLike(x *Tensor) *Tensor { return apply1("ZerosLike", attrs{}, nil, x) }

// Cast converts x to dtype.
func Cast(x *Tensor, dtype tensor.DType) *Tensor {
	if x.dtype == dtype {
		return x
	}
	return apply1("Cast", attrs{dtype}, nil, x)
}
