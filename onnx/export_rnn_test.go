package onnx_test

import (
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"github.com/tensorgo/tensorgo/keras"
	"github.com/tensorgo/tensorgo/keras/layers"
	"github.com/tensorgo/tensorgo/onnx"
	"github.com/tensorgo/tensorgo/tensor"
	"github.com/tensorgo/tensorgo/tf"
)

// randomizeWeights gives every weight of m (kernels, recurrent kernels
// and, above all, biases, which start at zero or one) distinct random
// values in [-scale, scale], so that an export that dropped, swapped or
// misplaced a gate block or a bias half would show in the outputs.
func randomizeWeights(t *testing.T, m *keras.Model, seed int64, scale float64) {
	t.Helper()
	for i, v := range m.Weights() {
		val := tensor.RandomUniform(v.Value().DType(), v.Value().Shape(), -scale, scale, seed+int64(i))
		if err := v.SetValue(val); err != nil {
			t.Fatal(err)
		}
	}
}

// sequential builds, compiles and randomizes a Sequential model.
func sequential(t *testing.T, seed int64, ls ...layers.Layer) *keras.Model {
	t.Helper()
	keras.ClearSession()
	tensor.SetSeed(seed)
	m := keras.NewSequential(ls...)
	if err := m.Compile("adam", "mse"); err != nil {
		t.Fatal(err)
	}
	randomizeWeights(t, m, 1000*seed, 0.6)
	return m
}

// Recurrent models export, import back into tensorgo through the wire
// format with the same predictions, and (where ONNX Runtime is installed)
// run there with them too.
func TestExportRecurrentRoundTrip(t *testing.T) {
	rs, back := layers.ReturnSequences(true), layers.GoBackwards(true)
	cases := []struct {
		name string
		ls   func() []layers.Layer
		op   string
	}{
		{"SimpleRNN", func() []layers.Layer {
			return []layers.Layer{layers.SimpleRNN(5, layers.InputShape(7, 3)), layers.Dense(2)}
		}, "RNN"},
		{"SimpleRNN sequences backwards", func() []layers.Layer {
			return []layers.Layer{layers.SimpleRNN(5, rs, back, layers.InputShape(7, 3))}
		}, "RNN"},
		{"LSTM", func() []layers.Layer { return []layers.Layer{layers.LSTM(6, layers.InputShape(7, 3)), layers.Dense(2)} }, "LSTM"},
		{"LSTM sequences", func() []layers.Layer { return []layers.Layer{layers.LSTM(6, rs, layers.InputShape(7, 3))} }, "LSTM"},
		{"LSTM backwards", func() []layers.Layer { return []layers.Layer{layers.LSTM(6, back, layers.InputShape(7, 3))} }, "LSTM"},
		{"LSTM sequences backwards", func() []layers.Layer { return []layers.Layer{layers.LSTM(6, rs, back, layers.InputShape(7, 3))} }, "LSTM"},
		{"LSTM Dropout LSTM", func() []layers.Layer {
			return []layers.Layer{layers.LSTM(8, rs, layers.InputShape(7, 3)), layers.Dropout(0.2), layers.LSTM(4), layers.Dense(1)}
		}, "LSTM"},
		{"GRU reset_after", func() []layers.Layer { return []layers.Layer{layers.GRU(5, rs, layers.InputShape(7, 3))} }, "GRU"},
		{"GRU reset_before", func() []layers.Layer {
			return []layers.Layer{layers.GRU(5, rs, layers.ResetAfter(false), layers.InputShape(7, 3))}
		}, "GRU"},
		{"GRU reset_before backwards", func() []layers.Layer {
			return []layers.Layer{layers.GRU(5, back, layers.ResetAfter(false), layers.InputShape(7, 3))}
		}, "GRU"},
		{"GRU reset_after backwards sequences", func() []layers.Layer {
			return []layers.Layer{layers.GRU(5, rs, back, layers.InputShape(7, 3))}
		}, "GRU"},
		{"GRU without bias", func() []layers.Layer {
			return []layers.Layer{layers.GRU(5, layers.UseBias(false), layers.InputShape(7, 3))}
		}, "GRU"},
		{"Bidirectional GRU", func() []layers.Layer {
			return []layers.Layer{layers.Bidirectional(layers.GRU(4, rs), "concat", layers.InputShape(7, 3)), layers.Dense(2)}
		}, "GRU"},
		{"Bidirectional LSTM sum, GRU ave", func() []layers.Layer {
			return []layers.Layer{layers.Bidirectional(layers.LSTM(3, rs), "sum", layers.InputShape(7, 3)), layers.Bidirectional(layers.GRU(3), "ave")}
		}, "LSTM"},
		{"Embedding LSTM Dense", func() []layers.Layer {
			return []layers.Layer{layers.Embedding(12, 4, layers.InputShape(7)), layers.LSTM(6), layers.Dense(3, layers.Activation("softmax"))}
		}, "Gather"},
	}
	for i, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			m := sequential(t, int64(20+i), c.ls()...)
			in := m.Inputs()[0]
			var x *tensor.Tensor
			if in.Shape().Rank() == 2 { // token ids, as floats
				x = tensor.New(tensor.Float32, 4, in.Shape()[1])
				for j := range x.Float32s() {
					x.SetFloat(j, float64((j*7+3)%12))
				}
			} else {
				x = tensor.RandomUniform(tensor.Float32, tensor.Shape{4, in.Shape()[1], in.Shape()[2]}, -1, 1, int64(40+i))
			}
			exportAndCompare(t, c.name, m, x, c.op)
		})
	}
}

