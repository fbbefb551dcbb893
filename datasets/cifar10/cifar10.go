// Package cifar10 reads the CIFAR-10 binary version (cifar-10-binary.tar.gz,
// extracted: cifar-10-batches-bin/) into tensors shaped as Keras's
// cifar10.load_data returns them: (50000, 32, 32, 3) and (10000, 32, 32, 3)
// uint8 images (channels last) with (50000, 1) and (10000, 1) uint8 labels.
// Every batch file must hold its 10,000 records.
//
// LoadData reads the batches from a directory; Load finds them (a
// directory given with datasets.Dir, $TENSORGO_DATA/cifar10, the cache,
// the system's dataset folders) or downloads the canonical archive (URL),
// checks its published SHA-256 and unpacks it into the cache.
package cifar10

import (
	"fmt"
	"io"
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

// RecordsPerBatch is the number of records in every batch file, the five
// training ones and the test one.
const RecordsPerBatch = 10000

// batchSize is a batch file's size in bytes.
const batchSize = RecordsPerBatch * recordSize

// ClassNames are the labels' meanings, in label order.
var ClassNames = []string{"airplane", "automobile", "bird", "cat", "deer", "dog", "frog", "horse", "ship", "truck"}

// ReadBatch reads one binary batch file (data_batch_1.bin, test_batch.bin):
// images (10000, 32, 32, 3) uint8 and labels (10000, 1) uint8. A file of
// any other size (a cut-off download, say) is an error, not a smaller
// dataset; its size is checked before it is read.
func ReadBatch(path string) (x, y *tensor.Tensor, err error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, nil, fmt.Errorf("cifar10: %w", err)
	}
	defer f.Close()
	st, err := f.Stat()
	if err != nil {
		return nil, nil, fmt.Errorf("cifar10: %w", err)
	}
	if err := checkSize(st.Size(), path); err != nil {
		return nil, nil, err
	}
	b := make([]byte, batchSize)
	if _, err := io.ReadFull(f, b); err != nil {
		return nil, nil, fmt.Errorf("cifar10: %s: %w", path, err)
	}
	return Decode(b, path)
}

// checkSize returns an error unless size is that of a whole batch.
func checkSize(size int64, name string) error {
	if size == batchSize {
		return nil
	}
	what := "not a CIFAR-10 binary batch"
	if size < batchSize {
		what = "truncated, or " + what
	}
	records := fmt.Sprintf("%d records and %d bytes", size/recordSize, size%recordSize)
	return fmt.Errorf("cifar10: %s: %d bytes (%s), want %d (%d records of %d bytes): %s",
		filepath.Base(name), size, records, batchSize, RecordsPerBatch, recordSize, what)
}

// Decode parses the bytes of a binary batch, which must hold exactly
// RecordsPerBatch records. name is used in error messages.
func Decode(b []byte, name string) (x, y *tensor.Tensor, err error) {
	if err := checkSize(int64(len(b)), name); err != nil {
		return nil, nil, err
	}
	return decode(b, name, RecordsPerBatch)
}

// decode parses n records from b (n*recordSize bytes).
func decode(b []byte, name string, n int) (x, y *tensor.Tensor, err error) {
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
