package hdf5

import (
	"bytes"
	"math/bits"
)

// Dense storage: newer HDF5 keeps the links (or attributes) of an object
// with many of them in a fractal heap, indexed by name in a version 2
// B-tree. The reader walks the B-tree's records, each holding a heap ID,
// and decodes the link or attribute message stored under that ID.

// fractalHeap is the part of a fractal heap header needed to find objects.
type fractalHeap struct {
	idLen        int
	maxManaged   uint64
	width        int
	startBlock   uint64
	maxDirect    uint64
	maxHeapBits  int
	rootAddr     uint64
	rootRows     int
	checksummed  bool // direct blocks carry a checksum
	offBytes     int  // bytes of a heap offset
	lenBytes     int  // bytes of a managed object's length in a heap ID
	blocks       []heapBlock
	headerAddr   uint64
	maxDirectRow int
}

type heapBlock struct {
	off  uint64 // offset of the block in the heap's address space
	data []byte // the whole block, header included
}

func log2(v uint64) int { return bits.Len64(v) - 1 }

// encSize is the number of bytes needed to encode values up to v.
func encSize(v uint64) int { return log2(v)/8 + 1 }

func (f *File) readFractalHeap(addr uint64) (*fractalHeap, error) {
	b, err := f.readUpTo(addr, 256)
	if err != nil {
		return nil, err
	}
	c := f.cursor(b)
	if !bytes.Equal(c.take(4), []byte("FRHP")) || c.u8() != 0 {
		return nil, errorf("fractal heap at %#x has no FRHP signature", addr)
	}
	h := &fractalHeap{headerAddr: addr}
	h.idLen = int(c.u16())
	filterLen := c.u16()
	flags := c.u8()
	h.checksummed = flags&0x02 != 0
	h.maxManaged = uint64(c.u32())
	c.length() // next huge object ID
	c.addr()   // huge object B-tree
	c.length() // free space
	c.addr()   // free space manager
	for i := 0; i < 8; i++ {
		c.length() // managed space, allocated, iterator, object counts, huge and tiny sizes
	}
	h.width = int(c.u16())
	h.startBlock = c.length()
	h.maxDirect = c.length()
	h.maxHeapBits = int(c.u16())
	c.u16() // starting rows in root indirect block
	h.rootAddr = c.addr()
	h.rootRows = int(c.u16())
	if c.err != nil {
		return nil, errorf("fractal heap at %#x is truncated", addr)
	}
	if filterLen != 0 {
		return nil, errorf("fractal heap at %#x: filtered heaps are not supported", addr)
	}
	sum := c.off
	if c.u32() != lookup3(b[:sum]) || c.err != nil {
		return nil, errorf("fractal heap at %#x: header checksum mismatch", addr)
	}
	pow2 := func(v uint64) bool { return v != 0 && v&(v-1) == 0 }
	if h.width == 0 || h.width > 1<<12 || !pow2(h.startBlock) || !pow2(h.maxDirect) || h.maxDirect < h.startBlock ||
		h.maxHeapBits < 1 || h.maxHeapBits > 64 || h.idLen < 2 || h.idLen > 64 || h.rootRows > 64 || h.maxManaged == 0 {
		return nil, errorf("fractal heap at %#x: bad parameters", addr)
	}
	h.offBytes = (h.maxHeapBits + 7) / 8
	h.lenBytes = min((log2(h.maxDirect)+7)/8, encSize(h.maxManaged))
	h.maxDirectRow = log2(h.maxDirect) - log2(h.startBlock) + 1
	if h.rootAddr != undef {
		if h.rootRows == 0 {
			err = f.heapDirect(h, h.rootAddr, h.startBlock, 0)
		} else {
			err = f.heapIndirect(h, h.rootAddr, h.rootRows, 0)
		}
		if err != nil {
			return nil, err
		}
	}
	return h, nil
}

// rowSize is the size of the blocks of row r of a doubling table.
func (h *fractalHeap) rowSize(r int) uint64 {
	if r == 0 {
		return h.startBlock
	}
	return h.startBlock << uint(r-1)
}

