package keras_test

import (
	"path/filepath"
	"testing"

	"github.com/tensorgo/tensorgo/keras"
)

// BenchmarkSaveWeightsMNISTMLP times SaveWeights of the MNIST MLP
// (101,770 parameters): encoding, checksums, fsync and rename.
func BenchmarkSaveWeightsMNISTMLP(b *testing.B) {
	m := mnistMLP()
	path := filepath.Join(b.TempDir(), "w"+keras.WeightsExt)
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		if err := m.SaveWeights(path); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkLoadWeightsMNISTMLP times LoadWeights of the MNIST MLP: reading,
// every checksum, the key, dtype and shape checks, and the copy in.
func BenchmarkLoadWeightsMNISTMLP(b *testing.B) {
	m := mnistMLP()
	path := filepath.Join(b.TempDir(), "w"+keras.WeightsExt)
	if err := m.SaveWeights(path); err != nil {
		b.Fatal(err)
	}
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		if err := m.LoadWeights(path); err != nil {
			b.Fatal(err)
		}
	}
}
