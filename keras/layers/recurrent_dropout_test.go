package layers_test

import (
	"math"
	"testing"

	"github.com/tensorgo/tensorgo/keras"
	"github.com/tensorgo/tensorgo/keras/initializers"
	"github.com/tensorgo/tensorgo/keras/layers"
	"github.com/tensorgo/tensorgo/tensor"
	"github.com/tensorgo/tensorgo/tf"
)

// A linear SimpleRNN with W = 1, U = I and no bias on inputs of ones gives
// h_1 = 1, then h_t = 1 + h_{t-1}⊙M: with recurrent dropout the mask M
// shows through. Each element must be 0 or 1/(1−rate), about rate of them
// zero, and the same mask must serve every step of a sample.
func TestRecurrentDropoutMaskSemantics(t *testing.T) {
	keras.ClearSession()
	const batch, units, rate = 64, 50, 0.3
	l := layers.SimpleRNN(units, layers.Activation("linear"), layers.UseBias(false), layers.ReturnSequences(true),
		layers.KernelInitializer(initializers.Ones()), layers.RecurrentInitializer(initializers.Identity(1)),
		layers.RecurrentDropout(rate), layers.Seed(5))
	ones := tensor.New(tensor.Float32, batch, 3, 1)
	for i := 0; i < ones.Size(); i++ {
		ones.SetFloat(i, 1)
	}
	x := tf.Constant(ones)
	y := layers.ApplyTraining(l, true, x).Value() // (batch, 3, units)
	scale := float64(float32(1 / (1 - rate)))     // float32, as the layer computes
	zeros := 0
	for b := 0; b < batch; b++ {
		for j := 0; j < units; j++ {
			h1, h2, h3 := y.Float((b*3+0)*units+j), y.Float((b*3+1)*units+j), y.Float((b*3+2)*units+j)
			if h1 != 1 {
				t.Fatalf("h_1[%d,%d] = %v, want 1", b, j, h1)
			}
			m := h2 - 1
			if math.Abs(m) > 1e-5 && math.Abs(m-scale) > 1e-5 {
				t.Fatalf("mask[%d,%d] = %v, want 0 or %v", b, j, m, scale)
			}
			if want := 1 + h2*m; math.Abs(h3-want) > 1e-5 {
				t.Fatalf("h_3[%d,%d] = %v, want 1 + h_2·m = %v: not the same mask at every step", b, j, h3, want)
			}
			if math.Abs(m) <= 1e-5 {
				zeros++
			}
		}
	}
	// 3200 draws at p = 0.3: the standard deviation of the count is 26.
	if n := float64(batch * units); math.Abs(float64(zeros)-rate*n) > 5*math.Sqrt(n*rate*(1-rate)) {
		t.Errorf("%d of %v mask elements are zero, want about %v", zeros, n, rate*n)
	}
	// Inference uses the whole state: h_t = t.
	inf := layers.ApplyTraining(l, false, x).Value()
	for i := 0; i < inf.Size(); i++ {
		if want := float64(i/units%3 + 1); inf.Float(i) != want {
			t.Fatalf("inference output %d = %v, want %v", i, inf.Float(i), want)
		}
	}
}

// Each cell with recurrent dropout: inference is the layer without it,
// training differs, the same seed repeats the same training output, and a
// model trains (finite loss going down).
func TestRecurrentDropoutCells(t *testing.T) {
	for _, mk := range []struct {
		name string
		f    func(opts ...layers.Option) layers.Layer
	}{
		{"SimpleRNN", func(o ...layers.Option) layers.Layer { return layers.SimpleRNN(4, o...) }},
		{"LSTM", func(o ...layers.Option) layers.Layer { return layers.LSTM(4, o...) }},
		{"GRU", func(o ...layers.Option) layers.Layer { return layers.GRU(4, o...) }},
		{"GRU reset before", func(o ...layers.Option) layers.Layer {
			return layers.GRU(4, append(o, layers.ResetAfter(false))...)
		}},
		{"RNN(LSTMCell)", func(o ...layers.Option) layers.Layer { return layers.RNN(layers.LSTMCell(4, o...)) }},
	} {
		run := func(rate, inRate float64, training bool) *tensor.Tensor {
			keras.ClearSession()
			tensor.SetSeed(3)
			l := mk.f(layers.RecurrentDropout(rate), layers.RNNDropout(inRate), layers.Seed(9))
			return layers.ApplyTraining(l, training, tf.Constant(seq(5, 6, 2, 0.5))).Value()
		}
		differ := func(a, b *tensor.Tensor) bool {
			for i := 0; i < a.Size(); i++ {
				if a.Float(i) != b.Float(i) {
					return true
				}
			}
			return false
		}
		plain := run(0, 0, false)
		closeTo(t, mk.name+": inference with recurrent dropout", run(0.4, 0, false), plain, 0)
		closeTo(t, mk.name+": inference with both dropouts", run(0.4, 0.3, false), plain, 0)
		a, b := run(0.4, 0, true), run(0.4, 0, true)
		closeTo(t, mk.name+": training, same seed", a, b, 0)
		if !differ(a, plain) {
			t.Errorf("%s: recurrent dropout changed nothing while training", mk.name)
		}
		// Both: the input masks (one per gate, but for SimpleRNN) change the
		// result again, and repeat with the seed.
		c, d := run(0.4, 0.3, true), run(0.4, 0.3, true)
		closeTo(t, mk.name+": both dropouts, same seed", c, d, 0)
		if !differ(c, a) {
			t.Errorf("%s: input dropout changed nothing besides recurrent dropout", mk.name)
		}
	}
	keras.ClearSession()
	tensor.SetSeed(1)
	m := keras.NewSequential(layers.LSTM(8, layers.RecurrentDropout(0.25), layers.InputShape(6, 2)), layers.Dense(1))
	if err := m.Compile("adam", "mse"); err != nil {
		t.Fatal(err)
	}
	x := seq(32, 6, 2, 0)
	y := tensor.New(tensor.Float32, 32, 1)
	for i := 0; i < 32; i++ {
		y.SetFloat(i, x.Float(i*12+11))
	}
	h, err := m.Fit(x, y, keras.Epochs(15), keras.BatchSize(8), keras.Verbose(0))
	if err != nil {
		t.Fatal(err)
	}
	l := h.History["loss"]
	if math.IsNaN(l[len(l)-1]) || !(l[len(l)-1] < l[0]) {
		t.Errorf("losses %v: want finite and going down", l)
	}
}
