package layers

import (
	"archive/zip"
	"encoding/json"
	"io"
	"reflect"
	"strings"
	"testing"

	"github.com/tensorgo/tensorgo/keras/initializers"
	"github.com/tensorgo/tensorgo/keras/internal/layerutil"
	"github.com/tensorgo/tensorgo/keras/regularizers"
	"github.com/tensorgo/tensorgo/tensor"
	"github.com/tensorgo/tensorgo/tf"
)

// viaJSON encodes and decodes v, as a model file does.
func viaJSON(t *testing.T, v any) map[string]any {
	t.Helper()
	b, err := json.Marshal(v)
	if err != nil {
		t.Fatal(err)
	}
	var out map[string]any
	if err := json.Unmarshal(b, &out); err != nil {
		t.Fatal(err)
	}
	return out
}

// TestConfigRoundTrip: every built-in layer's config survives JSON and
// FromConfig, and holds the entries Keras 3 writes with the values given.
func TestConfigRoundTrip(t *testing.T) {
	layerutil.ResetNames()
	for _, c := range []struct {
		layer Layer
		want  map[string]any // entries as Keras writes them
	}{
		{Dense(5, Activation("relu"), UseBias(false), KernelRegularizer(regularizers.L2(0.01)), Name("d"), Trainable(false)),
			map[string]any{"name": "d", "units": 5.0, "activation": "relu", "use_bias": false, "trainable": false}},
		{Dense(3), map[string]any{"name": "dense", "activation": "linear", "use_bias": true, "kernel_regularizer": nil}},
		{Flatten(), map[string]any{"name": "flatten", "data_format": "channels_last"}},
		{Dropout(0.3, Seed(4)), map[string]any{"rate": 0.3, "seed": 4.0, "noise_shape": nil}},
		{Activation("tanh"), map[string]any{"activation": "tanh"}},
		{Reshape([]int{2, -1}), map[string]any{"target_shape": []any{2.0, -1.0}}},
		{Add(), map[string]any{"name": "add"}},
		{Concatenate(1), map[string]any{"axis": 1.0}},
		{Input(3, 4), map[string]any{"batch_shape": []any{nil, 3.0, 4.0}, "dtype": "float32", "sparse": false}},
	} {
		cls := c.layer.LayerBase().ClassName()
		cfg, err := GetConfig(c.layer)
		if err != nil {
			t.Fatalf("%s: %v", cls, err)
		}
		j := viaJSON(t, cfg)
		for k, v := range c.want {
			if !reflect.DeepEqual(j[k], v) {
				t.Errorf("%s: %q = %#v, want %#v", cls, k, j[k], v)
			}
		}
		back, err := FromConfig(cls, j)
		if err != nil {
			t.Fatalf("%s: FromConfig: %v", cls, err)
		}
		cfg2, err := GetConfig(back)
		if err != nil {
			t.Fatal(err)
		}
		if j2 := viaJSON(t, cfg2); !reflect.DeepEqual(j, j2) {
			t.Errorf("%s: config changed in the round trip:\n%v\n%v", cls, j, j2)
		}
	}
}

// TestKerasWrittenConfigs reads the layer configs real Keras 3 wrote (the
// keras package's testdata) and writes them back: every entry tensorgo
// writes has Keras's value (objects compared by class).
func TestKerasWrittenConfigs(t *testing.T) {
	zr, err := zip.OpenReader("../testdata/keras3/layers.keras")
	if err != nil {
		t.Fatal(err)
	}
	defer zr.Close()
	f, err := zr.Open("config.json")
	if err != nil {
		t.Fatal(err)
	}
	b, _ := io.ReadAll(f)
	var model struct {
		Config struct {
			Layers []struct {
				ClassName string         `json:"class_name"`
				Config    map[string]any `json:"config"`
			} `json:"layers"`
		} `json:"config"`
	}
	if err := json.Unmarshal(b, &model); err != nil {
		t.Fatal(err)
	}
	seen := map[string]bool{}
	for _, l := range model.Config.Layers {
		seen[l.ClassName] = true
		got, err := FromConfig(l.ClassName, l.Config)
		if err != nil {
			t.Fatalf("%s: %v", l.ClassName, err)
		}
		cfg, err := GetConfig(got)
		if err != nil {
			t.Fatal(err)
		}
		for k, v := range viaJSON(t, cfg) {
			kv, ok := l.Config[k]
			if !ok {
				t.Errorf("%s: tensorgo writes %q, which Keras does not", l.ClassName, k)
				continue
			}
			if m, isObj := v.(map[string]any); isObj {
				if km, _ := kv.(map[string]any); km == nil || km["class_name"] != m["class_name"] {
					t.Errorf("%s: %q is %v, Keras wrote %v", l.ClassName, k, v, kv)
				}
			} else if !reflect.DeepEqual(v, kv) {
				t.Errorf("%s: %q is %v, Keras wrote %v", l.ClassName, k, v, kv)
			}
		}
	}
	for _, cls := range []string{"InputLayer", "Dense", "Add", "Concatenate", "Reshape", "Flatten", "Activation"} {
		if !seen[cls] {
			t.Errorf("the Keras file has no %s", cls)
		}
	}
}

