package hdf5

import (
	"bytes"
	"encoding/json"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"reflect"
	"strconv"
	"testing"
)

// python is Debian's interpreter, which has the apt-installed h5py (the
// python3 on PATH may not).
const python = "/usr/bin/python3"

func needH5py(t *testing.T) {
	t.Helper()
	if err := exec.Command(python, "-c", "import h5py").Run(); err != nil {
		t.Skipf("skipping: %s cannot import h5py (apt-get install python3-h5py): %v", python, err)
	}
}

type h5pyValue struct {
	DType  string            `json:"dtype"`
	Shape  []int             `json:"shape"`
	Values []json.RawMessage `json:"values"`
	Attrs  map[string]json.RawMessage
}

type h5pyDump struct {
	Groups   map[string]map[string]json.RawMessage
	Datasets map[string]h5pyValue
}

// asStrings renders h5py's values (hex-float strings or integers) as
// strings: floats in Go's %v of their float64 value, integers verbatim.
func asStrings(t *testing.T, vals []json.RawMessage) []string {
	out := make([]string, len(vals))
	for i, v := range vals {
		var s string
		if json.Unmarshal(v, &s) == nil {
			f, err := strconv.ParseFloat(s, 64)
			if err != nil {
				t.Fatalf("bad float %q from h5py: %v", s, err)
			}
			out[i] = fmt.Sprint(f)
			continue
		}
		out[i] = string(v)
	}
	return out
}

// TestH5pyReadsWriterOutput writes a file with the Writer and checks that
// h5py reads back every value, and that h5dump accepts it.
func TestH5pyReadsWriterOutput(t *testing.T) {
	needH5py(t)
	p := filepath.Join(t.TempDir(), "go.h5")
	w, err := CreateFile(p)
	if err != nil {
		t.Fatal(err)
	}
	writeSample(t, w)
	out, err := exec.Command(python, "testdata/h5py_dump.py", p).Output()
	if err != nil {
		t.Fatalf("h5py could not read the file: %v\n%s", err, stderrOf(err))
	}
	var dump h5pyDump
	if err := json.Unmarshal(out, &dump); err != nil {
		t.Fatal(err)
	}
	f64 := func(v []float64) []string {
		s := make([]string, len(v))
		for i, x := range v {
			s[i] = fmt.Sprint(x)
		}
		return s
	}
	f32 := func(v []float32) []string {
		s := make([]string, len(v))
		for i, x := range v {
			s[i] = fmt.Sprint(float64(x))
		}
		return s
	}
	ints := func(v ...int64) []string {
		s := make([]string, len(v))
		for i, x := range v {
			s[i] = strconv.FormatInt(x, 10)
		}
		return s
	}
	want := map[string]struct {
		dtype string
		shape []int
		vals  []string
	}{
		"/layers/dense/vars/0": {"float32", []int{4, 3}, f32(sampleKernel)},
		"/layers/dense/vars/1": {"float32", []int{3}, f32(sampleBias)},
		"/types/f64":           {"float64", []int{3}, f64(sampleF64)},
		"/types/i64":           {"int64", []int{2, 2}, ints(sampleI64...)},
		"/types/i32":           {"int32", []int{2}, ints(int64(sampleI32[0]), int64(sampleI32[1]))},
		"/types/u8":            {"uint8", []int{3}, ints(0, 128, 255)},
		"/types/f16":           {"float16", []int{3}, f64([]float64{1, -0.5, 65504})},
		"/types/scalar":        {"float32", []int{}, f64([]float64{7.5})},
		"/types/empty":         {"float32", []int{0, 3}, []string{}},
		"/types/raw":           {"int32", []int{2}, ints(1, 2)},
		"/ints/i8":             {"int8", []int{2}, ints(-128, 127)},
		"/ints/名前":             {"int16", []int{2}, ints(-300, 32767)},
		"/ints/u16":            {"uint16", []int{1}, ints(65535)},
		"/ints/u32":            {"uint32", []int{1}, ints(4294967295)},
		"/ints/u64":            {"uint64", []int{2}, []string{"0", "18446744073709551615"}},
	}
	if len(dump.Datasets) != len(want) {
		t.Errorf("h5py sees %d datasets, want %d", len(dump.Datasets), len(want))
	}
	for path, w := range want {
		got, ok := dump.Datasets[path]
		if !ok {
			t.Errorf("h5py does not see %s", path)
			continue
		}
		if got.DType != w.dtype || !reflect.DeepEqual(got.Shape, w.shape) {
			t.Errorf("%s: h5py sees %s %v, want %s %v", path, got.DType, got.Shape, w.dtype, w.shape)
		}
		if g := asStrings(t, got.Values); !reflect.DeepEqual(g, w.vals) {
			t.Errorf("%s: h5py reads %v, want %v", path, g, w.vals)
		}
	}
	root := dump.Groups["/"]
	wantRoot := map[string]string{
		"title": `"tensorgo ✓"`,
		"names": `["alpha","","gamma"]`,
		"count": `{"dtype":"int64","shape":[],"values":[42]}`,
		"ratio": `{"dtype":"float64","shape":[],"values":["0x1.0000000000000p-2"]}`,
		"i32s":  `{"dtype":"int32","shape":[3],"values":[1,-2,3]}`,
	}
	for name, w := range wantRoot {
		var buf bytes.Buffer
		json.Compact(&buf, root[name])
		if buf.String() != w {
			t.Errorf("h5py reads root attribute %q as %s, want %s", name, buf.String(), w)
		}
	}
	if got := string(dump.Groups["/layers/dense/vars"]["name"]); got != `"dense"` {
		t.Errorf("h5py reads vars name attribute as %s", got)
	}
	if _, ok := dump.Groups["/vars"]; !ok {
		t.Error("h5py does not see the empty group /vars")
	}
	if got := string(dump.Datasets["/types/f64"].Attrs["unit"]); got != `"m"` {
		t.Errorf("h5py reads /types/f64 unit as %s", got)
	}

	h5dump, err := exec.LookPath("h5dump")
	if err != nil {
		t.Log("h5dump not installed (apt-get install hdf5-tools); skipping its check")
		return
	}
	dout, err := exec.Command(h5dump, p).CombinedOutput()
	if err != nil {
		t.Fatalf("h5dump failed: %v\n%s", err, dout)
	}
	for _, s := range []string{`(0,0): 0.5, -1.25, 3,`, `(0): "alpha", "", "gamma"`, `(0): 1, -0.5, 65504`, `DATASET "empty"`} {
		if !bytes.Contains(dout, []byte(s)) {
			t.Errorf("h5dump output lacks %q", s)
		}
	}
}

