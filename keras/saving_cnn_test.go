package keras_test

import (
	"encoding/json"
	"os"
	"path/filepath"
	"testing"

	"github.com/tensorgo/tensorgo/keras"
	"github.com/tensorgo/tensorgo/keras/layers"
)

// TestLoadKerasWrittenCNN loads a small MNIST CNN real Keras 3 wrote
// (testdata/keras3/make_cnn_file.py: Conv2D, BatchNormalization,
// Activation, MaxPooling2D, Dropout, Flatten, Dense) and compares the
// predictions with Keras's; then it saves the model again and loads it
// back. It fails, naming them, if the convolution layers' serializers are
// not registered.
func TestLoadKerasWrittenCNN(t *testing.T) {
	var missing []string
	for _, cls := range []string{"Conv2D", "BatchNormalization", "MaxPooling2D"} {
		if _, ok := layers.SerializerOf(cls); !ok {
			missing = append(missing, cls)
		}
	}
	if missing != nil {
		t.Fatalf("no layers.Serializer registered for %v", missing)
	}
	b, err := os.ReadFile(filepath.Join("testdata", "keras3", "cnn_expected.json"))
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
	m, err := keras.LoadModel(filepath.Join("testdata", "keras3", "cnn.keras"))
	if err != nil {
		t.Fatal(err)
	}
	x := floatTensor(e.XShape, e.X)
	y, err := m.Predict(x, keras.Verbose(0))
	if err != nil {
		t.Fatal(err)
	}
	if d := maxDiff(t, y, e.Y); d > 1e-5 {
		t.Errorf("predictions differ from Keras's by %g", d)
	}
	path := filepath.Join(t.TempDir(), "cnn.keras")
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
	sameValues(t, "predictions after a tensorgo round trip", y, y2)
}
