// Package readn reads a payload whose size a file header announces, without
// trusting the header: a file that claims a huge shape but holds little data
// costs memory for the data, not for the claim.
package readn

import (
	"io"
	"math"
	"slices"
)

// MaxElements bounds the element count a header may announce, so that a
// corrupt header gives an error rather than an attempt to allocate
// terabytes (2^34 elements, or 2^27 on 32-bit platforms).
const MaxElements = min(1<<34, math.MaxInt>>4)

// Read reads up to want bytes from r and returns what it got (fewer at
// io.EOF, which is not an error here: the caller compares the length with
// what it needs and names the file in its message). known is the number of
// bytes left in r when that is known (a file's size), or -1; with it the
// buffer is allocated once.
func Read(r io.Reader, want, known int64) ([]byte, error) {
	capHint := min(want, 1<<20)
	if known >= 0 {
		capHint = min(want, known)
	}
	buf := make([]byte, 0, capHint)
	for int64(len(buf)) < want {
		if len(buf) == cap(buf) {
			grow := min(want-int64(len(buf)), int64(max(cap(buf), 1<<16)))
			buf = slices.Grow(buf, int(grow))
		}
		end := min(int64(cap(buf)), want)
		k, err := r.Read(buf[len(buf):end])
		buf = buf[:len(buf)+k]
		if err == io.EOF {
			return buf, nil
		}
		if err != nil {
			return buf, err
		}
	}
	return buf, nil
}
