package fashionmnist_test

import (
	"os"
	"testing"

	"github.com/tensorgo/tensorgo/datasets"
	"github.com/tensorgo/tensorgo/datasets/fashionmnist"
	"github.com/tensorgo/tensorgo/tensor"
)

// TestLoadDebian reads the files of Debian's dataset-fashion-mnist package
// (installed by .ci/run); it skips where the package is absent.
func TestLoadDebian(t *testing.T) {
	if _, err := os.Stat(fashionmnist.SystemDir); err != nil {
		t.Skipf("%s absent (apt-get install dataset-fashion-mnist)", fashionmnist.SystemDir)
	}
	t.Setenv("HOME", t.TempDir())
	t.Setenv("XDG_CACHE_HOME", t.TempDir())
	t.Setenv("TENSORGO_DATA", "")
	xTrain, yTrain, xTest, yTest, err := fashionmnist.LoadData(datasets.NoDownload())
	if err != nil {
		t.Fatal(err)
	}
	want := []tensor.Shape{{60000, 28, 28}, {60000}, {10000, 28, 28}, {10000}}
	for i, x := range []*tensor.Tensor{xTrain, yTrain, xTest, yTest} {
		if x.DType() != tensor.Uint8 || !x.Shape().Equal(want[i]) {
			t.Fatalf("got %v %v, want uint8 %v", x.DType(), x.Shape(), want[i])
		}
	}
	// Fashion-MNIST is balanced: 6000 training and 1000 test images a class.
	for _, c := range []struct {
		y    *tensor.Tensor
		each int
	}{{yTrain, 6000}, {yTest, 1000}} {
		var n [10]int
		for _, v := range c.y.Uint8s() {
			n[v]++
		}
		for k, got := range n {
			if got != c.each {
				t.Fatalf("class %d (%s): %d samples, want %d", k, fashionmnist.ClassNames[k], got, c.each)
			}
		}
	}
	// The first training image is an ankle boot (label 9), the first test
	// image too.
	if yTrain.Uint8s()[0] != 9 || yTest.Uint8s()[0] != 9 {
		t.Fatalf("first labels %d %d, want 9 9", yTrain.Uint8s()[0], yTest.Uint8s()[0])
	}
}