// rnnGraph is a graph-mode LSTM or GRU with initial states fed as inputs
// and every output (Keras's return_state) fetched.
type rnnGraph struct {
	sess    *tf.Session
	inputs  []*tf.Tensor
	outputs []*tf.Tensor
}

// With masked, a step is skipped where its first feature is zero.
func newRNNGraph(t *testing.T, cfg tf.RNNConfig, weightsAsInputs, masked bool) rnnGraph {
	t.Helper()
	g := tf.NewGraph()
	const steps, feats = 6, 3
	u := cfg.Units
	gates := map[string]int{"SimpleRNN": 1, "GRU": 3, "LSTM": 4}[cfg.Cell]
	x := tf.Placeholder(g, tensor.Float32, tensor.Shape{-1, steps, feats}, tf.Name("x"))
	r := tf.RNNInputs{X: x}
	if masked {
		first := tf.Squeeze(tf.Gather(x, tf.Constant(tensor.FromSlice([]int32{0})), 2), 2)
		r.Mask = tf.NotEqual(first, tf.Constant(tensor.Scalar(float32(0))))
	}
	ins := []*tf.Tensor{x}
	bias := tensor.Shape{gates * u}
	if cfg.Cell == "GRU" && cfg.ResetAfter {
		bias = tensor.Shape{2, gates * u}
	}
	weight := func(name string, shape tensor.Shape, seed int64) *tf.Tensor {
		if weightsAsInputs {
			p := tf.Placeholder(g, tensor.Float32, shape, tf.Name(name))
			ins = append(ins, p)
			return p
		}
		return tf.NewVariable(g, tensor.RandomUniform(tensor.Float32, shape, -0.6, 0.6, seed), tf.Name(name)).Tensor()
	}
	r.Kernel = weight("kernel", tensor.Shape{feats, gates * u}, 1)
	r.Recurrent = weight("recurrent", tensor.Shape{u, gates * u}, 2)
	r.Bias = weight("bias", bias, 3)
	r.H0 = tf.Placeholder(g, tensor.Float32, tensor.Shape{-1, u}, tf.Name("h0"))
	ins = append(ins, r.H0)
	if cfg.Cell == "LSTM" {
		r.C0 = tf.Placeholder(g, tensor.Float32, tensor.Shape{-1, u}, tf.Name("c0"))
		ins = append(ins, r.C0)
	}
	o := tf.RNN(cfg, r)
	outs := []*tf.Tensor{o.Y, o.H}
	if o.C != nil {
		outs = append(outs, o.C)
	}
	sess := tf.NewSession(g)
	if _, err := sess.Run(nil, nil, tf.GlobalVariablesInitializer(g)); err != nil {
		t.Fatal(err)
	}
	return rnnGraph{sess, ins, outs}
}

