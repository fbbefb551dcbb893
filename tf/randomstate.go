package tf

import (
	"encoding"
	"fmt"
)

// RandomState is the state of an op's random stream (a Dropout op's mask
// generator): MarshalBinary saves it, UnmarshalBinary puts it back, so
// that the op's next runs draw what they would have drawn. A checkpoint of
// a training run saves these to resume it exactly.
type RandomState interface {
	encoding.BinaryMarshaler
	encoding.BinaryUnmarshaler
}

// RandomOp is an op of a graph that draws random numbers when it runs, with
// its stream.
type RandomOp struct {
	Op    *Operation
	State RandomState
}

// RandomStates returns the ops of g that draw random numbers when they run,
// in the order they were added to g, with their streams. The order is the
// same wherever the same code builds the graph, so it keys the streams in a
// checkpoint even when op names differ (automatic layer names depend on
// what else a process built first).
func RandomStates(g *Graph) []RandomOp {
	var out []RandomOp
	for _, op := range g.Operations() {
		if rs, ok := op.state.(RandomState); ok {
			out = append(out, RandomOp{op, rs})
		}
	}
	return out
}

// MarshalBinary implements RandomState: the PCG generator's state.
func (s *dropoutState) MarshalBinary() ([]byte, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.pcg.MarshalBinary()
}

// UnmarshalBinary implements RandomState.
func (s *dropoutState) UnmarshalBinary(b []byte) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	if err := s.pcg.UnmarshalBinary(b); err != nil {
		return fmt.Errorf("tf: Dropout random state: %w", err)
	}
	return nil
}
