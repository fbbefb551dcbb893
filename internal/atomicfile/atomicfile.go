// Package atomicfile writes files that appear complete or not at all, so an
// interrupted write never leaves a half-written dataset, array or checkpoint
// where a good one was.
package atomicfile

import (
	"io"
	"os"
	"path/filepath"
)

// Write calls fn with a temporary file in path's directory, then syncs it and
// renames it over path. If fn or any step fails, path is left untouched, the
// temporary file is removed and the error is returned.
func Write(path string, fn func(w io.Writer) error) error {
	dir := filepath.Dir(path)
	tmp, err := os.CreateTemp(dir, "."+filepath.Base(path)+".tmp*")
	if err != nil {
		return err
	}
	defer os.Remove(tmp.Name()) // a no-op after the rename
	err = fn(tmp)
	if err == nil {
		err = tmp.Sync()
	}
	if cerr := tmp.Close(); err == nil {
		err = cerr
	}
	if err == nil {
		err = os.Rename(tmp.Name(), path)
	}
	if err == nil {
		// Make the rename itself durable; not every file system lets a
		// directory be synced, and the data is safe either way.
		if d, derr := os.Open(dir); derr == nil {
			d.Sync()
			d.Close()
		}
	}
	return err
}
