package hdf5

import (
	"encoding/binary"
	"errors"
	"fmt"
)

// errShort is the error a cursor records when a structure runs past the
// bytes it was given.
var errShort = errors.New("structure is truncated")

// cursor decodes little-endian fields from a byte slice. The first read past
// the end records errShort and every later read returns zero, so decoders can
// read a whole structure and check err once.
type cursor struct {
	b   []byte
	off int
	err error
	// offSize and lenSize are the superblock's "size of offsets" and
	// "size of lengths".
	offSize, lenSize int
}

func (c *cursor) take(n int) []byte {
	if c.err != nil {
		return nil
	}
	if n < 0 || n > len(c.b)-c.off {
		c.err = errShort
		return nil
	}
	p := c.b[c.off : c.off+n]
	c.off += n
	return p
}

func (c *cursor) remaining() int { return len(c.b) - c.off }

func (c *cursor) skip(n int) { c.take(n) }

func (c *cursor) u8() uint8 {
	if p := c.take(1); p != nil {
		return p[0]
	}
	return 0
}

func (c *cursor) u16() uint16 {
	if p := c.take(2); p != nil {
		return binary.LittleEndian.Uint16(p)
	}
	return 0
}

func (c *cursor) u32() uint32 {
	if p := c.take(4); p != nil {
		return binary.LittleEndian.Uint32(p)
	}
	return 0
}

func (c *cursor) u64() uint64 {
	if p := c.take(8); p != nil {
		return binary.LittleEndian.Uint64(p)
	}
	return 0
}

// uintN reads an n-byte little-endian unsigned integer (n from 1 to 8).
func (c *cursor) uintN(n int) uint64 {
	p := c.take(n)
	var v uint64
	for i := len(p) - 1; i >= 0; i-- {
		v = v<<8 | uint64(p[i])
	}
	return v
}

// addr reads a file address; the all-ones value (undefined) is returned as
// undef.
func (c *cursor) addr() uint64 {
	v := c.uintN(c.offSize)
	if c.offSize < 8 && v == 1<<(8*uint(c.offSize))-1 {
		return undef
	}
	return v
}

func (c *cursor) length() uint64 { return c.uintN(c.lenSize) }

// undef is the undefined address.
const undef = ^uint64(0)

// formatError is the error for input that is not valid HDF5 or uses a part of
// the format this package does not read.
type formatError struct {
	what string
}

func (e *formatError) Error() string { return "hdf5: " + e.what }

func errorf(format string, args ...any) error {
	return &formatError{fmt.Sprintf(format, args...)}
}
