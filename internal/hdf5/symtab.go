package hdf5

import "bytes"

// Old-style groups (the format h5py writes by default) keep their members in
// a symbol table: a version 1 B-tree whose leaves are symbol table nodes,
// with the names in a local heap.

// symbolTable returns the links of an old-style group: a version 1 B-tree of
// symbol table nodes whose names live in a local heap.
func (f *File) symbolTable(btree, heapAddr uint64) ([]link, error) {
	heap, err := f.localHeap(heapAddr)
	if err != nil {
		return nil, err
	}
	var links []link
	seen := map[uint64]bool{}
	var walk func(addr uint64, depth int) error
	walk = func(addr uint64, depth int) error {
		if depth > 64 || seen[addr] {
			return errorf("group B-tree has a cycle or is too deep")
		}
		seen[addr] = true
		head, err := f.readUpTo(addr, 8+2*uint64(f.offSize))
		if err != nil {
			return err
		}
		c := f.cursor(head)
		if !bytes.Equal(c.take(4), []byte("TREE")) {
			return errorf("group B-tree node at %#x has no TREE signature", addr)
		}
		typ, level, n := c.u8(), c.u8(), int(c.u16())
		if c.err != nil || typ != 0 {
			return errorf("group B-tree node at %#x is not a group node", addr)
		}
		entry := uint64(f.offSize + f.lenSize)
		b, err := f.readAddr(addr, uint64(len(head))+uint64(n)*entry+uint64(f.lenSize))
		if err != nil {
			return err
		}
		c = f.cursor(b)
		c.off = len(head)
		for i := 0; i < n; i++ {
			c.length() // key: heap offset of the largest name so far
			child := c.addr()
			if c.err != nil {
				return errShort
			}
			if level > 0 {
				if err := walk(child, depth+1); err != nil {
					return err
				}
				continue
			}
			l, err := f.symbolNode(child, heap)
			if err != nil {
				return err
			}
			links = append(links, l...)
			if len(links) > f.nodesLeft {
				return errorf("group has more members than the file can hold")
			}
		}
		return nil
	}
	if err := walk(btree, 0); err != nil {
		return nil, err
	}
	return links, nil
}

// symbolNode reads one SNOD (symbol table node) and returns its entries.
func (f *File) symbolNode(addr uint64, heap []byte) ([]link, error) {
	head, err := f.readUpTo(addr, 8)
	if err != nil {
		return nil, err
	}
	c := f.cursor(head)
	if !bytes.Equal(c.take(4), []byte("SNOD")) {
		return nil, errorf("symbol table node at %#x has no SNOD signature", addr)
	}
	c.skip(2)
	n := uint64(c.u16())
	if c.err != nil {
		return nil, errShort
	}
	esize := uint64(2*f.offSize + 24)
	b, err := f.readAddr(addr, 8+n*esize)
	if err != nil {
		return nil, err
	}
	c = f.cursor(b)
	c.off = 8
	links := make([]link, 0, n)
	for i := uint64(0); i < n; i++ {
		e := f.entry(c)
		if c.err != nil {
			return nil, errShort
		}
		name, err := heapString(heap, e.name)
		if err != nil {
			return nil, err
		}
		links = append(links, link{name, e.header})
	}
	return links, nil
}

// symEntry is a symbol table entry: a name's heap offset and the object's
// header address.
type symEntry struct{ name, header uint64 }

func (f *File) entry(c *cursor) symEntry {
	e := symEntry{name: c.length(), header: c.addr()}
	c.skip(4 + 4 + 16) // cache type, reserved, scratch pad
	return e
}

// localHeap returns the data segment of the local heap at addr.
func (f *File) localHeap(addr uint64) ([]byte, error) {
	head, err := f.readUpTo(addr, 8+2*uint64(f.lenSize)+uint64(f.offSize))
	if err != nil {
		return nil, err
	}
	c := f.cursor(head)
	if !bytes.Equal(c.take(4), []byte("HEAP")) {
		return nil, errorf("local heap at %#x has no HEAP signature", addr)
	}
	c.skip(4)
	size := c.length()
	c.length() // free list
	data := c.addr()
	if c.err != nil {
		return nil, errShort
	}
	return f.readAddr(data, size)
}

func heapString(heap []byte, off uint64) (string, error) {
	if off >= uint64(len(heap)) {
		return "", errorf("name offset %d is outside the %d-byte local heap", off, len(heap))
	}
	s := heap[off:]
	i := bytes.IndexByte(s, 0)
	if i < 0 {
		return "", errorf("name at local heap offset %d is not terminated", off)
	}
	return string(s[:i]), nil
}
