package hdf5

import (
	"bytes"
	"fmt"
	"io"
	"os"
)

var signature = []byte("\x89HDF\r\n\x1a\n")

// File is an HDF5 file opened for reading. Its group tree, attributes and
// dataset descriptions are read by Open; dataset values are read on demand
// from the io.ReaderAt, which must stay open while the File is used.
//
// A File is safe for concurrent use by several goroutines when its
// io.ReaderAt is (an *os.File is).
type File struct {
	r       io.ReaderAt
	closer  io.Closer // set by OpenFile
	size    uint64    // bytes in the file
	base    uint64    // base address: every address is relative to it
	offSize int
	lenSize int

	// SuperblockVersion is the version of the file's superblock (0 for
	// files h5py writes by default, 2 or 3 for newer formats).
	SuperblockVersion int

	root *Group

	// Budgets for untrusted input, set by Open.
	nodesLeft int   // group and dataset nodes still allowed
	readLeft  int64 // metadata bytes Open may still read; -1 after Open
	gheaps    map[uint64]map[uint16][]byte
	datasets  map[uint64]*Dataset // by object header address, during Open
}

// Open reads the structure of the HDF5 file r, which holds size bytes.
func Open(r io.ReaderAt, size int64) (*File, error) {
	if size < 0 {
		return nil, errorf("negative file size %d", size)
	}
	f := &File{r: r, size: uint64(size), gheaps: map[uint64]map[uint16][]byte{}, datasets: map[uint64]*Dataset{}}
	// Every group or dataset needs at least a link (or symbol-table entry)
	// and an object header in the file, so a legitimate tree has far fewer
	// nodes than size/8; the bound stops shared subgroups from making a
	// small file expand to an exponential tree.
	f.nodesLeft = int(min(uint64(size)/8+64, 1<<24))
	// Reading the structure of a well-formed file touches each metadata
	// byte a few times at most; the bound stops corrupt B-trees and shared
	// subgroups from making Open read the same bytes over and over.
	f.readLeft = min(size, 1<<40)*32 + 1<<20
	rootAddr, err := f.readSuperblock()
	if err != nil {
		return nil, err
	}
	root := &Group{Path: "/"}
	if err := f.loadGroup(root, rootAddr, nil, nil); err != nil {
		return nil, err
	}
	f.root = root
	f.readLeft = -1
	f.datasets = nil
	return f, nil
}

// OpenFile opens the HDF5 file at path; Close closes it.
func OpenFile(path string) (*File, error) {
	fh, err := os.Open(path)
	if err != nil {
		return nil, err
	}
	st, err := fh.Stat()
	if err != nil {
		fh.Close()
		return nil, err
	}
	f, err := Open(fh, st.Size())
	if err != nil {
		fh.Close()
		return nil, fmt.Errorf("%s: %w", path, err)
	}
	f.closer = fh
	return f, nil
}

// Close closes the file OpenFile opened; for a File from Open it does
// nothing. Datasets cannot be read after Close.
func (f *File) Close() error {
	if f.closer == nil {
		return nil
	}
	c := f.closer
	f.closer = nil
	return c.Close()
}

// Root returns the file's root group, "/".
func (f *File) Root() *Group { return f.root }

// readAt reads n bytes at the absolute file offset off, refusing any range
// outside the file.
func (f *File) readAt(off, n uint64) ([]byte, error) {
	if off > f.size || n > f.size-off {
		return nil, errorf("range [%d, +%d) is outside the %d-byte file", off, n, f.size)
	}
	if f.readLeft >= 0 {
		f.readLeft -= int64(n) + 64
		if f.readLeft < 0 {
			return nil, errorf("reading the file's structure needs more than %d times its size (corrupt B-tree or heap?)", 32)
		}
	}
	b := make([]byte, n)
	if _, err := f.r.ReadAt(b, int64(off)); err != nil && !(err == io.EOF && n == 0) {
		if err == io.EOF || err == io.ErrUnexpectedEOF {
			return nil, errorf("file ends before offset %d", off+n)
		}
		return nil, err
	}
	return b, nil
}

