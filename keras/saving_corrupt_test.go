package keras_test

import (
	"archive/zip"
	"bytes"
	"hash/crc32"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/tensorgo/tensorgo/keras"
	"github.com/tensorgo/tensorgo/keras/layers"
)

// rezip rewrites a .keras archive: edit returns a member's new content,
// or nil to drop it.
func rezip(t testing.TB, src []byte, edit func(name string, data []byte) []byte) []byte {
	t.Helper()
	zr, err := zip.NewReader(bytes.NewReader(src), int64(len(src)))
	if err != nil {
		t.Fatal(err)
	}
	var out bytes.Buffer
	zw := zip.NewWriter(&out)
	for _, f := range zr.File {
		rc, err := f.Open()
		if err != nil {
			t.Fatal(err)
		}
		var b bytes.Buffer
		if _, err := b.ReadFrom(rc); err != nil {
			t.Fatal(err)
		}
		rc.Close()
		data := edit(f.Name, b.Bytes())
		if data == nil {
			continue
		}
		w, err := zw.CreateHeader(&zip.FileHeader{Name: f.Name, Method: zip.Store})
		if err != nil {
			t.Fatal(err)
		}
		w.Write(data)
	}
	if err := zw.Close(); err != nil {
		t.Fatal(err)
	}
	return out.Bytes()
}

// tinyModelFile is a small tensorgo-written .keras file (Dense 3→2).
func tinyModelFile(t testing.TB) []byte {
	t.Helper()
	keras.ClearSession()
	m := keras.NewSequential(layers.Dense(2, layers.InputShape(3), layers.Activation("relu")))
	path := filepath.Join(t.TempDir(), "tiny.keras")
	if err := keras.SaveModel(m, path); err != nil {
		t.Fatal(err)
	}
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	return b
}

func decode(b []byte) error {
	_, err := keras.DecodeModelFile(bytes.NewReader(b), int64(len(b)))
	return err
}

// TestCorruptModelFiles: each kind of damage is a clear error naming what
// is wrong, and a config asking for huge weights allocates nothing.
func TestCorruptModelFiles(t *testing.T) {
	real, err := os.ReadFile(filepath.Join("testdata", "keras3", "mlp.keras"))
	if err != nil {
		t.Fatal(err)
	}
	replace := func(member, old, new string) []byte {
		return rezip(t, real, func(name string, data []byte) []byte {
			if name == member {
				if !bytes.Contains(data, []byte(old)) {
					t.Fatalf("%s has no %q", member, old)
				}
				return bytes.Replace(data, []byte(old), []byte(new), 1)
			}
			return data
		})
	}
	drop := func(member string) []byte {
		return rezip(t, real, func(name string, data []byte) []byte {
			if name == member {
				return nil
			}
			return data
		})
	}
	truncate := func(member string, n int) []byte {
		return rezip(t, real, func(name string, data []byte) []byte {
			if name == member {
				return data[:n]
			}
			return data
		})
	}
	// A stored member whose header declares 1 TiB.
	var huge bytes.Buffer
	zw := zip.NewWriter(&huge)
	w, _ := zw.CreateRaw(&zip.FileHeader{Name: "config.json", Method: zip.Store, CompressedSize64: 2, UncompressedSize64: 1 << 40, CRC32: crc32.ChecksumIEEE([]byte("{}"))})
	w.Write([]byte("{}"))
	zw.Close()

	for _, c := range []struct {
		name string
		file []byte
		want string
	}{
		{"not a zip", []byte("this is not a model"), "not a .keras file"},
		{"truncated archive", real[:len(real)/2], "not a .keras file"},
		{"no config", drop("config.json"), "no config.json"},
		{"no weights", drop("model.weights.h5"), "no model.weights.h5"},
		{"config not JSON", replace("config.json", `{`, `[}`), "config.json is not a JSON object"},
		{"unknown layer", replace("config.json", `"class_name": "Flatten"`, `"class_name": "Conv3DTranspose"`), `unknown layer class "Conv3DTranspose"`},
		{"lambda", replace("config.json", `"class_name": "Flatten"`, `"class_name": "Lambda"`), "Python code"},
		{"subclassed", replace("config.json", `"class_name": "Sequential"`, `"class_name": "MyModel"`), `class "MyModel"`},
		{"bad units type", replace("config.json", `"units": 16`, `"units": "sixteen"`), `"units": want an integer`},
		{"huge units", replace("config.json", `"units": 16`, `"units": 1000000000000`), "has a variable 0 of shape [784 1000000000000]"},
		{"other units", replace("config.json", `"units": 16`, `"units": 17`), "model.weights.h5 holds [784 16]"},
		{"truncated weights", truncate("model.weights.h5", 3000), "model.weights.h5"},
		{"weights not HDF5", replace("model.weights.h5", "\x89HDF", "JUNK"), "model.weights.h5"},
		{"huge member", huge.Bytes(), "more than"},
		{"bad activation", replace("config.json", `"activation": "relu"`, `"activation": "frobnicate"`), "frobnicate"},
	} {
		err := decode(c.file)
		if err == nil || !strings.Contains(err.Error(), c.want) {
			t.Errorf("%s: %v, want an error containing %q", c.name, err, c.want)
		}
	}
}

// FuzzDecodeModelFile: DecodeModelFile never panics and never allocates
// without bound, whatever the archive, its JSON or its HDF5 hold.
func FuzzDecodeModelFile(f *testing.F) {
	tiny := tinyModelFile(f)
	f.Add(tiny)
	// Real Keras files are larger (40 KB and more); the coverage-guided
	// fuzzer crawls on large seeds, so the seeds are tensorgo-written
	// files of a few KB (which TestCorruptModelFiles's Keras cases
	// complement).
	f.Add([]byte("PK\x03\x04"))
	f.Add(tiny[:len(tiny)/2])
	f.Add(rezip(f, tiny, func(name string, data []byte) []byte {
		if name == "config.json" {
			return bytes.Replace(data, []byte(`"units":2`), []byte(`"units":99999999999`), 1)
		}
		return data
	}))
	f.Add(rezip(f, tiny, func(name string, data []byte) []byte {
		if name == "model.weights.h5" {
			return data[:len(data)/2]
		}
		return data
	}))
	f.Fuzz(func(t *testing.T, b []byte) {
		mf, err := keras.DecodeModelFile(bytes.NewReader(b), int64(len(b)))
		if err == nil && mf.Model == nil {
			t.Fatal("no error and no model")
		}
	})
}
