package keras

import (
	"errors"
	"fmt"
	"math"
	"strings"

	"github.com/tensorgo/tensorgo/tensor"
)

// ErrNotCompiled is returned by Fit and Evaluate before Compile.
var ErrNotCompiled = errors.New("keras: the model must be compiled before training or evaluating it: call Compile first")

// arrays is in-memory data: inputs, labels, optional sample weights (one
// tensor for every output), n samples each.
type arrays struct {
	xs, ys []*tensor.Tensor
	sw     *tensor.Tensor
	n      int
}

func toTensors(what string, v any) ([]*tensor.Tensor, error) {
	switch x := v.(type) {
	case *tensor.Tensor:
		if x == nil {
			return nil, fmt.Errorf("keras: %s is nil", what)
		}
		return []*tensor.Tensor{x}, nil
	case []*tensor.Tensor:
		for i, t := range x {
			if t == nil {
				return nil, fmt.Errorf("keras: %s[%d] is nil", what, i)
			}
		}
		return x, nil
	case nil:
		return nil, nil
	}
	return nil, fmt.Errorf("keras: %s must be a *tensor.Tensor, a []*tensor.Tensor or (for x) a *data.Dataset, got %T", what, v)
}

func makeArrays(x, y any) (*arrays, error) {
	xs, err := toTensors("x", x)
	if err != nil {
		return nil, err
	}
	if len(xs) == 0 {
		return nil, errors.New("keras: no input data")
	}
	ys, err := toTensors("y", y)
	if err != nil {
		return nil, err
	}
	a := &arrays{xs: xs, ys: ys}
	for i, t := range xs {
		if t.Rank() == 0 {
			return nil, fmt.Errorf("keras: x[%d] is a scalar; the first dimension must be the samples", i)
		}
	}
	a.n = xs[0].Dim(0)
	if a.n == 0 {
		// Keras: "Expect x to be a non-empty array or dataset."
		return nil, fmt.Errorf("keras: x has no samples (shape %v)", xs[0].Shape())
	}
	for i, t := range xs[1:] {
		if t.Dim(0) != a.n {
			return nil, fmt.Errorf("keras: inputs have different numbers of samples: x[0] has %d, x[%d] has %d", a.n, i+1, t.Dim(0))
		}
	}
	for i, t := range ys {
		if t.Rank() == 0 || t.Dim(0) != a.n {
			return nil, fmt.Errorf("keras: x and y have different numbers of samples: x has %d, y[%d] has shape %v", a.n, i, t.Shape())
		}
	}
	return a, nil
}

// numeric reports whether values of dtype d can be cast to a model's
// dtype: floats, integers and uint8 (not bool).
func numeric(d tensor.DType) bool { return d.IsFloat() || d.IsInteger() }

// buildDType is the input dtype a model built from data of dtype d gets:
// d for floats, float32 (Keras's floatx) otherwise.
func buildDType(d tensor.DType) tensor.DType {
	if d.IsFloat() {
		return d
	}
	return tensor.Float32
}

// numInputs is the number of inputs the model takes (1 for a model that
// is not built yet, unless it is functional).
func (m *Model) numInputs() int {
	if m.kind == functionalModel {
		return len(m.fnInputs)
	}
	if m.inPh != nil {
		return len(m.inPh)
	}
	return 1
}

// numOutputs is the number of outputs the model has.
func (m *Model) numOutputs() int {
	if m.kind == functionalModel {
		return len(m.fnOutputs)
	}
	return 1
}

// checkInputs compares data shapes and dtypes with the model's inputs
// (building the model from them if needed). Numeric data of another dtype
// is accepted: the batches are cast to the model's dtype, as Keras does.
func (m *Model) checkInputs(xs []*tensor.Tensor) error {
	if err := m.buildFor(xs); err != nil {
		return err
	}
	if len(xs) != len(m.inPh) {
		return fmt.Errorf("keras: model %s has %d inputs, got %d arrays", m.name, len(m.inPh), len(xs))
	}
	for i, x := range xs {
		ph := m.inPh[i]
		want := ph.Shape()
		got := x.Shape()
		ok := len(got) == len(want)
		for j := 1; ok && j < len(want); j++ {
			ok = want[j] < 0 || want[j] == got[j]
		}
		if !ok {
			return fmt.Errorf("keras: input %d has shape %v, but model %s expects %v (batch first)", i, got, m.name, want)
		}
		if x.DType() != ph.DType() && !(numeric(x.DType()) && numeric(ph.DType())) {
			return fmt.Errorf("keras: input %d is %v, but model %s expects %v (or numbers to cast to it)", i, x.DType(), m.name, ph.DType())
		}
	}
	return nil
}

