// Package timeseries prepares sequences for recurrent models: sliding
// windows (N steps in, the next value out) and scikit-learn's MinMaxScaler
// and StandardScaler with their inverse transforms (to turn predictions
// back into prices, temperatures...).
package timeseries

import (
	"errors"
	"fmt"
	"math"

	"github.com/tensorgo/tensorgo/tensor"
)

// Windows cuts a series into supervised samples: x[i] holds steps
// consecutive values and y[i] the value that follows them, as the seeds'
// stock example builds them (x.append(data[i-60:i]); y.append(data[i])).
//
// A series of shape (T,) gives x (T-steps, steps, 1) and y (T-steps,); a
// series of shape (T, F) gives x (T-steps, steps, F) and y (T-steps, F).
// stride (default 1) is the distance between window starts.
func Windows(series *tensor.Tensor, steps int, stride ...int) (x, y *tensor.Tensor, err error) {
	if series.Rank() != 1 && series.Rank() != 2 {
		return nil, nil, fmt.Errorf("timeseries.Windows: series of shape %v, want (T,) or (T, features)", series.Shape())
	}
	st := 1
	if len(stride) > 0 {
		st = stride[0]
	}
	if steps < 1 || st < 1 {
		return nil, nil, fmt.Errorf("timeseries.Windows: steps %d and stride %d must be positive", steps, st)
	}
	T := series.Dim(0)
	F := 1
	if series.Rank() == 2 {
		F = series.Dim(1)
	}
	if T <= steps {
		return nil, nil, fmt.Errorf("timeseries.Windows: a series of %d values has no window of %d steps plus a target", T, steps)
	}
	n := (T-steps-1)/st + 1
	x = tensor.New(series.DType(), n, steps, F)
	if series.Rank() == 1 {
		y = tensor.New(series.DType(), n)
	} else {
		y = tensor.New(series.DType(), n, F)
	}
	for i := 0; i < n; i++ {
		start := i * st
		for k := 0; k < steps*F; k++ {
			x.SetFloat(i*steps*F+k, series.Float(start*F+k))
		}
		for f := 0; f < F; f++ {
			y.SetFloat(i*F+f, series.Float((start+steps)*F+f))
		}
	}
	return x, y, nil
}

// features returns the number of features of x (its last dimension; 1 for
// a vector) and checks that x is a float tensor.
func features(op string, x *tensor.Tensor) (int, error) {
	if x.Rank() == 0 {
		return 0, fmt.Errorf("%s: a scalar has no features", op)
	}
	if x.Rank() == 1 {
		return 1, nil
	}
	return x.Dim(-1), nil
}

func outDType(x *tensor.Tensor) tensor.DType {
	if x.DType().IsFloat() {
		return x.DType()
	}
	return tensor.Float64
}

// affine returns x*scale[f] + shift[f] per feature f, in x's float type.
func affine(x *tensor.Tensor, scale, shift []float64) *tensor.Tensor {
	out := tensor.New(outDType(x), x.Shape()...)
	F := len(scale)
	for i := 0; i < x.Size(); i++ {
		f := i % F
		out.SetFloat(i, x.Float(i)*scale[f]+shift[f])
	}
	return out
}

// MinMaxScaler maps each feature to FeatureRange (sklearn's MinMaxScaler).
// Features are the last dimension; a vector is one feature.
type MinMaxScaler struct {
	// FeatureRange is the target range; [0, 1] if both are zero.
	FeatureRange [2]float64
	// DataMin and DataMax are what Fit saw, per feature.
	DataMin, DataMax []float64
	scale, min       []float64
}

// Fit records each feature's minimum and maximum.
func (s *MinMaxScaler) Fit(x *tensor.Tensor) error {
	F, err := features("MinMaxScaler.Fit", x)
	if err != nil {
		return err
	}
	if x.Size() == 0 {
		return errors.New("MinMaxScaler.Fit: no samples")
	}
	lo, hi := s.FeatureRange[0], s.FeatureRange[1]
	if lo == 0 && hi == 0 {
		hi = 1
	}
	if lo >= hi {
		return fmt.Errorf("MinMaxScaler: feature range [%v, %v] is empty", lo, hi)
	}
	s.DataMin, s.DataMax = make([]float64, F), make([]float64, F)
	for f := range s.DataMin {
		s.DataMin[f], s.DataMax[f] = math.Inf(1), math.Inf(-1)
	}
	for i := 0; i < x.Size(); i++ {
		v := x.Float(i)
		s.DataMin[i%F] = math.Min(s.DataMin[i%F], v)
		s.DataMax[i%F] = math.Max(s.DataMax[i%F], v)
	}
	s.scale, s.min = make([]float64, F), make([]float64, F)
	for f := range s.scale {
		r := s.DataMax[f] - s.DataMin[f]
		if r == 0 {
			r = 1 // a constant feature maps to lo, as in sklearn
		}
		s.scale[f] = (hi - lo) / r
		s.min[f] = lo - s.DataMin[f]*s.scale[f]
	}
	return nil
}

