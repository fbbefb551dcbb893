package tensor

import (
	"math"
	"strconv"
	"strings"
)

// Printing follows NumPy: rows of right-aligned values, inner dimensions in
// nested brackets, and at most three leading and trailing entries per
// dimension (with "...") once a tensor has more than 1000 elements.

const (
	printThreshold = 1000
	printEdge      = 3
	maxDecimals    = 4
)

// String prints the values, shape and dtype, for example
//
//	tensor(
//	[[1. 2.]
//	 [3. 4.]], shape=(2, 2), dtype=float32)
func (t *Tensor) String() string {
	vals := t.ValuesString()
	if t.Rank() >= 2 {
		return "tensor(\n" + vals + ", shape=" + t.shape.String() + ", dtype=" + t.dtype.String() + ")"
	}
	return "tensor(" + vals + ", shape=" + t.shape.String() + ", dtype=" + t.dtype.String() + ")"
}

// ValuesString prints only the values, as numpy.array_str does.
func (t *Tensor) ValuesString() string {
	summarize := t.Size() > printThreshold
	// Decide one format for every printed element, as NumPy does.
	decimals, allInt := 0, true
	if t.dtype.IsFloat() {
		forEachShown(t.shape, summarize, func(i int) {
			v := t.Float(i)
			if math.IsInf(v, 0) || math.IsNaN(v) {
				return
			}
			for d := 0; d <= maxDecimals; d++ {
				p := math.Pow(10, float64(d))
				if math.Abs(math.Round(v*p)-v*p) < 1e-6*math.Max(1, math.Abs(v*p)) || d == maxDecimals {
					decimals = max(decimals, d)
					break
				}
			}
		})
		allInt = decimals == 0
	}
	format := func(i int) string {
		switch d := t.data.(type) {
		case []bool:
			if d[i] {
				return "True"
			}
			return "False"
		case []float32, []float64:
			v := t.Float(i)
			switch {
			case math.IsNaN(v):
				return "nan"
			case math.IsInf(v, 1):
				return "inf"
			case math.IsInf(v, -1):
				return "-inf"
			case allInt:
				return strconv.FormatFloat(v, 'f', 0, 64) + "."
			}
			// NumPy drops trailing zeros but keeps the column aligned.
			s := strconv.FormatFloat(v, 'f', decimals, 64)
			trimmed := strings.TrimRight(s, "0")
			return trimmed + strings.Repeat(" ", len(s)-len(trimmed))
		}
		return strconv.FormatFloat(t.Float(i), 'f', -1, 64)
	}
	width := 0
	forEachShown(t.shape, summarize, func(i int) { width = max(width, len(format(i))) })
	if t.Rank() == 0 {
		return format(0)
	}
	var b strings.Builder
	strides := t.shape.Strides()
	var rec func(dim, off int)
	rec = func(dim, off int) {
		b.WriteByte('[')
		n := t.shape[dim]
		for i := 0; i < n; i++ {
			if summarize && n > 2*printEdge && i == printEdge {
				if dim == t.Rank()-1 {
					b.WriteString("... ")
				} else {
					b.WriteString("...\n" + strings.Repeat(" ", dim+1))
				}
				i = n - printEdge
			}
			if dim == t.Rank()-1 {
				s := format(off + i)
				b.WriteString(strings.Repeat(" ", width-len(s)))
				b.WriteString(s)
				if i < n-1 {
					b.WriteByte(' ')
				}
			} else {
				rec(dim+1, off+i*strides[dim])
				if i < n-1 {
					b.WriteString(strings.Repeat("\n", t.Rank()-dim-1))
					b.WriteString(strings.Repeat(" ", dim+1))
				}
			}
		}
		b.WriteByte(']')
	}
	rec(0, 0)
	return b.String()
}

// forEachShown calls fn with the flat index of every element that printing
// shows.
func forEachShown(shape Shape, summarize bool, fn func(int)) {
	if len(shape) == 0 {
		fn(0)
		return
	}
	strides := shape.Strides()
	var rec func(dim, off int)
	rec = func(dim, off int) {
		n := shape[dim]
		for i := 0; i < n; i++ {
			if summarize && n > 2*printEdge && i == printEdge {
				i = n - printEdge
			}
			if dim == len(shape)-1 {
				fn(off + i)
			} else {
				rec(dim+1, off+i*strides[dim])
			}
		}
	}
	rec(0, 0)
}
