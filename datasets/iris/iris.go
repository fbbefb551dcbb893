// Package iris is Fisher's iris flowers, embedded: 150 samples of four
// measurements (cm) in scikit-learn's load_iris order (50 setosa, 50
// versicolor, 50 virginica) and values, and the seed course's split.
package iris

import (
	_ "embed"
	"fmt"
	"strconv"
	"strings"

	"github.com/tensorgo/tensorgo/datasets/internal/nprand"
	"github.com/tensorgo/tensorgo/tensor"
)

//go:embed iris.csv
var table string

// FeatureNames are the columns of x, as scikit-learn names them.
var FeatureNames = []string{"sepal length (cm)", "sepal width (cm)", "petal length (cm)", "petal width (cm)"}

// ClassNames are the meanings of the labels 0, 1 and 2.
var ClassNames = []string{"setosa", "versicolor", "virginica"}

// LoadData returns the features, (150, 4) float64, and the labels, (150,)
// int64, as sklearn.datasets.load_iris().data and .target. Every call
// returns fresh tensors.
func LoadData() (x, y *tensor.Tensor) {
	lines := strings.Split(strings.TrimSpace(table), "\n")[1:]
	x = tensor.New(tensor.Float64, len(lines), 4)
	y = tensor.New(tensor.Int64, len(lines))
	xs, ys := x.Float64s(), y.Int64s()
	for i, line := range lines {
		f := strings.Split(line, ",")
		for j := 0; j < 4; j++ {
			v, err := strconv.ParseFloat(f[j], 64)
			if err != nil {
				panic(fmt.Sprintf("iris: embedded table, row %d: %v", i, err))
			}
			xs[4*i+j] = v
		}
		c, err := strconv.Atoi(f[4])
		if err != nil {
			panic(fmt.Sprintf("iris: embedded table, row %d: %v", i, err))
		}
		ys[i] = int64(c)
	}
	return x, y
}

// Shuffled returns the data in the order NumPy leaves it after
// `np.random.seed(seed); np.random.shuffle(x)` (the same for y): tensorgo
// implements NumPy's MT19937 and legacy shuffle, so the rows match NumPy's
// exactly.
func Shuffled(seed uint32) (x, y *tensor.Tensor) {
	x, y = LoadData()
	xs, ys := x.Float64s(), y.Int64s()
	nprand.New(seed).Shuffle(y.Dim(0), func(i, j int) {
		for k := 0; k < 4; k++ {
			xs[4*i+k], xs[4*j+k] = xs[4*j+k], xs[4*i+k]
		}
		ys[i], ys[j] = ys[j], ys[i]
	})
	return x, y
}

// SeedSplit returns the seed course's split: the rows shuffled as by
// np.random.seed(116); np.random.shuffle, the first 120 for training and the
// last 30 for testing (x_data[:-30], x_data[-30:]).
func SeedSplit() (xTrain, yTrain, xTest, yTest *tensor.Tensor) {
	x, y := Shuffled(116)
	n := y.Dim(0) - 30
	xTrain = tensor.FromSlice(x.Float64s()[:4*n], n, 4)
	xTest = tensor.FromSlice(x.Float64s()[4*n:], 30, 4)
	yTrain = tensor.FromSlice(y.Int64s()[:n], n)
	yTest = tensor.FromSlice(y.Int64s()[n:], 30)
	return xTrain, yTrain, xTest, yTest
}
