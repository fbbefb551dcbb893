package csv_test

import (
	"math"
	"slices"
	"strings"
	"testing"

	"github.com/tensorgo/tensorgo/datasets/csv"
	"github.com/tensorgo/tensorgo/tensor"
)

// A byte-order mark before a quoted header field, or before the first row
// of a file without a header, is not part of the data.
func TestBOMBeforeQuotedOrHeaderless(t *testing.T) {
	tb, err := csv.Read(strings.NewReader("\ufeff\"a\",\"b\"\n1,2\n"), "quoted.csv", csv.Options{Label: "a"})
	if err != nil {
		t.Fatalf("quoted header: %v", err)
	}
	if !slices.Equal(tb.Columns, []string{"b"}) || !slices.Equal(tb.X.Float32s(), []float32{2}) || !slices.Equal(tb.Y.Int64s(), []int64{1}) {
		t.Fatalf("quoted header: columns %v X %v Y %v", tb.Columns, tb.X.Float32s(), tb.Y.Int64s())
	}
	for _, in := range []string{"\ufeff1,2\n3,4\n", "\ufeff\"1\",2\n3,4\n"} {
		tb, err := csv.Read(strings.NewReader(in), "noheader.csv", csv.Options{NoHeader: true})
		if err != nil {
			t.Fatalf("%q: %v", in, err)
		}
		if !slices.Equal(tb.X.Float32s(), []float32{1, 2, 3, 4}) {
			t.Fatalf("%q: X %v", in, tb.X.Float32s())
		}
	}
}

// Integer columns and labels keep their exact values: 2^63-1 and 2^53+1
// have no float64 of their own.
func TestInt64Exact(t *testing.T) {
	in := "a,b,label\n9223372036854775807,-9223372036854775808,9223372036854775807\n9007199254740993,7,-9007199254740993\n"
	tb, err := csv.Read(strings.NewReader(in), "big.csv", csv.Options{Label: "label", DType: tensor.Int64})
	if err != nil {
		t.Fatal(err)
	}
	if want := []int64{math.MaxInt64, math.MinInt64, 1<<53 + 1, 7}; !slices.Equal(tb.X.Int64s(), want) {
		t.Fatalf("X %v, want %v", tb.X.Int64s(), want)
	}
	if want := []int64{math.MaxInt64, -(1<<53 + 1)}; !slices.Equal(tb.Y.Int64s(), want) || tb.Classes != nil {
		t.Fatalf("Y %v (classes %v), want %v", tb.Y.Int64s(), tb.Classes, want)
	}
	tb, err = csv.Read(strings.NewReader("a\n2147483647\n-2147483648\n"), "i32.csv", csv.Options{DType: tensor.Int32})
	if err != nil || !slices.Equal(tb.X.Int32s(), []int32{math.MaxInt32, math.MinInt32}) {
		t.Fatalf("int32: %v %v", tb, err)
	}
}

// A huge bad field (or column name) is quoted by its first hundred bytes,
// not whole.
func TestHugeFieldQuotedShort(t *testing.T) {
	field := strings.Repeat("x", 8<<20)
	for _, c := range []struct {
		in  string
		opt csv.Options
	}{
		{"a,b\n1," + field + "\n", csv.Options{}},
		{"a,b\n1," + field + "\n", csv.Options{DType: tensor.Int64}},
		{"a," + field + "\n1,2\n", csv.Options{Label: "missing"}},
		{field + "," + field + "\n1,2\n", csv.Options{}},
	} {
		_, err := csv.Read(strings.NewReader(c.in), "huge.csv", c.opt)
		if err == nil {
			t.Fatal("no error")
		}
		if msg := err.Error(); len(msg) > 500 || !strings.Contains(msg, `"xxxxxxxx`) || !strings.Contains(msg, "(8388608 bytes)") {
			t.Fatalf("error of %d bytes: %.300s", len(msg), msg)
		}
	}
}
