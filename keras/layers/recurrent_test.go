package layers_test

import (
	"math"
	"runtime"
	"strings"
	"testing"

	"github.com/tensorgo/tensorgo/internal/parallel"
	"github.com/tensorgo/tensorgo/keras"
	"github.com/tensorgo/tensorgo/keras/initializers"
	"github.com/tensorgo/tensorgo/keras/layers"
	"github.com/tensorgo/tensorgo/optimizers"
	"github.com/tensorgo/tensorgo/tensor"
	"github.com/tensorgo/tensorgo/tf"
)

func catch(f func()) (msg string) {
	defer func() {
		if r := recover(); r != nil {
			msg = strings.TrimSpace(strings.ReplaceAll(strings.ReplaceAll(toString(r), "\n", " "), "  ", " "))
		}
	}()
	f()
	return ""
}

func toString(r any) string {
	if e, ok := r.(error); ok {
		return e.Error()
	}
	if s, ok := r.(string); ok {
		return s
	}
	return "?"
}

// The parameter counts Keras's summary shows for these layers on one
// feature (the course's stock models; Keras 3 gives the same numbers).
func TestRecurrentParamCounts(t *testing.T) {
	for _, c := range []struct {
		layer layers.Layer
		want  int
		text  string
	}{
		{layers.SimpleRNN(80), 6560, "6,560"},
		{layers.LSTM(80), 26240, "26,240"},
		{layers.GRU(80), 19920, "19,920"},
		{layers.GRU(80, layers.ResetAfter(false)), 19680, "19,680"},
		{layers.SimpleRNN(3, layers.UseBias(false)), 12, "12"},
	} {
		keras.ClearSession()
		m := keras.NewSequential(layers.Input(60, 1), c.layer)
		if got := m.CountParams(); got != c.want {
			t.Errorf("%s: %d parameters, want %d", c.layer.LayerBase().ClassName(), got, c.want)
		}
		s, err := m.SummaryString()
		if err != nil || !strings.Contains(s, c.text) {
			t.Errorf("%s: summary %q (%v) lacks %s", c.layer.LayerBase().ClassName(), s, err, c.text)
		}
	}
}

func TestRecurrentWeightLayouts(t *testing.T) {
	keras.ClearSession()
	x := tf.Constant(tensor.New(tensor.Float32, 2, 5, 3))
	lstm := layers.LSTM(4)
	lstm.Apply(x)
	if !lstm.Kernel.Shape().Equal(tensor.Shape{3, 16}) || !lstm.RecurrentKernel.Shape().Equal(tensor.Shape{4, 16}) || !lstm.Bias.Shape().Equal(tensor.Shape{16}) {
		t.Errorf("LSTM weights %v %v %v", lstm.Kernel.Shape(), lstm.RecurrentKernel.Shape(), lstm.Bias.Shape())
	}
	// unit_forget_bias: the f block (the second of i, f, c, o) starts at one.
	for j, v := range lstm.Bias.Value().Float32s() {
		want := float32(0)
		if j >= 4 && j < 8 {
			want = 1
		}
		if v != want {
			t.Fatalf("LSTM bias[%d] = %v, want %v", j, v, want)
		}
	}
	// The recurrent kernel (4, 16) starts orthogonal: orthonormal rows.
	u := lstm.RecurrentKernel.Value()
	var rows [4][16]float64
	for i := 0; i < 4; i++ {
		for j := 0; j < 16; j++ {
			rows[i][j] = u.Float(i*16 + j)
		}
	}
	for a := 0; a < 4; a++ {
		for b := 0; b < 4; b++ {
			dot := 0.0
			for j := 0; j < 16; j++ {
				dot += rows[a][j] * rows[b][j]
			}
			want := 0.0
			if a == b {
				want = 1
			}
			if math.Abs(dot-want) > 1e-5 {
				t.Fatalf("recurrent kernel rows %d·%d = %v, want %v (orthogonal)", a, b, dot, want)
			}
		}
	}
	gru := layers.GRU(4)
	gru.Apply(x)
	if !gru.Bias.Shape().Equal(tensor.Shape{2, 12}) {
		t.Errorf("GRU reset_after bias %v, want (2, 12)", gru.Bias.Shape())
	}
	gru2 := layers.GRU(4, layers.ResetAfter(false))
	gru2.Apply(x)
	if !gru2.Bias.Shape().Equal(tensor.Shape{12}) {
		t.Errorf("GRU bias %v, want (12)", gru2.Bias.Shape())
	}
}

