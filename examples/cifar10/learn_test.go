package main

import (
	"os"
	"testing"
	"time"

	"github.com/tensorgo/tensorgo/datasets"
	"github.com/tensorgo/tensorgo/datasets/fashionmnist"
	"github.com/tensorgo/tensorgo/tensor"
)

// toCIFAR turns the first n (28, 28) uint8 images of x into CIFAR-shaped
// (n, 32, 32, 3) ones: zero-padded by 2 pixels on every side, the grey
// value copied into the three channels. It also returns the first n labels.
func toCIFAR(x, y *tensor.Tensor, n int) (*tensor.Tensor, *tensor.Tensor) {
	out := tensor.New(tensor.Uint8, n, 32, 32, 3)
	src, dst := x.Uint8s(), out.Uint8s()
	for i := 0; i < n; i++ {
		for r := 0; r < 28; r++ {
			for c := 0; c < 28; c++ {
				v := src[(i*28+r)*28+c]
				o := ((i*32+r+2)*32 + c + 2) * 3
				dst[o], dst[o+1], dst[o+2] = v, v, v
			}
		}
	}
	return out, tensor.Slice(y, []int{0}, []int{n})
}

// fashionSubset returns a loader of the first nTrain training and nTest
// test images of Fashion-MNIST made CIFAR-shaped (CIFAR-10 itself is not
// available offline), or skips the test if Fashion-MNIST is not installed.
func fashionSubset(t *testing.T, nTrain, nTest int) loader {
	t.Helper()
	xTrain, yTrain, xTest, yTest, err := fashionmnist.LoadData(datasets.NoDownload())
	if err != nil {
		t.Skipf("Fashion-MNIST not available (apt-get install dataset-fashion-mnist): %v", err)
	}
	xa, ya := toCIFAR(xTrain, yTrain, nTrain)
	xb, yb := toCIFAR(xTest, yTest, nTest)
	return func() (*tensor.Tensor, *tensor.Tensor, *tensor.Tensor, *tensor.Tensor, error) {
		return xa, ya, xb, yb, nil
	}
}

func TestToCIFAR(t *testing.T) {
	x := tensor.New(tensor.Uint8, 2, 28, 28)
	xs := x.Uint8s()
	xs[0], xs[28*28-1], xs[28*28+5*28+7] = 9, 200, 77
	y := tensor.New(tensor.Uint8, 2)
	y.Uint8s()[1] = 4
	got, gy := toCIFAR(x, y, 2)
	g := got.Uint8s()
	at := func(i, r, c, ch int) uint8 { return g[((i*32+r)*32+c)*3+ch] }
	for ch := 0; ch < 3; ch++ {
		if at(0, 2, 2, ch) != 9 || at(0, 29, 29, ch) != 200 || at(1, 7, 9, ch) != 77 || at(0, 0, 0, ch) != 0 || at(0, 31, 31, ch) != 0 {
			t.Fatalf("channel %d: pixels not where they belong", ch)
		}
	}
	if gy.Shape()[0] != 2 || gy.Uint8s()[1] != 4 {
		t.Fatalf("labels %v", gy.Uint8s())
	}
}

// Each zoo model, trained briefly on a few thousand CIFAR-shaped
// Fashion-MNIST images, classifies held-out images well above chance
// (0.1 for ten classes). The large models with BatchNormalization train on
// fewer images in batches of 8: what matters for them is the number of
// steps, since evaluation normalises with the moving statistics, which
// after k steps still weigh their initial values (mean 0, variance 1) by
// 0.99^k (Keras's momentum) and lag behind weights that Adam changes fast.
// Measured: after 188 steps of AlexNet8 at batch 16 the training accuracy
// was 0.68 and the test accuracy 0.15; at batch 8, after 125, 250 and 375
// steps, 0.31, 0.38, 0.63 on the test images and 0.30, 0.40, 0.67 on the
// training ones (so the gap is the moving statistics, not overfitting).
// ResNet18 had 0.73 training and 0.13 test accuracy after 150 steps, 0.84
// and 0.79 after 500 (3 minutes on a loaded machine). VGG16 learns slowly
// (0.23 training accuracy after 200 steps; with the settings below, 750
// steps, 0.34 training and 0.35 test accuracy in 2 minutes), too close to
// its bar for every run: it runs only with TENSORGO_ZOO_LONG=1.
func TestModelsLearn(t *testing.T) {
	cases := []struct {
		model         string
		train, test   int
		epochs, batch int
		want          float64
		long          bool // skipped under -short
	}{
		{"baseline", 3000, 500, 1, 32, 0.6, false},
		{"lenet5", 3000, 500, 4, 32, 0.5, false},
		{"alexnet8", 1000, 300, 3, 8, 0.4, true},
		{"vgg16", 1500, 300, 4, 8, 0.3, true},
		{"inception10", 2000, 500, 2, 32, 0.5, false},
		{"resnet18", 1000, 300, 4, 8, 0.5, true},
	}
	for _, tc := range cases {
		t.Run(tc.model, func(t *testing.T) {
			if tc.long && testing.Short() {
				t.Skip("a large model: trains for minutes on a loaded machine")
			}
			if tc.model == "vgg16" && os.Getenv("TENSORGO_ZOO_LONG") != "1" {
				t.Skip("set TENSORGO_ZOO_LONG=1: learns slowly (750 steps for 0.35 test accuracy)")
			}
			c := config{Model: tc.model, Epochs: tc.epochs, Batch: tc.batch, Seed: 1,
				LoadData: fashionSubset(t, tc.train, tc.test), SkipPrint: true}
			start := time.Now()
			r, err := run(c)
			if err != nil {
				t.Fatal(err)
			}
			t.Logf("%s: test accuracy %.4f after %d epochs on %d images (%v); training loss %.4f, accuracy %.4f per epoch", tc.model, r.TestAccuracy, tc.epochs, tc.train, time.Since(start).Round(time.Second), r.TrainLoss, r.TrainAccuracy)
			if r.TestAccuracy <= tc.want {
				t.Fatalf("test accuracy %.4f, want > %.2f", r.TestAccuracy, tc.want)
			}
		})
	}
}
