package onnx_test

import (
	"math"
	"strings"
	"testing"

	"github.com/tensorgo/tensorgo/keras/layers"
	"github.com/tensorgo/tensorgo/onnx"
	"github.com/tensorgo/tensorgo/tensor"
)

// Recurrent layers with a relu or sigmoid activation export as ONNX's
// RNN, LSTM and GRU naming it, import back into tensorgo with the same
// predictions, and (where ONNX Runtime is installed) run there with them
// too.
func TestRecurrentActivationsRoundTrip(t *testing.T) {
	rs, in := layers.ReturnSequences(true), layers.InputShape(6, 3)
	relu, sigmoid := layers.Activation("relu"), layers.Activation("sigmoid")
	cases := []struct {
		name string
		ls   func() []layers.Layer
		op   string
	}{
		{"relu SimpleRNN", func() []layers.Layer { return []layers.Layer{layers.SimpleRNN(5, relu, rs, in)} }, "RNN"},
		{"relu SimpleRNN backwards", func() []layers.Layer {
			return []layers.Layer{layers.SimpleRNN(5, relu, layers.GoBackwards(true), in), layers.Dense(2)}
		}, "RNN"},
		{"relu LSTM", func() []layers.Layer { return []layers.Layer{layers.LSTM(4, relu, rs, in)} }, "LSTM"},
		{"relu GRU reset_after", func() []layers.Layer { return []layers.Layer{layers.GRU(4, relu, rs, in)} }, "GRU"},
		{"relu GRU reset_before", func() []layers.Layer {
			return []layers.Layer{layers.GRU(4, relu, rs, layers.ResetAfter(false), in)}
		}, "GRU"},
		{"sigmoid SimpleRNN", func() []layers.Layer { return []layers.Layer{layers.SimpleRNN(5, sigmoid, rs, in)} }, "RNN"},
		{"sigmoid LSTM backwards", func() []layers.Layer {
			return []layers.Layer{layers.LSTM(4, sigmoid, rs, layers.GoBackwards(true), in)}
		}, "LSTM"},
		{"sigmoid GRU", func() []layers.Layer { return []layers.Layer{layers.GRU(4, sigmoid, in)} }, "GRU"},
		{"Bidirectional relu LSTM", func() []layers.Layer {
			return []layers.Layer{layers.Bidirectional(layers.LSTM(3, relu, rs), "concat", in), layers.Dense(2)}
		}, "LSTM"},
	}
	for i, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			m := sequential(t, int64(300+i), c.ls()...)
			x := tensor.RandomUniform(tensor.Float32, tensor.Shape{4, 6, 3}, -1, 1, int64(320+i))
			exportAndCompare(t, c.name, m, x, c.op)
		})
	}
}

// onnxRecurrent describes one ONNX RNN, GRU or LSTM node over random
// weights, for the direct loops below.
type onnxRecurrent struct {
	op                string // "RNN", "GRU" or "LSTM"
	direction         string // "forward", "reverse" or "bidirectional"
	activations       []string
	linearBeforeReset bool
	steps, batch      int
	input, hidden     int
}

func (r onnxRecurrent) gates() int { return map[string]int{"RNN": 1, "GRU": 3, "LSTM": 4}[r.op] }

func (r onnxRecurrent) dirs() int {
	if r.direction == "bidirectional" {
		return 2
	}
	return 1
}