// Initial states fed as inputs become initial_h and initial_c, and the
// final states (return_state) are outputs; weights that are inputs rather
// than variables are rearranged by ops in the exported graph.
func TestExportRecurrentInitialState(t *testing.T) {
	cases := []struct {
		name           string
		cfg            tf.RNNConfig
		inputs, masked bool
	}{
		{"LSTM", tf.RNNConfig{Cell: "LSTM", Units: 4, ReturnSequences: true}, false, false},
		{"LSTM backwards, weights as inputs", tf.RNNConfig{Cell: "LSTM", Units: 4, ReturnSequences: true, GoBackwards: true}, true, false},
		{"GRU reset_after, weights as inputs", tf.RNNConfig{Cell: "GRU", Units: 3, ResetAfter: true}, true, false},
		{"GRU reset_before backwards", tf.RNNConfig{Cell: "GRU", Units: 3, GoBackwards: true, ReturnSequences: true}, false, false},
		{"SimpleRNN, weights as inputs", tf.RNNConfig{Cell: "SimpleRNN", Units: 5}, true, false},
		// Unrolled: the outputs are zero until a sample's first kept step
		// whatever the initial state, which the final states carry.
		{"masked LSTM backwards", tf.RNNConfig{Cell: "LSTM", Units: 4, ReturnSequences: true, GoBackwards: true}, false, true},
		{"masked GRU reset_after, weights as inputs", tf.RNNConfig{Cell: "GRU", Units: 3, ResetAfter: true, ReturnSequences: true}, true, true},
		{"masked SimpleRNN", tf.RNNConfig{Cell: "SimpleRNN", Units: 5}, false, true},
	}
	for i, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			rg := newRNNGraph(t, c.cfg, c.inputs, c.masked)
			feeds := tf.Feeds{}
			byName := map[string]*tensor.Tensor{}
			var vals []*tensor.Tensor
			for j, in := range rg.inputs {
				shape := in.Shape().Clone()
				if shape[0] < 0 {
					shape[0] = 3
				}
				v := tensor.RandomUniform(tensor.Float32, shape, -0.8, 0.8, int64(100*i+j))
				if j == 0 && c.masked { // skip steps (b, s): the first two, the last, all of the third sample
					for _, bs := range [][2]int{{0, 0}, {0, 1}, {1, 5}, {2, 0}, {2, 1}, {2, 2}, {2, 3}, {2, 4}, {2, 5}} {
						v.SetFloat((bs[0]*6+bs[1])*3, 0)
					}
				}
				feeds[in] = v
				byName[in.Name()] = v
				vals = append(vals, v)
			}
			want, err := rg.sess.Run(feeds, rg.outputs)
			if err != nil {
				t.Fatal(err)
			}
			model, err := onnx.ExportGraph(rg.inputs, rg.outputs)
			if err != nil {
				t.Fatal(err)
			}
			b, err := onnx.Encode(model)
			if err != nil {
				t.Fatal(err)
			}
			back, err := onnx.Decode(b, onnx.Limits{})
			if err != nil {
				t.Fatal(err)
			}
			im, err := onnx.Import(back)
			if err != nil {
				t.Fatal(err)
			}
			re, err := im.Predict(vals...)
			if err != nil {
				t.Fatal(err)
			}
			for j := range want {
				if d := maxAbsDiff(re[j], want[j]); d > 1e-5 {
					t.Fatalf("output %d (%s): re-imported model differs from tensorgo by %g", j, rg.outputs[j].Name(), d)
				}
			}
			got := runORT(t, model, byName)
			for j, o := range rg.outputs {
				assertClose(t, o.Name(), got[o.Name()], want[j], 1e-5)
			}
		})
	}
}