func stderrOf(err error) string {
	if ee, ok := err.(*exec.ExitError); ok {
		return string(ee.Stderr)
	}
	return ""
}

// TestTestdataScriptIsCurrent re-runs make_testdata.py when h5py is present
// and checks that the committed files still read the same (guarding against
// a script edited without regenerating the files).
func TestTestdataScriptReproduces(t *testing.T) {
	needH5py(t)
	dir := t.TempDir()
	script, err := filepath.Abs("testdata/make_testdata.py")
	if err != nil {
		t.Fatal(err)
	}
	cmd := exec.Command(python, script)
	cmd.Dir = dir
	if out, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("make_testdata.py: %v\n%s", err, out)
	}
	files, _ := filepath.Glob(filepath.Join(dir, "*.h5"))
	if len(files) == 0 {
		t.Fatal("make_testdata.py wrote no files")
	}
	for _, p := range files {
		fresh := describe(t, p)
		committed := describe(t, filepath.Join("testdata", filepath.Base(p)))
		if fresh != committed {
			t.Errorf("%s: committed file differs from a fresh run of make_testdata.py:\n%s\nvs\n%s", filepath.Base(p), committed, fresh)
		}
	}
}

// describe summarises a file as this package reads it (or the error).
func describe(t *testing.T, path string) string {
	b, err := os.ReadFile(path)
	if err != nil {
		return err.Error()
	}
	f, err := Open(bytes.NewReader(b), int64(len(b)))
	if err != nil {
		return err.Error()
	}
	var s bytes.Buffer
	f.Root().Walk(func(g *Group) error {
		fmt.Fprintf(&s, "%s %v\n", g.Path, g.Attrs)
		for _, d := range g.Datasets() {
			v, err := d.Read()
			fmt.Fprintf(&s, "  %s %v %v %v %v %v\n", d.Name, d.DType, d.Shape, d.Attrs, v, err)
		}
		return nil
	})
	return s.String()
}

