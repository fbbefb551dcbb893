package summary

import (
	"image"
	"image/color"
	"math"
	"os"
	"path/filepath"
	"regexp"
	"sync"
	"testing"
	"time"

	"github.com/tensorgo/tensorgo/tensor"
)

func readOnly(t *testing.T, dir string) []Event {
	t.Helper()
	files, _ := filepath.Glob(filepath.Join(dir, "events.out.tfevents.*"))
	if len(files) != 1 {
		t.Fatalf("%d events files in %s, want 1", len(files), dir)
	}
	evs, err := ReadFile(files[0])
	if err != nil {
		t.Fatal(err)
	}
	return evs
}

func TestWriteRead(t *testing.T) {
	dir := t.TempDir()
	w, err := NewWriter(dir)
	if err != nil {
		t.Fatal(err)
	}
	name := filepath.Base(w.Path())
	if !regexp.MustCompile(`^events\.out\.tfevents\.\d{10}\.[^.]+.*\.\d+\.\d+\.v2$`).MatchString(name) {
		t.Errorf("file name %q is not TensorFlow 2's pattern", name)
	}
	for s := int64(0); s < 3; s++ {
		if err := w.Scalar("loss", 1/float64(s+1), s); err != nil {
			t.Fatal(err)
		}
	}
	if err := w.Histogram("w", tensor.FromSlice([]float32{0, 1, 1, 2, 4}), 7); err != nil {
		t.Fatal(err)
	}
	img := image.NewGray(image.Rect(0, 0, 3, 2))
	img.Set(1, 1, color.Gray{200})
	if err := w.Image("digit", 2, img); err != nil {
		t.Fatal(err)
	}
	if err := w.Text("note", "**hello**", 5); err != nil {
		t.Fatal(err)
	}
	if err := w.HParams(map[string]any{"lr": 0.001, "optimizer": "adam", "units": 128, "bn": true}); err != nil {
		t.Fatal(err)
	}
	if err := w.Close(); err != nil {
		t.Fatal(err)
	}
	evs := readOnly(t, dir)
	if len(evs) != 8 {
		t.Fatalf("%d events, want 8", len(evs))
	}
	if evs[0].FileVersion != "brain.Event:2" {
		t.Errorf("first record's file_version %q", evs[0].FileVersion)
	}
	for s := 0; s < 3; s++ {
		v := evs[1+s].Values[0]
		if v.Plugin != "scalars" || v.Tag != "loss" || evs[1+s].Step != int64(s) || v.Scalar != float64(float32(1/float64(s+1))) {
			t.Errorf("scalar event %d: %+v step %d", s, v, evs[1+s].Step)
		}
	}
	h := evs[4].Values[0]
	if h.Plugin != "histograms" || len(h.Histogram) != DefaultBuckets {
		t.Fatalf("histogram: plugin %q, %d buckets", h.Plugin, len(h.Histogram))
	}
	var total float64
	for _, b := range h.Histogram {
		total += b.Count
	}
	if total != 5 || h.Histogram[0].Left != 0 || h.Histogram[DefaultBuckets-1].Right != 4 {
		t.Errorf("histogram buckets %+v", h.Histogram)
	}
	im := evs[5].Values[0]
	if im.Plugin != "images" || im.Width != 3 || im.Height != 2 || len(im.Images) != 1 {
		t.Errorf("image value %+v", im)
	}
	if tv := evs[6].Values[0]; tv.Plugin != "text" || tv.Text != "**hello**" || evs[6].Step != 5 {
		t.Errorf("text value %+v", tv)
	}
	hp := evs[7].Values[0].HParams
	if hp["lr"] != 0.001 || hp["optimizer"] != "adam" || hp["units"] != 128.0 || hp["bn"] != true {
		t.Errorf("hparams %v", hp)
	}
}

