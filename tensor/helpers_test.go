package tensor

import (
	"fmt"
	"math"
	"math/rand/v2"
	"os"
	"strings"
	"testing"

	"github.com/tensorgo/tensorgo/internal/parallel"
)

// The tests run with more threads than this machine may have cores, so that
// the parallel paths of every kernel are taken for the large cases.
func TestMain(m *testing.M) {
	parallel.SetNumThreads(4)
	os.Exit(m.Run())
}

// randTensor fills a tensor of the given type and shape with small random
// values: floats in [-3, 3), signed integers in [-5, 5], uint8 in [0, 10],
// random bools.
func randTensor(r *rand.Rand, dtype DType, shape ...int) *Tensor {
	t := New(dtype, shape...)
	for i := 0; i < t.Size(); i++ {
		switch dtype {
		case Float32, Float64:
			t.SetFloat(i, r.Float64()*6-3)
		case Int32, Int64:
			t.SetFloat(i, float64(r.IntN(11)-5))
		case Uint8:
			t.SetFloat(i, float64(r.IntN(11)))
		case Bool:
			t.SetFloat(i, float64(r.IntN(2)))
		}
	}
	return t
}

// setWrapped stores an int64 result into an integer tensor with Go's wrapping
// conversion (as the kernels' integer arithmetic wraps).
func setWrapped(t *Tensor, i int, v int64) {
	switch d := t.data.(type) {
	case []int32:
		d[i] = int32(v)
	case []int64:
		d[i] = v
	case []uint8:
		d[i] = uint8(v)
	default:
		t.SetFloat(i, float64(v))
	}
}

// unravel converts a flat index into coordinates of shape s.
func unravel(i int, s Shape) []int {
	idx := make([]int, len(s))
	for d := len(s) - 1; d >= 0; d-- {
		idx[d] = i % s[d]
		i /= s[d]
	}
	return idx
}

// bcastOffset is the flat index into a tensor of shape s read at output
// coordinates idx under NumPy broadcasting.
func bcastOffset(idx []int, s Shape) int {
	off := 0
	k := len(idx) - len(s)
	for d := range s {
		x := idx[k+d]
		if s[d] == 1 {
			x = 0
		}
		off = off*s[d] + x
	}
	return off
}

// closeTo compares got with want elementwise: exactly for integers and bools,
// within a tolerance for floats (NaN equals NaN).
func closeTo(t *testing.T, what string, got, want *Tensor, tol float64) {
	t.Helper()
	if got.dtype != want.dtype || !got.shape.Equal(want.shape) {
		t.Fatalf("%s: got %v %v, want %v %v", what, got.dtype, got.shape, want.dtype, want.shape)
	}
	for i := 0; i < got.Size(); i++ {
		g, w := got.Float(i), want.Float(i)
		if math.IsNaN(g) && math.IsNaN(w) || g == w {
			continue
		}
		if !got.dtype.IsFloat() || math.IsNaN(g) || math.IsNaN(w) || math.Abs(g-w) > tol*math.Max(1, math.Abs(w)) {
			t.Fatalf("%s: element %d (%v) = %v, want %v", what, i, unravel(i, got.shape), g, w)
		}
	}
}

// tolFor is the comparison tolerance for results computed in dtype.
func tolFor(d DType) float64 {
	if d == Float32 {
		return 2e-5
	}
	return 1e-12
}

// mustPanic runs f and checks that it panics with a message containing every
// one of wants.
func mustPanic(t *testing.T, name string, f func(), wants ...string) {
	t.Helper()
	defer func() {
		t.Helper()
		r := recover()
		if r == nil {
			t.Errorf("%s: did not panic", name)
			return
		}
		msg := fmt.Sprint(r)
		for _, w := range wants {
			if !strings.Contains(msg, w) {
				t.Errorf("%s: panic message %q does not contain %q", name, msg, w)
			}
		}
	}()
	f()
}

var testShapes = [][]int{{}, {1}, {7}, {17}, {33}, {1000}, {3, 5}, {2, 0, 3}, {4, 1, 9}}
