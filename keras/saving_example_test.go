package keras_test

import (
	"fmt"
	"os"
	"path/filepath"

	"github.com/tensorgo/tensorgo/keras"
	"github.com/tensorgo/tensorgo/keras/layers"
)

// A model saved with SaveModel is a Keras 3 .keras file: Keras's
// keras.saving.load_model reads it, and so does LoadModel.
func ExampleSaveModel() {
	keras.ClearSession()
	m := keras.NewSequential(
		layers.Flatten(layers.InputShape(28, 28)),
		layers.Dense(128, layers.Activation("relu")),
		layers.Dropout(0.2),
		layers.Dense(10, layers.Activation("softmax")),
	)
	if err := m.Compile("adam", "sparse_categorical_crossentropy", keras.Metrics("accuracy")); err != nil {
		fmt.Println(err)
		return
	}
	dir, _ := os.MkdirTemp("", "example")
	defer os.RemoveAll(dir)
	path := filepath.Join(dir, "mnist_mlp.keras")
	if err := keras.SaveModel(m, path, keras.WithClassNames("0", "1", "2", "3", "4", "5", "6", "7", "8", "9")); err != nil {
		fmt.Println(err)
		return
	}
	mf, err := keras.ReadModelFile(path)
	if err != nil {
		fmt.Println(err)
		return
	}
	for _, l := range mf.Model.Layers() {
		fmt.Println(l.LayerBase().Name(), l.LayerBase().ClassName(), l.LayerBase().CountParams())
	}
	fmt.Println(mf.Model.Optimizer().Name(), len(mf.ClassNames), "classes")
	// Output:
	// flatten Flatten 0
	// dense Dense 100480
	// dropout Dropout 0
	// dense_1 Dense 1290
	// Adam 10 classes
}
