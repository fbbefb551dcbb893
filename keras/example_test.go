package keras_test

import (
	"fmt"

	"github.com/tensorgo/tensorgo/keras"
	"github.com/tensorgo/tensorgo/keras/layers"
	"github.com/tensorgo/tensorgo/optimizers"
	"github.com/tensorgo/tensorgo/tensor"
	"github.com/tensorgo/tensorgo/tf"
)

// xor returns the four XOR points repeated n times.
func xor(n int) (*tensor.Tensor, *tensor.Tensor) {
	x := tensor.New(tensor.Float32, 4*n, 2)
	y := tensor.New(tensor.Int64, 4*n)
	for i := 0; i < 4*n; i++ {
		a, b := i%2, (i/2)%2
		x.SetFloat(2*i, float64(a))
		x.SetFloat(2*i+1, float64(b))
		y.SetFloat(i, float64(a^b))
	}
	return x, y
}

// The seeds' way: a Sequential stack, compile, fit, evaluate, summary.
func ExampleNewSequential() {
	keras.ClearSession()
	tensor.SetSeed(0)
	x, y := xor(64)
	model := keras.NewSequential(
		layers.Dense(16, layers.Activation("tanh"), layers.InputShape(2)),
		layers.Dense(2, layers.Activation("softmax")),
	)
	if err := model.Compile(optimizers.NewAdam(0.05), "sparse_categorical_crossentropy", keras.Metrics("accuracy")); err != nil {
		panic(err)
	}
	if _, err := model.Fit(x, y, keras.Epochs(30), keras.BatchSize(16), keras.Verbose(0)); err != nil {
		panic(err)
	}
	_, metrics, err := model.Evaluate(x, y, keras.Verbose(0))
	if err != nil {
		panic(err)
	}
	fmt.Println("accuracy:", metrics["accuracy"])
	model.Summary()
	// Output:
	// accuracy: 1
	// Model: "sequential"
	// ┏━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━┳━━━━━━━━━━━━━━━━━━━━━━━━┳━━━━━━━━━━━━━━━┓
	// ┃ Layer (type)                    ┃ Output Shape           ┃       Param # ┃
	// ┡━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━╇━━━━━━━━━━━━━━━━━━━━━━━━╇━━━━━━━━━━━━━━━┩
	// │ dense (Dense)                   │ (None, 16)             │            48 │
	// ├─────────────────────────────────┼────────────────────────┼───────────────┤
	// │ dense_1 (Dense)                 │ (None, 2)              │            34 │
	// └─────────────────────────────────┴────────────────────────┴───────────────┘
	//  Total params: 82 (328.00 B)
	//  Trainable params: 82 (328.00 B)
	//  Non-trainable params: 0 (0.00 B)
	//
}

// Functional models: symbolic inputs, layers called on them, a model from
// inputs to outputs.
func ExampleNewModel() {
	keras.ClearSession()
	tensor.SetSeed(0)
	x, y := xor(64)
	inputs := keras.Input(2)
	h := layers.Dense(16, layers.Activation("tanh")).Apply(inputs)
	outputs := layers.Dense(2, layers.Activation("softmax")).Apply(h)
	model := keras.NewModel(inputs, outputs)
	if err := model.Compile(optimizers.NewAdam(0.05), "sparse_categorical_crossentropy", keras.Metrics("accuracy")); err != nil {
		panic(err)
	}
	if _, err := model.Fit(x, y, keras.Epochs(30), keras.BatchSize(16), keras.Verbose(0)); err != nil {
		panic(err)
	}
	_, metrics, _ := model.Evaluate(x, y, keras.Verbose(0))
	fmt.Println(model.Name(), "accuracy:", metrics["accuracy"], "params:", model.CountParams())
	// Output: functional accuracy: 1 params: 82
}

// XORNet is a subclassed model: a struct that holds its layers and defines
// the forward pass in Call (the seeds' class with __init__ and call).
type XORNet struct {
	*keras.Model
	hidden, out *layers.DenseLayer
}

func NewXORNet() *XORNet {
	n := &XORNet{
		hidden: layers.Dense(16, layers.Activation("tanh")),
		out:    layers.Dense(2, layers.Activation("softmax")),
	}
	n.Model = keras.NewSubclassed(n)
	return n
}

func (n *XORNet) Call(x *tf.Tensor, training bool) *tf.Tensor {
	return n.out.Apply(n.hidden.Apply(x))
}

func ExampleNewSubclassed() {
	keras.ClearSession()
	tensor.SetSeed(0)
	x, y := xor(64)
	model := NewXORNet()
	if err := model.Compile(optimizers.NewAdam(0.05), "sparse_categorical_crossentropy", keras.Metrics("accuracy")); err != nil {
		panic(err)
	}
	if _, err := model.Fit(x, y, keras.Epochs(30), keras.BatchSize(16), keras.Verbose(0)); err != nil {
		panic(err)
	}
	_, metrics, _ := model.Evaluate(x, y, keras.Verbose(0))
	fmt.Println(model.Name(), "accuracy:", metrics["accuracy"], "params:", model.CountParams())
	// Output: xor_net accuracy: 1 params: 82
}
