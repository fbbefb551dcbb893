package keras

import (
	"github.com/tensorgo/tensorgo/datasets/npy"
	"github.com/tensorgo/tensorgo/safetensors"
	"github.com/tensorgo/tensorgo/tensor"
)

// Weights for other tools: SaveWeights and LoadWeights also read and write
// safetensors files (".safetensors", as Hugging Face's libraries load them)
// and NumPy archives (".npz", numpy.load), each array named by its
// NamedVariables key ("dense/kernel").
func init() {
	RegisterWeightsFormat(".safetensors", WeightsFormat{
		Save: func(path string, w map[string]*tensor.Tensor) error { return safetensors.Save(path, w, nil) },
		Load: func(path string) (map[string]*tensor.Tensor, error) {
			w, _, err := safetensors.Load(path)
			return w, err
		},
	})
	RegisterWeightsFormat(".npz", WeightsFormat{
		Save: func(path string, w map[string]*tensor.Tensor) error { return npy.WriteNPZ(path, w, false) },
		Load: func(path string) (map[string]*tensor.Tensor, error) { return npy.ReadNPZ(path) },
	})
}
