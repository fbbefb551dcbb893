package board

import (
	"context"
	"net/http/httptest"
	"os/exec"
	"regexp"
	"testing"
	"time"
)

// findBrowser returns a Chromium-family browser on PATH, or "".
func findBrowser() string {
	for _, name := range []string{"chromium", "chromium-browser", "google-chrome", "chrome"} {
		if p, err := exec.LookPath(name); err == nil {
			return p
		}
	}
	return ""
}

// TestPageInBrowser loads the board in headless Chromium and checks the DOM
// its script built: both runs listed, and one chart per scalar tag with
// every point of both runs.
func TestPageInBrowser(t *testing.T) {
	browser := findBrowser()
	if browser == "" {
		t.Skip("SKIPPED: no Chromium on PATH (apt-get install chromium); the board page was not tested in a browser")
	}
	dir := t.TempDir()
	writeRuns(t, dir, 9)
	srv := httptest.NewServer(New(dir))
	defer srv.Close()
	ctx, cancel := context.WithTimeout(context.Background(), 90*time.Second)
	defer cancel()
	cmd := exec.CommandContext(ctx, browser, "--headless", "--no-sandbox", "--disable-gpu",
		"--disable-dev-shm-usage", "--user-data-dir="+t.TempDir(),
		"--virtual-time-budget=5000", "--dump-dom", srv.URL+"/")
	out, err := cmd.Output()
	if err != nil {
		t.Fatalf("%s: %v", browser, err)
	}
	dom := string(out)
	if !regexp.MustCompile(`<body[^>]*data-loaded="true"`).MatchString(dom) {
		t.Fatalf("the page's script did not finish loading; DOM:\n%.2000s", dom)
	}
	for _, run := range []string{"train", "validation"} {
		if !regexp.MustCompile(`<li data-run="` + run + `"`).MatchString(dom) {
			t.Errorf("run %q is not listed", run)
		}
	}
	card := regexp.MustCompile(`<div class="card scalar" data-tag="epoch_loss" data-points="(\d+)" data-runs="(\d+)">`).FindStringSubmatch(dom)
	if card == nil {
		t.Fatalf("no chart for epoch_loss; DOM:\n%.3000s", dom)
	}
	if card[1] != "18" || card[2] != "2" {
		t.Errorf("the epoch_loss chart draws %s points of %s runs, want 18 of 2", card[1], card[2])
	}
	if !regexp.MustCompile(`<canvas`).MatchString(dom) {
		t.Error("no canvas: uPlot drew nothing")
	}
}
