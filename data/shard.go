package data

import "fmt"

// Shard returns every numShards-th element of d starting with element
// index (tf.data.Dataset.shard): shard k of n holds elements k, k+n, k+2n,
// ... The n shards of a dataset are disjoint and together hold every
// element. In data-parallel training each process reads Shard(size, rank);
// shard before shuffling and batching, so that each process reads distinct
// elements. Shards differ in length by at most one element when the
// cardinality is not a multiple of numShards.
//
// It panics (a programming error) if numShards < 1 or index is outside
// [0, numShards).
func (d *Dataset) Shard(numShards, index int) *Dataset {
	if numShards < 1 || index < 0 || index >= numShards {
		panic(fmt.Sprintf("data: Shard(%d, %d): want numShards >= 1 and 0 <= index < numShards", numShards, index))
	}
	if numShards == 1 {
		return d
	}
	card := d.card
	if card >= 0 {
		// Elements index, index+n, ... below card.
		card = max(0, (card-int64(index)+int64(numShards)-1)/int64(numShards))
	}
	return &Dataset{card: card, open: func() iterator {
		return &shardIter{in: d.open(), n: numShards, skip: index}
	}}
}

// shardIter yields one element of every n, after skipping the first skip.
type shardIter struct {
	in   iterator
	n    int
	skip int // elements to drop before the next one kept
}

func (it *shardIter) next() (item, error) {
	for ; it.skip > 0; it.skip-- {
		if _, err := it.in.next(); err != nil {
			return item{}, err
		}
	}
	x, err := it.in.next()
	if err != nil {
		return item{}, err
	}
	it.skip = it.n - 1
	return x, nil
}

func (it *shardIter) close() { it.in.close() }
