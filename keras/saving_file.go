package keras

import (
	"archive/zip"
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"strings"
	"time"

	"github.com/tensorgo/tensorgo/internal/atomicfile"
	"github.com/tensorgo/tensorgo/internal/hdf5"
)

// KerasFormatVersion is the Keras version tensorgo writes in
// metadata.json: the Keras 3 release whose file format it follows.
const KerasFormatVersion = "3.16.0"

// Limits on the members of a .keras archive read by LoadModel, so that a
// corrupt or hostile file cannot make it allocate without bound.
const (
	maxJSONMember = 64 << 20 // config.json, metadata.json
	// maxInflatedWeights bounds model.weights.h5 when it is compressed
	// (Keras stores it uncompressed, and then it is read in place).
	maxInflatedWeights = 4 << 30
)

// SaveOption configures SaveModel.
type SaveOption func(*saveConfig)

type saveConfig struct {
	classNames []string
}

// WithClassNames stores the names of the model's output classes in the
// file's metadata.json (under "class_names"), for `tensorgo predict` and
// for ModelFile.ClassNames. Keras ignores the entry.
func WithClassNames(names ...string) SaveOption {
	return func(c *saveConfig) { c.classNames = append([]string(nil), names...) }
}

// ModelFile is what a .keras file holds besides the model: metadata.json's
// entries.
type ModelFile struct {
	// Model is the rebuilt model, with its weights (and, if the file was
	// saved compiled, compiled with the optimizer's state restored).
	Model *Model
	// KerasVersion and DateSaved are metadata.json's "keras_version" and
	// "date_saved".
	KerasVersion, DateSaved string
	// ClassNames are the output classes' names that SaveModel stored
	// (WithClassNames); nil if none.
	ClassNames []string
}

// SaveModel writes m to path as a Keras 3 model file (.keras, as Keras's
// model.save): a zip archive, stored uncompressed as Keras stores it, of
// metadata.json, config.json (the model's architecture in Keras's
// serialisation schema, and its compile config if it is compiled) and
// model.weights.h5 (the weights, and the optimizer's state, in Keras's
// HDF5 layout). The file is written atomically: it appears complete or not
// at all. Real Keras 3 loads it with keras.saving.load_model.
//
// Sequential and functional models can be saved if every layer's class has
// a registered layers.Serializer; a subclassed model (its Call is Go code)
// or a Lambda layer (a Go function) is an error, as is a path that does
// not end in ".keras". SaveModel must not run while the model trains.
func SaveModel(m *Model, path string, opts ...SaveOption) error {
	return m.Save(path, opts...)
}

// Save writes the model to a Keras 3 ".keras" file, as Keras's model.save
// does; see SaveModel.
func (m *Model) Save(path string, opts ...SaveOption) error {
	if !strings.HasSuffix(path, ".keras") {
		return fmt.Errorf("keras: SaveModel: the path must end in .keras, got %q (use SaveKerasWeights for .weights.h5)", path)
	}
	var sc saveConfig
	for _, o := range opts {
		o(&sc)
	}
	cfg, err := m.modelConfig()
	if err != nil {
		return err
	}
	if cc := m.compileConfigJSON(); cc != nil {
		cfg["compile_config"] = cc
	}
	groups, err := m.weightGroups()
	if err != nil {
		return err
	}
	cfgJSON, err := json.Marshal(cfg)
	if err != nil {
		return fmt.Errorf("keras: SaveModel: %w", err)
	}
	now := time.Now()
	meta := map[string]any{"keras_version": KerasFormatVersion, "date_saved": now.Format("2006-01-02@15:04:05"), "producer": "tensorgo"}
	if sc.classNames != nil {
		meta["class_names"] = sc.classNames
	}
	metaJSON, err := json.Marshal(meta)
	if err != nil {
		return fmt.Errorf("keras: SaveModel: %w", err)
	}
	var h5 memFile
	w := hdf5.Create(&h5)
	var opt Optimizer
	if m.comp != nil && cfg["compile_config"] != nil {
		opt = m.comp.opt
	}
	if err := writeWeights(w, m.name, groups, opt); err != nil {
		return fmt.Errorf("keras: SaveModel: %w", err)
	}
	if err := w.Close(); err != nil {
		return fmt.Errorf("keras: SaveModel: %w", err)
	}
	return atomicfile.Write(path, func(out io.Writer) error {
		z := zip.NewWriter(out)
		for _, member := range []struct {
			name string
			data []byte
		}{{"metadata.json", metaJSON}, {"config.json", cfgJSON}, {"model.weights.h5", h5.b}} {
			fw, err := z.CreateHeader(&zip.FileHeader{Name: member.name, Method: zip.Store, Modified: now})
			if err != nil {
				return err
			}
			if _, err := fw.Write(member.data); err != nil {
				return err
			}
		}
		return z.Close()
	})
}

