package keras

import (
	"testing"

	"github.com/tensorgo/tensorgo/keras/layers"
	"github.com/tensorgo/tensorgo/tensor"
)

// User sample weights reach the step with their shape: the weight
// placeholder of a step fed (n, 1) weights is (batch, 1), and batches carry
// rows of the weights as of x and y; class weights alone give (batch,).
func TestSampleWeightsKeepTheirShape(t *testing.T) {
	m := NewSequential(layers.Dense(3, layers.Activation("softmax"), layers.InputShape(4)))
	if err := m.Compile("sgd", "sparse_categorical_crossentropy"); err != nil {
		t.Fatal(err)
	}
	x := tensor.New(tensor.Float32, 10, 4)
	y := tensor.New(tensor.Int64, 10)
	for _, c := range []struct {
		opt  FitOption
		want tensor.Shape
	}{
		{SampleWeight(tensor.Ones(tensor.Float64, 10, 1)), tensor.Shape{-1, 1}},
		{SampleWeight(tensor.Ones(tensor.Float32, 10)), tensor.Shape{-1}},
		{ClassWeight(map[int]float64{0: 2}), tensor.Shape{-1}},
	} {
		cfg := newFitConfig([]FitOption{c.opt, BatchSize(4)})
		a, err := m.adaptArrays("Fit", x, y, cfg)
		if err != nil {
			t.Fatal(err)
		}
		src := m.arraySource(a, 4, false)
		if err := src.reset(); err != nil {
			t.Fatal(err)
		}
		b, err := src.next()
		if err != nil {
			t.Fatal(err)
		}
		if len(b.sws) != 1 || !b.sws[0].Shape().Equal(append(tensor.Shape{4}, c.want[1:]...)) {
			t.Fatalf("batch weights %v, want rows of shape %v", b.sws, c.want)
		}
		st, err := m.getStep(true, b.ys, b.sws)
		if err != nil {
			t.Fatal(err)
		}
		if got := st.swPh[0].Shape(); !got.Equal(c.want) {
			t.Fatalf("weight placeholder %v, want %v", got, c.want)
		}
	}
}
