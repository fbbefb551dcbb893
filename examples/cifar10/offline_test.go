package main

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// Offline, with no -data and the data nowhere on the machine, a run fails
// with an error saying how to provide the data (and downloads nothing).
func TestOfflineWithoutData(t *testing.T) {
	home := t.TempDir()
	t.Setenv("TENSORGO_DATA", "")
	t.Setenv("HOME", home)
	t.Setenv("XDG_CACHE_HOME", filepath.Join(home, "cache"))
	for _, args := range [][]string{{"-offline"}, nil} {
		if args == nil {
			t.Setenv("TENSORGO_OFFLINE", "1")
		}
		_, _, _, _, err := loadCIFAR10("", parse(t, args...).Offline)()
		if err == nil {
			t.Fatalf("%v: no error", args)
		}
		for _, want := range []string{"-data DIR", "$TENSORGO_DATA", "cifar-10-binary.tar.gz", "downloading is off"} {
			if !strings.Contains(err.Error(), want) {
				t.Errorf("%v: error %q does not say %q", args, err, want)
			}
		}
	}
	if es, _ := os.ReadDir(filepath.Join(home, "cache")); len(es) != 0 {
		t.Errorf("the cache was written: %d entries", len(es))
	}
}