// TestH5pyReadsManyLinks writes a group with more members than HDF5's
// default compact-storage limit (8), all as link messages in the group's
// header, and checks that h5py lists and reads them all.
func TestH5pyReadsManyLinks(t *testing.T) {
	needH5py(t)
	p := filepath.Join(t.TempDir(), "many.h5")
	w, err := CreateFile(p)
	if err != nil {
		t.Fatal(err)
	}
	for i := 0; i < 40; i++ {
		if _, err := w.CreateDataset(fmt.Sprintf("layers/d%02d/vars/0", i), Int32, []int{1}, []int32{int32(i)}); err != nil {
			t.Fatal(err)
		}
	}
	if err := w.Close(); err != nil {
		t.Fatal(err)
	}
	out, err := exec.Command(python, "testdata/h5py_dump.py", p).Output()
	if err != nil {
		t.Fatalf("h5py could not read the file: %v\n%s", err, stderrOf(err))
	}
	var dump h5pyDump
	if err := json.Unmarshal(out, &dump); err != nil {
		t.Fatal(err)
	}
	if len(dump.Datasets) != 40 {
		t.Fatalf("h5py sees %d datasets, want 40", len(dump.Datasets))
	}
	for i := 0; i < 40; i++ {
		d := dump.Datasets[fmt.Sprintf("/layers/d%02d/vars/0", i)]
		if got := asStrings(t, d.Values); !reflect.DeepEqual(got, []string{strconv.Itoa(i)}) {
			t.Errorf("d%02d = %v, want [%d]", i, got, i)
		}
	}
}

// TestKerasLoadsWriterOutput writes a weights file the way Keras 3 lays out
// model.weights.h5 and has real Keras load it into the model of
// testdata/keras_real.py. Keras 3 is not packaged for Debian; set
// KERAS_PYTHONPATH to a source setup (/work/shared/formats/keras/setup_keras.sh)
// to run it.
func TestKerasLoadsWriterOutput(t *testing.T) {
	pp := os.Getenv("KERAS_PYTHONPATH")
	if pp == "" {
		t.Skip("skipping: set KERAS_PYTHONPATH to a Keras 3 source setup to run it")
	}
	p := filepath.Join(t.TempDir(), "go.weights.h5")
	w, err := CreateFile(p)
	if err != nil {
		t.Fatal(err)
	}
	want := map[string][]float32{}
	for _, l := range []struct {
		name      string
		nIn, nOut int
	}{{"dense", 4, 3}, {"dense_1", 3, 2}} {
		g, err := w.Group("layers/" + l.name + "/vars")
		if err != nil {
			t.Fatal(err)
		}
		g.SetAttr("name", l.name)
		// Negated, so that a file Keras ignored cannot pass.
		kernel, bias := denseWeights(l.nIn, l.nOut)
		for i := range kernel {
			kernel[i] = -kernel[i]
		}
		for i := range bias {
			bias[i] = -bias[i]
		}
		if _, err := g.CreateDataset("0", Float32, []int{l.nIn, l.nOut}, kernel); err != nil {
			t.Fatal(err)
		}
		if _, err := g.CreateDataset("1", Float32, []int{l.nOut}, bias); err != nil {
			t.Fatal(err)
		}
		want["sequential/"+l.name+"/kernel"], want["sequential/"+l.name+"/bias"] = kernel, bias
	}
	v, _ := w.Group("vars")
	v.SetAttr("name", "sequential")
	if err := w.Close(); err != nil {
		t.Fatal(err)
	}
	cmd := exec.Command(python, "testdata/keras_real.py", p)
	cmd.Env = append(os.Environ(), "KERAS_BACKEND=numpy", "PYTHONPATH="+pp)
	out, err := cmd.Output()
	if err != nil {
		t.Fatalf("Keras could not load the file: %v\n%s", err, stderrOf(err))
	}
	var got map[string]h5pyValue
	if err := json.Unmarshal(out[bytes.LastIndexByte(bytes.TrimSpace(out), '\n')+1:], &got); err != nil {
		t.Fatalf("%v\n%s", err, out)
	}
	if len(got) != len(want) {
		t.Errorf("Keras reports %d weights, want %d", len(got), len(want))
	}
	for path, w := range want {
		vals := make([]string, len(w))
		for i, x := range w {
			vals[i] = fmt.Sprint(float64(x))
		}
		if g := asStrings(t, got[path].Values); !reflect.DeepEqual(g, vals) {
			t.Errorf("Keras loaded %s = %v, want %v", path, g, vals)
		}
	}
}
