package fetch

import (
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"net"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/tensorgo/tensorgo/datasets"
)

var toyBody = strings.Repeat("tensorgo", 1000)

func toySpec() Spec {
	sum := sha256.Sum256([]byte(toyBody))
	return Spec{Name: "toy", Files: []File{{Name: "toy.bin", SHA256: hex.EncodeToString(sum[:])}}}
}

// stallServer sends the headers and the first 3000 bytes of toyBody, then
// nothing until the client gives up (or the test ends).
func stallServer(t *testing.T) *httptest.Server {
	release := make(chan struct{})
	s := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Length", "8000")
		w.Write([]byte(toyBody[:3000]))
		w.(http.Flusher).Flush()
		select {
		case <-release:
		case <-r.Context().Done():
		}
	}))
	t.Cleanup(s.Close)
	t.Cleanup(func() { close(release) })
	return s
}

// silentServer accepts the request and never answers it.
func silentServer(t *testing.T) *httptest.Server {
	release := make(chan struct{})
	s := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		select {
		case <-release:
		case <-r.Context().Done():
		}
	}))
	t.Cleanup(s.Close)
	t.Cleanup(func() { close(release) })
	return s
}

func serve(t *testing.T, h http.HandlerFunc) *httptest.Server {
	s := httptest.NewServer(h)
	t.Cleanup(s.Close)
	return s
}

func goodServer(t *testing.T) *httptest.Server {
	return serve(t, func(w http.ResponseWriter, r *http.Request) { w.Write([]byte(toyBody)) })
}

// within runs fn and fails the test if it has not returned after limit:
// before the timeouts existed a stalled mirror hung the download forever.
func within(t *testing.T, limit time.Duration, fn func() error) error {
	t.Helper()
	done := make(chan error, 1)
	go func() { done <- fn() }()
	select {
	case err := <-done:
		return err
	case <-time.After(limit):
		t.Fatalf("still running after %v: a stalled mirror hangs the download", limit)
		return nil
	}
}

var quick = datasets.Config{ConnectTimeout: time.Second, IdleTimeout: 300 * time.Millisecond}

func withURLs(cfg datasets.Config, urls ...string) datasets.Config {
	cfg.BaseURLs = urls
	return cfg
}

// A mirror that stalls mid-body is abandoned after the idle timeout and the
// next one used; the file ends up complete with mode 0644.
func TestStalledMirrorMovesOn(t *testing.T) {
	stall, good := stallServer(t), goodServer(t)
	dir := t.TempDir()
	start := time.Now()
	err := within(t, 10*time.Second, func() error {
		return Download(toySpec(), withURLs(quick, stall.URL, good.URL), dir)
	})
	if err != nil {
		t.Fatal(err)
	}
	if d := time.Since(start); d > 5*time.Second {
		t.Errorf("took %v with a 300ms idle timeout", d)
	}
	p := filepath.Join(dir, "toy.bin")
	b, err := os.ReadFile(p)
	if err != nil || string(b) != toyBody {
		t.Fatalf("downloaded %d bytes, %v", len(b), err)
	}
	st, _ := os.Stat(p)
	if st.Mode().Perm() != 0o644 {
		t.Errorf("mode %v, want -rw-r--r--", st.Mode().Perm())
	}
	assertEntries(t, dir, "toy.bin")
}

// A server that never answers is given up after the connect timeout, with
// the default client and with a caller's client that has no timeouts.
func TestSilentMirrorTimesOut(t *testing.T) {
	silent := silentServer(t)
	for _, client := range []*http.Client{nil, {}} {
		cfg := withURLs(quick, silent.URL)
		cfg.Client = client
		dir := t.TempDir()
		err := within(t, 10*time.Second, func() error { return Download(toySpec(), cfg, dir) })
		if err == nil || !strings.Contains(err.Error(), silent.URL+"/toy.bin: ") {
			t.Fatalf("silent server: %v", err)
		}
		assertEntries(t, dir)
	}
}

// Every mirror fails, each for its own reason: the error gives each URL
// once with its reason, and nothing is left in the directory.
func TestEachSourceFailureReportedOnce(t *testing.T) {
	stall := stallServer(t)
	wrong := serve(t, func(w http.ResponseWriter, r *http.Request) { w.Write([]byte("not the file")) })
	missing := serve(t, http.NotFound)
	dir := t.TempDir()
	err := within(t, 10*time.Second, func() error {
		return Download(toySpec(), withURLs(quick, missing.URL, wrong.URL, stall.URL, "http://127.0.0.1:1"), dir)
	})
	if err == nil {
		t.Fatal("no error")
	}
	msg := err.Error()
	for _, want := range []string{
		"toy: downloading toy.bin: every source failed: ",
		missing.URL + `/toy.bin: HTTP status "404 Not Found"`,
		wrong.URL + "/toy.bin: SHA-256 mismatch",
		stall.URL + "/toy.bin: stalled: no data for 300ms after 3000 of 8000 bytes",
		"http://127.0.0.1:1/toy.bin: dial tcp 127.0.0.1:1: ",
	} {
		if !strings.Contains(msg, want) {
			t.Errorf("error does not say %q:\n%s", want, msg)
		}
	}
	for _, u := range []string{missing.URL, wrong.URL, stall.URL, "http://127.0.0.1:1"} {
		if n := strings.Count(msg, u); n != 1 {
			t.Errorf("%s named %d times (want once):\n%s", u, n, msg)
		}
	}
	if strings.Contains(msg, "Get ") || strings.Contains(msg, "\n") {
		t.Errorf("repeated wrapping or a multi-line error:\n%s", msg)
	}
	assertEntries(t, dir)
}