// The exported node names its activations, relu here, and runs in ONNX
// Runtime with tensorgo's outputs (TestRecurrentActivationsRoundTrip
// imports such nodes back).
func TestExportRecurrentReluActivation(t *testing.T) {
	cells := []func(int, ...layers.Option) *layers.RecurrentLayer{layers.SimpleRNN, layers.LSTM, layers.GRU}
	for i, name := range []string{"SimpleRNN", "LSTM", "GRU"} {
		m := sequential(t, int64(60+i), cells[i](4, layers.Activation("relu"), layers.ReturnSequences(true), layers.InputShape(5, 2)))
		model, err := onnx.ExportKeras(m)
		if err != nil {
			t.Fatal(err)
		}
		var acts []string
		for _, n := range model.Graph.Nodes {
			if a, ok := n.Attrs["activations"]; ok {
				acts = a.Strings
			}
		}
		if len(acts) == 0 || acts[len(acts)-1] != "Relu" {
			t.Fatalf("activations %v, want Relu last", acts)
		}
		x := tensor.RandomUniform(tensor.Float32, tensor.Shape{3, 5, 2}, -1, 1, int64(70+i))
		want, err := m.Predict(x, keras.Verbose(0))
		if err != nil {
			t.Fatal(err)
		}
		got := runORT(t, model, map[string]*tensor.Tensor{m.Inputs()[0].Name(): x})
		assertClose(t, name+" relu", got[m.Outputs()[0].Name()], want, 1e-5)
	}
}

// maskedSteps is a (4, 7, 3) batch whose steps listed in zero are all
// zeros (Masking(0) skips them): inside, at the start, at the end and
// everywhere of a sample, so that no sequence_lens could express them.
func maskedSteps(seed int64) *tensor.Tensor {
	x := tensor.RandomUniform(tensor.Float32, tensor.Shape{4, 7, 3}, -1, 1, seed)
	zero := map[int][]int{0: {2, 3}, 1: {0, 1, 5}, 2: {6}, 3: {0, 1, 2, 3, 4, 5, 6}}
	for b, steps := range zero {
		for _, s := range steps {
			for f := 0; f < 3; f++ {
				x.SetFloat((b*7+s)*3+f, 0)
			}
		}
	}
	return x
}

