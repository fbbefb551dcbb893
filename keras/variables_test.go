package keras_test

import (
	"bytes"
	"encoding/json"
	"fmt"
	"os"
	"os/exec"
	"reflect"
	"strings"
	"testing"

	"github.com/tensorgo/tensorgo/keras"
	"github.com/tensorgo/tensorgo/keras/layers"
	"github.com/tensorgo/tensorgo/tensor"
	"github.com/tensorgo/tensorgo/tf"
)

// resnetBlock is a user's layer with sublayers: two Dense and a skip
// connection.
type resnetBlock struct {
	layers.Base
	d1, d2 *layers.DenseLayer
	add    *layers.AddLayer
}

func newResnetBlock(units int) *resnetBlock {
	b := &resnetBlock{d1: layers.Dense(units, layers.Activation("relu")), d2: layers.Dense(units), add: layers.Add()}
	b.Init(b, "ResnetBlock")
	return b
}

func (b *resnetBlock) Build(tensor.Shape) {}

func (b *resnetBlock) Call(x *tf.Tensor, training bool) *tf.Tensor {
	return b.add.Apply(x, b.d2.Apply(b.d1.Apply(x)))
}

func (b *resnetBlock) ComputeOutputShape(in tensor.Shape) tensor.Shape { return in }

// keyModel is a subclassed model using a block.
type keyModel struct {
	*keras.Model
	in    *layers.DenseLayer
	block *resnetBlock
	out   *layers.DenseLayer
}

func newKeyModel() *keyModel {
	m := &keyModel{in: layers.Dense(4), block: newResnetBlock(4), out: layers.Dense(2, layers.Name("logits"))}
	m.Model = keras.NewSubclassed(m, 3)
	return m
}

func (m *keyModel) Call(x *tf.Tensor, training bool) *tf.Tensor {
	return m.out.Apply(m.block.Apply(m.in.Apply(x)))
}

// keyModels builds one model of each kind and returns their variables'
// keys, and the display name of each model's first layer.
func keyModels(t testing.TB) (keys [][]string, firstNames []string) {
	seq := keras.NewSequential(
		layers.Flatten(layers.InputShape(2, 3)),
		layers.Dense(8, layers.Activation("relu")),
		layers.Dropout(0.2),
		newResnetBlock(8),
		layers.Dense(8, layers.Name("dense_1")), // a user's name taken as its key
		layers.Dense(3),
	)
	x := keras.Input(3)
	h := layers.Dense(4).Apply(x)
	h = newResnetBlock(4).Apply(h)
	fn := keras.NewModel(x, layers.Dense(2).Apply(h))
	sub := newKeyModel()
	// Models in a model: a subclassed one and a named functional one, and
	// a Dense of the outer model between them.
	x2 := keras.Input(4)
	named := keras.NewModel(x2, layers.Dense(4).Apply(x2), keras.ModelName("encoder"))
	nest := &nestModel{a: newKeyModel(), mid: layers.Dense(4), b: named}
	nest.Model = keras.NewSubclassed(nest, 3)
	for _, m := range []*keras.Model{seq, fn, sub.Model, nest.Model} {
		var ks []string
		for _, v := range m.NamedVariables() {
			ks = append(ks, v.Key)
		}
		keys = append(keys, ks)
		firstNames = append(firstNames, m.Layers()[0].LayerBase().Name())
	}
	return keys, firstNames
}

// The keys of keyModels, as computed by hand from the scheme in the
// keras/layers documentation.
var wantKeys = [][]string{
	{"dense/kernel", "dense/bias",
		"resnet_block/dense/kernel", "resnet_block/dense/bias", "resnet_block/dense_1/kernel", "resnet_block/dense_1/bias",
		"dense_1/kernel", "dense_1/bias", // the named layer
		"dense_2/kernel", "dense_2/bias"}, // the last automatic Dense steps around it
	{"dense/kernel", "dense/bias",
		"resnet_block/dense/kernel", "resnet_block/dense/bias", "resnet_block/dense_1/kernel", "resnet_block/dense_1/bias",
		"dense_1/kernel", "dense_1/bias"},
	{"dense/kernel", "dense/bias",
		"resnet_block/dense/kernel", "resnet_block/dense/bias", "resnet_block/dense_1/kernel", "resnet_block/dense_1/bias",
		"logits/kernel", "logits/bias"},
	{"key_model/dense/kernel", "key_model/dense/bias",
		"key_model/resnet_block/dense/kernel", "key_model/resnet_block/dense/bias",
		"key_model/resnet_block/dense_1/kernel", "key_model/resnet_block/dense_1/bias",
		"key_model/logits/kernel", "key_model/logits/bias",
		"dense/kernel", "dense/bias",
		"encoder/dense/kernel", "encoder/dense/bias"},
}