// A cached file whose checksum is wrong is not trusted: with downloading
// off it is reported with its full path, otherwise it is fetched again.
func TestCachedFileChecked(t *testing.T) {
	t.Setenv("TENSORGO_DATA", "")
	root := t.TempDir()
	cache := filepath.Join(root, "toy")
	os.MkdirAll(cache, 0o755)
	p := filepath.Join(cache, "toy.bin")
	if err := os.WriteFile(p, []byte(toyBody[:4000]), 0o644); err != nil {
		t.Fatal(err)
	}
	has := func(d string) bool { _, err := os.Stat(filepath.Join(d, "toy.bin")); return err == nil }
	cfg := quick
	cfg.CacheDir, cfg.NoModule, cfg.NoDownload = root, true, true
	_, _, err := Find(toySpec(), cfg, has)
	if err == nil || !strings.Contains(err.Error(), p+" (4000 bytes) has SHA-256 ") {
		t.Fatalf("corrupt cached file with downloading off: %v", err)
	}
	cfg.NoDownload = false
	cfg.BaseURLs = []string{goodServer(t).URL}
	dir, origin, err := Find(toySpec(), cfg, has)
	if err != nil || dir != cache {
		t.Fatalf("Find: %q (%s), %v", dir, origin, err)
	}
	if b, _ := os.ReadFile(p); string(b) != toyBody {
		t.Fatalf("cached file not fetched again: %d bytes", len(b))
	}
	// A bad cached file that cannot be fetched again is named in the
	// download error too.
	os.WriteFile(p, []byte("garbage"), 0o644)
	cfg.BaseURLs = []string{serve(t, http.NotFound).URL}
	_, _, err = Find(toySpec(), cfg, has)
	if err == nil || !strings.Contains(err.Error(), "404") || !strings.Contains(err.Error(), "the cached copy is bad: "+p) {
		t.Fatalf("bad cached file, failing mirror: %v", err)
	}
}

// A temporary file left by a killed download is swept on the next start;
// a fresh one (a download in progress elsewhere) is not.
func TestStaleTemporaryFilesSwept(t *testing.T) {
	dir := t.TempDir()
	stale := filepath.Join(dir, ".toy.bin.tmp1234")
	fresh := filepath.Join(dir, ".toy.bin.tmp5678")
	os.WriteFile(stale, []byte("half"), 0o600)
	os.WriteFile(fresh, []byte("half"), 0o600)
	old := time.Now().Add(-2 * time.Hour)
	os.Chtimes(stale, old, old)
	if err := Download(toySpec(), withURLs(quick, goodServer(t).URL), dir); err != nil {
		t.Fatal(err)
	}
	assertEntries(t, dir, ".toy.bin.tmp5678", "toy.bin")
}

func assertEntries(t *testing.T, dir string, want ...string) {
	t.Helper()
	es, _ := os.ReadDir(dir)
	var got []string
	for _, e := range es {
		got = append(got, e.Name())
	}
	if strings.Join(got, " ") != strings.Join(want, " ") {
		t.Fatalf("%s holds %v, want %v", dir, got, want)
	}
}

// A server's bytes in an error are clipped: a malformed status line of
// 100 KB does not become a 100 KB error, and a mismatch names both sums.
func TestServerBytesClipped(t *testing.T) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer ln.Close()
	go func() {
		for {
			c, err := ln.Accept()
			if err != nil {
				return
			}
			go func() {
				defer c.Close()
				buf := make([]byte, 4096)
				c.Read(buf)
				c.Write([]byte("HTTP/1.1 2" + strings.Repeat("9", 100<<10) + "\r\n\r\n"))
			}()
		}
	}()
	wrong := serve(t, func(w http.ResponseWriter, r *http.Request) { w.Write([]byte("not the file")) })
	err = within(t, 10*time.Second, func() error {
		return Download(toySpec(), withURLs(quick, "http://"+ln.Addr().String(), wrong.URL), t.TempDir())
	})
	if err == nil || len(err.Error()) > 600 {
		t.Fatalf("error of %d bytes: %.400v", len(fmt.Sprint(err)), err)
	}
	t.Log(err)
	if !strings.Contains(err.Error(), "want "+toySpec().Files[0].SHA256) {
		t.Fatalf("the mismatch does not give the wanted sum: %v", err)
	}
}

// Find sweeps them too, even when the cache is complete and nothing is
// downloaded.
func TestFindSweepsCache(t *testing.T) {
	t.Setenv("TENSORGO_DATA", "")
	root := t.TempDir()
	cache := filepath.Join(root, "toy")
	os.MkdirAll(cache, 0o755)
	os.WriteFile(filepath.Join(cache, "toy.bin"), []byte(toyBody), 0o644)
	stale := filepath.Join(cache, ".toy.bin.tmp42")
	os.WriteFile(stale, []byte("half"), 0o600)
	old := time.Now().Add(-2 * time.Hour)
	os.Chtimes(stale, old, old)
	cfg := quick
	cfg.CacheDir, cfg.NoModule, cfg.NoDownload = root, true, true
	has := func(d string) bool { _, err := os.Stat(filepath.Join(d, "toy.bin")); return err == nil }
	if dir, _, err := Find(toySpec(), cfg, has); err != nil || dir != cache {
		t.Fatalf("Find: %q, %v", dir, err)
	}
	assertEntries(t, cache, "toy.bin")
}
