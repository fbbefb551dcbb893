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

func TestLoadData(t *testing.T) {
	dir := t.TempDir()
	write := func(name string, labels ...int) {
		var b []byte
		for i, l := range labels {
			b = append(b, record(l, i+len(name))...)
		}
		if err := os.WriteFile(filepath.Join(dir, name), b, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	for i := 1; i <= 5; i++ {
		write(fmt.Sprintf("data_batch_%d.bin", i), i, 9-i)
	}
	write("test_batch.bin", 3)
	xTrain, yTrain, xTest, yTest, err := cifar10.LoadData(dir)
	if err != nil {
		t.Fatal(err)
	}
	if !xTrain.Shape().Equal(tensor.Shape{10, 32, 32, 3}) || !yTrain.Shape().Equal(tensor.Shape{10, 1}) ||
		!xTest.Shape().Equal(tensor.Shape{1, 32, 32, 3}) || !yTest.Shape().Equal(tensor.Shape{1, 1}) {
		t.Fatalf("shapes %v %v %v %v", xTrain.Shape(), yTrain.Shape(), xTest.Shape(), yTest.Shape())
	}
	if got := yTrain.Uint8s(); got[0] != 1 || got[1] != 8 || got[8] != 5 || got[9] != 4 {
		t.Fatalf("labels %v", got)
	}
	// Image 3 of the training set is record 1 of data_batch_2.bin.
	seed := 1 + len("data_batch_2.bin")
	for _, p := range [][3]int{{0, 0, 0}, {5, 7, 1}, {31, 31, 2}} {
		want := byte(p[0] + 2*p[1] + 50*p[2] + seed)
		if got := xTrain.At(3, p[0], p[1], p[2]); got != float64(want) {
			t.Fatalf("pixel %v = %v, want %d", p, got, want)
		}
	}
}

func TestErrors(t *testing.T) {
	dir := t.TempDir()
	p := filepath.Join(dir, "data_batch_1.bin")
	os.WriteFile(p, record(1, 0)[:3000], 0o644)
	if _, _, err := cifar10.ReadBatch(p); err == nil || !strings.Contains(err.Error(), "data_batch_1.bin") || !strings.Contains(err.Error(), "truncated") {
		t.Fatalf("truncated: %v", err)
	}
	os.WriteFile(p, record(12, 0), 0o644)
	if _, _, err := cifar10.ReadBatch(p); err == nil || !strings.Contains(err.Error(), "label 12") {
		t.Fatalf("bad label: %v", err)
	}
	if _, _, _, _, err := cifar10.LoadData(filepath.Join(dir, "nowhere")); err == nil || !strings.Contains(err.Error(), "data_batch_1.bin") {
		t.Fatalf("missing: %v", err)
	}
}