// nestModel calls two models and a layer of its own.
type nestModel struct {
	*keras.Model
	a   *keyModel
	mid *layers.DenseLayer
	b   *keras.Model
}

func (m *nestModel) Call(x *tf.Tensor, training bool) *tf.Tensor {
	return m.b.Apply(m.mid.Apply(m.a.Apply(x)))
}

const keysChildEnv = "TENSORGO_TEST_KEYS_CHILD"

// TestNamedVariablesChild prints keyModels' keys when run as the child
// process of TestNamedVariablesStable.
func TestNamedVariablesChild(t *testing.T) {
	if os.Getenv(keysChildEnv) != "1" {
		t.Skip("runs as a child of TestNamedVariablesStable")
	}
	keys, _ := keyModels(t)
	b, err := json.Marshal(keys)
	if err != nil {
		t.Fatal(err)
	}
	os.Stdout.Write(append(append([]byte("KEYS "), b...), '\n'))
}

func TestNamedVariablesStable(t *testing.T) {
	keras.ClearSession()
	first, names1 := keyModels(t)
	// Other models first: the process-wide counters move on.
	mnistMLP()
	keyModels(t)
	second, names2 := keyModels(t)
	if names1[0] == names2[0] {
		t.Fatalf("display names did not change (%v, %v): the test shows nothing", names1, names2)
	}
	if !reflect.DeepEqual(first, wantKeys) {
		t.Errorf("keys\n got %q\nwant %q", first, wantKeys)
	}
	if !reflect.DeepEqual(second, first) {
		t.Errorf("keys after other models\n got %q\nwant %q", second, first)
	}
	for i, ks := range first {
		seen := map[string]bool{}
		for _, k := range ks {
			if seen[k] {
				t.Errorf("model %d: key %q twice", i, k)
			}
			seen[k] = true
		}
	}

	// A fresh process gets the same keys.
	cmd := exec.Command(os.Args[0], "-test.run", "^TestNamedVariablesChild$", "-test.count=1")
	cmd.Env = append(os.Environ(), keysChildEnv+"=1")
	var out bytes.Buffer
	cmd.Stdout = &out
	cmd.Stderr = &out
	if err := cmd.Run(); err != nil {
		t.Fatalf("child: %v\n%s", err, out.String())
	}
	var child [][]string
	for _, line := range strings.Split(out.String(), "\n") {
		if rest, ok := strings.CutPrefix(line, "KEYS "); ok {
			if err := json.Unmarshal([]byte(rest), &child); err != nil {
				t.Fatal(err)
			}
		}
	}
	if !reflect.DeepEqual(child, first) {
		t.Errorf("keys in a child process\n got %q\nwant %q\n%s", child, first, out.String())
	}
}

// NamedVariables covers every weight once and reports trainability.
func TestNamedVariablesCoverWeights(t *testing.T) {
	m := newKeyModel()
	m.out.SetTrainable(false)
	nv := m.NamedVariables()
	if len(nv) != len(m.Weights()) {
		t.Fatalf("%d named variables, %d weights", len(nv), len(m.Weights()))
	}
	byVar := map[*tf.Variable]keras.NamedVariable{}
	for _, v := range nv {
		byVar[v.Variable] = v
	}
	for _, w := range m.Weights() {
		if _, ok := byVar[w]; !ok {
			t.Errorf("weight %s has no key", w.Name())
		}
	}
	if v := byVar[m.in.Kernel]; v.Key != "dense/kernel" || !v.Trainable {
		t.Errorf("first kernel: %+v", v)
	}
	if v := byVar[m.out.Kernel]; v.Key != "logits/kernel" || v.Trainable {
		t.Errorf("logits kernel: %+v", v)
	}
}

// outerModel is a subclassed model calling another model in its Call.
type outerModel struct {
	*keras.Model
	inner *keras.Model
	head  *layers.DenseLayer
}

func (m *outerModel) Call(x *tf.Tensor, training bool) *tf.Tensor {
	return m.head.Apply(m.inner.Apply(x))
}

