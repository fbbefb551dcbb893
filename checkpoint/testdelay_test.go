package checkpoint

import (
	"os"
	"path/filepath"
	"testing"
	"time"
)

func TestParseWriteDelay(t *testing.T) {
	for s, want := range map[string]time.Duration{"": 0, "50ms": 50 * time.Millisecond, "-1s": 0, "soon": 0} {
		if got := parseWriteDelay(s); got != want {
			t.Errorf("%q: %v, want %v", s, got, want)
		}
	}
}

// While a slowed save is half written, a temporary file holds part of it
// and the index still names the previous checkpoint, which reads; after
// it, the new one is the latest.
func TestSaveInProgressLeavesLatestReadable(t *testing.T) {
	dir := t.TempDir()
	m, err := NewManager(dir, 2)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := m.Save(sample(1)); err != nil {
		t.Fatal(err)
	}
	writeDelay = 300 * time.Millisecond
	defer func() { writeDelay = 0 }()
	done := make(chan error, 1)
	go func() { _, err := m.Save(sample(2)); done <- err }()
	var temps []string
	for deadline := time.Now().Add(5 * time.Second); len(temps) == 0 && time.Now().Before(deadline); {
		time.Sleep(5 * time.Millisecond)
		temps, _ = filepath.Glob(filepath.Join(dir, ".ckpt-2"+Ext+".tmp*"))
	}
	if len(temps) == 0 {
		t.Fatal("no temporary file while the save was in progress")
	}
	if st, err := os.Stat(temps[0]); err != nil || st.Size() == 0 {
		t.Fatalf("the temporary file is empty or gone: %v", err)
	}
	latest, err := LatestCheckpoint(dir)
	if err != nil || filepath.Base(latest) != "ckpt-1"+Ext {
		t.Fatalf("during the save the latest is %q (%v)", latest, err)
	}
	if s, err := Read(latest); err != nil || s.Step != 1 {
		t.Fatalf("during the save the latest does not read: %v", err)
	}
	if err := <-done; err != nil {
		t.Fatal(err)
	}
	if latest, _ := LatestCheckpoint(dir); filepath.Base(latest) != "ckpt-2"+Ext {
		t.Fatalf("after the save the latest is %q", latest)
	}
}
