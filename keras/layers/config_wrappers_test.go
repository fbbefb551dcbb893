package layers_test

import (
	"archive/zip"
	"encoding/json"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"github.com/tensorgo/tensorgo/internal/hdf5"
	"github.com/tensorgo/tensorgo/keras"
	"github.com/tensorgo/tensorgo/keras/layers"
	"github.com/tensorgo/tensorgo/tensor"
)

// predictBits predicts x with m and returns the output.
func predictBits(t *testing.T, m *keras.Model, x *tensor.Tensor) *tensor.Tensor {
	t.Helper()
	y, err := m.Predict(x, keras.Verbose(0))
	if err != nil {
		t.Fatal(err)
	}
	return y
}

// saveLoad saves m as a .keras file and loads it back.
func saveLoad(t *testing.T, m *keras.Model) *keras.Model {
	t.Helper()
	path := filepath.Join(t.TempDir(), "m.keras")
	if err := keras.SaveModel(m, path); err != nil {
		t.Fatal(err)
	}
	keras.ClearSession()
	back, err := keras.LoadModel(path)
	if err != nil {
		t.Fatal(err)
	}
	return back
}

func sameBits(t *testing.T, what string, got, want *tensor.Tensor) {
	t.Helper()
	if !got.Shape().Equal(want.Shape()) {
		t.Fatalf("%s: shape %v, want %v", what, got.Shape(), want.Shape())
	}
	for i := 0; i < want.Size(); i++ {
		if got.Float(i) != want.Float(i) {
			t.Fatalf("%s: element %d is %v, want %v", what, i, got.Float(i), want.Float(i))
		}
	}
}

// Each wrapper, saved as a .keras file, loads back with its settings and
// predicts the same bits.
func TestWrapperModelFileRoundTrip(t *testing.T) {
	for _, c := range []struct {
		name  string
		build func() *keras.Model
		check func(t *testing.T, l layers.Layer)
	}{
		{"Bidirectional", func() *keras.Model {
			return keras.NewSequential(layers.Input(5, 3),
				layers.Bidirectional(layers.LSTM(3, layers.ReturnSequences(true), layers.UnitForgetBias(false)), "sum"),
				layers.Flatten(), layers.Dense(2))
		}, func(t *testing.T, l layers.Layer) {
			b := l.(*layers.BidirectionalLayer)
			if b.MergeMode != "sum" || b.Forward.GoBackwards || !b.Backward.GoBackwards || b.Forward.UnitForgetBias ||
				b.Forward.Name() != "forward_lstm" || b.Backward.Name() != "backward_lstm" {
				t.Errorf("loaded %s %+v / %+v", b.MergeMode, b.Forward, b.Backward)
			}
		}},
		{"BidirectionalBackwardLayer", func() *keras.Model {
			back := layers.GRU(2, layers.GoBackwards(true), layers.Activation("relu"), layers.ResetAfter(false))
			return keras.NewSequential(layers.Input(4, 3),
				layers.Bidirectional(layers.GRU(2, layers.ResetAfter(false)), "ave", layers.BackwardLayer(back)), layers.Dense(1))
		}, func(t *testing.T, l layers.Layer) {
			b := l.(*layers.BidirectionalLayer)
			if b.MergeMode != "ave" || b.Backward.ActivationName != "relu" || b.Forward.ActivationName != "tanh" || !b.Backward.GoBackwards {
				t.Errorf("loaded %s %+v / %+v", b.MergeMode, b.Forward, b.Backward)
			}
		}},
		{"BidirectionalRNNCell", func() *keras.Model {
			return keras.NewSequential(layers.Input(4, 2),
				layers.Bidirectional(layers.RNN(layers.SimpleRNNCell(3), layers.ReturnSequences(true)), "mul"), layers.Flatten())
		}, func(t *testing.T, l layers.Layer) {
			b := l.(*layers.BidirectionalLayer)
			if b.Forward.Kernel == b.Backward.Kernel {
				t.Error("the forward and backward RNN share their cell's weights")
			}
		}},
		{"TimeDistributed", func() *keras.Model {
			return keras.NewSequential(layers.Input(4, 3),
				layers.TimeDistributed(layers.Dense(2, layers.Activation("tanh"))), layers.Flatten())
		}, func(t *testing.T, l layers.Layer) {
			d, ok := l.(*layers.TimeDistributedLayer).Layer.(*layers.DenseLayer)
			if !ok || d.Units != 2 || d.ActivationName != "tanh" {
				t.Errorf("loaded inner layer %+v", l.(*layers.TimeDistributedLayer).Layer)
			}
		}},
		{"RNN", func() *keras.Model {
			return keras.NewSequential(layers.Input(5, 2),
				layers.RNN(layers.LSTMCell(3, layers.UnitForgetBias(false)), layers.GoBackwards(true)), layers.Dense(1))
		}, func(t *testing.T, l layers.Layer) {
			r := l.(*layers.RecurrentLayer)
			if r.LayerBase().ClassName() != "RNN" || r.Cell != "LSTM" || !r.GoBackwards || r.UnitForgetBias || r.Units != 3 {
				t.Errorf("loaded %+v", r)
			}
		}},
		{"MaskingRepeatVector", func() *keras.Model {
			return keras.NewSequential(layers.Input(5, 2), layers.Masking(-1),
				layers.GRU(3), layers.RepeatVector(4), layers.SimpleRNN(2, layers.ReturnSequences(true)), layers.Flatten())
		}, func(t *testing.T, l layers.Layer) {
			if m := l.(*layers.MaskingLayer); m.MaskValue != -1 {
				t.Errorf("loaded mask value %v, want -1", m.MaskValue)
			}
		}},
	} {
		t.Run(c.name, func(t *testing.T) {
			keras.ClearSession()
			m := c.build()
			x := seq(3, m.Inputs()[0].Shape()[1], m.Inputs()[0].Shape()[2], 0.3)
			if c.name == "MaskingRepeatVector" {
				// Padding: steps 3 and 4 of sample 0, step 0 of sample 1.
				for j := 0; j < 2; j++ {
					x.SetFloat(0*10+3*2+j, -1)
					x.SetFloat(0*10+4*2+j, -1)
					x.SetFloat(1*10+0*2+j, -1)
				}
			}
			want := predictBits(t, m, x)
			back := saveLoad(t, m)
			sameBits(t, c.name, predictBits(t, back, x), want)
			if back.CountParams() != m.CountParams() {
				t.Errorf("loaded %d parameters, saved %d", back.CountParams(), m.CountParams())
			}
			c.check(t, back.Layers()[0])
		})
	}
}

