package main

import (
	"errors"
	"fmt"
	"math"
	"math/rand/v2"
	"path/filepath"
	"sort"

	"github.com/tensorgo/tensorgo/datasets/csv"
	"github.com/tensorgo/tensorgo/datasets/timeseries"
	"github.com/tensorgo/tensorgo/tensor"
)

// samples are the windows of one part, scaled, with their targets.
type samples struct {
	x, y *tensor.Tensor // (n, window, 1), (n, 1)
}

// prepared is a series cut into scaled training and test windows.
type prepared struct {
	name        string
	train, test samples
	sc          *timeseries.MinMaxScaler
	// change says the windows hold changes (x_t − x_{t−1}): a prediction
	// is added to the value before the target.
	change bool
	// prev and real are, per test sample, the value before the target and
	// the target, in the series' units.
	prev, real []float64
}

// levels turns the model's scaled predictions (n, 1) into the series' units.
func (d *prepared) levels(p *tensor.Tensor) ([]float64, error) {
	v, err := d.sc.InverseTransform(p)
	if err != nil {
		return nil, err
	}
	out := make([]float64, v.Size())
	for i := range out {
		out[i] = v.Float(i)
		if d.change {
			out[i] += d.prev[i]
		}
	}
	return out, nil
}

// prepare loads the series the settings name and cuts it into windows.
func prepare(s settings) (*prepared, error) {
	if s.data == "w5" {
		return prepareW5(s)
	}
	series, err := loadSeries(s.csvPath, s.dateCol, s.priceCol)
	if err != nil {
		return nil, err
	}
	d := &prepared{name: fmt.Sprintf("%s (%s)", filepath.Base(s.csvPath), s.priceCol), sc: &timeseries.MinMaxScaler{}, change: s.target == "change"}
	n := len(series)
	if s.test <= s.window || n-s.test <= s.window+1 {
		return nil, fmt.Errorf("%s: %d rows cannot give %d test rows and training rows, both over the window of %d", s.csvPath, n, s.test, s.window)
	}
	// The values (or changes) of each row; with changes, row 0 has none.
	vals, first := series, 0
	if d.change {
		vals = make([]float64, n)
		for i := 1; i < n; i++ {
			vals[i] = series[i] - series[i-1]
		}
		first = 1
	}
	trainPart, testPart := vector(vals[first:n-s.test]), vector(vals[n-s.test:])
	// The scaler sees the training part only.
	if err := d.sc.Fit(trainPart); err != nil {
		return nil, err
	}
	for i, part := range []*tensor.Tensor{trainPart, testPart} {
		scaled, err := d.sc.Transform(part)
		if err != nil {
			return nil, err
		}
		x, y, err := timeseries.Windows(scaled, s.window)
		if err != nil {
			return nil, err
		}
		if i == 0 {
			d.train = samples{x, column(y)}
		} else {
			d.test = samples{x, column(y)}
		}
	}
	// Test sample i predicts row n−test+window+i.
	for r := n - s.test + s.window; r < n; r++ {
		d.prev = append(d.prev, series[r-1])
		d.real = append(d.real, series[r])
	}
	return d, nil
}

// prepareW5 is the anchors' W5 set-up: the synthetic series min-max scaled
// as a whole, windows of 60, the last s.test windows for the test.
func prepareW5(s settings) (*prepared, error) {
	d := &prepared{name: "w5 synthetic series", sc: &timeseries.MinMaxScaler{}}
	scaled, err := d.sc.FitTransform(vector(w5Series(s.seed)))
	if err != nil {
		return nil, err
	}
	x, y, err := timeseries.Windows(scaled, s.window)
	if err != nil {
		return nil, err
	}
	n := x.Dim(0)
	if s.test >= n {
		return nil, fmt.Errorf("-test %d leaves no training windows of %d", s.test, n)
	}
	d.train = samples{rows(x, 0, n-s.test), column(rows(y, 0, n-s.test))}
	d.test = samples{rows(x, n-s.test, n), column(rows(y, n-s.test, n))}
	last := tensor.New(tensor.Float32, s.test, 1)
	for i := 0; i < s.test; i++ {
		last.SetFloat(i, d.test.x.Float((i+1)*s.window-1))
	}
	for _, p := range []struct {
		t   *tensor.Tensor
		dst *[]float64
	}{{last, &d.prev}, {d.test.y, &d.real}} {
		v, err := d.sc.InverseTransform(p.t)
		if err != nil {
			return nil, err
		}
		for i := 0; i < v.Size(); i++ {
			*p.dst = append(*p.dst, v.Float(i))
		}
	}
	return d, nil
}

