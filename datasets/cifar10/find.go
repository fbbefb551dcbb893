package cifar10

import (
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"

	"github.com/tensorgo/tensorgo/datasets"
	"github.com/tensorgo/tensorgo/datasets/internal/fetch"
	"github.com/tensorgo/tensorgo/tensor"
)

// URL is the canonical address of the binary version,
// cifar-10-binary.tar.gz (170,052,171 bytes), on the dataset's page
// https://www.cs.toronto.edu/~kriz/cifar.html.
const URL = "https://www.cs.toronto.edu/~kriz/cifar-10-binary.tar.gz"

// ArchiveSHA256 is the SHA-256 of cifar-10-binary.tar.gz as TensorFlow
// Datasets publishes it (tensorflow/datasets,
// tensorflow_datasets/url_checksums/cifar10.txt: the URL above, 170052171
// bytes, this hash).
const ArchiveSHA256 = "c4a38c50a1bc5f3a1c5537f2155ab9d68f9f25eb1ed8d9ddda3db29a59bca1dd"

// archive is the download; tests swap it for a small synthetic one.
var archive = fetch.File{Name: "cifar-10-binary.tar.gz", SHA256: ArchiveSHA256}

// name is the dataset's directory name under $TENSORGO_DATA, the cache and
// the system's dataset folders.
const name = "cifar10"

func spec() fetch.Spec {
	return fetch.Spec{Name: name, Files: []fetch.File{archive}, BaseURLs: []string{strings.TrimSuffix(URL, "/"+archive.Name)}}
}

// Load finds the binary batches and returns the training and test images
// and labels as LoadData does. It looks, in order, in:
//
//  1. the directory given with datasets.Dir (only there, if given): the
//     batches themselves or the extracted folder cifar-10-batches-bin in it;
//  2. $TENSORGO_DATA/cifar10, its cifar-10-batches-bin sub-directory, and
//     $TENSORGO_DATA/cifar-10-batches-bin;
//  3. the cache, os.UserCacheDir()/tensorgo/datasets/cifar10 (or
//     datasets.CacheDir's cifar10 sub-directory), in cifar-10-batches-bin;
//  4. /usr/share/datasets/cifar10 and /usr/local/share/datasets/cifar10
//     (or their cifar-10-batches-bin);
//  5. the canonical download (URL), unless datasets.NoDownload is given or
//     $TENSORGO_OFFLINE is set: the archive is fetched into the cache,
//     checked against ArchiveSHA256, and its six batches are unpacked into
//     the cache's cifar-10-batches-bin, which appears complete or not at
//     all; the archive is then deleted.
//
// A directory matches when it holds the six batch files (BatchFiles);
// LoadData then checks each one's size and labels.
func Load(opts ...datasets.Option) (xTrain, yTrain, xTest, yTest *tensor.Tensor, err error) {
	dir, _, err := Find(opts...)
	if err != nil {
		return nil, nil, nil, nil, err
	}
	return LoadData(dir)
}

