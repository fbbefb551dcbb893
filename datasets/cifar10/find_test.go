package cifar10

import (
	"archive/tar"
	"bytes"
	"compress/gzip"
	"crypto/sha256"
	"encoding/hex"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"sync/atomic"
	"testing"

	"github.com/tensorgo/tensorgo/datasets"
)

// putBatches creates the six batch files (empty: Find looks for the names,
// LoadData checks the contents) in dir.
func putBatches(t *testing.T, dir string) {
	t.Helper()
	if err := os.MkdirAll(dir, 0o755); err != nil {
		t.Fatal(err)
	}
	for _, f := range BatchFiles {
		if err := os.WriteFile(filepath.Join(dir, f), nil, 0o644); err != nil {
			t.Fatal(err)
		}
	}
}

// The batches are found in $TENSORGO_DATA/cifar10, its
// cifar-10-batches-bin, or $TENSORGO_DATA/cifar-10-batches-bin.
func TestFindInTensorgoData(t *testing.T) {
	for _, sub := range []string{"cifar10", filepath.Join("cifar10", BatchDir), BatchDir} {
		root := t.TempDir()
		putBatches(t, filepath.Join(root, sub))
		t.Setenv("TENSORGO_DATA", root)
		dir, origin, err := Find(datasets.CacheDir(t.TempDir()), datasets.NoDownload())
		if err != nil || dir != filepath.Join(root, sub) || origin != "$TENSORGO_DATA" {
			t.Errorf("%s: Find = %q, %q, %v; want %q from $TENSORGO_DATA", sub, dir, origin, err, filepath.Join(root, sub))
		}
	}
	// A directory with some of the batches is not a match.
	root := t.TempDir()
	putBatches(t, filepath.Join(root, "cifar10"))
	if err := os.Remove(filepath.Join(root, "cifar10", "test_batch.bin")); err != nil {
		t.Fatal(err)
	}
	t.Setenv("TENSORGO_DATA", root)
	if dir, _, err := Find(datasets.CacheDir(t.TempDir()), datasets.NoDownload()); err == nil {
		t.Errorf("five batches of six matched: %s", dir)
	}
}

// A directory given is the only place looked in: the batches there or in
// its cifar-10-batches-bin.
func TestFindInDir(t *testing.T) {
	root := t.TempDir()
	putBatches(t, filepath.Join(root, BatchDir))
	t.Setenv("TENSORGO_DATA", "")
	if dir, origin, err := Find(datasets.Dir(root)); err != nil || dir != filepath.Join(root, BatchDir) || origin != "the given directory" {
		t.Errorf("Find = %q, %q, %v", dir, origin, err)
	}
	other := t.TempDir()
	putBatches(t, filepath.Join(other, "cifar10")) // not looked at: Dir is the only place
	t.Setenv("TENSORGO_DATA", other)
	if _, _, err := Find(datasets.Dir(filepath.Join(root, "none"))); err == nil || !strings.Contains(err.Error(), "data_batch_1.bin") {
		t.Errorf("an empty directory: %v, want an error naming the files", err)
	}
}

// Offline, with the data nowhere, the error says how to provide it.
func TestFindOffline(t *testing.T) {
	t.Setenv("TENSORGO_DATA", t.TempDir())
	for _, opts := range [][]datasets.Option{{datasets.NoDownload()}, nil} {
		if opts == nil {
			t.Setenv("TENSORGO_OFFLINE", "1")
		}
		_, _, err := Find(append(opts, datasets.CacheDir(t.TempDir()))...)
		if err == nil {
			t.Fatal("no error")
		}
		for _, want := range []string{"downloading is off", URL, "$TENSORGO_DATA/cifar10", "datasets.Dir"} {
			if !strings.Contains(err.Error(), want) {
				t.Errorf("error %q does not say %q", err, want)
			}
		}
	}
}

// fullArchive returns a synthetic cifar-10-binary.tar.gz with six whole
// batches: record r of batch k (k = 0 for data_batch_1, 5 for test_batch)
// has label (r+k) % 10 and pixels r%251 (red), k (green), 7 (blue).
func fullArchive(t *testing.T) []byte {
	t.Helper()
	fullOnce.Do(func() { fullBytes = makeFullArchive(t) })
	if fullBytes == nil {
		t.Fatal("the synthetic archive could not be made")
	}
	return fullBytes
}

var (
	fullOnce  sync.Once
	fullBytes []byte
)

func makeFullArchive(t *testing.T) []byte {
	var buf bytes.Buffer
	gz, _ := gzip.NewWriterLevel(&buf, gzip.BestSpeed)
	tw := tar.NewWriter(gz)
	tw.WriteHeader(&tar.Header{Name: BatchDir + "/", Typeflag: tar.TypeDir, Mode: 0o755})
	rec := make([]byte, recordSize)
	for k, f := range BatchFiles {
		if err := tw.WriteHeader(&tar.Header{Name: BatchDir + "/" + f, Typeflag: tar.TypeReg, Mode: 0o644, Size: batchSize}); err != nil {
			t.Fatal(err)
		}
		for r := 0; r < RecordsPerBatch; r++ {
			rec[0] = byte((r + k) % 10)
			for p := 0; p < Height*Width; p++ {
				rec[1+p], rec[1+Height*Width+p], rec[1+2*Height*Width+p] = byte(r%251), byte(k), 7
			}
			if _, err := tw.Write(rec); err != nil {
				t.Fatal(err)
			}
		}
	}
	tw.WriteHeader(&tar.Header{Name: BatchDir + "/readme.html", Typeflag: tar.TypeReg, Mode: 0o644, Size: 4})
	tw.Write([]byte("<p/>"))
	if err := tw.Close(); err != nil {
		t.Fatal(err)
	}
	if err := gz.Close(); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}

