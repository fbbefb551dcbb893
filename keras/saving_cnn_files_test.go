package keras_test

import (
	"bytes"
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/tensorgo/tensorgo/keras"
	"github.com/tensorgo/tensorgo/tensor"
)

// checkKerasWrittenFile loads testdata/keras3/<name>.keras, a file real
// Keras 3 wrote (by make_<name>_file.py), predicts the inputs of
// <name>_expected.json and compares with Keras's predictions there; then
// it saves the model again, loads it back and checks the predictions are
// bit for bit the same. It returns the loaded model.
func checkKerasWrittenFile(t *testing.T, name string) *keras.Model {
	t.Helper()
	b, err := os.ReadFile(filepath.Join("testdata", "keras3", name+"_expected.json"))
	if err != nil {
		t.Fatal(err)
	}
	var e struct {
		XShape []int     `json:"x_shape"`
		X      []float64 `json:"x"`
		Y      []float64 `json:"y"`
	}
	if err := json.Unmarshal(b, &e); err != nil {
		t.Fatal(err)
	}
	keras.ClearSession()
	m, err := keras.LoadModel(filepath.Join("testdata", "keras3", name+".keras"))
	if err != nil {
		t.Fatal(err)
	}
	x := floatTensor(e.XShape, e.X)
	y, err := m.Predict(x, keras.Verbose(0))
	if err != nil {
		t.Fatal(err)
	}
	if d := maxDiff(t, y, e.Y); d > 1e-5 {
		t.Errorf("%s: predictions differ from Keras's by %g", name, d)
	}
	path := filepath.Join(t.TempDir(), name+".keras")
	if err := keras.SaveModel(m, path); err != nil {
		t.Fatal(err)
	}
	m2, err := keras.LoadModel(path)
	if err != nil {
		t.Fatal(err)
	}
	y2, err := m2.Predict(x, keras.Verbose(0))
	if err != nil {
		t.Fatal(err)
	}
	sameValues(t, name+": predictions after a tensorgo round trip", y, y2)
	return m
}

// TestLoadKerasWrittenResidual loads a functional CNN real Keras 3 wrote
// with BatchNormalization (with and without center, other momentum and
// epsilon), a residual Add, Rescaling, MaxPooling2D and
// GlobalAveragePooling2D, and predicts what Keras predicted.
func TestLoadKerasWrittenResidual(t *testing.T) {
	m := checkKerasWrittenFile(t, "residual")
	// Keras's model: the input, Rescaling, 3 Conv2D, 3 BatchNormalization,
	// 3 Activation, Add, MaxPooling2D, GlobalAveragePooling2D and Dense;
	// tensorgo's Layers leaves the input out.
	count := map[string]int{}
	for _, l := range m.Layers() {
		count[l.LayerBase().ClassName()]++
	}
	want := map[string]int{"Rescaling": 1, "Conv2D": 3, "BatchNormalization": 3, "Activation": 3, "Add": 1,
		"MaxPooling2D": 1, "GlobalAveragePooling2D": 1, "Dense": 1}
	for c, n := range want {
		if count[c] != n {
			t.Errorf("loaded %d %s layers, want %d (all: %v)", count[c], c, n, count)
		}
	}
}

