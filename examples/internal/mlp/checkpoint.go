package mlp

import (
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"

	"github.com/tensorgo/tensorgo/keras"
	"github.com/tensorgo/tensorgo/tensor"
)

// resume is the course's 断点续训: if the checkpoint directory holds
// weights from an earlier run, load them; then train with a ModelCheckpoint
// that keeps the best weights (by validation loss on the test set, as the
// course validates) in the same file.
func resume(model *keras.Model, c Config, xTest, yTest *tensor.Tensor) ([]keras.FitOption, error) {
	path := weightsPath(c)
	switch _, err := os.Stat(path); {
	case err == nil:
		fmt.Fprintln(c.logs(), "-------------load the model-----------------")
		if err := model.LoadWeights(path); err != nil {
			return nil, err
		}
	case !errors.Is(err, fs.ErrNotExist):
		return nil, err
	}
	cp := keras.NewModelCheckpoint(path)
	cp.SaveWeightsOnly, cp.SaveBestOnly = true, true
	return []keras.FitOption{keras.ValidationData(xTest, yTest), keras.Callbacks(cp)}, nil
}

// weightsPath is the checkpoint file: <dir>/<workload>.tgckpt.
func weightsPath(c Config) string {
	return filepath.Join(c.Checkpoint, c.Name+keras.WeightsExt)
}

// writeWeightsText is the course's 参数提取: every trainable weight's name,
// shape and values in <dir>/weights.txt.
func writeWeightsText(model *keras.Model, c Config) error {
	f, err := os.Create(filepath.Join(c.Checkpoint, "weights.txt"))
	if err != nil {
		return err
	}
	if err := model.WriteWeightsText(f); err != nil {
		f.Close()
		return err
	}
	return f.Close()
}
