// Package atomicfile writes files that appear complete or not at all, so an
// interrupted write never leaves a half-written dataset, array or checkpoint
// where a good one was.
package atomicfile

import (
	"io"
	"os"
	"path/filepath"
	"strings"
	"time"
)

// Mode is the permission of the files Write creates: readable by everyone,
// writable by the owner, as a file made by os.Create under the usual umask.
const Mode os.FileMode = 0o644

// tempPrefix is the start of the names of path's temporary files.
func tempPrefix(path string) string { return "." + filepath.Base(path) + ".tmp" }

// Write calls fn with a temporary file in path's directory, then syncs it and
// renames it over path, with permission Mode. If fn or any step fails, path
// is left untouched, the temporary file is removed and the error is returned.
func Write(path string, fn func(w io.Writer) error) error {
	dir := filepath.Dir(path)
	tmp, err := os.CreateTemp(dir, tempPrefix(path)+"*")
	if err != nil {
		return err
	}
	defer os.Remove(tmp.Name()) // a no-op after the rename
	err = fn(tmp)
	if err == nil {
		// os.CreateTemp makes the file private (0600).
		err = tmp.Chmod(Mode)
	}
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

// Sweep removes the temporary files that a Write of path left behind when
// its process died (a crash, a kill): those not modified for longer than
// olderThan, so that a Write still in progress in another process, which
// keeps its file's modification time fresh, is left alone. It returns the
// paths removed and the first error met.
func Sweep(path string, olderThan time.Duration) ([]string, error) {
	dir := filepath.Dir(path)
	entries, err := os.ReadDir(dir)
	if err != nil {
		return nil, err
	}
	prefix := tempPrefix(path)
	var removed []string
	var first error
	for _, e := range entries {
		if !e.Type().IsRegular() || !strings.HasPrefix(e.Name(), prefix) {
			continue
		}
		info, err := e.Info()
		if err != nil || time.Since(info.ModTime()) <= olderThan {
			continue
		}
		p := filepath.Join(dir, e.Name())
		if err := os.Remove(p); err != nil && !os.IsNotExist(err) {
			if first == nil {
				first = err
			}
			continue
		}
		removed = append(removed, p)
	}
	return removed, first
}