// Find returns the directory of the batches Load would read, with a word
// on where it was found, downloading them if that is where the search
// ends (see Load).
func Find(opts ...datasets.Option) (dir, origin string, err error) {
	cfg := datasets.NewConfig(opts...)
	if cfg.Dir != "" {
		if d, ok := batchesIn(cfg.Dir, filepath.Join(cfg.Dir, BatchDir)); ok {
			return d, "the given directory", nil
		}
		return "", "", fmt.Errorf("cifar10: no CIFAR-10 binary batches (%s) in %s or %s", strings.Join(BatchFiles, ", "), cfg.Dir, filepath.Join(cfg.Dir, BatchDir))
	}
	var tried []string
	try := func(dirs ...string) (string, bool) {
		tried = append(tried, dirs...)
		return batchesIn(dirs...)
	}
	if v := os.Getenv("TENSORGO_DATA"); v != "" {
		if d, ok := try(filepath.Join(v, name), filepath.Join(v, name, BatchDir), filepath.Join(v, BatchDir)); ok {
			return d, "$TENSORGO_DATA", nil
		}
	}
	cache := cacheDir(cfg)
	if cache != "" {
		if d, ok := try(filepath.Join(cache, BatchDir)); ok {
			return d, "the cache", nil
		}
		// An archive downloaded before, whose unpacking did not finish.
		if _, err := os.Stat(filepath.Join(cache, archive.Name)); err == nil {
			d, err := unpack(cache)
			if err == nil {
				return d, "the cache (unpacked again)", nil
			}
			tried = append(tried, fmt.Sprintf("the cached archive (%v)", err))
		}
	}
	for _, sys := range []string{"/usr/share/datasets", "/usr/local/share/datasets"} {
		if d, ok := try(filepath.Join(sys, name), filepath.Join(sys, name, BatchDir)); ok {
			return d, d, nil
		}
	}
	how := fmt.Sprintf("download %s, extract it, and give its directory (datasets.Dir) or put it in $TENSORGO_DATA/%s", URL, name)
	if cfg.NoDownload {
		return "", "", fmt.Errorf("cifar10: no CIFAR-10 binary batches found (looked in %s) and downloading is off: %s", strings.Join(tried, ", "), how)
	}
	if cache == "" {
		return "", "", fmt.Errorf("cifar10: no CIFAR-10 binary batches found (looked in %s) and there is no cache directory to download into: %s", strings.Join(tried, ", "), how)
	}
	if err := fetch.Download(spec(), cfg, cache); err != nil {
		return "", "", fmt.Errorf("cifar10: no CIFAR-10 binary batches found (looked in %s), and the download failed: %w; or %s", strings.Join(tried, ", "), err, how)
	}
	d, err := unpack(cache)
	if err != nil {
		return "", "", err
	}
	return d, "a download", nil
}

// unpack checks the archive in cache against its SHA-256, extracts its
// batches into cache/cifar-10-batches-bin and deletes it.
func unpack(cache string) (string, error) {
	p := filepath.Join(cache, archive.Name)
	f, err := os.Open(p)
	if err != nil {
		return "", fmt.Errorf("cifar10: %w", err)
	}
	defer f.Close()
	h := sha256.New()
	n, err := io.Copy(h, f)
	if err != nil {
		return "", fmt.Errorf("cifar10: reading %s: %w", p, err)
	}
	if got := hex.EncodeToString(h.Sum(nil)); got != archive.SHA256 {
		return "", fmt.Errorf("cifar10: %s (%d bytes) has SHA-256 %s, want %s: it is corrupt or truncated", p, n, got, archive.SHA256)
	}
	if _, err := f.Seek(0, io.SeekStart); err != nil {
		return "", fmt.Errorf("cifar10: %w", err)
	}
	dst := filepath.Join(cache, BatchDir)
	if err := extract(f, dst, batchSizes(), archiveLimit); err != nil {
		return "", fmt.Errorf("%w (in %s)", err, p)
	}
	f.Close()
	if err := os.Remove(p); err != nil && !errors.Is(err, os.ErrNotExist) {
		return "", fmt.Errorf("cifar10: %w", err)
	}
	return dst, nil
}

// batchesIn returns the first of dirs holding all of BatchFiles.
func batchesIn(dirs ...string) (string, bool) {
	for _, d := range dirs {
		ok := true
		for _, f := range BatchFiles {
			if st, err := os.Stat(filepath.Join(d, f)); err != nil || !st.Mode().IsRegular() {
				ok = false
				break
			}
		}
		if ok {
			return d, true
		}
	}
	return "", false
}

// cacheDir is the download cache of the dataset, "" when there is none.
func cacheDir(cfg datasets.Config) string {
	if cfg.CacheDir != "" {
		return filepath.Join(cfg.CacheDir, name)
	}
	d, err := os.UserCacheDir()
	if err != nil {
		return ""
	}
	return filepath.Join(d, "tensorgo", "datasets", name)
}
