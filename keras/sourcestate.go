package keras

import (
	"fmt"
	"io"
	"math/rand/v2"

	"github.com/tensorgo/tensorgo/checkpoint"
	"github.com/tensorgo/tensorgo/tensor"
)

// resumable is a batch source whose position a training state keeps.
type resumable interface {
	saveState(s *checkpoint.State) error
	// checkState reports whether s's position fits this source.
	checkState(s *checkpoint.State, path string) error
	// restoreState puts the position back; position false says that only
	// the shuffle state matters (the next epoch starts a new pass).
	restoreState(s *checkpoint.State, position bool) error
}

func (s *arraySource) saveState(st *checkpoint.State) error {
	v := dataValue{Kind: "arrays", Rows: s.a.n, Pos: s.pos, Shuffle: s.shuffle}
	if s.pcg != nil {
		b, err := s.pcg.MarshalBinary()
		if err != nil {
			return err
		}
		v.RNG = b
	}
	perm := tensor.New(tensor.Int64, len(s.perm))
	for i, p := range s.perm {
		perm.Int64s()[i] = int64(p)
	}
	st.Tensors[permKey] = perm
	return st.SetValue("data", v)
}

func (s *arraySource) checkState(st *checkpoint.State, path string) error {
	var v dataValue
	if ok, err := st.Value("data", &v); !ok || err != nil {
		return fmt.Errorf("keras: %s has no position in the data (%v)", path, err)
	}
	if v.Kind != "arrays" || v.Rows != s.a.n || v.Shuffle != s.shuffle {
		return fmt.Errorf("keras: %s was saved training on %s of %d rows (shuffle %v), not arrays of %d rows (shuffle %v)", path, v.Kind, v.Rows, v.Shuffle, s.a.n, s.shuffle)
	}
	if v.Pos < 0 || v.Pos > s.a.n {
		return fmt.Errorf("keras: %s: position %d is outside the %d rows", path, v.Pos, s.a.n)
	}
	p := st.Tensors[permKey]
	if p == nil || p.DType() != tensor.Int64 || !p.Shape().Equal(tensor.Shape{s.a.n}) {
		return fmt.Errorf("keras: %s: the data's order is missing or not %d rows", path, s.a.n)
	}
	seen := make([]bool, s.a.n)
	for _, i := range p.Int64s() {
		if i < 0 || i >= int64(s.a.n) || seen[i] {
			return fmt.Errorf("keras: %s: the data's order is not a permutation of the %d rows", path, s.a.n)
		}
		seen[i] = true
	}
	if s.pcg != nil {
		if err := new(rand.PCG).UnmarshalBinary(v.RNG); err != nil {
			return fmt.Errorf("keras: %s: the shuffle state: %w", path, err)
		}
	}
	return nil
}

func (s *arraySource) restoreState(st *checkpoint.State, position bool) error {
	var v dataValue
	st.Value("data", &v) // checked by checkState
	for i, p := range st.Tensors[permKey].Int64s() {
		s.perm[i] = int(p)
	}
	if s.pcg != nil {
		if err := s.pcg.UnmarshalBinary(v.RNG); err != nil {
			return err
		}
	}
	s.pos = v.Pos
	return nil
}

// A Dataset's position is the number of batches read in the pass: a
// restore reads the pass again from its start and skips them. That is
// exact for datasets whose passes repeat (no reshuffling between passes).
func (s *datasetSource) saveState(st *checkpoint.State) error {
	return st.SetValue("data", dataValue{Kind: "dataset", Batches: s.n})
}

func (s *datasetSource) checkState(st *checkpoint.State, path string) error {
	var v dataValue
	if ok, err := st.Value("data", &v); !ok || err != nil || v.Kind != "dataset" || v.Batches < 0 {
		return fmt.Errorf("keras: %s was not saved training on a Dataset (%v)", path, err)
	}
	return nil
}

func (s *datasetSource) restoreState(st *checkpoint.State, position bool) error {
	if !position {
		return nil
	}
	var v dataValue
	st.Value("data", &v)
	if err := s.reset(); err != nil {
		return err
	}
	for i := 0; i < v.Batches; i++ {
		if _, err := s.it.Next(); err != nil {
			if err == io.EOF {
				return fmt.Errorf("the dataset ended after %d batches, before the saved position %d", i, v.Batches)
			}
			return fmt.Errorf("skipping to the saved position: %w", err)
		}
		s.n++
	}
	return nil
}