func TestConfigErrors(t *testing.T) {
	for _, c := range []struct {
		class string
		cfg   map[string]any
		want  string
	}{
		{"Dense", map[string]any{"units": "x"}, `Dense config: "units": want an integer`},
		{"Dense", map[string]any{"units": 2.5}, `"units": want an integer`},
		{"Dense", map[string]any{}, `"units": must be a positive integer`},
		{"Dense", map[string]any{"units": 2.0, "activation": "nope"}, `nope`},
		{"Dense", map[string]any{"units": 2.0, "kernel_constraint": map[string]any{}}, "constraints are not supported"},
		{"Dense", map[string]any{"units": 2.0, "dtype": "mixed_float16"}, "unsupported dtype policy"},
		{"Dense", map[string]any{"units": 2.0, "kernel_regularizer": map[string]any{"class_name": "Weird"}}, `unsupported regularizer class "Weird"`},
		{"Dropout", map[string]any{"rate": 1.5}, `"rate": must be in [0, 1)`},
		{"Reshape", map[string]any{"target_shape": []any{2.0, "x"}}, `"target_shape": element 1`},
		{"Reshape", map[string]any{}, `"target_shape": missing`},
		{"InputLayer", map[string]any{"batch_shape": []any{}}, "needs a batch dimension"},
		{"Flatten", map[string]any{"data_format": "channels_first"}, "channels_last only"},
		{"Lambda", map[string]any{"name": "f"}, "Python code"},
		{"NoSuchLayer", map[string]any{}, `unknown layer class "NoSuchLayer"`},
	} {
		_, err := FromConfig(c.class, c.cfg)
		if err == nil || !strings.Contains(err.Error(), c.want) {
			t.Errorf("%s %v: %v, want an error containing %q", c.class, c.cfg, err, c.want)
		}
	}
	for _, l := range []Layer{
		Lambda(func(x *tf.Tensor) *tf.Tensor { return x }),
		Dense(2, Activation(func(x *tf.Tensor) *tf.Tensor { return x })),
		Dense(2, KernelRegularizer(regularizers.Func(func(x *tf.Tensor) *tf.Tensor { return x }))),
	} {
		if _, err := GetConfig(l); err == nil || !strings.Contains(err.Error(), "cannot be saved") {
			t.Errorf("%s: GetConfig gave %v, want cannot be saved", l.LayerBase().ClassName(), err)
		}
	}
}

// statsLayer creates a non-trainable weight before a trainable one, as a
// normalisation layer might.
type statsLayer struct{ Base }

func (s *statsLayer) Build(in tensor.Shape) {
	s.AddWeight("moving", tensor.Shape{2}, initializers.Zeros(), nil, false)
	s.AddWeight("gamma", tensor.Shape{2}, initializers.Ones(), nil, true)
}
func (s *statsLayer) Call(x *tf.Tensor, training bool) *tf.Tensor     { return x }
func (s *statsLayer) ComputeOutputShape(in tensor.Shape) tensor.Shape { return in }

// TestKerasVariablesOrder: trainable variables first, as Keras's
// layer.weights, whatever the creation order.
func TestKerasVariablesOrder(t *testing.T) {
	s := &statsLayer{}
	s.Init(s, "Stats")
	s.Apply(tf.Constant(tensor.Zeros(tensor.Float32, 1, 2)))
	var names []string
	for _, v := range KerasVariables(s) {
		names = append(names, v.OpName())
	}
	if len(names) != 2 || !strings.HasSuffix(names[0], "gamma") || !strings.HasSuffix(names[1], "moving") {
		t.Errorf("KerasVariables order %v, want gamma then moving", names)
	}
	shapes, ok := PlannedWeightShapes(Dense(4, UseBias(false)), []tensor.Shape{{-1, 3}})
	if !ok || len(shapes) != 1 || !shapes[0].Equal(tensor.Shape{3, 4}) {
		t.Errorf("Dense's planned weights %v %v, want [(3, 4)]", shapes, ok)
	}
	if _, ok := PlannedWeightShapes(s, nil); ok {
		t.Error("an unregistered layer has planned weight shapes")
	}
}

func TestRegisterSerializerNeedsFunctions(t *testing.T) {
	defer func() {
		if recover() == nil {
			t.Error("RegisterSerializer without FromConfig did not panic")
		}
	}()
	RegisterSerializer(Serializer{ClassName: "X", GetConfig: func(Layer) (map[string]any, error) { return nil, nil }})
}

// TestInputLayerIntegerDType: token inputs (Embedding models) are int32 or
// int64 in Keras files; other layers compute in floats only.
func TestInputLayerIntegerDType(t *testing.T) {
	l, err := FromConfig("InputLayer", map[string]any{"batch_shape": []any{nil, 5.0}, "dtype": "int32", "name": "tokens"})
	if err != nil {
		t.Fatal(err)
	}
	b := l.LayerBase()
	if b.DType() != tensor.Int32 || b.Name() != "tokens" || !b.BatchInputShape().Equal(tensor.Shape{-1, 5}) {
		t.Errorf("input %v %s %v", b.DType(), b.Name(), b.BatchInputShape())
	}
	if _, err := FromConfig("Dense", map[string]any{"units": 2.0, "dtype": "int32"}); err == nil {
		t.Error("an int32 Dense loaded")
	}
}
