package csv_test

import (
	"fmt"
	"strings"

	"github.com/tensorgo/tensorgo/datasets/csv"
)

func Example() {
	table := `sepal_length,sepal_width,species
5.1,3.5,setosa
7.0,3.2,versicolor
6.3,3.3,virginica
`
	t, err := csv.Read(strings.NewReader(table), "flowers.csv", csv.Options{Label: "species"})
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Println(t.X.Shape(), t.X.DType(), t.Columns)
	fmt.Println(t.Y.Int64s(), t.Classes)

	_, err = csv.Read(strings.NewReader("a,b\n1,2\n3,x\n"), "bad.csv", csv.Options{})
	fmt.Println(err)
	// Output:
	// (3, 2) float32 [sepal_length sepal_width]
	// [0 1 2] [setosa versicolor virginica]
	// csv: bad.csv: line 3, column 2 ("b"): cannot parse "x" as a number
}
