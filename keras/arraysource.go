package keras

import (
	"io"
	"math/rand/v2"

	"github.com/tensorgo/tensorgo/data"
	"github.com/tensorgo/tensorgo/tensor"
)

// arraySource batches in-memory arrays: it copies rows (in a shuffled order
// for training) into preallocated batch buffers of the model's dtypes, so a
// steady-state batch allocates nothing.
type arraySource struct {
	a       *arrays
	size    int
	shuffle bool
	views   bool // feed views of the rows of one float32 input (no copy; Predict)
	rng     *rand.Rand
	pcg     *rand.PCG // rng's source, whose state checkpoints save (sourcestate.go)
	perm    []int
	pos     int
	bx, by  *batcher
	bw      *batcher
	b       batch
	sws     []*tensor.Tensor
}

// newArraySource batches a (already checked against the model) in batches
// of size, its inputs in dtypes inDTypes, weights for nOut outputs.
func newArraySource(a *arrays, size int, shuffle bool, inDTypes []tensor.DType, nOut int) *arraySource {
	s := &arraySource{a: a, size: size, shuffle: shuffle, perm: make([]int, a.n)}
	for i := range s.perm {
		s.perm[i] = i
	}
	if shuffle {
		// A concrete PCG, seeded from the TF-style seeds, so that a
		// checkpoint can save the shuffle stream's state.
		r := tensor.NewRNG()
		s.pcg = rand.NewPCG(r.Uint64(), r.Uint64())
		s.rng = rand.New(s.pcg)
	}
	s.views = !shuffle && len(a.xs) == 1 && len(a.ys) == 0 && a.xs[0].DType() == tensor.Float32 && inDTypes[0] == tensor.Float32
	if !s.views {
		s.bx = newBatcher(a.xs, inDTypes, size, a.n)
	}
	if len(a.ys) > 0 {
		s.by = newBatcher(a.ys, nil, size, a.n)
	}
	if a.sw != nil {
		s.bw = newBatcher([]*tensor.Tensor{a.sw}, nil, size, a.n)
		s.sws = make([]*tensor.Tensor, nOut)
	}
	return s
}

func (s *arraySource) batches() int64 { return int64((s.a.n + s.size - 1) / s.size) }

func (s *arraySource) reset() error {
	s.pos = 0
	if s.shuffle {
		s.rng.Shuffle(len(s.perm), func(i, j int) { s.perm[i], s.perm[j] = s.perm[j], s.perm[i] })
	}
	return nil
}

func (s *arraySource) next() (*batch, error) {
	if s.pos >= s.a.n {
		return nil, io.EOF
	}
	lo, hi := s.pos, min(s.a.n, s.pos+s.size)
	s.pos = hi
	idx := s.perm[lo:hi]
	if s.views {
		s.b.xs = append(s.b.xs[:0], rowsView(s.a.xs[0], lo, hi))
	} else {
		s.b.xs = s.bx.fill(idx)
	}
	if s.by != nil {
		s.b.ys = s.by.fill(idx)
	}
	if s.bw != nil {
		w := s.bw.fill(idx)[0]
		for i := range s.sws {
			s.sws[i] = w
		}
		s.b.sws = s.sws
	}
	return &s.b, nil
}

func (s *arraySource) close() {}

// rowsView returns rows [lo, hi) of a float32 tensor sharing its memory.
func rowsView(t *tensor.Tensor, lo, hi int) *tensor.Tensor {
	row := t.Size() / max(1, t.Dim(0))
	d := t.Float32s()[lo*row : hi*row]
	return tensor.FromSlice(d, append([]int{hi - lo}, t.Shape()[1:]...)...)
}

// batcher copies rows of arrays into preallocated batch tensors.
type batcher struct {
	src  []*tensor.Tensor
	full []*tensor.Tensor // batchSize rows
	last []*tensor.Tensor // the final partial batch
}

// newBatcher makes the buffers for batches of src's rows, in dtypes (nil:
// src's own).
func newBatcher(src []*tensor.Tensor, dtypes []tensor.DType, batch, n int) *batcher {
	b := &batcher{src: src}
	rem := n % batch
	for i, t := range src {
		dt := t.DType()
		if dtypes != nil {
			dt = dtypes[i]
		}
		rest := t.Shape()[1:]
		b.full = append(b.full, tensor.New(dt, append([]int{min(batch, n)}, rest...)...))
		if rem > 0 && n > batch {
			b.last = append(b.last, tensor.New(dt, append([]int{rem}, rest...)...))
		} else {
			b.last = append(b.last, nil)
		}
	}
	return b
}

// fill copies rows idx of every source into the batch buffers for idx's
// size (converting them to the buffers' dtype) and returns them.
func (b *batcher) fill(idx []int) []*tensor.Tensor {
	dst := b.full
	if len(idx) != b.full[0].Dim(0) && b.last[0] != nil {
		dst = b.last
	}
	for i, s := range b.src {
		var err error
		if dst[i].DType() == s.DType() {
			err = data.GatherRows(dst[i], s, idx)
		} else {
			err = data.GatherInto(dst[i], s, idx, 1)
		}
		if err != nil {
			panic("keras: batching: " + err.Error()) // an internal error: sizes and dtypes were checked
		}
	}
	return dst
}
