package iris_test

import (
	"fmt"
	"math"
	"slices"
	"testing"

	"github.com/tensorgo/tensorgo/datasets/iris"
	"github.com/tensorgo/tensorgo/tensor"
)

func TestLoadData(t *testing.T) {
	x, y := iris.LoadData()
	if !x.Shape().Equal(tensor.Shape{150, 4}) || x.DType() != tensor.Float64 || !y.Shape().Equal(tensor.Shape{150}) || y.DType() != tensor.Int64 {
		t.Fatalf("shapes %v %v %v %v", x.Shape(), x.DType(), y.Shape(), y.DType())
	}
	// scikit-learn's documented summary statistics: column means.
	want := []float64{5.843333, 3.057333, 3.758000, 1.199333}
	for j, w := range want {
		s := 0.0
		for i := 0; i < 150; i++ {
			s += x.At(i, j)
		}
		if math.Abs(s/150-w) > 1e-6 {
			t.Errorf("mean of %s = %.6f, want %.6f", iris.FeatureNames[j], s/150, w)
		}
	}
	for i, v := range y.Int64s() {
		if v != int64(i/50) {
			t.Fatalf("label %d = %d, want %d (50 of each class in order)", i, v, i/50)
		}
	}
	if x.At(0, 0) != 5.1 || x.At(149, 3) != 1.8 {
		t.Fatalf("first/last values %v %v", x.At(0, 0), x.At(149, 3))
	}
}

// TestSeedSplit checks against NumPy 1.24:
//
//	np.random.seed(116); np.random.shuffle(x_data)
//	np.random.seed(116); np.random.shuffle(y_data)
//	y_data[:30], y_data[-30:], x_data[0], x_data[-1]
func TestSeedSplit(t *testing.T) {
	xTrain, yTrain, xTest, yTest := iris.SeedSplit()
	if xTrain.Dim(0) != 120 || yTrain.Dim(0) != 120 || xTest.Dim(0) != 30 || yTest.Dim(0) != 30 {
		t.Fatalf("split sizes %v %v %v %v", xTrain.Shape(), yTrain.Shape(), xTest.Shape(), yTest.Shape())
	}
	head := []int64{1, 1, 1, 0, 0, 2, 2, 2, 1, 0, 0, 2, 0, 1, 0, 1, 0, 1, 2, 2, 1, 0, 0, 0, 0, 1, 1, 1, 0, 2}
	tail := []int64{1, 0, 1, 1, 1, 2, 1, 1, 1, 1, 0, 0, 0, 0, 0, 1, 1, 0, 1, 0, 1, 1, 2, 2, 0, 2, 0, 0, 2, 1}
	if !slices.Equal(yTrain.Int64s()[:30], head) || !slices.Equal(yTest.Int64s(), tail) {
		t.Fatalf("labels differ from NumPy's:\n%v\n%v", yTrain.Int64s()[:30], yTest.Int64s())
	}
	if got := xTrain.Float64s()[:4]; !slices.Equal(got, []float64{6.1, 2.8, 4.0, 1.3}) {
		t.Fatalf("first training row %v", got)
	}
	if got := xTest.Float64s()[116:]; !slices.Equal(got, []float64{5.5, 2.3, 4.0, 1.3}) {
		t.Fatalf("last test row %v", got)
	}
	// Features and labels moved together: every row still has its label.
	x, y := iris.LoadData()
	for i := 0; i < 120; i++ {
		row := xTrain.Float64s()[4*i : 4*i+4]
		found := false
		for k := 0; k < 150 && !found; k++ {
			found = slices.Equal(x.Float64s()[4*k:4*k+4], row) && y.Int64s()[k] == yTrain.Int64s()[i]
		}
		if !found {
			t.Fatalf("training row %d %v with label %d is not in the data", i, row, yTrain.Int64s()[i])
		}
	}
}

func Example() {
	xTrain, yTrain, xTest, yTest := iris.SeedSplit()
	fmt.Println(xTrain.Shape(), yTrain.Shape(), xTest.Shape(), yTest.Shape())
	fmt.Println(xTrain.Float64s()[:4], iris.ClassNames[yTrain.Int64s()[0]])
	// Output:
	// (120, 4) (120,) (30, 4) (30,)
	// [6.1 2.8 4 1.3] versicolor
}