// readAddr reads n bytes at the file address addr (relative to the base).
func (f *File) readAddr(addr, n uint64) ([]byte, error) {
	if addr == undef || addr > f.size || f.base > f.size-addr {
		return nil, errorf("address %#x is outside the %d-byte file", addr, f.size)
	}
	return f.readAt(f.base+addr, n)
}

// readUpTo reads at most n bytes at addr, fewer where the file ends first.
// It serves structures whose length is known only after parsing them.
func (f *File) readUpTo(addr, n uint64) ([]byte, error) {
	if addr == undef || addr > f.size || f.base > f.size-addr {
		return nil, errorf("address %#x is outside the %d-byte file", addr, f.size)
	}
	if left := f.size - f.base - addr; n > left {
		n = left
	}
	return f.readAt(f.base+addr, n)
}

func (f *File) cursor(b []byte) *cursor {
	return &cursor{b: b, offSize: f.offSize, lenSize: f.lenSize}
}

// readSuperblock finds the superblock (at 0 or after a user block of 512,
// 1024, 2048, ... bytes), decodes it and returns the root object header's
// address.
func (f *File) readSuperblock() (uint64, error) {
	var at uint64
	for {
		if at+8 > f.size {
			return 0, errorf("no HDF5 signature found")
		}
		sig, err := f.readAt(at, 8)
		if err != nil {
			return 0, err
		}
		if bytes.Equal(sig, signature) {
			break
		}
		if at == 0 {
			at = 512
		} else {
			at *= 2
		}
	}
	head, err := f.readUpTo(at, 256)
	if err != nil {
		return 0, err
	}
	c := &cursor{b: head}
	c.skip(8)
	version := int(c.u8())
	f.SuperblockVersion = version
	switch version {
	case 0, 1:
		c.skip(3) // free-space, root group symbol table entry, reserved
		if c.u8() != 0 {
			return 0, errorf("superblock: unsupported shared header message format")
		}
		f.offSize, f.lenSize = int(c.u8()), int(c.u8())
		if err := f.checkSizes(); err != nil {
			return 0, err
		}
		c.offSize, c.lenSize = f.offSize, f.lenSize
		c.skip(1)
		c.skip(4) // group leaf and internal node K
		c.skip(4) // file consistency flags
		if version == 1 {
			c.skip(4) // indexed storage K, reserved
		}
		base := c.addr()
		c.addr()        // free-space info
		eof := c.addr() // end of file
		c.addr()        // driver info
		e := f.entry(c) // root group symbol table entry
		if c.err != nil {
			return 0, errorf("superblock: %v", c.err)
		}
		if err := f.setBase(base, at, eof); err != nil {
			return 0, err
		}
		return e.header, nil
	case 2, 3:
		f.offSize, f.lenSize = int(c.u8()), int(c.u8())
		if err := f.checkSizes(); err != nil {
			return 0, err
		}
		c.offSize, c.lenSize = f.offSize, f.lenSize
		c.skip(1) // consistency flags
		base := c.addr()
		c.addr() // superblock extension: file-wide settings this reader does not need
		eof := c.addr()
		root := c.addr()
		sum := c.off
		stored := c.u32()
		if c.err != nil {
			return 0, errorf("superblock: %v", c.err)
		}
		if lookup3(head[:sum]) != stored {
			return 0, errorf("superblock checksum mismatch")
		}
		if err := f.setBase(base, at, eof); err != nil {
			return 0, err
		}
		return root, nil
	}
	return 0, errorf("unsupported superblock version %d", version)
}

func (f *File) checkSizes() error {
	for _, s := range []int{f.offSize, f.lenSize} {
		if s != 2 && s != 4 && s != 8 {
			return errorf("superblock: unsupported offset or length size %d", s)
		}
	}
	return nil
}

func (f *File) setBase(base, at, eof uint64) error {
	// h5py writes base 0 with the superblock at 0; a file with a user block
	// has its base at the superblock.
	if base == undef || base > f.size {
		return errorf("superblock: base address %#x is outside the file", base)
	}
	if base == 0 && at != 0 {
		base = at
	}
	f.base = base
	// The end-of-file address counts the user block too (h5py writes the
	// file's full size).
	if eof != undef && eof > f.size {
		return errorf("superblock: file is truncated (end of file %d, size %d)", eof, f.size)
	}
	return nil
}