// seq returns a (batch, steps, features) float32 tensor of varied values.
func seq(batch, steps, features int, phase float64) *tensor.Tensor {
	t := tensor.New(tensor.Float32, batch, steps, features)
	for i := 0; i < t.Size(); i++ {
		t.SetFloat(i, math.Sin(float64(i)*0.7+phase))
	}
	return t
}

func closeTo(t *testing.T, what string, got, want *tensor.Tensor, tol float64) {
	t.Helper()
	if !got.Shape().Equal(want.Shape()) {
		t.Fatalf("%s: shape %v, want %v", what, got.Shape(), want.Shape())
	}
	for i := 0; i < got.Size(); i++ {
		if math.Abs(got.Float(i)-want.Float(i)) > tol {
			t.Fatalf("%s: element %d = %v, want %v", what, i, got.Float(i), want.Float(i))
		}
	}
}

// reverse returns x with its steps in reverse order.
func reverse(x *tensor.Tensor) *tensor.Tensor {
	s := x.Shape()
	out := tensor.New(x.DType(), s...)
	for b := 0; b < s[0]; b++ {
		for k := 0; k < s[1]; k++ {
			for f := 0; f < s[2]; f++ {
				out.SetFloat((b*s[1]+k)*s[2]+f, x.Float((b*s[1]+s[1]-1-k)*s[2]+f))
			}
		}
	}
	return out
}

func TestRecurrentOptions(t *testing.T) {
	for _, mk := range []func(opts ...layers.Option) *layers.RecurrentLayer{
		func(o ...layers.Option) *layers.RecurrentLayer { return layers.SimpleRNN(3, o...) },
		func(o ...layers.Option) *layers.RecurrentLayer { return layers.LSTM(3, o...) },
		func(o ...layers.Option) *layers.RecurrentLayer { return layers.GRU(3, o...) },
		func(o ...layers.Option) *layers.RecurrentLayer {
			return layers.GRU(3, append(o, layers.ResetAfter(false))...)
		},
	} {
		keras.ClearSession()
		x := seq(2, 5, 2, 0)
		ki := layers.KernelInitializer(initializers.RandomUniform(-0.6, 0.6, 1))
		ri := layers.RecurrentInitializer(initializers.RandomUniform(-0.6, 0.6, 2))
		bi := layers.BiasInitializer(initializers.RandomUniform(-0.6, 0.6, 3))
		fwd := mk(ki, ri, bi, layers.ReturnSequences(true))
		name := fwd.Cell
		ys := fwd.Apply(tf.Constant(x)).Value()
		last := mk(ki, ri, bi)
		y := last.Apply(tf.Constant(x)).Value()
		// The last output of the sequence is the output without ReturnSequences.
		for b := 0; b < 2; b++ {
			for j := 0; j < 3; j++ {
				if ys.Float((b*5+4)*3+j) != y.Float(b*3+j) {
					t.Fatalf("%s: last step of the sequence %v differs from the output %v", name, ys, y)
				}
			}
		}
		// GoBackwards on x is the forward layer on x reversed.
		back := mk(ki, ri, bi, layers.GoBackwards(true))
		closeTo(t, name+" go_backwards", back.Apply(tf.Constant(x)).Value(), last.Apply(tf.Constant(reverse(x))).Value(), 1e-6)
		// The final state h is the last output; an initial state changes it,
		// and running the two halves in turn, handing the states over,
		// gives the whole sequence's result.
		_, states := last.ApplyState(tf.Constant(x))
		closeTo(t, name+" state h", states[0].Value(), y, 0)
		first := tensor.New(tensor.Float32, 2, 3, 2)
		second := tensor.New(tensor.Float32, 2, 2, 2)
		for b := 0; b < 2; b++ {
			for k := 0; k < 5; k++ {
				for f := 0; f < 2; f++ {
					v := x.Float((b*5+k)*2 + f)
					if k < 3 {
						first.SetFloat((b*3+k)*2+f, v)
					} else {
						second.SetFloat((b*2+k-3)*2+f, v)
					}
				}
			}
		}
		_, s1 := last.ApplyState(tf.Constant(first))
		y2, _ := last.ApplyState(tf.Constant(second), s1...)
		closeTo(t, name+" two halves", y2.Value(), y, 1e-6)
	}
}

