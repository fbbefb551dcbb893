package tf

import (
	"testing"

	"github.com/tensorgo/tensorgo/tensor"
)

// Saving a Dropout op's stream and restoring it later makes the next run
// draw the same mask again.
func TestRandomStatesRestoreDropoutMasks(t *testing.T) {
	g := NewGraph()
	x := Placeholder(g, tensor.Float32, tensor.Shape{4, 16}, Name("x"))
	y := Dropout(x, 0.5, 7)
	z := Dropout(Relu(x), 0.3, 8)
	rs := RandomStates(g)
	if len(rs) != 2 || rs[0].Op != y.Op() || rs[1].Op != z.Op() {
		t.Fatalf("RandomStates = %v, want the two Dropout ops in order", rs)
	}
	s := NewSession(g)
	feeds := Feeds{x: tensor.Ones(tensor.Float32, 4, 16)}
	s.Run(feeds, []*Tensor{y, z}) // advance the streams
	saved := make([][]byte, len(rs))
	for i, r := range rs {
		b, err := r.State.MarshalBinary()
		if err != nil {
			t.Fatal(err)
		}
		saved[i] = b
	}
	want, _ := s.Run(feeds, []*Tensor{y, z})
	want = []*tensor.Tensor{want[0].Clone(), want[1].Clone()}
	s.Run(feeds, []*Tensor{y, z}) // move on
	for i, r := range rs {
		if err := r.State.UnmarshalBinary(saved[i]); err != nil {
			t.Fatal(err)
		}
	}
	got, _ := s.Run(feeds, []*Tensor{y, z})
	for i := range got {
		if got[i].String() != want[i].String() {
			t.Fatalf("output %d after restoring the stream differs from the first time", i)
		}
	}
	if err := rs[0].State.UnmarshalBinary([]byte("bad")); err == nil {
		t.Fatal("a bad state was accepted")
	}
}
