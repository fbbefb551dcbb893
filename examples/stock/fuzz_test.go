package main

import (
	"math"
	"os"
	"path/filepath"
	"testing"
)

// FuzzLoadSeries feeds loadSeries arbitrary CSV text: it returns an error
// or a series without NaNs, never panics.
func FuzzLoadSeries(f *testing.F) {
	if b, err := os.ReadFile("testdata/course_layout.csv"); err == nil {
		f.Add(b)
	}
	f.Add([]byte("date,open\n19580329,316.1\n19580405,\n19580412,317.6\n"))
	f.Add([]byte(",date,open,close\n0,2010-04-26,87,88\n1,2010-04-27,x,88\n"))
	f.Add([]byte("date,open\n"))
	f.Add([]byte("date,open\n1,\n2,\n"))
	f.Add([]byte("date,open\n\"1,2\n"))
	f.Add([]byte("open\n1\n2\n"))
	f.Add([]byte("date,open\n1,NaN\n2,Inf\n3,1e308\n"))
	dir := f.TempDir()
	f.Fuzz(func(t *testing.T, data []byte) {
		path := filepath.Join(dir, "in.csv")
		if err := os.WriteFile(path, data, 0o644); err != nil {
			t.Fatal(err)
		}
		v, err := loadSeries(path, "date", "open")
		if err != nil {
			return
		}
		if len(v) == 0 {
			t.Fatal("no error and no values")
		}
		for i, x := range v {
			if math.IsNaN(x) {
				t.Fatalf("value %d is NaN after filling in: %v", i, v)
			}
		}
	})
}
