package data_test

import (
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
