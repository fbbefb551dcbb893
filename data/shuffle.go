package data

import (
	"fmt"
	"io"
	"math"
	"math/rand/v2"
	"sync/atomic"

	"github.com/tensorgo/tensorgo/tensor"
)

// Shuffle returns a dataset that shuffles d with a buffer of bufferSize
// elements (tf.data.Dataset.shuffle): each output is drawn at random from the
// buffer, which is refilled from d. A buffer at least as large as the dataset
// gives a uniform permutation. The order depends only on seed and, with
// reshuffleEachIteration, on how many iterations have started before; without
// it every iteration has the same order. A negative seed draws one from
// tensor.NewRNG, so tensor.SetSeed makes it repeatable.
func (d *Dataset) Shuffle(bufferSize int, seed int64, reshuffleEachIteration bool) *Dataset {
	if bufferSize < 1 {
		panic(fmt.Sprintf("data.Shuffle: buffer size %d, want >= 1", bufferSize))
	}
	if seed < 0 {
		seed = tensor.NewRNG().Int64()
	}
	var epoch atomic.Uint64
	return &Dataset{card: d.card, open: func() iterator {
		var e uint64
		if reshuffleEachIteration {
			e = epoch.Add(1) - 1
		}
		rng := rand.New(rand.NewPCG(uint64(seed), e*0x9e3779b97f4a7c15+0x5851f42d4c957f2d))
		// Size the buffer for what can arrive; grow it on demand otherwise,
		// so that a huge bufferSize on an unknown-size input costs nothing.
		buf := min(bufferSize, 1<<16)
		if d.card >= 0 {
			buf = int(min(int64(bufferSize), d.card))
		}
		if d.src != nil && d.src.n <= math.MaxInt32 {
			return &shuffleRowsIter{s: d.src, size: bufferSize, rng: rng, buf: make([]int32, 0, buf)}
		}
		return &shuffleIter{in: d.open(), size: bufferSize, rng: rng, buf: make([]item, 0, buf)}
	}}
}

type shuffleIter struct {
	in   iterator
	buf  []item
	size int
	rng  *rand.Rand
	eof  bool
}

func (it *shuffleIter) next() (item, error) {
	if err := fill(it.in, &it.buf, it.size, &it.eof); err != nil {
		return item{}, err
	}
	n := len(it.buf)
	if n == 0 {
		return item{}, io.EOF
	}
	j := it.rng.IntN(n)
	x := it.buf[j]
	it.buf[j] = it.buf[n-1]
	it.buf[n-1] = item{}
	it.buf = it.buf[:n-1]
	return x, nil
}

func (it *shuffleIter) close() { it.in.close() }

// shuffleRowsIter is shuffleIter for a FromTensorSlices source: it draws the
// same order (the source yields rows 0, 1, 2, ... and the draws are the
// same) but buffers row numbers, which is several times cheaper for the
// 60,000-row buffers that shuffling an in-memory dataset uses.
type shuffleRowsIter struct {
	s    *slices
	pos  int // the next row the source would yield
	buf  []int32
	size int
	rng  *rand.Rand
}

func (it *shuffleRowsIter) next() (item, error) {
	for it.pos < it.s.n && len(it.buf) < it.size {
		it.buf = append(it.buf, int32(it.pos))
		it.pos++
	}
	n := len(it.buf)
	if n == 0 {
		return item{}, io.EOF
	}
	j := it.rng.IntN(n)
	x := it.buf[j]
	it.buf[j] = it.buf[n-1]
	it.buf = it.buf[:n-1]
	return item{src: it.s, i: int(x)}, nil
}

func (it *shuffleRowsIter) close() {}

// fill appends elements of in to *buf until it holds size of them or in is
// exhausted, which it records in *eof.
func fill(in iterator, buf *[]item, size int, eof *bool) error {
	for !*eof && len(*buf) < size {
		x, err := in.next()
		if err == io.EOF {
			*eof = true
			break
		}
		if err != nil {
			return err
		}
		*buf = append(*buf, x)
	}
	return nil
}
