// Package readn reads a payload whose size a file header announces, without
// trusting the header: the announced size is checked against a budget
// before anything is allocated, and a file that claims more than it holds
// costs memory in proportion to what it holds.
package readn

import (
	"fmt"
	"io"
	"math"

	"github.com/tensorgo/tensorgo/datasets"
)

// MaxElements bounds the element count a header may announce, so that a
// corrupt header gives an error rather than an attempt to allocate
// terabytes (2^34 elements, or 2^27 on 32-bit platforms).
const MaxElements = min(1<<34, math.MaxInt>>4)

// firstChunk is what a read of unknown length allocates before any data has
// arrived.
const firstChunk = 1 << 20

// Check returns an error wrapping datasets.ErrTooLarge if a header's
// announced payload of want bytes is above budget (datasets.Config.Budget).
func Check(want, budget int64) error {
	if want > budget {
		return fmt.Errorf("the header declares %d bytes of data, more than the budget of %d bytes (a corrupt file or a decompression bomb? datasets.MaxBytes raises the budget): %w", want, budget, datasets.ErrTooLarge)
	}
	return nil
}

// Read reads up to want bytes from r and returns what it got (fewer at
// io.EOF, which is not an error here: the caller compares the length with
// what it needs and names the file in its message). known is the number of
// bytes left in r when that is known (a file's size), or -1. The caller
// checks want against its budget first (Check).
//
// With known, the buffer is allocated once, at min(want, known) bytes.
// Without, it is sized from the header, not grown as io.ReadAll grows
// (which costs twice the data and more in copies): a first 1 MiB, so that a
// small truncated file claiming much costs little, then, once that is
// full, want bytes at once. When all want bytes are read, the result's
// capacity is want.
func Read(r io.Reader, want, known int64) ([]byte, error) {
	size := min(want, firstChunk)
	if known >= 0 {
		size = min(want, known)
	}
	buf := make([]byte, 0, size)
	for int64(len(buf)) < want {
		if len(buf) == cap(buf) {
			next := make([]byte, len(buf), want)
			copy(next, buf)
			buf = next
		}
		k, err := r.Read(buf[len(buf):cap(buf)])
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
