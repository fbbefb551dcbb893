package keras_test

import (
	"bytes"
	"math"
	"strconv"
	"strings"
	"testing"

	"github.com/tensorgo/tensorgo/keras"
	"github.com/tensorgo/tensorgo/keras/layers"
	"github.com/tensorgo/tensorgo/tensor"
)

func TestWriteWeightsTextLayout(t *testing.T) {
	m := keras.NewSequential(layers.Dense(3, layers.InputShape(2)))
	k := tensor.FromSlice([]float32{0.1, -0.25, 1.5, 2, 0, math.Nextafter32(-3, -4)}, 2, 3)
	if err := m.SetWeights([]*tensor.Tensor{k, tensor.FromSlice([]float32{1e-8, 0, 3}, 3)}); err != nil {
		t.Fatal(err)
	}
	var b bytes.Buffer
	if err := m.WriteWeightsText(&b); err != nil {
		t.Fatal(err)
	}
	// -3.0000002 is the float32 just below -3, written as its shortest
	// exact decimal, as NumPy prints a float32.
	want := "dense/kernel\n(2, 3)\n[[0.1 -0.25 1.5]\n [2 0 -3.0000002]]\ndense/bias\n(3,)\n[1e-08 0 3]\n"
	if b.String() != want {
		t.Fatalf("got\n%s\nwant\n%s", b.String(), want)
	}
}

// The text holds every value of every trainable weight, exactly: parsed
// back, it gives the weights' bits; frozen weights are left out.
func TestWriteWeightsTextIsComplete(t *testing.T) {
	m := mnistMLP()
	m.Layers()[1].LayerBase().SetTrainable(false)
	var b bytes.Buffer
	if err := m.WriteWeightsText(&b); err != nil {
		t.Fatal(err)
	}
	lines := strings.Split(b.String(), "\n")
	text := b.String()
	if strings.Contains(text, "...") {
		t.Fatal("the text is summarised")
	}
	var trainable []keras.NamedVariable
	for _, nv := range m.NamedVariables() {
		if nv.Trainable {
			trainable = append(trainable, nv)
		}
	}
	if len(trainable) != 2 || trainable[0].Key != "dense_1/kernel" {
		t.Fatalf("trainable weights %v", trainable)
	}
	i := 0
	for n, nv := range trainable {
		if want := []string{"dense_1/kernel\n(128, 10)", "dense_1/bias\n(10,)"}[n]; lines[i]+"\n"+lines[i+1] != want {
			t.Fatalf("header %q %q, want %q", lines[i], lines[i+1], want)
		}
		i += 2
		var vals []float32
		for len(vals) < nv.Variable.Value().Size() {
			for _, f := range strings.Fields(strings.Trim(lines[i], "[] ")) {
				v, err := strconv.ParseFloat(f, 32)
				if err != nil {
					t.Fatal(err)
				}
				vals = append(vals, float32(v))
			}
			i++
		}
		for j, v := range nv.Variable.Value().Float32s() {
			if math.Float32bits(v) != math.Float32bits(vals[j]) {
				t.Fatalf("%s[%d]: text %v, weight %v", nv.Key, j, vals[j], v)
			}
		}
	}
}
