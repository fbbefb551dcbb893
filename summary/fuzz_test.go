package summary

import (
	"bytes"
	"os"
	"testing"

	"google.golang.org/protobuf/proto"

	"github.com/tensorgo/tensorgo/summary/internal/tbpb"
	"github.com/tensorgo/tensorgo/tensor"
)

func FuzzReader(f *testing.F) {
	dir := f.TempDir()
	w, err := NewWriter(dir)
	if err != nil {
		f.Fatal(err)
	}
	w.Scalar("loss", 0.5, 1)
	w.Histogram("w", tensor.FromSlice([]float32{1, 2, 3}), 1)
	w.Text("t", "x", 1)
	w.HParams(map[string]any{"lr": 0.1})
	w.Close()
	good, err := os.ReadFile(w.Path())
	if err != nil {
		f.Fatal(err)
	}
	f.Add(good)
	f.Add(good[:len(good)/2])
	bad := append([]byte(nil), good...)
	bad[40] ^= 0xff
	f.Add(bad)
	f.Fuzz(func(t *testing.T, b []byte) {
		r := NewReader(bytes.NewReader(b))
		for i := 0; i < 10000; i++ {
			// Any error is fine (io.EOF, truncated, corrupt); a panic or
			// a runaway allocation is not.
			if _, err := r.Next(); err != nil {
				return
			}
		}
	})
}

// FuzzSummaryTags checks the Merge kernel's parser of serialized Summaries
// against the generated decoder: whatever proto.Unmarshal accepts as a
// Summary, summaryTags accepts too, with the same tags; nothing panics.
func FuzzSummaryTags(f *testing.F) {
	f.Add(appendScalarSummary(nil, "loss", 0.5))
	h := &tfHistogram{counts: make([]float64, len(tfBucketLimits))}
	h.reset()
	h.add(-1)
	h.add(2)
	size, n := h.histogramSummarySize("w")
	f.Add(h.appendHistogramSummary(make([]byte, 0, size), "w", n))
	two := append(appendScalarSummary(nil, "a", 1), appendScalarSummary(nil, "b", 2)...)
	f.Add(two)
	f.Add(two[:len(two)-3])
	f.Add([]byte{0x0a, 0x05, 0x0a, 0x07, 'x'})
	f.Add([]byte{0x12, 0x00, 0x0a, 0x00})
	f.Fuzz(func(t *testing.T, b []byte) {
		tags, err := summaryTags(nil, b)
		var s tbpb.Summary
		if proto.Unmarshal(b, &s) != nil {
			return
		}
		if err != nil {
			t.Fatalf("proto.Unmarshal reads %x, summaryTags fails: %v", b, err)
		}
		var want []string
		for _, v := range s.Value {
			want = append(want, v.Tag)
		}
		if len(tags) != len(want) {
			t.Fatalf("tags %q, proto.Unmarshal reads %q", tags, want)
		}
		for i := range want {
			if string(tags[i]) != want[i] {
				t.Fatalf("tags %q, proto.Unmarshal reads %q", tags, want)
			}
		}
	})
}
