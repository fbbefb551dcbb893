package tf

import (
	"github.com/tensorgo/tensorgo/tensor"
	"github.com/tensorgo/tensorgo/tf/internal/kernels"
)

// OneHot's attributes, in their declared order.
const (
	oneHotDepth = iota
	oneHotOn
	oneHotOff
	oneHotAxis
	oneHotDType
)

func init() {
	RegisterOp(&OpDef{Type: "OneHot",
		Attrs: []AttrDef{{"depth", AttrInt, nil}, {"on_value", AttrFloat, 1.0}, {"off_value", AttrFloat, 0.0},
			{"axis", AttrInt, -1}, {"dtype", AttrDType, tensor.Float32}},
		Infer: func(op *Operation, in []TensorSpec) []TensorSpec {
			if !in[0].DType.IsInteger() {
				dtypePanic(op, in, "indices have dtype %v, want int32, int64 or uint8", in[0].DType)
			}
			d, dt := op.aInt(oneHotDepth), op.aDType(oneHotDType)
			if d < 0 || !dt.Valid() {
				shapePanic(op, in, "depth %d and dtype %v: want depth >= 0 and a valid dtype", d, dt)
			}
			r := len(in[0].Shape)
			ax := op.aInt(oneHotAxis)
			if ax < -1 || ax > r {
				shapePanic(op, in, "axis %d is out of range (want -1 <= axis <= %d)", ax, r)
			}
			if ax == -1 {
				ax = r
			}
			s := append(append(append(tensor.Shape{}, in[0].Shape[:ax]...), d), in[0].Shape[ax:]...)
			return []TensorSpec{{dt, s}}
		},
		Kernel: func(op *Operation, in, out []*tensor.Tensor) error {
			ax := op.aInt(oneHotAxis)
			if ax == -1 {
				ax = in[0].Rank()
			}
			kernels.OneHot(out[0], in[0], op.aInt(oneHotDepth), ax, op.aFloat(oneHotOn), op.aFloat(oneHotOff))
			return nil
		},
	})
}

// OneHotOption sets OneHot's on and off values and axis.
type OneHotOption func(*oneHotConfig)

type oneHotConfig struct {
	on, off float64
	axis    int
}

// OnValue sets the value at each index (default 1).
func OnValue(v float64) OneHotOption { return func(c *oneHotConfig) { c.on = v } }

// OffValue sets the value everywhere else (default 0).
func OffValue(v float64) OneHotOption { return func(c *oneHotConfig) { c.off = v } }

// OneHotAxis sets where the new dimension of size depth goes (default -1:
// last), as tf.one_hot's axis.
func OneHotAxis(axis int) OneHotOption { return func(c *oneHotConfig) { c.axis = axis } }

// OneHot returns a tensor of dtype with a new dimension of size depth (at
// the end, or at OneHotAxis) holding OnValue (default 1) at each index and
// OffValue (default 0) elsewhere (tf.one_hot). Indices outside [0, depth)
// give all-off rows, as in TensorFlow.
func OneHot(indices *Tensor, depth int, dtype tensor.DType, opts ...OneHotOption) *Tensor {
	c := oneHotConfig{on: 1, off: 0, axis: -1}
	for _, o := range opts {
		o(&c)
	}
	return apply1("OneHot", attrs{depth, c.on, c.off, c.axis, dtype}, nil, indices)
}