// An Embedding with MaskZero in front of a recurrent layer: leading zeros
// are padding, so a padded sequence gives what the unpadded one gives.
func TestEmbeddingMaskSkipsPadding(t *testing.T) {
	for _, cell := range []string{"SimpleRNN", "LSTM", "GRU"} {
		keras.ClearSession()
		emb := layers.Embedding(10, 4, layers.MaskZero(true))
		var rnn *layers.RecurrentLayer
		switch cell {
		case "SimpleRNN":
			rnn = layers.SimpleRNN(3)
		case "LSTM":
			rnn = layers.LSTM(3)
		default:
			rnn = layers.GRU(3)
		}
		padded := tf.Constant(tensor.FromSlice([]float32{0, 0, 3, 5, 0, 7, 2, 9}, 2, 4))
		yp := rnn.Apply(emb.Apply(padded)).Value()
		same := rnn.Apply(tf.EmbeddingLookup(emb.Embeddings.Tensor(), tf.Constant(tensor.FromSlice([]int32{3, 5}, 1, 2)))).Value()
		for j := 0; j < 3; j++ {
			if math.Abs(yp.Float(j)-same.Float(j)) > 1e-6 {
				t.Fatalf("%s: padded %v, unpadded %v", cell, yp, same)
			}
		}
		// Sample 1's masked step in the middle is skipped: the same as 7, 2, 9.
		mid := rnn.Apply(tf.EmbeddingLookup(emb.Embeddings.Tensor(), tf.Constant(tensor.FromSlice([]int32{7, 2, 9}, 1, 3)))).Value()
		for j := 0; j < 3; j++ {
			if math.Abs(yp.Float(3+j)-mid.Float(j)) > 1e-6 {
				t.Fatalf("%s: masked middle step %v, without it %v", cell, yp, mid)
			}
		}
	}
}

func TestRecurrentBadInput(t *testing.T) {
	keras.ClearSession()
	msg := catch(func() { layers.LSTM(3).Apply(tf.Constant(tensor.New(tensor.Float32, 4, 5))) })
	if !strings.Contains(msg, "lstm (LSTM)") || !strings.Contains(msg, "(4, 5)") || !strings.Contains(msg, "(batch, steps, features)") {
		t.Errorf("a rank-2 input: %q", msg)
	}
	msg = catch(func() { layers.GRU(3, layers.RecurrentDropout(1)) })
	if !strings.Contains(msg, "GRU") || !strings.Contains(msg, "recurrent dropout must be in [0, 1), got 1") {
		t.Errorf("recurrent dropout of 1: %q", msg)
	}
	msg = catch(func() { layers.SimpleRNN(3, layers.Activation("softmax")) })
	if !strings.Contains(msg, "softmax") {
		t.Errorf("softmax activation: %q", msg)
	}
	// A model given rank-2 data for a sequence input.
	m := keras.NewSequential(layers.LSTM(2, layers.InputShape(5, 1)), layers.Dense(1))
	if err := m.Compile("adam", "mse"); err != nil {
		t.Fatal(err)
	}
	if _, err := m.Fit(tensor.New(tensor.Float32, 4, 5), tensor.New(tensor.Float32, 4, 1), keras.Verbose(0)); err == nil {
		t.Error("Fit on rank-2 data for a sequence model: no error")
	}
}

