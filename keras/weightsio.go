package keras

import (
	"fmt"
	"sort"
	"strings"
	"sync"

	"github.com/tensorgo/tensorgo/checkpoint"
	"github.com/tensorgo/tensorgo/tensor"
)

// WeightsFormat is one file format SaveWeights and LoadWeights can use,
// chosen by the end of the file's name.
type WeightsFormat struct {
	// Save writes the weights (keyed by NamedVariables keys) to path.
	Save func(path string, weights map[string]*tensor.Tensor) error
	// Load reads the weights saved at path.
	Load func(path string) (map[string]*tensor.Tensor, error)
}

var (
	formatsMu sync.RWMutex
	formats   = map[string]WeightsFormat{}
)

// RegisterWeightsFormat makes SaveWeights and LoadWeights use f for files
// whose names end in ext (such as ".weights.h5"), as image formats register
// themselves with the standard library's image package. The longest
// matching ending wins. It panics if ext is empty or already registered.
func RegisterWeightsFormat(ext string, f WeightsFormat) {
	formatsMu.Lock()
	defer formatsMu.Unlock()
	if ext == "" || f.Save == nil || f.Load == nil {
		panic("keras: RegisterWeightsFormat: needs a file ending and both functions")
	}
	if _, dup := formats[ext]; dup {
		panic(fmt.Sprintf("keras: RegisterWeightsFormat: %q is already registered", ext))
	}
	formats[ext] = f
}

// WeightsExt is the file ending of tensorgo's own weights files: the
// checkpoint format (see package checkpoint), checksummed and written
// atomically.
const WeightsExt = checkpoint.Ext

func init() {
	RegisterWeightsFormat(WeightsExt, WeightsFormat{Save: saveCheckpointWeights, Load: loadCheckpointWeights})
}

// weightsFormat returns the format for path, or an error naming the
// supported endings.
// kerasWeightsExt is the ending of Keras 3's weights files.
const kerasWeightsExt = ".weights.h5"

func weightsFormat(what, path string) (WeightsFormat, error) {
	formatsMu.RLock()
	defer formatsMu.RUnlock()
	best := ""
	for ext := range formats {
		if strings.HasSuffix(path, ext) && len(ext) > len(best) {
			best = ext
		}
	}
	if best == "" {
		exts := []string{kerasWeightsExt}
		for ext := range formats {
			exts = append(exts, ext)
		}
		sort.Strings(exts)
		return WeightsFormat{}, fmt.Errorf("keras: %s: %s: unsupported file name ending; the supported ones are %s", what, path, strings.Join(exts, ", "))
	}
	return formats[best], nil
}

// The values of a tensorgo weights or training-state file that say what it
// holds.
const (
	kindKey           = "kind"
	kindWeights       = "weights"
	kindTrainingState = "training_state"
)

func saveCheckpointWeights(path string, w map[string]*tensor.Tensor) error {
	s := &checkpoint.State{Tensors: w}
	s.SetValue(kindKey, kindWeights)
	return checkpoint.Write(path, s)
}

func loadCheckpointWeights(path string) (map[string]*tensor.Tensor, error) {
	s, err := checkpoint.Read(path)
	if err != nil {
		return nil, err
	}
	return checkpointWeights(s), nil
}

// checkpointWeights returns the model weights a checkpoint holds: every
// tensor of a weights file; those outside the optimizer's, the data's and
// the callbacks' keys in a training state.
func checkpointWeights(s *checkpoint.State) map[string]*tensor.Tensor {
	var kind string
	s.Value(kindKey, &kind)
	if kind != kindTrainingState {
		return s.Tensors
	}
	w := map[string]*tensor.Tensor{}
	for k, t := range s.Tensors {
		if !isStateKey(k) {
			w[k] = t
		}
	}
	return w
}