// TestWrapperWeightsLayout: the weights file of a model with the wrappers
// has Keras 3's groups. The paths are those real Keras 3.16 wrote for the
// same layers (h5py's visititems on model.weights.h5 of
// Bidirectional(LSTM(4)), TimeDistributed(Dense(2)), RNN(GRUCell(3))).
func TestWrapperWeightsLayout(t *testing.T) {
	keras.ClearSession()
	m := keras.NewSequential(layers.Input(5, 3),
		layers.Bidirectional(layers.LSTM(4, layers.ReturnSequences(true)), "sum"),
		layers.TimeDistributed(layers.Dense(2)),
		layers.RNN(layers.GRUCell(3)))
	path := filepath.Join(t.TempDir(), "m.weights.h5")
	if err := m.SaveWeights(path); err != nil {
		t.Fatal(err)
	}
	f, err := hdf5.OpenFile(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	for ds, shape := range map[string][]int{
		"layers/bidirectional/forward_layer/cell/vars/0":  {3, 16},
		"layers/bidirectional/forward_layer/cell/vars/1":  {4, 16},
		"layers/bidirectional/forward_layer/cell/vars/2":  {16},
		"layers/bidirectional/backward_layer/cell/vars/0": {3, 16},
		"layers/bidirectional/backward_layer/cell/vars/1": {4, 16},
		"layers/bidirectional/backward_layer/cell/vars/2": {16},
		"layers/time_distributed/layer/vars/0":            {4, 2},
		"layers/time_distributed/layer/vars/1":            {2},
		"layers/rnn/cell/vars/0":                          {2, 9},
		"layers/rnn/cell/vars/1":                          {3, 9},
		"layers/rnn/cell/vars/2":                          {2, 9},
	} {
		d, ok := f.Root().Dataset(ds)
		if !ok {
			t.Errorf("no dataset /%s", ds)
			continue
		}
		if len(d.Shape) != len(shape) || (len(shape) > 0 && d.Shape[0] != shape[0]) || d.Shape[len(d.Shape)-1] != shape[len(shape)-1] {
			t.Errorf("/%s has shape %v, want %v", ds, d.Shape, shape)
		}
	}
	// The empty "vars" groups Keras writes for the objects on the way.
	for _, g := range []string{"layers/bidirectional/vars", "layers/bidirectional/forward_layer/vars",
		"layers/bidirectional/backward_layer/vars", "layers/time_distributed/vars", "layers/rnn/vars"} {
		grp, ok := f.Root().Group(g)
		if !ok || len(grp.Datasets()) != 0 {
			t.Errorf("group /%s: present %v, want present and empty", g, ok)
		}
	}
	// Loading into a model of other sizes fails naming the group.
	keras.ClearSession()
	other := keras.NewSequential(layers.Input(5, 3),
		layers.Bidirectional(layers.LSTM(5, layers.ReturnSequences(true)), "sum"),
		layers.TimeDistributed(layers.Dense(2)),
		layers.RNN(layers.GRUCell(3)))
	if err := other.LoadWeights(path); err == nil || !strings.Contains(err.Error(), "forward_layer") {
		t.Errorf("loading into other sizes: %v, want an error naming forward_layer", err)
	}
}

// TestLoadKerasWrittenRNNWrappers loads a model real Keras 3 wrote
// (testdata/keras3/make_rnn_wrappers_file.py: Masking, Bidirectional with
// and without backward_layer and over RNN(SimpleRNNCell), RepeatVector,
// TimeDistributed(Dense), RNN over LSTMCell and GRUCell) and predicts what
// Keras predicted for inputs with masked steps; saved again by tensorgo
// and loaded back, it predicts the same bits.
func TestLoadKerasWrittenRNNWrappers(t *testing.T) {
	b, err := os.ReadFile(filepath.Join("testdata", "keras3", "rnn_wrappers_expected.json"))
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
	m, err := keras.LoadModel(filepath.Join("testdata", "keras3", "rnn_wrappers.keras"))
	if err != nil {
		t.Fatal(err)
	}
	x := tensor.New(tensor.Float32, e.XShape...)
	for i, v := range e.X {
		x.SetFloat(i, v)
	}
	y := predictBits(t, m, x)
	if y.Size() != len(e.Y) {
		t.Fatalf("predicted %v values, Keras %d", y.Shape(), len(e.Y))
	}
	for i, want := range e.Y {
		if d := y.Float(i) - want; d > 1e-5 || d < -1e-5 {
			t.Errorf("prediction %d: %v, Keras predicted %v", i, y.Float(i), want)
		}
	}
	var classes []string
	for _, l := range m.Layers() {
		classes = append(classes, l.LayerBase().ClassName())
	}
	if got := strings.Join(classes, " "); got != "Masking Bidirectional RepeatVector TimeDistributed Bidirectional Bidirectional RNN RNN Dense" {
		t.Errorf("loaded layers %s", got)
	}
	bi := m.Layers()[4].(*layers.BidirectionalLayer)
	if bi.MergeMode != "sum" || bi.Backward.ActivationName != "relu" || bi.Backward.Name() != "gru_1" {
		t.Errorf("the Bidirectional with a backward_layer loaded as %s %s %s", bi.MergeMode, bi.Backward.ActivationName, bi.Backward.Name())
	}
	sameBits(t, "after a tensorgo round trip", predictBits(t, saveLoad(t, m), x), y)
}

// Corrupt wrapper configs are errors naming the entry, never panics.
func TestWrapperConfigErrors(t *testing.T) {
	lstm := func(cfg string) map[string]any {
		var m map[string]any
		if err := json.Unmarshal([]byte(`{"module":"keras.layers","class_name":"LSTM","config":`+cfg+`}`), &m); err != nil {
			t.Fatal(err)
		}
		return m
	}
	dense := map[string]any{"class_name": "Dense", "config": map[string]any{"units": 2.0}}
	stacked := map[string]any{}
	// The cell of RNN([LSTMCell(2), SimpleRNNCell(3)]) as Keras 3.16 writes
	// it (trimmed to the entries that matter).
	if err := json.Unmarshal([]byte(`{"module": "keras.layers", "class_name": "StackedRNNCells", "config": {"name": "stacked_rnn_cells",
		"cells": [{"module": "keras.layers", "class_name": "LSTMCell", "config": {"name": "lstm_cell", "units": 2}},
		{"module": "keras.layers", "class_name": "SimpleRNNCell", "config": {"name": "simple_rnn_cell", "units": 3}}]}}`), &stacked); err != nil {
		t.Fatal(err)
	}
	for _, c := range []struct {
		class string
		cfg   map[string]any
		want  string
	}{
		{"Bidirectional", map[string]any{}, `"layer": missing`},
		{"Bidirectional", map[string]any{"layer": "lstm"}, `"layer": want a layer object`},
		{"Bidirectional", map[string]any{"layer": dense}, "wraps SimpleRNN, LSTM, GRU or RNN, got Dense"},
		{"Bidirectional", map[string]any{"layer": lstm(`{"units":2}`), "merge_mode": nil}, "merge_mode"},
		{"Bidirectional", map[string]any{"layer": lstm(`{"units":2}`), "merge_mode": "max"}, "merge_mode"},
		{"Bidirectional", map[string]any{"layer": lstm(`{"units":0}`)}, "units"},
		{"Bidirectional", map[string]any{"layer": lstm(`{"units":2}`), "backward_layer": lstm(`{"units":2}`)}, "GoBackwards"},
		{"Bidirectional", map[string]any{"layer": lstm(`{"units":2}`), "backward_layer": lstm(`{"units":2,"go_backwards":true,"return_sequences":true}`)}, "must agree"},
		{"Bidirectional", map[string]any{"layer": map[string]any{"class_name": "Nope", "config": map[string]any{}}}, "unknown layer class"},
		{"Bidirectional", map[string]any{"layer": map[string]any{"class_name": "LSTM"}}, "no config object"},
		{"TimeDistributed", map[string]any{}, `"layer"`},
		{"TimeDistributed", map[string]any{"layer": map[string]any{"class_name": "Dense", "config": map[string]any{"units": -2.0}}}, "units"},
		{"RNN", map[string]any{"cell": stacked}, "StackedRNNCells"},
		{"RNN", map[string]any{"cell": []any{}}, "list of cells"},
		{"RNN", map[string]any{"cell": dense}, "want SimpleRNNCell, LSTMCell or GRUCell, got Dense"},
		{"RNN", map[string]any{"cell": map[string]any{"class_name": "GRUCell", "config": map[string]any{"units": 2.0, "activation": "elu"}}}, "activation"},
		{"LSTMCell", map[string]any{"units": "3"}, "units"},
		{"GRUCell", map[string]any{"units": 3.0, "dropout": 1.0}, "dropout"},
		{"RepeatVector", map[string]any{"n": 0.0}, `"n"`},
		{"RepeatVector", map[string]any{"n": 2.5}, `"n"`},
		{"Masking", map[string]any{"mask_value": "zero"}, "mask_value"},
	} {
		var err error
		func() {
			defer func() {
				if r := recover(); r != nil {
					t.Errorf("%s %v panics: %v", c.class, c.cfg, r)
				}
			}()
			_, err = layers.FromConfig(c.class, c.cfg)
		}()
		if err == nil || !strings.Contains(err.Error(), c.want) {
			t.Errorf("%s %v: error %v, want one containing %q", c.class, c.cfg, err, c.want)
		}
	}
}

// The nested configs have Keras 3's shape: Bidirectional's "layer" and
// "backward_layer" objects and "merge_mode", RNN's "cell" object with the
// cell's build_config, TimeDistributed's "layer", RepeatVector's "n" and
// Masking's "mask_value" (the entries of Keras 3.16's get_config).
func TestWrapperConfigEntries(t *testing.T) {
	keras.ClearSession()
	bi := layers.Bidirectional(layers.GRU(2), "concat")
	rnn := layers.RNN(layers.GRUCell(3, layers.ResetAfter(false)), layers.ReturnSequences(true))
	td := layers.TimeDistributed(layers.Dense(2))
	m := keras.NewSequential(layers.Input(4, 3), layers.Masking(0.5), td, rnn, bi, layers.RepeatVector(3))
	if _, err := m.Predict(seq(1, 4, 3, 0), keras.Verbose(0)); err != nil {
		t.Fatal(err)
	}
	get := func(l layers.Layer) map[string]any {
		c, err := layers.GetConfig(l)
		if err != nil {
			t.Fatal(err)
		}
		// Through JSON, as the file holds it.
		b, err := json.Marshal(c)
		if err != nil {
			t.Fatal(err)
		}
		var out map[string]any
		if err := json.Unmarshal(b, &out); err != nil {
			t.Fatal(err)
		}
		return out
	}
	bc := get(bi)
	fwd, _ := bc["layer"].(map[string]any)
	back, _ := bc["backward_layer"].(map[string]any)
	if bc["merge_mode"] != "concat" || fwd["class_name"] != "GRU" || back["class_name"] != "GRU" {
		t.Fatalf("Bidirectional config %v", bc)
	}
	fc, bkc := fwd["config"].(map[string]any), back["config"].(map[string]any)
	if fc["name"] != "forward_gru" || bkc["name"] != "backward_gru" || fc["go_backwards"] != false || bkc["go_backwards"] != true {
		t.Errorf("Bidirectional's layers: %v / %v", fc, bkc)
	}
	if bs, _ := fwd["build_config"].(map[string]any); bs == nil || len(bs["input_shape"].([]any)) != 3 {
		t.Errorf("forward layer's build_config %v", fwd["build_config"])
	}
	rc := get(rnn)
	cell, _ := rc["cell"].(map[string]any)
	cc, _ := cell["config"].(map[string]any)
	if cell["class_name"] != "GRUCell" || cc["units"] != 3.0 || cc["reset_after"] != false || rc["return_sequences"] != true {
		t.Errorf("RNN config %v", rc)
	}
	for _, k := range []string{"return_state", "go_backwards", "stateful", "unroll", "zero_output_for_mask"} {
		if rc[k] != false {
			t.Errorf("RNN config %s = %v, want false", k, rc[k])
		}
	}
	if _, ok := cc["return_sequences"]; ok {
		t.Errorf("the cell's config has the layer's return_sequences: %v", cc)
	}
	if in, _ := cell["build_config"].(map[string]any); in == nil || len(in["input_shape"].([]any)) != 2 || in["input_shape"].([]any)[1] != 2.0 {
		t.Errorf("cell build_config %v, want input_shape [null, 2]", cell["build_config"])
	}
	if tc := get(td); tc["layer"].(map[string]any)["class_name"] != "Dense" {
		t.Errorf("TimeDistributed config %v", tc)
	}
	if c := get(m.Layers()[0]); c["mask_value"] != 0.5 {
		t.Errorf("Masking config %v", c)
	}
	if c := get(m.Layers()[4]); c["n"] != 3.0 {
		t.Errorf("RepeatVector config %v", c)
	}
}

// TestKerasLoadsTensorgoRNNWrappers: a tensorgo model with every wrapper,
// saved with SaveModel, loads in real Keras 3 (KERAS_PYTHONPATH, see
// /work/shared/formats/keras/setup_keras.sh; skipped without it) and
// predicts what tensorgo predicts.
func TestKerasLoadsTensorgoRNNWrappers(t *testing.T) {
	pp := os.Getenv("KERAS_PYTHONPATH")
	if pp == "" {
		t.Skip("KERAS_PYTHONPATH is not set: skipping the check with real Keras 3 (see /work/shared/formats/keras/setup_keras.sh)")
	}
	keras.ClearSession()
	back := layers.GRU(2, layers.ReturnSequences(true), layers.GoBackwards(true), layers.Activation("relu"))
	m := keras.NewSequential(layers.Input(5, 3),
		layers.Masking(0),
		layers.Bidirectional(layers.LSTM(3), "concat"),
		layers.RepeatVector(4),
		layers.TimeDistributed(layers.Dense(5, layers.Activation("tanh"))),
		layers.Bidirectional(layers.GRU(2, layers.ReturnSequences(true)), "sum", layers.BackwardLayer(back)),
		layers.Bidirectional(layers.RNN(layers.SimpleRNNCell(2), layers.ReturnSequences(true)), "mul"),
		layers.RNN(layers.LSTMCell(3, layers.UnitForgetBias(false)), layers.ReturnSequences(true)),
		layers.RNN(layers.GRUCell(2, layers.ResetAfter(false)), layers.GoBackwards(true)),
		layers.Dense(2))
	x := seq(2, 5, 3, 0.4)
	for j := 0; j < 3; j++ { // sample 1's last step is padding
		x.SetFloat(15+4*3+j, 0)
	}
	// Non-zero biases, so that each variable's place in the file matters.
	for _, l := range m.Layers() {
		for _, w := range l.LayerBase().WeightList() {
			if strings.HasPrefix(w.Name, "bias") {
				v := tensor.New(w.Var.DType(), w.Var.Shape()...)
				for i := 0; i < v.Size(); i++ {
					v.SetFloat(i, 0.1*float64(i%7)-0.3)
				}
				if err := w.Var.SetValue(v); err != nil {
					t.Fatal(err)
				}
			}
		}
	}
	want := predictBits(t, m, x)
	dir := t.TempDir()
	path := filepath.Join(dir, "wrappers.keras")
	if err := keras.SaveModel(m, path); err != nil {
		t.Fatal(err)
	}
	xs := make([]float64, x.Size())
	for i := range xs {
		xs[i] = x.Float(i)
	}
	in, _ := json.Marshal(map[string]any{"x_shape": []int(x.Shape()), "x": xs})
	inPath := filepath.Join(dir, "input.json")
	if err := os.WriteFile(inPath, in, 0o644); err != nil {
		t.Fatal(err)
	}
	script, _ := filepath.Abs(filepath.Join("..", "testdata", "keras3", "keras_predict.py"))
	cmd := exec.Command("/usr/bin/python3", script, path, inPath)
	cmd.Env = append(os.Environ(), "KERAS_BACKEND=numpy", "PYTHONPATH="+pp)
	out, err := cmd.Output()
	if err != nil {
		if ee, ok := err.(*exec.ExitError); ok {
			t.Fatalf("Keras failed to load %s: %v\n%s", path, err, ee.Stderr)
		}
		t.Fatal(err)
	}
	var got struct {
		Y []float64 `json:"y"`
	}
	if err := json.Unmarshal(out, &got); err != nil {
		t.Fatalf("keras_predict.py printed %q: %v", out, err)
	}
	if len(got.Y) != want.Size() {
		t.Fatalf("Keras predicted %d values, tensorgo %v", len(got.Y), want.Shape())
	}
	for i, y := range got.Y {
		if d := y - want.Float(i); d > 1e-5 || d < -1e-5 {
			t.Errorf("prediction %d: Keras %v, tensorgo %v", i, y, want.Float(i))
		}
	}
}

// A config whose wrapped layer does not fit the weights file (the Keras
// file above with its first LSTM's units changed) is an error naming the
// group, found before anything is built.
func TestWrapperConfigWeightsMismatch(t *testing.T) {
	src, err := zip.OpenReader(filepath.Join("testdata", "keras3", "rnn_wrappers.keras"))
	if err != nil {
		t.Fatal(err)
	}
	defer src.Close()
	path := filepath.Join(t.TempDir(), "bad.keras")
	out, err := os.Create(path)
	if err != nil {
		t.Fatal(err)
	}
	zw := zip.NewWriter(out)
	for _, f := range src.File {
		r, err := f.Open()
		if err != nil {
			t.Fatal(err)
		}
		b, err := io.ReadAll(r)
		r.Close()
		if err != nil {
			t.Fatal(err)
		}
		if f.Name == "config.json" {
			// The first "units": 3 is the forward LSTM's (and its copy's).
			s := strings.Replace(string(b), `"units": 3,`, `"units": 300,`, 2)
			if s == string(b) {
				t.Fatal("no units entry to change in config.json")
			}
			b = []byte(s)
		}
		w, err := zw.Create(f.Name)
		if err != nil {
			t.Fatal(err)
		}
		if _, err := w.Write(b); err != nil {
			t.Fatal(err)
		}
	}
	if err := zw.Close(); err != nil {
		t.Fatal(err)
	}
	if err := out.Close(); err != nil {
		t.Fatal(err)
	}
	keras.ClearSession()
	_, err = keras.LoadModel(path)
	if err == nil || !strings.Contains(err.Error(), "layers/bidirectional/forward_layer/cell/vars") {
		t.Errorf("LoadModel: %v, want an error naming layers/bidirectional/forward_layer/cell/vars", err)
	}
}