func (f *File) heapDirect(h *fractalHeap, addr, size uint64, depth int) error {
	if len(h.blocks) > 1<<16 {
		return errorf("fractal heap has too many blocks")
	}
	b, err := f.readAddr(addr, size)
	if err != nil {
		return err
	}
	c := f.cursor(b)
	if !bytes.Equal(c.take(4), []byte("FHDB")) || c.u8() != 0 {
		return errorf("fractal heap direct block at %#x has no FHDB signature", addr)
	}
	c.addr()
	off := c.uintN(h.offBytes)
	if c.err != nil {
		return errShort
	}
	h.blocks = append(h.blocks, heapBlock{off, b})
	return nil
}

func (f *File) heapIndirect(h *fractalHeap, addr uint64, rows, depth int) error {
	if depth > 16 || rows > 64 {
		return errorf("fractal heap indirect blocks nest too deeply")
	}
	direct := min(rows, h.maxDirectRow)
	n := uint64(rows*h.width) * uint64(f.offSize)
	head := uint64(4 + 1 + f.offSize + h.offBytes)
	b, err := f.readAddr(addr, head+n+4)
	if err != nil {
		return err
	}
	if !bytes.Equal(b[:4], []byte("FHIB")) {
		return errorf("fractal heap indirect block at %#x has no FHIB signature", addr)
	}
	if lookup3(b[:len(b)-4]) != le32(b[len(b)-4:]) {
		return errorf("fractal heap indirect block at %#x: checksum mismatch", addr)
	}
	c := f.cursor(b)
	c.off = int(head)
	for r := 0; r < rows; r++ {
		for col := 0; col < h.width; col++ {
			child := c.addr()
			if c.err != nil {
				return errShort
			}
			if child == undef {
				continue
			}
			size := h.rowSize(r)
			if r < direct {
				err = f.heapDirect(h, child, size, depth+1)
			} else {
				childRows := log2(size) - log2(h.startBlock*uint64(h.width)) + 1
				err = f.heapIndirect(h, child, childRows, depth+1)
			}
			if err != nil {
				return err
			}
		}
	}
	return nil
}

// object returns the bytes stored under a heap ID.
func (h *fractalHeap) object(id []byte) ([]byte, error) {
	if len(id) == 0 {
		return nil, errorf("empty fractal heap ID")
	}
	if id[0]>>6 != 0 {
		return nil, errorf("unsupported fractal heap ID version %d", id[0]>>6)
	}
	switch (id[0] >> 4) & 3 {
	case 0: // managed
		c := &cursor{b: id[1:]}
		off := c.uintN(h.offBytes)
		n := c.uintN(h.lenBytes)
		if c.err != nil {
			return nil, errorf("fractal heap ID is truncated")
		}
		for _, blk := range h.blocks {
			if off >= blk.off && off-blk.off <= uint64(len(blk.data)) && n <= uint64(len(blk.data))-(off-blk.off) {
				return blk.data[off-blk.off : off-blk.off+n], nil
			}
		}
		return nil, errorf("fractal heap has no object at offset %d", off)
	case 2: // tiny: stored in the ID itself
		if len(id) <= 18 {
			n := int(id[0]&0x0f) + 1
			if 1+n > len(id) {
				return nil, errorf("tiny fractal heap object is truncated")
			}
			return id[1 : 1+n], nil
		}
		if len(id) < 2 {
			return nil, errShort
		}
		n := (int(id[0]&0x0f)<<8 | int(id[1])) + 1
		if 2+n > len(id) {
			return nil, errorf("tiny fractal heap object is truncated")
		}
		return id[2 : 2+n], nil
	}
	return nil, errorf("huge fractal heap objects are not supported")
}

