package cifar10_test

import (
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/tensorgo/tensorgo/datasets/cifar10"
	"github.com/tensorgo/tensorgo/tensor"
)

// record builds one binary record whose pixel (r, c) in channel ch has the
// value (r + 2c + 50ch + seed) mod 256, laid out as the CIFAR-10 page says:
// label, then 1024 red, 1024 green, 1024 blue bytes, rows first.
func record(label, seed int) []byte {
	b := []byte{byte(label)}
	for ch := 0; ch < 3; ch++ {
		for r := 0; r < 32; r++ {
			for c := 0; c < 32; c++ {
				b = append(b, byte(r+2*c+50*ch+seed))
			}
		}
	}
	return b
}

// batch builds a whole batch file: record r has label label(r) and the
// pixels of record(label(r), seed+r).
func batch(seed int, label func(r int) int) []byte {
	base := record(0, 0)
	b := make([]byte, cifar10.RecordsPerBatch*len(base))
	for r := 0; r < cifar10.RecordsPerBatch; r++ {
		rec := b[r*len(base) : (r+1)*len(base)]
		rec[0] = byte(label(r))
		for j := 1; j < len(base); j++ {
			rec[j] = base[j] + byte(seed+r) // record(label, seed+r), faster
		}
	}
	return b
}

func TestLoadData(t *testing.T) {
	dir := t.TempDir()
	for k := 1; k <= 6; k++ {
		name := fmt.Sprintf("data_batch_%d.bin", k)
		if k == 6 {
			name = "test_batch.bin"
		}
		b := batch(k, func(r int) int { return (r + k) % 10 })
		if err := os.WriteFile(filepath.Join(dir, name), b, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	xTrain, yTrain, xTest, yTest, err := cifar10.LoadData(dir)
	if err != nil {
		t.Fatal(err)
	}
	if !xTrain.Shape().Equal(tensor.Shape{50000, 32, 32, 3}) || !yTrain.Shape().Equal(tensor.Shape{50000, 1}) ||
		!xTest.Shape().Equal(tensor.Shape{10000, 32, 32, 3}) || !yTest.Shape().Equal(tensor.Shape{10000, 1}) {
		t.Fatalf("shapes %v %v %v %v", xTrain.Shape(), yTrain.Shape(), xTest.Shape(), yTest.Shape())
	}
	// Sample i of the training set is record i%10000 of batch i/10000+1.
	for _, i := range []int{0, 1, 10003, 49999} {
		k, r := i/10000+1, i%10000
		if got, want := yTrain.Uint8s()[i], byte((r+k)%10); got != want {
			t.Fatalf("label %d = %d, want %d", i, got, want)
		}
		for _, p := range [][3]int{{0, 0, 0}, {5, 7, 1}, {31, 31, 2}} {
			want := byte(p[0] + 2*p[1] + 50*p[2] + k + r)
			if got := xTrain.At(i, p[0], p[1], p[2]); got != float64(want) {
				t.Fatalf("image %d pixel %v = %v, want %d", i, p, got, want)
			}
		}
	}
	if got := yTest.Uint8s()[9999]; got != byte((9999+6)%10) {
		t.Fatalf("last test label %d", got)
	}
}

func TestErrors(t *testing.T) {
	dir := t.TempDir()
	p := filepath.Join(dir, "data_batch_1.bin")
	os.WriteFile(p, record(1, 0)[:3000], 0o644)
	if _, _, err := cifar10.ReadBatch(p); err == nil || !strings.Contains(err.Error(), "data_batch_1.bin") || !strings.Contains(err.Error(), "truncated") {
		t.Fatalf("truncated: %v", err)
	}
	bad := batch(0, func(r int) int {
		if r == 7 {
			return 12
		}
		return 1
	})
	os.WriteFile(p, bad, 0o644)
	if _, _, err := cifar10.ReadBatch(p); err == nil || !strings.Contains(err.Error(), "record 7 has label 12") {
		t.Fatalf("bad label: %v", err)
	}
	if _, _, _, _, err := cifar10.LoadData(filepath.Join(dir, "nowhere")); err == nil || !strings.Contains(err.Error(), "data_batch_1.bin") {
		t.Fatalf("missing: %v", err)
	}
}

// A batch with whole records but fewer (or more) than 10,000 of them is an
// error, not a smaller dataset.
func TestWrongRecordCount(t *testing.T) {
	full := batch(0, func(r int) int { return r % 10 })
	p := filepath.Join(t.TempDir(), "test_batch.bin")
	for _, c := range []struct {
		b    []byte
		want string
	}{
		{full[:9999*3073], "30726927 bytes (9999 records and 0 bytes), want 30730000 (10000 records of 3073 bytes): truncated"},
		{full[:3073], "3073 bytes (1 records and 0 bytes)"},
		{append(full, record(0, 0)...), "30733073 bytes (10001 records and 0 bytes), want 30730000 (10000 records of 3073 bytes): not a CIFAR-10"},
	} {
		os.WriteFile(p, c.b, 0o644)
		if _, _, err := cifar10.ReadBatch(p); err == nil || !strings.Contains(err.Error(), "test_batch.bin: "+c.want) {
			t.Errorf("%d bytes: %v", len(c.b), err)
		}
		if _, _, err := cifar10.Decode(c.b, "test_batch.bin"); err == nil || !strings.Contains(err.Error(), c.want) {
			t.Errorf("Decode of %d bytes: %v", len(c.b), err)
		}
	}
	x, y, err := cifar10.Decode(full, "test_batch.bin")
	if err != nil || x.Dim(0) != 10000 || y.Dim(0) != 10000 {
		t.Fatalf("full batch: %v", err)
	}
}
