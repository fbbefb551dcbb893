package timeseries_test

import (
	"fmt"
	"math"
	"testing"

	"github.com/tensorgo/tensorgo/datasets/timeseries"
	"github.com/tensorgo/tensorgo/tensor"
)

func TestWindows(t *testing.T) {
	s := tensor.FromSlice([]float32{10, 11, 12, 13, 14, 15})
	x, y, err := timeseries.Windows(s, 3)
	if err != nil {
		t.Fatal(err)
	}
	if !x.Shape().Equal(tensor.Shape{3, 3, 1}) || !y.Shape().Equal(tensor.Shape{3}) {
		t.Fatalf("shapes %v %v", x.Shape(), y.Shape())
	}
	for i := 0; i < 3; i++ {
		for k := 0; k < 3; k++ {
			if x.At(i, k, 0) != float64(10+i+k) {
				t.Fatalf("x[%d][%d] = %v", i, k, x.At(i, k, 0))
			}
		}
		if y.At(i) != float64(13+i) {
			t.Fatalf("y[%d] = %v", i, y.At(i))
		}
	}
	// Two features, stride 2: windows start at 0 and 2.
	m := tensor.FromSlice([]float64{0, 100, 1, 101, 2, 102, 3, 103, 4, 104, 5, 105}, 6, 2)
	x, y, err = timeseries.Windows(m, 2, 2)
	if err != nil {
		t.Fatal(err)
	}
	if !x.Shape().Equal(tensor.Shape{2, 2, 2}) || !y.Shape().Equal(tensor.Shape{2, 2}) ||
		x.At(1, 0, 0) != 2 || x.At(1, 1, 1) != 103 || y.At(1, 0) != 4 || y.At(1, 1) != 104 {
		t.Fatalf("multivariate windows: %v %v", x, y)
	}
	if _, _, err := timeseries.Windows(s, 6); err == nil {
		t.Fatal("no error for a series shorter than a window")
	}
}

func TestMinMaxScaler(t *testing.T) {
	x := tensor.FromSlice([]float64{1, 10, 3, 10, 5, 10}, 3, 2)
	var s timeseries.MinMaxScaler
	z, err := s.FitTransform(x)
	if err != nil {
		t.Fatal(err)
	}
	// Column 0: (v-1)/4; column 1 is constant and maps to 0 (sklearn).
	want := []float64{0, 0, 0.5, 0, 1, 0}
	for i, w := range want {
		if z.Float(i) != w {
			t.Fatalf("scaled %v, want %v", z.Float64s(), want)
		}
	}
	back, err := s.InverseTransform(z)
	if err != nil {
		t.Fatal(err)
	}
	for i := range want {
		if math.Abs(back.Float(i)-x.Float(i)) > 1e-12 {
			t.Fatalf("inverse %v, want %v", back.Float64s(), x.Float64s())
		}
	}
	r := timeseries.MinMaxScaler{FeatureRange: [2]float64{-1, 1}}
	v := tensor.FromSlice([]float32{2, 4, 6})
	z, _ = r.FitTransform(v)
	if z.DType() != tensor.Float32 || z.Float32s()[0] != -1 || z.Float32s()[1] != 0 || z.Float32s()[2] != 1 {
		t.Fatalf("range [-1,1]: %v", z)
	}
	if _, err := r.Transform(x); err == nil {
		t.Fatal("no error for a feature count mismatch")
	}
	var fresh timeseries.MinMaxScaler
	if _, err := fresh.Transform(v); err == nil {
		t.Fatal("no error before Fit")
	}
}

func TestStandardScaler(t *testing.T) {
	x := tensor.FromSlice([]float64{1, 2, 3, 4}, 4, 1)
	var s timeseries.StandardScaler
	z, err := s.FitTransform(x)
	if err != nil {
		t.Fatal(err)
	}
	// mean 2.5, population std sqrt(1.25).
	sd := math.Sqrt(1.25)
	for i := 0; i < 4; i++ {
		if w := (float64(i+1) - 2.5) / sd; math.Abs(z.Float(i)-w) > 1e-12 {
			t.Fatalf("z[%d] = %v, want %v", i, z.Float(i), w)
		}
	}
	back, _ := s.InverseTransform(z)
	for i := 0; i < 4; i++ {
		if math.Abs(back.Float(i)-float64(i+1)) > 1e-12 {
			t.Fatalf("inverse %v", back.Float64s())
		}
	}
}

func Example() {
	prices := tensor.FromSlice([]float32{10, 12, 11, 13, 15, 14, 16})
	var scaler timeseries.MinMaxScaler
	scaled, _ := scaler.FitTransform(prices)
	x, y, _ := timeseries.Windows(scaled, 3)
	fmt.Println(x.Shape(), y.Shape())
	back, _ := scaler.InverseTransform(y)
	fmt.Println(back.Float32s())
	// Output:
	// (4, 3, 1) (4,)
	// [13 15 14 16]
}