// A recurrent layer after a mask (Masking, or an Embedding with
// mask_zero), whose skipped steps ONNX's sequence_lens cannot express, or
// with an activation ONNX's recurrent ops lack (linear), exports unrolled
// over its steps, imports back with tensorgo's predictions and runs in
// ONNX Runtime with them.
func TestExportRecurrentUnrolled(t *testing.T) {
	rs, back, zero := layers.ReturnSequences(true), layers.GoBackwards(true), layers.ZeroOutputForMask(true)
	in := layers.InputShape(7, 3)
	cases := []struct {
		name string
		ls   func() []layers.Layer
	}{
		{"Masking LSTM", func() []layers.Layer { return []layers.Layer{layers.Masking(0, in), layers.LSTM(4)} }},
		{"Masking LSTM sequences backwards", func() []layers.Layer { return []layers.Layer{layers.Masking(0, in), layers.LSTM(4, rs, back)} }},
		{"Masking GRU sequences", func() []layers.Layer { return []layers.Layer{layers.Masking(0, in), layers.GRU(4, rs)} }},
		{"Masking GRU reset_before zero_output_for_mask", func() []layers.Layer {
			return []layers.Layer{layers.Masking(0, in), layers.GRU(4, rs, zero, layers.ResetAfter(false))}
		}},
		{"Masking SimpleRNN backwards, Dense", func() []layers.Layer {
			return []layers.Layer{layers.Masking(0, in), layers.SimpleRNN(4, back), layers.Dense(2)}
		}},
		{"Masking stacked LSTM", func() []layers.Layer {
			return []layers.Layer{layers.Masking(0, in), layers.LSTM(5, rs), layers.Dropout(0.2), layers.LSTM(3)}
		}},
		{"linear SimpleRNN", func() []layers.Layer {
			return []layers.Layer{layers.SimpleRNN(4, rs, layers.Activation("linear"), in)}
		}},
		{"linear GRU backwards", func() []layers.Layer {
			return []layers.Layer{layers.GRU(4, back, layers.Activation("linear"), in)}
		}},
	}
	for i, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			m := sequential(t, int64(130+i), c.ls()...)
			exportAndCompare(t, c.name, m, maskedSteps(int64(140+i)), "MatMul")
		})
	}
	t.Run("Embedding mask_zero LSTM", func(t *testing.T) {
		m := sequential(t, 150, layers.Embedding(9, 3, layers.MaskZero(true), layers.InputShape(6)), layers.LSTM(4, rs), layers.Dense(2))
		x := tensor.FromSlice([]float32{
			3, 0, 5, 0, 0, 2,
			0, 0, 1, 8, 4, 0,
			7, 6, 5, 4, 3, 2,
			0, 0, 0, 0, 0, 0,
		}, 4, 6)
		exportAndCompare(t, "Embedding mask_zero LSTM", m, x, "Gather", "Where")
	})
}

// A masked recurrent layer over sequences of unknown length cannot be
// unrolled: the error names the layer and why.
func TestExportRecurrentUnrolledNeedsSteps(t *testing.T) {
	m := sequential(t, 160, layers.Masking(0, layers.InputShape(-1, 3)), layers.GRU(3, layers.Name("masked_gru")))
	_, err := onnx.ExportKeras(m)
	if err == nil || !strings.Contains(err.Error(), "masked_gru") || !strings.Contains(err.Error(), "number of steps") {
		t.Fatalf("err %v, want one naming the layer and the unknown number of steps", err)
	}
}

// A sequence of unknown length reverses go_backwards' outputs with a
// Slice (tensorgo's importer lacks it, so only ONNX Runtime checks it).
func TestExportRecurrentUnknownSteps(t *testing.T) {
	g := tf.NewGraph()
	x := tf.Placeholder(g, tensor.Float32, tensor.Shape{-1, -1, 3}, tf.Name("x"))
	w := func(shape tensor.Shape, seed int64) *tf.Tensor {
		return tf.NewVariable(g, tensor.RandomUniform(tensor.Float32, shape, -0.6, 0.6, seed)).Tensor()
	}
	o := tf.RNN(tf.RNNConfig{Cell: "LSTM", Units: 4, ReturnSequences: true, GoBackwards: true},
		tf.RNNInputs{X: x, Kernel: w(tensor.Shape{3, 16}, 1), Recurrent: w(tensor.Shape{4, 16}, 2), Bias: w(tensor.Shape{16}, 3)})
	sess := tf.NewSession(g)
	if _, err := sess.Run(nil, nil, tf.GlobalVariablesInitializer(g)); err != nil {
		t.Fatal(err)
	}
	model, err := onnx.ExportGraph([]*tf.Tensor{x}, []*tf.Tensor{o.Y})
	if err != nil {
		t.Fatal(err)
	}
	slices := 0
	for _, n := range model.Graph.Nodes {
		if n.OpType == "Slice" {
			slices++
		}
	}
	if slices != 1 {
		t.Fatalf("%d Slice nodes, want 1 reversing the outputs", slices)
	}
	xv := tensor.RandomUniform(tensor.Float32, tensor.Shape{2, 5, 3}, -1, 1, 9)
	want, err := sess.Run(tf.Feeds{x: xv}, []*tf.Tensor{o.Y})
	if err != nil {
		t.Fatal(err)
	}
	got := runORT(t, model, map[string]*tensor.Tensor{x.Name(): xv})
	assertClose(t, "LSTM of unknown length, backwards", got[o.Y.Name()], want[0], 1e-5)
}

