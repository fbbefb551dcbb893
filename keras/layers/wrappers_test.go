package layers_test

import (
	"math"
	"strings"
	"testing"

	"github.com/tensorgo/tensorgo/keras"
	"github.com/tensorgo/tensorgo/keras/layers"
	"github.com/tensorgo/tensorgo/optimizers"
	"github.com/tensorgo/tensorgo/tensor"
	"github.com/tensorgo/tensorgo/tf"
)

// copyWeights gives dst the values of src's weights.
func copyWeights(t *testing.T, dst, src *layers.RecurrentLayer) {
	t.Helper()
	d, s := dst.LayerBase().Weights(), src.LayerBase().Weights()
	if len(d) != len(s) {
		t.Fatalf("%d weights, want %d", len(d), len(s))
	}
	for i := range d {
		if err := d[i].SetValue(s[i].Value()); err != nil {
			t.Fatal(err)
		}
	}
}

func TestBidirectionalMergeModes(t *testing.T) {
	x := seq(2, 4, 3, 0.5)
	for _, seqs := range []bool{false, true} {
		for _, mode := range []string{"concat", "sum", "mul", "ave"} {
			keras.ClearSession()
			bi := layers.Bidirectional(layers.GRU(2, layers.ReturnSequences(seqs)), mode)
			got := bi.Apply(tf.Constant(x)).Value()
			// Independently: a forward GRU with the forward weights on x, and
			// one with the backward weights on x reversed in time.
			f := layers.GRU(2, layers.ReturnSequences(seqs))
			f.Apply(tf.Constant(x))
			copyWeights(t, f, bi.Forward)
			b := layers.GRU(2, layers.ReturnSequences(seqs))
			b.Apply(tf.Constant(x))
			copyWeights(t, b, bi.Backward)
			yf := f.Apply(tf.Constant(x)).Value()
			zb := b.Apply(tf.Constant(reverse(x))).Value()
			steps := 1
			if seqs {
				steps = 4
			}
			width := 2
			if mode == "concat" {
				width = 4
			}
			for n := 0; n < 2; n++ {
				for s := 0; s < steps; s++ {
					for j := 0; j < 2; j++ {
						fv := yf.Float((n*steps+s)*2 + j)
						bv := zb.Float((n*steps+s)*2 + j)
						if seqs { // the backward output at step s is for input step s
							bv = zb.Float((n*steps+steps-1-s)*2 + j)
						}
						var want []float64
						switch mode {
						case "concat":
							want = []float64{fv, bv}
						case "sum":
							want = []float64{fv + bv}
						case "mul":
							want = []float64{fv * bv}
						case "ave":
							want = []float64{(fv + bv) / 2}
						}
						for k, w := range want {
							idx := (n*steps+s)*width + j + 2*k
							if math.Abs(got.Float(idx)-w) > 1e-6 {
								t.Fatalf("seq=%v %s: element (%d, %d, %d) = %v, want %v", seqs, mode, n, s, j+2*k, got.Float(idx), w)
							}
						}
					}
				}
			}
		}
	}
	if msg := catch(func() { layers.Bidirectional(layers.LSTM(2), "first") }); !strings.Contains(msg, "first") {
		t.Errorf("an unknown merge mode: %q", msg)
	}
}

func TestBidirectionalInAModel(t *testing.T) {
	keras.ClearSession()
	m := keras.NewSequential(
		layers.Bidirectional(layers.LSTM(10, layers.ReturnSequences(true)), "concat", layers.InputShape(5, 10)),
		layers.Bidirectional(layers.LSTM(10), ""),
		layers.Dense(5))
	// Keras: 2·4·(10+10+1)·10 = 1,680, then 2·4·(20+10+1)·10 = 2,480, then 21·5.
	if got, want := m.CountParams(), 1680+2480+105; got != want {
		t.Errorf("%d parameters, want %d", got, want)
	}
	s, _ := m.SummaryString()
	if !strings.Contains(s, "1,680") || !strings.Contains(s, "(None, 5, 20)") {
		t.Errorf("summary:\n%s", s)
	}
	if err := m.Compile(optimizers.NewAdam(0.01), "mse"); err != nil {
		t.Fatal(err)
	}
	x, y := seq(8, 5, 10, 0), tensor.New(tensor.Float32, 8, 5)
	h, err := m.Fit(x, y, keras.Epochs(5), keras.Verbose(0))
	if err != nil {
		t.Fatal(err)
	}
	l := h.History["loss"]
	if !(l[len(l)-1] < l[0]) {
		t.Errorf("the loss did not fall: %v", l)
	}
}

