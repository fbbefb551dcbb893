package keras_test

import (
	"encoding/json"
	"math"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"

	"github.com/tensorgo/tensorgo/checkpoint"
	"github.com/tensorgo/tensorgo/keras"
	"github.com/tensorgo/tensorgo/keras/layers"
	"github.com/tensorgo/tensorgo/tensor"
)

func TestSaveLoadWeightsRoundTrip(t *testing.T) {
	path := filepath.Join(t.TempDir(), "w"+keras.WeightsExt)
	a := mnistMLP()
	if err := a.SaveWeights(path); err != nil {
		t.Fatal(err)
	}
	// The file holds every weight under its stable key, checked
	// independently of LoadWeights.
	s, err := checkpoint.Read(path)
	if err != nil {
		t.Fatal(err)
	}
	for _, nv := range a.NamedVariables() {
		got := s.Tensors[nv.Key]
		if got == nil || bitsOf(got) != bitsOf(nv.Variable.Value()) {
			t.Fatalf("%s: saved %v, want %v", nv.Key, got, nv.Variable.Value())
		}
	}
	if len(s.Tensors) != 4 {
		t.Fatalf("%d tensors saved, want the MLP's 4", len(s.Tensors))
	}
	b := mnistMLP() // other random initial weights
	if err := b.LoadWeights(path); err != nil {
		t.Fatal(err)
	}
	sameWeights(t, b.GetWeights(), a.GetWeights(), "loaded")
}

// bitsOf returns a float32 tensor's bits as a string, to compare exactly.
func bitsOf(t *tensor.Tensor) string {
	var b strings.Builder
	for _, v := range t.Float32s() {
		u := math.Float32bits(v)
		b.WriteString(string([]byte{byte(u), byte(u >> 8), byte(u >> 16), byte(u >> 24)}))
	}
	return b.String()
}

// LoadWeights names what is missing, extra and mismatched, and changes
// nothing.
func TestLoadWeightsChecksEverythingFirst(t *testing.T) {
	path := filepath.Join(t.TempDir(), "w"+keras.WeightsExt)
	small := keras.NewSequential(layers.Dense(4, layers.InputShape(3)), layers.Dense(2))
	if err := small.SaveWeights(path); err != nil {
		t.Fatal(err)
	}
	other := keras.NewSequential(layers.Dense(4, layers.InputShape(3)), layers.Dense(5), layers.Dense(2, layers.Name("head")))
	before := other.GetWeights()
	err := other.LoadWeights(path)
	if err == nil {
		t.Fatal("mismatched weights were loaded")
	}
	for _, want := range []string{"missing from the file: head/kernel, head/bias",
		"mismatched: dense_1/kernel: the file has float32 (4, 2), the model float32 (4, 5); dense_1/bias: the file has float32 (2,), the model float32 (5,)"} {
		if !strings.Contains(err.Error(), want) {
			t.Errorf("error %q\nlacks %q", err, want)
		}
	}
	sameWeights(t, other.GetWeights(), before, "after a refused load")
	// Extra keys.
	tiny := keras.NewSequential(layers.Dense(4, layers.InputShape(3)))
	if err := tiny.LoadWeights(path); err == nil || !strings.Contains(err.Error(), "in the file but not the model: dense_1/bias, dense_1/kernel") {
		t.Fatalf("extra weights: %v", err)
	}
	// A dtype mismatch.
	s, _ := checkpoint.Read(path)
	s.Tensors["dense/bias"] = tensor.New(tensor.Float64, 4)
	checkpoint.Write(path, s)
	if err := small.LoadWeights(path); err == nil || !strings.Contains(err.Error(), "dense/bias: the file has float64 (4,), the model float32 (4,)") {
		t.Fatalf("dtype mismatch: %v", err)
	}
}

var (
	registerTestFormat sync.Once
	saved              map[string]*tensor.Tensor // by the ".test.bin" format
)

