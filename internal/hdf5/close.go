package hdf5

import (
	"errors"
	"fmt"
	"sort"
)

// Close writes the group structure, the attributes and the superblock, and
// closes the file if the Writer came from CreateFile. The file is complete
// only when Close returns nil. Calling Close again returns an error.
func (w *Writer) Close() error {
	if w.closed {
		return errors.New("hdf5: writer is already closed")
	}
	w.closed = true
	err := w.finish()
	if w.file != nil {
		if cerr := w.file.Close(); err == nil && cerr != nil {
			err = cerr
		}
	}
	return err
}

func (w *Writer) finish() error {
	if w.err != nil {
		return w.err
	}
	if err := w.writeStrings(); err != nil {
		return err
	}
	root, err := w.writeGroup(w.root)
	if err != nil {
		return err
	}
	return w.writeSuperblock(root)
}

// writeSuperblock writes a version 2 superblock at offset 0 naming the root
// group's object header.
func (w *Writer) writeSuperblock(root uint64) error {
	var e enc
	e.bytes(signature)
	e.bytes([]byte{2, 8, 8, 0}) // version 2, 8-byte offsets and lengths, no flags
	e.u64(0)                    // base address
	e.u64(undef)                // no superblock extension
	e.u64(w.eof)
	e.u64(root)
	e.cksum()
	return w.writeAt(e.b, 0)
}

// allAttrs calls fn for every attribute in the tree, in a fixed order.
func (w *Writer) allAttrs(fn func(*wattr)) {
	var walk func(g *GroupWriter)
	walk = func(g *GroupWriter) {
		for _, a := range g.attrs {
			fn(a)
		}
		for _, c := range g.children {
			if c.g != nil {
				walk(c.g)
				continue
			}
			for _, a := range c.d.attrs {
				fn(a)
			}
		}
	}
	walk(w.root)
}

// writeStrings puts every string attribute value into global heap
// collections and records where each went.
func (w *Writer) writeStrings() error {
	const maxObjects = 0xffff
	var pending []*string
	var owners []*wattr
	w.allAttrs(func(a *wattr) {
		if !a.isStr {
			return
		}
		a.ids = make([]heapID, len(a.strs))
		for i := range a.strs {
			pending = append(pending, &a.strs[i])
			owners = append(owners, a)
		}
	})
	pos := map[*wattr]int{}
	for start := 0; start < len(pending); start += maxObjects {
		end := min(start+maxObjects, len(pending))
		var body enc
		for i := start; i < end; i++ {
			s := *pending[i]
			body.u16(uint16(i - start + 1))
			body.u16(1) // reference count
			body.u32(0)
			body.u64(uint64(len(s)))
			body.str(s)
			body.zeros(pad8(len(s)) - len(s))
		}
		// The library wants collections of at least 4096 bytes; the rest
		// is described by a free-space object (index 0).
		size := uint64(16 + len(body.b) + 16)
		size = max(size, 4096)
		addr := w.alloc(size)
		var e enc
		e.str("GCOL")
		e.bytes([]byte{1, 0, 0, 0})
		e.u64(size)
		e.bytes(body.b)
		free := size - uint64(len(e.b))
		e.u16(0)
		e.u16(0)
		e.u32(0)
		e.u64(free)
		e.zeros(int(size) - len(e.b))
		if err := w.writeAt(e.b, addr); err != nil {
			return err
		}
		for i := start; i < end; i++ {
			a := owners[i]
			a.ids[pos[a]] = heapID{addr, uint32(i - start + 1)}
			pos[a]++
		}
	}
	return nil
}

// message types with their bodies, for one object header.
type hmsg struct {
	typ   uint8
	flags uint8
	data  []byte
}

// writeHeader writes a version 2 object header and returns its address.
func (w *Writer) writeHeader(path string, msgs []hmsg) (uint64, error) {
	var body enc
	for _, m := range msgs {
		if len(m.data) > 0xffff {
			return 0, fmt.Errorf("hdf5: %s: header message of %d bytes exceeds 65535 (an attribute too large?)", path, len(m.data))
		}
		body.u8(m.typ)
		body.u16(uint16(len(m.data)))
		body.u8(m.flags)
		body.bytes(m.data)
	}
	var e enc
	e.str("OHDR")
	e.u8(2)
	e.u8(0x02) // 4-byte chunk size; no times, no creation order
	e.u32(uint32(len(body.b)))
	e.bytes(body.b)
	e.cksum()
	addr := w.alloc(uint64(len(e.b)))
	return addr, w.writeAt(e.b, addr)
}