func TestTimeDistributedDense(t *testing.T) {
	keras.ClearSession()
	x := seq(2, 4, 5, 0)
	d := layers.Dense(3)
	td := layers.TimeDistributed(d)
	y := td.Apply(tf.Constant(x)).Value()
	if !y.Shape().Equal(tensor.Shape{2, 4, 3}) {
		t.Fatalf("shape %v", y.Shape())
	}
	k, b := d.Kernel.Value(), d.Bias.Value()
	for n := 0; n < 8; n++ { // sample·step
		for j := 0; j < 3; j++ {
			want := b.Float(j)
			for f := 0; f < 5; f++ {
				want += x.Float(n*5+f) * k.Float(f*3+j)
			}
			if math.Abs(y.Float(n*3+j)-want) > 1e-5 {
				t.Fatalf("element %d, %d = %v, want %v", n, j, y.Float(n*3+j), want)
			}
		}
	}
	if td.CountParams() != 18 {
		t.Errorf("%d parameters, want 18", td.CountParams())
	}
}

func TestMaskingSkipsPaddedSteps(t *testing.T) {
	keras.ClearSession()
	// Sample 0's second step is padding (all features -1).
	x := tensor.FromSlice([]float32{1, 2, -1, -1, 3, 1, 0.5, 0.5, 1, -1, 2, 2}, 2, 3, 2)
	masked := layers.Masking(-1).Apply(tf.Constant(x))
	mv := masked.Value()
	if mv.Float(2) != 0 || mv.Float(3) != 0 || mv.Float(9) != -1 {
		t.Errorf("masked values %v", mv)
	}
	l := layers.LSTM(3)
	got := l.Apply(masked).Value()
	short := l.Apply(tf.Constant(tensor.FromSlice([]float32{1, 2, 3, 1}, 1, 2, 2))).Value()
	for j := 0; j < 3; j++ {
		if math.Abs(got.Float(j)-short.Float(j)) > 1e-6 {
			t.Fatalf("masked %v, without the padded step %v", got, short)
		}
	}
}

func TestRepeatVector(t *testing.T) {
	keras.ClearSession()
	y := layers.RepeatVector(3).Apply(tf.Constant(tensor.FromSlice([]float32{1, 2, 3, 4}, 2, 2))).Value()
	want := []float64{1, 2, 1, 2, 1, 2, 3, 4, 3, 4, 3, 4}
	if !y.Shape().Equal(tensor.Shape{2, 3, 2}) {
		t.Fatalf("shape %v", y.Shape())
	}
	for i, w := range want {
		if y.Float(i) != w {
			t.Fatalf("got %v, want %v", y, want)
		}
	}
	if msg := catch(func() { layers.RepeatVector(2).Apply(tf.Constant(tensor.New(tensor.Float32, 2, 3, 4))) }); !strings.Contains(msg, "(batch, features)") {
		t.Errorf("a rank-3 input: %q", msg)
	}
}

// RNN over a cell equals stepping the cell by hand, state to state, and
// shares the cell's weights.
func TestRNNOverCellsMatchesSteppingTheCell(t *testing.T) {
	for _, mk := range []func() *layers.CellLayer{
		func() *layers.CellLayer { return layers.SimpleRNNCell(3) },
		func() *layers.CellLayer { return layers.LSTMCell(3) },
		func() *layers.CellLayer { return layers.GRUCell(3, layers.ResetAfter(false)) },
	} {
		keras.ClearSession()
		cell := mk()
		rnn := layers.RNN(cell, layers.ReturnSequences(true))
		x := seq(2, 4, 2, 0.2)
		ys := rnn.Apply(tf.Constant(x)).Value()
		var states []*tf.Tensor
		for s := 0; s < 4; s++ {
			xt := tensor.New(tensor.Float32, 2, 2)
			for n := 0; n < 2; n++ {
				for f := 0; f < 2; f++ {
					xt.SetFloat(n*2+f, x.Float((n*4+s)*2+f))
				}
			}
			var y *tf.Tensor
			y, states = cell.Step(tf.Constant(xt), states...)
			for n := 0; n < 2; n++ {
				for j := 0; j < 3; j++ {
					if a, b := y.Value().Float(n*3+j), ys.Float((n*4+s)*3+j); math.Abs(a-b) > 1e-6 {
						t.Fatalf("%s step %d: cell %v, RNN %v", cell.Cell, s, a, b)
					}
				}
			}
		}
		if len(states) != len(cell.StateSize()) {
			t.Errorf("%s: %d states, want %d", cell.Cell, len(states), len(cell.StateSize()))
		}
		if rnn.Kernel != cell.LayerBase().Weights()[0] {
			t.Errorf("%s: RNN and its cell do not share the kernel", cell.Cell)
		}
	}
	keras.ClearSession()
	m := keras.NewSequential(layers.Input(60, 1), layers.RNN(layers.LSTMCell(80)))
	if m.CountParams() != 26240 {
		t.Errorf("RNN(LSTMCell(80)): %d parameters, want 26,240", m.CountParams())
	}
	if msg := catch(func() { layers.RNN(layers.LSTMCell(2), layers.RNNDropout(0.1)) }); !strings.Contains(msg, "RNNDropout") {
		t.Errorf("a cell option given to RNN: %q", msg)
	}
}