// Exported recurrent models pass the onnx package's full checker (strict
// shape inference included), where Debian's python3-onnx is installed.
func TestExportedRecurrentPassesChecker(t *testing.T) {
	skipWithoutChecker(t)
	models := map[string]*keras.Model{
		"fused": sequential(t, 90,
			layers.Embedding(9, 3, layers.InputShape(6)),
			layers.LSTM(5, layers.ReturnSequences(true), layers.GoBackwards(true)),
			layers.GRU(4, layers.ReturnSequences(true)),
			layers.SimpleRNN(3, layers.Activation("relu")),
			layers.Dense(1),
		),
		"unrolled": sequential(t, 91,
			layers.Embedding(9, 3, layers.MaskZero(true), layers.InputShape(4)),
			layers.LSTM(3, layers.ReturnSequences(true), layers.GoBackwards(true)),
			layers.GRU(2, layers.ResetAfter(false)),
		),
	}
	for name, m := range models {
		model, err := onnx.ExportKeras(m)
		if err != nil {
			t.Fatal(err)
		}
		b, _ := onnx.Encode(model)
		path := filepath.Join(t.TempDir(), "rnn.onnx")
		if err := os.WriteFile(path, b, 0o644); err != nil {
			t.Fatal(err)
		}
		out, err := exec.Command("/usr/bin/python3", "-c",
			"import onnx,sys; m=onnx.load(sys.argv[1]); onnx.checker.check_model(m, full_check=True); "+
				"onnx.shape_inference.infer_shapes(m, check_type=True, strict_mode=True); print('ok')", path).CombinedOutput()
		if err != nil || strings.TrimSpace(string(out)) != "ok" {
			t.Fatalf("%s: checker: %v\n%s", name, err, out)
		}
	}
}

// The ops masks are made of export: NotEqual, ZerosLike (of floats, of
// integers and of booleans), ExpandDims and Squeeze; ONNX Runtime gives
// tensorgo's values.
func TestExportMaskOps(t *testing.T) {
	g := tf.NewGraph()
	x := tf.Placeholder(g, tensor.Float32, tensor.Shape{-1, 3}, tf.Name("x"))
	ids := tf.Cast(x, tensor.Int32)
	ne := tf.NotEqual(ids, tf.ZerosLike(ids))
	// ne or all false, as 0/1, plus float zeros: (batch, 3).
	kept := tf.Add(tf.Cast(tf.LogicalOr(ne, tf.ZerosLike(ne)), tensor.Float32), tf.ZerosLike(x))
	// (batch, 1, 3) times (1) 2, squeezed back to (batch, 3).
	two := tf.ExpandDims(tf.Constant(tensor.Scalar(float32(2))), 0)
	y := tf.Squeeze(tf.Mul(tf.ExpandDims(kept, 1), two), 1)
	sess := tf.NewSession(g)
	xv := tensor.FromSlice([]float32{0, 1.5, -2, 3, 0.4, 0}, 2, 3)
	want, err := sess.Run(tf.Feeds{x: xv}, []*tf.Tensor{y})
	if err != nil {
		t.Fatal(err)
	}
	// By hand: 2 where the truncated value is not 0.
	for i, w := range []float32{0, 2, 2, 2, 0, 0} {
		if want[0].Float32s()[i] != w {
			t.Fatalf("tensorgo gives %v, want %v at %d", want[0].Float32s(), w, i)
		}
	}
	model, err := onnx.ExportGraph([]*tf.Tensor{x}, []*tf.Tensor{y})
	if err != nil {
		t.Fatal(err)
	}
	got := runORT(t, model, map[string]*tensor.Tensor{x.Name(): xv})
	assertClose(t, "mask ops", got[y.Name()], want[0], 0)
}