// LoadModel reads a Keras 3 model file (.keras) written by SaveModel or by
// Keras's model.save: it rebuilds the model from config.json (layers by
// class name, through the layers.Serializer registry), loads its weights
// from model.weights.h5, checking every shape, and compiles it as saved
// when the file has a compile config tensorgo understands. A file that is
// not a .keras archive, or whose config or weights are corrupt or use
// layers tensorgo does not have, is an error naming what is wrong.
//
// Several goroutines may call LoadModel at once (they take turns to build
// their models); like any building of a functional model, it must not run
// while another goroutine builds one with keras.Input.
func LoadModel(path string) (*Model, error) {
	mf, err := ReadModelFile(path)
	if err != nil {
		return nil, err
	}
	return mf.Model, nil
}

// ReadModelFile is LoadModel returning the file's metadata too.
func ReadModelFile(path string) (*ModelFile, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, fmt.Errorf("keras: LoadModel: %w", err)
	}
	defer f.Close()
	st, err := f.Stat()
	if err != nil {
		return nil, fmt.Errorf("keras: LoadModel: %w", err)
	}
	mf, err := DecodeModelFile(f, st.Size())
	if err != nil {
		return nil, fmt.Errorf("%w (reading %s)", err, path)
	}
	return mf, nil
}

// DecodeModelFile reads a .keras archive of the given size from r (see
// LoadModel). r must stay readable until it returns.
func DecodeModelFile(r io.ReaderAt, size int64) (*ModelFile, error) {
	z, err := zip.NewReader(r, size)
	if err != nil {
		return nil, fmt.Errorf("keras: not a .keras file (a zip archive): %v", err)
	}
	members := map[string]*zip.File{}
	for _, f := range z.File {
		members[f.Name] = f
	}
	cfgBytes, err := readJSONMember(members, "config.json")
	if err != nil {
		return nil, err
	}
	var cfg map[string]any
	if err := json.Unmarshal(cfgBytes, &cfg); err != nil {
		return nil, fmt.Errorf("keras: config.json is not a JSON object: %v", err)
	}
	mf := &ModelFile{}
	if _, ok := members["metadata.json"]; ok {
		metaBytes, err := readJSONMember(members, "metadata.json")
		if err != nil {
			return nil, err
		}
		var meta struct {
			KerasVersion string   `json:"keras_version"`
			DateSaved    string   `json:"date_saved"`
			ClassNames   []string `json:"class_names"`
		}
		if err := json.Unmarshal(metaBytes, &meta); err != nil {
			return nil, fmt.Errorf("keras: metadata.json: %v", err)
		}
		mf.KerasVersion, mf.DateSaved, mf.ClassNames = meta.KerasVersion, meta.DateSaved, meta.ClassNames
	}
	wf := members["model.weights.h5"]
	if wf == nil {
		if members["model.weights.npz"] != nil {
			return nil, errors.New("keras: the archive holds model.weights.npz; tensorgo reads model.weights.h5 only")
		}
		return nil, errors.New("keras: the archive has no model.weights.h5")
	}
	h5, err := openWeightsMember(r, size, wf)
	if err != nil {
		return nil, err
	}
	m, groups, err := modelFromConfig(cfg, h5)
	if err != nil {
		return nil, err
	}
	var opt Optimizer
	if cc, ok := cfg["compile_config"].(map[string]any); ok && len(cc) > 0 {
		if err := m.compileFromConfig(cc); err != nil {
			return nil, err
		}
		opt = m.comp.opt
	}
	if err := readWeights(h5, "model.weights.h5", groups, opt); err != nil {
		return nil, err
	}
	mf.Model = m
	return mf, nil
}

