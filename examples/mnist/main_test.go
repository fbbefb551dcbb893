package main

import (
	"flag"
	"testing"

	"github.com/tensorgo/tensorgo/examples/internal/mlp"
)

// The README's main job, as it runs by default: 5 epochs on real MNIST must
// reach 0.975 test accuracy (the bar; Keras gets about 0.977).
func TestDefaultRunReachesAccuracy(t *testing.T) {
	if testing.Short() {
		t.Skip("trains on MNIST for 5 epochs")
	}
	c := mlp.Flags(flag.NewFlagSet("mnist", flag.PanicOnError), "mnist_mlp", 5)
	c.LoadData, c.Verbose, c.SkipPrint = loadData, 0, true
	r, err := mlp.Run(*c)
	if err != nil {
		t.Fatal(err)
	}
	if len(r.TrainLoss) != 5 || r.TrainLoss[4] >= r.TrainLoss[0] {
		t.Errorf("training loss per epoch %v: want 5 epochs, falling", r.TrainLoss)
	}
	if r.TestAccuracy < 0.975 {
		t.Fatalf("test accuracy %.4f after 5 epochs, want >= 0.975", r.TestAccuracy)
	}
}
