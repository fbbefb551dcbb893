package layers

import (
	"math"
	"testing"

	"github.com/tensorgo/tensorgo/keras/internal/layerutil"
	"github.com/tensorgo/tensorgo/tensor"
	"github.com/tensorgo/tensorgo/tf"
)

// One training call: the output is normalised with the batch's statistics
// and the moving ones move 1% of the way (momentum 0.99) towards them;
// inference then uses the moving statistics. Numbers by hand: channel 0
// holds 1, 3 (mean 2, biased variance 1), channel 1 holds 10, 30 (mean 20,
// variance 100).
func TestBatchNormalizationLayer(t *testing.T) {
	layerutil.ResetNames()
	l := BatchNormalization()
	x := tf.Constant(tensor.From([][]float32{{1, 10}, {3, 30}}))
	y := ApplyTraining(l, true, x).Value()
	const eps = 1e-3
	want := []float64{-1 / math.Sqrt(1+eps), -10 / math.Sqrt(100+eps), 1 / math.Sqrt(1+eps), 10 / math.Sqrt(100+eps)}
	for i, w := range want {
		if math.Abs(y.Float(i)-w) > 1e-6 {
			t.Fatalf("training output %v, want %v", y, want)
		}
	}
	mm, mv := l.MovingMean.Value(), l.MovingVariance.Value()
	for i, w := range []float64{0.01 * 2, 0.01 * 20} {
		if math.Abs(mm.Float(i)-w) > 1e-6 {
			t.Errorf("moving mean %v, want [0.02 0.2]", mm)
		}
	}
	for i, w := range []float64{0.99 + 0.01*1, 0.99 + 0.01*100} {
		if math.Abs(mv.Float(i)-w) > 1e-5 {
			t.Errorf("moving variance %v, want [1 1.99]", mv)
		}
	}
	// Inference: (x − moving mean)/sqrt(moving variance + eps).
	yi := ApplyTraining(l, false, x).Value()
	if w := (10 - 0.2) / math.Sqrt(1.99+eps); math.Abs(yi.Float(1)-w) > 1e-5 {
		t.Errorf("inference output %v: element 1 = %v, want %v", yi, yi.Float(1), w)
	}
	if l.CountParams() != 8 || len(l.TrainableWeights()) != 2 || len(l.NonTrainableWeights()) != 2 {
		t.Errorf("%d parameters, %d trainable and %d non-trainable weights; want 8, 2, 2",
			l.CountParams(), len(l.TrainableWeights()), len(l.NonTrainableWeights()))
	}
	names := []string{}
	for _, w := range l.WeightList() {
		names = append(names, w.Name)
	}
	if got := names; len(got) != 4 || got[0] != "gamma" || got[1] != "beta" || got[2] != "moving_mean" || got[3] != "moving_variance" {
		t.Errorf("weights %v, want Keras's gamma, beta, moving_mean, moving_variance", got)
	}
	// Without center and scale: only the moving statistics.
	if n := Apply(BatchNormalization(Center(false), Scale(false)), x); n == nil {
		t.Fatal("nil output")
	}
	// A frozen layer normalises with the moving statistics even in training.
	l.SetTrainable(false)
	if yf := ApplyTraining(l, true, x).Value(); yf.Float(1) != yi.Float(1) {
		t.Errorf("frozen layer in training: %v, want the inference output %v", yf, yi)
	}
	if msg := panicMessage(func() { BatchNormalization(Axis(1)) }); msg == "" {
		t.Error("Axis(1): no panic")
	}
}

func TestLayerNormalizationLayer(t *testing.T) {
	l := LayerNormalization()
	y := Apply(l, tf.Constant(tensor.From([][]float32{{1, 3}, {5, 5}}))).Value()
	s := 1 / math.Sqrt(1+1e-3)
	for i, w := range []float64{-s, s, 0, 0} {
		if math.Abs(y.Float(i)-w) > 1e-6 {
			t.Fatalf("LayerNormalization output %v, want [%v %v 0 0]", y, -s, s)
		}
	}
	if l.CountParams() != 4 {
		t.Errorf("%d parameters, want 4", l.CountParams())
	}
}
