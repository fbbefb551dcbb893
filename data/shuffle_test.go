package data_test

import (
	"strings"
	"testing"

	"github.com/tensorgo/tensorgo/data"
	"github.com/tensorgo/tensorgo/tensor"
)

// Shuffling a FromTensorSlices source directly (buffering row numbers) and
// shuffling the same rows after a Map (buffering elements) give the same
// order for every buffer size, epoch after epoch.
func TestShuffleRowsMatchesGenericShuffle(t *testing.T) {
	const n = 257
	x := tensor.Range(tensor.Int64, 0, n, 1)
	identity := func(e data.Element) (data.Element, error) { return e, nil }
	for _, buf := range []int{1, 2, 10, 256, 257, 1000} {
		direct := data.FromTensorSlices(x).Shuffle(buf, 7, true)
		generic := data.FromTensorSlices(x).Map(identity).Shuffle(buf, 7, true)
		for epoch := 0; epoch < 3; epoch++ {
			a, b := order(t, direct), order(t, generic)
			if len(a) != n || len(b) != n {
				t.Fatalf("buffer %d: got %d and %d elements, want %d", buf, len(a), len(b), n)
			}
			for i := range a {
				if a[i] != b[i] {
					t.Fatalf("buffer %d epoch %d: orders differ at %d: %d vs %d", buf, epoch, i, a[i], b[i])
				}
			}
		}
	}
}

func order(t *testing.T, ds *data.Dataset) []int64 {
	t.Helper()
	var out []int64
	for e, err := range ds.All() {
		if err != nil {
			t.Fatal(err)
		}
		out = append(out, e[0].Int64s()[0])
	}
	return out
}

func TestGatherRows(t *testing.T) {
	src := tensor.Range(tensor.Int32, 0, 12, 1).Reshape(4, 3)
	dst := tensor.New(tensor.Int32, 2, 3)
	if err := data.GatherRows(dst, src, []int{3, 1}); err != nil {
		t.Fatal(err)
	}
	want := []int32{9, 10, 11, 3, 4, 5}
	for i, v := range dst.Int32s() {
		if v != want[i] {
			t.Fatalf("got %v, want %v", dst.Int32s(), want)
		}
	}
	for _, c := range []struct {
		dst  *tensor.Tensor
		idx  []int
		want string
	}{
		{tensor.New(tensor.Float32, 2, 3), []int{0, 1}, "cannot gather rows of int32"},
		{tensor.New(tensor.Int32, 3, 3), []int{0, 1}, "do not fit"},
		{tensor.New(tensor.Int32, 2, 3), []int{0, 4}, "row 4 out of range"},
	} {
		if err := data.GatherRows(c.dst, src, c.idx); err == nil || !strings.Contains(err.Error(), c.want) {
			t.Errorf("GatherRows(%v, %v): %v, want an error containing %q", c.dst.Shape(), c.idx, err, c.want)
		}
	}
}