// SaveWeights writes every weight of the model (trainable or not), keyed
// by its NamedVariables key, to path, in the format its name's ending
// selects: WeightsExt (".tgckpt") for tensorgo's checkpoint format,
// ".weights.h5" for Keras 3's weights file (SaveKerasWeights), or one added
// with RegisterWeightsFormat. Other endings are an error that names the
// supported ones. The file is replaced atomically: a failed save leaves
// an earlier file at path as it was.
func (m *Model) SaveWeights(path string) error {
	// Keras's layout is positional, not keyed: its own writer serves it.
	if strings.HasSuffix(path, kerasWeightsExt) {
		return SaveKerasWeights(m, path)
	}
	f, err := weightsFormat("SaveWeights", path)
	if err != nil {
		return err
	}
	if err := m.ensureBuilt(); err != nil {
		return fmt.Errorf("keras: SaveWeights: %w", err)
	}
	if !m.Built() {
		return fmt.Errorf("keras: SaveWeights: model %s is not built yet (give it an input shape, or Build it)", m.name)
	}
	w := map[string]*tensor.Tensor{}
	for _, nv := range m.NamedVariables() {
		w[nv.Key] = nv.Variable.Value()
	}
	if err := f.Save(path, w); err != nil {
		return fmt.Errorf("keras: SaveWeights: %w", err)
	}
	return nil
}

// LoadWeights reads weights saved by SaveWeights (or the weights of a
// BackupAndRestore or ModelCheckpoint file) from path into the model. It
// checks every key, dtype and shape before it changes anything: a file
// whose weights do not match the model's one for one is an error listing
// the missing, extra and mismatched keys, and the model keeps its weights.
func (m *Model) LoadWeights(path string) error {
	if strings.HasSuffix(path, kerasWeightsExt) {
		return LoadKerasWeights(m, path)
	}
	f, err := weightsFormat("LoadWeights", path)
	if err != nil {
		return err
	}
	if err := m.ensureBuilt(); err != nil {
		return fmt.Errorf("keras: LoadWeights: %w", err)
	}
	if !m.Built() {
		return fmt.Errorf("keras: LoadWeights: model %s is not built yet (give it an input shape, or Build it)", m.name)
	}
	w, err := f.Load(path)
	if err != nil {
		return fmt.Errorf("keras: LoadWeights: %w", err)
	}
	if err := m.setNamedWeights(w); err != nil {
		return fmt.Errorf("keras: LoadWeights: %s: %w", path, err)
	}
	return nil
}

// setNamedWeights writes w into the model's weights by key after checking
// that the keys, dtypes and shapes match the model's exactly.
func (m *Model) setNamedWeights(w map[string]*tensor.Tensor) error {
	nvs := m.NamedVariables()
	if err := checkNamed("weights", nvs, w); err != nil {
		return err
	}
	for _, nv := range nvs {
		if err := nv.Variable.SetValue(w[nv.Key]); err != nil {
			return err // checked above: not expected
		}
	}
	return nil
}

// namedTarget is what a saved tensor must match.
type namedTarget interface {
	key() string
	dtype() tensor.DType
	shape() tensor.Shape
}

func (nv NamedVariable) key() string         { return nv.Key }
func (nv NamedVariable) dtype() tensor.DType { return nv.Variable.DType() }
func (nv NamedVariable) shape() tensor.Shape { return nv.Variable.Shape() }

// checkNamed compares saved tensors with what they must fill and returns
// one error listing every missing, extra and mismatched key.
func checkNamed[T namedTarget](what string, want []T, got map[string]*tensor.Tensor) error {
	var missing, extra, bad []string
	seen := map[string]bool{}
	for _, t := range want {
		k := t.key()
		seen[k] = true
		g, ok := got[k]
		switch {
		case !ok:
			missing = append(missing, k)
		case g == nil:
			bad = append(bad, fmt.Sprintf("%s: no value", k))
		case g.DType() != t.dtype() || !g.Shape().Equal(t.shape()):
			bad = append(bad, fmt.Sprintf("%s: the file has %v %v, the model %v %v", k, g.DType(), g.Shape(), t.dtype(), t.shape()))
		}
	}
	for k := range got {
		if !seen[k] {
			extra = append(extra, k)
		}
	}
	if missing == nil && extra == nil && bad == nil {
		return nil
	}
	sort.Strings(extra)
	var parts []string
	if missing != nil {
		parts = append(parts, fmt.Sprintf("missing from the file: %s", strings.Join(missing, ", ")))
	}
	if extra != nil {
		parts = append(parts, fmt.Sprintf("in the file but not the model: %s", strings.Join(extra, ", ")))
	}
	if bad != nil {
		parts = append(parts, fmt.Sprintf("mismatched: %s", strings.Join(bad, "; ")))
	}
	return fmt.Errorf("the %s do not match the model's (%d in the model, %d in the file): %s", what, len(want), len(got), strings.Join(parts, "; "))
}
