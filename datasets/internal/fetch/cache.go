package fetch

import (
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"io"
	"os"
	"path/filepath"
)

// checkFile reports whether the file at path has the SHA-256 want (hex):
// nil if it does (or want is empty and the file exists), an error wrapping
// os.ErrNotExist if there is no file, and otherwise an error naming the
// file's full path.
func checkFile(path, want string) error {
	f, err := os.Open(path)
	if err != nil {
		return err
	}
	defer f.Close()
	if want == "" {
		return nil
	}
	h := sha256.New()
	n, err := io.Copy(h, f)
	if err != nil {
		return fmt.Errorf("reading %s: %w", path, err)
	}
	if got := hex.EncodeToString(h.Sum(nil)); got != want {
		return fmt.Errorf("%s (%d bytes) has SHA-256 %s, want %s: it is corrupt or truncated", path, n, got, want)
	}
	return nil
}

// badFiles returns the files of spec present in dir whose SHA-256 is wrong,
// with the reasons.
func badFiles(spec Spec, dir string) ([]File, []string) {
	var bad []File
	var why []string
	for _, f := range spec.Files {
		err := checkFile(filepath.Join(dir, f.Name), f.SHA256)
		if err == nil || os.IsNotExist(err) {
			continue
		}
		bad = append(bad, f)
		why = append(why, err.Error())
	}
	return bad, why
}
