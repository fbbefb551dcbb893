package tf

import (
	"fmt"

	"github.com/tensorgo/tensorgo/tensor"
	"github.com/tensorgo/tensorgo/tf/internal/kernels/ref"
)

// The reference device's RNN and RNNGrad: plain loops in float64, one
// sample and one step at a time (ref.RNN, ref.RNNGrad). They share nothing
// with the fused kernels, not even the reserve: the forward op leaves it
// zero and the gradient op recomputes the forward pass.

func init() {
	RegisterKernel("RNN", "REF", func(op *Operation, in, out []*tensor.Tensor) error {
		if err := rnnSteps(op, in[0]); err != nil {
			return err
		}
		c, a, err := refRNNArgs(op, in)
		if err != nil {
			return err
		}
		y, h, cs := ref.RNN(c, a)
		rnnFill(out[0], y)
		rnnFill(out[1], h)
		if c.Cell == "LSTM" {
			rnnFill(out[2], cs)
		}
		rnnFill(out[len(out)-1], make([]float64, out[len(out)-1].Size()))
		return nil
	})
	RegisterKernel("RNNGrad", "REF", func(op *Operation, in, out []*tensor.Tensor) error {
		if err := rnnSteps(op, in[0]); err != nil {
			return err
		}
		c, a, err := refRNNArgs(op, in)
		if err != nil {
			return err
		}
		r := rnnSlotsOf(op).next
		var dc []float64
		if c.Cell == "LSTM" {
			dc = rnnFloats(in[r+3])
		}
		g := ref.RNNGrad(c, a, rnnFloats(in[r+1]), rnnFloats(in[r+2]), dc)
		rnnFill(out[0], g.X)
		rnnFill(out[1], g.Kernel)
		rnnFill(out[2], g.Recurrent)
		i := 3
		if a.Bias != nil {
			rnnFill(out[i], g.Bias)
			i++
		}
		if a.H0 != nil {
			rnnFill(out[i], g.H0)
			i++
		}
		if a.C0 != nil {
			rnnFill(out[i], g.C0)
		}
		return nil
	})
}

// refRNNArgs reads an RNN or RNNGrad op's configuration and inputs.
func refRNNArgs(op *Operation, in []*tensor.Tensor) (ref.RNNConfig, ref.RNNArgs, error) {
	s := in[0].Shape()
	c := ref.RNNConfig{
		Cell: op.aString(rnnAttrCell), Activation: op.aString(rnnAttrActivation),
		Batch: s[0], Steps: s[1], Features: s[2], Units: op.aInt(rnnAttrUnits),
		ResetAfter: op.aBool(rnnAttrResetAfter), ReturnSequences: op.aBool(rnnAttrReturnSequences),
		GoBackwards: op.aBool(rnnAttrGoBackwards), ZeroOutputForMask: op.aBool(rnnAttrZeroOutput),
	}
	if c.Activation == "" {
		c.Activation = "tanh"
	}
	sl := rnnSlotsOf(op)
	if sl.rmask >= 0 || sl.xmask >= 0 {
		return c, ref.RNNArgs{}, fmt.Errorf("%s on the reference device: recurrent dropout is not implemented there (nor per-gate input dropout)", c.Cell)
	}
	a := ref.RNNArgs{X: rnnFloats(in[0]), Kernel: rnnFloats(in[1]), Recurrent: rnnFloats(in[2])}
	if sl.bias >= 0 {
		a.Bias = rnnFloats(in[sl.bias])
	}
	if sl.mask >= 0 {
		m := in[sl.mask]
		a.Mask = make([]bool, m.Size())
		for i := range a.Mask {
			a.Mask[i] = m.Float(i) != 0
		}
	}
	if sl.h0 >= 0 {
		a.H0 = rnnFloats(in[sl.h0])
	}
	if sl.c0 >= 0 {
		a.C0 = rnnFloats(in[sl.c0])
	}
	return c, a, nil
}

// floats reads a tensor's values as float64s, element by element.
func rnnFloats(t *tensor.Tensor) []float64 {
	v := make([]float64, t.Size())
	for i := range v {
		v[i] = t.Float(i)
	}
	return v
}

// fill writes float64 values into a tensor, element by element.
func rnnFill(t *tensor.Tensor, v []float64) {
	for i, x := range v {
		t.SetFloat(i, x)
	}
}