func attrMessages(attrs []*wattr) []hmsg {
	sorted := append([]*wattr(nil), attrs...)
	sort.Slice(sorted, func(i, j int) bool { return sorted[i].name < sorted[j].name })
	var out []hmsg
	for _, a := range sorted {
		var dt, data []byte
		if a.isStr {
			dt = vlenStringType()
			var d enc
			for i, s := range a.strs {
				d.u32(uint32(len(s)))
				d.u64(a.ids[i].addr)
				d.u32(a.ids[i].idx)
			}
			data = d.b
		} else {
			dt = encodeDatatype(a.dtype)
			data = a.raw
		}
		ds := encodeDataspace(a.shape)
		var e enc
		e.u8(3)
		e.u8(0)
		e.u16(uint16(len(a.name) + 1))
		e.u16(uint16(len(dt)))
		e.u16(uint16(len(ds)))
		e.u8(charset(a.name))
		e.str(a.name)
		e.u8(0)
		e.bytes(dt)
		e.bytes(ds)
		e.bytes(data)
		out = append(out, hmsg{msgAttribute, 0, e.b})
	}
	return out
}

// charset is 1 (UTF-8) for a name with non-ASCII bytes, else 0 (ASCII).
func charset(s string) uint8 {
	for i := 0; i < len(s); i++ {
		if s[i] >= 0x80 {
			return 1
		}
	}
	return 0
}

// writeGroup writes g's children and then g's header, and returns its
// address.
func (w *Writer) writeGroup(g *GroupWriter) (uint64, error) {
	kids := append([]wchild(nil), g.children...)
	sort.Slice(kids, func(i, j int) bool { return kids[i].name < kids[j].name })
	addrs := make([]uint64, len(kids))
	for i, c := range kids {
		var err error
		if c.g != nil {
			addrs[i], err = w.writeGroup(c.g)
		} else {
			addrs[i], err = w.writeDataset(c.d)
		}
		if err != nil {
			return 0, err
		}
	}
	var linfo enc
	linfo.u8(0)
	linfo.u8(0)
	linfo.u64(undef) // no fractal heap: links are in the header
	linfo.u64(undef)
	msgs := []hmsg{
		{msgLinkInfo, 0, linfo.b},
		{msgGroupInfo, 0, []byte{0, 0}},
	}
	for i, c := range kids {
		var e enc
		e.u8(1)
		flags := uint8(0)
		if len(c.name) > 0xff {
			flags |= 1 // 2-byte name length
		}
		cs := charset(c.name)
		if cs != 0 {
			flags |= 0x10
		}
		e.u8(flags)
		if cs != 0 {
			e.u8(cs)
		}
		if flags&1 != 0 {
			e.u16(uint16(len(c.name)))
		} else {
			e.u8(uint8(len(c.name)))
		}
		e.str(c.name)
		e.u64(addrs[i])
		msgs = append(msgs, hmsg{msgLink, 0, e.b})
	}
	msgs = append(msgs, attrMessages(g.attrs)...)
	return w.writeHeader(g.path, msgs)
}

func (w *Writer) writeDataset(d *DatasetWriter) (uint64, error) {
	var shape []int
	if len(d.shape) > 0 {
		shape = d.shape
	}
	var lay enc
	lay.u8(3)
	lay.u8(1) // contiguous
	lay.u64(d.addr)
	lay.u64(d.size)
	msgs := []hmsg{
		{msgDataspace, 0, encodeDataspace(shape)},
		{msgDatatype, 1, encodeDatatype(d.dtype)},
		// Fill value version 3: allocation late, fill written if set, none set.
		{msgFill, 1, []byte{3, 0x0a}},
		{msgLayout, 0, lay.b},
	}
	msgs = append(msgs, attrMessages(d.attrs)...)
	return w.writeHeader(d.path, msgs)
}
