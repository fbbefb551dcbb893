package layers

import (
	"archive/zip"
	"encoding/json"
	"io"
	"reflect"
	"strings"
	"testing"

	"github.com/tensorgo/tensorgo/keras/internal/layerutil"
	"github.com/tensorgo/tensorgo/keras/regularizers"
	"github.com/tensorgo/tensorgo/tensor"
	"github.com/tensorgo/tensorgo/tf"
)

// TestSpatialConfigRoundTrip: the convolution, pooling, normalisation,
// reshaping and merge layers' configs survive JSON and FromConfig, and
// hold the entries Keras 3 writes with the values given.
func TestSpatialConfigRoundTrip(t *testing.T) {
	layerutil.ResetNames()
	for _, c := range []struct {
		layer Layer
		want  map[string]any // entries as Keras writes them
	}{
		{Conv2D(8, []int{3, 5}, Strides(2, 1), Padding("same"), DilationRate(1, 2), Groups(2), Activation("relu"),
			UseBias(false), KernelRegularizer(regularizers.L2(0.5)), Name("c")),
			map[string]any{"name": "c", "filters": 8.0, "kernel_size": []any{3.0, 5.0}, "strides": []any{2.0, 1.0},
				"padding": "same", "dilation_rate": []any{1.0, 2.0}, "groups": 2.0, "activation": "relu", "use_bias": false,
				"data_format": "channels_last"}},
		{Conv1D(4, 3, Padding("causal"), DilationRate(2)),
			map[string]any{"filters": 4.0, "kernel_size": []any{3.0}, "padding": "causal", "dilation_rate": []any{2.0}, "groups": 1.0}},
		{Conv2DTranspose(3, []int{2}, Strides(2)),
			map[string]any{"filters": 3.0, "kernel_size": []any{2.0, 2.0}, "strides": []any{2.0, 2.0}, "output_padding": nil}},
		{DepthwiseConv2D([]int{3, 3}, DepthMultiplier(3), Activation("tanh")),
			map[string]any{"depth_multiplier": 3.0, "kernel_size": []any{3.0, 3.0}, "activation": "tanh", "depthwise_regularizer": nil}},
		{SeparableConv2D(5, []int{1, 3}, DepthMultiplier(2), Padding("same")),
			map[string]any{"filters": 5.0, "depth_multiplier": 2.0, "kernel_size": []any{1.0, 3.0}, "padding": "same"}},
		{MaxPooling2D(PoolSize(3, 2), Strides(1, 2), Padding("same")),
			map[string]any{"pool_size": []any{3.0, 2.0}, "strides": []any{1.0, 2.0}, "padding": "same"}},
		{AveragePooling1D(PoolSize(4)), map[string]any{"pool_size": []any{4.0}, "strides": []any{4.0}, "padding": "valid"}},
		{MaxPooling1D(), map[string]any{"pool_size": []any{2.0}}},
		{AveragePooling2D(), map[string]any{"pool_size": []any{2.0, 2.0}}},
		{GlobalAveragePooling2D(KeepDims(true)), map[string]any{"keepdims": true, "data_format": "channels_last"}},
		{GlobalMaxPooling1D(), map[string]any{"keepdims": false}},
		{GlobalMaxPooling2D(), map[string]any{"keepdims": false}},
		{GlobalAveragePooling1D(), map[string]any{"keepdims": false}},
		{BatchNormalization(Momentum(0.9), Epsilon(1e-5), Center(false)),
			map[string]any{"axis": -1.0, "momentum": 0.9, "epsilon": 1e-5, "center": false, "scale": true}},
		{LayerNormalization(Epsilon(1e-4), Scale(false)), map[string]any{"epsilon": 1e-4, "scale": false, "rms_scaling": false}},
		{ZeroPadding2D([]int{1, 2, 3, 4}), map[string]any{"padding": []any{[]any{1.0, 2.0}, []any{3.0, 4.0}}}},
		{Cropping2D([]int{2, 1}), map[string]any{"cropping": []any{[]any{2.0, 2.0}, []any{1.0, 1.0}}}},
		{UpSampling2D([]int{3, 2}), map[string]any{"size": []any{3.0, 2.0}, "interpolation": "nearest"}},
		{Rescaling(1.0/255, 0.5), map[string]any{"scale": 1.0 / 255, "offset": 0.5}},
		{SpatialDropout2D(0.25, Seed(7)), map[string]any{"rate": 0.25, "seed": 7.0, "dtype": "float32"}},
		{Subtract(), map[string]any{"name": "subtract"}},
		{Multiply(), map[string]any{"name": "multiply"}},
		{Average(), map[string]any{"name": "average"}},
		{Maximum(), map[string]any{"name": "maximum"}},
		{Minimum(), map[string]any{"name": "minimum"}},
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
	// SpatialDropout2D takes no trainable argument in Keras.
	cfg, _ := GetConfig(SpatialDropout2D(0.1))
	if _, ok := cfg["trainable"]; ok {
		t.Errorf("SpatialDropout2D's config has a trainable entry, which Keras's from_config rejects")
	}
}

// kerasLayerConfigs returns the class names and configs of the layers of
// a .keras file (a Sequential or functional model).
func kerasLayerConfigs(t testing.TB, path string) (classes []string, configs []map[string]any) {
	t.Helper()
	zr, err := zip.OpenReader(path)
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
	for _, l := range model.Config.Layers {
		classes = append(classes, l.ClassName)
		configs = append(configs, l.Config)
	}
	return classes, configs
}

// TestKerasWrittenSpatialConfigs reads the layer configs real Keras 3
// wrote in the keras package's CNN testdata and writes them back: every
// entry tensorgo writes has Keras's value (objects compared by class), and
// for the layers of this file's serializers tensorgo writes every entry
// Keras does.
func TestKerasWrittenSpatialConfigs(t *testing.T) {
	seen := map[string]bool{}
	for _, file := range []string{"cnn.keras", "residual.keras", "cnn_layers.keras"} {
		classes, configs := kerasLayerConfigs(t, "../testdata/keras3/"+file)
		for i, cls := range classes {
			kc := configs[i]
			seen[cls] = true
			got, err := FromConfig(cls, kc)
			if err != nil {
				t.Fatalf("%s %s: %v", file, cls, err)
			}
			cfg, err := GetConfig(got)
			if err != nil {
				t.Fatal(err)
			}
			j := viaJSON(t, cfg)
			for k, v := range j {
				kv, ok := kc[k]
				switch {
				case !ok:
					t.Errorf("%s %s: tensorgo writes %q, which Keras does not", file, cls, k)
				case cls == "LayerNormalization" && k == "axis":
					// Keras writes the axis it normalised over, [rank − 1];
					// tensorgo writes -1, which Keras reads as the same.
				case isObject(v):
					if km, _ := kv.(map[string]any); km == nil || km["class_name"] != v.(map[string]any)["class_name"] {
						t.Errorf("%s %s: %q is %v, Keras wrote %v", file, cls, k, v, kv)
					}
				case !reflect.DeepEqual(v, kv):
					t.Errorf("%s %s: %q is %v, Keras wrote %v", file, cls, k, v, kv)
				}
			}
			for k := range kc {
				if _, ok := j[k]; !ok && spatialClasses[cls] {
					t.Errorf("%s %s: Keras writes %q, which tensorgo does not", file, cls, k)
				}
			}
		}
	}
	for cls := range spatialClasses {
		if !seen[cls] {
			t.Errorf("the Keras files have no %s", cls)
		}
	}
}

// spatialClasses are the classes conv_config.go, pooling_config.go,
// normalization_config.go and reshaping_config.go register.
var spatialClasses = map[string]bool{}

func init() {
	for _, cls := range []string{"Conv1D", "Conv2D", "Conv2DTranspose", "DepthwiseConv2D", "SeparableConv2D",
		"MaxPooling1D", "MaxPooling2D", "AveragePooling1D", "AveragePooling2D", "GlobalAveragePooling1D",
		"GlobalAveragePooling2D", "GlobalMaxPooling1D", "GlobalMaxPooling2D", "BatchNormalization",
		"LayerNormalization", "ZeroPadding2D", "Cropping2D", "UpSampling2D", "Rescaling", "SpatialDropout2D",
		"Subtract", "Multiply", "Average", "Maximum", "Minimum"} {
		spatialClasses[cls] = true
	}
}

func isObject(v any) bool { _, ok := v.(map[string]any); return ok }

// TestSpatialWeightShapes: the shapes a serializer plans for an unbuilt
// layer are those Build creates, in Keras's order.
func TestSpatialWeightShapes(t *testing.T) {
	for _, c := range []struct {
		layer Layer
		in    tensor.Shape
	}{
		{Conv2D(6, []int{3, 2}, Groups(2)), tensor.Shape{1, 8, 8, 4}},
		{Conv2D(6, []int{3, 3}, UseBias(false)), tensor.Shape{1, 8, 8, 3}},
		{Conv1D(5, 3), tensor.Shape{1, 10, 2}},
		{Conv2DTranspose(5, []int{3, 3}), tensor.Shape{1, 4, 4, 2}},
		{DepthwiseConv2D([]int{3, 3}, DepthMultiplier(3)), tensor.Shape{1, 6, 6, 2}},
		{SeparableConv2D(7, []int{3, 3}, DepthMultiplier(2)), tensor.Shape{1, 6, 6, 3}},
		{BatchNormalization(), tensor.Shape{1, 4, 4, 3}},
		{BatchNormalization(Center(false)), tensor.Shape{1, 3}},
		{LayerNormalization(), tensor.Shape{1, 5, 6}},
		{LayerNormalization(Scale(false)), tensor.Shape{1, 6}},
	} {
		cls := c.layer.LayerBase().ClassName()
		planned, ok := PlannedWeightShapes(c.layer, []tensor.Shape{c.in})
		if !ok {
			t.Fatalf("%s: no WeightShapes", cls)
		}
		g := tf.NewGraph()
		Apply(c.layer, tf.Placeholder(g, tensor.Float32, c.in))
		vars := KerasVariables(c.layer)
		if len(vars) != len(planned) {
			t.Fatalf("%s: planned %v, built %d variables", cls, planned, len(vars))
		}
		for i, v := range vars {
			if !v.Shape().Equal(planned[i]) {
				t.Errorf("%s: variable %d: planned %v, built %v", cls, i, planned[i], v.Shape())
			}
		}
	}
}

func TestSpatialConfigErrors(t *testing.T) {
	for _, c := range []struct {
		class string
		cfg   map[string]any
		want  string
	}{
		{"Conv2D", map[string]any{"kernel_size": []any{3.0, 3.0}}, `Conv2D config: "filters": must be a positive integer`},
		{"Conv2D", map[string]any{"filters": 1e15, "kernel_size": 3.0}, `"filters": want an integer`},
		{"Conv2D", map[string]any{"filters": 1e9, "kernel_size": 3.0}, `"filters": must be a positive integer`},
		{"Conv2D", map[string]any{"filters": 2.0}, `"kernel_size": missing`},
		{"Conv2D", map[string]any{"filters": 2.0, "kernel_size": []any{3.0, 0.0}}, `"kernel_size": each value must be in [1, 2^20]`},
		{"Conv2D", map[string]any{"filters": 2.0, "kernel_size": []any{3.0, 3.0, 3.0}}, `"kernel_size": want 2 values`},
		{"Conv2D", map[string]any{"filters": 2.0, "kernel_size": 3.0, "padding": "full"}, `"padding": want "valid" or "same"`},
		{"Conv2D", map[string]any{"filters": 2.0, "kernel_size": 3.0, "padding": "causal"}, `"padding"`},
		{"Conv2D", map[string]any{"filters": 2.0, "kernel_size": 3.0, "data_format": "channels_first"}, "channels_last only"},
		{"Conv2D", map[string]any{"filters": 4.0, "kernel_size": 3.0, "groups": 3.0}, `"groups": must be positive and divide filters 4`},
		{"Conv2D", map[string]any{"filters": 4.0, "kernel_size": 3.0, "kernel_constraint": map[string]any{}}, "constraints are not supported"},
		{"Conv2D", map[string]any{"filters": 4.0, "kernel_size": 3.0, "lora_rank": 2.0}, "LoRA"},
		{"Conv2D", map[string]any{"filters": 4.0, "kernel_size": 3.0, "activation": "nope"}, "nope"},
		{"Conv2D", map[string]any{"filters": 4.0, "kernel_size": 3.0, "strides": []any{0.0, 1.0}}, `"strides": each value`},
		{"Conv2DTranspose", map[string]any{"filters": 4.0, "kernel_size": 3.0, "output_padding": []any{1.0, 1.0}}, "output_padding"},
		{"DepthwiseConv2D", map[string]any{"kernel_size": 3.0, "depth_multiplier": 0.0}, `"depth_multiplier": must be a positive integer`},
		{"SeparableConv2D", map[string]any{"filters": 4.0, "kernel_size": 3.0, "pointwise_regularizer": map[string]any{"class_name": "L2"}}, "pointwise"},
		{"MaxPooling2D", map[string]any{"pool_size": []any{2.0, -1.0}}, `"pool_size": each value`},
		{"AveragePooling1D", map[string]any{"pool_size": 2.0, "padding": "nope"}, `"padding"`},
		{"GlobalMaxPooling2D", map[string]any{"keepdims": "yes"}, `"keepdims": want true or false`},
		{"BatchNormalization", map[string]any{"momentum": 2.0}, `"momentum": must be in [0, 1]`},
		{"BatchNormalization", map[string]any{"epsilon": 0.0}, `"epsilon": must be positive`},
		{"BatchNormalization", map[string]any{"axis": []any{1.0, 2.0}}, `"axis": only the last axis`},
		{"BatchNormalization", map[string]any{"renorm": true}, "renormalisation"},
		{"LayerNormalization", map[string]any{"rms_scaling": true}, "RMS scaling"},
		{"LayerNormalization", map[string]any{"gamma_regularizer": map[string]any{}}, "regularizers are not supported"},
		{"ZeroPadding2D", map[string]any{"padding": []any{[]any{1.0, 2.0, 3.0}, []any{1.0, 1.0}}}, `"padding": element 0`},
		{"ZeroPadding2D", map[string]any{"padding": []any{1.0, 2.0, 3.0}}, `"padding": want an integer, (height, width)`},
		{"Cropping2D", map[string]any{"cropping": -1.0}, `"cropping": each value must be in [0, 2^20]`},
		{"UpSampling2D", map[string]any{"interpolation": "bilinear"}, "bilinear"},
		{"Rescaling", map[string]any{"scale": []any{1.0, 2.0}}, `"scale": want a number`},
		{"SpatialDropout2D", map[string]any{"rate": 1.0}, `"rate": must be in [0, 1)`},
	} {
		_, err := FromConfig(c.class, c.cfg)
		if err == nil || !strings.Contains(err.Error(), c.want) {
			t.Errorf("%s %v: %v, want an error containing %q", c.class, c.cfg, err, c.want)
		}
	}
	if _, err := GetConfig(Conv2D(2, []int{3}, Activation(func(x *tf.Tensor) *tf.Tensor { return x }))); err == nil || !strings.Contains(err.Error(), "cannot be saved") {
		t.Errorf("Conv2D with a Go activation: GetConfig gave %v, want cannot be saved", err)
	}
}

// TestLoadedAxisMustBeLast: a normalisation loaded with Keras's positive
// axis plans its weights only for an input whose last axis that is.
func TestLoadedAxisMustBeLast(t *testing.T) {
	l, err := FromConfig("LayerNormalization", map[string]any{"axis": []any{2.0}})
	if err != nil {
		t.Fatal(err)
	}
	if s, _ := PlannedWeightShapes(l, []tensor.Shape{{1, 4, 6}}); len(s) != 2 || !s[0].Equal(tensor.Shape{6}) {
		t.Errorf("axis 2 of (1, 4, 6): planned %v, want gamma and beta of 6", s)
	}
	l, err = FromConfig("BatchNormalization", map[string]any{"axis": 1.0})
	if err != nil {
		t.Fatal(err)
	}
	defer func() {
		if p := recover(); p == nil || !strings.Contains(p.(string), "only the last axis") {
			t.Errorf("axis 1 of (1, 4, 6): %v, want a panic saying only the last axis is supported", p)
		}
	}()
	PlannedWeightShapes(l, []tensor.Shape{{1, 4, 6}})
}

// FuzzSpatialFromConfig: FromConfig of the spatial layers never panics,
// and a layer it makes saves and loads again with the same config and
// plans weights (for a small input) without panicking.
func FuzzSpatialFromConfig(f *testing.F) {
	classes := make([]string, 0, len(spatialClasses))
	for _, c := range SerializableClasses() {
		if spatialClasses[c] {
			classes = append(classes, c)
		}
	}
	for _, file := range []string{"cnn.keras", "residual.keras", "cnn_layers.keras"} {
		cls, cfgs := kerasLayerConfigs(f, "../testdata/keras3/"+file)
		for i, c := range cls {
			for j, name := range classes {
				if name == c {
					b, _ := json.Marshal(cfgs[i])
					f.Add(uint8(j), b)
				}
			}
		}
	}
	f.Add(uint8(0), []byte(`{"filters": -3, "kernel_size": [1e30]}`))
	f.Add(uint8(1), []byte(`{"padding": [[1, 2], [3]], "pool_size": "x"}`))
	f.Add(uint8(2), []byte(`{"axis": [0], "epsilon": -1}`))
	f.Fuzz(func(t *testing.T, which uint8, b []byte) {
		var cfg map[string]any
		if json.Unmarshal(b, &cfg) != nil || cfg == nil {
			return
		}
		cls := classes[int(which)%len(classes)]
		l, err := FromConfig(cls, cfg)
		if err != nil {
			return
		}
		saved, err := GetConfig(l)
		if err != nil {
			t.Fatalf("%s: a loaded layer cannot be saved: %v", cls, err)
		}
		j := viaJSON(t, saved)
		back, err := FromConfig(cls, j)
		if err != nil {
			t.Fatalf("%s: the saved config does not load: %v\n%v", cls, err, j)
		}
		again, _ := GetConfig(back)
		if j2 := viaJSON(t, again); !reflect.DeepEqual(j, j2) {
			t.Fatalf("%s: config changed in the round trip:\n%v\n%v", cls, j, j2)
		}
		func() {
			defer func() { recover() }() // a wrong axis panics, as LoadModel expects
			PlannedWeightShapes(l, []tensor.Shape{{1, 6, 6, 3}})
		}()
	})
}
