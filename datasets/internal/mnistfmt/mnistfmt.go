// Package mnistfmt loads datasets laid out as MNIST: four IDX files (train
// and test images and labels) or one Keras-style npz with x_train, y_train,
// x_test and y_test.
package mnistfmt

import (
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"sync"

	"github.com/tensorgo/tensorgo/datasets"
	"github.com/tensorgo/tensorgo/datasets/idx"
	"github.com/tensorgo/tensorgo/datasets/npy"
	"github.com/tensorgo/tensorgo/tensor"
)

// Names are the four canonical file names, without .gz: train images, train
// labels, test images, test labels.
var Names = [4]string{"train-images-idx3-ubyte", "train-labels-idx1-ubyte", "t10k-images-idx3-ubyte", "t10k-labels-idx1-ubyte"}

// Set is a train/test split as Keras's load_data returns it.
type Set struct {
	XTrain, YTrain, XTest, YTest *tensor.Tensor
}

func isFile(p string) bool {
	st, err := os.Stat(p)
	return err == nil && st.Mode().IsRegular()
}

// idxPaths returns the four IDX files in dir (each .gz or not), or nil.
func idxPaths(dir string) []string {
	var ps []string
	for _, n := range Names {
		p := filepath.Join(dir, n+".gz")
		if !isFile(p) {
			p = filepath.Join(dir, n)
			if !isFile(p) {
				return nil
			}
		}
		ps = append(ps, p)
	}
	return ps
}

// Has reports whether dir holds the four IDX files or the npz (or is the
// npz file itself).
func Has(dir, npzName string) bool {
	if strings.HasSuffix(dir, ".npz") {
		return isFile(dir)
	}
	return idxPaths(dir) != nil || isFile(filepath.Join(dir, npzName))
}

// Load reads the dataset from dir (preferring the IDX files to the npz) or
// from an npz path. classes is the number of classes labels must be below;
// opts may set the decoded-size budget (datasets.MaxBytes).
func Load(dir, npzName string, classes int, opts ...datasets.Option) (Set, error) {
	if strings.HasSuffix(dir, ".npz") {
		return LoadNPZ(dir, classes, opts...)
	}
	ps := idxPaths(dir)
	if ps == nil {
		if p := filepath.Join(dir, npzName); isFile(p) {
			return LoadNPZ(p, classes, opts...)
		}
		return Set{}, fmt.Errorf("no %s files and no %s in %s", strings.Join(Names[:], "(.gz), "), npzName, dir)
	}
	var ts [4]*tensor.Tensor
	var errs [4]error
	var wg sync.WaitGroup
	for i, p := range ps {
		wg.Add(1)
		go func() {
			defer wg.Done()
			ts[i], errs[i] = idx.Read(p, opts...)
		}()
	}
	wg.Wait()
	if err := errors.Join(errs[:]...); err != nil {
		return Set{}, err
	}
	s := Set{ts[0], ts[1], ts[2], ts[3]}
	return s, check(s, ps, classes)
}

// LoadNPZ reads a Keras-style npz (x_train, y_train, x_test, y_test).
func LoadNPZ(path string, classes int, opts ...datasets.Option) (Set, error) {
	m, err := npy.ReadNPZ(path, opts...)
	if err != nil {
		return Set{}, err
	}
	keys := [4]string{"x_train", "y_train", "x_test", "y_test"}
	var ts [4]*tensor.Tensor
	for i, k := range keys {
		if ts[i] = m[k]; ts[i] == nil {
			return Set{}, fmt.Errorf("npz: %s: no array %q (want x_train, y_train, x_test, y_test)", path, k)
		}
	}
	s := Set{ts[0], ts[1], ts[2], ts[3]}
	var names [4]string
	for i, k := range keys {
		names[i] = path + "[" + k + "]"
	}
	return s, check(s, names[:], classes)
}

// check verifies that the images are (N, H, W) uint8 and the labels (N,)
// uint8 below classes.
func check(s Set, names []string, classes int) error {
	pairs := [2][2]*tensor.Tensor{{s.XTrain, s.YTrain}, {s.XTest, s.YTest}}
	for i, p := range pairs {
		x, y := p[0], p[1]
		xn, yn := names[2*i], names[2*i+1]
		if x.DType() != tensor.Uint8 || x.Rank() != 3 {
			return fmt.Errorf("%s: images are %v %v, want (N, height, width) uint8", xn, x.DType(), x.Shape())
		}
		if y.DType() != tensor.Uint8 || y.Rank() != 1 {
			return fmt.Errorf("%s: labels are %v %v, want (N,) uint8", yn, y.DType(), y.Shape())
		}
		if x.Dim(0) != y.Dim(0) {
			return fmt.Errorf("%s has %d images but %s has %d labels", xn, x.Dim(0), yn, y.Dim(0))
		}
		for j, v := range y.Uint8s() {
			if int(v) >= classes {
				return fmt.Errorf("%s: label %d of sample %d is not below %d", yn, v, j, classes)
			}
		}
	}
	return nil
}