func (s *MinMaxScaler) check(op string, x *tensor.Tensor) error {
	if s.scale == nil {
		return fmt.Errorf("MinMaxScaler.%s: call Fit first", op)
	}
	F, err := features("MinMaxScaler."+op, x)
	if err != nil {
		return err
	}
	if F != len(s.scale) {
		return fmt.Errorf("MinMaxScaler.%s: %d features, but Fit saw %d", op, F, len(s.scale))
	}
	return nil
}

// Transform scales x into the feature range.
func (s *MinMaxScaler) Transform(x *tensor.Tensor) (*tensor.Tensor, error) {
	if err := s.check("Transform", x); err != nil {
		return nil, err
	}
	return affine(x, s.scale, s.min), nil
}

// FitTransform is Fit followed by Transform.
func (s *MinMaxScaler) FitTransform(x *tensor.Tensor) (*tensor.Tensor, error) {
	if err := s.Fit(x); err != nil {
		return nil, err
	}
	return s.Transform(x)
}

// InverseTransform maps scaled values back to the original units.
func (s *MinMaxScaler) InverseTransform(x *tensor.Tensor) (*tensor.Tensor, error) {
	if err := s.check("InverseTransform", x); err != nil {
		return nil, err
	}
	inv, shift := make([]float64, len(s.scale)), make([]float64, len(s.scale))
	for f := range inv {
		inv[f] = 1 / s.scale[f]
		shift[f] = -s.min[f] / s.scale[f]
	}
	return affine(x, inv, shift), nil
}

// StandardScaler removes each feature's mean and divides by its standard
// deviation (population, ddof 0), as sklearn's StandardScaler. A constant
// feature is only centred.
type StandardScaler struct {
	Mean, Scale []float64
}

// Fit records each feature's mean and standard deviation.
func (s *StandardScaler) Fit(x *tensor.Tensor) error {
	F, err := features("StandardScaler.Fit", x)
	if err != nil {
		return err
	}
	if x.Size() == 0 {
		return errors.New("StandardScaler.Fit: no samples")
	}
	n := float64(x.Size() / F)
	s.Mean, s.Scale = make([]float64, F), make([]float64, F)
	for i := 0; i < x.Size(); i++ {
		s.Mean[i%F] += x.Float(i)
	}
	for f := range s.Mean {
		s.Mean[f] /= n
	}
	for i := 0; i < x.Size(); i++ {
		d := x.Float(i) - s.Mean[i%F]
		s.Scale[i%F] += d * d
	}
	for f := range s.Scale {
		s.Scale[f] = math.Sqrt(s.Scale[f] / n)
		if s.Scale[f] == 0 {
			s.Scale[f] = 1
		}
	}
	return nil
}

func (s *StandardScaler) check(op string, x *tensor.Tensor) error {
	if s.Mean == nil {
		return fmt.Errorf("StandardScaler.%s: call Fit first", op)
	}
	F, err := features("StandardScaler."+op, x)
	if err != nil {
		return err
	}
	if F != len(s.Mean) {
		return fmt.Errorf("StandardScaler.%s: %d features, but Fit saw %d", op, F, len(s.Mean))
	}
	return nil
}

// Transform standardises x.
func (s *StandardScaler) Transform(x *tensor.Tensor) (*tensor.Tensor, error) {
	if err := s.check("Transform", x); err != nil {
		return nil, err
	}
	scale, shift := make([]float64, len(s.Mean)), make([]float64, len(s.Mean))
	for f := range scale {
		scale[f] = 1 / s.Scale[f]
		shift[f] = -s.Mean[f] / s.Scale[f]
	}
	return affine(x, scale, shift), nil
}

// FitTransform is Fit followed by Transform.
func (s *StandardScaler) FitTransform(x *tensor.Tensor) (*tensor.Tensor, error) {
	if err := s.Fit(x); err != nil {
		return nil, err
	}
	return s.Transform(x)
}

// InverseTransform maps standardised values back to the original units.
func (s *StandardScaler) InverseTransform(x *tensor.Tensor) (*tensor.Tensor, error) {
	if err := s.check("InverseTransform", x); err != nil {
		return nil, err
	}
	return affine(x, s.Scale, s.Mean), nil
}
