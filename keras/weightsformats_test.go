package keras_test

import (
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"testing"

	"github.com/tensorgo/tensorgo/keras"
	"github.com/tensorgo/tensorgo/keras/layers"
	"github.com/tensorgo/tensorgo/tensor"
)

func smallMLP() *keras.Model {
	tensor.SetSeed(5)
	return keras.NewSequential(layers.Dense(4, layers.InputShape(3), layers.Activation("relu")), layers.Dense(2))
}

// Weights round-trip through safetensors and .npz files keyed by the stable
// variable keys.
func TestWeightsForOtherTools(t *testing.T) {
	for _, ext := range []string{".safetensors", ".npz"} {
		m := smallMLP()
		path := filepath.Join(t.TempDir(), "w"+ext)
		if err := m.SaveWeights(path); err != nil {
			t.Fatal(err)
		}
		want := m.GetWeights()
		m2 := keras.NewSequential(layers.Dense(4, layers.InputShape(3), layers.Activation("relu")), layers.Dense(2))
		if err := m2.LoadWeights(path); err != nil {
			t.Fatalf("%s: %v", ext, err)
		}
		for i, w := range m2.GetWeights() {
			if w.String() != want[i].String() {
				t.Fatalf("%s: weight %d differs after the round trip", ext, i)
			}
		}
	}
}

// NumPy reads the .npz weights with every value (where Debian's
// python3-numpy is installed).
func TestNPZWeightsLoadInNumPy(t *testing.T) {
	if exec.Command("/usr/bin/python3", "-c", "import numpy").Run() != nil {
		t.Skip("SKIPPED: python3-numpy is not installed; numpy.load was not run")
	}
	m := smallMLP()
	path := filepath.Join(t.TempDir(), "w.npz")
	if err := m.SaveWeights(path); err != nil {
		t.Fatal(err)
	}
	// NumPy prints each array's key, dtype, shape and every value with
	// enough digits to read back as the same float32.
	out, err := exec.Command("/usr/bin/python3", "-c", `import numpy, sys
z = numpy.load(sys.argv[1])
for k in sorted(z.files):
    a = z[k]
    print(k, a.dtype, "x".join(map(str, a.shape)), " ".join("%.9g" % v for v in a.ravel()))`, path).CombinedOutput()
	if err != nil {
		t.Fatalf("numpy.load: %v\n%s", err, out)
	}
	seen := map[string]string{}
	for _, l := range strings.Split(strings.TrimSpace(string(out)), "\n") {
		f := strings.SplitN(l, " ", 4)
		if len(f) == 4 {
			seen[f[0]] = f[1] + " " + f[2] + " " + f[3]
		}
	}
	nv := m.NamedVariables()
	if len(seen) != len(nv) {
		t.Fatalf("numpy sees %d arrays, the model has %d:\n%s", len(seen), len(nv), out)
	}
	for _, v := range nv {
		got, ok := seen[v.Key]
		if !ok {
			t.Fatalf("numpy has no array %q:\n%s", v.Key, out)
		}
		f := strings.Fields(got)
		shape := strings.Trim(strings.ReplaceAll(v.Variable.Shape().String(), ", ", "x"), "(),")
		if f[0] != "float32" || f[1] != shape {
			t.Fatalf("%s: numpy sees %s %s, want float32 %s", v.Key, f[0], f[1], shape)
		}
		for i, want := range v.Variable.Value().Float32s() {
			x, err := strconv.ParseFloat(f[2+i], 64)
			if err != nil || float32(x) != want {
				t.Fatalf("%s[%d]: numpy reads %s, tensorgo has %v", v.Key, i, f[2+i], want)
			}
		}
	}
}
