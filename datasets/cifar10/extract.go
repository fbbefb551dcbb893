package cifar10

import (
	"archive/tar"
	"compress/gzip"
	"errors"
	"fmt"
	"io"
	"os"
	"path"
	"path/filepath"
	"sort"
	"strings"
	"time"

	"github.com/tensorgo/tensorgo/datasets/internal/quote"
)

// BatchDir is the folder of the binary batches inside the archive, and
// below the download cache.
const BatchDir = "cifar-10-batches-bin"

// BatchFiles are the binary batches, the five training ones and the test
// one, each RecordsPerBatch records.
var BatchFiles = []string{"data_batch_1.bin", "data_batch_2.bin", "data_batch_3.bin", "data_batch_4.bin", "data_batch_5.bin", "test_batch.bin"}

// archiveLimit bounds the bytes decompressed from an archive: the real one
// inflates to about 185 MB (six 30,730,000-byte batches, two small text
// files and the tar headers).
const archiveLimit = 256 << 20

// batchSizes is what extract takes from the canonical archive.
func batchSizes() map[string]int64 {
	want := map[string]int64{}
	for _, f := range BatchFiles {
		want[f] = batchSize
	}
	return want
}

// extract unpacks the gzip-compressed tar r (cifar-10-binary.tar.gz) into
// the new directory dst: the regular files BatchDir/<name> for each name
// in want, which must have exactly the size want gives. Other entries are
// skipped (batches.meta.txt, readme.html, directories); only names of want
// are ever written, so an entry's path cannot lead outside dst. At most
// limit bytes are decompressed. The files are written into a temporary
// directory beside dst, synced, and renamed to dst only when all are
// complete: dst holds all of them or does not exist. A dst already there
// is replaced.
func extract(r io.Reader, dst string, want map[string]int64, limit int64) (err error) {
	parent := filepath.Dir(dst)
	sweepTemps(dst, time.Hour)
	tmp, err := os.MkdirTemp(parent, tempPrefix(dst))
	if err != nil {
		return fmt.Errorf("cifar10: %w", err)
	}
	defer func() {
		if err != nil {
			os.RemoveAll(tmp)
		}
	}()
	gz, err := gzip.NewReader(r)
	if err != nil {
		return fmt.Errorf("cifar10: the archive is not gzip-compressed: %w", err)
	}
	lr := &io.LimitedReader{R: gz, N: limit + 1}
	tr := tar.NewReader(lr)
	seen := map[string]bool{}
	for {
		hdr, err := tr.Next()
		if err == io.EOF {
			break
		}
		if err != nil {
			return archiveError(lr, limit, err)
		}
		dir, base := path.Split(path.Clean(strings.TrimPrefix(hdr.Name, "./")))
		size, ok := want[base]
		if dir != BatchDir+"/" || !ok {
			continue
		}
		switch {
		case hdr.Typeflag != tar.TypeReg:
			return fmt.Errorf("cifar10: the archive's %s is not a regular file (tar type %q)", quote.String(hdr.Name), hdr.Typeflag)
		case seen[base]:
			return fmt.Errorf("cifar10: the archive holds %s twice", quote.String(hdr.Name))
		case hdr.Size != size:
			return fmt.Errorf("cifar10: the archive's %s is %d bytes, want %d (%d records of %d bytes)", quote.String(hdr.Name), hdr.Size, size, size/recordSize, recordSize)
		}
		seen[base] = true
		if err := writeEntry(filepath.Join(tmp, base), tr, size); err != nil {
			return archiveError(lr, limit, err)
		}
	}
	if lr.N <= 0 {
		return archiveError(lr, limit, nil)
	}
	var missing []string
	for name := range want {
		if !seen[name] {
			missing = append(missing, BatchDir+"/"+name)
		}
	}
	if len(missing) > 0 {
		sort.Strings(missing)
		return fmt.Errorf("cifar10: the archive lacks %s", strings.Join(missing, ", "))
	}
	if err := os.Chmod(tmp, 0o755); err != nil {
		return fmt.Errorf("cifar10: %w", err)
	}
	if err := os.RemoveAll(dst); err != nil {
		return fmt.Errorf("cifar10: %w", err)
	}
	if err := os.Rename(tmp, dst); err != nil {
		return fmt.Errorf("cifar10: %w", err)
	}
	if d, derr := os.Open(parent); derr == nil {
		d.Sync()
		d.Close()
	}
	return nil
}

// writeEntry copies size bytes of r into a new file at name and syncs it.
func writeEntry(name string, r io.Reader, size int64) error {
	f, err := os.OpenFile(name, os.O_WRONLY|os.O_CREATE|os.O_EXCL, 0o644)
	if err != nil {
		return err
	}
	n, err := io.CopyN(f, r, size)
	if err == io.EOF {
		err = fmt.Errorf("%s: cut short at %d of %d bytes", filepath.Base(name), n, size)
	}
	if err == nil {
		err = f.Sync()
	}
	if cerr := f.Close(); err == nil {
		err = cerr
	}
	return err
}

// archiveError explains a failure to read the archive, saying so when the
// decompression budget ran out.
func archiveError(lr *io.LimitedReader, limit int64, err error) error {
	if lr.N <= 0 {
		return fmt.Errorf("cifar10: the archive inflates to more than %d bytes: not cifar-10-binary.tar.gz", limit)
	}
	if errors.Is(err, io.ErrUnexpectedEOF) {
		return fmt.Errorf("cifar10: the archive is cut short: %w", err)
	}
	return fmt.Errorf("cifar10: reading the archive: %w", err)
}

// tempPrefix is the start of the names of dst's temporary directories.
func tempPrefix(dst string) string { return "." + filepath.Base(dst) + ".tmp" }

// sweepTemps removes the temporary directories an extraction killed
// before its rename left beside dst, when older than olderThan (an
// extraction still running in another process is younger).
func sweepTemps(dst string, olderThan time.Duration) {
	entries, err := os.ReadDir(filepath.Dir(dst))
	if err != nil {
		return
	}
	for _, e := range entries {
		if !e.IsDir() || !strings.HasPrefix(e.Name(), tempPrefix(dst)) {
			continue
		}
		if info, err := e.Info(); err == nil && time.Since(info.ModTime()) > olderThan {
			os.RemoveAll(filepath.Join(filepath.Dir(dst), e.Name()))
		}
	}
}