// serve returns a test server answering /cifar-10-binary.tar.gz with body,
// and the count of requests it got.
func serve(t *testing.T, body []byte) (*httptest.Server, *atomic.Int32) {
	var hits atomic.Int32
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		hits.Add(1)
		if r.URL.Path != "/"+archive.Name {
			http.NotFound(w, r)
			return
		}
		w.Write(body)
	}))
	t.Cleanup(srv.Close)
	return srv, &hits
}

// withArchiveSHA makes the loader expect the archive with body's SHA-256
// for the test.
func withArchiveSHA(t *testing.T, body []byte) {
	sum := sha256.Sum256(body)
	old := archive
	archive.SHA256 = hex.EncodeToString(sum[:])
	t.Cleanup(func() { archive = old })
}

// The download step (from a local test server standing in for the
// canonical address) fetches the archive into the cache, checks it,
// unpacks the batches into cache/cifar-10-batches-bin and deletes it; the
// next search finds them there without a request.
func TestDownloadAndUnpack(t *testing.T) {
	body := fullArchive(t)
	withArchiveSHA(t, body)
	srv, hits := serve(t, body)
	t.Setenv("TENSORGO_DATA", "")
	t.Setenv("TENSORGO_OFFLINE", "")
	cache := t.TempDir()
	dir, origin, err := Find(datasets.CacheDir(cache), datasets.BaseURL(srv.URL))
	if err != nil {
		t.Fatal(err)
	}
	if want := filepath.Join(cache, "cifar10", BatchDir); dir != want || origin != "a download" {
		t.Errorf("Find = %q, %q; want %q from a download", dir, origin, want)
	}
	if _, err := os.Stat(filepath.Join(cache, "cifar10", archive.Name)); !os.IsNotExist(err) {
		t.Errorf("the archive is still in the cache: %v", err)
	}
	for k, f := range BatchFiles {
		if k != 2 && k != 5 {
			continue // two of the six are enough to check the placement
		}
		x, y, err := ReadBatch(filepath.Join(dir, f))
		if err != nil {
			t.Fatal(err)
		}
		for _, r := range []int{0, 1, 9999} {
			if got := int(y.Uint8s()[r]); got != (r+k)%10 {
				t.Errorf("%s record %d: label %d, want %d", f, r, got, (r+k)%10)
			}
			px := x.Uint8s()[r*Height*Width*Channels+5*Channels:]
			if int(px[0]) != r%251 || int(px[1]) != k || px[2] != 7 {
				t.Errorf("%s record %d pixel 5: %v, want [%d %d 7]", f, r, px[:3], r%251, k)
			}
		}
	}
	n := hits.Load()
	if dir2, origin, err := Find(datasets.CacheDir(cache), datasets.BaseURL(srv.URL)); err != nil || dir2 != dir || origin != "the cache" || hits.Load() != n {
		t.Errorf("second Find = %q, %q, %v after %d more requests; want the cache and none", dir2, origin, err, hits.Load()-n)
	}
}

// An archive whose SHA-256 is not the published one is refused: nothing
// is unpacked, and no archive is left in the cache.
func TestDownloadChecksumMismatch(t *testing.T) {
	body := tarGz(t, entry{name: BatchDir + "/data_batch_1.bin", body: []byte("not the real thing")})
	srv, _ := serve(t, body)
	t.Setenv("TENSORGO_DATA", "")
	t.Setenv("TENSORGO_OFFLINE", "")
	cache := t.TempDir()
	_, _, err := Find(datasets.CacheDir(cache), datasets.BaseURL(srv.URL))
	if err == nil || !strings.Contains(err.Error(), "SHA-256") || !strings.Contains(err.Error(), ArchiveSHA256) {
		t.Fatalf("error %v, want a SHA-256 mismatch naming %s", err, ArchiveSHA256)
	}
	es, _ := os.ReadDir(filepath.Join(cache, "cifar10"))
	for _, e := range es {
		t.Errorf("left in the cache: %s", e.Name())
	}
}

// An archive already in the cache (a download whose unpacking was cut
// off) is checked and unpacked without a download; a corrupt one is
// reported when downloading is off.
func TestCachedArchive(t *testing.T) {
	body := fullArchive(t)
	withArchiveSHA(t, body)
	t.Setenv("TENSORGO_DATA", "")
	cache := t.TempDir()
	if err := os.MkdirAll(filepath.Join(cache, "cifar10"), 0o755); err != nil {
		t.Fatal(err)
	}
	p := filepath.Join(cache, "cifar10", archive.Name)
	if err := os.WriteFile(p, body[:len(body)-10], 0o644); err != nil {
		t.Fatal(err)
	}
	if _, _, err := Find(datasets.CacheDir(cache), datasets.NoDownload()); err == nil || !strings.Contains(err.Error(), "corrupt or truncated") {
		t.Errorf("a truncated cached archive: %v, want an error saying so", err)
	}
	if err := os.WriteFile(p, body, 0o644); err != nil {
		t.Fatal(err)
	}
	dir, origin, err := Find(datasets.CacheDir(cache), datasets.NoDownload())
	if err != nil || origin != "the cache (unpacked again)" {
		t.Fatalf("Find = %q, %q, %v", dir, origin, err)
	}
	if d, ok := batchesIn(dir); !ok || d != dir {
		t.Errorf("%s does not hold the batches", dir)
	}
}