// loadSeries reads the price column of a CSV file in date order, missing
// prices filled in by linear interpolation between their neighbours (the
// nearest value at either end).
func loadSeries(path, dateCol, priceCol string) ([]float64, error) {
	t, err := csv.Load(path, csv.Options{Columns: []string{dateCol, priceCol}, Categorical: []string{dateCol},
		DType: tensor.Float64, AllowMissing: true, MissingValue: math.NaN()})
	if err != nil {
		return nil, err
	}
	n := t.X.Dim(0)
	if n == 0 {
		return nil, fmt.Errorf("%s: no rows", path)
	}
	type row struct {
		date  int
		price float64
	}
	rs := make([]row, n)
	for i := range rs {
		rs[i] = row{int(t.X.Float(2 * i)), t.X.Float(2*i + 1)}
	}
	// Codes index the sorted distinct dates, so sorting by code sorts by
	// date for ISO (2010-04-26) and compact (20100426) dates alike.
	sort.SliceStable(rs, func(a, b int) bool { return rs[a].date < rs[b].date })
	v := make([]float64, n)
	for i, r := range rs {
		v[i] = r.price
	}
	if err := interpolate(v); err != nil {
		return nil, fmt.Errorf("%s: column %s: %w", path, priceCol, err)
	}
	return v, nil
}

// vector makes a float32 tensor (n,) of v.
func vector(v []float64) *tensor.Tensor {
	out := tensor.New(tensor.Float32, len(v))
	for i, x := range v {
		out.SetFloat(i, x)
	}
	return out
}

// interpolate fills the NaNs of v linearly between the known values around
// them, and at either end with the nearest known value. An infinite value
// is an error: no price is, and one would turn its neighbours into NaNs.
func interpolate(v []float64) error {
	for i, x := range v {
		if math.IsInf(x, 0) {
			return fmt.Errorf("value %d (in date order) is %v: prices must be finite", i, x)
		}
	}
	prev := -1
	for i := 0; i <= len(v); i++ {
		if i < len(v) && math.IsNaN(v[i]) {
			continue
		}
		// v[prev+1 : i] are missing.
		for k := prev + 1; k < i; k++ {
			switch {
			case prev < 0 && i == len(v):
				return errors.New("no values")
			case prev < 0:
				v[k] = v[i]
			case i == len(v):
				v[k] = v[prev]
			default:
				f := float64(k-prev) / float64(i-prev)
				v[k] = v[prev] + f*(v[i]-v[prev])
			}
		}
		prev = i
	}
	return nil
}

// w5Series is the anchors' W5 series: sin(2πt/50) + 0.5·sin(2πt/17) plus
// noise of standard deviation 0.1, t = 0..1999 (Go's generator, so the
// noise is not NumPy's).
func w5Series(seed int64) []float64 {
	r := rand.New(rand.NewPCG(uint64(seed), 5))
	s := make([]float64, 2000)
	for t := range s {
		ft := float64(t)
		s[t] = math.Sin(2*math.Pi*ft/50) + 0.5*math.Sin(2*math.Pi*ft/17) + 0.1*r.NormFloat64()
	}
	return s
}

// rows returns rows [lo, hi) of x along its first axis.
func rows(x *tensor.Tensor, lo, hi int) *tensor.Tensor {
	shape := x.Shape().Clone()
	per := x.Size() / shape[0]
	shape[0] = hi - lo
	out := tensor.New(x.DType(), shape...)
	for i := 0; i < (hi-lo)*per; i++ {
		out.SetFloat(i, x.Float(lo*per+i))
	}
	return out
}

// column reshapes a vector (n,) to (n, 1), the Dense(1) output's shape.
func column(y *tensor.Tensor) *tensor.Tensor {
	if y.Rank() == 2 {
		return y
	}
	out := tensor.New(y.DType(), y.Dim(0), 1)
	for i := 0; i < y.Size(); i++ {
		out.SetFloat(i, y.Float(i))
	}
	return out
}