// model returns the node as a model with input X and initializers W, R
// and B, and the values of those.
func (r onnxRecurrent) model(seed int64) (m *onnx.Model, x, w, rec, b *tensor.Tensor) {
	g, d := r.gates(), r.dirs()
	x = tensor.RandomUniform(tensor.Float32, tensor.Shape{r.steps, r.batch, r.input}, -1, 1, seed)
	w = tensor.RandomUniform(tensor.Float32, tensor.Shape{d, g * r.hidden, r.input}, -0.7, 0.7, seed+1)
	rec = tensor.RandomUniform(tensor.Float32, tensor.Shape{d, g * r.hidden, r.hidden}, -0.7, 0.7, seed+2)
	b = tensor.RandomUniform(tensor.Float32, tensor.Shape{d, 2 * g * r.hidden}, -0.5, 0.5, seed+3)
	attrs := map[string]onnx.Attr{
		"hidden_size": {Kind: onnx.AttrInt, Int: int64(r.hidden)},
		"direction":   {Kind: onnx.AttrString, String: r.direction},
	}
	if r.activations != nil {
		attrs["activations"] = onnx.Attr{Kind: onnx.AttrStrings, Strings: r.activations}
	}
	if r.linearBeforeReset {
		attrs["linear_before_reset"] = onnx.Attr{Kind: onnx.AttrInt, Int: 1}
	}
	outs := []string{"Y", "Y_h"}
	if r.op == "LSTM" {
		outs = append(outs, "Y_c")
	}
	var values []onnx.Value
	for _, o := range outs {
		values = append(values, onnx.Value{Name: o, DType: tensor.Float32})
	}
	m = &onnx.Model{Graph: onnx.Graph{
		Inputs:       []onnx.Value{{Name: "X", DType: tensor.Float32, Shape: []int{r.steps, r.batch, r.input}}},
		Outputs:      values,
		Initializers: map[string]*tensor.Tensor{"W": w, "R": rec, "B": b},
		Nodes:        []onnx.Node{{Name: "rnn", OpType: r.op, Inputs: []string{"X", "W", "R", "B"}, Outputs: outs, Attrs: attrs}},
	}}
	return m, x, w, rec, b
}

// activation applies one of ONNX's activation functions by name.
func activation(name string, v float64) float64 {
	switch name {
	case "Relu":
		return math.Max(v, 0)
	case "Sigmoid":
		return 1 / (1 + math.Exp(-v))
	case "Tanh":
		return math.Tanh(v)
	}
	panic("no activation " + name)
}

// reference computes the node's outputs Y (steps, dirs, batch, hidden),
// Y_h and Y_c (dirs, batch, hidden) by ONNX's equations, one loop per
// direction, step, sample and unit.
func (r onnxRecurrent) reference(x, w, rec, b *tensor.Tensor) (y, yh, yc []float64) {
	H, I, G, D := r.hidden, r.input, r.gates(), r.dirs()
	y = make([]float64, r.steps*D*r.batch*H)
	yh = make([]float64, D*r.batch*H)
	yc = make([]float64, D*r.batch*H)
	acts := r.activations
	k := map[string]int{"RNN": 1, "GRU": 2, "LSTM": 3}[r.op]
	for d := 0; d < D; d++ {
		f := acts[(d*k)%len(acts):][:k]
		// Wx+Wb and Rh+Rb of gate block gi, unit j.
		wx := func(gi, j, t, s int) float64 {
			v := b.Float(d*2*G*H + gi*H + j)
			for i := 0; i < I; i++ {
				v += w.Float((d*G*H+gi*H+j)*I+i) * x.Float((t*r.batch+s)*I+i)
			}
			return v
		}
		rh := func(gi, j int, h []float64) float64 {
			v := b.Float(d*2*G*H + G*H + gi*H + j)
			for i := 0; i < H; i++ {
				v += rec.Float((d*G*H+gi*H+j)*H+i) * h[i]
			}
			return v
		}
		for s := 0; s < r.batch; s++ {
			h, c := make([]float64, H), make([]float64, H)
			for n := 0; n < r.steps; n++ {
				t := n
				if r.direction == "reverse" || d == 1 {
					t = r.steps - 1 - n
				}
				next := make([]float64, H)
				for j := 0; j < H; j++ {
					switch r.op {
					case "RNN":
						next[j] = activation(f[0], wx(0, j, t, s)+rh(0, j, h))
					case "LSTM": // blocks i, o, f, c
						i := activation(f[0], wx(0, j, t, s)+rh(0, j, h))
						o := activation(f[0], wx(1, j, t, s)+rh(1, j, h))
						fg := activation(f[0], wx(2, j, t, s)+rh(2, j, h))
						cc := activation(f[1], wx(3, j, t, s)+rh(3, j, h))
						c[j] = fg*c[j] + i*cc // c[j] is read only here
						next[j] = o * activation(f[2], c[j])
					case "GRU": // blocks z, r, h
						z := activation(f[0], wx(0, j, t, s)+rh(0, j, h))
						var hh float64
						if r.linearBeforeReset {
							rg := activation(f[0], wx(1, j, t, s)+rh(1, j, h))
							hh = activation(f[1], wx(2, j, t, s)+rg*rh(2, j, h))
						} else {
							rh2 := make([]float64, H) // r ⊙ h for the candidate
							for i := range rh2 {
								rh2[i] = activation(f[0], wx(1, i, t, s)+rh(1, i, h)) * h[i]
							}
							hh = activation(f[1], wx(2, j, t, s)+rh(2, j, rh2))
						}
						next[j] = (1-z)*hh + z*h[j]
					}
				}
				h = next
				copy(y[((t*D+d)*r.batch+s)*H:], h)
			}
			copy(yh[(d*r.batch+s)*H:], h)
			copy(yc[(d*r.batch+s)*H:], c)
		}
	}
	return y, yh, yc
}