// A model called inside a subclassed model's Call is part of it: its
// weights are the outer model's, keyed under the inner model's key, and Fit
// trains them. (Before, the outer model did not see them at all.)
func TestSubclassedModelCallingAModel(t *testing.T) {
	inner := keras.NewSequential(layers.Dense(4, layers.InputShape(4), layers.Activation("relu")))
	m := &outerModel{inner: inner, head: layers.Dense(3, layers.Activation("softmax"))}
	m.Model = keras.NewSubclassed(m, 4)
	if n, want := len(m.Weights()), 4; n != want {
		t.Fatalf("outer model has %d weights, want %d (inner kernel and bias, head kernel and bias)", n, want)
	}
	var keys []string
	for _, v := range m.NamedVariables() {
		keys = append(keys, v.Key)
	}
	if want := []string{"sequential/dense/kernel", "sequential/dense/bias", "dense/kernel", "dense/bias"}; !reflect.DeepEqual(keys, want) {
		t.Errorf("keys %q, want %q", keys, want)
	}
	innerKernel := inner.Layers()[0].(*layers.DenseLayer).Kernel
	before := innerKernel.Value().Clone()
	x, y := blobs(64, 7)
	if err := m.Compile("adam", "sparse_categorical_crossentropy"); err != nil {
		t.Fatal(err)
	}
	if _, err := m.Fit(x, y, keras.Epochs(1), keras.BatchSize(16), keras.Verbose(0)); err != nil {
		t.Fatal(err)
	}
	changed := false
	for i := 0; i < before.Size(); i++ {
		if before.Float(i) != innerKernel.Value().Float(i) {
			changed = true
		}
	}
	if !changed {
		t.Error("Fit did not train the inner model's kernel")
	}
}

// A layer removed with Pop leaves the keys as if it had never been added.
func TestNamedVariablesAfterPop(t *testing.T) {
	m := keras.NewSequential(layers.Dense(3, layers.InputShape(2)), layers.Dense(3))
	m.Pop()
	m.Add(layers.Dense(1))
	if err := m.Build(2); err != nil {
		t.Fatal(err)
	}
	var keys []string
	for _, v := range m.NamedVariables() {
		keys = append(keys, v.Key)
	}
	if want := []string{"dense/kernel", "dense/bias", "dense_1/kernel", "dense_1/bias"}; !reflect.DeepEqual(keys, want) {
		t.Errorf("keys %q, want %q", keys, want)
	}
}

// Keys depend only on the model's code: the display names count on across
// models, the keys start again in every model.
func ExampleModel_NamedVariables() {
	keras.ClearSession()
	keras.NewSequential(layers.Dense(2, layers.InputShape(3)))
	m := keras.NewSequential(
		layers.Dense(4, layers.InputShape(3)),
		layers.Dense(2, layers.Name("logits")),
	)
	fmt.Println(m.Layers()[0].LayerBase().Name())
	for _, v := range m.NamedVariables() {
		fmt.Println(v.Key, v.Variable.Shape())
	}
	// Output:
	// dense_1
	// dense/kernel (3, 4)
	// dense/bias (4,)
	// logits/kernel (4, 2)
	// logits/bias (2,)
}

// wrapLayer is a custom layer that calls a model.
type wrapLayer struct {
	layers.Base
	inner *keras.Model
}

func (w *wrapLayer) Build(tensor.Shape)                             {}
func (w *wrapLayer) Call(x *tf.Tensor, training bool) *tf.Tensor    { return w.inner.Apply(x) }
func (w *wrapLayer) ComputeOutputShape(s tensor.Shape) tensor.Shape { return s }

// A model called inside a custom layer has no scope of its own; its layers
// join the outer model's scope with keys unique there.
func TestNamedVariablesModelInsideLayer(t *testing.T) {
	w := &wrapLayer{inner: keras.NewSequential(layers.Dense(3, layers.InputShape(3)))}
	w.Init(w, "Wrap")
	m := keras.NewSequential(layers.Dense(3, layers.InputShape(3)), w)
	var keys []string
	for _, v := range m.NamedVariables() {
		keys = append(keys, v.Key)
	}
	if want := []string{"dense/kernel", "dense/bias", "dense_1/kernel", "dense_1/bias"}; !reflect.DeepEqual(keys, want) {
		t.Errorf("keys %q, want %q", keys, want)
	}
	if len(keys) != len(m.Weights()) {
		t.Errorf("%d keys for %d weights", len(keys), len(m.Weights()))
	}
}