func readJSONMember(members map[string]*zip.File, name string) ([]byte, error) {
	f := members[name]
	if f == nil {
		return nil, fmt.Errorf("keras: the archive has no %s", name)
	}
	if f.UncompressedSize64 > maxJSONMember {
		return nil, fmt.Errorf("keras: %s is %d bytes, more than the %d tensorgo reads", name, f.UncompressedSize64, maxJSONMember)
	}
	rc, err := f.Open()
	if err != nil {
		return nil, fmt.Errorf("keras: %s: %v", name, err)
	}
	defer rc.Close()
	b, err := io.ReadAll(io.LimitReader(rc, maxJSONMember+1))
	if err != nil {
		return nil, fmt.Errorf("keras: %s: %v", name, err)
	}
	if len(b) > maxJSONMember {
		return nil, fmt.Errorf("keras: %s is larger than the %d bytes tensorgo reads", name, maxJSONMember)
	}
	return b, nil
}

// openWeightsMember opens model.weights.h5 in place when it is stored (as
// Keras writes it) and reads it into memory, bounded, when compressed.
func openWeightsMember(r io.ReaderAt, size int64, f *zip.File) (*hdf5.File, error) {
	if f.Method == zip.Store {
		off, err := f.DataOffset()
		if err != nil {
			return nil, fmt.Errorf("keras: model.weights.h5: %v", err)
		}
		n := int64(f.CompressedSize64)
		if f.CompressedSize64 != f.UncompressedSize64 || n < 0 || off < 0 || off > size || n > size-off {
			return nil, fmt.Errorf("keras: model.weights.h5: its zip entry's sizes (%d stored, %d declared) do not fit the %d-byte archive", f.CompressedSize64, f.UncompressedSize64, size)
		}
		h, err := hdf5.Open(io.NewSectionReader(r, off, n), n)
		if err != nil {
			return nil, fmt.Errorf("keras: model.weights.h5: %w", err)
		}
		return h, nil
	}
	if f.UncompressedSize64 > maxInflatedWeights {
		return nil, fmt.Errorf("keras: model.weights.h5 is %d bytes uncompressed, more than the %d tensorgo inflates", f.UncompressedSize64, uint64(maxInflatedWeights))
	}
	rc, err := f.Open()
	if err != nil {
		return nil, fmt.Errorf("keras: model.weights.h5: %v", err)
	}
	defer rc.Close()
	b, err := io.ReadAll(io.LimitReader(rc, int64(f.UncompressedSize64)+1))
	if err != nil {
		return nil, fmt.Errorf("keras: model.weights.h5: %v", err)
	}
	h, err := hdf5.Open(bytes.NewReader(b), int64(len(b)))
	if err != nil {
		return nil, fmt.Errorf("keras: model.weights.h5: %w", err)
	}
	return h, nil
}

// memFile is an in-memory io.WriterAt for the HDF5 writer.
type memFile struct{ b []byte }

func (f *memFile) WriteAt(p []byte, off int64) (int, error) {
	if off < 0 {
		return 0, errors.New("keras: negative offset")
	}
	if end := off + int64(len(p)); end > int64(len(f.b)) {
		if end > int64(cap(f.b)) {
			nb := make([]byte, end, max(end, 2*int64(cap(f.b))))
			copy(nb, f.b)
			f.b = nb
		} else {
			f.b = f.b[:end]
		}
	}
	copy(f.b[off:], p)
	return len(p), nil
}