// ONNX recurrent nodes with Relu, Sigmoid or Tanh activations (each
// direction its own) import with the outputs of ONNX's equations,
// computed here by direct loops.
func TestImportRecurrentActivations(t *testing.T) {
	cases := []onnxRecurrent{
		{op: "RNN", direction: "forward", activations: []string{"Relu"}},
		{op: "RNN", direction: "bidirectional", activations: []string{"Relu", "Sigmoid"}},
		{op: "RNN", direction: "reverse", activations: []string{"Sigmoid"}},
		{op: "LSTM", direction: "forward", activations: []string{"Sigmoid", "Relu", "Relu"}},
		{op: "LSTM", direction: "bidirectional", activations: []string{"Sigmoid", "Sigmoid", "Sigmoid", "Sigmoid", "Relu", "Relu"}},
		{op: "GRU", direction: "reverse", activations: []string{"Sigmoid", "Relu"}},
		{op: "GRU", direction: "forward", activations: []string{"Sigmoid", "Relu"}, linearBeforeReset: true},
		{op: "GRU", direction: "bidirectional", activations: []string{"Sigmoid", "Tanh", "Sigmoid", "Sigmoid"}, linearBeforeReset: true},
	}
	for i, c := range cases {
		c.steps, c.batch, c.input, c.hidden = 4, 2, 3, 3
		name := c.op + " " + c.direction + " " + strings.Join(c.activations, ",")
		t.Run(name, func(t *testing.T) {
			m, x, w, rec, b := c.model(int64(10 * i))
			im, err := onnx.Import(m)
			if err != nil {
				t.Fatal(err)
			}
			got, err := im.Predict(x)
			if err != nil {
				t.Fatal(err)
			}
			y, yh, yc := c.reference(x, w, rec, b)
			wants := [][]float64{y, yh}
			if c.op == "LSTM" {
				wants = append(wants, yc)
			}
			for j, want := range wants {
				if got[j].Size() != len(want) {
					t.Fatalf("output %d has shape %v, want %d values", j, got[j].Shape(), len(want))
				}
				for k, v := range want {
					if d := math.Abs(got[j].Float(k) - v); d > 1e-5 {
						t.Fatalf("output %d, value %d: %v, want %v by ONNX's equations", j, k, got[j].Float(k), v)
					}
				}
			}
			// The loops agree with ONNX Runtime, where it is installed.
			ort := runORT(t, m, map[string]*tensor.Tensor{"X": x})
			for j, want := range wants {
				out := m.Graph.Outputs[j].Name
				for k, v := range want {
					if d := math.Abs(ort[out].Data[k] - v); d > 1e-5 {
						t.Fatalf("output %s, value %d: ONNX Runtime gives %v, the loops %v", out, k, ort[out].Data[k], v)
					}
				}
			}
		})
	}
}

