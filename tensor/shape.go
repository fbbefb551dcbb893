package tensor

import (
	"fmt"
	"strconv"
	"strings"
)

// Shape is the size of each dimension, outermost first. A scalar has an empty
// shape. Graph code uses -1 for a dimension not known until run time.
type Shape []int

// NumElements is the product of the dimensions (1 for a scalar). It is -1 if a
// dimension is unknown.
func (s Shape) NumElements() int {
	n := 1
	for _, d := range s {
		if d < 0 {
			return -1
		}
		n *= d
	}
	return n
}

// Rank is the number of dimensions.
func (s Shape) Rank() int { return len(s) }

// Equal reports whether two shapes have the same dimensions.
func (s Shape) Equal(o Shape) bool {
	if len(s) != len(o) {
		return false
	}
	for i := range s {
		if s[i] != o[i] {
			return false
		}
	}
	return true
}

// CompatibleWith reports whether s and o can describe the same tensor:
// equal ranks, and equal sizes wherever both are known (-1, an unknown
// size, matches any).
func (s Shape) CompatibleWith(o Shape) bool {
	if len(s) != len(o) {
		return false
	}
	for i := range s {
		if s[i] >= 0 && o[i] >= 0 && s[i] != o[i] {
			return false
		}
	}
	return true
}

// SplitSizes checks the sizes of the pieces a dimension of size dim is cut
// into (Split's sizes) and resolves a -1 to the rest. dim may be -1
// (unknown while a graph is built); then only the last size may be -1 and
// the sizes are returned unresolved. The error says what is wrong, for the
// caller to report with its op's name and shapes.
func SplitSizes(dim int, sizes []int) ([]int, error) {
	sizes = append([]int(nil), sizes...)
	sum, unknown := 0, -1
	for i, s := range sizes {
		switch {
		case s == -1 && unknown < 0:
			unknown = i
		case s < 0:
			return nil, fmt.Errorf("sizes %v: at most one -1 and no other negative size", sizes)
		default:
			sum += s
		}
	}
	switch {
	case dim < 0 && unknown >= 0 && unknown != len(sizes)-1:
		return nil, fmt.Errorf("sizes %v: along an unknown dimension only the last size may be -1", sizes)
	case dim < 0:
	case unknown >= 0 && sum <= dim:
		sizes[unknown] = dim - sum
	case sum != dim || unknown >= 0:
		return nil, fmt.Errorf("sizes %v add up to %d", sizes, sum)
	}
	return sizes, nil
}

// Clone returns a copy that does not share memory with s.
func (s Shape) Clone() Shape {
	if s == nil {
		return Shape{}
	}
	return append(Shape(make([]int, 0, len(s))), s...)
}

// String formats the shape as NumPy does: (2, 3), (5,), () — with None for an
// unknown dimension, as Keras prints the batch.
func (s Shape) String() string {
	var b strings.Builder
	b.WriteByte('(')
	for i, d := range s {
		if i > 0 {
			b.WriteString(", ")
		}
		if d < 0 {
			b.WriteString("None")
		} else {
			b.WriteString(strconv.Itoa(d))
		}
	}
	if len(s) == 1 {
		b.WriteByte(',')
	}
	b.WriteByte(')')
	return b.String()
}

// Strides returns the row-major element strides of s.
func (s Shape) Strides() []int {
	st := make([]int, len(s))
	acc := 1
	for i := len(s) - 1; i >= 0; i-- {
		st[i] = acc
		acc *= s[i]
	}
	return st
}

// NormAxis maps a possibly negative axis to [0, rank). op names the caller
// for the panic message.
func NormAxis(op string, axis, rank int) int {
	if axis < -rank || axis >= rank {
		panic(fmt.Sprintf("%s: axis %d is out of range for a tensor of rank %d (want -%d <= axis < %d)", op, axis, rank, rank, rank))
	}
	if axis < 0 {
		axis += rank
	}
	return axis
}

// BroadcastShapes returns the NumPy broadcast of a and b, or an error naming
// both shapes if they are incompatible. Unknown (-1) dimensions broadcast
// against anything but give -1 unless the other side is known and not 1.
func BroadcastShapes(a, b Shape) (Shape, error) {
	n := max(len(a), len(b))
	out := make(Shape, n)
	for i := 0; i < n; i++ {
		da, db := 1, 1
		if j := len(a) - n + i; j >= 0 {
			da = a[j]
		}
		if j := len(b) - n + i; j >= 0 {
			db = b[j]
		}
		switch {
		case da == db:
			out[i] = da
		case da == 1:
			out[i] = db
		case db == 1:
			out[i] = da
		case da < 0:
			out[i] = db
		case db < 0:
			out[i] = da
		default:
			return nil, fmt.Errorf("shapes %v and %v are not broadcast-compatible (dimension %d: %d vs %d)", a, b, i, da, db)
		}
	}
	return out, nil
}
