// Package fetch finds a dataset's files on this machine, in the Go module
// cache, or on the network: mirrors tried in order, each bounded by a
// connect and an idle-read timeout, every file checked by SHA-256 (when
// downloaded and again before a cached copy is trusted) and written
// atomically with mode 0644.
package fetch

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"time"
	"unicode"

	"github.com/tensorgo/tensorgo/datasets"
)

// File is one file of a dataset with its SHA-256 (hex).
type File struct {
	Name   string
	SHA256 string
}

// Module is a Go module that ships a dataset's files in Subdir.
type Module struct {
	Path, Version, Subdir string
}

// Spec describes where a dataset may be.
type Spec struct {
	Name       string   // directory name: "mnist", "fashion-mnist"
	Files      []File   // what a download fetches
	SystemDirs []string // extra places, after /usr/share/datasets/<Name>
	Module     *Module
	BaseURLs   []string // canonical addresses, tried in order
}

// Find walks the search order (see package datasets) and returns the first
// directory for which match returns true, with a word on where it was found.
func Find(spec Spec, cfg datasets.Config, match func(dir string) bool) (dir, origin string, err error) {
	if cfg.Dir != "" {
		if match(cfg.Dir) {
			return cfg.Dir, "the given directory", nil
		}
		return "", "", fmt.Errorf("%s: no %s files in %s (want %s)", spec.Name, spec.Name, cfg.Dir, fileList(spec))
	}
	var tried []string
	try := func(d string) bool {
		if d == "" {
			return false
		}
		tried = append(tried, d)
		return match(d)
	}
	if v := os.Getenv("TENSORGO_DATA"); v != "" {
		if d := filepath.Join(v, spec.Name); try(d) {
			return d, "$TENSORGO_DATA", nil
		}
	}
	cache := cacheDir(spec, cfg)
	if cache != "" {
		// Temporary files of a download killed last time.
		for _, f := range spec.Files {
			sweep(filepath.Join(cache, f.Name), cfg.Idle())
		}
	}
	if try(cache) {
		// What was downloaded is checked before it is trusted: a file cut
		// short or changed since is fetched again, or reported.
		bad, why := badFiles(spec, cache)
		if len(bad) == 0 {
			return cache, "the cache", nil
		}
		if cfg.NoDownload {
			return "", "", fmt.Errorf("%s: %s; delete the bad files or allow downloading", spec.Name, strings.Join(why, "; "))
		}
		if err := download(spec, cfg, cache, bad); err != nil {
			return "", "", err
		}
		return cache, "the cache (files fetched again)", nil
	}
	sys := []string{filepath.Join("/usr/share/datasets", spec.Name), filepath.Join("/usr/local/share/datasets", spec.Name)}
	for _, d := range append(sys, spec.SystemDirs...) {
		if try(d) {
			return d, d, nil
		}
	}
	if spec.Module != nil && !cfg.NoModule {
		d, merr := ModuleDir(*spec.Module)
		if merr == nil {
			d = filepath.Join(d, spec.Module.Subdir)
			if try(d) {
				return d, "the Go module " + spec.Module.Path, nil
			}
		} else {
			tried = append(tried, "Go module "+spec.Module.Path+" ("+merr.Error()+")")
		}
	}
	if cfg.NoDownload {
		return "", "", fmt.Errorf("%s: files not found (looked in %s) and downloading is off", spec.Name, strings.Join(tried, ", "))
	}
	if cache == "" {
		return "", "", fmt.Errorf("%s: files not found (looked in %s) and there is no cache directory to download into", spec.Name, strings.Join(tried, ", "))
	}
	if err := Download(spec, cfg, cache); err != nil {
		return "", "", err
	}
	if !match(cache) {
		return "", "", fmt.Errorf("%s: downloaded into %s but the files do not match", spec.Name, cache)
	}
	return cache, "a download", nil
}

func fileList(spec Spec) string {
	var names []string
	for _, f := range spec.Files {
		names = append(names, f.Name)
	}
	return strings.Join(names, ", ")
}

func cacheDir(spec Spec, cfg datasets.Config) string {
	if cfg.CacheDir != "" {
		return filepath.Join(cfg.CacheDir, spec.Name)
	}
	d, err := os.UserCacheDir()
	if err != nil {
		return ""
	}
	return filepath.Join(d, "tensorgo", "datasets", spec.Name)
}

// ModuleDir returns the directory of a module version in the module cache,
// asking the go command to download it (through the module proxy, checked
// against go.sum / the checksum database) if it is not there yet.
func ModuleDir(m Module) (string, error) {
	rel := escapePath(m.Path) + "@" + m.Version
	has := func(root string) bool {
		st, err := os.Stat(filepath.Join(root, rel, m.Subdir))
		return err == nil && st.IsDir()
	}
	for _, root := range modCacheRoots() {
		if has(root) {
			return filepath.Join(root, rel), nil
		}
	}
	gobin, err := exec.LookPath("go")
	if err != nil {
		return "", errors.New("not in the module cache and no go command to download it")
	}
	if out, err := exec.Command(gobin, "env", "GOMODCACHE").Output(); err == nil {
		if root := strings.TrimSpace(string(out)); root != "" && has(root) {
			return filepath.Join(root, rel), nil
		}
	}
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Minute)
	defer cancel()
	cmd := exec.CommandContext(ctx, gobin, "mod", "download", "-json", m.Path+"@"+m.Version)
	// Run outside any module, so that the caller's go.mod and flags such as
	// -mod=vendor do not interfere.
	cmd.Dir = os.TempDir()
	cmd.Env = append(os.Environ(), "GOFLAGS=")
	var out, stderr bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &stderr
	runErr := cmd.Run()
	var info struct{ Dir, Error string }
	if err := json.Unmarshal(out.Bytes(), &info); err != nil || info.Dir == "" {
		msg := strings.TrimSpace(info.Error + " " + stderr.String())
		if runErr != nil && msg == "" {
			msg = runErr.Error()
		}
		return "", fmt.Errorf("go mod download %s@%s: %s", m.Path, m.Version, msg)
	}
	return info.Dir, nil
}

// modCacheRoots lists where the module cache usually is, without running
// the go command.
func modCacheRoots() []string {
	var roots []string
	if v := os.Getenv("GOMODCACHE"); v != "" {
		roots = append(roots, v)
	}
	if v := os.Getenv("GOPATH"); v != "" {
		roots = append(roots, filepath.Join(filepath.SplitList(v)[0], "pkg", "mod"))
	}
	if h, err := os.UserHomeDir(); err == nil {
		roots = append(roots, filepath.Join(h, "go", "pkg", "mod"))
	}
	return roots
}

// escapePath is the module cache's case encoding: each upper-case letter
// becomes '!' and its lower-case form (golang.org/x/mod/module.EscapePath).
func escapePath(p string) string {
	var b strings.Builder
	for _, r := range p {
		if unicode.IsUpper(r) {
			b.WriteByte('!')
			b.WriteRune(unicode.ToLower(r))
		} else {
			b.WriteRune(r)
		}
	}
	return b.String()
}