// btree2Records returns the records of the version 2 B-tree at addr.
func (f *File) btree2Records(addr uint64) ([][]byte, error) {
	b, err := f.readUpTo(addr, 64)
	if err != nil {
		return nil, err
	}
	c := f.cursor(b)
	if !bytes.Equal(c.take(4), []byte("BTHD")) || c.u8() != 0 {
		return nil, errorf("B-tree at %#x has no BTHD signature", addr)
	}
	c.u8() // type
	nodeSize := uint64(c.u32())
	recSize := int(c.u16())
	depth := int(c.u16())
	c.skip(2)
	root := c.addr()
	rootN := int(c.u16())
	c.length()
	sum := c.off
	if c.u32() != lookup3(b[:sum]) || c.err != nil {
		return nil, errorf("B-tree at %#x: header checksum mismatch", addr)
	}
	if recSize == 0 || nodeSize < 16 || nodeSize > 1<<24 || depth > 32 || uint64(recSize) > nodeSize {
		return nil, errorf("B-tree at %#x: bad parameters", addr)
	}
	// Field widths of child pointers, as the library computes them.
	maxRecs := make([]uint64, depth+1) // records one node holds, by depth
	cum := make([]uint64, depth+1)     // records a subtree holds, by depth
	ptrSize := make([]int, depth+1)
	maxRecs[0] = (nodeSize - 10) / uint64(recSize)
	cum[0] = maxRecs[0]
	for d := 1; d <= depth; d++ {
		ptrSize[d] = f.offSize + encSize(maxRecs[d-1])
		if d > 1 {
			ptrSize[d] += encSize(cum[d-1])
		}
		maxRecs[d] = (nodeSize - 10 - uint64(ptrSize[d])) / uint64(recSize+ptrSize[d])
		cum[d] = maxRecs[d] + (maxRecs[d]+1)*cum[d-1]
		if maxRecs[d] == 0 {
			return nil, errorf("B-tree at %#x: nodes too small for depth %d", addr, depth)
		}
	}
	var out [][]byte
	visited := 0
	var walk func(addr uint64, n, d int) error
	walk = func(addr uint64, n, d int) error {
		if visited++; visited > 1<<16 {
			return errorf("B-tree has too many nodes")
		}
		if uint64(n) > maxRecs[d] {
			return errorf("B-tree node at %#x claims %d records", addr, n)
		}
		b, err := f.readAddr(addr, nodeSize)
		if err != nil {
			return err
		}
		sig := "BTLF"
		if d > 0 {
			sig = "BTIN"
		}
		if !bytes.Equal(b[:4], []byte(sig)) {
			return errorf("B-tree node at %#x has no %s signature", addr, sig)
		}
		c := f.cursor(b)
		c.off = 6
		for i := 0; i < n; i++ {
			out = append(out, c.take(recSize))
		}
		if d > 0 {
			for i := 0; i <= n; i++ {
				child := c.addr()
				cn := c.uintN(encSize(maxRecs[d-1]))
				if d > 1 {
					c.uintN(encSize(cum[d-1]))
				}
				if c.err != nil {
					return errShort
				}
				if err := walk(child, int(cn), d-1); err != nil {
					return err
				}
			}
		}
		sum := c.off
		if c.err != nil || sum+4 > len(b) || lookup3(b[:sum]) != le32(b[sum:]) {
			return errorf("B-tree node at %#x: checksum mismatch", addr)
		}
		return nil
	}
	if root != undef && rootN > 0 {
		if err := walk(root, rootN, depth); err != nil {
			return nil, err
		}
	}
	return out, nil
}

// denseMessages returns the messages (links or attributes) kept in the
// fractal heap at heapAddr and indexed by the name B-tree at btreeAddr.
// idAt is where a record holds its heap ID: after a 4-byte hash for links,
// first for attributes.
func (f *File) denseMessages(heapAddr, btreeAddr uint64, idAt int) ([][]byte, error) {
	h, err := f.readFractalHeap(heapAddr)
	if err != nil {
		return nil, err
	}
	recs, err := f.btree2Records(btreeAddr)
	if err != nil {
		return nil, err
	}
	out := make([][]byte, 0, len(recs))
	for _, r := range recs {
		if len(r) < idAt+h.idLen {
			return nil, errorf("B-tree record of %d bytes is shorter than a heap ID", len(r))
		}
		obj, err := h.object(r[idAt : idAt+h.idLen])
		if err != nil {
			return nil, err
		}
		out = append(out, obj)
	}
	return out, nil
}
