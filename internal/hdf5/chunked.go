package hdf5

import (
	"bytes"
	"math/bits"
)

// maxChunkedBytes bounds what a chunked dataset may decode to, given the
// file's size: deflate expands at most about 1032 times.
func (f *File) maxChunkedBytes() uint64 { return 1032*f.size + 1<<20 }

// parseLayoutV4 decodes the rest of a version 4 chunked layout message.
func (f *File) parseLayoutV4(c *cursor) (layout, error) {
	l := layout{class: 2}
	flags := c.u8()
	nd := int(c.u8())
	encLen := int(c.u8())
	if nd < 1 || nd > maxRank+1 || encLen < 1 || encLen > 8 {
		return layout{}, errorf("chunked layout of rank %d with %d-byte dimensions", nd-1, encLen)
	}
	for i := 0; i < nd; i++ {
		l.chunk = append(l.chunk, c.uintN(encLen))
	}
	l.size = l.chunk[nd-1]
	l.chunk = l.chunk[:nd-1]
	l.index = int(c.u8())
	switch l.index {
	case 1:
		if flags&0x02 != 0 {
			l.singleSize = c.length()
			l.singleMask = c.u32()
		}
	case 2:
	case 3:
		c.u8() // page bits: the fixed array's header repeats them
	case 4:
		c.skip(5)
	case 5:
		c.skip(6)
	default:
		return layout{}, errorf("unknown chunk index type %d", l.index)
	}
	l.addr = c.addr()
	if c.err != nil {
		return layout{}, errorf("data layout message is truncated")
	}
	for _, d := range l.chunk {
		if d == 0 || d > 1<<32 {
			return layout{}, errorf("chunked layout with chunk dimension %d", d)
		}
	}
	return l, nil
}

// chunkReader gathers the chunks of one dataset into its output.
type chunkReader struct {
	d          *Dataset
	out        []byte
	es         uint64
	chunkBytes uint64
	grid       []uint64 // chunks along each dimension
	nchunks    uint64
	strides    []uint64
	placed     uint64
	budget     uint64 // stored chunk bytes still allowed
}

func (d *Dataset) readChunked(want uint64) ([]byte, error) {
	f := d.f
	if want > f.maxChunkedBytes() {
		return nil, errorf("%s: %d bytes of chunked data cannot come from a %d-byte file", d.Path, want, f.size)
	}
	out := make([]byte, want)
	if want == 0 || d.layout.addr == undef {
		return out, nil // no chunk written: every value is the fill value 0
	}
	r := &chunkReader{d: d, out: out, es: uint64(d.dt.size), budget: f.maxChunkedBytes()}
	limit := f.maxChunkedBytes()
	r.chunkBytes = r.es
	for _, c := range d.layout.chunk {
		hi, lo := bits.Mul64(r.chunkBytes, c)
		if hi != 0 || lo > limit {
			return nil, errorf("%s: chunk is too large", d.Path)
		}
		r.chunkBytes = lo
	}
	// A well-formed file stores each chunk of the grid once; the decoded
	// work is then at most nchunks × chunkBytes.
	r.nchunks = 1
	for i, c := range d.layout.chunk {
		g := (uint64(d.Shape[i]) + c - 1) / c
		r.grid = append(r.grid, g)
		hi, lo := bits.Mul64(r.nchunks, g)
		if hi2, work := bits.Mul64(lo, r.chunkBytes); hi != 0 || hi2 != 0 || work > 2*limit {
			return nil, errorf("%s: chunk grid is too large", d.Path)
		}
		r.nchunks = lo
	}
	r.strides = make([]uint64, len(d.Shape))
	s := uint64(1)
	for i := len(d.Shape) - 1; i >= 0; i-- {
		r.strides[i] = s
		s *= uint64(d.Shape[i])
	}
	var err error
	switch d.layout.index {
	case 0:
		err = r.btree1(d.layout.addr)
	case 1:
		size := r.chunkBytes
		if len(d.filters) > 0 {
			size = d.layout.singleSize
		}
		err = r.chunk(make([]uint64, len(d.Shape)), d.layout.addr, size, d.layout.singleMask)
	case 2:
		if len(d.filters) > 0 {
			return nil, errorf("%s: implicit chunk index with filters", d.Path)
		}
		for i := uint64(0); i < r.nchunks && err == nil; i++ {
			hi, off := bits.Mul64(i, r.chunkBytes)
			if hi != 0 || off > f.size {
				return nil, errorf("%s: implicit chunk %d is outside the file", d.Path, i)
			}
			err = r.chunk(r.offsetOf(i), d.layout.addr+off, r.chunkBytes, 0)
		}
	case 3:
		err = r.fixedArray(d.layout.addr)
	case 4:
		return nil, errorf("%s: extensible-array chunk indexes (datasets with unlimited dimensions) are not supported", d.Path)
	case 5:
		return nil, errorf("%s: version 2 B-tree chunk indexes are not supported", d.Path)
	}
	if err != nil {
		return nil, errorf("%s: %v", d.Path, unwrap(err))
	}
	return out, nil
}

// offsetOf returns the element offsets of the i-th chunk in row-major
// order of the chunk grid.
func (r *chunkReader) offsetOf(i uint64) []uint64 {
	offs := make([]uint64, len(r.grid))
	for k := len(r.grid) - 1; k >= 0; k-- {
		offs[k] = (i % r.grid[k]) * r.d.layout.chunk[k]
		i /= r.grid[k]
	}
	return offs
}