// TestLoadKerasWrittenCNNLayers loads a two-input functional model real
// Keras 3 wrote (make_cnn_layers_file.py) with the other image and
// sequence layers — ZeroPadding2D, Cropping2D, DepthwiseConv2D,
// SeparableConv2D, Conv2DTranspose, AveragePooling2D, SpatialDropout2D,
// UpSampling2D, GlobalMaxPooling2D, the merge layers, causal Conv1D, the
// 1-D poolings and LayerNormalization — and predicts what Keras predicted.
func TestLoadKerasWrittenCNNLayers(t *testing.T) {
	b, err := os.ReadFile(filepath.Join("testdata", "keras3", "cnn_layers_expected.json"))
	if err != nil {
		t.Fatal(err)
	}
	var e struct {
		XShapes [][]int     `json:"x_shapes"`
		Xs      [][]float64 `json:"xs"`
		Y       []float64   `json:"y"`
	}
	if err := json.Unmarshal(b, &e); err != nil {
		t.Fatal(err)
	}
	keras.ClearSession()
	m, err := keras.LoadModel(filepath.Join("testdata", "keras3", "cnn_layers.keras"))
	if err != nil {
		t.Fatal(err)
	}
	xs := []*tensor.Tensor{floatTensor(e.XShapes[0], e.Xs[0]), floatTensor(e.XShapes[1], e.Xs[1])}
	y, err := m.Predict(xs, keras.Verbose(0))
	if err != nil {
		t.Fatal(err)
	}
	if d := maxDiff(t, y, e.Y); d > 1e-5 {
		t.Errorf("predictions differ from Keras's by %g", d)
	}
	path := filepath.Join(t.TempDir(), "cnn_layers.keras")
	if err := keras.SaveModel(m, path); err != nil {
		t.Fatal(err)
	}
	m2, err := keras.LoadModel(path)
	if err != nil {
		t.Fatal(err)
	}
	y2, err := m2.Predict(xs, keras.Verbose(0))
	if err != nil {
		t.Fatal(err)
	}
	sameValues(t, "predictions after a tensorgo round trip", y, y2)
	seen := map[string]bool{}
	for _, l := range m.Layers() {
		seen[l.LayerBase().ClassName()] = true
	}
	for _, c := range []string{"ZeroPadding2D", "Cropping2D", "DepthwiseConv2D", "SeparableConv2D", "Conv2DTranspose",
		"AveragePooling2D", "SpatialDropout2D", "UpSampling2D", "GlobalMaxPooling2D", "Subtract", "Multiply", "Average",
		"Maximum", "Minimum", "Concatenate", "Conv1D", "MaxPooling1D", "AveragePooling1D", "GlobalAveragePooling1D",
		"GlobalMaxPooling1D", "LayerNormalization"} {
		if !seen[c] {
			t.Errorf("the loaded model has no %s layer", c)
		}
	}
}

// TestCorruptCNNFiles: a Keras CNN file whose config disagrees with its
// weights, or asks for something tensorgo cannot do, is an error naming
// the layer, not a panic or a huge allocation.
func TestCorruptCNNFiles(t *testing.T) {
	real, err := os.ReadFile(filepath.Join("testdata", "keras3", "cnn.keras"))
	if err != nil {
		t.Fatal(err)
	}
	replace := func(old, new string) []byte {
		return rezip(t, real, func(name string, data []byte) []byte {
			if name == "config.json" {
				return bytes.Replace(data, []byte(old), []byte(new), 1)
			}
			return data
		})
	}
	for _, c := range []struct {
		name string
		file []byte
		want string
	}{
		{"huge filters", replace(`"filters": 4`, `"filters": 1000000`), "conv2d (Conv2D) of config.json has a variable 0 of shape [3 3 1 1000000]"},
		{"other kernel", replace(`"kernel_size": [3, 3]`, `"kernel_size": [5, 3]`), "has a variable 0 of shape [5 3 1 4]"},
		{"BN without center", replace(`"center": true`, `"center": false`), "batch_normalization (BatchNormalization) of config.json has 3 variables"},
		{"channels first", replace(`"data_format": "channels_last"`, `"data_format": "channels_first"`), "channels_last only"},
		{"pool too big", replace(`"pool_size": [2, 2]`, `"pool_size": [20, 2]`), "max_pooling2d"},
	} {
		_, err := keras.DecodeModelFile(bytes.NewReader(c.file), int64(len(c.file)))
		if err == nil || !strings.Contains(err.Error(), c.want) {
			t.Errorf("%s: %v, want an error containing %q", c.name, err, c.want)
		}
	}
}