func TestEmbeddingIndexOutOfRange(t *testing.T) {
	keras.ClearSession()
	m := keras.NewSequential(layers.Embedding(5, 2, layers.InputShape(3)), layers.SimpleRNN(2), layers.Dense(1))
	if err := m.Compile("adam", "mse"); err != nil {
		t.Fatal(err)
	}
	x := tensor.FromSlice([]float32{1, 2, 3, 0, 4, 4, 2, 5, 1, 3, 3, 3}, 4, 3)
	y := tensor.New(tensor.Float32, 4, 1)
	_, err := m.Fit(x, y, keras.Verbose(0), keras.BatchSize(4), keras.Shuffle(false))
	if err == nil || !strings.Contains(err.Error(), "embedding (Embedding): sample 2 of the batch has index 5 at position 1, outside [0, 5)") {
		t.Errorf("Fit: %v", err)
	}
	_, err = m.Predict(x, keras.BatchSize(2))
	if err == nil || !strings.Contains(err.Error(), "batch 2") || !strings.Contains(err.Error(), "sample 0 of the batch has index 5") {
		t.Errorf("Predict: %v", err)
	}
	x.SetFloat(0, -1)
	_, err = m.Predict(x, keras.BatchSize(4))
	if err == nil || !strings.Contains(err.Error(), "sample 0 of the batch has index -1") {
		t.Errorf("Predict with -1: %v", err)
	}
}

// Training an Embedding changes only the rows of the indices it saw.
func TestEmbeddingGradientTouchesLookedUpRows(t *testing.T) {
	keras.ClearSession()
	emb := layers.Embedding(6, 3, layers.InputShape(2))
	m := keras.NewSequential(emb, layers.Flatten(), layers.Dense(1))
	if err := m.Compile(optimizers.NewSGD(0.1), "mse"); err != nil {
		t.Fatal(err)
	}
	before := emb.Embeddings.Value().Clone()
	x := tensor.FromSlice([]float32{1, 4, 4, 1}, 2, 2)
	if _, err := m.Fit(x, tensor.FromSlice([]float32{1, -1}, 2, 1), keras.Verbose(0), keras.Epochs(2)); err != nil {
		t.Fatal(err)
	}
	after := emb.Embeddings.Value()
	for r := 0; r < 6; r++ {
		changed := false
		for c := 0; c < 3; c++ {
			if after.Float(r*3+c) != before.Float(r*3+c) {
				changed = true
			}
		}
		if changed != (r == 1 || r == 4) {
			t.Errorf("row %d changed: %v", r, changed)
		}
	}
}

func TestStatefulCarriesStates(t *testing.T) {
	keras.ClearSession()
	x := seq(2, 6, 1, 0.3)
	first, second := tensor.New(tensor.Float32, 2, 3, 1), tensor.New(tensor.Float32, 2, 3, 1)
	for b := 0; b < 2; b++ {
		for k := 0; k < 6; k++ {
			if k < 3 {
				first.SetFloat(b*3+k, x.Float(b*6+k))
			} else {
				second.SetFloat(b*3+k-3, x.Float(b*6+k))
			}
		}
	}
	ki := layers.KernelInitializer(initializers.RandomUniform(-0.6, 0.6, 1))
	ri := layers.RecurrentInitializer(initializers.Orthogonal(1, 5))
	whole := layers.LSTM(3, ki, ri).Apply(tf.Constant(x)).Value()
	st := layers.LSTM(3, ki, ri, layers.Stateful(true), layers.BatchSize(2))
	st.Apply(tf.Constant(first))
	closeTo(t, "stateful second half", st.Apply(tf.Constant(second)).Value(), whole, 1e-6)
	st.ResetStates()
	for _, v := range st.StateValues() {
		for i := 0; i < v.Size(); i++ {
			if v.Float(i) != 0 {
				t.Fatal("ResetStates left a non-zero state")
			}
		}
	}
	msg := catch(func() { st.Apply(tf.Constant(tensor.New(tensor.Float32, 3, 3, 1))) })
	if !strings.Contains(msg, "stateful with batch size 2") || !strings.Contains(msg, "(3, 3, 1)") {
		t.Errorf("a batch of 3 for a stateful layer of 2: %q", msg)
	}
	msg = catch(func() { layers.GRU(2, layers.Stateful(true)).Apply(keras.Input(3, 1)) })
	if !strings.Contains(msg, "fixed batch size") {
		t.Errorf("stateful without a batch size: %q", msg)
	}
}