func TestWeightsFileEndings(t *testing.T) {
	m := keras.NewSequential(layers.Dense(2, layers.InputShape(3)))
	dir := t.TempDir()
	for _, name := range []string{"w.ckpt", "w", "model.weights.h6"} {
		err := m.SaveWeights(filepath.Join(dir, name))
		if err == nil || !strings.Contains(err.Error(), "the supported ones are ") || !strings.Contains(err.Error(), ".tgckpt") || !strings.Contains(err.Error(), ".weights.h5") {
			t.Errorf("SaveWeights(%q): %v, want an error naming the supported endings", name, err)
		}
		if err := m.LoadWeights(filepath.Join(dir, name)); err == nil || !strings.Contains(err.Error(), ".tgckpt") {
			t.Errorf("LoadWeights(%q): %v", name, err)
		}
	}
	if _, err := os.ReadDir(dir); err != nil {
		t.Fatal(err)
	}
	if ents, _ := os.ReadDir(dir); len(ents) != 0 {
		t.Fatalf("a refused save wrote %v", ents)
	}
	// ".weights.h5" is Keras 3's weights file.
	h5 := filepath.Join(dir, "model.weights.h5")
	if err := m.SaveWeights(h5); err != nil {
		t.Fatal(err)
	}
	before := m.GetWeights()[0].Clone()
	m.SetWeights([]*tensor.Tensor{tensor.Zeros(tensor.Float32, 3, 2), tensor.Zeros(tensor.Float32, 2)})
	if err := m.LoadWeights(h5); err != nil || m.GetWeights()[0].String() != before.String() {
		t.Fatalf("LoadWeights(.weights.h5): %v; kernel %v, saved %v", err, m.GetWeights()[0], before)
	}
	os.Remove(h5)
	// A registered format is picked by its ending, the longest first.
	registerTestFormat.Do(func() {
		keras.RegisterWeightsFormat(".test.bin", keras.WeightsFormat{
			Save: func(_ string, w map[string]*tensor.Tensor) error { saved = w; return nil },
			Load: func(string) (map[string]*tensor.Tensor, error) { return saved, nil },
		})
	})
	if err := m.SaveWeights(filepath.Join(dir, "a.test.bin")); err != nil || len(saved) != 2 || saved["dense/kernel"] == nil {
		t.Fatalf("a registered format: %v, saved %v", err, saved)
	}
	if err := m.LoadWeights(filepath.Join(dir, "a.test.bin")); err != nil {
		t.Fatal(err)
	}
	// A damaged file is an error naming it, from LoadWeights too.
	p := filepath.Join(dir, "w"+keras.WeightsExt)
	m.SaveWeights(p)
	b, _ := os.ReadFile(p)
	b[len(b)/2] ^= 0xff
	os.WriteFile(p, b, 0o644)
	if err := m.LoadWeights(p); err == nil || !strings.Contains(err.Error(), p) || !strings.Contains(err.Error(), "damaged") {
		t.Fatalf("a damaged file: %v", err)
	}
}

func TestWeightsOfAnUnbuiltModel(t *testing.T) {
	m := keras.NewSequential(layers.Dense(2))
	if err := m.SaveWeights(filepath.Join(t.TempDir(), "w"+keras.WeightsExt)); err == nil || !strings.Contains(err.Error(), "not built") {
		t.Fatalf("SaveWeights of an unbuilt model: %v", err)
	}
}

// LoadWeights takes the weights of a training backup, leaving its
// optimizer, data and callback state aside.
func TestLoadWeightsFromABackup(t *testing.T) {
	dir := t.TempDir()
	run, err := runWithBackup(t, dir, 10, nil)
	if err == nil {
		t.Fatal("the run was not stopped")
	}
	latest, _ := checkpoint.LatestCheckpoint(dir)
	s, err := checkpoint.Read(latest)
	if err != nil {
		t.Fatal(err)
	}
	if s.Tensors["optimizer/dense/kernel/momentum"] == nil || s.Tensors["optimizer/iterations"] == nil || s.Tensors["data/permutation"] == nil {
		t.Fatalf("the backup lacks optimizer or data state: %v", keys(s.Tensors))
	}
	if it := s.Tensors["optimizer/iterations"].Int64s()[0]; it != 9 { // saved every 3 batches: after 9
		t.Fatalf("the backup after 10 batches has %d iterations, want 9", it)
	}
	m := resumeModel(t, nil)
	if err := m.LoadWeights(latest); err != nil {
		t.Fatal(err)
	}
	w := m.GetWeights()
	if bitsOf(w[0]) == bitsOf(run.weights[0]) {
		t.Fatal("the weights after 9 batches equal those after 10")
	}
	if bitsOf(w[0]) != bitsOf(s.Tensors["dense/kernel"]) {
		t.Fatal("LoadWeights did not load the backup's kernel")
	}
}

func keys[V any](m map[string]V) []string {
	var out []string
	for k := range m {
		out = append(out, k)
	}
	return out
}

func TestJSONFloatExact(t *testing.T) {
	for _, v := range []float64{0, -0.5, 0.1, 1.0 / 3, math.MaxFloat64, math.SmallestNonzeroFloat64, math.Inf(1), math.Inf(-1), math.NaN()} {
		b, err := json.Marshal(keras.JSONFloat(v))
		if err != nil {
			t.Fatal(err)
		}
		var got keras.JSONFloat
		if err := json.Unmarshal(b, &got); err != nil {
			t.Fatal(err)
		}
		if math.Float64bits(float64(got)) != math.Float64bits(v) && !(math.IsNaN(v) && math.IsNaN(float64(got))) {
			t.Fatalf("%v -> %s -> %v", v, b, got)
		}
	}
	var f keras.JSONFloat
	if err := json.Unmarshal([]byte(`"inf"`), &f); err == nil {
		t.Fatal(`"inf" was accepted`)
	}
}