// buildFor builds the model (once, under the model's lock) if it is not
// built: from its known input shape, or from the data's.
func (m *Model) buildFor(xs []*tensor.Tensor) error {
	m.mu.RLock()
	built := m.g != nil
	m.mu.RUnlock()
	if built {
		return nil
	}
	m.mu.Lock()
	defer m.mu.Unlock()
	if err := m.ensureBuilt(); err != nil {
		return err
	}
	if m.g != nil {
		return nil
	}
	if len(xs) != 1 {
		return fmt.Errorf("keras: cannot build %s from %d inputs", m.name, len(xs))
	}
	if !numeric(xs[0].DType()) {
		return fmt.Errorf("keras: cannot build %s from input of dtype %v", m.name, xs[0].DType())
	}
	m.inDTypes = []tensor.DType{buildDType(xs[0].DType())}
	return m.Build(xs[0].Shape()[1:]...)
}

// labelDTypes returns, per output, the dtype labels are cast to before
// they are fed: the output's dtype, as Keras's losses cast y_true to
// y_pred's dtype, except for sparse losses, whose integer class labels are
// kept (tensor.Invalid: keep).
func (m *Model) labelDTypes() []tensor.DType {
	dts := make([]tensor.DType, len(m.inferOut))
	for i, out := range m.inferOut {
		l := m.comp.losses[min(i, len(m.comp.losses)-1)]
		if !strings.Contains(l.Name(), "sparse") {
			dts[i] = out.DType()
		}
	}
	return dts
}

// castLabels casts whole label arrays to labelDTypes (copies only those
// that need it).
func (m *Model) castLabels(ys []*tensor.Tensor) ([]*tensor.Tensor, error) {
	dts := m.labelDTypes()
	out := make([]*tensor.Tensor, len(ys))
	for i, y := range ys {
		out[i] = y
		if i < len(dts) && dts[i] != tensor.Invalid && y.DType() != dts[i] {
			if !numeric(y.DType()) {
				return nil, fmt.Errorf("keras: labels y[%d] are %v: want numbers", i, y.DType())
			}
			out[i] = tensor.Cast(y, dts[i])
		}
	}
	return out, nil
}

// castInputs casts whole input arrays whose model input is an integer
// type (batches for float inputs are converted as they are copied).
func (m *Model) castInputs(xs []*tensor.Tensor) []*tensor.Tensor {
	out := make([]*tensor.Tensor, len(xs))
	for i, x := range xs {
		out[i] = x
		if dt := m.inPh[i].DType(); x.DType() != dt && !dt.IsFloat() {
			out[i] = tensor.Cast(x, dt)
		}
	}
	return out
}

// checkLabelRange catches labels a sparse cross-entropy cannot take, before
// they reach a kernel.
func (m *Model) checkLabelRange(ys []*tensor.Tensor) error {
	outs := m.inferOut
	for i, y := range ys {
		if i >= len(outs) {
			break
		}
		l := m.comp.losses[min(i, len(m.comp.losses)-1)]
		if !strings.Contains(l.Name(), "sparse") {
			continue
		}
		os := outs[i].Shape()
		k := os[len(os)-1]
		for j := 0; j < y.Size(); j++ {
			v := y.Float(j)
			if v != math.Trunc(v) || v < 0 || (k > 0 && v >= float64(k)) {
				return fmt.Errorf("keras: label %v of sample %d is out of range for %s with %d classes (want integers in [0, %d))", v, j, l.Name(), k, k)
			}
		}
	}
	return nil
}
