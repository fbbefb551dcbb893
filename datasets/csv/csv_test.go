package csv_test

import (
	"bytes"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/tensorgo/tensorgo/datasets/csv"
	"github.com/tensorgo/tensorgo/tensor"
)

func TestLoadWithClassNames(t *testing.T) {
	tb, err := csv.Load("testdata/flowers.csv", csv.Options{Label: "species"})
	if err != nil {
		t.Fatal(err)
	}
	if !tb.X.Shape().Equal(tensor.Shape{4, 4}) || tb.X.DType() != tensor.Float32 {
		t.Fatalf("X %v %v", tb.X.DType(), tb.X.Shape())
	}
	if !slices.Equal(tb.X.Float32s()[4:8], []float32{7.0, 3.2, 4.7, 1.4}) {
		t.Fatalf("row 1 %v", tb.X.Float32s()[4:8])
	}
	if !slices.Equal(tb.Classes, []string{"setosa", "versicolor", "virginica"}) || !slices.Equal(tb.Y.Int64s(), []int64{0, 1, 2, 0}) {
		t.Fatalf("classes %v labels %v", tb.Classes, tb.Y.Int64s())
	}
	if !slices.Equal(tb.Columns, []string{"sepal_length", "sepal_width", "petal_length", "petal_width"}) {
		t.Fatalf("columns %v", tb.Columns)
	}
}

func TestOptions(t *testing.T) {
	in := "3;red;0.5\n4;blue;1.5\n5;red;2.5\n"
	tb, err := csv.Read(strings.NewReader(in), "x.csv", csv.Options{
		NoHeader: true, Comma: ';', Label: "2", LabelDType: tensor.Float64,
		Columns: []string{"1", "0"}, Categorical: []string{"1"}, DType: tensor.Int32,
	})
	if err != nil {
		t.Fatal(err)
	}
	if !slices.Equal(tb.X.Int32s(), []int32{1, 3, 0, 4, 1, 5}) || !slices.Equal(tb.Y.Float64s(), []float64{0.5, 1.5, 2.5}) {
		t.Fatalf("X %v Y %v", tb.X.Int32s(), tb.Y.Float64s())
	}
	if !slices.Equal(tb.Vocabularies["1"], []string{"blue", "red"}) || tb.Classes != nil {
		t.Fatalf("vocabulary %v classes %v", tb.Vocabularies, tb.Classes)
	}
	tb, err = csv.Read(strings.NewReader("a,b\n1,\n"), "m.csv", csv.Options{AllowMissing: true, MissingValue: -1})
	if err != nil || !slices.Equal(tb.X.Float32s(), []float32{1, -1}) || tb.Y != nil {
		t.Fatalf("missing allowed: %v %v", tb, err)
	}
}

func TestErrors(t *testing.T) {
	cases := []struct {
		file string
		opt  csv.Options
		want []string
	}{
		{"badquote.csv", csv.Options{Label: "label"}, []string{"badquote.csv", "line 3", "malformed"}},
		{"short.csv", csv.Options{Label: "label"}, []string{"short.csv", "line 3", "2 fields, want 3"}},
		{"notnumber.csv", csv.Options{Label: "label"}, []string{"notnumber.csv", "line 3, column 2", `"b"`, `cannot parse "x"`}},
		{"missing.csv", csv.Options{Label: "label"}, []string{"missing.csv", "line 3, column 2", "missing value"}},
		{"flowers.csv", csv.Options{Label: "kind"}, []string{"flowers.csv", `no column named "kind"`, "species"}},
		{"flowers.csv", csv.Options{Label: "species", LabelDType: tensor.Float32}, []string{"flowers.csv", "line 2, column 5", "label", `"setosa"`}},
		{"missing-file.csv", csv.Options{}, []string{"missing-file.csv"}},
	}
	for _, c := range cases {
		_, err := csv.Load(filepath.Join("testdata", c.file), c.opt)
		if err == nil {
			t.Errorf("%s: no error", c.file)
			continue
		}
		for _, w := range c.want {
			if !strings.Contains(err.Error(), w) {
				t.Errorf("%s: error %q does not say %q", c.file, err, w)
			}
		}
	}
	if _, err := csv.Read(strings.NewReader(""), "empty.csv", csv.Options{}); err == nil || !strings.Contains(err.Error(), "empty.csv: empty file") {
		t.Errorf("empty: %v", err)
	}
	if _, err := csv.Read(strings.NewReader("a,b,a\n1,2,3\n"), "dup.csv", csv.Options{Label: "a"}); err == nil ||
		!strings.Contains(err.Error(), "dup.csv: line 1: columns 1 and 3 are both named \"a\"") {
		t.Errorf("duplicate column names: %v", err)
	}
}

// A byte-order mark (spreadsheet exports) and CRLF line ends are not part
// of the data.
func TestBOMAndCRLF(t *testing.T) {
	tb, err := csv.Read(strings.NewReader("\ufeffa,b\r\n1,2\r\n3,4\r\n"), "excel.csv", csv.Options{Label: "a"})
	if err != nil {
		t.Fatal(err)
	}
	if !slices.Equal(tb.Columns, []string{"b"}) || !slices.Equal(tb.X.Float32s(), []float32{2, 4}) || !slices.Equal(tb.Y.Int64s(), []int64{1, 3}) {
		t.Fatalf("columns %v X %v Y %v", tb.Columns, tb.X.Float32s(), tb.Y.Int64s())
	}
}

func FuzzCSV(f *testing.F) {
	for _, name := range []string{"flowers.csv", "badquote.csv", "short.csv", "notnumber.csv", "missing.csv"} {
		b, err := os.ReadFile(filepath.Join("testdata", name))
		if err != nil {
			f.Fatal(err)
		}
		f.Add(b, false)
	}
	f.Add([]byte("1,2,3\n4,5,6\n"), true)
	f.Add([]byte("a,\"b\"\"c\",label\n1e3,NaN,x\n"), false)
	f.Fuzz(func(t *testing.T, in []byte, noHeader bool) {
		label := "label"
		if noHeader {
			label = "0"
		}
		tb, err := csv.Read(bytes.NewReader(in), "fuzz.csv", csv.Options{Label: label, NoHeader: noHeader})
		if err != nil {
			if !strings.Contains(err.Error(), "fuzz.csv") {
				t.Fatalf("error does not name the file: %v", err)
			}
			return
		}
		if tb.Y.Dim(0) != tb.X.Dim(0) {
			t.Fatalf("%d labels for %d rows", tb.Y.Dim(0), tb.X.Dim(0))
		}
		for _, v := range tb.Y.Int64s() {
			if tb.Classes != nil && (v < 0 || int(v) >= len(tb.Classes)) {
				t.Fatalf("label %d outside %d classes", v, len(tb.Classes))
			}
		}
	})
}
