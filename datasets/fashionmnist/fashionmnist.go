// Package fashionmnist loads Zalando's Fashion-MNIST as Keras's
// tf.keras.datasets.fashion_mnist.load_data does: (60000, 28, 28) and
// (10000, 28, 28) uint8 images with (60000,) and (10000,) uint8 labels,
// classes named in ClassNames.
//
// The files are looked for as package datasets describes; on Debian,
// `apt-get install dataset-fashion-mnist` puts them in
// /usr/share/datasets/fashion-mnist, and Keras keeps them in
// ~/.keras/datasets/fashion-mnist.
package fashionmnist

import (
	"fmt"
	"os"
	"path/filepath"

	"github.com/tensorgo/tensorgo/datasets"
	"github.com/tensorgo/tensorgo/datasets/internal/fetch"
	"github.com/tensorgo/tensorgo/datasets/internal/mnistfmt"
	"github.com/tensorgo/tensorgo/tensor"
)

// ClassNames are the labels' meanings, in label order.
var ClassNames = []string{"T-shirt/top", "Trouser", "Pullover", "Dress", "Coat", "Sandal", "Shirt", "Sneaker", "Bag", "Ankle boot"}

// URLs are the download addresses, tried in order (Keras's mirror, then the
// dataset's own).
var URLs = []string{
	"https://storage.googleapis.com/tensorflow/tf-keras-datasets",
	"http://fashion-mnist.s3-website.eu-central-1.amazonaws.com",
}

// files are the canonical gzip-compressed IDX files and their SHA-256.
var files = []fetch.File{
	{Name: "train-images-idx3-ubyte.gz", SHA256: "b0564c3eedabfbf835052cff8503ea422014ce006caf5b757f851416ee8300c7"},
	{Name: "train-labels-idx1-ubyte.gz", SHA256: "0ae29f65d86684f32d1b9c85147786c547b9c6aebcaf235f0400a0cce308b056"},
	{Name: "t10k-images-idx3-ubyte.gz", SHA256: "cc1d090a38ace84dfa1aa66e3ada7c336ef481a96936906477e6dd344da56eaa"},
	{Name: "t10k-labels-idx1-ubyte.gz", SHA256: "8d3605d196f4be44669e46906da9733c8131fef761fdbfec72c424d5222f1a05"},
}

// SystemDir is where Debian's dataset-fashion-mnist package puts the files.
const SystemDir = "/usr/share/datasets/fashion-mnist"

func spec() fetch.Spec {
	var sys []string
	if h, err := os.UserHomeDir(); err == nil {
		sys = append(sys, filepath.Join(h, ".keras", "datasets", "fashion-mnist"))
	}
	return fetch.Spec{Name: "fashion-mnist", Files: files, SystemDirs: sys, BaseURLs: URLs}
}

// LoadData returns the training and test images and labels
// (fashion_mnist.load_data()). Options choose where to look (see package
// datasets).
func LoadData(opts ...datasets.Option) (xTrain, yTrain, xTest, yTest *tensor.Tensor, err error) {
	cfg := datasets.NewConfig(opts...)
	dir, _, err := fetch.Find(spec(), cfg, func(d string) bool { return mnistfmt.Has(d, "fashion-mnist.npz") })
	if err != nil {
		return nil, nil, nil, nil, err
	}
	s, err := mnistfmt.Load(dir, "fashion-mnist.npz", 10, datasets.MaxBytes(cfg.MaxBytes))
	if err != nil {
		return nil, nil, nil, nil, fmt.Errorf("fashion-mnist: %w", err)
	}
	return s.XTrain, s.YTrain, s.XTest, s.YTest, nil
}
