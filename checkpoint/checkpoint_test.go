package checkpoint

import (
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/tensorgo/tensorgo/tensor"
)

func sample(step int64) *State {
	s := &State{Step: step, Tensors: map[string]*tensor.Tensor{
		"dense/kernel": tensor.FromSlice([]float32{1, -2, 3.5, 4, 5, 6}, 2, 3),
		"dense/bias":   tensor.FromSlice([]float64{0.25, -0.5}, 2),
		"iterations":   tensor.FromSlice([]int64{step}),
		"mask":         tensor.FromSlice([]bool{true, false, true}),
		"pixels":       tensor.FromSlice([]uint8{0, 255}),
		"counts":       tensor.FromSlice([]int32{7}),
		"empty":        tensor.New(tensor.Float32, 0, 4),
		"half":         tensor.Cast(tensor.FromSlice([]float32{1.5, -2, 65504}), tensor.Float16),
		"brain":        tensor.Cast(tensor.FromSlice([]float32{3.25, 1e30}), tensor.BFloat16),
	}}
	s.SetValue("epoch", 3)
	s.SetValue("rng", map[string]uint64{"hi": 1 << 63, "lo": 42})
	return s
}

func equal(t *testing.T, a, b *State) {
	t.Helper()
	if a.Step != b.Step || len(a.Tensors) != len(b.Tensors) {
		t.Fatalf("step %d vs %d, %d vs %d tensors", a.Step, b.Step, len(a.Tensors), len(b.Tensors))
	}
	for k, x := range a.Tensors {
		y := b.Tensors[k]
		if y == nil || x.DType() != y.DType() || !x.Shape().Equal(y.Shape()) || string(x.Bytes()) != string(y.Bytes()) {
			t.Fatalf("tensor %q differs: %v vs %v", k, x, y)
		}
	}
	for k, v := range a.Values {
		if string(b.Values[k]) != string(v) {
			t.Fatalf("value %q: %s vs %s", k, v, b.Values[k])
		}
	}
}

func TestRoundTrip(t *testing.T) {
	path := filepath.Join(t.TempDir(), "a"+Ext)
	s := sample(12)
	if err := Write(path, s); err != nil {
		t.Fatal(err)
	}
	got, err := Read(path)
	if err != nil {
		t.Fatal(err)
	}
	equal(t, s, got)
	var rng map[string]uint64
	if ok, err := got.Value("rng", &rng); !ok || err != nil || rng["hi"] != 1<<63 {
		t.Fatalf("rng value %v %v %v", rng, ok, err)
	}
	if ok, _ := got.Value("missing", &rng); ok {
		t.Fatal("a missing value was found")
	}
	if st, _ := os.Stat(path); st.Mode().Perm() != 0o644 {
		t.Errorf("checkpoint file mode %v, want 0644", st.Mode().Perm())
	}
}

// Every single flipped byte and every truncation is detected.
func TestCorruptionDetected(t *testing.T) {
	dir := t.TempDir()
	path := filepath.Join(dir, "a"+Ext)
	if err := Write(path, sample(1)); err != nil {
		t.Fatal(err)
	}
	good, _ := os.ReadFile(path)
	bad := filepath.Join(dir, "bad"+Ext)
	for i := range good {
		b := append([]byte(nil), good...)
		b[i] ^= 0x01
		os.WriteFile(bad, b, 0o644)
		_, err := Read(bad)
		var ce *CorruptError
		if !errors.As(err, &ce) || ce.Path != bad {
			t.Fatalf("byte %d flipped: err %v, want a CorruptError naming the file", i, err)
		}
	}
	for _, n := range []int{0, 5, 20, len(good) / 2, len(good) - 1} {
		os.WriteFile(bad, good[:n], 0o644)
		var ce *CorruptError
		if _, err := Read(bad); !errors.As(err, &ce) {
			t.Fatalf("cut at %d: err %v, want a CorruptError", n, err)
		}
	}
	if _, err := ReadWith(path, ReadOptions{MaxBytes: 10}); err == nil || !strings.Contains(err.Error(), "limit") {
		t.Fatalf("a file over MaxBytes: %v", err)
	}
}

func TestManager(t *testing.T) {
	dir := t.TempDir()
	if p, err := LatestCheckpoint(dir); p != "" || err != nil {
		t.Fatalf("empty dir: %q %v", p, err)
	}
	// A temporary file from an interrupted save is swept.
	os.WriteFile(filepath.Join(dir, ".ckpt-9"+Ext+".tmp123"), []byte("x"), 0o644)
	m, err := NewManager(dir, 2)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := os.Stat(filepath.Join(dir, ".ckpt-9"+Ext+".tmp123")); !os.IsNotExist(err) {
		t.Fatal("the temporary file was not removed")
	}
	for step := int64(1); step <= 3; step++ {
		if _, err := m.Save(sample(step)); err != nil {
			t.Fatal(err)
		}
	}
	latest, err := LatestCheckpoint(dir)
	if err != nil || latest != filepath.Join(dir, "ckpt-3"+Ext) || m.Latest() != latest {
		t.Fatalf("latest %q (%v), manager %q", latest, err, m.Latest())
	}
	if got := m.Checkpoints(); len(got) != 2 || filepath.Base(got[0]) != "ckpt-2"+Ext {
		t.Fatalf("kept %v", got)
	}
	if _, err := os.Stat(filepath.Join(dir, "ckpt-1"+Ext)); !os.IsNotExist(err) {
		t.Fatal("the oldest checkpoint beyond max_to_keep is still there")
	}
	// A new manager on the directory picks up where the old one was.
	m2, err := NewManager(dir, 2)
	if err != nil {
		t.Fatal(err)
	}
	m2.Save(sample(4))
	if got := m2.Checkpoints(); len(got) != 2 || filepath.Base(got[0]) != "ckpt-3"+Ext {
		t.Fatalf("after reopening: kept %v", got)
	}
	s, err := Read(m2.Latest())
	if err != nil || s.Step != 4 {
		t.Fatalf("read latest: %v, step %v", err, s)
	}
}

func TestHostileIndex(t *testing.T) {
	dir := t.TempDir()
	os.WriteFile(filepath.Join(dir, "checkpoint"), []byte(`model_checkpoint_path: "../../etc/passwd"`+"\n"), 0o644)
	if _, err := LatestCheckpoint(dir); err == nil {
		t.Fatal("an index naming a path outside the directory was accepted")
	}
}

func TestWriteRejectsNil(t *testing.T) {
	err := Write(filepath.Join(t.TempDir(), "x"), &State{Tensors: map[string]*tensor.Tensor{"a": nil}})
	if err == nil || !strings.Contains(err.Error(), `"a"`) {
		t.Fatalf("nil tensor: %v", err)
	}
}

func FuzzRead(f *testing.F) {
	dir := f.TempDir()
	path := filepath.Join(dir, "a"+Ext)
	Write(path, sample(5))
	good, _ := os.ReadFile(path)
	f.Add(good)
	f.Add(good[:len(good)-3])
	f.Add(append([]byte("TGOCKPT\x01"), 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0x7f))
	f.Fuzz(func(t *testing.T, b []byte) {
		s, err := decode("fuzz", b)
		if err != nil {
			return
		}
		// What decodes must encode again to a file that decodes the same.
		p := filepath.Join(t.TempDir(), "r"+Ext)
		if err := Write(p, s); err != nil {
			t.Fatal(err)
		}
		s2, err := Read(p)
		if err != nil {
			t.Fatal(err)
		}
		equal(t, s, s2)
	})
}