// chunk reads one stored chunk, undoes its filters and places it.
func (r *chunkReader) chunk(offs []uint64, addr, size uint64, mask uint32) error {
	if r.placed++; r.placed > r.nchunks {
		return errorf("more chunks than the dataset's chunk grid holds")
	}
	if size > r.budget {
		return errorf("chunks hold more bytes than the file")
	}
	r.budget -= size
	raw, err := r.d.f.readAddr(addr, size)
	if err != nil {
		return err
	}
	data, err := r.d.unfilter(raw, mask, r.chunkBytes)
	if err != nil {
		return err
	}
	return r.d.place(r.out, data, offs, r.strides, r.es)
}

// btree1 walks a version 1 B-tree of chunks (data layout version 3).
func (r *chunkReader) btree1(root uint64) error {
	f, rank := r.d.f, len(r.d.Shape)
	seen := map[uint64]bool{}
	var walk func(addr uint64, depth int) error
	walk = func(addr uint64, depth int) error {
		if depth > 64 || seen[addr] || uint64(len(seen)) > r.nchunks+64 {
			return errorf("chunk B-tree has a cycle or is too deep")
		}
		seen[addr] = true
		head, err := f.readUpTo(addr, 8+2*uint64(f.offSize))
		if err != nil {
			return err
		}
		c := f.cursor(head)
		if !bytes.Equal(c.take(4), []byte("TREE")) {
			return errorf("chunk B-tree node at %#x has no TREE signature", addr)
		}
		typ, level, n := c.u8(), c.u8(), uint64(c.u16())
		if c.err != nil || typ != 1 {
			return errorf("chunk B-tree node at %#x is not a chunk node", addr)
		}
		keySize := uint64(8 + 8*(rank+1))
		b, err := f.readAddr(addr, uint64(len(head))+n*(keySize+uint64(f.offSize))+keySize)
		if err != nil {
			return err
		}
		c = f.cursor(b)
		c.off = len(head)
		for i := uint64(0); i < n; i++ {
			size := uint64(c.u32())
			mask := c.u32()
			offs := make([]uint64, rank)
			for j := range offs {
				offs[j] = c.u64()
			}
			c.u64()
			child := c.addr()
			if c.err != nil {
				return errShort
			}
			if level > 0 {
				err = walk(child, depth+1)
			} else {
				err = r.chunk(offs, child, size, mask)
			}
			if err != nil {
				return err
			}
		}
		return nil
	}
	return walk(root, 0)
}

// fixedArray reads a fixed-array chunk index (data layout version 4): a
// header, then a data block of one entry per chunk, in pages when large.
func (r *chunkReader) fixedArray(addr uint64) error {
	f := r.d.f
	hb, err := f.readUpTo(addr, 64)
	if err != nil {
		return err
	}
	c := f.cursor(hb)
	if !bytes.Equal(c.take(4), []byte("FAHD")) || c.u8() != 0 {
		return errorf("fixed array at %#x has no FAHD signature", addr)
	}
	client := c.u8()
	entrySize := int(c.u8())
	pageBits := int(c.u8())
	n := c.length()
	dblock := c.addr()
	sum := c.off
	if c.u32() != lookup3(hb[:sum]) || c.err != nil {
		return errorf("fixed array at %#x: header checksum mismatch", addr)
	}
	filtered := client == 1
	minEntry := f.offSize
	if filtered {
		minEntry += 4 + 1
	}
	if client > 1 || entrySize < minEntry || entrySize > 64 || pageBits > 32 || n > r.nchunks {
		return errorf("fixed array at %#x: bad parameters", addr)
	}
	if dblock == undef {
		return nil
	}
	pageLen := uint64(1) << uint(pageBits)
	paged := n > pageLen
	npages := uint64(1)
	prefix := uint64(4 + 2 + f.offSize)
	if paged {
		npages = (n + pageLen - 1) / pageLen
		prefix += (npages + 7) / 8
	}
	// Unpaged: prefix, entries, checksum. Paged: prefix (with a page
	// bitmap), checksum, then each page's entries and checksum.
	var total uint64
	if paged {
		total = prefix + 4 + n*uint64(entrySize) + npages*4
	} else {
		total = prefix + n*uint64(entrySize) + 4
	}
	b, err := f.readAddr(dblock, total)
	if err != nil {
		return err
	}
	if !bytes.Equal(b[:4], []byte("FADB")) {
		return errorf("fixed array data block at %#x has no FADB signature", dblock)
	}
	check := func(from, to uint64) error {
		if lookup3(b[from:to]) != le32(b[to:]) {
			return errorf("fixed array data block at %#x: checksum mismatch", dblock)
		}
		return nil
	}
	var bitmap []byte
	pos := prefix
	if paged {
		bitmap = b[4+2+f.offSize : prefix]
		if err := check(0, prefix); err != nil {
			return err
		}
		pos += 4
	}
	sizeLen := entrySize - f.offSize - 4
	idx := uint64(0)
	for p := uint64(0); p < npages; p++ {
		count := min(pageLen, n-p*pageLen)
		if !paged {
			count = n
		}
		start := pos
		present := !paged || bitmap[p/8]&(0x80>>(p%8)) != 0
		for i := uint64(0); i < count; i++ {
			e := f.cursor(b[pos : pos+uint64(entrySize)])
			pos += uint64(entrySize)
			a := e.addr()
			size, mask := r.chunkBytes, uint32(0)
			if filtered {
				size = e.uintN(sizeLen)
				mask = e.u32()
			}
			if present && a != undef {
				if err := r.chunk(r.offsetOf(idx), a, size, mask); err != nil {
					return err
				}
			}
			idx++
		}
		if paged {
			if present {
				if err := check(start, pos); err != nil {
					return err
				}
			}
			pos += 4
		}
	}
	if !paged {
		return check(0, pos)
	}
	return nil
}