func TestRNNDropoutOnlyWhileTraining(t *testing.T) {
	keras.ClearSession()
	x := tf.Constant(seq(4, 3, 5, 0))
	l := layers.SimpleRNN(3, layers.RNNDropout(0.5), layers.Seed(1))
	a := layers.ApplyTraining(l, false, x).Value()
	b := layers.ApplyTraining(l, false, x).Value()
	c := layers.ApplyTraining(l, true, x).Value()
	closeTo(t, "inference is deterministic", a, b, 0)
	same := true
	for i := 0; i < a.Size(); i++ {
		if a.Float(i) != c.Float(i) {
			same = false
		}
	}
	if same {
		t.Error("dropout changed nothing while training")
	}
}

// The w5 model (../shared/anchors/w5_lstm.py: LSTM(80, return_sequences)
// → Dropout(0.2) → LSTM(100) → Dense(1), batch 64, 60 steps, Adam, MSE):
// once warm, a training step allocates nothing. Measured from outside the
// loop: Fit over 18 batches against Fit over 2, so that what an epoch
// allocates once (shuffling, the history) cancels out; one allocation per
// step would add 16.
func TestW5TrainingStepAllocatesNothing(t *testing.T) {
	if testing.Short() {
		t.Skip("trains the w5 model for a few dozen steps")
	}
	if recurrentRace {
		t.Skip("allocation counts mean nothing under the race detector")
	}
	old := parallel.NumThreads()
	defer parallel.SetNumThreads(old)
	parallel.SetNumThreads(1) // with more, the pools of internal/gemm and internal/parallel miss now and then
	keras.ClearSession()
	tensor.SetSeed(1)
	m := keras.NewSequential(
		layers.LSTM(80, layers.ReturnSequences(true), layers.InputShape(60, 1)),
		layers.Dropout(0.2),
		layers.LSTM(100),
		layers.Dense(1))
	if err := m.Compile(optimizers.NewAdam(0.001), "mean_squared_error"); err != nil {
		t.Fatal(err)
	}
	mallocs := func(batches int) float64 {
		x, y := seq(64*batches, 60, 1, 0), tensor.New(tensor.Float32, 64*batches, 1)
		fit := func() {
			if _, err := m.Fit(x, y, keras.Epochs(1), keras.BatchSize(64), keras.Verbose(0)); err != nil {
				t.Fatal(err)
			}
		}
		fit() // warm
		runtime.GC()
		var a, b runtime.MemStats
		runtime.ReadMemStats(&a)
		for i := 0; i < 2; i++ {
			fit()
		}
		runtime.ReadMemStats(&b)
		return float64(b.Mallocs-a.Mallocs) / 2
	}
	few, many := mallocs(2), mallocs(18)
	t.Logf("Fit over 2 batches allocates %v times, over 18 %v", few, many)
	if per := (many - few) / 16; per >= 0.5 {
		t.Errorf("a training step allocates %.2f times (Fit over 2 batches %v, over 18 %v)", per, few, many)
	}
}