// Activations tensorgo's RNN op lacks are refused with an error naming
// them, rather than imported as another.
func TestImportRecurrentUnsupportedActivations(t *testing.T) {
	cases := []struct {
		r    onnxRecurrent
		want []string
	}{
		{onnxRecurrent{op: "RNN", direction: "forward", activations: []string{"Affine"}}, []string{`"Affine"`, "Tanh, Relu or Sigmoid"}},
		{onnxRecurrent{op: "RNN", direction: "bidirectional", activations: []string{"Tanh", "LeakyRelu"}}, []string{`"LeakyRelu"`}},
		{onnxRecurrent{op: "GRU", direction: "forward", activations: []string{"HardSigmoid", "Tanh"}}, []string{`gate activation "HardSigmoid"`, "Sigmoid"}},
		{onnxRecurrent{op: "GRU", direction: "forward", activations: []string{"Sigmoid", "Softsign"}}, []string{`"Softsign"`}},
		{onnxRecurrent{op: "LSTM", direction: "forward", activations: []string{"Sigmoid", "Relu", "Tanh"}}, []string{"(Relu)", "(Tanh)", "differ"}},
		{onnxRecurrent{op: "LSTM", direction: "bidirectional", activations: []string{"Sigmoid", "Tanh", "Tanh", "Sigmoid", "Elu", "Elu"}}, []string{`"Elu"`}},
		{onnxRecurrent{op: "LSTM", direction: "forward", activations: []string{"Sigmoid", "Tanh"}}, []string{"want 3 per direction", "got 2"}},
		// As ONNX Runtime: both directions listed, names spelt as ONNX's.
		{onnxRecurrent{op: "GRU", direction: "bidirectional", activations: []string{"Sigmoid", "Relu"}}, []string{"want 2 per direction (2 direction(s)), got 2"}},
		{onnxRecurrent{op: "RNN", direction: "forward", activations: []string{"relu"}}, []string{`"relu"`}},
	}
	for _, c := range cases {
		c.r.steps, c.r.batch, c.r.input, c.r.hidden = 3, 1, 2, 2
		m, _, _, _, _ := c.r.model(1)
		_, err := onnx.Import(m)
		if err == nil {
			t.Errorf("%s %v: imported, want an error", c.r.op, c.r.activations)
			continue
		}
		for _, w := range append(c.want, c.r.op) {
			if !strings.Contains(err.Error(), w) {
				t.Errorf("%s %v: error %q does not say %q", c.r.op, c.r.activations, err, w)
			}
		}
	}
}

// FuzzImportRecurrentActivations imports RNN, GRU and LSTM nodes with
// any activations list: each either fails to import with an error or
// imports with the outputs of ONNX's equations (the direct loops above).
func FuzzImportRecurrentActivations(f *testing.F) {
	for _, s := range []struct {
		op, dir uint8
		acts    string
		lbr     bool
	}{
		{0, 0, "Relu", false}, {0, 2, "Relu,Sigmoid", false}, {1, 1, "Sigmoid,Relu", true},
		{2, 0, "Sigmoid,Relu,Relu", false}, {2, 2, "Sigmoid,Tanh,Tanh,Sigmoid,Sigmoid,Sigmoid", false},
		{1, 0, "", false},
		// Corrupt: unknown, misspelt, missing or surplus names.
		{1, 0, "HardSigmoid,Tanh", false}, {0, 0, "Affine", false}, {0, 0, "relu", false},
		{2, 0, "Sigmoid,Relu,Tanh", false}, {2, 2, "Sigmoid,Tanh,Tanh", false}, {1, 0, ",,,", false},
		{0, 1, "Tanh,Tanh,Tanh,Tanh,Tanh", false}, {1, 2, "Sigmoid\x00,Tanh", true},
	} {
		f.Add(s.op, s.dir, s.acts, s.lbr)
	}
	f.Fuzz(func(t *testing.T, op, dir uint8, acts string, lbr bool) {
		r := onnxRecurrent{
			op:        []string{"RNN", "GRU", "LSTM"}[op%3],
			direction: []string{"forward", "reverse", "bidirectional"}[dir%3],
			steps:     3, batch: 2, input: 2, hidden: 2,
			linearBeforeReset: lbr,
		}
		if acts != "" {
			r.activations = strings.Split(acts, ",")
			if len(r.activations) > 8 {
				return
			}
		}
		m, x, w, rec, b := r.model(3)
		im, err := onnx.Import(m)
		if err != nil {
			return
		}
		got, err := im.Predict(x)
		if err != nil {
			t.Fatalf("%s %s %q: imported, then Predict: %v", r.op, r.direction, r.activations, err)
		}
		if r.activations == nil {
			defs := map[string][]string{"RNN": {"Tanh"}, "GRU": {"Sigmoid", "Tanh"}, "LSTM": {"Sigmoid", "Tanh", "Tanh"}}[r.op]
			for d := 0; d < r.dirs(); d++ {
				r.activations = append(r.activations, defs...)
			}
		}
		y, yh, yc := r.reference(x, w, rec, b)
		for j, want := range [][]float64{y, yh, yc}[:len(got)] {
			for k, v := range want {
				if d := math.Abs(got[j].Float(k) - v); d > 1e-5 {
					t.Fatalf("%s %s %q: output %d value %d is %v, want %v", r.op, r.direction, r.activations, j, k, got[j].Float(k), v)
				}
			}
		}
	})
}
