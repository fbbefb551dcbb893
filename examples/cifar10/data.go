package main

import (
	"fmt"
	"os"
	"path/filepath"

	"github.com/tensorgo/tensorgo/data"
	"github.com/tensorgo/tensorgo/datasets"
	"github.com/tensorgo/tensorgo/datasets/cifar10"
	"github.com/tensorgo/tensorgo/tensor"
)

// loader returns uint8 images (N, 32, 32, 3) and their labels, training
// set first.
type loader func() (xTrain, yTrain, xTest, yTest *tensor.Tensor, err error)

// findData returns the directory holding the CIFAR-10 batches: dir (or
// else $TENSORGO_DATA) itself, or its cifar-10-batches-bin or
// cifar10/cifar-10-batches-bin sub-directory.
func findData(dir string) (string, error) {
	if dir == "" {
		dir = os.Getenv("TENSORGO_DATA")
	}
	if dir == "" {
		return "", fmt.Errorf("no CIFAR-10 data: give -data DIR or set $TENSORGO_DATA (the extracted cifar-10-binary.tar.gz)")
	}
	var tried []string
	for _, d := range []string{dir, filepath.Join(dir, "cifar-10-batches-bin"), filepath.Join(dir, "cifar10", "cifar-10-batches-bin")} {
		if _, err := os.Stat(filepath.Join(d, "data_batch_1.bin")); err == nil {
			return d, nil
		}
		tried = append(tried, d)
	}
	return "", fmt.Errorf("no CIFAR-10 binary batches (data_batch_1.bin) in %q", tried)
}

// loadCIFAR10 loads the batches: from dir (see findData) when given; else
// from $TENSORGO_DATA as findData looks there, or as cifar10.Load looks
// ($TENSORGO_DATA/cifar10, the cache, /usr/share/datasets/cifar10),
// downloading cifar10.URL into the cache unless offline (or
// $TENSORGO_OFFLINE) forbids it.
func loadCIFAR10(dir string, offline bool) loader {
	return func() (xTrain, yTrain, xTest, yTest *tensor.Tensor, err error) {
		if dir != "" || os.Getenv("TENSORGO_DATA") != "" {
			d, err := findData(dir)
			if err == nil {
				return cifar10.LoadData(d)
			}
			if dir != "" {
				return nil, nil, nil, nil, err
			}
		}
		var opts []datasets.Option
		if offline {
			opts = append(opts, datasets.NoDownload())
		}
		xTrain, yTrain, xTest, yTest, err = cifar10.Load(opts...)
		if err != nil {
			return nil, nil, nil, nil, fmt.Errorf("%w\n(give -data DIR with the extracted %s, set $TENSORGO_DATA to its parent, or run online without -offline to download it into the cache)", err, cifar10.URL)
		}
		return xTrain, yTrain, xTest, yTest, nil
	}
}

// scale turns uint8 pixels into float32 values in [0, 1] (x / 255.0).
func scale(x *tensor.Tensor) (*tensor.Tensor, error) {
	out := tensor.New(tensor.Float32, x.Shape()...)
	if err := data.CastScaleInto(out, x, 1.0/255); err != nil {
		return nil, err
	}
	return out, nil
}

// synthetic returns n seeded random CIFAR-shaped uint8 images and uniform
// random labels 0..9.
func synthetic(n int, seed int64) (x, y *tensor.Tensor) {
	r := tensor.NewRNG(seed)
	x = tensor.New(tensor.Uint8, n, 32, 32, 3)
	for i, xs := 0, x.Uint8s(); i < len(xs); i++ {
		xs[i] = uint8(r.IntN(256))
	}
	y = tensor.New(tensor.Uint8, n)
	for i, ys := 0, y.Uint8s(); i < len(ys); i++ {
		ys[i] = uint8(r.IntN(10))
	}
	return x, y
}
