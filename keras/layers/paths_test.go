package layers

import (
	"reflect"
	"testing"

	"github.com/tensorgo/tensorgo/keras/internal/layerutil"
	"github.com/tensorgo/tensorgo/tensor"
	"github.com/tensorgo/tensorgo/tf"
)

// block is a custom layer with sublayers and a weight of its own, as a
// user's residual block.
type block struct {
	Base
	a, b, c Layer
	scale   *tf.Variable
}

func newBlock(opts ...Option) *block {
	bl := &block{a: Dense(2), b: Dense(2, UseBias(false)), c: Dropout(0.1)}
	bl.Init(bl, "ResnetBlock", opts...)
	return bl
}

func (bl *block) Build(in tensor.Shape) {
	bl.scale = bl.AddWeight("scale", tensor.Shape{1}, nil, nil, true)
}

func (bl *block) Call(x *tf.Tensor, training bool) *tf.Tensor {
	return Apply(bl.c, Apply(bl.b, Apply(bl.a, x)))
}

func (bl *block) ComputeOutputShape(in tensor.Shape) tensor.Shape { return in }

func paths(nw []NamedWeight) []string {
	var out []string
	for _, w := range nw {
		out = append(out, w.Path)
	}
	return out
}

func TestNamedWeightsPaths(t *testing.T) {
	// Names from the process-wide counter must not matter: take some first.
	layerutil.ResetNames()
	Dense(1).Name()
	Dense(1).Name()
	layerutil.UniqueName("resnet_block")

	x := eager([][]float32{{1, 2}})
	first := Dense(2)
	bl := newBlock()
	named := Dense(2, Name("head"))
	last := Dense(2)
	user := Dense(2, Name("dense_1")) // takes the key "dense_1"
	y := x
	for _, l := range []Layer{first, bl, named, last, user} {
		y = Apply(l, y)
	}
	if first.Name() == "dense" {
		t.Fatalf("the counter did not move: %s", first.Name())
	}
	// The block's sublayers, listed with the model's layers as a model's
	// hook sees them, are reached through the block only.
	got := paths(NamedWeights(first, bl, bl.a, bl.b, bl.c, named, last, user))
	want := []string{
		"dense/kernel", "dense/bias",
		"resnet_block/scale", "resnet_block/dense/kernel", "resnet_block/dense/bias", "resnet_block/dense_1/kernel",
		"head/kernel", "head/bias",
		"dense_2/kernel", "dense_2/bias",
		"dense_1/kernel", "dense_1/bias",
	}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("paths\n got %v\nwant %v", got, want)
	}
	if rel := paths(bl.NamedWeights()); !reflect.DeepEqual(rel, []string{"scale", "dense/kernel", "dense/bias", "dense_1/kernel"}) {
		t.Errorf("block-relative paths %v", rel)
	}
	if subs := bl.Sublayers(); len(subs) != 3 || subs[0] != bl.a || subs[2] != bl.c {
		t.Errorf("sublayers %v", subs)
	}
	// Each path names the weight it belongs to.
	for _, w := range NamedWeights(first, bl) {
		if w.Path == "resnet_block/dense_1/kernel" && w.Var != bl.b.(*DenseLayer).Kernel {
			t.Errorf("%s is not the second sublayer's kernel", w.Path)
		}
	}
}

// Weight names repeated within a layer still give unique paths.
func TestNamedWeightsRepeatedWeightName(t *testing.T) {
	c := newCustom()
	c.AddWeight("w", tensor.Shape{1}, nil, nil, true)
	c.AddWeight("w", tensor.Shape{1}, nil, nil, false)
	if got := paths(NamedWeights(c)); !reflect.DeepEqual(got, []string{"custom/w", "custom/w_1"}) {
		t.Errorf("paths %v", got)
	}
}

// failing is a layer whose Call panics, as a shape error does.
type failing struct{ Base }

func (f *failing) Build(tensor.Shape)                             {}
func (f *failing) Call(x *tf.Tensor, training bool) *tf.Tensor    { panic("failing: bad shape") }
func (f *failing) ComputeOutputShape(s tensor.Shape) tensor.Shape { return s }

// A Call that panics does not stay on the call stack: later layer calls
// are not taken for its sublayers.
func TestPanickingCallLeavesNoParent(t *testing.T) {
	f := &failing{}
	f.Init(f, "Failing")
	func() {
		defer func() { recover() }()
		Apply(f, eager([][]float32{{1}}))
	}()
	d := Dense(1)
	Apply(d, eager([][]float32{{1}}))
	if subs := f.Sublayers(); len(subs) != 0 {
		t.Errorf("the failed layer got sublayers %v", subs)
	}
}
