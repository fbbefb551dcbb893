package keras

import (
	"fmt"
	"io"
	"os"
	"strings"

	"github.com/tensorgo/tensorgo/internal/atomicfile"
	"github.com/tensorgo/tensorgo/internal/hdf5"
)

// SaveKerasWeights writes m's weights to path in Keras 3's weights-file
// format (Keras's model.save_weights("x.weights.h5")): an HDF5 file with
// one group /layers/<key>/vars per layer, where key is the layer's
// snake-case class name made unique in model order ("dense", "dense_1"),
// holding its variables as datasets "0", "1", ... in Keras's order. The
// optimizer's state is not written (Keras's save_weights does not write
// it either). The file is written atomically. path must end in
// ".weights.h5", as Keras requires. Any built model can be saved, a
// subclassed one too (its layers in the order its Call uses them).
func SaveKerasWeights(m *Model, path string) error {
	if !strings.HasSuffix(path, ".weights.h5") {
		return fmt.Errorf("keras: SaveKerasWeights: the path must end in .weights.h5, got %q", path)
	}
	if err := m.ensureBuilt(); err != nil {
		return err
	}
	if !m.Built() {
		return fmt.Errorf("keras: SaveKerasWeights: model %s is not built yet: its weights do not exist", m.name)
	}
	groups, err := m.weightGroups()
	if err != nil {
		return err
	}
	var h5 memFile
	w := hdf5.Create(&h5)
	if err := writeWeights(w, m.name, groups, nil); err != nil {
		return fmt.Errorf("keras: SaveKerasWeights: %w", err)
	}
	if err := w.Close(); err != nil {
		return fmt.Errorf("keras: SaveKerasWeights: %w", err)
	}
	return atomicfile.Write(path, func(out io.Writer) error {
		_, err := out.Write(h5.b)
		return err
	})
}

// LoadKerasWeights reads weights written by SaveKerasWeights or by Keras's
// model.save_weights into m, which must have the same layers (matched by
// class and order, as Keras matches them): a missing layer, a different
// number of variables or a different shape is an error, and then no
// weight is changed.
func LoadKerasWeights(m *Model, path string) error {
	if err := m.ensureBuilt(); err != nil {
		return err
	}
	if !m.Built() {
		return fmt.Errorf("keras: LoadKerasWeights: model %s is not built yet: give it an input shape first", m.name)
	}
	groups, err := m.weightGroups()
	if err != nil {
		return err
	}
	f, err := os.Open(path)
	if err != nil {
		return fmt.Errorf("keras: LoadKerasWeights: %w", err)
	}
	defer f.Close()
	st, err := f.Stat()
	if err != nil {
		return fmt.Errorf("keras: LoadKerasWeights: %w", err)
	}
	h, err := hdf5.Open(f, st.Size())
	if err != nil {
		return fmt.Errorf("keras: LoadKerasWeights: %s: %w", path, err)
	}
	return readWeights(h, path, groups, nil)
}
