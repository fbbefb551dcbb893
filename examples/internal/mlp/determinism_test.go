package mlp

import (
	"fmt"
	"math"
	"testing"

	"github.com/tensorgo/tensorgo"
	"github.com/tensorgo/tensorgo/datasets/mnist"
	"github.com/tensorgo/tensorgo/keras"
	"github.com/tensorgo/tensorgo/keras/layers"
	"github.com/tensorgo/tensorgo/tensor"
)

// trainBits trains the seeds' MNIST network (Flatten, Dense(128, relu),
// Dropout(0.2), Dense(10, softmax)) with the given optimizer on x, y for 4
// epochs of batches of 32 (252 steps on 2,000 images), from seed 7, and
// returns the bits of every final weight.
func trainBits(t *testing.T, optimizer string, x, y *tensor.Tensor) []uint32 {
	t.Helper()
	tensor.SetSeed(7)
	model := keras.NewSequential(
		layers.Flatten(layers.InputShape(28, 28)),
		layers.Dense(128, layers.Activation("relu")),
		layers.Dropout(0.2),
		layers.Dense(10, layers.Activation("softmax")),
	)
	return fitBits(t, model, optimizer, x, y, 4)
}

// cnnBits is trainBits for note 001's CNN (examples/mnist_cnn's network),
// one epoch.
func cnnBits(t *testing.T, optimizer string, x, y *tensor.Tensor) []uint32 {
	t.Helper()
	tensor.SetSeed(7)
	model := NewCNN()
	return fitBits(t, model, optimizer, x, y, 1)
}

// fitBits compiles and trains model and returns the bits of its weights.
func fitBits(t *testing.T, model *keras.Model, optimizer string, x, y *tensor.Tensor, epochs int) []uint32 {
	t.Helper()
	if err := model.Compile(optimizer, "sparse_categorical_crossentropy", keras.Metrics("accuracy")); err != nil {
		t.Fatal(err)
	}
	if _, err := model.Fit(x, y, keras.Epochs(epochs), keras.BatchSize(32), keras.Verbose(0)); err != nil {
		t.Fatal(err)
	}
	var bits []uint32
	for _, w := range model.Weights() {
		for _, v := range w.Value().Float32s() {
			bits = append(bits, math.Float32bits(v))
		}
	}
	return bits
}

// TestTrainingBitIdenticalAcrossThreadsAndISAs trains on the first 2,000
// real MNIST images at 1, 2, 3 and 4 threads and with the portable Go
// kernels, and wants the same final weights, bit for bit, every time
// (DESIGN.md's reproducibility: same seed, same bits). With "sgd" the
// update is an elementwise kernel; with "adam" it is tf's fused Adam
// kernel (tf/internal/kernels: AdamF32, called per chunk by AdamUpdate),
// whose vector body and scalar tail must round alike wherever the thread
// count puts the chunk boundaries (at 3 threads the 100,352 first-layer
// weights split at 33,450, inside a vector). The generic run also wants tf's
// kernels to follow internal/cpu's setting.
func TestTrainingBitIdenticalAcrossThreadsAndISAs(t *testing.T) {
	if testing.Short() {
		t.Skip("trains on MNIST 10 times")
	}
	xAll, yAll, _, _, err := mnist.LoadData()
	if err != nil {
		t.Skipf("MNIST not available: %v", err)
	}
	const n = 2000
	x, err := scale(tensor.Slice(xAll, []int{0, 0, 0}, []int{n, 28, 28}))
	if err != nil {
		t.Fatal(err)
	}
	y := tensor.Slice(yAll, []int{0}, []int{n})
	oldThreads, oldISA := tensorgo.NumThreads(), tensorgo.ISA()
	defer tensorgo.SetNumThreads(oldThreads)
	defer tensorgo.SetISA(oldISA)

	type setting struct {
		threads int
		isa     string
	}
	settings := []setting{{1, oldISA}, {2, oldISA}, {3, oldISA}, {4, oldISA}, {3, "generic"}}
	cnnX, cnnY := tensor.Slice(x, []int{0, 0, 0}, []int{320, 28, 28}), tensor.Slice(y, []int{0}, []int{320})
	for _, run := range []struct {
		name string
		opt  string
		bits func() []uint32
	}{
		{"mlp/sgd", "sgd", func() []uint32 { return trainBits(t, "sgd", x, y) }},
		{"mlp/adam", "adam", func() []uint32 { return trainBits(t, "adam", x, y) }},
		{"cnn/adam", "adam", func() []uint32 { return cnnBits(t, "adam", cnnX, cnnY) }},
	} {
		t.Run(run.name, func(t *testing.T) {
			var want []uint32
			for _, s := range settings {
				tensorgo.SetNumThreads(s.threads)
				if _, err := tensorgo.SetISA(s.isa); err != nil {
					t.Fatal(err)
				}
				got := run.bits()
				label := fmt.Sprintf("%d threads, %s kernels", s.threads, tensorgo.ISA())
				if want == nil {
					want = got
					t.Logf("reference: %s", label)
					continue
				}
				diff, first := 0, -1
				for i := range got {
					if got[i] != want[i] {
						diff++
						if first < 0 {
							first = i
						}
					}
				}
				if diff > 0 {
					t.Errorf("%s: %d of %d weights differ from the reference's bits (first: weight %d, %v vs %v)",
						label, diff, len(got), first, math.Float32frombits(got[first]), math.Float32frombits(want[first]))
				}
			}
		})
	}
}
