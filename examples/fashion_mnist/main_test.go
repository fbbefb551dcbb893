package main

import (
	"flag"
	"os"
	"testing"

	"github.com/tensorgo/tensorgo/datasets/fashionmnist"
	"github.com/tensorgo/tensorgo/examples/internal/mlp"
)

// The example's default run must reach 0.87 test accuracy. It needs Debian's
// dataset-fashion-mnist (which .ci/run installs) and skips without it.
func TestDefaultRunReachesAccuracy(t *testing.T) {
	if testing.Short() {
		t.Skip("trains on Fashion-MNIST for 10 epochs")
	}
	if _, err := os.Stat(fashionmnist.SystemDir); err != nil {
		t.Skipf("%s absent (apt-get install dataset-fashion-mnist)", fashionmnist.SystemDir)
	}
	c := mlp.Flags(flag.NewFlagSet("fashion_mnist", flag.PanicOnError), "fashion_mnist_mlp", 10)
	c.LoadData, c.Verbose, c.SkipPrint = loadData, 0, true
	r, err := mlp.Run(*c)
	if err != nil {
		t.Fatal(err)
	}
	if r.TestAccuracy < 0.87 {
		t.Fatalf("test accuracy %.4f after %d epochs, want >= 0.87", r.TestAccuracy, c.Epochs)
	}
}
