package safetensors

import (
	"encoding/json"
	"os"
	"os/exec"
	"path/filepath"
	"reflect"
	"strconv"
	"strings"
	"testing"
)

// TestReferenceReaderAcceptsOutput runs the reference implementation's
// reader on Write's output when one is available: set
// SAFETENSORS_CHECK to an st_check binary built on the reference Rust crate
// (see /work/shared/formats/REPORT.md, section 3). It prints "OK" for a file
// SafeTensors::deserialize accepts.
func TestReferenceReaderAcceptsOutput(t *testing.T) {
	bin := os.Getenv("SAFETENSORS_CHECK")
	if bin == "" {
		t.Skip("skipping: set SAFETENSORS_CHECK to a reference-crate st_check binary to run it")
	}
	p := filepath.Join(t.TempDir(), "w.safetensors")
	if err := Save(p, sample(), map[string]string{"format": "pt", "note": "<a & b>"}); err != nil {
		t.Fatal(err)
	}
	out, err := exec.Command(bin, p).CombinedOutput()
	if err != nil || !strings.HasSuffix(strings.TrimSpace(string(out)), "OK") {
		t.Fatalf("reference reader rejected the file: %v\n%s", err, out)
	}
	for _, s := range []string{
		`dense/kernel F32 [2, 3] bytes=24 first=["0.5", "-1.25", "3", "-inf", "0.000000000000000000000000000001", "6"]`,
		`step I64 [] bytes=8 first=["9223372036854775807"]`,
		`mask BOOL [2, 2] bytes=4 first=["0x01", "0x00", "0x01", "0x01"]`,
		`empty F32 [0, 3] bytes=0`,
	} {
		if !strings.Contains(string(out), s) {
			t.Errorf("reference reader output lacks %q:\n%s", s, out)
		}
	}
}

// TestNumpyReadsOutput reads Write's output with json + numpy
// (testdata/np_read.py), which follows the format's layout independently of
// this package.
func TestNumpyReadsOutput(t *testing.T) {
	const python = "/usr/bin/python3"
	if err := exec.Command(python, "-c", "import numpy").Run(); err != nil {
		t.Skipf("skipping: %s cannot import numpy (apt-get install python3-numpy): %v", python, err)
	}
	p := filepath.Join(t.TempDir(), "w.safetensors")
	meta := map[string]string{"format": "pt", "note": "<a & b> ✓"}
	if err := Save(p, sample(), meta); err != nil {
		t.Fatal(err)
	}
	out, err := exec.Command(python, "testdata/np_read.py", p).Output()
	if err != nil {
		t.Fatalf("numpy reader failed: %v", err)
	}
	var got struct {
		Metadata map[string]string
		Tensors  map[string]struct {
			DType  string
			Shape  []int
			Values []string
		}
	}
	if err := json.Unmarshal(out, &got); err != nil {
		t.Fatalf("%v\n%s", err, out)
	}
	if !reflect.DeepEqual(got.Metadata, meta) {
		t.Errorf("numpy reads metadata %v, want %v", got.Metadata, meta)
	}
	want := sample()
	if len(got.Tensors) != len(want) {
		t.Errorf("numpy sees %d tensors, want %d", len(got.Tensors), len(want))
	}
	for name, w := range want {
		g, ok := got.Tensors[name]
		if !ok {
			t.Errorf("numpy does not see %q", name)
			continue
		}
		if g.DType != w.DType().String() || !reflect.DeepEqual(g.Shape, append([]int{}, w.Shape()...)) || len(g.Values) != w.Size() {
			t.Errorf("%s: numpy sees %s %v with %d values, want %v %v with %d", name, g.DType, g.Shape, len(g.Values), w.DType(), w.Shape(), w.Size())
			continue
		}
		for i, v := range g.Values {
			var ok bool
			switch d := w.Data().(type) {
			case []float32, []float64:
				f, err := strconv.ParseFloat(v, 64)
				ok = err == nil && f == w.Float(i)
			case []int64:
				ok = v == strconv.FormatInt(d[i], 10)
			case []bool:
				ok = v == map[bool]string{true: "1", false: "0"}[d[i]]
			default:
				ok = v == strconv.FormatInt(int64(w.Float(i)), 10)
			}
			if !ok {
				t.Errorf("%s[%d]: numpy reads %s, want %v", name, i, v, w.Float(i))
			}
		}
	}
}
