// Package cifar10 reads the CIFAR-10 binary version (cifar-10-binary.tar.gz,
// extracted: cifar-10-batches-bin/) into tensors shaped as Keras's
// cifar10.load_data returns them: (50000, 32, 32, 3) and (10000, 32, 32, 3)
// uint8 images (channels last) with (50000, 1) and (10000, 1) uint8 labels.
// The data itself comes from the user.
package cifar10

import (
	"fmt"
	"os"
	"path/filepath"

	"github.com/tensorgo/tensorgo/tensor"
)

// Image geometry of CIFAR-10: 32x32 RGB; a record is a label byte followed
// by the red, green and blue planes.
const (
	Height, Width, Channels = 32, 32, 3
	recordSize              = 1 + Height*Width*Channels
)

// ClassNames are the labels' meanings, in label order.
var ClassNames = []string{"airplane", "automobile", "bird", "cat", "deer", "dog", "frog", "horse", "ship", "truck"}

// ReadBatch reads one binary batch file (data_batch_1.bin, test_batch.bin):
// images (N, 32, 32, 3) uint8 and labels (N, 1) uint8.
func ReadBatch(path string) (x, y *tensor.Tensor, err error) {
	b, err := os.ReadFile(path)
	if err != nil {
		return nil, nil, fmt.Errorf("cifar10: %w", err)
	}
	return Decode(b, path)
}

// Decode parses the bytes of a binary batch. name is used in error messages.
func Decode(b []byte, name string) (x, y *tensor.Tensor, err error) {
	if len(b) == 0 || len(b)%recordSize != 0 {
		return nil, nil, fmt.Errorf("cifar10: %s: %d bytes is not a whole number of %d-byte records (truncated or not a CIFAR-10 binary batch)", filepath.Base(name), len(b), recordSize)
	}
	n := len(b) / recordSize
	x = tensor.New(tensor.Uint8, n, Height, Width, Channels)
	y = tensor.New(tensor.Uint8, n, 1)
	xs, ys := x.Uint8s(), y.Uint8s()
	const plane = Height * Width
	for i := 0; i < n; i++ {
		rec := b[i*recordSize : (i+1)*recordSize]
		if rec[0] >= 10 {
			return nil, nil, fmt.Errorf("cifar10: %s: record %d has label %d (want 0..9): not a CIFAR-10 binary batch", filepath.Base(name), i, rec[0])
		}
		ys[i] = rec[0]
		px := rec[1:]
		out := xs[i*plane*Channels : (i+1)*plane*Channels]
		// Planar (CHW) to interleaved (HWC).
		for p := 0; p < plane; p++ {
			out[3*p] = px[p]
			out[3*p+1] = px[plane+p]
			out[3*p+2] = px[2*plane+p]
		}
	}
	return x, y, nil
}

// LoadData reads data_batch_1.bin ... data_batch_5.bin and test_batch.bin
// from dir (the extracted cifar-10-batches-bin folder).
func LoadData(dir string) (xTrain, yTrain, xTest, yTest *tensor.Tensor, err error) {
	var xs, ys []*tensor.Tensor
	for i := 1; i <= 5; i++ {
		x, y, err := ReadBatch(filepath.Join(dir, fmt.Sprintf("data_batch_%d.bin", i)))
		if err != nil {
			return nil, nil, nil, nil, err
		}
		xs, ys = append(xs, x), append(ys, y)
	}
	xTest, yTest, err = ReadBatch(filepath.Join(dir, "test_batch.bin"))
	if err != nil {
		return nil, nil, nil, nil, err
	}
	return concat(xs), concat(ys), xTest, yTest, nil
}

func concat(ts []*tensor.Tensor) *tensor.Tensor {
	n := 0
	for _, t := range ts {
		n += t.Dim(0)
	}
	shape := append([]int{n}, ts[0].Shape()[1:]...)
	out := tensor.New(tensor.Uint8, shape...)
	d := out.Uint8s()[:0]
	for _, t := range ts {
		d = append(d, t.Uint8s()...)
	}
	return out
}
