package fetch

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/url"
	"os"
	"path/filepath"
	"strings"
	"sync/atomic"
	"time"

	"github.com/tensorgo/tensorgo/datasets"
	"github.com/tensorgo/tensorgo/datasets/internal/quote"
	"github.com/tensorgo/tensorgo/internal/atomicfile"
)

// Download fetches every file of spec that is missing from dir or whose
// SHA-256 does not match, trying the mirrors in order and writing each file
// atomically. Temporary files left by an earlier, killed download are swept
// first.
func Download(spec Spec, cfg datasets.Config, dir string) error {
	return download(spec, cfg, dir, spec.Files)
}

func download(spec Spec, cfg datasets.Config, dir string, files []File) error {
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return fmt.Errorf("%s: %w", spec.Name, err)
	}
	urls := spec.BaseURLs
	if len(cfg.BaseURLs) > 0 {
		urls = cfg.BaseURLs
	}
	client := cfg.Client
	if client == nil {
		client = defaultClient(cfg.Connect())
		defer client.CloseIdleConnections()
	}
	for _, f := range files {
		dst := filepath.Join(dir, f.Name)
		sweep(dst, cfg.Idle())
		cached := ""
		if err := checkFile(dst, f.SHA256); err == nil {
			continue
		} else if !errors.Is(err, os.ErrNotExist) {
			cached = err.Error()
		}
		var reasons []string
		ok := false
		for _, base := range urls {
			u := strings.TrimSuffix(base, "/") + "/" + f.Name
			err := downloadOne(client, cfg, u, dst, f.SHA256)
			if err == nil {
				ok = true
				break
			}
			reasons = append(reasons, u+": "+err.Error())
		}
		if ok {
			continue
		}
		msg := "no download address"
		if len(reasons) > 0 {
			msg = "every source failed: " + strings.Join(reasons, "; ")
		}
		if cached != "" {
			msg += "; and the cached copy is bad: " + cached
		}
		return fmt.Errorf("%s: downloading %s: %s", spec.Name, f.Name, msg)
	}
	return nil
}

// defaultClient is http.DefaultClient's transport (proxies from the
// environment, HTTP/2) with bounded connecting and waiting for headers.
func defaultClient(connect time.Duration) *http.Client {
	tr := http.DefaultTransport.(*http.Transport).Clone()
	tr.DialContext = (&net.Dialer{Timeout: connect, KeepAlive: 30 * time.Second}).DialContext
	tr.TLSHandshakeTimeout = connect
	tr.ResponseHeaderTimeout = connect
	return &http.Client{Transport: tr}
}

// sweep removes temporary files of dst older than the idle timeout (and at
// least a minute): a download still writing one touches it more often than
// that, or gives up.
func sweep(dst string, idle time.Duration) {
	atomicfile.Sweep(dst, max(2*idle, time.Minute))
}

// downloadOne fetches url into dst. Its error says why, without the URL
// (the caller names it once). Any client given is also bounded by a
// watchdog that cancels the request when no response comes within the
// connect timeout or no bytes within the idle timeout.
func downloadOne(client *http.Client, cfg datasets.Config, url, dst, wantSHA string) error {
	connect, idle := cfg.Connect(), cfg.Idle()
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	var stalled atomic.Bool
	watchdog := time.AfterFunc(connect, func() { stalled.Store(true); cancel() })
	defer watchdog.Stop()
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, url, nil)
	if err != nil {
		return err
	}
	resp, err := client.Do(req)
	if err != nil {
		if stalled.Load() {
			return fmt.Errorf("no response within %v", connect)
		}
		return bare(err)
	}
	defer resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		return fmt.Errorf("HTTP status %s", quote.String(resp.Status))
	}
	budget := cfg.Budget()
	if resp.ContentLength > budget {
		return fmt.Errorf("the file is %d bytes, above the %d-byte budget (datasets.MaxBytes)", resp.ContentLength, budget)
	}
	watchdog.Reset(idle)
	body := &idleReader{r: resp.Body, watchdog: watchdog, idle: idle}
	// The checksum is checked before the rename, so a bad or cut-off
	// download never becomes the cached file.
	err = atomicfile.Write(dst, func(w io.Writer) error {
		h := sha256.New()
		n, err := io.Copy(io.MultiWriter(w, h), io.LimitReader(body, budget+1))
		if err != nil {
			return err
		}
		if n > budget {
			return fmt.Errorf("the server sent more than the %d-byte budget (datasets.MaxBytes)", budget)
		}
		if got := hex.EncodeToString(h.Sum(nil)); wantSHA != "" && got != wantSHA {
			return fmt.Errorf("SHA-256 mismatch: got %s, want %s (%d bytes received)", got, wantSHA, n)
		}
		return nil
	})
	if err != nil && stalled.Load() {
		total := "?"
		if resp.ContentLength >= 0 {
			total = fmt.Sprint(resp.ContentLength)
		}
		return fmt.Errorf("stalled: no data for %v after %d of %s bytes", idle, body.n, total)
	}
	if err != nil {
		return bare(err)
	}
	return nil
}

// idleReader pushes the watchdog back each time bytes arrive.
type idleReader struct {
	r        io.Reader
	watchdog *time.Timer
	idle     time.Duration
	n        int64
}

func (r *idleReader) Read(p []byte) (int, error) {
	k, err := r.r.Read(p)
	if k > 0 {
		r.n += int64(k)
		r.watchdog.Reset(r.idle)
	}
	return k, err
}

// bare strips the "Get \"url\": " that net/http puts around its errors,
// since the caller names the URL itself, and clips what remains: it may
// quote the server's bytes (a malformed response line).
func bare(err error) error {
	var ue *url.Error
	if errors.As(err, &ue) {
		return errors.New(quote.Clip(ue.Err.Error()))
	}
	return err
}
