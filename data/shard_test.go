package data_test

import (
	"slices"
	"testing"

	"github.com/tensorgo/tensorgo/data"
)

// The shards of range(n): element i goes to shard i mod k, in order, as
// tf.data's shard documents (range(10).shard(3, 0) is 0, 3, 6, 9).
func TestShard(t *testing.T) {
	for _, n := range []int{0, 1, 9, 10, 11} {
		for _, k := range []int{1, 2, 3, 4} {
			ds, _, _ := rangeDS(n)
			var union []int64
			for idx := range k {
				sh := ds.Shard(k, idx)
				got := labels(t, sh, 1)
				var want []int64
				for i := idx; i < n; i += k {
					want = append(want, int64(i))
				}
				if !slices.Equal(got, want) {
					t.Errorf("range(%d).Shard(%d, %d) = %v, want %v", n, k, idx, got, want)
				}
				if c := sh.Cardinality(); c != int64(len(want)) {
					t.Errorf("range(%d).Shard(%d, %d).Cardinality() = %d, want %d", n, k, idx, c, len(want))
				}
				union = append(union, got...)
			}
			slices.Sort(union)
			if len(union) != n {
				t.Errorf("range(%d): the %d shards hold %d elements, want %d", n, k, len(union), n)
			}
		}
	}
}

func TestShardThenBatch(t *testing.T) {
	ds, _, _ := rangeDS(10)
	got := labels(t, ds.Shard(2, 1).Batch(2, false), 1)
	if want := []int64{1, 3, 5, 7, 9}; !slices.Equal(got, want) {
		t.Errorf("Shard(2, 1).Batch(2) labels = %v, want %v", got, want)
	}
}

func TestShardCardinalityUnknownInfinite(t *testing.T) {
	ds, _, _ := rangeDS(5)
	if c := ds.Repeat(-1).Shard(2, 0).Cardinality(); c != data.Infinite {
		t.Errorf("Repeat(-1).Shard: cardinality %d, want Infinite", c)
	}
	got := labels(t, ds.Repeat(-1).Shard(2, 1).Take(4), 1)
	// range(5) repeated: 0 1 2 3 4 0 1 2 3 4 ...; odd positions: 1 3 0 2.
	if want := []int64{1, 3, 0, 2}; !slices.Equal(got, want) {
		t.Errorf("Repeat(-1).Shard(2, 1).Take(4) = %v, want %v", got, want)
	}
}

func TestShardPanics(t *testing.T) {
	ds, _, _ := rangeDS(3)
	for _, c := range [][2]int{{0, 0}, {2, 2}, {2, -1}, {-1, 0}} {
		func() {
			defer func() {
				if recover() == nil {
					t.Errorf("Shard(%d, %d) did not panic", c[0], c[1])
				}
			}()
			ds.Shard(c[0], c[1])
		}()
	}
}
