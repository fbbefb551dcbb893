package hdf5

import "bytes"

// Header message types this package reads.
const (
	msgNil          = 0x00
	msgDataspace    = 0x01
	msgLinkInfo     = 0x02
	msgDatatype     = 0x03
	msgFillOld      = 0x04
	msgFill         = 0x05
	msgLink         = 0x06
	msgLayout       = 0x08
	msgGroupInfo    = 0x0A
	msgFilters      = 0x0B
	msgAttribute    = 0x0C
	msgContinuation = 0x10
	msgSymbolTable  = 0x11
	msgAttrInfo     = 0x15
)

// message is one header message: its type, flags and body.
type message struct {
	typ   uint16
	flags uint8
	data  []byte
}

// Limits on one object header, far above what h5py writes.
const (
	maxHeaderChunks   = 1024
	maxHeaderMessages = 1 << 16
	maxHeaderBytes    = 64 << 20
)

// readHeader reads the object header at addr (version 1 or 2) with all its
// continuation chunks and returns its messages.
func (f *File) readHeader(addr uint64) ([]message, error) {
	prefix, err := f.readUpTo(addr, 16)
	if err != nil {
		return nil, errorf("object header at %#x: %v", addr, err)
	}
	if len(prefix) >= 4 && bytes.Equal(prefix[:4], []byte("OHDR")) {
		return f.readHeaderV2(addr)
	}
	return f.readHeaderV1(addr, prefix)
}

type chunkRef struct{ addr, size uint64 }

func (f *File) readHeaderV1(addr uint64, prefix []byte) ([]message, error) {
	c := f.cursor(prefix)
	version := c.u8()
	c.skip(1)
	c.skip(2) // message count: includes continuation and nil messages; not needed
	c.skip(4) // reference count
	size := uint64(c.u32())
	if c.err != nil || version != 1 {
		return nil, errorf("object header at %#x: not an object header (version %d)", addr, version)
	}
	var msgs []message
	chunks := []chunkRef{{addr + 16, size}}
	seen := map[uint64]bool{}
	total := uint64(0)
	for i := 0; i < len(chunks); i++ {
		ch := chunks[i]
		if i >= maxHeaderChunks || seen[ch.addr] {
			return nil, errorf("object header at %#x: too many or repeated continuation chunks", addr)
		}
		seen[ch.addr] = true
		total += ch.size
		if total > maxHeaderBytes {
			return nil, errorf("object header at %#x: larger than %d bytes", addr, maxHeaderBytes)
		}
		b, err := f.readAddr(ch.addr, ch.size)
		if err != nil {
			return nil, errorf("object header at %#x: %v", addr, err)
		}
		c := f.cursor(b)
		for c.remaining() >= 8 {
			typ := c.u16()
			n := int(c.u16())
			flags := c.u8()
			c.skip(3)
			data := c.take(n)
			if c.err != nil {
				return nil, errorf("object header at %#x: message of %d bytes runs past its chunk", addr, n)
			}
			if len(msgs) >= maxHeaderMessages {
				return nil, errorf("object header at %#x: too many messages", addr)
			}
			m := message{typ, flags, data}
			if typ == msgContinuation {
				ref, err := f.continuation(m)
				if err != nil {
					return nil, errorf("object header at %#x: %v", addr, err)
				}
				chunks = append(chunks, ref)
				continue
			}
			msgs = append(msgs, m)
		}
	}
	return msgs, nil
}

func (f *File) continuation(m message) (chunkRef, error) {
	c := f.cursor(m.data)
	a, n := c.addr(), c.length()
	if c.err != nil {
		return chunkRef{}, errorf("continuation message is truncated")
	}
	return chunkRef{a, n}, nil
}

func (f *File) readHeaderV2(addr uint64) ([]message, error) {
	head, err := f.readUpTo(addr, 4+2+16+4+8)
	if err != nil {
		return nil, errorf("object header at %#x: %v", addr, err)
	}
	c := f.cursor(head)
	c.skip(4)
	version := c.u8()
	flags := c.u8()
	if version != 2 {
		return nil, errorf("object header at %#x: unsupported version %d", addr, version)
	}
	if flags&0x20 != 0 {
		c.skip(16) // access, modification, change and birth times
	}
	if flags&0x10 != 0 {
		c.skip(4) // attribute phase change values
	}
	size := c.uintN(1 << (flags & 3))
	if c.err != nil {
		return nil, errorf("object header at %#x: %v", addr, c.err)
	}
	start := uint64(c.off)
	if size > maxHeaderBytes {
		return nil, errorf("object header at %#x: larger than %d bytes", addr, maxHeaderBytes)
	}
	// Chunk 0 spans the prefix, the messages and a 4-byte checksum.
	b, err := f.readAddr(addr, start+size+4)
	if err != nil {
		return nil, errorf("object header at %#x: %v", addr, err)
	}
	order := flags&0x04 != 0
	var msgs []message
	chunks := []chunkRef{}
	if err := f.headerChunkV2(b, int(start), order, &msgs, &chunks); err != nil {
		return nil, errorf("object header at %#x: %v", addr, err)
	}
	seen := map[uint64]bool{addr: true}
	total := size
	for i := 0; i < len(chunks); i++ {
		ch := chunks[i]
		if i >= maxHeaderChunks || seen[ch.addr] {
			return nil, errorf("object header at %#x: too many or repeated continuation chunks", addr)
		}
		seen[ch.addr] = true
		total += ch.size
		if total > maxHeaderBytes {
			return nil, errorf("object header at %#x: larger than %d bytes", addr, maxHeaderBytes)
		}
		b, err := f.readAddr(ch.addr, ch.size)
		if err != nil {
			return nil, errorf("object header at %#x: %v", addr, err)
		}
		if len(b) < 8 || !bytes.Equal(b[:4], []byte("OCHK")) {
			return nil, errorf("object header at %#x: continuation chunk without OCHK signature", addr)
		}
		if err := f.headerChunkV2(b, 4, order, &msgs, &chunks); err != nil {
			return nil, errorf("object header at %#x: %v", addr, err)
		}
	}
	return msgs, nil
}

// headerChunkV2 decodes the messages of one version 2 header chunk b, whose
// messages start at start and which ends in a checksum.
func (f *File) headerChunkV2(b []byte, start int, order bool, msgs *[]message, chunks *[]chunkRef) error {
	if len(b) < start+4 {
		return errorf("header chunk is truncated")
	}
	end := len(b) - 4
	if lookup3(b[:end]) != le32(b[end:]) {
		return errorf("header chunk checksum mismatch")
	}
	hdr := 4
	if order {
		hdr = 6
	}
	c := f.cursor(b[:end])
	c.off = start
	for c.remaining() >= hdr {
		typ := uint16(c.u8())
		n := int(c.u16())
		flags := c.u8()
		if order {
			c.skip(2)
		}
		data := c.take(n)
		if c.err != nil {
			return errorf("message of %d bytes runs past its chunk", n)
		}
		if len(*msgs) >= maxHeaderMessages {
			return errorf("too many messages")
		}
		m := message{typ, flags, data}
		if typ == msgContinuation {
			ref, err := f.continuation(m)
			if err != nil {
				return err
			}
			*chunks = append(*chunks, ref)
			continue
		}
		*msgs = append(*msgs, m)
	}
	return nil
}