// The buckets follow TensorBoard's rule, checked here against counts worked
// out by hand for 0..9 in 5 buckets of width 1.8: [0,1.8) holds 0 and 1,
// [1.8,3.6) 2 and 3, [3.6,5.4) 4 and 5, [5.4,7.2) 6 and 7, and the last
// bucket 8 and 9 (the maximum falls in the last bucket).
func TestBuckets(t *testing.T) {
	var vals []float64
	for i := 0; i < 10; i++ {
		vals = append(vals, float64(i))
	}
	got := Buckets(vals, 5)
	for i, b := range got {
		if b.Count != 2 {
			t.Errorf("bucket %d count %v, want 2", i, b.Count)
		}
		if math.Abs(b.Left-1.8*float64(i)) > 1e-12 {
			t.Errorf("bucket %d left %v", i, b.Left)
		}
	}
	one := Buckets([]float64{3, 3, 3}, 4)
	if one[3].Count != 3 || one[0].Count != 0 || one[0].Left != 3 || one[0].Right != 3 {
		t.Errorf("single-valued buckets %+v", one)
	}
	empty := Buckets(nil, 3)
	if len(empty) != 3 || empty[2].Count != 0 {
		t.Errorf("empty buckets %+v", empty)
	}
}

func TestFlushPolicy(t *testing.T) {
	dir := t.TempDir()
	w, err := NewWriter(dir, MaxQueue(3), FlushEvery(0))
	if err != nil {
		t.Fatal(err)
	}
	defer w.Close()
	w.Scalar("a", 1, 1)
	w.Scalar("a", 2, 2)
	if n := len(readOnly(t, dir)); n != 1 {
		t.Fatalf("%d events on disk before the queue is full, want 1 (the file version)", n)
	}
	w.Scalar("a", 3, 3)
	if n := len(readOnly(t, dir)); n != 4 {
		t.Fatalf("%d events on disk once the queue is full, want 4", n)
	}

	dir2 := t.TempDir()
	w2, err := NewWriter(dir2, FlushEvery(20*time.Millisecond))
	if err != nil {
		t.Fatal(err)
	}
	defer w2.Close()
	w2.Scalar("b", 1, 1)
	deadline := time.Now().Add(5 * time.Second)
	for len(readOnly(t, dir2)) != 2 {
		if time.Now().After(deadline) {
			t.Fatal("the flush timer never wrote the buffered event")
		}
		time.Sleep(5 * time.Millisecond)
	}
}

func TestConcurrentWrites(t *testing.T) {
	dir := t.TempDir()
	w, err := NewWriter(dir)
	if err != nil {
		t.Fatal(err)
	}
	var wg sync.WaitGroup
	for g := 0; g < 8; g++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := 0; i < 50; i++ {
				w.Scalar("x", float64(i), int64(i))
			}
		}()
	}
	wg.Wait()
	if err := w.Close(); err != nil {
		t.Fatal(err)
	}
	if err := w.Scalar("x", 0, 0); err != ErrClosed {
		t.Errorf("Scalar after Close: %v, want ErrClosed", err)
	}
	if n := len(readOnly(t, dir)); n != 401 {
		t.Fatalf("%d events, want 401", n)
	}
}

// A file cut mid-record (a writer still running) reads up to the last
// complete record; a flipped byte is reported.
func TestReadTruncatedAndCorrupt(t *testing.T) {
	dir := t.TempDir()
	w, _ := NewWriter(dir)
	w.Scalar("a", 1, 1)
	w.Scalar("a", 2, 2)
	w.Close()
	b, _ := os.ReadFile(w.Path())
	cut := filepath.Join(dir, "cut")
	os.WriteFile(cut, b[:len(b)-5], 0o644)
	evs, err := ReadFile(cut)
	if err != nil || len(evs) != 2 {
		t.Fatalf("truncated file: %d events, err %v; want 2 and no error", len(evs), err)
	}
	bad := append([]byte(nil), b...)
	bad[len(bad)-8] ^= 1
	os.WriteFile(cut, bad, 0o644)
	if _, err := ReadFile(cut); err == nil {
		t.Fatal("a flipped byte was not detected")
	}
}
